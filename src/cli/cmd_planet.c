// SPDX-License-Identifier: BSD-2-Clause
/* netcon planet: show and create ZeroTier planet (and moon) World files. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "common/file.h"
#include "zt/c25519.h"
#include "zt/identity.h"
#include "zt/inetaddr.h"
#include "zt/world.h"

/* The signing key file beside a world: "<128 hex public>:<128 hex secret>\n". */
#define SIGNING_KEY_SUFFIX ".signing-key"
#define SIGNING_KEY_TEXT_LEN (128 + 1 + 128 + 1)

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: netcon planet show FILE [--json]\n"
	    "       netcon planet create --root IDENTITY --endpoint IP/PORT [--endpoint ...]\n"
	    "                            [--root IDENTITY --endpoint ...] --out FILE\n"
	    "                            [--id N] [--timestamp MS] [--moon]\n\n"
	    "show    print a World file: its id, type, timestamp, signature check and each\n"
	    "        root's address and stable endpoints (IP/PORT), or all of it as JSON.\n"
	    "        Exits 1 when the file is malformed or its signature does not verify.\n"
	    "create  write a new signed planet (or moon with --moon) with up to %d roots of up\n"
	    "        to %d endpoints each. IDENTITY is an identity.public (or .secret) file;\n"
	    "        each --endpoint belongs to the --root before it. The signing key pair is\n"
	    "        kept in FILE" SIGNING_KEY_SUFFIX " (mode 0600) and reused when present, so\n"
	    "        that nodes accept the new file as an update; an existing FILE keeps its id\n"
	    "        and the new timestamp is later than its. --id defaults to a random one\n"
	    "        (for a moon: the first root's address); --timestamp to now, in ms.\n",
	    ZT_WORLD_MAX_ROOTS, ZT_WORLD_MAX_ENDPOINTS);
}

static const char *type_name(uint8_t t)
{
	return t == ZT_WORLD_TYPE_PLANET ? "planet" : t == ZT_WORLD_TYPE_MOON ? "moon" : "null";
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* Parse a world file fully. Returns 0 or prints why and returns -1. */
static int load_world(const char *path, struct zt_world *w)
{
	char *buf = NULL;
	/* FILE_READ_ANY: planet show /dev/stdin reads a pipe. */
	ssize_t n = file_read(path, ZT_WORLD_MAX_SIZE, FILE_READ_ANY, &buf);
	int r = -1;

	if (n < 0) {
		fprintf(stderr, "netcon planet: %s: %s\n", path,
			n == -EFBIG ? "too large for a world file" : strerror((int)-n));
		goto out;
	}
	r = zt_world_deserialize(w, (const uint8_t *)buf, (size_t)n);
	if (r < 0) {
		fprintf(stderr, "netcon planet: %s: not a valid world file\n", path);
		r = -1;
	} else if (r != n) {
		fprintf(stderr, "netcon planet: %s: %zd unexpected bytes after the world\n", path,
			n - r);
		r = -1;
	} else {
		r = 0;
	}
out:
	free(buf);
	return r;
}

static void print_text(const struct zt_world *w, bool valid)
{
	char s[ZT_INETADDR_STRLEN], key[129], addr[ZT_IDENTITY_ADDRESS_STRING_LEN];

	hex(w->update_key, 64, key);
	printf("world %" PRIu64 " (%016" PRIx64 ")\n", w->id, w->id);
	printf("type %s\n", type_name(w->type));
	printf("timestamp %" PRIu64 "\n", w->timestamp);
	printf("update key %s\n", key);
	printf("signature %s\n", valid ? "valid" : "INVALID");
	for (unsigned i = 0; i < w->n_roots; i++) {
		printf("root %s", zt_identity_address_to_hex(w->roots[i].identity.address, addr));
		for (unsigned k = 0; k < w->roots[i].n_endpoints; k++)
			printf(" %s", zt_inetaddr_to_string(&w->roots[i].endpoints[k], s));
		printf("\n");
	}
}

static void print_json(const struct zt_world *w, bool valid)
{
	char s[ZT_INETADDR_STRLEN], key[129], sig[193], addr[ZT_IDENTITY_ADDRESS_STRING_LEN];
	char id[ZT_IDENTITY_STRING_LEN];

	hex(w->update_key, 64, key);
	hex(w->signature, 96, sig);
	printf("{\"objtype\":\"world\",\"worldType\":\"%s\",\"id\":\"%016" PRIx64
	       "\",\"idDecimal\":%" PRIu64 ",\"timestamp\":%" PRIu64
	       ",\"updatesMustBeSignedBy\":\"%s\",\"signature\":\"%s\",\"signatureValid\":%s,"
	       "\"roots\":[",
	       type_name(w->type), w->id, w->id, w->timestamp, key, sig, valid ? "true" : "false");
	for (unsigned i = 0; i < w->n_roots; i++) {
		zt_identity_to_string(&w->roots[i].identity, false, id, sizeof(id));
		printf("%s{\"address\":\"%s\",\"identity\":\"%s\",\"stableEndpoints\":[",
		       i ? "," : "", zt_identity_address_to_hex(w->roots[i].identity.address, addr),
		       id);
		for (unsigned k = 0; k < w->roots[i].n_endpoints; k++)
			printf("%s\"%s\"", k ? "," : "",
			       zt_inetaddr_to_string(&w->roots[i].endpoints[k], s));
		printf("]}");
	}
	printf("]}\n");
}

static int cmd_show(int argc, char **argv, void *ctx)
{
	const char *file = NULL;
	struct zt_world *w;
	bool json = false, valid;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("planet", "show: unknown option '%s'", argv[i]);
		else if (file)
			return cli_usage_error("planet", "show: one FILE only");
		else
			file = argv[i];
	}
	if (!file)
		return cli_usage_error("planet", "show: which FILE?");
	w = malloc(sizeof(*w));
	if (!w || load_world(file, w) < 0) {
		free(w);
		return 1;
	}
	valid = zt_world_verify(w, w->update_key) == 0;
	if (json)
		print_json(w, valid);
	else
		print_text(w, valid);
	if (!valid)
		fprintf(stderr, "netcon planet: %s: the signature does not verify\n", file);
	r = valid ? 0 : 1;
	free(w);
	return r;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i]) || !s[2 * i + 1] ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Load the signing key pair beside out, or make and store one. Returns 0 or -1 (printed). */
