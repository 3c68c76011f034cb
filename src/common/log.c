/* Logging: formats into a stack buffer and writes one line with write(2), no stdio, no malloc. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

int log_threshold = LOG_LVL_WARN;
static const char *log_prefix = "netcon";

int log_set_level(const char *name)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	if (!name || !*name)
		return 0;
	if (!strcmp(name, "off") || !strcmp(name, "none")) {
		log_threshold = LOG_LVL_OFF;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (!strcmp(name, names[i])) {
			log_threshold = i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const tags[] = {"error", "warning", "info", "debug"};
	char buf[1024];
	int saved = errno, n, m;
	va_list ap;

	if (level > log_threshold)
		return;
	n = snprintf(buf, sizeof(buf), "%s: %s: ", log_prefix, tags[level]);
	if (n < 0 || n >= (int)sizeof(buf))
		n = 0;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nothing else to tell it to */
	}
	errno = saved;
}
