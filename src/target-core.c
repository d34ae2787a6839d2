/* target-core.c - a core file as the target: its threads stopped for good, its memory read-only */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sym.h"
#include "target-int.h"
#include "util.h"

static ssize_t core_reader(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct target *t = arg;

	return core_read(t->core, addr, buf, len);
}

/* The file the process mapped at path, as the core's reader finds it (sysroot, PROG). */
static const char *core_locate(void *arg, const char *path, char *buf, size_t len)
{
	struct target *t = arg;

	for (size_t i = 0; i < core_nfiles(t->core); i++) {
		const struct core_file *f = core_file(t->core, i);

		if (!strcmp(f->path, path))
			return f->found && !f->mismatch ? core_file_location(t->core, f, buf, len)
							: NULL;
	}
	return NULL;
}

const char *target_file_location(struct target *t, const char *path, char *buf, size_t len)
{
	const char *at = t->core ? core_locate(t, path, buf, len) : NULL;

	return at ? at : path;
}

int target_open_core(struct target *t, const char *path, const char *prog, const char *sysroot,
		     struct stop_event *ev)
{
	struct core *c;
	char *maps;

	if (t->live) {
		err_set("%s %d is being debugged; %s it first",
			t->core ? "core of process" : "process", t->pid,
			t->core ? "close (core-file)" : "kill or detach");
		return -1;
	}
	c = core_open(path, sysroot);
	if (!c)
		return -1;
	if (prog && core_set_exe(c, prog) < 0) {
		core_free(c);
		return -1;
	}
	target_drop_symbols(t);
	t->core = c;
	t->pid = core_pid(c);
	t->live = true;
	t->attached = false;
	t->next_num = 0;
	t->epoch++;
	/* Numbered in the core's order: the thread that took the signal comes first. */
	for (size_t i = 0; i < core_nthreads(c); i++) {
		const struct core_thread *ct = core_thread(c, i);
		struct thread *th = target_add_thread(t, ct->tid);

		target_mark_stopped(th);
		th->regs = ct->regs;
		th->regs_epoch = t->epoch;
		th->pending_sig = 0;
	}
	free(t->exe);
	t->exe = core_exe(c) ? xstrdup(prog ? prog : core_exe(c)) : NULL;
	maps = core_maps_text(c);
	t->sym = sym_new_fixed(t->pid, maps, core_exe(c), core_locate, t, core_reader, t);
	free(maps);
	*ev = (struct stop_event){
		STOP_ATTACHED, 1, core_thread(c, 0)->tid, core_thread(c, 0)->cursig, 0, 0
	};
	return 0;
}

void target_close_core(struct target *t)
{
	if (!t->core)
		return;
	target_drop_symbols(t);
	target_reset(t);
	core_free(t->core);
	t->core = NULL;
}

int target_th_core_signal(const struct target *t, const struct thread *th)
{
	const struct core_thread *first;

	if (!t->core)
		return 0;
	/*
	 * The kernel writes the thread that took the signal first. SIGSTOP is
	 * no death: a debugger's snapshot (gcore) of a process that ran on.
	 */
	first = core_thread(t->core, 0);
	return first->tid == th->tid && first->cursig != SIGSTOP ? first->cursig : 0;
}

const struct core *target_core(const struct target *t)
{
	return t->core;
}
