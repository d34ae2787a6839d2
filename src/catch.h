/* catch.h - catchpoints: stops at system calls and at signals the process receives */
#ifndef LURK_CATCH_H
#define LURK_CATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "brk.h"

struct session;
struct stop_event;

/*
 * A syscall catchpoint on the system calls words name (names or numbers;
 * none: every one), or a signal catchpoint on the signals they name
 * (SIGUSR1, usr1, 10; "all": every one; none: every one but SIGTRAP and
 * SIGINT, which debugging uses). A temporary one is deleted when it first
 * stops the program. *desc gets what gdb says when it is made ("syscall
 * 'write' [1]"), the caller's to free. Returns the catchpoint, or NULL with
 * err set.
 */
struct brk *catch_create(struct session *s, enum brk_type type, const char *const *words, size_t n,
			 bool temporary, char **desc);
/*
 * A syscall stop (STOP_SYSCALL_CALL / _RETURN) or a signal (STOP_SIGNAL):
 * counts the hit of each enabled catchpoint that wants it, evaluates its
 * condition, consumes an ignore count. *b is the one that stops the program.
 */
enum brk_verdict catch_judge(struct session *s, const struct stop_event *ev, struct brk **b);

#endif
