/* target.c - one debugged process: attach, launch, leave; its threads, traps, memory, frames */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "preflight.h"
#include "procfs.h"
#include "sym.h"
#include "target-int.h"
#include "unwind.h"
#include "util.h"

#define MAX_FRAMES 256

void target_notify(struct target *t, enum target_note kind, const struct thread *th, int sig,
		   pid_t child, const char *path)
{
	struct target_notice n = { kind, th ? th->num : 0, th ? th->tid : 0, child, sig, 0, path };

	if (t->notify)
		t->notify(t->notify_arg, &n);
}

/* gdb's defaults: quiet for signals programs use routinely, stop for everything else. */
static void init_sigdisp(struct target *t)
{
	static const int quiet[] = { SIGALRM, SIGURG,	SIGCHLD, SIGIO, SIGVTALRM,
				     SIGPROF, SIGWINCH, SIGCONT, SIGPWR };

	for (int s = 1; s < NSIG; s++)
		t->sigdisp[s] = (struct sig_disposition){ true, true, true };
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		t->sigdisp[quiet[i]] = (struct sig_disposition){ false, false, true };
	/* glibc's internal real-time signals (thread cancellation, setxid). */
	t->sigdisp[SIGRTMIN - 2] = (struct sig_disposition){ false, false, true };
	t->sigdisp[SIGRTMIN - 1] = (struct sig_disposition){ false, false, true };
	/* Ctrl-C belongs to the debugger; a trap is never the program's to see. */
	t->sigdisp[SIGINT].pass = false;
	t->sigdisp[SIGTRAP].pass = false;
}

struct target *target_new(const struct arch *arch)
{
	struct target *t = xcalloc(1, sizeof(*t));

	t->arch = arch;
	t->epoch = 1;
	t->launch_stdout = -1;
	t->agent.target_fd = -1;
	site_table_init(&t->sites, arch);
	sw_init(t);
	init_sigdisp(t);
	return t;
}

static void free_threads(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		free(t->threads[i]->frames);
		free(t->threads[i]);
	}
	t->nthreads = 0;
}

static void free_early(struct target *t)
{
	while (t->early) {
		struct early_stop *e = t->early;

		t->early = e->next;
		free(e);
	}
}

void target_drop_symbols(struct target *t)
{
	unwind_free(t->unwinder);
	t->unwinder = NULL;
	sym_free(t->sym);
	t->sym = NULL;
}

/*
 * Forget the process after it is gone or we left it. Keeps exe for "run"
 * again, and the symbol session until another process needs one: freeing
 * libc's DWARF costs half a millisecond that lurk exiting right after a
 * detach need not pay.
 */
void target_reset(struct target *t)
{
	free_threads(t);
	free_early(t);
	site_forget_all(&t->sites);
	free(t->leave_zero);
	t->leave_zero = NULL;
	t->nleave_zero = t->leave_zero_cap = 0;
	t->live = false;
	t->background = false;
	t->stopping = false;
	t->gone = false;
	t->job_stopped = false;
	memset(&t->ool, 0, sizeof(t->ool));
	target_agent_forget(t);
	t->syscall_insn = 0;
	t->nmoribund = 0;
	t->dr7 = 0;
	sw_reset(t);
	t->pid = 0;
	t->epoch++;
}

void target_free(struct target *t)
{
	if (!t)
		return;
	target_close_core(t);
	target_reset(t);
	target_agent_free(t);
	target_drop_symbols(t);
	free(t->threads);
	site_table_free(&t->sites);
	disas_free(t->disas);
	free(t->exe);
	free(t);
}

void target_set_notify(struct target *t, target_notify_fn fn, void *arg)
{
	t->notify = fn;
	t->notify_arg = arg;
}

int target_need_live(const struct target *t)
{
	if (!t->live) {
		err_set("the program is not being run");
		return -1;
	}
	return 0;
}

int target_need_process(const struct target *t)
{
	if (target_need_live(t) < 0)
		return -1;
	if (t->core) {
		err_set("the core file is not a running process");
		return -1;
	}
	return 0;
}

void target_finish_gone(struct target *t, struct stop_event *ev)
{
	*ev = t->gone_event;
	/* Reap whatever is left (zombie threads), then forget the process. */
	target_drain(t);
	target_reset(t);
}

struct thread *target_find_tid(const struct target *t, pid_t tid)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->tid == tid)
			return t->threads[i];
	return NULL;
}

