/* unwind.c - a stopped thread's call stack through libdwfl with lurk's own thread callbacks */
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "regs.h"
#include "sym.h"
#include "unwind.h"
#include "util.h"

#define PAGE	     4096u
#define CACHE_PAGES  8
#define CFI_SLOTS    256
#define INLINE_SLOTS 64
#define MAX_INLINE   8

/*
 * libdwfl reads the stack one word at a time; a few cached pages turn a
 * whole backtrace into a handful of process_vm_readv calls. The cache lives
 * for one unwind_thread() call, so it never outlives a stop.
 */
struct page_cache {
	uint64_t base[CACHE_PAGES];
	bool valid[CACHE_PAGES];
	unsigned char data[CACHE_PAGES][PAGE];
	unsigned next;
};

/*
 * Whether a pc has CFI, remembered while the module list stays the same:
 * threads blocked in the same call share most of their frames, and a
 * profile meets the same pcs at every sample.
 */
struct cfi_slot {
	uint64_t pc;
	bool valid;
	bool has_cfi;
};

/* The inlined calls at a pc (calls: n of them, NULL when none), remembered as CFI is. */
struct inline_slot {
	uint64_t pc;
	bool valid;
	int n;
	struct sym_inline *calls;
};

struct unwinder {
	struct sym *sym;
	Dwfl *dwfl;
	/* lurk's own executable: its ELF header gives libdwfl the architecture's backend */
	int self_fd;
	Elf *self_elf;
	const struct arch *arch;
	struct unwind_source src;
	struct page_cache cache;
	unsigned gen; /* the sym_generation that the two caches below describe */
	struct cfi_slot cfi[CFI_SLOTS];
	/* Open addressing, grown to stay at most half full; allocated on first use. */
	struct inline_slot *inl;
	size_t inl_cap, inl_used;
	/* Set while walking from a guessed caller: the registers to start from. */
	bool start_override;
	uint64_t start_pc, start_sp;
};

struct walk {
	struct unwinder *u;
	struct frame *frames;
	size_t n, cap, max;
	bool prev_had_cfi;
};

static bool read_word(struct unwinder *u, uint64_t addr, uint64_t *out)
{
	struct page_cache *c = &u->cache;
	uint64_t base = addr & ~(uint64_t)(PAGE - 1);
	unsigned slot;

	if (addr - base > PAGE - sizeof(*out)) {
		/* Straddles two pages: rare, read it directly. */
		return u->src.read(u->src.arg, addr, out, sizeof(*out)) == (ssize_t)sizeof(*out);
	}
	for (slot = 0; slot < CACHE_PAGES; slot++)
		if (c->valid[slot] && c->base[slot] == base)
			break;
	if (slot == CACHE_PAGES) {
		slot = c->next++ % CACHE_PAGES;
		c->valid[slot] = false;
		if (u->src.read(u->src.arg, base, c->data[slot], PAGE) != (ssize_t)PAGE)
			return u->src.read(u->src.arg, addr, out, sizeof(*out)) ==
			       (ssize_t)sizeof(*out);
		c->base[slot] = base;
		c->valid[slot] = true;
	}
	memcpy(out, c->data[slot] + (addr - base), sizeof(*out));
	return true;
}

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	/* Threads are always asked for by TID (get_thread); lurk owns the thread list. */
	return 0;
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	*thread_argp = arg;
	return true;
}

static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	uint64_t v;

	if (!read_word(arg, addr, &v))
		return false;
	*result = v;
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct unwinder *u = arg;
	struct regs r;
	Dwarf_Word dw[UNWIND_NREGS];
	pid_t tid = dwfl_thread_tid(thread);

	if (u->src.regs(u->src.arg, tid, &r) < 0)
		return false;
	for (unsigned i = 0; i < u->arch->ndwarf && i < UNWIND_NREGS; i++) {
		const struct arch_reg *reg = regs_by_dwarf(u->arch, (int)i);

		dw[i] = reg ? regs_get(&r, reg) : 0;
	}
	if (u->start_override) {
		dw[u->arch->pc->dwarf] = u->start_pc;
		dw[u->arch->sp->dwarf] = u->start_sp;
	}
	return dwfl_thread_state_registers(thread, 0, u->arch->ndwarf, dw);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

