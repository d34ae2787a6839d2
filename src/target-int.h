/* target-int.h - the target family's private state: struct target and the helpers its files share */
#ifndef LURK_TARGET_INT_H
#define LURK_TARGET_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "site.h"
#include "disas.h"
#include "agent.h"
#include "oolstep.h"
#include "proc.h"
#include "target.h"

/* Stops of processes forked by the target that arrived before the fork event itself. */
struct early_stop {
	pid_t pid;
	struct early_stop *next;
};

/* Software watchpoints (target-swatch.c). */
struct sw_watch {
	int id;
	uint64_t addr, len;
	unsigned kind;
	unsigned char *snap; /* the bytes as last seen */
	struct target_sw_hit hit;
};

/* A run of watched pages inside one mapping: the program's protection and lurk's. */
struct sw_piece {
	uint64_t start, end;
	int orig_prot, prot;
};

struct swatch {
	struct sw_watch *w;
	size_t nw;
	struct sw_piece *p;
	size_t np;
	bool stepping;	     /* every thread single-steps instead: a watch on a stack */
	bool applied;	     /* the pieces carry lurk's protection now */
	bool busy;	     /* a thread is being stepped through a watched page */
	unsigned open_calls; /* system calls running with the pages opened for them */
	pid_t vfork_child; /* a vfork child runs in the program's memory: pages open, threads held */
	/* the instruction that faulted last: a loop faults at the same pc again and again */
	uint64_t insn_pc;
	unsigned insn_epoch;
	struct disas_insn insn;
	int mem_fd; /* /proc/PID/mem: reads protected pages too (FOLL_FORCE) */
};

/* In thread.step_watch: a software watchpoint changed during the step. */
#define STEP_WATCH_SOFT (1u << 8)

enum { SW_CALL_NONE, SW_CALL_OPEN, SW_CALL_MAPS };

/*
 * A traced thread. Threads are numbered from 1 in the order lurk first saw
 * them (the main thread first on attach); numbers are never reused.
 */
struct thread {
	int num;
	pid_t tid;
	bool running;	     /* resumed and not yet seen stopped */
	bool stop_wanted;    /* PTRACE_INTERRUPT sent, the stop not yet seen */
	bool listening;	     /* held in a job-control stop with PTRACE_LISTEN */
	bool exiting;	     /* past its exit stop: never stops again (a zombie main thread) */
	int pending_sig;     /* signal to deliver on the next resume */
	bool has_event;	     /* a stop to report before resuming anything */
	bool at_site;	     /* stopped by the trap at site_addr, pc moved back onto it */
	bool in_event;	     /* held at a clone/fork/exec/exit event: inside a system call */
	unsigned dr_gen;     /* the debug-register setting it has (see target-hw.c) */
	unsigned step_watch; /* debug registers that fired during its last single-step */
	/* software watchpoints: a system call of its that lurk opened the watched pages for */
	unsigned char sw_call;		 /* SW_CALL_* in target-int.h */
	uint64_t sw_call_lo, sw_call_hi; /* the user memory that call touches */
	uint64_t sw_call_pc;		 /* where the call returns to, when lurk ran it elsewhere */
	bool sw_held;  /* held while another thread stepped through a watched page */
	bool sw_vfork; /* its vfork's child ran with the pages open, others held */
	bool stepped;  /* last resumed by PTRACE_SINGLESTEP: its trap flag is still set */
	uint64_t site_addr;
	/*
	 * Stopped at agent_at, a place the agent patched, where it stands for
	 * agent_resume in a trampoline (past a guard that stopped it, or amid
	 * the displaced instructions): resumed there while its pc is unchanged.
	 */
	uint64_t agent_at, agent_resume;
	char user_name[64]; /* the user's name for it ("thread name"), "" for none */
	char comm[64];	    /* its comm as read at stop comm_epoch (comm_known) */
	unsigned comm_epoch;
	bool comm_known;
	bool frozen; /* its registers are in frozen_regs (target_freeze) */
	struct regs frozen_regs;
	struct stop_event event;
	uint64_t event_seq;
	/* caches valid for one stop epoch */
	unsigned regs_epoch;
	struct regs regs;
	unsigned frames_epoch;
	struct frame *frames;
	int nframes;
	int frames_max; /* the depth asked of the unwinder: fewer frames means the stack ended */
	unsigned inline_hidden_epoch;
	int inline_hidden; /* target_th_inline_hidden, for the stop inline_hidden_epoch */
};