struct thread *target_add_thread(struct target *t, pid_t tid)
{
	struct thread *th = xcalloc(1, sizeof(*th));

	th->num = ++t->next_num;
	th->tid = tid;
	VEC_GROW(t->threads, t->nthreads, t->cap);
	t->threads[t->nthreads++] = th;
	return th;
}

void target_remove_thread(struct target *t, struct thread *th)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		if (t->threads[i] != th)
			continue;
		memmove(&t->threads[i], &t->threads[i + 1],
			(t->nthreads - i - 1) * sizeof(t->threads[0]));
		t->nthreads--;
		free(th->frames);
		free(th);
		return;
	}
}

bool target_standing_on_trap(struct target *t, struct thread *th, uint64_t pc)
{
	if (!site_at(&t->sites, pc))
		return false;
	th->at_site = true;
	th->site_addr = pc;
	return true;
}

int target_insert_trap(struct target *t, uint64_t addr)
{
	if (target_need_process(t) < 0 || target_agent_make_room(t, addr, t->arch->trap_len) < 0)
		return -1;
	if (site_add(&t->sites, t->pid, target_stopped_tid(t), addr) < 0)
		return -1;
	/* A stopped thread already there has not hit it: "break" at the pc, then "continue". */
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;

		if (!th->running && !th->exiting && !th->at_site && target_regs(t, th, &r) == 0 &&
		    regs_pc(t->arch, &r) == addr)
			target_standing_on_trap(t, th, addr);
	}
	err_clear();
	return 0;
}

int target_insert_trap_by(struct target *t, struct thread *th, uint64_t addr)
{
	if (target_need_process(t) < 0 || target_agent_make_room(t, addr, t->arch->trap_len) < 0)
		return -1;
	return site_add(&t->sites, t->pid, th->tid, addr);
}

/* A thread may have hit the trap just before it went: its SIGTRAP is undone, not reported. */
static void remember_removed(struct target *t, uint64_t addr)
{
	if (!site_at(&t->sites, addr)) {
		unsigned slot = t->nmoribund < 16 ? t->nmoribund++ : t->epoch % 16;

		/* Each resume advances the epoch by one or two: a few resumes' grace. */
		t->moribund[slot] = (struct moribund){ addr, t->epoch + 8 };
	}
}

int target_remove_trap_by(struct target *t, struct thread *th, uint64_t addr)
{
	if (target_need_process(t) < 0)
		return -1;
	if (site_del(&t->sites, t->pid, th->tid, addr) < 0)
		return -1;
	remember_removed(t, addr);
	return 0;
}

int target_remove_trap(struct target *t, uint64_t addr)
{
	if (target_need_process(t) < 0)
		return -1;
	if (site_del(&t->sites, t->pid, target_stopped_tid(t), addr) < 0)
		return -1;
	remember_removed(t, addr);
	return 0;
}

bool target_trap_removed_lately(const struct target *t, uint64_t addr)
{
	for (unsigned i = 0; i < t->nmoribund; i++)
		if (t->moribund[i].addr == addr && t->moribund[i].until_epoch > t->epoch)
			return true;
	return false;
}

bool target_trap_present(struct target *t, uint64_t addr)
{
	unsigned char raw[16];
	size_t len = t->arch->trap_len;
	const struct site *site = t->live ? site_at(&t->sites, addr) : NULL;

	/* While the traps are out (all stopped), the code is there if its original bytes are. */
	return site && mem_read(t->pid, addr, raw, len) == (ssize_t)len &&
	       memcmp(raw, t->sites.out ? site->orig : t->arch->trap, len) == 0;
}

void target_forget_trap(struct target *t, uint64_t addr)
{
	site_forget(&t->sites, addr);
}

static bool job_control_stopped(pid_t pid)
{
	char buf[32];

	return procfs_status_field(pid, 0, "State", buf, sizeof(buf)) == 0 && buf[0] == 'T';
}

static bool traced_by_us(pid_t pid, pid_t tid)
{
	char buf[32];

	return procfs_status_field(pid, tid, "TracerPid", buf, sizeof(buf)) == 0 &&
	       atoi(buf) == getpid();
}

