/* target-agent.c - the agent's pages in the process; functions patched to count calls or guard breakpoints */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"
#include "err.h"
#include "log.h"
#include "mem.h"
#include "procfs.h"
#include "regs.h"
#include "target-int.h"
#include "util.h"

/*
 * Each area is a code page (read+execute, lurk writes it through ptrace)
 * and, right after it, a page of the counters file mapped shared; a
 * trampoline and its counter lie within 2 GiB of the function.
 */
#define REACH	       (1ull << 30)
#define AREA_COUNTERS  (AGENT_PAGE / 8)
#define COUNTERS_BYTES (AGENT_MAX_AREAS * AGENT_PAGE)
#define RING_MAP_BYTES ((AGENT_RING_BYTES + AGENT_PAGE - 1) & ~(AGENT_PAGE - 1))

static bool near(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) < REACH;
}

/* A system call in the process for the agent: its result, or -1 with err set (also for -errno). */
static int64_t agent_syscall(struct target *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
			     uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
	uint64_t ret;

	if (target_inject_any(t, nr, args, &ret) < 0)
		return -1;
	if ((int64_t)ret < 0 && (int64_t)ret > -4096) {
		err_set("%s in the program: %s",
			nr == SYS_mmap	   ? "mmap"
			: nr == SYS_openat ? "openat"
					   : "a system call",
			strerror((int)-(int64_t)ret));
		return -1;
	}
	return (int64_t)ret;
}

/* The n'th number of a /proc/PID/status line (Uid, Gid: n = 1 is the effective id), or -1. */
static long status_id(pid_t pid, const char *field, int n)
{
	char buf[128], *p = buf;
	long v = -1;

	if (procfs_status_field(pid, pid, field, buf, sizeof(buf)) < 0) {
		err_clear();
		return -1;
	}
	for (int i = 0; i <= n; i++)
		v = strtol(p, &p, 10);
	return v;
}

/*
 * The counters file: made in the program's /tmp, owned by its user, mapped
 * shared by lurk; the program opens it when the first area is made and
 * keeps the descriptor for the others, and the name is removed at once.
 */
static int open_counters(struct target *t, char *target_path, size_t len)
{
	char host[128];
	long uid = status_id(t->pid, "Uid", 1), gid = status_id(t->pid, "Gid", 1);
	int fd;
	void *map;

	if (t->agent.host_path[0])
		unlink(t->agent.host_path);
	t->agent.host_path[0] = '\0';
	snprintf(host, sizeof(host), "/proc/%d/root/tmp/lurk-agent-%d-XXXXXX", t->pid, t->pid);
	fd = mkstemp(host);
	if (fd < 0) {
		err_set("cannot make the counters file in the program's /tmp: %s", strerror(errno));
		return -1;
	}
	if (ftruncate(fd, COUNTERS_BYTES) < 0 ||
	    (uid >= 0 && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)) {
		err_set("cannot prepare the counters file %s: %s", host, strerror(errno));
		goto fail;
	}
	map = mmap(NULL, COUNTERS_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err_set("cannot map the counters file: %s", strerror(errno));
		goto fail;
	}
	if (t->agent.counters)
		munmap(t->agent.counters, COUNTERS_BYTES);
	t->agent.counters = map;
	close(fd);
	snprintf(t->agent.host_path, sizeof(t->agent.host_path), "%s", host);
	snprintf(target_path, len, "/tmp/%s", strrchr(host, '/') + 1);
	return 0;
fail:
	close(fd);
	unlink(host);
	return -1;
}

struct gap_pick {
	uint64_t near_to, best, best_dist;
};

/* The two free pages closest to the function, within reach. */
static void pick_gap(void *arg, uint64_t start, uint64_t end)
{
	struct gap_pick *p = arg;
	uint64_t cand = p->near_to < start ? start
			: p->near_to >= end - 2 * AGENT_PAGE
				? end - 2 * AGENT_PAGE
				: p->near_to & ~(uint64_t)(AGENT_PAGE - 1);
	uint64_t dist;

	if (end - start < 2 * AGENT_PAGE || cand < 0x10000)
		return;
	dist = cand > p->near_to ? cand - p->near_to : p->near_to - cand;
	if (near(cand, p->near_to) && near(cand + 2 * AGENT_PAGE, p->near_to) &&
	    dist < p->best_dist) {
		p->best = cand;
		p->best_dist = dist;
	}
}

static uint64_t free_pages_near(struct target *t, uint64_t func)
{
	struct gap_pick pick = { func, 0, UINT64_MAX };

	target_gaps(t, pick_gap, &pick);
	return pick.best;
}

/* A hole of at least need bytes in area's page, or NULL. */
static struct agent_hole *hole_in(struct agent *a, const struct agent_area *area, size_t need)
{
	for (size_t i = 0; i < a->nholes; i++)
		if (a->holes[i].len >= need && a->holes[i].at >= area->code &&
		    a->holes[i].at < area->code + AGENT_PAGE)
			return &a->holes[i];
	return NULL;
}

/* Take a hole of at least need bytes in area's page: its size, *at its place; 0 when none. */
static unsigned take_hole(struct target *t, const struct agent_area *area, size_t need,
			  uint64_t *at)
{
	struct agent *a = &t->agent;
	struct agent_hole *h = hole_in(a, area, need);
	unsigned len;

	if (!h)
		return 0;
	*at = h->at;
	len = h->len;
	*h = a->holes[--a->nholes];
	return len;
}

/*
 * fn is unpatched and no thread is in its trampoline or stands for a place
 * in it (leave_trampolines): its bytes serve the next trampoline.
 */
static void give_back(struct target *t, struct agent_fn *fn)
{
	struct agent *a = &t->agent;

	if (!fn->tramp_len)
		return;
	VEC_GROW(a->holes, a->nholes, a->holes_cap);
	a->holes[a->nholes++] = (struct agent_hole){ fn->tramp, fn->tramp_room };
	fn->tramp_len = 0;
}