struct unwinder *unwind_new(struct sym *sym, const struct arch *arch,
			    const struct unwind_source *src)
{
	struct unwinder *u;
	Dwfl *dwfl = (Dwfl *)sym_dwfl(sym);

	if (!dwfl) {
		err_set("no modules reported yet");
		return NULL;
	}
	u = xcalloc(1, sizeof(*u));
	u->sym = sym;
	u->dwfl = dwfl;
	u->arch = arch;
	u->src = *src;
	/*
	 * Without an Elf, libdwfl borrows the backend of the first module, and
	 * keeps pointing at it after a later report drops or replaces that
	 * module (the executable's range changes when the heap grows over its
	 * .bss): unwinding then reads freed memory. lurk's own executable is of
	 * the same architecture and lives as long as the unwinder.
	 */
	elf_version(EV_CURRENT);
	u->self_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	u->self_elf = u->self_fd >= 0 ? elf_begin(u->self_fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!dwfl_attach_state(dwfl, u->self_elf, sym_pid(sym), &thread_callbacks, u)) {
		err_set("cannot set up unwinding: %s", dwfl_errmsg(-1));
		unwind_free(u);
		return NULL;
	}
	return u;
}

static void forget_inlined(struct unwinder *u)
{
	for (size_t i = 0; i < u->inl_cap; i++)
		free(u->inl[i].calls);
	free(u->inl);
	u->inl = NULL;
	u->inl_cap = u->inl_used = 0;
}

void unwind_free(struct unwinder *u)
{
	if (!u)
		return;
	if (u->self_elf)
		elf_end(u->self_elf);
	if (u->self_fd >= 0)
		close(u->self_fd);
	forget_inlined(u);
	free(u);
}

/* Whether CFI (.eh_frame or .debug_frame) describes how to leave the code at pc. */
static bool lookup_cfi(struct sym *sym, uint64_t pc)
{
	Dwarf_Frame *fr = sym_cfi_frame(sym, pc);

	free(fr);
	return fr != NULL;
}

/* Modules came or went since the caches were filled: what they say may be wrong now. */
static void keep_caches_current(struct unwinder *u)
{
	unsigned gen = sym_generation(u->sym);

	if (gen == u->gen)
		return;
	memset(u->cfi, 0, sizeof(u->cfi));
	forget_inlined(u);
	u->gen = gen;
}

static bool has_cfi(struct unwinder *u, uint64_t pc)
{
	struct cfi_slot *slot;

	keep_caches_current(u);
	slot = &u->cfi[(pc ^ (pc >> 12)) % CFI_SLOTS];
	if (!slot->valid || slot->pc != pc) {
		slot->pc = pc;
		slot->has_cfi = lookup_cfi(u->sym, pc);
		slot->valid = true;
	}
	return slot->has_cfi;
}