static int signing_key(const char *out, bool may_create, uint8_t pub[64], uint8_t priv[64],
		       bool *created)
{
	char *path = file_path("%s" SIGNING_KEY_SUFFIX, out), *text = NULL;
	char line[SIGNING_KEY_TEXT_LEN];
	uint8_t check[64];
	ssize_t n;
	int fd, r = -1;

	if (!path)
		return -1;
	n = file_read(path, SIGNING_KEY_TEXT_LEN + 1, FILE_READ_ANY, &text);
	if (n >= 0) {
		text[strcspn(text, "\r\n")] = '\0';
		if (strlen(text) != 257 || text[128] != ':' || unhex(text, pub, 64) ||
		    unhex(text + 129, priv, 64) || zt_c25519_calc_pub_dh(check, priv) ||
		    zt_c25519_calc_pub_ed(check, priv) || memcmp(check, pub, 64)) {
			fprintf(stderr, "netcon planet: %s: not a valid signing key file\n", path);
			goto out;
		}
		*created = false;
		r = 0;
		goto out;
	}
	if (n == -ENOENT && !may_create) {
		fprintf(stderr,
			"netcon planet: %s exists but %s does not: a new key could not sign its "
			"update\n",
			out, path);
		goto out;
	}
	if (n != -ENOENT) {
		fprintf(stderr, "netcon planet: %s: %s\n", path,
			n == -EFBIG ? "not a valid signing key file" : strerror((int)-n));
		goto out;
	}
	if (zt_c25519_generate(pub, priv) < 0) {
		fprintf(stderr, "netcon planet: cannot generate a key pair\n");
		goto out;
	}
	hex(pub, 64, line);
	line[128] = ':';
	hex(priv, 64, line + 129);
	line[257] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, 258) != 258 || fsync(fd) < 0) {
		fprintf(stderr, "netcon planet: %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		goto out;
	}
	close(fd);
	*created = true;
	r = 0;
out:
	free(text);
	free(path);
	return r;
}

