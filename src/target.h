/* target.h - one debugged process: threads, resume and all-stop, stop events, symbols and frames */
#ifndef LURK_TARGET_H
#define LURK_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "regs.h"

struct core;
struct disas;
struct frame;
struct maps;
struct sym;
struct target;
struct thread;

enum stop_reason {
	STOP_NONE,
	STOP_ATTACHED,	  /* attach finished: every thread stopped where it was */
	STOP_EXEC,	  /* launched: stopped before the program's first instruction */
	STOP_SIGNAL,	  /* a thread received a signal whose disposition is "stop" */
	STOP_BREAKPOINT,  /* a breakpoint site was hit */
	STOP_INTERRUPTED, /* Ctrl-C or interrupt */
	STOP_STEP,	  /* a single-step of one thread finished */
	STOP_WATCHPOINT, /* hardware: addr holds the mask of slots; software (code 1): see target_sw_hit */
	STOP_SAMPLED,	/* the sampler asked to stop (a memory threshold was crossed) */
	STOP_EXITED,	/* the process exited; code */
	STOP_KILLED,	/* the process was killed by sig */
	STOP_TERMINATE, /* lurk itself got SIGTERM/SIGHUP/SIGQUIT (sig): target stopped, leave now */
	STOP_SYSCALL_CALL,   /* a caught system call (code: its number) is entered */
	STOP_SYSCALL_RETURN, /* ...or returns */
};

struct stop_event {
	enum stop_reason reason;
	int thread; /* lurk's thread number, 0 when none */
	pid_t tid;
	int sig;
	int code;
	uint64_t addr;
};

/* Things that happen while the target runs and are worth a line, without stopping it. */
enum target_note {
	NOTE_NEW_THREAD,
	NOTE_THREAD_EXITED,
	NOTE_EXEC,
	NOTE_FORK_DETACHED,
	NOTE_SIGNAL_PASSED,
	NOTE_THREAD_STUCK,
	NOTE_JOB_CONTINUED, /* the first resume sent SIGCONT to a job-control-stopped process */
};

struct target_notice {
	enum target_note kind;
	int thread;
	pid_t tid;
	pid_t child;
	int sig;
	int code;
	const char *path;
};

typedef void (*target_notify_fn)(void *arg, const struct target_notice *n);

/* What to do when the target receives a signal (gdb's "handle" table). */
struct sig_disposition {
	bool stop, print, pass;
};

struct target *target_new(const struct arch *arch);
/* Only after target_leave(). */
void target_free(struct target *t);
void target_set_notify(struct target *t, target_notify_fn fn, void *arg);

/*
 * Attach to every thread of pid (PTRACE_SEIZE, then PTRACE_INTERRUPT each;
 * threads appearing meanwhile are picked up until /proc/PID/task is stable).
 * Returns 0 with *ev = STOP_ATTACHED, or -1 with err explaining why.
 */
int target_attach(struct target *t, pid_t pid, struct stop_event *ev);
/* Start path under control, stopped at its exec (*ev = STOP_EXEC). */
int target_launch(struct target *t, const char *path, char *const argv[], char *const envp[],
		  bool no_aslr, struct stop_event *ev);
/*
 * Where the standard output of programs launched from now on goes: fd (a
 * descriptor of lurk's, such as STDERR_FILENO), or -1 for lurk's own
 * standard output, shared (the default).
 */
void target_set_launch_stdout(struct target *t, int fd);

/*
 * Open a core file as the target (gdb's "core-file"): its threads are
 * stopped for good, memory and registers are read from it, and everything
 * that would run, write or trap says "the core file is not a running
 * process". prog (NULL: the core's own) is the program to read symbols
 * from; sysroot (NULL: none) prefixes the paths of the files it mapped.
 * *ev is STOP_ATTACHED in the core's first thread, sig the signal it took.
 * Returns 0, or -1 with err set.
 */
int target_open_core(struct target *t, const char *path, const char *prog, const char *sysroot,
		     struct stop_event *ev);
void target_close_core(struct target *t);
/*
 * Where the file the process mapped at path is read from: in a core, under
 * the sysroot (or the program named for it); else path itself.
 */