/* The agent's state in the process (target-agent.c): functions patched to count calls or guard breakpoints. */
#define AGENT_MAX_AREAS 16
struct agent {
	struct agent_area {
		uint64_t code, data; /* a trampoline page and the counters page after it */
		unsigned nfns;	     /* counters taken */
		unsigned used;	     /* bytes of trampolines in the code page */
		int index;	     /* its page of the counters file */
	} areas[AGENT_MAX_AREAS];
	size_t nareas;
	struct agent_fn *fns;
	size_t nfns, fns_cap;
	/* trampolines gone (unpatched): their bytes in the pages, for new ones */
	struct agent_hole {
		uint64_t at;
		unsigned len;
	} * holes;
	size_t nholes, holes_cap;
	int target_fd;	    /* the program's descriptor of the counters file, -1: none */
	bool guards_out;    /* the guards' jumps are out of the code while all are stopped */
	uint64_t *counters; /* lurk's shared mapping of the counters file, kept after the process */
	char host_path[128];
	/* The ring of recorded calls (trace --mode agent): lurk's mapping, and the program's */
	struct agent_ring *ring;
	uint64_t ring_at;
	uint64_t stalled_since; /* when the record at the tail was first seen unwritten (ns) */
	/* Threads by their pointers (%fs:0), which records carry: where the id is in the block */
	int tid_at; /* 0: not found yet (no thread block yet), -1: not found */
	struct agent_tp {
		uint64_t tp;
		pid_t tid;
	} * tps;
	size_t ntps, tps_cap;
	/* Asked to let a recorded function go when a breakpoint wants its bytes (target_agent_set_yield) */
	bool (*yield)(void *arg, uint32_t id);
	void *yield_arg;
};

struct target {
	const struct arch *arch;
	pid_t pid;
	bool live;
	bool attached;
	bool background; /* resumed by "continue &" */
	int launch_stdout; /* a launched program's stdout: a descriptor of lurk's, or -1 for its own */
	bool stopping;	   /* inside target_stop_all(): every stop satisfies us */
	bool gone;	   /* the main thread was reaped */
	bool job_stopped;  /* in a job-control stop when attached, not resumed since */
	bool hold_modules; /* target_sym() keeps the module list it has */
	struct stop_event gone_event;
	char *exe;
	struct thread **threads;
	size_t nthreads, cap;
	int next_num;
	unsigned epoch;
	uint64_t event_seq;
	struct sym *sym;
	unsigned sym_epoch;
	struct unwinder *unwinder;
	struct freeze *freeze; /* target_freeze's copy, or NULL */
	bool freeze_synced;    /* the module list was brought up to date for it */
	struct site_table sites;
	/* bytes set to 0 as lurk leaves the process: a plugin breakpoint's switch (target_clear_on_leave) */
	uint64_t *leave_zero;
	size_t nleave_zero, leave_zero_cap;
	struct disas *disas;   /* opened on first use */
	struct ool ool;	       /* out-of-line copies of breakpoint instructions */
	struct agent agent;    /* functions counting their own calls */
	uint64_t syscall_insn; /* a "syscall" instruction in the target, for injected calls */
	/*
	 * Traps removed lately: a thread may have executed one just before, its
	 * SIGTRAP still on the way (gdb's "moribund locations"). Such a trap is
	 * undone, not reported. Kept for a few resumes.
	 */
	struct moribund {
		uint64_t addr;
		unsigned until_epoch;
	} moribund[16];
	unsigned nmoribund;
	/* debug registers: DR0-DR3 and the DR7 that enables them, for every thread */
	uint64_t dr_addr[4];
	uint64_t dr7;
	unsigned dr_gen; /* bumped at every change; a thread with another one is updated */
	/* a precise memory watchpoint is armed: resume with PTRACE_SYSCALL (see target_handle()) */
	bool syscall_stops;
	/* syscall catchpoints: the numbers caught (bit n), every one when catch_any_syscall */
	bool catch_syscalls, catch_any_syscall;
	uint64_t caught_syscalls[TARGET_NSYSCALLS / 64];
	bool caught_signals[NSIG]; /* signal catchpoints: these stop whatever handle says */
	target_sample_fn sampler;
	void *sampler_arg;
	/* Called every ticker_period_ms while the program runs, and at each stop (target_set_ticker) */
	void (*ticker)(void *arg);
	void *ticker_arg;
	/* Called when a thread resumes with a signal (target_set_signal_hook) */
	void (*signal_hook)(void *arg, struct thread *th, int sig);
	void *signal_hook_arg;
	int ticker_period_ms;
	uint64_t tick_due_ns;
	int sampler_period_ms;
	uint64_t sample_due_ns;	  /* in the background: when target_poll() samples next */
	target_trap_fn trap_hook; /* traps handled without a stop (tracing) */
	void *trap_arg;
	struct swatch sw;
	struct sig_disposition sigdisp[NSIG];
	struct early_stop *early;
	target_notify_fn notify;
	void *notify_arg;
	struct core *core; /* the target is this core file, not a process (target-core.c) */
};

