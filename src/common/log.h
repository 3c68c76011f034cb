/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging for every part of netcon: one line per message on stderr (or the daemon's log file),
 * level from NETCON_LOG. */
#ifndef NETCON_LOG_H
#define NETCON_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_LVL_OFF = -1, LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* The current threshold; messages above it are dropped before formatting. */
extern int log_threshold;

/* Parse "error|warn|info|debug" (or NULL: keep the default); returns -EINVAL on anything else. */
int log_set_level(const char *name);
/* A prefix such as "netcon" or "netcon[1234]"; kept by pointer. */
void log_set_prefix(const char *prefix);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The daemon in the background: lines also go to the file at path (created 0600, appended to,
 * each line stamped with the UTC time); when one would take it past max bytes it is renamed
 * path.1 and a new one started. Lines still go to stderr until log_detach. 0 or -errno. */
int log_open_file(const char *path, long max);
/* stdin from /dev/null, stdout and stderr to the log file (lwIP's assertions and sanitizer
 * reports land there too), and no more lines on the caller's stderr. 0 or -errno. */
int log_detach(void);
/* The log file's path, or NULL when there is none (the daemon in the foreground). */
const char *log_file(void);
/* A line in the log file whatever the level (start, ready, stop); nothing without a file. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_err(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)                                                                              \
	do {                                                                                       \
		if (log_threshold >= LOG_LVL_WARN)                                                 \
			log_msg(LOG_LVL_WARN, __VA_ARGS__);                                        \
	} while (0)
#define log_info(...)                                                                              \
	do {                                                                                       \
		if (log_threshold >= LOG_LVL_INFO)                                                 \
			log_msg(LOG_LVL_INFO, __VA_ARGS__);                                        \
	} while (0)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_threshold >= LOG_LVL_DEBUG)                                                \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                                       \
	} while (0)

#endif