/* An area near func with room for one more trampoline of need bytes, made if need be. */
static struct agent_area *area_near(struct target *t, uint64_t func, size_t need)
{
	struct agent *a = &t->agent;
	struct agent_area *area;
	char path[128];
	uint64_t hint;
	int64_t code, data;

	for (size_t i = 0; i < a->nareas; i++)
		if (a->areas[i].nfns < AREA_COUNTERS &&
		    (a->areas[i].used + need <= AGENT_PAGE || hole_in(a, &a->areas[i], need)) &&
		    near(a->areas[i].code, func))
			return &a->areas[i];
	if (a->nareas == AGENT_MAX_AREAS) {
		err_set("lurk's %d agent pages are full", AGENT_MAX_AREAS);
		return NULL;
	}
	if (a->target_fd < 0 && open_counters(t, path, sizeof(path)) < 0)
		return NULL;
	if (!target_injectable_thread(t)) {
		err_set("no thread can map lurk's page now (the program has not run yet: trace "
			"--count after start)");
		return NULL;
	}
	hint = free_pages_near(t, func);
	if (!hint) {
		err_set("no free address within reach of it for lurk's page");
		return NULL;
	}
	/* PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE */
	code = agent_syscall(t, SYS_mmap, hint, AGENT_PAGE, PROT_READ | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS | 0x100000, (uint64_t)-1, 0);
	if (code < 0)
		return NULL;
	LOG(LOG_PTRACE, "agent: page for 0x%" PRIx64 " asked at 0x%" PRIx64 ", given 0x%" PRIx64,
	    func, hint, (uint64_t)code);
	if ((uint64_t)code != hint) {
		agent_syscall(t, SYS_munmap, (uint64_t)code, AGENT_PAGE, 0, 0, 0, 0);
		err_set("the program's mmap did not give the page asked for");
		return NULL;
	}
	if (a->target_fd < 0) {
		/* The path, for openat to read, in the code page for a moment. */
		int64_t fd;

		if (mem_write(t->pid, target_stopped_tid(t), (uint64_t)code, path,
			      strlen(path) + 1) < 0)
			goto fail;
		fd = agent_syscall(t, SYS_openat, (uint64_t)AT_FDCWD, (uint64_t)code,
				   O_RDWR | O_CLOEXEC, 0, 0, 0);
		unlink(a->host_path);
		a->host_path[0] = '\0';
		if (fd < 0)
			goto fail;
		a->target_fd = (int)fd;
	}
	data = agent_syscall(t, SYS_mmap, (uint64_t)code + AGENT_PAGE, AGENT_PAGE,
			     PROT_READ | PROT_WRITE, MAP_SHARED | 0x100000, (uint64_t)a->target_fd,
			     a->nareas * AGENT_PAGE);
	if (data < 0)
		goto fail;
	if ((uint64_t)data != (uint64_t)code + AGENT_PAGE) {
		agent_syscall(t, SYS_munmap, (uint64_t)data, AGENT_PAGE, 0, 0, 0, 0);
		err_set("the program's mmap did not give the page asked for");
		goto fail;
	}
	area = &a->areas[a->nareas];
	*area = (struct agent_area){ (uint64_t)code, (uint64_t)data, 0, 0, (int)a->nareas };
	a->nareas++;
	return area;
fail:
	agent_syscall(t, SYS_munmap, (uint64_t)code, AGENT_PAGE, 0, 0, 0, 0);
	return NULL;
}

/* Whether a stopped thread's pc is inside (func, func + len): it would resume mid-jump. */
static struct thread *thread_inside(struct target *t, uint64_t func, unsigned len)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;
		uint64_t pc;

		if (th->exiting || target_regs(t, th, &r) < 0) {
			err_clear();
			continue;
		}
		pc = regs_pc(t->arch, &r);
		if (pc > func && pc < func + len)
			return th;
	}
	return NULL;
}

bool target_agent_covers(const struct target *t, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		const struct agent_fn *fn = &t->agent.fns[i];

		if (fn->patched && fn->func < addr + len && addr < fn->func + fn->len)
			return true;
	}
	return false;
}

void target_agent_hide(const struct target *t, uint64_t addr, void *buf, size_t len)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		const struct agent_fn *fn = &t->agent.fns[i];

		for (unsigned k = 0; fn->patched && k < AGENT_JMP_LEN; k++)
			if (fn->func + k >= addr && fn->func + k < addr + len)
				((unsigned char *)buf)[fn->func + k - addr] = fn->orig[k];
	}
}

static int unpatch(struct target *t, struct agent_fn *fn);

/*
 * Put fn's trampoline (tramp, fn->tramp_len bytes) at tramp_at in area and,
 * with jump_in, the jump to it at fn->func; fn joins the patched ones.
 * room: the hole's size when tramp_at is one, room_len: the head's bytes
 * (a trampoline at the end of the used part takes room for the longest
 * tail, so that the bytes it gives back fit the next one of its kind).
 * Its index, or -1 with err set.
 */
static int install(struct target *t, struct agent_area *area, struct agent_fn *fn,
		   const unsigned char *tramp, uint64_t tramp_at, unsigned room, size_t room_len,
		   bool jump_in)
{
	struct agent *a = &t->agent;
	unsigned char jump[AGENT_JMP_LEN];
	bool at_end = tramp_at == area->code + area->used;
	int32_t rel;

	fn->tramp_room = at_end ? (unsigned)(room_len + AGENT_TAIL_MAX + 15) & ~15u : room;
	if (mem_write(t->pid, target_stopped_tid(t), tramp_at, tramp, fn->tramp_len) < 0)
		return -1;
	area->nfns++;
	if (at_end)
		area->used += fn->tramp_room;
	jump[0] = 0xe9;
	rel = (int32_t)((int64_t)tramp_at - (int64_t)(fn->func + AGENT_JMP_LEN));
	memcpy(jump + 1, &rel, 4);
	if (jump_in && mem_write(t->pid, target_stopped_tid(t), fn->func, jump, sizeof(jump)) < 0)
		return -1;
	fn->patched = true;
	VEC_GROW(a->fns, a->nfns, a->fns_cap);
	a->fns[a->nfns++] = *fn;
	t->epoch++;
	return (int)a->nfns - 1;
}