/* Seize every task until a pass over /proc/PID/task finds no new one. */
static int seize_all(struct target *t, pid_t pid)
{
	bool changed = true;

	while (changed) {
		pid_t *tids;
		int n = procfs_tasks(pid, &tids);

		if (n < 0) {
			err_set("no such process %d", pid);
			return -1;
		}
		changed = false;
		for (int i = 0; i < n; i++) {
			struct thread *th;

			if (target_find_tid(t, tids[i]))
				continue;
			if (proc_seize(tids[i], PROC_TRACE_OPTIONS) < 0) {
				int e = errno;

				if (e == ESRCH && tids[i] != pid)
					continue; /* exited between listing and seizing */
				if (e == EPERM && tids[i] != pid && traced_by_us(pid, tids[i])) {
					/* Created by a thread already seized: the kernel attached
					 * it for us (PTRACE_O_TRACECLONE); its first stop is on the way. */
					th = target_add_thread(t, tids[i]);
					th->running = true;
					changed = true;
					continue;
				}
				free(tids);
				if (e == EPERM)
					preflight_explain_eperm(pid);
				else if (e == ESRCH)
					err_set("no such process %d", pid);
				else if (preflight_check(pid) == 0)
					err_set("cannot attach to process %d: %s", pid,
						strerror(e));
				return -1;
			}
			th = target_add_thread(t, tids[i]);
			th->running = true;
			changed = true;
		}
		free(tids);
	}
	return 0;
}

static void order_main_first(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		if (t->threads[i]->tid != t->pid)
			continue;
		/* Renumber so that the main thread is 1 and the rest follow in TID order. */
		struct thread *main_th = t->threads[i];

		memmove(&t->threads[1], &t->threads[0], i * sizeof(t->threads[0]));
		t->threads[0] = main_th;
		break;
	}
	for (size_t i = 0; i < t->nthreads; i++)
		t->threads[i]->num = (int)i + 1;
	t->next_num = (int)t->nthreads;
}

static ssize_t sym_reader(void *arg, uint64_t addr, void *buf, size_t len)
{
	return target_read(arg, addr, buf, len);
}

int target_attach(struct target *t, pid_t pid, struct stop_event *ev)
{
	if (t->live) {
		err_set("already debugging process %d; detach first", t->pid);
		return -1;
	}
	if (preflight_check(pid) < 0)
		return -1;
	target_drop_symbols(t);
	t->pid = pid;
	t->next_num = 0;
	t->job_stopped = job_control_stopped(pid);
	if (seize_all(t, pid) < 0) {
		for (size_t i = 0; i < t->nthreads; i++)
			proc_detach(t->threads[i]->tid, 0);
		free_threads(t);
		t->pid = 0;
		return -1;
	}
	t->live = true;
	t->attached = true;
	order_main_first(t);
	target_stop_all(t);
	if (t->gone) {
		target_finish_gone(t, ev);
		err_set("process %d exited while lurk attached", pid);
		return -1;
	}
	free(t->exe);
	t->exe = procfs_exe(pid);
	t->sym = sym_new(pid, sym_reader, t);
	t->epoch++;
	*ev = (struct stop_event){ STOP_ATTACHED, 1, pid, 0, 0, 0 };
	return 0;
}

void target_set_launch_stdout(struct target *t, int fd)
{
	t->launch_stdout = fd;
}

int target_launch(struct target *t, const char *path, char *const argv[], char *const envp[],
		  bool no_aslr, struct stop_event *ev)
{
	pid_t pid;
	struct thread *th;

	if (t->live) {
		err_set("process %d is already running; kill or detach it first", t->pid);
		return -1;
	}
	pid = proc_spawn(path, argv, envp, no_aslr, PROC_TRACE_OPTIONS | PTRACE_O_EXITKILL,
			 t->launch_stdout);
	if (pid < 0)
		return -1;
	target_drop_symbols(t);
	t->pid = pid;
	t->live = true;
	t->attached = false;
	t->next_num = 0;
	th = target_add_thread(t, pid);
	target_mark_stopped(th);
	/* Held at its exec event, inside execve: no system call can be injected yet. */
	th->in_event = true;
	free(t->exe);
	t->exe = procfs_exe(pid);
	if (!t->exe)
		t->exe = xstrdup(path);
	t->sym = sym_new(pid, sym_reader, t);
	t->epoch++;
	*ev = (struct stop_event){ STOP_EXEC, th->num, pid, 0, 0, 0 };
	return 0;
}

void target_clear_on_leave(struct target *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nleave_zero; i++)
		if (t->leave_zero[i] == addr)
			return;
	VEC_GROW(t->leave_zero, t->nleave_zero, t->leave_zero_cap);
	t->leave_zero[t->nleave_zero++] = addr;
}

