/* unwind.h - a stopped thread's call stack through libdwfl, fed with lurk's own registers and memory */
#ifndef LURK_UNWIND_H
#define LURK_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct arch;
struct regs;
struct sym;

#define UNWIND_NREGS 17

struct frame {
	uint64_t pc;	     /* frame 0: where the thread is; callers: the return address */
	bool activation;     /* pc is an executing address (frame 0, signal frames) */
	bool no_cfi;	     /* this frame was found by following frame pointers, not CFI */
	bool from_sp;	     /* its return address was taken from the stack pointer of a
				frame 0 without CFI (a leaf that pushed nothing) */
	uint32_t regs_known; /* bit n set: DWARF register n of this frame is in regs[n] */
	uint64_t regs[UNWIND_NREGS];
	/*
	 * Inlined calls are frames too, as in gdb: a machine frame whose pc is
	 * inside N inlined calls is listed N+1 times, innermost first, each copy
	 * with the same pc and registers. phys is the machine frame's index
	 * (0: the executing one); inline_skip counts the inlined calls at pc
	 * that are inside this frame (0: the innermost frame of the machine
	 * frame). inline_func names the function of an inlined call, NULL for
	 * the real function. When inline_skip > 0, this frame is stopped at the
	 * call of the inlined function inside it: call_file:call_line, the file
	 * relative to call_dir unless absolute (strings borrowed as sym_loc's).
	 */
	int phys;
	int inline_skip;
	const char *inline_func;
	const char *call_file;
	const char *call_dir;
	int call_line;
};

/* Where the unwinder gets a thread's registers and (trap-free) memory from. */
struct unwind_source {
	int (*regs)(void *arg, pid_t tid, struct regs *out);
	ssize_t (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	/* Whether the instruction just before addr is a call (addr is a return address). */
	bool (*after_call)(void *arg, uint64_t addr);
	/*
	 * Whether the code of pc's function, from its start up to pc, left the
	 * stack pointer where the call put it: 1 yes, 0 no, -1 unknown.
	 */
	int (*sp_untouched)(void *arg, uint64_t pc);
	void *arg;
};

struct unwinder;

/*
 * Attach lurk's thread callbacks to the symbol session's Dwfl
 * (dwfl_attach_state: registers and memory come from src; libdwfl never
 * calls ptrace itself). sym must have been synced once. NULL + err on error.
 */
struct unwinder *unwind_new(struct sym *sym, const struct arch *arch,
			    const struct unwind_source *src);
void unwind_free(struct unwinder *u);

/*
 * Frames of stopped thread tid, innermost first: at most max machine
 * frames, each followed by the frames of the inlined calls it is in (so the
 * count may exceed max). Returns the count (frame 0 always, when the
 * registers can be read), or -1 with err set. *frames is the caller's to
 * free.
 */
int unwind_thread(struct unwinder *u, pid_t tid, size_t max, struct frame **frames);

/*
 * Frame 0 of a thread at pc without unwinding (no registers, no callers):
 * the innermost inlined call at pc, hidden of them left out (see
 * target_th_inline_hidden), or the machine frame, into *f.
 */
void unwind_frame0(struct sym *sym, uint64_t pc, int hidden, struct frame *f);

struct sym_loc;
/*
 * Describe frame f as the user sees it, into loc (as sym_describe): the
 * frame of an inlined call is in the inlined function (loc->inlined; the
 * offset is the machine function's), and a frame with an inlined call
 * inside is at the line of that call.
 */
void unwind_describe(struct sym *sym, const struct frame *f, struct sym_loc *loc);
/* unwind_describe without file and line (sym_name): for a profile's every sample. */
void unwind_name(struct sym *sym, const struct frame *f, struct sym_loc *loc);

#endif