/*
 * The ring, made once: a memfd of the program's (memory, not a file on a
 * disk: a shared file's page faults at each first write after writeback,
 * microseconds in a traced call), which lurk maps through /proc and the
 * program maps with every page in place; the program's descriptor is then
 * closed. An area exists (its page holds memfd_create's name for a moment).
 */
static int ring_in_program(struct target *t)
{
	struct agent *a = &t->agent;
	static const char name[] = "lurk-ring";
	uint64_t name_at = a->areas[0].code + AGENT_PAGE - sizeof(name);
	char path[64];
	int64_t fd, at;
	int host;
	void *map;

	if (a->ring_at)
		return 0;
	if (!a->nareas || a->areas[0].used > AGENT_PAGE - sizeof(name)) {
		err_set("no room in lurk's page to make its ring of calls");
		return -1;
	}
	if (mem_write(t->pid, target_stopped_tid(t), name_at, name, sizeof(name)) < 0)
		return -1;
	fd = agent_syscall(t, SYS_memfd_create, name_at, 1 /* MFD_CLOEXEC */, 0, 0, 0, 0);
	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/fd/%" PRId64, t->pid, fd);
	host = open(path, O_RDWR | O_CLOEXEC);
	map = MAP_FAILED;
	if (host >= 0 && ftruncate(host, RING_MAP_BYTES) == 0)
		map = mmap(NULL, RING_MAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			   host, 0);
	if (map == MAP_FAILED) {
		err_set("cannot map the program's ring of calls: %s", strerror(errno));
		goto out;
	}
	at = agent_syscall(t, SYS_mmap, 0, RING_MAP_BYTES, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_POPULATE, (uint64_t)fd, 0);
	if (at < 0) {
		munmap(map, RING_MAP_BYTES);
		goto out;
	}
	/* Writable at once (MADV_POPULATE_WRITE, Linux 5.14): populated, they still fault at a first write. */
	if (agent_syscall(t, SYS_madvise, (uint64_t)at, RING_MAP_BYTES, 23, 0, 0, 0) < 0)
		err_clear();
	if (a->ring)
		munmap(a->ring, RING_MAP_BYTES);
	a->ring = map;
	a->ring_at = (uint64_t)at;
	a->stalled_since = 0;
out:
	if (host >= 0)
		close(host);
	{
		char *why = a->ring_at ? NULL : xstrdup(err_get());

		if (agent_syscall(t, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0) < 0)
			err_clear();
		if (why) {
			err_set("%s", why);
			free(why);
		}
	}
	return a->ring_at ? 0 : -1;
}

/*
 * Patch the code at addr, in the function [lo, hi), with a jump to a new
 * trampoline of the given kind (cond: the guard's condition code). Every
 * thread stopped. Returns the index of its agent_fn, or -1 with err set.
 */
static int patch(struct target *t, enum agent_kind kind, uint64_t addr, uint64_t lo, uint64_t hi,
		 const unsigned char *cond, size_t cond_len, uint32_t id)
{
	struct agent *a = &t->agent;
	unsigned char code[64];
	unsigned char *head = xmalloc(AGENT_TRAMP_MAX), *tramp = xmalloc(AGENT_TRAMP_MAX);
	uint64_t size = hi - addr, whole_size = hi - lo;
	size_t want = size < sizeof(code) ? (size_t)size : sizeof(code), head_len;
	struct agent_fn fn;
	struct agent_area *area;
	struct disas *d;
	struct thread *th;
	unsigned char *whole = NULL;
	uint64_t tramp_at, counter_at;
	unsigned trap_at = 0, room;
	unsigned char exit_head[AGENT_RECORD_HEAD];
	size_t exit_len = 0, room_len;
	int counter, ret = -1;

	if (target_need_process(t) < 0)
		goto out;
	if (target_any_running(t)) {
		err_set("the program is running");
		goto out;
	}
	d = target_disas(t);
	if (!d)
		goto out;
	if (target_read(t, addr, code, want) != (ssize_t)want) {
		err_set("its code cannot be read");
		goto out;
	}
	/* A first guess of where it goes, to size the instructions; the real place comes next. */
	if (agent_build(d, addr, size, code, want, addr, NULL, 0, &fn, tramp) < 0)
		goto out;
	for (size_t i = 0; i < t->sites.n; i++)
		if (t->sites.v[i].addr < addr + fn.len && t->sites.v[i].addr >= addr) {
			err_set("a breakpoint is in its first %u bytes", fn.len);
			goto out;
		}
	if (target_agent_covers(t, addr, fn.len)) {
		err_set("lurk's agent has already patched its first %u bytes", fn.len);
		goto out;
	}
	th = thread_inside(t, addr, fn.len);
	if (th) {
		err_set("thread %d is inside its first %u bytes", th->num, fn.len);
		goto out;
	}
	/* Every instruction of it is decoded to find jumps into the first bytes. */
	if (whole_size > (1u << 20)) {
		err_set("it is %" PRIu64 " bytes long, too long to check its jumps", whole_size);
		goto out;
	}
	whole = xmalloc(whole_size ? (size_t)whole_size : 1);
	if (target_read(t, lo, whole, (size_t)whole_size) != (ssize_t)whole_size) {
		err_set("its code cannot be read");
		goto out;
	}
	if (agent_check_jumps(d, lo, whole, (size_t)whole_size, addr, fn.len) < 0)
		goto out;
	/*
	 * Each trampoline holds room for its head and the longest tail, so that
	 * the bytes it gives back fit the next one with a head of that size.
	 */
	head_len = kind == AGENT_COUNT	 ? AGENT_COUNT_HEAD
		   : kind == AGENT_ENTRY ? 2 * AGENT_RECORD_HEAD /* and a moved ret's */
					 : agent_guard_head_len(cond_len);
	area = area_near(t, addr, head_len + AGENT_TAIL_MAX);
	if (!area || (kind == AGENT_ENTRY && ring_in_program(t) < 0))
		goto out;
	counter = area->index * (int)AREA_COUNTERS + (int)area->nfns;
	room = take_hole(t, area, head_len + AGENT_TAIL_MAX, &tramp_at);
	room_len = head_len;
	if (!room) {
		tramp_at = area->code + area->used;
		room = AGENT_PAGE - area->used;
	}
	counter_at = area->data + (uint64_t)area->nfns * 8;
	if (kind == AGENT_COUNT) {
		if (!agent_count_head(tramp_at, counter_at, head)) {
			err_set("its counter is out of reach");
			goto out;
		}
		head_len = AGENT_COUNT_HEAD;
	} else if (kind == AGENT_ENTRY) {
		head_len = agent_record_head(
			a->ring_at, id, id & AGENT_ID_WIDE ? AGENT_REC_CALL_WIDE : AGENT_REC_CALL,
			head);
		exit_len = agent_record_head(a->ring_at, id, AGENT_REC_RETURN, exit_head);
	} else {
		head_len = agent_guard_head(tramp_at, counter_at, cond, cond_len, head,
					    AGENT_TRAMP_MAX - AGENT_TAIL_MAX, &trap_at);
		if (!head_len)
			goto out;
	}
	if (agent_build_with_exit(d, addr, size, code, want, tramp_at, head, head_len,
				  exit_len ? exit_head : NULL, exit_len, &fn, tramp) < 0)
		goto out;
	fn.kind = kind;
	fn.trap_at = trap_at;
	fn.counter = kind == AGENT_ENTRY ? (int)(id & AGENT_ID_MASK) : counter;
	a->counters[counter] = 0;
	/* A guard's jump goes in with the others when they are out. */
	ret = install(t, area, &fn, tramp, tramp_at, room, room_len,
		      !(kind == AGENT_GUARD && a->guards_out));
out:
	free(whole);
	free(head);
	free(tramp);
	return ret;
}

