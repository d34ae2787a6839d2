/* err.h - the last-error record: lower layers explain failures here, the command layer prints them */
#ifndef LURK_ERR_H
#define LURK_ERR_H

/*
 * Functions below the command layer return -1 or NULL and leave a message
 * here (lower case, no trailing period, naming the object). The command layer
 * reads it with err_get() and prints it once. A newer err_set() replaces an
 * older message; err_prefix() adds context on the way up ("attach 42: ...").
 */
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *err_get(void);
void err_clear(void);
int err_isset(void);

#endif
