// SPDX-License-Identifier: BSD-2-Clause
/* The CLI's option tables, read with getopt_long; errors said as "netcon VERB: ...". */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

/* More options than any verb has; an entry's getopt code is OPT_CODE + its index. */
#define OPT_MAX 24
#define OPT_CODE 256

/* getopt_long returned c ('?' or ':', with opterr 0 and ':' leading the optstring): say which
 * option is unknown or lacks its value, as cli_usage_error does; returns 2. */
static int opt_error(const char *sub, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char name[64];

	/* An unknown short option in a cluster leaves optind on that cluster: argv[optind - 1] is
	 * then the argument before, whatever it is; optopt tells it from a long option (0). */
	if (!strncmp(arg, "--", 2) && (c == ':' || !optopt || strchr(arg, '='))) {
		/* A long option, as given: up to its "=value". */
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
		if (c == ':')
			return cli_usage_error(sub, "option '%s' needs a value", name);
		if (optopt && strchr(arg, '='))
			return cli_usage_error(sub, "option '%s' takes no value", name);
		return cli_usage_error(sub, "unknown option '%s'", name);
	}
	if (c == ':')
		return cli_usage_error(sub, "option '-%c' needs a value", optopt);
	return cli_usage_error(sub, "unknown option '-%c'", optopt);
}

/* The table's entry for what getopt_long returned, or NULL. */
static const struct opt *opt_find(const struct opt *opts, int n, int c)
{
	if (c >= OPT_CODE && c < OPT_CODE + n)
		return &opts[c - OPT_CODE];
	for (int i = 0; i < n && c > 0; i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

int opt_take(const char *sub, const struct opt *p, void *o, const char *value)
{
	if (p->fn)
		return p->fn(sub, o, value);
	if (p->value)
		*(const char **)((char *)o + p->off) = value;
	else
		*(bool *)((char *)o + p->off) = true;
	return 0;
}

int opt_parse(const struct opt_verb *v, int argc, char **argv, void *o)
{
	struct option longs[OPT_MAX + 2];
	char shorts[2 * OPT_MAX + 4];
	int n = 0, nl = 0, ns = 0, c, r;

	if (v->stop_at_arg)
		shorts[ns++] = '+';
	shorts[ns++] = ':';
	shorts[ns++] = 'h';
	for (; v->opts[n].name || v->opts[n].letter; n++) {
		const struct opt *p = &v->opts[n];

		if (n == OPT_MAX)
			return cli_usage_error(v->name, "too many options in this netcon's table");
		if (p->name)
			longs[nl++] =
			    (struct option){p->name, p->value ? required_argument : no_argument,
					    NULL, OPT_CODE + n};
		if (p->letter) {
			shorts[ns++] = p->letter;
			if (p->value)
				shorts[ns++] = ':';
		}
	}
	longs[nl++] = (struct option){"help", no_argument, NULL, 'h'};
	longs[nl] = (struct option){NULL, 0, NULL, 0};
	shorts[ns] = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt *p = opt_find(v->opts, n, c);

		if (c == 'h') {
			if (v->usage)
				v->usage(stdout);
			else
				fputs(v->help, stdout);
			return 0;
		}
		if (!p)
			return opt_error(v->name, c, argv);
		r = opt_take(v->name, p, o, optarg);
		if (r)
			return r;
	}
	if (v->max_args != OPT_ANY_ARGS && argc - optind > v->max_args)
		return cli_usage_error(v->name, "unexpected argument '%s'",
				       argv[optind + v->max_args]);
	return -1;
}

const struct opt_cmd *opt_cmd_find(const struct opt_cmd *cmds, const char *name)
{
	for (; cmds->name; cmds++)
		if (!strcmp(cmds->name, name))
			return cmds;
	return NULL;
}