int target_agent_count(struct target *t, uint64_t func, uint64_t size)
{
	int i;

	for (size_t k = 0; k < t->agent.nfns; k++)
		if (t->agent.fns[k].patched && t->agent.fns[k].kind == AGENT_COUNT &&
		    t->agent.fns[k].func == func)
			return t->agent.fns[k].counter;
	i = patch(t, AGENT_COUNT, func, func, func + size, NULL, 0, 0);
	return i < 0 ? -1 : t->agent.fns[i].counter;
}

int target_agent_guard(struct target *t, uint64_t addr, uint64_t lo, uint64_t hi,
		       const unsigned char *cond, size_t cond_len, bool judge_waiting)
{
	int i = patch(t, AGENT_GUARD, addr, lo, hi, cond, cond_len, 0);

	if (i < 0 || judge_waiting)
		return i < 0 ? -1 : t->agent.fns[i].counter;
	/* A thread stopped right there has not hit it: it goes on past the guard ("break" at the pc). */
	for (size_t k = 0; k < t->nthreads; k++) {
		struct thread *th = t->threads[k];
		struct regs r;

		if (!th->running && !th->exiting && target_regs(t, th, &r) == 0 &&
		    regs_pc(t->arch, &r) == addr) {
			th->agent_at = addr;
			th->agent_resume = t->agent.fns[i].tramp + t->agent.fns[i].head_len;
		}
	}
	err_clear();
	return t->agent.fns[i].counter;
}

/*
 * Patch the ret insns[ret_i] (insns: the addresses of the instructions of
 * its function, from lo; whole: its code) and the instructions before it,
 * 5 bytes or more, with a jump to a trampoline that records the return.
 */
static int patch_exit(struct target *t, struct disas *d, uint64_t lo, const unsigned char *whole,
		      size_t whole_size, const uint64_t *insns, size_t ret_i, uint32_t id)
{
	struct agent *a = &t->agent;
	unsigned char head[AGENT_RECORD_HEAD] = { 0 }, *tramp = xmalloc(AGENT_TRAMP_MAX);
	size_t start = ret_i, head_len;
	uint64_t site, tramp_at;
	struct agent_area *area;
	struct agent_fn fn;
	unsigned room;
	int ret = -1;

	while (start > 0 && insns[ret_i] - insns[start] < AGENT_JMP_LEN)
		start--;
	site = insns[start];
	if (agent_build_exit(d, lo, site, whole + (site - lo), whole_size - (site - lo),
			     (unsigned)(insns[ret_i] - site), site, head, sizeof(head), &fn,
			     tramp) < 0)
		goto out;
	if (target_agent_covers(t, site, fn.len)) {
		err_set("its return at +%" PRIu64 " is too close to bytes lurk patched already",
			insns[ret_i] - lo);
		goto out;
	}
	for (size_t i = 0; i < t->sites.n; i++)
		if (t->sites.v[i].addr < site + fn.len && t->sites.v[i].addr >= site) {
			err_set("a breakpoint is near its return at +%" PRIu64, insns[ret_i] - lo);
			goto out;
		}
	if (thread_inside(t, site, fn.len)) {
		err_set("a thread is stopped at its return at +%" PRIu64, insns[ret_i] - lo);
		goto out;
	}
	if (agent_check_jumps(d, lo, whole, whole_size, site, fn.len) < 0)
		goto out;
	head_len = agent_record_head(a->ring_at, id, AGENT_REC_RETURN, head);
	area = area_near(t, site, head_len + AGENT_TAIL_MAX);
	if (!area)
		goto out;
	room = take_hole(t, area, head_len + AGENT_TAIL_MAX, &tramp_at);
	if (!room) {
		tramp_at = area->code + area->used;
		room = AGENT_PAGE - area->used;
	}
	if (agent_build_exit(d, lo, site, whole + (site - lo), whole_size - (site - lo),
			     (unsigned)(insns[ret_i] - site), tramp_at, head, head_len, &fn,
			     tramp) < 0)
		goto out;
	fn.counter = (int)id;
	ret = install(t, area, &fn, tramp, tramp_at, room, head_len, true) < 0 ? -1 : 0;
out:
	free(tramp);
	return ret;
}

