/* log.h - developer debug log, switched on per domain by LURK_DEBUG=ptrace,sym,... */
#ifndef LURK_LOG_H
#define LURK_LOG_H

enum log_domain {
	LOG_PTRACE = 1 << 0,
	LOG_SYM = 1 << 1,
	LOG_UNWIND = 1 << 2,
	LOG_CMD = 1 << 3,
	LOG_WATCH = 1 << 4,
};

extern unsigned log_domains;

/* Read LURK_DEBUG once at start. */
void log_init(void);
void log_msg(enum log_domain d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG(d, ...)                                \
	do {                                       \
		if (log_domains & (d))             \
			log_msg((d), __VA_ARGS__); \
	} while (0)

#endif
