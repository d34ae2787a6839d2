/* err.c - the last-error record */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static char err_msg[1024];

void err_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
}

void err_prefix(const char *fmt, ...)
{
	char prefix[256], old[sizeof(err_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err_msg, sizeof(old));
	/* Truncating a long message is fine; it stays NUL-terminated. */
	if (snprintf(err_msg, sizeof(err_msg), "%s: %.*s", prefix, (int)(sizeof(err_msg) - 1),
		     old[0] ? old : "failed") < 0)
		err_msg[0] = '\0';
}

const char *err_get(void)
{
	return err_msg[0] ? err_msg : "unknown error";
}

void err_clear(void)
{
	err_msg[0] = '\0';
}

int err_isset(void)
{
	return err_msg[0] != '\0';
}