int target_detach(struct target *t)
{
	int ret = 0;

	if (target_need_process(t) < 0)
		return -1;
	/*
	 * Leaving: events still queued (a traced call's trap, say) are taken
	 * with every thread held where it stops, none sent on its way again:
	 * a thread resumed now would run into the next trap as lurk lets go.
	 */
	t->stopping = true;
	target_drain(t);
	if (!t->gone && target_any_running(t))
		target_stop_all(t);
	t->stopping = false;
	if (t->gone) {
		target_reset(t);
		return 0;
	}
	/* A trap a thread hit just before it was stopped must not reach the program. */
	target_take_queued_traps(t);
	for (size_t i = 0; i < t->nleave_zero; i++)
		mem_write(t->pid, target_stopped_tid(t), t->leave_zero[i], "", 1);
	target_leave_slots(t);
	target_agent_leave(t);
	sw_unprotect(t);
	target_unmap_slots(t);
	target_hw_release(t);
	if (site_remove_all(&t->sites, t->pid, target_stopped_tid(t)) < 0)
		ret = -1;
	/* Each thread leaves with the signal it was about to receive; a thread
	 * that was in a job-control stop goes back into it (the kernel's rule). */
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];

		if (!th->exiting)
			proc_detach(th->tid, th->pending_sig);
	}
	target_reset(t);
	if (ret < 0)
		err_prefix("detach");
	return ret;
}

int target_kill(struct target *t)
{
	struct wait_event w;

	if (target_need_process(t) < 0)
		return -1;
	kill(t->pid, SIGKILL);
	/* SIGKILL wakes ptrace-stopped threads too; reap until the main thread is gone. */
	while (!t->gone && proc_wait(-1, true, &w) == 1)
		target_handle(t, &w);
	target_reset(t);
	return 0;
}

void target_leave(struct target *t)
{
	if (t->core) {
		target_close_core(t);
		return;
	}
	if (!t->live)
		return;
	if (t->attached)
		target_detach(t);
	else
		target_kill(t);
}

/*
 * Whether the process is dying: a held thread exited (it cannot on its own),
 * or every thread left is past its exit stop. A main thread that only called
 * pthread_exit() is exiting too, but the others still run: not dying.
 */
static bool dying(const struct target *t, size_t nthreads_before)
{
	/*
	 * A thread already on its way out when it was stopped may finish
	 * while held: fewer threads alone is no death. The process dies when
	 * no thread is left that is not exiting.
	 */
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->exiting)
			return false;
	return t->nthreads > 0 || nthreads_before > 0;
}

int target_sync(struct target *t, struct stop_event *ev)
{
	size_t before = t->nthreads;

	if (!t->live || t->background || t->core)
		return 0;
	target_drain(t);
	/*
	 * Held threads that were not exiting cannot exit on their own: if all
	 * did, the process was killed (SIGKILL) and the rest of its death is
	 * on the way. The main thread's status comes last, once every other
	 * thread is reaped; wait for it rather than report a half-dead process.
	 */
	if (!t->gone && dying(t, before)) {
		uint64_t deadline = now_ns() + (uint64_t)STOP_TIMEOUT_MS * 1000000u;

		while (!t->gone && now_ns() < deadline) {
			usleep(1000);
			target_drain(t);
		}
	}
	if (!t->gone)
		return 0;
	target_finish_gone(t, ev);
	return 1;
}

bool target_live(const struct target *t)
{
	return t->live;
}

bool target_is_attached(const struct target *t)
{
	return t->live && t->attached;
}

bool target_running(const struct target *t)
{
	return t->live && t->background;
}

pid_t target_pid(const struct target *t)
{
	return t->pid;
}

const char *target_exe(const struct target *t)
{
	return t->exe;
}

unsigned target_epoch(const struct target *t)
{
	return t->epoch;
}

size_t target_nthreads(const struct target *t)
{
	return t->nthreads;
}

struct thread *target_thread_at(const struct target *t, size_t i)
{
	return i < t->nthreads ? t->threads[i] : NULL;
}

struct thread *target_thread_num(const struct target *t, int num)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i]->num == num)
			return t->threads[i];
	return NULL;
}