const char *target_file_location(struct target *t, const char *path, char *buf, size_t len);
/* In a core: the fatal signal thread th took, else 0. */
int target_th_core_signal(const struct target *t, const struct thread *th);
/* The core file the target is, or NULL for a process (or nothing). */
const struct core *target_core(const struct target *t);
/* The mappings of the process (or the core's), as /proc/PID/maps shows them. 0 or -1 (err). */
int target_maps(struct target *t, struct maps *out);
/* Floating-point and vector registers of a stopped thread. 0 or -1 (err). */
int target_fpregs(struct target *t, struct thread *th, struct regs_fp *out);

/* A process (or a core file) is being debugged. */
bool target_live(const struct target *t);
bool target_is_attached(const struct target *t);
/* Resumed in the background ("continue &") and not yet stopped. */
bool target_running(const struct target *t);
/* Some thread is resumed, in the background or while a command waits for a stop. */
bool target_any_running(const struct target *t);
pid_t target_pid(const struct target *t);
/* The executable's path (readlink of /proc/PID/exe at attach or the path launched). */
const char *target_exe(const struct target *t);
unsigned target_epoch(const struct target *t);

/*
 * Resume every thread and wait until one stops for a reason to report;
 * then every other thread is stopped too (all-stop). A stop collected
 * earlier and not yet reported is returned first without resuming. Ctrl-C
 * (SIGINT to lurk) gives STOP_INTERRUPTED, SIGTERM/SIGHUP STOP_TERMINATE.
 * Returns 0 with *ev, or -1 with err set.
 */
int target_resume(struct target *t, struct stop_event *ev);
/* Resume without waiting ("continue &"). */
int target_resume_background(struct target *t);
/*
 * For a target running in the background: 1 and *ev when it stopped, 0 while
 * it runs. The sampler runs here too, when its period has passed; when it
 * fires every thread is stopped (STOP_SAMPLED).
 */
int target_poll(struct target *t, struct stop_event *ev);
/*
 * Milliseconds until target_poll() should be called again for the sampler
 * (0: now), or -1 when the target does not run in the background or has no
 * sampler: how long a caller waiting for something else may block.
 */
int target_poll_timeout(const struct target *t);
/*
 * Stop a target running in the background: *ev = STOP_INTERRUPTED, or a stop
 * collected on the way, or STOP_SAMPLED when the sampler, asked once more
 * with every thread stopped, fires.
 */
int target_interrupt(struct target *t, struct stop_event *ev);
/*
 * For a profile of the threads that run: in the background, stop only the
 * threads that are on a CPU or waiting for one (state R or D), and leave
 * those asleep in the kernel asleep, not woken out of their wait (for a
 * lock, the GIL) at every sample. 0 when those are stopped (maybe none; the
 * target still counts as running in the background): target_resume_busy()
 * lets them go. 1, with nothing stopped, when the target is not one to
 * stop in part: it has traps, watchpoints, a memory sampler, catchpoints
 * or tracing set, or a stop waits to be reported; the caller stops it all
 * then. -1 with err set.
 */
int target_interrupt_busy(struct target *t);
void target_resume_busy(struct target *t);
/*
 * Single-step thread th by one instruction while every other thread stays
 * stopped (over a breakpoint trap at its pc, if any). *ev is STOP_STEP, or
 * what ended the process. Returns 0, or -1 with err set.
 */
int target_step_insn(struct target *t, struct thread *th, struct stop_event *ev);
/*
 * Hardware watchpoints: x86_64's four debug-register slots, the same in
 * every thread (threads created later get them too). kind: 1 write, 3 read
 * or write. len 1, 2, 4 or 8 and addr aligned to it. Returns 0, or -1 with
 * err set.
 */
#define TARGET_HW_SLOTS 4
int target_hw_set(struct target *t, int slot, uint64_t addr, unsigned len, unsigned kind);
int target_hw_clear(struct target *t, int slot);
/*
 * Whether this machine's debug registers fire: a helper process of lurk's
 * arms one on its own variable and writes it, once per lurk run. why gets
 * a sentence saying what was found. Returns true when they fire.
 */
bool target_hw_works(char *why, size_t len);

/*
 * Software watchpoints, where debug registers cannot serve: the pages that
 * hold [addr, addr + len) are protected while the program runs (read-only
 * for a write watch, no access for read and access watches); a thread that
 * touches them is stepped through that one instruction with the pages open
 * and the other threads held, and the watched bytes are compared. System
 * calls that would read or write the pages run with them open. Memory on
 * a thread's stack, or beside a thread's rseq area, cannot be protected:
 * then every thread is single-stepped instead (write watches only).
 * kind: TARGET_SW_WRITE, _READ or _ACCESS. id is the caller's. Returns 0,
 * or -1 with err set (not mapped, too large, a read watch on a stack).
 */