static int load_root(const char *path, struct zt_identity *id)
{
	char *text = NULL;
	ssize_t n = file_read(path, 1023, FILE_READ_ANY, &text);
	int r = -1;

	if (n < 0) {
		fprintf(stderr, "netcon planet: %s: %s\n", path,
			n == -EFBIG ? "not an identity file" : strerror((int)-n));
		return -1;
	}
	if (zt_identity_from_string(id, text) < 0 || zt_identity_validate(id) < 0) {
		fprintf(stderr, "netcon planet: %s: not a valid ZeroTier identity\n", path);
		goto out;
	}
	/* A world carries public keys only. */
	id->has_private = false;
	memset(id->priv, 0, sizeof(id->priv));
	r = 0;
out:
	free(text);
	return r;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int write_world(const char *out, const struct zt_world *w)
{
	uint8_t *buf = malloc(ZT_WORLD_MAX_SIZE);
	int n, r = -1;

	if (!buf)
		return -1;
	n = zt_world_serialize(w, false, buf, ZT_WORLD_MAX_SIZE);
	if (n < 0) {
		fprintf(stderr, "netcon planet: cannot write %s\n", out);
		goto out;
	}
	r = file_write_atomic(out, buf, (size_t)n, 0644);
	if (r < 0) {
		fprintf(stderr, "netcon planet: %s: %s\n", out, strerror(-r));
		r = -1;
	}
out:
	free(buf);
	return r;
}

/* What planet create is told: the roots (each with its endpoints), the file, the rest. */
struct planet_new {
	struct zt_world *w;
	const char *out;
	uint64_t id, ts;
	bool have_id, have_ts, moon;
};

static int planet_opt_root(const char *sub, void *o, const char *value)
{
	struct zt_world *w = ((struct planet_new *)o)->w;

	if (w->n_roots == ZT_WORLD_MAX_ROOTS)
		return cli_usage_error(sub, "create: at most %d roots", ZT_WORLD_MAX_ROOTS);
	if (load_root(value, &w->roots[w->n_roots].identity) < 0)
		return 1;
	w->n_roots++;
	return 0;
}

static int planet_opt_endpoint(const char *sub, void *o, const char *value)
{
	struct zt_world *w = ((struct planet_new *)o)->w;
	struct zt_world_root *root;

	if (!w->n_roots)
		return cli_usage_error(sub, "create: --endpoint before any --root");
	root = &w->roots[w->n_roots - 1];
	if (root->n_endpoints == ZT_WORLD_MAX_ENDPOINTS)
		return cli_usage_error(sub, "create: at most %d endpoints per root",
				       ZT_WORLD_MAX_ENDPOINTS);
	if (zt_inetaddr_from_string(&root->endpoints[root->n_endpoints], value) < 0)
		return cli_usage_error(
		    sub, "create: '%s' is not IP/PORT (10.0.0.1/9993, fd00::1/9993)", value);
	root->n_endpoints++;
	return 0;
}

/* --id or --timestamp: a number other than 0, into *v. */
static int planet_opt_number(const char *sub, const char *what, const char *value, uint64_t *v,
			     bool *given)
{
	if (parse_u64(value, v) < 0 || !*v)
		return cli_usage_error(sub, "create: bad %s '%s'", what, value);
	*given = true;
	return 0;
}

static int planet_opt_id(const char *sub, void *o, const char *value)
{
	struct planet_new *c = o;

	return planet_opt_number(sub, "--id", value, &c->id, &c->have_id);
}

static int planet_opt_timestamp(const char *sub, void *o, const char *value)
{
	struct planet_new *c = o;

	return planet_opt_number(sub, "--timestamp", value, &c->ts, &c->have_ts);
}

static const struct opt planet_create_options[] = {
    OPT_VALUE("root", 0, planet_opt_root),
    OPT_VALUE("endpoint", 0, planet_opt_endpoint),
    OPT_STRING("out", 0, struct planet_new, out),
    OPT_VALUE("id", 0, planet_opt_id),
    OPT_VALUE("timestamp", 0, planet_opt_timestamp),
    OPT_FLAG("moon", 0, struct planet_new, moon),
    {0},
};

/* create's options in order (an --endpoint is the --root's before it) and exactly as written:
 * no abbreviations, no --name=value. Returns -1 to go on, else the exit status. */
static int planet_create_opts(struct planet_new *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct opt *p = planet_create_options;
		int r;

		while (p->name && (strncmp(argv[i], "--", 2) || strcmp(argv[i] + 2, p->name)))
			p++;
		if (!p->name)
			return cli_usage_error("planet", "create: unknown argument '%s'", argv[i]);
		if (p->value && i + 1 == argc)
			return cli_usage_error("planet", "create: %s needs a value", argv[i]);
		r = opt_take("planet", p, c, p->value ? argv[++i] : NULL);
		if (r)
			return r;
	}
	return -1;
}