/* How long stopping every thread may take before a thread that cannot stop is named. */
#define STOP_TIMEOUT_MS 3000

/* target.c: the process, its threads and traps. */
void target_notify(struct target *t, enum target_note kind, const struct thread *th, int sig,
		   pid_t child, const char *path);
/* 0 when there is a process, else -1 with err set. */
int target_need_live(const struct target *t);
/* ...and a process, not a core file: what runs, writes or traps needs one. */
int target_need_process(const struct target *t);
/* The process is gone: *ev says how; whatever is left is reaped and forgotten. */
void target_finish_gone(struct target *t, struct stop_event *ev);
void target_drop_symbols(struct target *t);
/* Forget the process: threads, traps and state (its symbols stay until dropped). */
void target_reset(struct target *t);
struct thread *target_add_thread(struct target *t, pid_t tid);
void target_remove_thread(struct target *t, struct thread *th);
struct thread *target_find_tid(const struct target *t, pid_t tid);
/* A stopped thread's tid, for memory writes (the main thread's when none is). */
pid_t target_stopped_tid(const struct target *t);
/* Whether lurk removed a trap at addr lately: a SIGTRAP from there is undone, not reported. */
bool target_trap_removed_lately(const struct target *t, uint64_t addr);

/* target-wait.c: the event loop. */
/* Resume one thread (PTRACE_CONT, or PTRACE_SYSCALL / PTRACE_SINGLESTEP where a watch needs it). */
void target_resume_thread(struct target *t, struct thread *th, int sig);
void target_mark_stopped(struct thread *th);
void target_queue_event(struct target *t, struct thread *th, enum stop_reason reason, int sig,
			uint64_t addr);
/* Handle one wait status; reportable stops end up queued on their thread. */
void target_handle(struct target *t, const struct wait_event *w);
/* Reap every status that is ready. Returns -1 when nothing is left to wait for. */
int target_drain(struct target *t);
bool target_any_running(const struct target *t);
/*
 * Serve a read from a frozen sample's copy: the bytes at addr that were
 * copied (a count > 0), or 0 with *live_len set to how many bytes from
 * addr are not copied and must be read live.
 */
ssize_t target_frozen_read(const struct target *t, uint64_t addr, void *buf, size_t len,
			   uint64_t *live_len);
/* Every thread stopped (all-stop), traps taken out: nothing of lurk's is left in the program. */
void target_stop_all(struct target *t);
/* Each stopped thread with a SIGTRAP (or lurk's SIGSEGV) still queued takes it now. */
void target_take_queued_traps(struct target *t);

/* target-step.c: single-steps and out-of-line copies. */
/*
 * One single-step of th: 0 when its step trap came, 1 when another event
 * stopped it (*w), -1 on error.
 */
int target_step_once(struct target *t, struct thread *th, struct wait_event *w);
/*
 * Single-step th over one instruction (its trap lifted, if it sits on one)
 * with the others held: 0 when done, 1 when th or the process is gone, -1
 * on error.
 */
int target_step_over(struct target *t, struct thread *th);
/*
 * th goes on from the trap it sits on through the out-of-line copy of the
 * instruction (the pc moved there; r, when given, holds its registers with
 * the pc on the site). False when the instruction cannot run out of line.
 */
bool target_resume_through_slot(struct target *t, struct thread *th, struct regs *r);
/* The free page-aligned gaps of the address space above 64 KiB: fn(farg, start, end) for each. */
void target_gaps(struct target *t, void (*fn)(void *farg, uint64_t start, uint64_t end),
		 void *farg);
/* Threads stopped inside an out-of-line slot are moved back to the place it stands for. */
void target_leave_slots(struct target *t);

/* target-inject.c: system calls run inside the process for lurk. */
/* A stopped thread that can run an injected system call, or NULL. */
struct thread *target_injectable_thread(struct target *t);
/*
 * Run system call nr for lurk in th, held at one of its own system-call
 * stops (threads resume with PTRACE_SYSCALL while a software watchpoint or
 * a precise memwatch exists, and then all may be held there). Its own call
 * goes on as before. 0 with *result, or -1 with err set. In target-swatch.c.
 */
int target_inject_at_syscall_stop(struct target *t, struct thread *th, long nr, const uint64_t a[6],
				  uint64_t *result);
/* A system call for lurk in any stopped thread that can make one. 0 with *result, or -1 (err). */
int target_inject_any(struct target *t, long nr, const uint64_t args[6], uint64_t *result);
/* Run system call nr in stopped thread th for lurk; its registers are restored. 0 or -1 (err). */
int target_inject_syscall(struct target *t, struct thread *th, long nr, const uint64_t args[6],
			  uint64_t *result);