enum { TARGET_SW_WRITE = 1, TARGET_SW_READ = 2, TARGET_SW_ACCESS = 3 };
#define TARGET_SW_MAX_LEN (64ull << 20)
int target_sw_add(struct target *t, int id, uint64_t addr, uint64_t len, unsigned kind);
void target_sw_remove(struct target *t, int id);
/* "page protection" or "single-stepping": how the software watchpoints are served now. */
const char *target_sw_method(const struct target *t);

/* What a software watchpoint saw at the stop (STOP_WATCHPOINT, code 1). */
struct target_sw_hit {
	bool hit;		      /* this watchpoint is why the program stopped */
	bool changed;		      /* its bytes differ from what they were */
	bool accessed;		      /* an access overlapped them (read and access watches) */
	bool gone;		      /* the program unmapped its memory */
	uint64_t first;		      /* offset of the first changed byte */
	uint64_t nchanged;	      /* how many bytes changed */
	unsigned char was[8], now[8]; /* the first changed bytes (up to 8), before and after */
	unsigned nshown;
	long sysno; /* the system call that changed or read them, -1 if an instruction */
};
/* 1 with *hit when watchpoint id took part in the last stop, else 0. */
int target_sw_hit(struct target *t, int id, struct target_sw_hit *hit);
/* 1 with *hit when the program unmapped watchpoint id's memory at the last stop, else 0. */
int target_sw_gone(struct target *t, int id, struct target_sw_hit *hit);
/*
 * While the program runs under target_resume(), call fn every period_ms
 * (fn NULL: never); in the background, from target_poll() once period_ms
 * has passed (fn may set its next period by calling this again). When it
 * returns true every thread is stopped and the stop is STOP_SAMPLED, in the
 * thread most likely to have caused it: one in a memory system call, else
 * one running user code, else the main thread.
 */
typedef bool (*target_sample_fn)(void *arg);
void target_set_sampler(struct target *t, target_sample_fn fn, void *arg, int period_ms);
/*
 * fn is called every period_ms while the program runs (lurk waits for a
 * stop, or for a command while it runs in the background), and once more
 * each time every thread has stopped, before the stop is reported: the
 * agent's ring of calls is read there. NULL: none.
 */
void target_set_ticker(struct target *t, void (*fn)(void *arg), void *arg, int period_ms);
/*
 * fn is called each time a thread resumes with a signal to handle, before
 * it does: the calls it had begun are interrupted there, not left. NULL:
 * none.
 */
void target_set_signal_hook(struct target *t, void (*fn)(void *arg, struct thread *th, int sig),
			    void *arg);
/*
 * Precise memory watching: threads resume with PTRACE_SYSCALL and the
 * sampler is also asked at the end of every brk, mmap, mremap and munmap,
 * stopping the program in the thread that made the call, at the call.
 */
void target_set_syscall_stops(struct target *t, bool on);
/*
 * Syscall catchpoints: while on, threads resume with PTRACE_SYSCALL and
 * the entry and exit of every system call whose bit is set in nrs (NULL:
 * every one) stop the program (STOP_SYSCALL_CALL / _RETURN, code = its
 * number). nrs has TARGET_NSYSCALLS bits; it is copied.
 */
#define TARGET_NSYSCALLS 1024
void target_catch_syscalls(struct target *t, bool on, const uint64_t *nrs);
/* Signal catchpoints: sig stops the program (STOP_SIGNAL) even where handle says nostop. */
void target_catch_signal(struct target *t, int sig, bool on);
/*
 * The signal thread th gets on the next resume, in place of the one it
 * stopped with (0: none): gdb's "signal SIG".
 */
void target_set_resume_signal(struct target *t, struct thread *th, int sig);
/* Insert / remove a breakpoint trap at addr (reference counted per address). 0 or -1 (err). */
int target_insert_trap(struct target *t, uint64_t addr);
int target_remove_trap(struct target *t, uint64_t addr);
/*
 * Whether a trap sits at pc, where thread th stands after a step or a stop
 * that did not run it: the thread then passes over it when it resumes, as
 * gdb does, instead of reporting a hit at the place it already stands.
 */
