/* preflight.h - why attaching to a process would fail or did fail, in words a user can act on */
#ifndef LURK_PREFLIGHT_H
#define LURK_PREFLIGHT_H

#include <sys/types.h>

/*
 * Checks that need no ptrace call: the process exists, is not lurk itself,
 * is not a zombie, is not traced by someone else. Returns 0, or -1 with err
 * set to the reason ("no such process", "already traced by PID 12 (gdb)").
 */
int preflight_check(pid_t pid);

/*
 * After PTRACE_SEIZE failed with EPERM: set err to "permission denied"
 * followed by every reason that applies (another user's process,
 * kernel.yama.ptrace_scope, missing CAP_SYS_PTRACE as in a default
 * container, a seccomp filter on lurk) and what to do about each.
 */
void preflight_explain_eperm(pid_t pid);

/*
 * Launching path would change identity (set-user-ID or set-group-ID to
 * someone else): what happens under ptrace, in words, into buf. The kernel
 * runs it with lurk's own privileges unless lurk has CAP_SYS_PTRACE.
 * Returns 1 with buf set, or 0 when the program changes nothing.
 */
int preflight_setid_note(const char *path, char *buf, size_t len);

#endif