/*
 * Every instruction's address in [lo, hi) (whole: its code), into *insns,
 * and the indexes of its rets in *rets; -1 with err set.
 */
static int decode_all(struct disas *d, uint64_t lo, const unsigned char *whole, size_t size,
		      uint64_t **insns, size_t *n, size_t **rets, size_t *nrets)
{
	size_t at = 0, cap = 0, rets_cap = 0;

	*insns = NULL;
	*n = 0;
	*rets = NULL;
	*nrets = 0;
	while (at < size) {
		struct disas_insn insn;
		unsigned len = disas_one(d, whole + at, size - at, lo + at, &insn);

		if (!len) {
			err_set("its code at +%zu does not decode (data in the function?)", at);
			return -1;
		}
		/* Where it goes without a ret of its own, its return would not be recorded. */
		if (insn.is_jump && !insn.has_target) {
			err_set("it leaves or branches by an indirect jump at +%zu (a switch, or "
				"a tail call): its returns cannot all be found",
				at);
			return -1;
		}
		if (insn.is_jump && (insn.target < lo || insn.target >= lo + size)) {
			err_set("it jumps out of itself at +%zu (a tail call): that return "
				"would not be recorded",
				at);
			return -1;
		}
		if (insn.is_ret) {
			VEC_GROW(*rets, *nrets, rets_cap);
			(*rets)[(*nrets)++] = *n;
		}
		VEC_GROW(*insns, *n, cap);
		(*insns)[(*n)++] = lo + at;
		at += len;
	}
	return 0;
}

/* A stopped thread's pointer (%fs:0, its thread block), or 0 when it has none yet. */
static uint64_t thread_pointer(struct target *t, struct thread *th)
{
	const struct arch_reg *fs = regs_find(t->arch, "fs_base");
	struct regs r;

	if (!fs || th->running || th->exiting || target_regs(t, th, &r) < 0) {
		err_clear();
		return 0;
	}
	return regs_get(&r, fs);
}

/*
 * Where a thread's id lies in its thread block (glibc's struct pthread,
 * which %fs:0 points at): the offset where every stopped thread's block
 * holds that thread's id (four threads checked at most). -1 when none
 * does, 0 when no thread has a block yet.
 */
static int find_tid_offset(struct target *t)
{
	unsigned char good[2048 / 4];
	int checked = 0;

	memset(good, 1, sizeof(good));
	for (size_t i = 0; i < t->nthreads && checked < 4; i++) {
		struct thread *th = t->threads[i];
		uint32_t block[2048 / 4];
		uint64_t tp = thread_pointer(t, th);

		if (!tp || target_read(t, tp, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			err_clear();
			continue;
		}
		for (size_t k = 0; k < sizeof(good); k++)
			good[k] &= block[k] == (uint32_t)th->tid;
		checked++;
	}
	if (!checked)
		return 0;
	/* Past the block's header (%fs:0 itself, the stack guard) */
	for (size_t k = 4; k < sizeof(good); k++)
		if (good[k])
			return (int)k * 4;
	return -1;
}

/* The stopped threads' pointers, known now: a record read after exec (the memory gone) names them. */
static void learn_thread_pointers(struct target *t)
{
	struct agent *a = &t->agent;

	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		uint64_t tp = thread_pointer(t, th);
		bool known = false;

		if (!tp)
			continue;
		for (size_t k = 0; k < a->ntps && !known; k++)
			known = a->tps[k].tp == tp && a->tps[k].tid == th->tid;
		if (!known) {
			VEC_GROW(a->tps, a->ntps, a->tps_cap);
			a->tps[a->ntps++] = (struct agent_tp){ tp, th->tid };
		}
	}
}

void target_agent_set_yield(struct target *t, bool (*fn)(void *arg, uint32_t id), void *arg)
{
	t->agent.yield = fn;
	t->agent.yield_arg = arg;
}

struct thread *target_agent_thread(struct target *t, uint64_t tp)
{
	struct agent *a = &t->agent;
	int32_t tid = 0;

	for (size_t i = 0; i < a->ntps && !tid; i++)
		if (a->tps[i].tp == tp)
			tid = a->tps[i].tid;
	if (!tid) {
		if (a->tid_at <= 0 ||
		    target_read(t, tp + (uint64_t)a->tid_at, &tid, sizeof(tid)) !=
			    (ssize_t)sizeof(tid) ||
		    tid <= 0) {
			err_clear();
			return NULL;
		}
		VEC_GROW(a->tps, a->ntps, a->tps_cap);
		a->tps[a->ntps++] = (struct agent_tp){ tp, tid };
	}
	return target_find_tid(t, tid);
}

int target_agent_threads_known(struct target *t)
{
	struct agent *a = &t->agent;

	/* Looked for again until found: the C library sets it up after the first instructions. */
	if (a->tid_at <= 0)
		a->tid_at = find_tid_offset(t);
	if (a->tid_at == 0) {
		err_set("the program's threads have no thread pointer (%%fs:0) yet");
		return 0;
	}
	if (a->tid_at < 0) {
		err_set("lurk cannot tell the program's threads apart: no thread id at one place "
			"of every thread block (%%fs:0)");
		return -1;
	}
	return 1;
}