bool target_standing_on_trap(struct target *t, struct thread *th, uint64_t pc);
/* Insert a trap while other threads may run, writing through th, a thread stopped in a trap hook. */
int target_insert_trap_by(struct target *t, struct thread *th, uint64_t addr);
int target_remove_trap_by(struct target *t, struct thread *th, uint64_t addr);
/*
 * Whether the trap lurk put at addr is still in the process's memory (a
 * library unloaded, or unloaded and loaded again, took it away). While all
 * threads are stopped the traps are out: then, whether the code under it is.
 */
bool target_trap_present(struct target *t, uint64_t addr);
/* Forget the trap at addr without writing: its code is gone. */
void target_forget_trap(struct target *t, uint64_t addr);
/*
 * Leave the process as it was (every trap removed, pending signals
 * delivered, job-control stop state kept) and detach all threads.
 */
int target_detach(struct target *t);
int target_kill(struct target *t);
/* The one path out: detach an attached process, kill a launched one. Never fails loudly. */
void target_leave(struct target *t);
/*
 * Collect what happened while the target sat stopped (it may have been
 * SIGKILLed). Returns 1 with *ev when the process is gone, else 0.
 */
int target_sync(struct target *t, struct stop_event *ev);

size_t target_nthreads(const struct target *t);
struct thread *target_thread_at(const struct target *t, size_t i);
struct thread *target_thread_num(const struct target *t, int num);
/* The thread's name into buf: the user's (thread name NAME), else its comm from /proc. */
void target_thread_name(const struct target *t, const struct thread *th, char *buf, size_t len);
/*
 * The kernel's name for the thread (its comm; a core's main thread only),
 * "" if none: read once a stop, as a plugin may ask for every thread's
 * name at each frame of a profile's samples.
 */
void target_thread_comm(const struct target *t, const struct thread *th, char *buf, size_t len);
/* The user's name for the thread, or NULL when it has none. */
const char *target_th_user_name(const struct thread *th);
/* Name the thread for the user (NULL: its comm again). 0, or -1 with err set (too long). */
int target_set_th_user_name(struct thread *th, const char *name);
/*
 * What the rest of lurk may know of a thread: lurk's number for it (from 1,
 * in the order first seen, never reused), its kernel tid, whether it was
 * resumed and not yet seen stopped, and whether it is past its exit stop
 * (it never stops again: a zombie main thread).
 */
int target_th_num(const struct thread *th);
pid_t target_th_tid(const struct thread *th);
bool target_th_running(const struct thread *th);
bool target_th_exiting(const struct thread *th);
/* Whether its registers are in the frozen sample (target_freeze). */
bool target_th_frozen(const struct thread *th);

const struct arch *target_arch(const struct target *t);
/* Registers of a stopped thread, cached for the stop epoch. Returns 0 or -1 (err set). */
int target_regs(struct target *t, struct thread *th, struct regs *out);
/* Frames of a stopped thread, innermost first, cached for the stop epoch. Count or -1. */
int target_frames(struct target *t, struct thread *th, const struct frame **frames);
/* The innermost frames only, at least depth of them when the stack has that many (cached as above). */
int target_frames_upto(struct target *t, struct thread *th, int depth, const struct frame **frames);
/*
 * How many inlined calls at the thread's pc are left out of its frames for
 * this stop: a step that reaches the first instruction of an inlined call
 * stops at the call, in the caller's frame, and the next step enters it
 * without running, as gdb does. The frames above leave out that many
 * innermost frames of inlined calls. 0 after every resume.
 */
int target_th_inline_hidden(const struct target *t, const struct thread *th);
void target_th_set_inline_hidden(struct target *t, struct thread *th, int n);
/* Read memory as the program sees it (breakpoint traps hidden). Bytes read or -1 (err set). */
ssize_t target_read(struct target *t, uint64_t addr, void *buf, size_t len);

/*
 * Make a stopped thread run system call nr for lurk, its registers put
 * back after (the program sees only what the call did): 0 and *result, the
 * raw return value (-errno when it failed), or -1 with err set.
 */
