/* SPDX-License-Identifier: BSD-2-Clause */
/* The CLI's option tables: each verb lists its options once, and one parser reads them all. */
#ifndef NETCON_CLI_OPT_H
#define NETCON_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h> /* optind: where the arguments start */

/* One option of a verb: --name (NULL for none) and -letter (0 for none), with a value or not.
 * Without fn the option lands in the verb's options struct at off: the value as a const char *,
 * or true in a bool. With fn, fn takes it: returns 0, or the exit status of its usage error. */
struct opt {
	const char *name;
	char letter;
	bool value;
	size_t off;
	int (*fn)(const char *sub, void *o, const char *value);
};

/* The field's type is checked: OPT_STRING wants a const char *, OPT_FLAG a bool. */
// clang-format off
#define OPT_FIELD(type, field, want) \
	(offsetof(type, field) + 0 * sizeof(&((type *)0)->field == (want *)0))
#define OPT_STRING(name, letter, type, field) \
	{name, letter, true, OPT_FIELD(type, field, const char *), NULL}
#define OPT_FLAG(name, letter, type, field) {name, letter, false, OPT_FIELD(type, field, bool), NULL}
#define OPT_VALUE(name, letter, fn) {name, letter, true, 0, fn}
#define OPT_CHECK(name, letter, fn) {name, letter, false, 0, fn}
// clang-format on

/* Any number of arguments after the options (the verb checks them). */
#define OPT_ANY_ARGS (-1)

/* A verb: its name in messages ("netcon NAME: ..."), its --help (and -h) text or the function
 * that prints it, its options (the table ends with an entry without name and letter), how many
 * arguments may follow them, and whether the options end at the first argument (netcon run --
 * PROGRAM -x). */
struct opt_verb {
	const char *name;
	const char *help;
	void (*usage)(FILE *f);
	const struct opt *opts;
	int max_args;
	bool stop_at_arg;
};

/* Read argv's options (argv[0] is the verb) into o, as getopt_long does: abbreviations,
 * --name=value, clustered letters. Returns -1 to go on, the arguments from argv[optind]; else the
 * exit status to end with: 0 after --help, 2 after saying what is wrong with the command line. */
int opt_parse(const struct opt_verb *v, int argc, char **argv, void *o);

/* Take one option's value (NULL for a flag) into o as the table entry p says. Returns 0, or the
 * exit status of its usage error. For verbs that read their options themselves. */
int opt_take(const char *sub, const struct opt *p, void *o, const char *value);

/* A verb's sub-verbs as a table, as the verbs are (netcon planet show, netcon controller network
 * create): the word that picks one and what runs it, given argv with argv[0] that word and ctx,
 * what the verb read before (its options, or NULL). The table ends with a NULL name. */
struct opt_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, void *ctx);
};

/* The entry of cmds named name, or NULL. */
const struct opt_cmd *opt_cmd_find(const struct opt_cmd *cmds, const char *name);

#endif