static size_t inline_hash(uint64_t pc, size_t cap)
{
	return (size_t)((pc ^ (pc >> 12)) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
}

/* The slot of pc, or the empty slot where it belongs. */
static struct inline_slot *inline_slot(struct inline_slot *tab, size_t cap, uint64_t pc)
{
	size_t i = inline_hash(pc, cap);

	while (tab[i].valid && tab[i].pc != pc)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void grow_inlined(struct unwinder *u)
{
	size_t cap = u->inl_cap ? u->inl_cap * 2 : INLINE_SLOTS;
	struct inline_slot *tab = xcalloc(cap, sizeof(*tab));

	for (size_t i = 0; i < u->inl_cap; i++)
		if (u->inl[i].valid)
			*inline_slot(tab, cap, u->inl[i].pc) = u->inl[i];
	free(u->inl);
	u->inl = tab;
	u->inl_cap = cap;
}

/* The inlined calls the code at pc (a lookup address) is inside, innermost first. */
static const struct inline_slot *inline_calls(struct unwinder *u, uint64_t pc)
{
	struct sym_inline calls[MAX_INLINE];
	struct inline_slot *slot;

	keep_caches_current(u);
	if (2 * (u->inl_used + 1) > u->inl_cap)
		grow_inlined(u);
	slot = inline_slot(u->inl, u->inl_cap, pc);
	if (!slot->valid) {
		slot->pc = pc;
		slot->n = sym_inline_calls(u->sym, pc, calls, MAX_INLINE);
		slot->calls = NULL;
		if (slot->n > 0) {
			slot->calls = xcalloc((size_t)slot->n, sizeof(calls[0]));
			memcpy(slot->calls, calls, (size_t)slot->n * sizeof(calls[0]));
		}
		slot->valid = true;
		u->inl_used++;
	}
	return slot;
}

/*
 * Give each inlined call at a machine frame's pc a frame of its own, inside
 * the frame of the function it was inlined into (see struct frame).
 */
static void expand_inlined(struct unwinder *u, struct walk *w)
{
	struct frame *out = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < w->n; i++) {
		const struct frame *f = &w->frames[i];
		const struct inline_slot *in = inline_calls(u, f->activation ? f->pc : f->pc - 1);

		for (int k = 0; k <= in->n; k++) {
			struct frame *v;

			VEC_GROW(out, n, cap);
			v = &out[n++];
			*v = *f;
			v->phys = (int)i;
			v->inline_skip = k;
			v->inline_func = k < in->n ? in->calls[k].func : NULL;
			if (k > 0) {
				v->call_file = in->calls[k - 1].call_file;
				v->call_dir = in->calls[k - 1].call_dir;
				v->call_line = in->calls[k - 1].call_line;
			}
		}
	}
	free(w->frames);
	w->frames = out;
	w->n = n;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	struct frame *f;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* A zero return address ends the chain (the outermost frame's caller). */
	if (pc == 0 && w->n > 0)
		return DWARF_CB_ABORT;
	/* Frame pointers guessed outside any module are garbage (a fresh thread's
	 * stack, code that keeps no frame pointer): end there rather than show it. */
	if (w->n > 0 && !w->prev_had_cfi && !sym_module_at(w->u->sym, pc - 1))
		return DWARF_CB_ABORT;
	VEC_GROW(w->frames, w->n, w->cap);
	f = &w->frames[w->n];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	f->activation = activation;
	/* libdwfl falls back to frame pointers where there is no CFI; say so. */
	f->no_cfi = w->n > 0 && !w->prev_had_cfi;
	for (unsigned i = 0; i < UNWIND_NREGS; i++) {
		Dwarf_Word v;

		if (dwfl_frame_reg(state, i, &v) == 0) {
			f->regs[i] = v;
			f->regs_known |= 1u << i;
		}
	}
	/*
	 * A caller's scratch registers are gone for good; libdwfl's default rules
	 * for x86_64 (elfutils 0.188) even mark rax as unchanged where rbx is
	 * meant, so trust only what the ABI preserves.
	 */
	if (w->n > 0 || !activation)
		f->regs_known &= w->u->arch->preserved_dwarf;
	/*
	 * A preserved register the callee's CFI does not mention is unchanged;
	 * libdwfl leaves rbx unknown there (the same mix-up), so take it from
	 * the callee's frame.
	 */
	if (w->n > 0 && w->prev_had_cfi) {
		const struct frame *callee = &w->frames[w->n - 1];
		uint32_t missing =
			w->u->arch->preserved_dwarf & ~f->regs_known & callee->regs_known;

		for (unsigned i = 0; i < UNWIND_NREGS; i++) {
			if (missing & (1u << i)) {
				f->regs[i] = callee->regs[i];
				f->regs_known |= 1u << i;
			}
		}
	}
	w->prev_had_cfi = has_cfi(w->u, activation ? pc : pc - 1);
	w->n++;
	if (w->n >= w->max)
		return DWARF_CB_ABORT;
	/* A frame that repeats its caller exactly would loop forever. */
	if (w->n >= 2 && w->frames[w->n - 1].pc == w->frames[w->n - 2].pc &&
	    w->frames[w->n - 1].regs[w->u->arch->sp->dwarf] ==
		    w->frames[w->n - 2].regs[w->u->arch->sp->dwarf])
		return DWARF_CB_ABORT;
	return DWARF_CB_OK;
}

/*
 * Frame 0 has no CFI (glibc's clone3 ends its CFI early on purpose; hand
 * written assembly often has none). libdwfl then follows the frame pointer,
 * which is right only once the function has set up a frame. If the code up
 * to the pc has not moved the stack pointer, the return address is the word
 * at the stack pointer: walk again from the caller, as gdb does. Without
 * function bounds, that is tried only when libdwfl found no caller and the
 * word at the stack pointer is a return address.
 */
static void walk_from_return_address(struct unwinder *u, pid_t tid, struct walk *w)
{
	const struct frame *f0 = &w->frames[0];
	int sp_reg = u->arch->sp->dwarf;
	uint64_t sp, ret;
	struct walk caller = { .u = u, .max = w->max - 1 };
	int untouched;

	if (!u->src.after_call || !u->src.sp_untouched || !(f0->regs_known & (1u << sp_reg)) ||
	    has_cfi(u, f0->activation ? f0->pc : f0->pc - 1))
		return;
	untouched = u->src.sp_untouched(u->src.arg, f0->pc);
	if (untouched == 0 || (untouched < 0 && w->n > 1))
		return;
	sp = f0->regs[sp_reg];
	if (!read_word(u, sp, &ret) || !u->src.after_call(u->src.arg, ret))
		return;
	/* Start inside the call instruction so that CFI is looked up for the caller. */
	u->start_override = true;
	u->start_pc = ret - 1;
	u->start_sp = sp + 8;
	dwfl_getthread_frames(u->dwfl, tid, frame_cb, &caller);
	u->start_override = false;
	if (caller.n == 0)
		return;
	caller.frames[0].pc = ret;
	caller.frames[0].activation = false;
	caller.frames[0].from_sp = true;
	w->n = 1;
	for (size_t i = 0; i < caller.n && w->n < w->max; i++) {
		VEC_GROW(w->frames, w->n, w->cap);
		w->frames[w->n++] = caller.frames[i];
	}
	free(caller.frames);
}

int unwind_thread(struct unwinder *u, pid_t tid, size_t max, struct frame **frames)
{
	struct walk w = { .u = u, .max = max ? max : 1 };

	memset(u->cache.valid, 0, sizeof(u->cache.valid));
	/* The return value says why the walk ended; the frames found so far are the answer. */
	dwfl_getthread_frames(u->dwfl, tid, frame_cb, &w);
	if (w.n >= 1 && w.max > 1)
		walk_from_return_address(u, tid, &w);
	if (w.n >= 1)
		expand_inlined(u, &w);
	LOG(LOG_UNWIND, "tid %d: %zu frames (%s)", tid, w.n, w.n ? "ok" : dwfl_errmsg(-1));
	if (w.n == 0) {
		err_set("cannot unwind tid %d: %s", tid, dwfl_errmsg(-1));
		free(w.frames);
		return -1;
	}
	*frames = w.frames;
	return (int)w.n;
}

void unwind_frame0(struct sym *sym, uint64_t pc, int hidden, struct frame *f)
{
	struct sym_inline calls[MAX_INLINE];
	int n = sym_inline_calls(sym, pc, calls, MAX_INLINE);

	memset(f, 0, sizeof(*f));
	f->pc = pc;
	f->activation = true;
	if (hidden > n)
		hidden = n;
	f->inline_skip = hidden;
	f->inline_func = hidden < n ? calls[hidden].func : NULL;
	if (hidden > 0) {
		f->call_file = calls[hidden - 1].call_file;
		f->call_dir = calls[hidden - 1].call_dir;
		f->call_line = calls[hidden - 1].call_line;
	}
}

/* The frame of an inlined call is named after the inlined function. */
static void name_inlined(const struct frame *f, struct sym_loc *loc)
{
	if (f->inline_func) {
		snprintf(loc->func_buf, sizeof(loc->func_buf), "%s", f->inline_func);
		loc->func = loc->func_buf;
		loc->inlined = true;
	}
}

void unwind_describe(struct sym *sym, const struct frame *f, struct sym_loc *loc)
{
	sym_describe(sym, f->pc, !f->activation, loc);
	name_inlined(f, loc);
	if (f->inline_skip > 0 && f->call_file) {
		loc->file = sym_call_path(f->call_file, f->call_dir, loc->file_buf,
					  sizeof(loc->file_buf));
		loc->line = f->call_line;
	}
}

void unwind_name(struct sym *sym, const struct frame *f, struct sym_loc *loc)
{
	sym_name(sym, f->pc, !f->activation, loc);
	name_inlined(f, loc);
}