int target_agent_record(struct target *t, uint64_t lo, uint64_t hi, uint32_t id, bool wide)
{
	struct agent *a = &t->agent;
	size_t size = (size_t)(hi - lo), n = 0, before = a->nfns, nrets = 0;
	unsigned char *whole = NULL;
	uint64_t *insns = NULL;
	size_t *rets = NULL;
	struct disas *d;
	int i = -1;

	if (target_need_process(t) < 0)
		return -1;
	if (target_any_running(t)) {
		err_set("the program is running");
		return -1;
	}
	if (!id || id > AGENT_ID_MASK) {
		err_set("record id %" PRIu32 " out of range", id);
		return -1;
	}
	if (!(d = target_disas(t)) || target_agent_threads_known(t) <= 0)
		return -1;
	learn_thread_pointers(t);
	if (!size || size > (1u << 20)) {
		err_set(size ? "it is too long to check" : "its symbol gives no size");
		return -1;
	}
	whole = xmalloc(size);
	if (target_read(t, lo, whole, size) != (ssize_t)size) {
		err_set("its code cannot be read");
		goto fail;
	}
	if (decode_all(d, lo, whole, size, &insns, &n, &rets, &nrets) < 0)
		goto fail;
	if (!nrets) {
		err_set("it has no ret (it never returns, or leaves by a jump)");
		goto fail;
	}
	/* The entry first: its head records the call; the area it makes maps the ring too. */
	i = patch(t, AGENT_ENTRY, lo, lo, hi, NULL, 0, id | (wide ? AGENT_ID_WIDE : 0));
	if (i < 0)
		goto fail;
	for (size_t k = 0; k < nrets; k++) {
		/* A ret moved with the entry's instructions is recorded in its trampoline. */
		if (insns[rets[k]] < lo + a->fns[i].len && a->fns[i].exit_len)
			continue;
		if (patch_exit(t, d, lo, whole, size, insns, rets[k], id) < 0)
			goto fail;
	}
	free(whole);
	free(insns);
	free(rets);
	return 0;
fail : {
	char *why = xstrdup(err_isset() ? err_get() : "it cannot be patched");

	/* What was patched of it goes: a call recorded without its returns is no use. */
	for (size_t k = before; k < a->nfns; k++)
		if (unpatch(t, &a->fns[k]) < 0)
			err_clear();
	err_set("%s", why);
	free(why);
}
	free(whole);
	free(insns);
	free(rets);
	return -1;
}

int target_agent_unrecord(struct target *t, uint32_t id)
{
	if (target_any_running(t)) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	for (size_t i = 0; i < t->agent.nfns; i++) {
		struct agent_fn *fn = &t->agent.fns[i];

		if ((fn->kind == AGENT_ENTRY || fn->kind == AGENT_EXIT) && fn->counter == (int)id &&
		    unpatch(t, fn) < 0)
			return -1;
	}
	return 0;
}

size_t target_agent_drain(struct target *t, void (*fn)(void *arg, const struct agent_record *r),
			  void *arg)
{
	struct agent_ring *ring = t->agent.ring;
	const struct agent_slot *slots;
	uint64_t head;
	size_t n = 0;

	if (!ring)
		return 0;
	slots = (const struct agent_slot *)((const char *)ring + AGENT_RING_HEADER);
	/*
	 * What was there when the drain began, no more: a program that records
	 * faster than lurk reads would otherwise keep it here for ever (the
	 * rest is read next time).
	 */
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	for (;;) {
		uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
		/* Two slots from here are one array's: past the last slot is one more. */
		const struct agent_slot *s = &slots[tail & (AGENT_RING_SLOTS - 1)];
		struct agent_slot copy[2];
		struct agent_record rec;
		unsigned took = 1;

		if (tail >= head)
			break;
		if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != (uint32_t)(tail + 1)) {
			/*
			 * Taken and not yet written: its thread is between the two,
			 * or died there (killed). After a second it is given up
			 * (a slot at a time: a wide call's second slot waits too).
			 */
			uint64_t now = now_ns();

			if (!t->agent.stalled_since) {
				t->agent.stalled_since = now;
				break;
			}
			if (now - t->agent.stalled_since < 1000000000ull)
				break;
			__atomic_fetch_add(&ring->drops, 1, __ATOMIC_RELAXED);
		} else if (!(s->id & AGENT_ID_MORE)) {
			/* A copy first: once tail moves on, the program may write there again. */
			memcpy(copy, s, (s->id & AGENT_ID_WIDE) ? 2 * sizeof(*s) : sizeof(*s));
			took = agent_record_read(copy, &rec);
			fn(arg, &rec);
			n++;
		}
		/* (A second slot alone: the thread that wrote it died before its first's seq.) */
		t->agent.stalled_since = 0;
		__atomic_store_n(&ring->tail, tail + took, __ATOMIC_RELEASE);
	}
	return n;
}

uint64_t target_agent_drops(const struct target *t)
{
	return t->agent.ring ? __atomic_load_n(&t->agent.ring->drops, __ATOMIC_RELAXED) : 0;
}

uint64_t target_agent_calls(const struct target *t, int counter)
{
	if (!t->agent.counters || counter < 0 || (size_t)counter >= COUNTERS_BYTES / 8)
		return 0;
	return __atomic_load_n(&t->agent.counters[counter], __ATOMIC_RELAXED);
}

/* The patched function whose trampoline holds pc, or NULL. */
static struct agent_fn *fn_of_tramp(struct target *t, uint64_t pc)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		struct agent_fn *fn = &t->agent.fns[i];

		if (pc >= fn->tramp && pc < fn->tramp + fn->tramp_len)
			return fn;
	}
	return NULL;
}

/* A stopped thread in fn's trampoline goes to the place it stands for; false while busy. */
static bool map_thread(struct target *t, struct thread *th, const struct agent_fn *fn,
		       struct regs *r)
{
	uint64_t orig, resume;

	switch (agent_map_back(fn, regs_pc(t->arch, r), &orig, &resume)) {
	case AGENT_BUSY:
		return false;
	case AGENT_OUTSIDE:
		return true;
	case AGENT_MAPPED:
		break;
	}
	regs_set(r, t->arch->pc, orig);
	th->regs_epoch = ~0u;
	if (regs_write_one(th->tid, r, t->arch->pc) < 0) {
		err_clear();
		return true;
	}
	th->agent_at = resume ? orig : 0;
	th->agent_resume = resume;
	return true;
}

