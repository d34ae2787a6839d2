/* log.c - developer debug log on stderr, off unless LURK_DEBUG names a domain */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

unsigned log_domains;
static uint64_t log_start;

static const struct {
	const char *name;
	enum log_domain d;
} domains[] = {
	{ "ptrace", LOG_PTRACE }, { "sym", LOG_SYM },	  { "unwind", LOG_UNWIND },
	{ "cmd", LOG_CMD },	  { "watch", LOG_WATCH },
};

void log_init(void)
{
	const char *env = getenv("LURK_DEBUG");

	if (!env)
		return;
	log_start = now_ns();
	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
		if (strstr(env, domains[i].name) || strcmp(env, "all") == 0)
			log_domains |= domains[i].d;
}

void log_msg(enum log_domain d, const char *fmt, ...)
{
	const char *name = "?";
	va_list ap;

	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
		if (domains[i].d == d)
			name = domains[i].name;
	/* Milliseconds since start: enough to see where the time of a command goes. */
	fprintf(stderr, "[%8.3f %s] ", (double)(now_ns() - log_start) / 1e6, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
