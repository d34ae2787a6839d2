/* proc.h - ptrace and waitpid primitives: seize, interrupt, resume, detach, spawn, wait-status decoding */
#ifndef LURK_PROC_H
#define LURK_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What one waitpid() status means. */
enum wait_kind {
	W_EXITED,     /* the thread exited; status = exit code */
	W_KILLED,     /* killed by signal sig */
	W_SIGNAL,     /* signal-delivery-stop for sig */
	W_GROUP_STOP, /* job-control stop (PTRACE_EVENT_STOP with a stop signal sig) */
	W_INTERRUPT, /* PTRACE_EVENT_STOP with SIGTRAP: our PTRACE_INTERRUPT or a new thread's first stop */
	W_CLONE, /* created thread msg */
	W_FORK,	 /* forked process msg */
	W_VFORK, /* vforked process msg */
	W_VFORK_DONE,
	W_EXEC,	   /* exec'd; msg = former tid */
	W_EXIT,	   /* about to exit; msg = wait status */
	W_SYSCALL, /* syscall entry or exit (PTRACE_O_TRACESYSGOOD) */
	W_SECCOMP, /* seccomp SECCOMP_RET_TRACE stop */
	W_OTHER,
};

struct wait_event {
	pid_t tid;
	enum wait_kind kind;
	int sig;
	int status;
	unsigned long msg;
};

/* Options for every thread lurk traces; EXITKILL is added for launched targets. */
#define PROC_TRACE_OPTIONS                                                                    \
	(PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK | \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACESYSGOOD)

/* Each returns 0, or -1 with errno preserved and err set. */
int proc_seize(pid_t tid, unsigned long options);
int proc_interrupt(pid_t tid);
int proc_cont(pid_t tid, int sig);
int proc_step(pid_t tid, int sig);
int proc_syscall(pid_t tid, int sig);
int proc_listen(pid_t tid);
int proc_detach(pid_t tid, int sig);
int proc_getsiginfo(pid_t tid, siginfo_t *si);
/* Whether any signal is queued for the thread (or it cannot be told: true). */
bool proc_any_signal_queued(pid_t tid);
/* Whether sig is queued for thread tid (stopped), not yet taken: PTRACE_PEEKSIGINFO. */
bool proc_signal_queued(pid_t tid, int sig);
/* Debug register n (0-7) of a stopped thread, through struct user's u_debugreg. */
int proc_get_debugreg(pid_t tid, int n, uint64_t *value);
int proc_set_debugreg(pid_t tid, int n, uint64_t value);

/* Decode a waitpid() status of tid (pure; PTRACE_GETEVENTMSG is read by proc_wait). */
void proc_decode(pid_t tid, int status, struct wait_event *ev);
/*
 * waitpid(tid, __WALL) (tid -1: any), blocking or not. Returns 1 with *ev
 * filled, 0 when nothing is ready (non-blocking), -1 with err set (ECHILD:
 * nothing left to wait for).
 */
int proc_wait(pid_t tid, bool block, struct wait_event *ev);

/*
 * Start path with argv/envp under ptrace (seized, with options) and return
 * its pid stopped at the exec event; -1 with err set when it cannot be run
 * ("cannot run /x/y: No such file or directory"). stdout_fd, when not -1,
 * becomes the program's standard output; else it shares lurk's.
 */
pid_t proc_spawn(const char *path, char *const argv[], char *const envp[], bool no_aslr,
		 unsigned long options, int stdout_fd);

/* "SIGSEGV" for 11; "SIG42" for unnamed ones. Borrowed. */
const char *proc_signame(int sig);
/* Parse "SIGSEGV", "segv", "11" into a signal number; -1 if unknown. */
int proc_signum(const char *name);

#endif