/*
 * Run a thread out of a guard's own code (registers saved, the condition
 * half done): one instruction at a time, the others held, until it is
 * past the condition (at most a few hundred instructions, none a loop).
 */
static void step_out_of_guard(struct target *t, struct thread *th, const struct agent_fn *fn)
{
	for (int n = 0; n < 100000; n++) {
		struct wait_event w;
		struct regs r;

		if (regs_read(th->tid, &r) < 0 || map_thread(t, th, fn, &r))
			break;
		if (target_step_once(t, th, &w) != 0)
			break;
	}
	err_clear();
}

void target_agent_settle(struct target *t)
{
	for (size_t i = 0; i < t->nthreads && t->agent.nfns; i++)
		if (!t->threads[i]->running && !t->threads[i]->exiting)
			target_agent_step_done(t, t->threads[i]);
}

void target_agent_step_done(struct target *t, struct thread *th)
{
	struct regs r;
	struct agent_fn *fn;

	if (!t->agent.nfns || regs_read(th->tid, &r) < 0) {
		err_clear();
		return;
	}
	fn = fn_of_tramp(t, regs_pc(t->arch, &r));
	if (fn && !map_thread(t, th, fn, &r))
		step_out_of_guard(t, th, fn);
}

void target_agent_enter(struct target *t, struct thread *th)
{
	struct regs r;
	uint64_t at = th->agent_at;

	th->agent_at = 0;
	if (!at || regs_read(th->tid, &r) < 0 || regs_pc(t->arch, &r) != at) {
		err_clear();
		return;
	}
	regs_set(&r, t->arch->pc, th->agent_resume);
	th->regs_epoch = ~0u;
	if (regs_write_one(th->tid, &r, t->arch->pc) < 0)
		err_clear();
}

bool target_agent_hit(struct target *t, struct thread *th, struct regs *r, uint64_t pc,
		      uint64_t *addr)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		const struct agent_fn *fn = &t->agent.fns[i];

		if (fn->kind != AGENT_GUARD || !fn->tramp_len || fn->tramp + fn->trap_at != pc)
			continue;
		regs_set(r, t->arch->pc, fn->func);
		th->regs_epoch = ~0u;
		if (regs_write_one(th->tid, r, t->arch->pc) < 0)
			err_clear();
		th->agent_at = fn->func;
		th->agent_resume = fn->tramp + fn->head_len;
		t->agent.fns[i].traps++;
		*addr = fn->func;
		return true;
	}
	return false;
}

bool target_agent_guards(const struct target *t, uint64_t addr)
{
	for (size_t i = 0; i < t->agent.nfns; i++)
		if (t->agent.fns[i].kind == AGENT_GUARD && t->agent.fns[i].patched &&
		    t->agent.fns[i].func == addr)
			return true;
	return false;
}

/*
 * Threads stopped inside fn's trampoline, or standing for a place in it, go
 * to the original code: the trampoline may not come back.
 */
static void leave_trampolines(struct target *t, const struct agent_fn *fn)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		struct thread *th = t->threads[i];
		struct regs r;

		if (th->agent_resume >= fn->tramp && th->agent_resume < fn->tramp + fn->tramp_len)
			th->agent_at = 0;
		if (th->running || th->exiting || regs_read(th->tid, &r) < 0 ||
		    !(fn_of_tramp(t, regs_pc(t->arch, &r)) == fn))
			continue;
		if (!map_thread(t, th, fn, &r))
			step_out_of_guard(t, th, fn);
		/* The original code is back: the place it stands for is a whole instruction there. */
		th->agent_at = 0;
	}
	err_clear();
}

static int unpatch(struct target *t, struct agent_fn *fn)
{
	if (!fn->patched)
		return 0;
	/* First out of the trampoline: a thread half-way through a guard is stepped out of it. */
	leave_trampolines(t, fn);
	if (!(fn->kind == AGENT_GUARD && t->agent.guards_out) &&
	    mem_write(t->pid, target_stopped_tid(t), fn->func, fn->orig, AGENT_JMP_LEN) < 0)
		return -1;
	fn->patched = false;
	give_back(t, fn);
	t->epoch++;
	return 0;
}

static void write_guards(struct target *t, pid_t tid, bool in)
{
	struct agent *a = &t->agent;

	if (a->guards_out == !in)
		return;
	for (size_t i = 0; i < a->nfns; i++) {
		struct agent_fn *fn = &a->fns[i];
		unsigned char jump[AGENT_JMP_LEN];
		int32_t rel = (int32_t)((int64_t)fn->tramp - (int64_t)(fn->func + AGENT_JMP_LEN));

		if (fn->kind != AGENT_GUARD || !fn->patched)
			continue;
		jump[0] = 0xe9;
		memcpy(jump + 1, &rel, 4);
		if (mem_write(t->pid, tid, fn->func, in ? jump : fn->orig, AGENT_JMP_LEN) < 0)
			err_clear();
	}
	a->guards_out = !in;
}

void target_agent_guards_out(struct target *t, pid_t tid)
{
	write_guards(t, tid, false);
}

void target_agent_guards_in(struct target *t, pid_t tid)
{
	write_guards(t, tid, true);
}