/* For the out-of-line slots (ool_ops.map_page): a page mapped near hint, 0 on failure. */
uint64_t target_map_slot_page(void *arg, uint64_t hint);
/* Give the process its memory back: lurk's slot pages are unmapped. */
void target_unmap_slots(struct target *t);

/* target-agent.c: the agent's pages and patches. */
/* Whether a patched function's first bytes overlap [addr, addr + len). */
bool target_agent_covers(const struct target *t, uint64_t addr, size_t len);
/* Replace the patched bytes in buf (memory read at addr) with the program's own. */
void target_agent_hide(const struct target *t, uint64_t addr, void *buf, size_t len);
/* Leaving: every function's bytes back, threads out of the trampolines (all stopped). */
void target_agent_leave(struct target *t);
/* A forked child (its own memory) gets the original bytes: it counts nothing into lurk's file. */
void target_agent_restore_in(const struct target *t, pid_t child);
/* The image is gone (exit, exec): forget the patches, keep the counters for reading. */
void target_agent_forget(struct target *t);
void target_agent_free(struct target *t);
/*
 * th stopped on the int3 at pc: if it is a guard's, its condition was true.
 * Then th is put at the guarded place, to go on past the guard when
 * resumed, and *addr is that place (the breakpoint's). r: its registers.
 */
bool target_agent_hit(struct target *t, struct thread *th, struct regs *r, uint64_t pc,
		      uint64_t *addr);
/* Whether a guard is at addr now (a queued hit of it still counts). */
bool target_agent_guards(const struct target *t, uint64_t addr);
/* Every thread stopped: those in a trampoline are put at the place they stand for. */
void target_agent_settle(struct target *t);
/* th is being resumed or stepped: into the trampoline if it stands at a patched place. */
void target_agent_enter(struct target *t, struct thread *th);
/* After a single step: th, if in a trampoline, is put at the place it stands for. */
void target_agent_step_done(struct target *t, struct thread *th);
/* The guards' jumps out of the code while every thread is stopped, and back before a resume. */
void target_agent_guards_out(struct target *t, pid_t tid);
void target_agent_guards_in(struct target *t, pid_t tid);
/*
 * A trap is wanted in [addr, addr + len): a guard there gives way to a
 * trap of its own at its place (lurk judges its condition from then on).
 * 0, or -1 with err set when a counted function's bytes are there.
 */
int target_agent_make_room(struct target *t, uint64_t addr, size_t len);

/* target-hw.c: debug registers. */
/* While every thread is stopped the debug registers are off: each gets them back on resume. */
void target_hw_disarm(struct target *t);
/* Give a stopped thread lurk's debug registers (a new thread starts without them). */
void target_hw_apply(struct target *t, struct thread *th);
/* The mask of slots that fired in th since the last call (read and cleared), 0 for none. */
unsigned target_hw_fired(struct target *t, struct thread *th);
/* Leaving: the program gets its debug registers back unarmed. */
void target_hw_release(struct target *t);

/* target-swatch.c, for the event loop: each returns true when it took care of th. */
void sw_init(struct target *t);
/* The process is gone or left, or exec replaced it: forget every software watchpoint. */
void sw_reset(struct target *t);
/* Whether threads resume with PTRACE_SYSCALL / PTRACE_SINGLESTEP for the watches. */
bool sw_wants_syscalls(const struct target *t);
bool sw_stepping(const struct target *t);
/* Every thread stopped: give the pages lurk's protection (resume) or the program's (stop). */
void sw_protect(struct target *t);
void sw_unprotect(struct target *t);
bool sw_fault(struct target *t, struct thread *th, const siginfo_t *si);
/*
 * Whether the SIGSEGV tid stops with came from lurk's protection: a thread
 * held or stepped for lurk drops it (the instruction did not run; it runs
 * again, and faults again if the page is still protected).
 */
bool sw_owns_fault(struct target *t, pid_t tid);
bool sw_syscall(struct target *t, struct thread *th);
/* A single-step of th finished in stepping mode (or a user's step): did a watch change? */
bool sw_stepped(struct target *t, struct thread *th);
/* A forked child (stopped, traced) gets the program's protection back before it runs. */
void sw_release_child(struct target *t, pid_t child);
/*
 * A vfork child shares the program's memory and runs untraced until it
 * execs or exits: th (the parent, at its vfork event) holds its other
 * threads and the child opens the pages; at th's vfork-done event the pages
 * are protected again and compared. The done function returns true when the
 * child changed a watched object (a stop is queued on th).
 */
void sw_vfork_begin(struct target *t, struct thread *th, pid_t child);
bool sw_vfork_done(struct target *t, struct thread *th);

#endif