int target_syscall(struct target *t, long nr, const uint64_t args[6], uint64_t *result);
/*
 * A sample of the program that does not hold it (profile). With every
 * thread stopped (or, in the background, those target_interrupt_busy
 * stopped), target_freeze keeps each stopped thread's registers and a copy
 * of the top of its stack; target_freeze_add copies more memory with them
 * (an interpreter's frame stack). The threads may then run on: until
 * target_thaw, their registers and frames, and reads of the copied
 * memory, are answered from the copy. Memory not copied is read live.
 * Returns 0, or -1 (err set) when threads run outside the background.
 */
int target_freeze(struct target *t);
void target_freeze_add(struct target *t, uint64_t addr, uint64_t len);
void target_thaw(struct target *t);
bool target_frozen(const struct target *t);
/*
 * Write memory for the user (set var): refused, with the mapping named, where
 * the program itself could not write (read-only or unmapped), and where a
 * breakpoint trap sits. Returns 0, or -1 with err set.
 */
int target_write_data(struct target *t, uint64_t addr, const void *buf, size_t len);
/*
 * The byte at addr becomes 0 when lurk leaves the process (detach, quit, a
 * signal that ends lurk), before its traps are taken out, and in each child
 * the process forks (lurk lets it go at once): code lurk put in the program
 * reads it to know lurk is still there.
 */
void target_clear_on_leave(struct target *t, uint64_t addr);
/*
 * A call of a function of the program, for the user ("print f(1, 2.5)"),
 * in the registers and stack the C calling convention puts its arguments
 * in: integer ones, vector ones (floats and doubles; nvecs goes to the
 * register variadic functions read it from), and the bytes that go on the
 * stack from sp up. sp must be 16-byte aligned and lie well below the
 * thread's stack pointer: the return address goes just below it.
 */
struct target_call {
	uint64_t func, sp;
	uint64_t ints[6];
	int nints;
	unsigned char vecs[8][16];
	int nvecs;
	const unsigned char *stack;
	size_t stack_len;
	int timeout_ms; /* <= 0: no limit */
	/*
	 * Ctrl-C and SIGTERM wait for the call to return (timeout_ms still
	 * ends it): lurk's own calls into the program's library, which left
	 * halfway would keep a lock held or a queue half-changed.
	 */
	bool uninterruptible;
};

/* What the function left in the result registers. */
struct target_call_result {
	uint64_t ints[2];	   /* rax, rdx */
	unsigned char vecs[2][16]; /* xmm0, xmm1 */
	unsigned char st0[10];	   /* the x87 stack's top: a long double */
};

/*
 * Run the call on stopped thread th while every other thread stays
 * stopped, then put th's registers back as they were: the program sees
 * nothing but what the function did. When the function faults, stops at a
 * breakpoint, gets a signal that stops the program, or runs past the time
 * limit (or Ctrl-C, unless call->uninterruptible), the call is abandoned and th put back the same way
 * (gdb's unwindonsignal). Returns 0, or -1 with err set saying why.
 */
int target_call_function(struct target *t, struct thread *th, const struct target_call *call,
			 struct target_call_result *res);

/* Set a register of a stopped thread's innermost frame. Returns 0 or -1 (err set). */
int target_set_reg(struct target *t, struct thread *th, const struct arch_reg *reg, uint64_t v);
/* The symbol session, synced with the current mappings. NULL with err when there is no process. */
struct sym *target_sym(struct target *t);

/*
 * While held, target_sym() does not read /proc/PID/maps again after a stop:
 * judging a breakpoint condition thousands of times a second must not pay
 * for it. Libraries change only at the dynamic linker's events, which
 * release the hold first.
 */
void target_hold_modules(struct target *t, bool hold);

/*
 * Called when a thread hits a trap site, with its registers (pc on the
 * site) while the other threads may run. Returning true means handled
 * (tracing): the thread goes on at once, without a stop to report, unless
 * its instruction cannot run out of line; then (and on false) the hit is
 * reported as a breakpoint stop as usual.
 */
typedef bool (*target_trap_fn)(void *arg, struct thread *th, uint64_t pc, const struct regs *r);
void target_set_trap_hook(struct target *t, target_trap_fn fn, void *arg);

/*
 * Before the prompt: a thread last moved by a single-step still has the CPU's
 * trap flag set, which only a resume clears. A lurk killed then would leave
 * the program to die of SIGTRAP at its next instruction, so each such thread
 * runs one harmless system call under PTRACE_SYSCALL, which clears it.
 */
void target_settle(struct target *t);

/* The instruction decoder (opened on first use), or NULL with err set. */
struct disas *target_disas(struct target *t);