int target_agent_make_room(struct target *t, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		struct agent_fn *fn = &t->agent.fns[i];

		if (!fn->patched || fn->func >= addr + len || addr >= fn->func + fn->len)
			continue;
		if (fn->kind == AGENT_COUNT) {
			err_set("0x%" PRIx64 " is in the first bytes of a function whose calls the "
				"program counts (trace --count): untrace it first",
				addr);
			return -1;
		}
		if (fn->kind == AGENT_ENTRY || fn->kind == AGENT_EXIT) {
			/* Its tracer takes its calls with traps instead, if it can: the bytes come back. */
			if (t->agent.yield && !target_any_running(t) &&
			    t->agent.yield(t->agent.yield_arg, (uint32_t)fn->counter) &&
			    !fn->patched)
				continue;
			err_set("0x%" PRIx64 " is in the bytes lurk's agent patched to record a "
				"traced function's %s (trace --mode agent): untrace it first",
				addr, fn->kind == AGENT_ENTRY ? "calls" : "returns");
			return -1;
		}
		if (target_any_running(t)) {
			err_set("0x%" PRIx64 " is in the bytes a breakpoint's condition patched, "
				"and the program is running",
				addr);
			return -1;
		}
		if (unpatch(t, fn) < 0 ||
		    site_add(&t->sites, t->pid, target_stopped_tid(t), fn->func) < 0)
			return -1;
		fn->demoted = true;
	}
	return 0;
}

int target_agent_unguard(struct target *t, int guard)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		struct agent_fn *fn = &t->agent.fns[i];

		if (fn->kind != AGENT_GUARD || fn->counter != guard)
			continue;
		if (fn->demoted) {
			fn->demoted = false;
			return site_del(&t->sites, t->pid, target_stopped_tid(t), fn->func);
		}
		if (target_any_running(t)) {
			err_set("the program is running; use \"interrupt\" first");
			return -1;
		}
		return unpatch(t, fn);
	}
	return 0;
}

bool target_agent_guard_present(struct target *t, int guard)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		const struct agent_fn *fn = &t->agent.fns[i];
		unsigned char now[AGENT_JMP_LEN], jump[AGENT_JMP_LEN];
		int32_t rel = (int32_t)((int64_t)fn->tramp - (int64_t)(fn->func + AGENT_JMP_LEN));

		if (fn->kind != AGENT_GUARD || fn->counter != guard)
			continue;
		if (fn->demoted)
			return target_trap_present(t, fn->func);
		jump[0] = 0xe9;
		memcpy(jump + 1, &rel, 4);
		/* Its bytes are where they should be: the jump, or (out at a stop) the program's. */
		return fn->patched &&
		       mem_read(t->pid, fn->func, now, sizeof(now)) == (ssize_t)sizeof(now) &&
		       !memcmp(now, t->agent.guards_out ? fn->orig : jump, sizeof(now));
	}
	return false;
}

void target_agent_drop_guard(struct target *t, int guard)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		struct agent_fn *fn = &t->agent.fns[i];

		if (fn->kind != AGENT_GUARD || fn->counter != guard)
			continue;
		if (fn->demoted)
			site_forget(&t->sites, fn->func);
		else if (fn->patched && unpatch(t, fn) < 0)
			err_clear(); /* the code is gone */
		fn->patched = fn->demoted = false;
		return;
	}
}

bool target_agent_guard_state(const struct target *t, int guard, uint64_t *calls, uint64_t *trues)
{
	*calls = target_agent_calls(t, guard);
	*trues = 0;
	for (size_t i = 0; i < t->agent.nfns; i++)
		if (t->agent.fns[i].kind == AGENT_GUARD && t->agent.fns[i].counter == guard) {
			*trues = t->agent.fns[i].traps;
			return t->agent.fns[i].patched;
		}
	return false;
}

int target_agent_unpatch(struct target *t, int counter)
{
	if (target_any_running(t)) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	for (size_t i = 0; i < t->agent.nfns; i++)
		if (t->agent.fns[i].kind == AGENT_COUNT && t->agent.fns[i].counter == counter)
			return unpatch(t, &t->agent.fns[i]);
	return 0;
}

void target_agent_leave(struct target *t)
{
	for (size_t i = 0; i < t->agent.nfns; i++)
		if (unpatch(t, &t->agent.fns[i]) < 0)
			err_clear();
	/*
	 * Nothing jumps to the pages any more and no stopped thread is in
	 * them (leave_trampolines): they are unmapped. A thread interrupted
	 * by a signal inside a trampoline, still in its handler now, would
	 * return into the hole, as from a breakpoint's out-of-line slot: a
	 * window of a few instructions, left as it is.
	 */
	for (size_t i = 0; i < t->agent.nareas; i++)
		if (agent_syscall(t, SYS_munmap, t->agent.areas[i].code, 2 * AGENT_PAGE, 0, 0, 0,
				  0) < 0)
			err_clear();
	if (t->agent.ring_at &&
	    agent_syscall(t, SYS_munmap, t->agent.ring_at, RING_MAP_BYTES, 0, 0, 0, 0) < 0)
		err_clear();
	if (t->agent.target_fd >= 0 &&
	    agent_syscall(t, SYS_close, (uint64_t)t->agent.target_fd, 0, 0, 0, 0, 0) < 0)
		err_clear();
	target_agent_forget(t);
}

void target_agent_restore_in(const struct target *t, pid_t child)
{
	for (size_t i = 0; i < t->agent.nfns; i++) {
		const struct agent_fn *fn = &t->agent.fns[i];

		if (fn->patched && mem_write(child, child, fn->func, fn->orig, AGENT_JMP_LEN) < 0)
			err_clear();
	}
}

void target_agent_forget(struct target *t)
{
	struct agent *a = &t->agent;

	if (a->host_path[0])
		unlink(a->host_path);
	free(a->fns);
	free(a->holes);
	free(a->tps);
	/* The counters stay mapped in lurk: what they hold is read after the process is gone. */
	*a = (struct agent){ .counters = a->counters,
			     .ring = a->ring,
			     .target_fd = -1,
			     .yield = a->yield,
			     .yield_arg = a->yield_arg };
}

void target_agent_free(struct target *t)
{
	target_agent_forget(t);
	if (t->agent.counters)
		munmap(t->agent.counters, COUNTERS_BYTES);
	t->agent.counters = NULL;
	if (t->agent.ring)
		munmap(t->agent.ring, RING_MAP_BYTES);
	t->agent.ring = NULL;
}
