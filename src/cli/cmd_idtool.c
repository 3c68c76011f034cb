// SPDX-License-Identifier: BSD-2-Clause
/* netcon idtool: zerotier-idtool's generate, validate, getpublic, sign and verify. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "zt/identity.h"

/* Identity files are short; anything longer is not one. */
#define IDTOOL_ID_FILE_MAX 4096

static void idtool_usage(FILE *f)
{
	fprintf(f,
		"Usage: netcon idtool <command> [<args>]\n"
		"\n"
		"ZeroTier identities, as zerotier-idtool handles them (same arguments, output and\n"
		"exit status). An identity argument is a file or the identity text itself.\n"
		"\n"
		"Commands:\n"
		"  generate [<identity.secret>] [<identity.public>] [<vanity>]\n"
		"      make a new identity; write the secret (and public) form to the files,\n"
		"      or print the secret form; <vanity> is a hex prefix of the address\n"
		"  validate <identity.secret/public>\n"
		"      check that the address is the memory-hard hash of the public key\n"
		"  getpublic <identity.secret>\n"
		"      print the public form\n"
		"  sign <identity.secret> <file>\n"
		"      print the hex signature of the file's bytes\n"
		"  verify <identity.secret/public> <file> <signature>\n"
		"      check a signature given in hex or as a file holding the hex\n");
}