void target_thread_name(const struct target *t, const struct thread *th, char *buf, size_t len)
{
	if (th->user_name[0])
		snprintf(buf, len, "%s", th->user_name);
	else
		target_thread_comm(t, th, buf, len);
}

void target_thread_comm(const struct target *t, const struct thread *th, char *buf, size_t len)
{
	/* The name read at this stop is a cache, not a change to the thread. */
	struct thread *cache = (struct thread *)th;

	if (t->core) {
		/* A core keeps only the process's name: the main thread's. */
		snprintf(buf, len, "%s", th->tid == t->pid ? core_fname(t->core) : "");
		return;
	}
	if ((th->running && !th->frozen) || th->comm_epoch != t->epoch || !th->comm_known) {
		procfs_thread_name(t->pid, th->tid, cache->comm, sizeof(cache->comm));
		cache->comm_epoch = t->epoch;
		cache->comm_known = !th->running || th->frozen;
	}
	snprintf(buf, len, "%s", th->comm);
}

const char *target_th_user_name(const struct thread *th)
{
	return th->user_name[0] ? th->user_name : NULL;
}

int target_set_th_user_name(struct thread *th, const char *name)
{
	if (name && strlen(name) >= sizeof(th->user_name)) {
		err_set("a thread name has at most %zu characters", sizeof(th->user_name) - 1);
		return -1;
	}
	snprintf(th->user_name, sizeof(th->user_name), "%s", name ? name : "");
	return 0;
}

int target_th_num(const struct thread *th)
{
	return th->num;
}

pid_t target_th_tid(const struct thread *th)
{
	return th->tid;
}

bool target_th_running(const struct thread *th)
{
	return th->running;
}

bool target_th_frozen(const struct thread *th)
{
	return th->frozen;
}

bool target_th_exiting(const struct thread *th)
{
	return th->exiting;
}

pid_t target_stopped_tid(const struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (!t->threads[i]->running)
			return t->threads[i]->tid;
	return t->pid;
}

const struct arch *target_arch(const struct target *t)
{
	return t->arch;
}

const struct sig_disposition *target_sigdisp(const struct target *t, int sig)
{
	return sig > 0 && sig < NSIG ? &t->sigdisp[sig] : NULL;
}

void target_set_sigdisp(struct target *t, int sig, const struct sig_disposition *d)
{
	if (sig > 0 && sig < NSIG)
		t->sigdisp[sig] = *d;
}

int target_regs(struct target *t, struct thread *th, struct regs *out)
{
	if (th->running && th->frozen) {
		*out = th->frozen_regs;
		return 0;
	}
	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	/* A core's registers are the thread's for good: set when it was opened. */
	if (th->regs_epoch != t->epoch && !t->core) {
		if (regs_read(th->tid, &th->regs) < 0)
			return -1;
		th->regs_epoch = t->epoch;
	}
	*out = th->regs;
	return 0;
}

int target_fpregs(struct target *t, struct thread *th, struct regs_fp *out)
{
	if (t->core) {
		for (size_t i = 0; i < core_nthreads(t->core); i++) {
			const struct core_thread *ct = core_thread(t->core, i);

			if (ct->tid == th->tid && ct->has_fp) {
				*out = ct->fp;
				return 0;
			}
		}
		err_set("the core file holds no floating-point registers of thread %d", th->num);
		return -1;
	}
	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	return regs_read_fp(th->tid, out);
}

int target_maps(struct target *t, struct maps *out)
{
	if (t->core) {
		char *text = core_maps_text(t->core);

		procfs_maps_parse(text, out);
		free(text);
		return 0;
	}
	if (target_need_live(t) < 0)
		return -1;
	return procfs_maps_read(t->pid, out);
}

/* A read of a frozen sample: its copy where there is one, the live process elsewhere. */
static ssize_t frozen_read(struct target *t, uint64_t addr, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t live_len = 0;
		ssize_t n = target_frozen_read(t, addr + done, buf + done, len - done, &live_len);

		if (n == 0)
			n = mem_read(t->pid, addr + done, buf + done, (size_t)live_len);
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)n;
		/* A short live read: the memory after it is not mapped. */
		if (live_len && (uint64_t)n < live_len)
			break;
	}
	err_clear();
	return (ssize_t)done;
}

