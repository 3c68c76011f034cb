/* Logging for every part of netcon: one line per message on stderr, level from NETCON_LOG. */
#ifndef NETCON_LOG_H
#define NETCON_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_OFF = -1, LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* The current threshold; messages above it are dropped before formatting. */
extern int log_threshold;

/* Parse "error|warn|info|debug" (or NULL: keep the default); returns -EINVAL on anything else. */
int log_set_level(const char *name);
/* A prefix such as "netcon" or "netcon[1234]"; kept by pointer. */
void log_set_prefix(const char *prefix);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