/* Read a whole file into a NUL-terminated malloc'd buffer. Returns 0 or -errno. */
static int idtool_read(const char *path, char **out, size_t *len, size_t max)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (!buf || fd < 0) {
		ret = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= max) {
				ret = -EFBIG;
				goto out;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* As zerotier-idtool: text longer than 32 with ':' at 10 is a literal identity, else a file. */
static int idtool_get_id(const char *arg, struct zt_identity *id)
{
	char *text;
	size_t len;
	int ret;

	if (strlen(arg) > 32 && arg[10] == ':')
		return zt_identity_from_string(id, arg);
	ret = idtool_read(arg, &text, &len, IDTOOL_ID_FILE_MAX);
	if (ret)
		return ret;
	ret = strlen(text) == len ? zt_identity_from_string(id, text) : -EBADMSG;
	free(text);
	return ret;
}

static int idtool_write(const char *path, const char *s, mode_t mode)
{
	size_t len = strlen(s), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t r = write(fd, s + off, len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		off += (size_t)r;
	}
	return close(fd) ? -errno : 0;
}

static int idtool_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex pairs up to the first non-hex character; returns the bytes written. */
static size_t idtool_unhex(const char *s, uint8_t *out, size_t size)
{
	size_t n = 0;

	while (n < size) {
		int hi = idtool_hexval(s[0]), lo;

		if (hi < 0)
			break;
		lo = idtool_hexval(s[1]);
		if (lo < 0)
			break;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

int idtool_new(const char *secret, const char *public, const char *vanity_hex, bool say)
{
	char text[ZT_IDENTITY_STRING_LEN], hex[ZT_IDENTITY_ADDRESS_STRING_LEN];
	struct zt_identity id;
	uint64_t vanity = 0;
	int bits = 0, ret;

	if (vanity_hex) {
		/* zerotier-idtool reads the prefix as hex and matches its first 4*len bits. */
		size_t l = strlen(vanity_hex);

		bits = (int)(4 * l);
		if (bits > 40)
			bits = 40;
		for (size_t i = 0; i < l && i < 10; i++) {
			int h = idtool_hexval(vanity_hex[i]);

			if (h < 0)
				break;
			vanity = vanity << 4 | (uint64_t)h;
		}
		vanity &= 0xffffffffffULL;
	}
	for (;;) {
		ret = zt_identity_generate(&id);
		if (ret) {
			fprintf(stderr, "netcon idtool: cannot generate an identity: %s\n",
				strerror(-ret));
			return 1;
		}
		if ((id.address >> (40 - bits)) == vanity || bits == 0) {
			if (bits > 0)
				fprintf(stderr, "vanity address: found %s !\n",
					zt_identity_address_to_hex(id.address, hex));
			break;
		}
		fprintf(stderr, "vanity address: tried %s looking for first %d bits of %.10llx\n",
			zt_identity_address_to_hex(id.address, hex), bits,
			(unsigned long long)(vanity << (40 - bits)));
	}
	zt_identity_to_string(&id, true, text, sizeof(text));
	if (!secret) {
		printf("%s", text);
		return 0;
	}
	if (idtool_write(secret, text, 0600)) {
		fprintf(stderr, "Error writing to %s\n", secret);
		return 1;
	}
	if (say)
		printf("%s written\n", secret);
	if (public) {
		zt_identity_to_string(&id, false, text, sizeof(text));
		if (idtool_write(public, text, 0644)) {
			fprintf(stderr, "Error writing to %s\n", public);
			return 1;
		}
		if (say)
			printf("%s written\n", public);
	}
	return 0;
}

static int idtool_verify(const struct zt_identity *id, const char *file, const char *sigarg)
{
	uint8_t sig[2048];
	char *msg = NULL, *sigtext = NULL;
	size_t mlen, slen, n;
	bool good;

	if (idtool_read(file, &msg, &mlen, (size_t)1 << 30)) {
		fprintf(stderr, "%s is not readable\n", file);
		return 1;
	}
	/* The signature is hex on the command line, or else a file holding the hex. */
	n = idtool_unhex(sigarg, sig, sizeof(sig));
	good = n > ZT_IDENTITY_ADDRESS_LEN && zt_identity_verify(id, msg, mlen, sig, n);
	if (!good && idtool_read(sigarg, &sigtext, &slen, sizeof(sig) * 2 + 64) == 0) {
		n = idtool_unhex(sigtext, sig, sizeof(sig));
		good = n > ZT_IDENTITY_ADDRESS_LEN && zt_identity_verify(id, msg, mlen, sig, n);
	}
	free(msg);
	free(sigtext);
	if (!good) {
		fprintf(stderr, "%s signature check FAILED\n", file);
		return 1;
	}
	printf("%s signature valid\n", file);
	return 0;
}

static int idtool_validate(const struct zt_identity *id, char **argv)
{
	if (zt_identity_validate(id)) {
		fprintf(stderr, "%s FAILED validation.\n", argv[2]);
		return 1;
	}
	printf("%s is a valid identity\n", argv[2]);
	return 0;
}

static int idtool_getpublic(const struct zt_identity *id, char **argv)
{
	char text[ZT_IDENTITY_STRING_LEN];

	zt_identity_to_string(id, false, text, sizeof(text));
	printf("%s", text);
	return 0;
}

static int idtool_sign(const struct zt_identity *id, char **argv)
{
	uint8_t sig[96];
	char *msg;
	size_t mlen;

	if (!id->has_private) {
		fprintf(stderr, "%s does not contain a private key (must use private to sign)\n",
			argv[2]);
		return 1;
	}
	if (idtool_read(argv[3], &msg, &mlen, (size_t)1 << 30)) {
		fprintf(stderr, "%s is not readable\n", argv[3]);
		return 1;
	}
	zt_identity_sign(id, msg, mlen, sig);
	free(msg);
	for (size_t i = 0; i < sizeof(sig); i++)
		printf("%02x", sig[i]);
	return 0;
}

static int idtool_verify_args(const struct zt_identity *id, char **argv)
{
	return idtool_verify(id, argv[3], argv[4]);
}

/* The commands that read an identity (argv[2]): how many words their command line needs. */
static const struct {
	const char *name;
	int need;
	int (*fn)(const struct zt_identity *id, char **argv);
} idtool_cmds[] = {
    {"validate", 3, idtool_validate},
    {"getpublic", 3, idtool_getpublic},
    {"sign", 4, idtool_sign},
    {"verify", 5, idtool_verify_args},
};

int cmd_idtool(int argc, char **argv)
{
	struct zt_identity id;
	const char *cmd;
	size_t i, n = sizeof(idtool_cmds) / sizeof(idtool_cmds[0]);

	if (argc < 2) {
		idtool_usage(stdout);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		idtool_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "generate"))
		return idtool_new(argc >= 3 ? argv[2] : NULL, argc >= 4 ? argv[3] : NULL,
				  argc >= 5 ? argv[4] : NULL, true);
	for (i = 0; i < n && strcmp(cmd, idtool_cmds[i].name); i++)
		;
	if (i == n) {
		fprintf(stderr, "netcon idtool: unknown command '%s'\n", cmd);
		idtool_usage(stdout);
		return 1;
	}
	if (argc < idtool_cmds[i].need) {
		idtool_usage(stdout);
		return 1;
	}
	if (idtool_get_id(argv[2], &id)) {
		fprintf(stderr, "Identity argument invalid or file unreadable: %s\n", argv[2]);
		return 1;
	}
	return idtool_cmds[i].fn(&id, argv);
}