const struct sig_disposition *target_sigdisp(const struct target *t, int sig);
void target_set_sigdisp(struct target *t, int sig, const struct sig_disposition *d);

/*
 * Calls counted by the program itself (trace --count; agent.h): the
 * function at func (size bytes, from its symbol) jumps at its entry to a
 * trampoline lurk maps near it, which counts the call. Every thread
 * stopped. Returns the function's counter, or -1 with err set saying why
 * the function cannot be patched (the caller counts it with traps).
 */
int target_agent_count(struct target *t, uint64_t func, uint64_t size);
/* What counter n holds; readable without a stop, and after the process is gone. */
uint64_t target_agent_calls(const struct target *t, int counter);
/*
 * Calls of the function [lo, hi) recorded by the program itself (trace
 * --mode agent; agent.h): its entry and each of its rets jump to
 * trampolines that write id, the time, the thread and the arguments or the
 * value to the agent's ring (wide: all six integer argument registers and
 * two vector registers, else four integer registers). id at most
 * AGENT_ID_MASK. Every thread stopped. 0, or -1 with err set saying why it
 * cannot be (nothing of it is patched then).
 */
int target_agent_record(struct target *t, uint64_t lo, uint64_t hi, uint32_t id, bool wide);
/*
 * Whether records can name the program's threads (target_agent_record
 * needs it): 1; 0 with err set when its threads have no block yet (at its
 * first instructions); -1 with err set when lurk cannot find the thread id
 * in the blocks (yet: the C library may still be setting them up). Every
 * thread stopped.
 */
int target_agent_threads_known(struct target *t);
/* Its patches out (every thread stopped). */
int target_agent_unrecord(struct target *t, uint32_t id);
/* Hand each record written since the last drain, up to its start, to fn in order; how many. */
struct agent_record;
size_t target_agent_drain(struct target *t, void (*fn)(void *arg, const struct agent_record *r),
			  void *arg);
/* Records the program dropped (the ring was full). */
uint64_t target_agent_drops(const struct target *t);
/*
 * fn(arg, id) is asked, every thread stopped, when a trap is wanted in the
 * bytes patched to record id's calls: true when it took them back
 * (target_agent_unrecord) and traces the function otherwise.
 */
void target_agent_set_yield(struct target *t, bool (*fn)(void *arg, uint32_t id), void *arg);
/* The thread whose thread pointer (%fs:0, a record's thread) is tp, or NULL. */
struct thread *target_agent_thread(struct target *t, uint64_t tp);
/* The function of counter n gets its bytes back (every thread stopped). 0, or -1 with err set. */
int target_agent_unpatch(struct target *t, int counter);
/*
 * A breakpoint's condition judged in the program (break LOC if COND;
 * agent.h): the code at addr, in the function [lo, hi), jumps to a guard
 * that runs cond (agent_cond_compile's code) and traps only when it is
 * true; the stop is reported as a breakpoint stop at addr. Every thread
 * stopped. A thread stopped at addr goes on past the guard, as past a
 * breakpoint set where it stands, unless judge_waiting: then its call is
 * judged too. Returns the guard's number (its counter counts the calls
 * judged), or -1 with err set saying why the place cannot be patched.
 */
int target_agent_guard(struct target *t, uint64_t addr, uint64_t lo, uint64_t hi,
		       const unsigned char *cond, size_t cond_len, bool judge_waiting);
/*
 * Whether a thread can run a system call lurk injects now (the agent maps
 * its pages that way): not at a launched program's first stop, inside its
 * exec.
 */
bool target_can_inject(struct target *t);
/* The guard's place gets its bytes back (or its trap goes, if it gave way to one). */
int target_agent_unguard(struct target *t, int guard);
/*
 * The library the guard is in was unloaded (or may have been): the guard is
 * forgotten, its bytes written back only where they still are.
 */
void target_agent_drop_guard(struct target *t, int guard);
/* Whether the guard's bytes are still in the code (its library was not unloaded). */
bool target_agent_guard_present(struct target *t, int guard);
/*
 * Whether the guard still judges its condition in the program (false: it
 * gave way to a trap, because another trap was wanted in its bytes),
 * *calls, the calls it judged, and *trues, how many times it was true.
 */
bool target_agent_guard_state(const struct target *t, int guard, uint64_t *calls, uint64_t *trues);

#endif