ssize_t target_read(struct target *t, uint64_t addr, void *buf, size_t len)
{
	ssize_t n;

	if (target_need_live(t) < 0)
		return -1;
	if (t->core)
		return core_read(t->core, addr, buf, len);
	n = t->freeze ? frozen_read(t, addr, buf, len) : mem_read(t->pid, addr, buf, len);
	if (n > 0) {
		site_hide(&t->sites, addr, buf, (size_t)n);
		target_agent_hide(t, addr, buf, (size_t)n);
	}
	return n;
}

/* For the unwinder: whether addr is a return address, the end of a call instruction. */
static bool follows_call(void *arg, uint64_t addr)
{
	struct target *t = arg;
	struct disas *d = target_disas(t);
	unsigned char code[16];
	/* Call encodings are 2 to 7 bytes long (with a prefix, up to 8). */
	static const unsigned lengths[] = { 5, 2, 3, 6, 7, 4, 8 };

	if (!d || addr < sizeof(code) ||
	    target_read(t, addr - sizeof(code), code, sizeof(code)) != (ssize_t)sizeof(code))
		return false;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		struct disas_insn insn;
		size_t at = sizeof(code) - lengths[i];

		if (disas_one(d, code + at, lengths[i], addr - lengths[i], &insn) == lengths[i] &&
		    insn.is_call)
			return true;
	}
	err_clear();
	return false;
}

/* For the unwinder: whether pc's function has left the stack pointer alone so far. */
static int sp_untouched(void *arg, uint64_t pc)
{
	struct target *t = arg;
	struct disas *d = target_disas(t);
	struct sym *sym = target_sym(t);
	uint64_t low, high, at;
	char name[256];
	unsigned char code[512];
	ssize_t got;

	if (!d || !sym || sym_func_range(sym, pc, &low, &high, name, sizeof(name)) < 0 ||
	    pc - low > sizeof(code)) {
		err_clear();
		return -1;
	}
	got = target_read(t, low, code, (size_t)(pc - low));
	if (got != (ssize_t)(pc - low)) {
		err_clear();
		return -1;
	}
	for (at = low; at < pc;) {
		struct disas_insn insn;

		if (!disas_one(d, code + (at - low), (size_t)(pc - at), at, &insn)) {
			err_clear();
			return -1;
		}
		/* A call returns with the stack pointer as it was. */
		if (insn.writes_sp && !insn.is_call)
			return 0;
		at += insn.size;
	}
	return at == pc ? 1 : -1;
}

int target_write_data(struct target *t, uint64_t addr, const void *buf, size_t len)
{
	struct maps maps;
	bool writable = false;
	char where[300] = "unmapped";

	if (target_need_process(t) < 0)
		return -1;
	if (procfs_maps_read(t->pid, &maps) < 0)
		return -1;
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];

		if (addr >= m->start && addr < m->end) {
			writable = m->perms[1] == 'w' && addr + len <= m->end;
			snprintf(where, sizeof(where), "%s %s", m->perms,
				 m->path[0] ? m->path : "anonymous");
			break;
		}
	}
	procfs_maps_free(&maps);
	if (!writable) {
		err_set("cannot write to 0x%" PRIx64 ": the program cannot either (%s)", addr,
			where);
		return -1;
	}
	for (size_t i = 0; i < t->sites.n; i++)
		if (t->sites.v[i].addr + t->arch->trap_len > addr &&
		    t->sites.v[i].addr < addr + len) {
			err_set("cannot write to 0x%" PRIx64 ": a breakpoint is there", addr);
			return -1;
		}
	if (mem_write(t->pid, target_stopped_tid(t), addr, buf, len) < 0)
		return -1;
	t->epoch++;
	return 0;
}

int target_set_reg(struct target *t, struct thread *th, const struct arch_reg *reg, uint64_t v)
{
	struct regs r;

	if (target_need_process(t) < 0)
		return -1;
	if (th->running) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	if (regs_read(th->tid, &r) < 0)
		return -1;
	regs_set(&r, reg, v);
	if (regs_write(th->tid, &r) < 0)
		return -1;
	/* Frames and values depend on the registers. */
	t->epoch++;
	return 0;
}

void target_set_sampler(struct target *t, target_sample_fn fn, void *arg, int period_ms)
{
	t->sampler = fn;
	t->sampler_arg = arg;
	t->sampler_period_ms = period_ms > 0 ? period_ms : 1;
}

void target_set_ticker(struct target *t, void (*fn)(void *arg), void *arg, int period_ms)
{
	t->ticker = fn;
	t->ticker_arg = arg;
	t->ticker_period_ms = period_ms > 0 ? period_ms : 1;
	t->tick_due_ns = 0;
}