/* Sign and write the world c describes. Returns the exit status, having said why on stderr. */
static int planet_new_write(struct planet_new *c)
{
	struct zt_world *w = c->w, *old = calloc(1, sizeof(*old));
	const char *out = c->out;
	uint64_t id = c->id, ts = c->ts;
	bool created = false;
	uint8_t pub[64], priv[64];
	struct timeval tv;
	int r = 1;

	if (!old)
		return 1;
	if (!out) {
		r = cli_usage_error("planet", "create: --out FILE is required");
		goto out;
	}
	if (!w->n_roots) {
		r = cli_usage_error("planet", "create: at least one --root is required");
		goto out;
	}
	for (unsigned i = 0; i < w->n_roots; i++)
		if (!w->roots[i].n_endpoints) {
			r = cli_usage_error("planet", "create: root %u has no --endpoint", i + 1);
			goto out;
		}

	if (access(out, F_OK) == 0) {
		if (load_world(out, old) < 0)
			goto out;
	}
	if (signing_key(out, old->type == ZT_WORLD_TYPE_NULL, pub, priv, &created) < 0)
		goto out;
	if (old->type != ZT_WORLD_TYPE_NULL) {
		if (memcmp(old->update_key, pub, 64)) {
			fprintf(
			    stderr,
			    "netcon planet: %s is signed by another key than %s" SIGNING_KEY_SUFFIX
			    "; nodes would refuse the update\n",
			    out, out);
			goto out;
		}
		if (!c->have_id)
			id = old->id;
	}
	w->type = c->moon ? ZT_WORLD_TYPE_MOON : ZT_WORLD_TYPE_PLANET;
	if (old->type != ZT_WORLD_TYPE_NULL && (old->id != id || old->type != w->type))
		fprintf(stderr,
			"netcon planet: warning: %s had world %" PRIu64 " (%s); nodes will "
			"not take this one as its update\n",
			out, old->id, type_name(old->type));
	if (!id && c->moon)
		id = w->roots[0].identity.address;
	while (!id)
		randombytes_buf(&id, sizeof(id));
	if (!c->have_ts) {
		gettimeofday(&tv, NULL);
		ts = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
		if (old->type != ZT_WORLD_TYPE_NULL && ts <= old->timestamp)
			ts = old->timestamp + 1;
	} else if (old->type != ZT_WORLD_TYPE_NULL && old->id == id && ts <= old->timestamp) {
		fprintf(stderr,
			"netcon planet: --timestamp %" PRIu64 " is not later than %s's %" PRIu64
			"; nodes would keep the old one\n",
			ts, out, old->timestamp);
		goto out;
	}
	w->id = id;
	w->timestamp = ts;
	if (zt_world_sign(w, pub, priv) < 0 || zt_world_verify(w, pub) < 0) {
		fprintf(stderr, "netcon planet: signing failed\n");
		goto out;
	}
	if (write_world(out, w) < 0)
		goto out;
	fprintf(stderr,
		"netcon planet: wrote %s (world %" PRIu64
		", %s, %u root%s), %s %s" SIGNING_KEY_SUFFIX "\n",
		out, id, type_name(w->type), w->n_roots, w->n_roots == 1 ? "" : "s",
		created ? "new signing key in" : "signed with", out);
	r = 0;
out:
	explicit_bzero(priv, sizeof(priv));
	free(old);
	return r;
}

static int cmd_create(int argc, char **argv, void *ctx)
{
	struct planet_new c = {.w = calloc(1, sizeof(*c.w))};
	int r = c.w ? planet_create_opts(&c, argc, argv) : 1;

	if (r < 0)
		r = planet_new_write(&c);
	free(c.w);
	return r;
}

int planet_new_root(const char *out, const char *root, const char *endpoint)
{
	struct planet_new c = {.w = calloc(1, sizeof(*c.w)), .out = out};
	int r = c.w ? planet_opt_root("planet", &c, root) : 1;

	if (!r)
		r = planet_opt_endpoint("planet", &c, endpoint);
	if (!r)
		r = planet_new_write(&c);
	free(c.w);
	return r;
}

static const struct opt_cmd planet_cmds[] = {
    {"show", cmd_show},
    {"create", cmd_create},
    {NULL, NULL},
};

int cmd_planet(int argc, char **argv)
{
	const struct opt_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	c = opt_cmd_find(planet_cmds, argv[1]);
	if (!c)
		return cli_usage_error("planet", "unknown action '%s' (show or create)", argv[1]);
	return c->fn(argc - 1, argv + 1, NULL);
}