void target_set_signal_hook(struct target *t, void (*fn)(void *arg, struct thread *th, int sig),
			    void *arg)
{
	t->signal_hook = fn;
	t->signal_hook_arg = arg;
}

void target_set_syscall_stops(struct target *t, bool on)
{
	t->syscall_stops = on;
}

void target_set_trap_hook(struct target *t, target_trap_fn fn, void *arg)
{
	t->trap_hook = fn;
	t->trap_arg = arg;
}

void target_hold_modules(struct target *t, bool hold)
{
	t->hold_modules = hold;
}

struct disas *target_disas(struct target *t)
{
	if (!t->disas)
		t->disas = disas_new(DISAS_ATT);
	return t->disas;
}

struct sym *target_sym(struct target *t)
{
	bool stale;

	if (target_need_live(t) < 0)
		return NULL;
	if (t->sym && sym_pid(t->sym) != t->pid)
		target_drop_symbols(t);
	if (!t->sym)
		t->sym = sym_new(t->pid, sym_reader, t);
	stale = t->sym_epoch != t->epoch || t->background;
	/*
	 * A frozen sample reads the module list once, when the program runs
	 * on: not while it is held, nor at every frame named afterwards.
	 */
	if (t->freeze)
		stale = !t->freeze_synced && target_any_running(t);
	if (stale && !(t->hold_modules && t->sym_epoch)) {
		if (sym_sync(t->sym) < 0)
			return NULL;
		t->sym_epoch = t->epoch;
		t->freeze_synced = t->freeze != NULL;
	}
	return t->sym;
}

static int unwind_regs(void *arg, pid_t tid, struct regs *out)
{
	struct target *t = arg;
	struct thread *th = target_find_tid(t, tid);

	if (!th) {
		err_set("no thread %d", tid);
		return -1;
	}
	return target_regs(t, th, out);
}

int target_frames(struct target *t, struct thread *th, const struct frame **frames)
{
	return target_frames_upto(t, th, MAX_FRAMES, frames);
}

int target_th_inline_hidden(const struct target *t, const struct thread *th)
{
	return th->inline_hidden_epoch == t->epoch ? th->inline_hidden : 0;
}

void target_th_set_inline_hidden(struct target *t, struct thread *th, int n)
{
	th->inline_hidden = n;
	th->inline_hidden_epoch = t->epoch;
}

/* The frames as the user sees them: without the inlined calls a step stopped in front of. */
static int visible_frames(struct target *t, struct thread *th, const struct frame **frames)
{
	int hidden = target_th_inline_hidden(t, th);

	/* Only frames of inlined calls in the executing machine frame can be left out. */
	while (hidden > 0 && (hidden >= th->nframes || !th->frames[hidden - 1].inline_func ||
			      th->frames[hidden - 1].phys != 0))
		hidden--;
	*frames = th->frames + hidden;
	return th->nframes - hidden;
}

/*
 * Each frame costs a CFI lookup and memory reads: a breakpoint condition
 * that needs frame 0's CFA asks for two frames, not the whole stack. The
 * cache keeps what this stop unwound; a deeper request unwinds again from
 * the top, since a libdwfl walk cannot be resumed.
 */
int target_frames_upto(struct target *t, struct thread *th, int depth, const struct frame **frames)
{
	struct frame *f;
	int n;

	if (th->running && !th->frozen) {
		err_set("thread %d is running", th->num);
		return -1;
	}
	depth += target_th_inline_hidden(t, th);
	if (depth > MAX_FRAMES)
		depth = MAX_FRAMES;
	if (th->frames_epoch == t->epoch && th->frames &&
	    (th->nframes >= depth || th->nframes < th->frames_max))
		return visible_frames(t, th, frames);
	if (!target_sym(t))
		return -1;
	if (!t->unwinder) {
		struct unwind_source src = { unwind_regs, sym_reader, follows_call, sp_untouched,
					     t };

		t->unwinder = unwind_new(t->sym, t->arch, &src);
		if (!t->unwinder)
			return -1;
	}
	n = unwind_thread(t->unwinder, th->tid, depth, &f);
	if (n < 0)
		return -1;
	free(th->frames);
	th->frames = f;
	th->nframes = n;
	th->frames_max = depth;
	th->frames_epoch = t->epoch;
	return visible_frames(t, th, frames);
}
