/* plugin-api.c - the lurk_api table: what a plugin may ask of lurk, each call checked */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "err.h"
#include "frame.h"
#include "out.h"
#include "plugin-api.h"
#include "plugin-host.h"
#include "rec.h"
#include "regs.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"
#include "value.h"

/* The command whose output a plugin's print and records belong to. */
static const char *current_command = "plugin";

const char *plugin_api_command(const char *name)
{
	const char *prev = current_command;

	current_command = name ? name : "plugin";
	return prev;
}

/* api->error, and how lurk's side of the table reports its own failures. */
static void set_error(struct lurk_plugin *self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plugin_set_error(self, fmt, ap);
	va_end(ap);
}

/* An API function failed: keep lurk's reason where last_error finds it. */
static int fail(struct lurk_plugin *self)
{
	set_error(self, "%s", err_isset() ? err_get() : "failed");
	err_clear();
	return -1;
}

/* Set while a metric is read: the sampler reads a running process. */
static bool reading_metric;

bool plugin_api_reading_metric(bool on)
{
	bool prev = reading_metric;

	reading_metric = on;
	return prev;
}

/*
 * Target data is read from a live, stopped process; a memory metric may
 * read a running one (process_vm_readv does not need a stop, and a
 * metric is a number that may be a moment old anyway).
 */
static struct target *stopped_target(struct lurk_plugin *self)
{
	struct target *t = plugin_session(self)->target;

	if (!target_live(t)) {
		set_error(self, "there is no process");
		return NULL;
	}
	/* A frozen sample reads as a stopped program does (target_freeze). */
	if (target_running(t) && !reading_metric && !target_frozen(t)) {
		set_error(self, "the program is running; use \"interrupt\" first");
		return NULL;
	}
	return t;
}

/* Thread number thread of t, or NULL (plugin error set). */
static struct thread *thread_of(struct lurk_plugin *self, struct target *t, int thread)
{
	struct thread *th = t ? target_thread_num(t, thread) : NULL;

	if (t && !th)
		set_error(self, "no thread %d", thread);
	return th;
}

/* ---- errors ------------------------------------------------------------ */

static const char *api_last_error(struct lurk_plugin *self)
{
	return plugin_error(self);
}

/* ---- memory and registers ---------------------------------------------- */

static int api_read_memory(struct lurk_plugin *self, uint64_t addr, void *buf, size_t len)
{
	struct target *t = stopped_target(self);
	ssize_t n;

	if (!t)
		return -1;
	n = target_read(t, addr, buf, len);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		err_set("cannot read %zu bytes at 0x%" PRIx64 " (only %zd)", len, addr, n);
	return fail(self);
}

static int api_read_string(struct lurk_plugin *self, uint64_t addr, char *buf, size_t len)
{
	struct target *t = stopped_target(self);
	size_t have = 0;

	if (!t || !len)
		return t ? 0 : -1;
	/* Page-sized pieces: a string near the end of a mapping still reads. */
	while (have + 1 < len) {
		size_t want = 4096 - ((addr + have) & 4095);
		ssize_t n;
		char *nul;

		if (want > len - 1 - have)
			want = len - 1 - have;
		n = target_read(t, addr + have, buf + have, want);
		if (n <= 0) {
			buf[have] = '\0';
			if (have)
				return 0;
			if (!err_isset())
				err_set("cannot read memory at 0x%" PRIx64, addr);
			return fail(self);
		}
		nul = memchr(buf + have, '\0', (size_t)n);
		have += (size_t)n;
		if (nul)
			return 0;
	}
	buf[have] = '\0';
	return 0;
}

static int api_read_register(struct lurk_plugin *self, int thread, const char *reg, uint64_t *value)
{
	struct target *t = stopped_target(self);
	struct thread *th;
	const struct arch_reg *r;
	struct regs regs;

	th = thread_of(self, t, thread);
	if (!th)
		return -1;
	r = regs_find(target_arch(t), reg);
	if (!r) {
		set_error(self, "no register named \"%s\"", reg ? reg : "");
		return -1;
	}
	if (target_regs(t, th, &regs) < 0)
		return fail(self);
	*value = regs_get(&regs, r);
	return 0;
}

/* ---- symbols, modules, types ------------------------------------------- */

static struct sym *symbols(struct lurk_plugin *self)
{
	struct target *t = plugin_session(self)->target;
	struct sym *sym = target_live(t) ? target_sym(t) : NULL;

	if (!sym)
		set_error(self, "there is no process");
	return sym;
}

static int api_symbol_lookup(struct lurk_plugin *self, const char *name, const char *module,
			     uint64_t *address, uint64_t *size)
{
	struct sym *sym = symbols(self);
	struct sym_found f;

	if (!sym)
		return -1;
	if (sym_lookup(sym, name, module, &f) < 0)
		return fail(self);
	*address = f.addr;
	if (size)
		*size = f.size;
	return 0;
}

static int api_symbol_at(struct lurk_plugin *self, uint64_t address, char *buf, size_t len,
			 uint64_t *offset)
{
	struct sym *sym = symbols(self);
	struct sym_loc loc;

	if (!sym)
		return -1;
	sym_describe(sym, address, false, &loc);
	err_clear();
	if (!loc.func) {
		set_error(self, "no symbol contains 0x%" PRIx64, address);
		return -1;
	}
	snprintf(buf, len, "%s", loc.func);
	if (offset)
		*offset = loc.off;
	return 0;
}

static int api_modules(struct lurk_plugin *self,
		       int (*fn)(void *arg, const char *path, uint64_t low, uint64_t high),
		       void *arg)
{
	struct sym *sym = symbols(self);
	const struct sym_module *mods;
	size_t n;

	if (!sym)
		return -1;
	n = sym_modules(sym, &mods);
	for (size_t i = 0; i < n; i++)
		if (fn(arg, mods[i].path, mods[i].low, mods[i].high))
			break;
	return 0;
}

/* The object an expression designates, without reading it: its address and size. */
static int lvalue_extent(struct lurk_plugin *self, const char *expr, uint64_t *addr, uint64_t *size)
{
	struct session *s = plugin_session(self);
	struct frame_ctx fc;
	struct value *v;
	bool ok;

	if (!symbols(self))
		return -1;
	select_frame_ctx(s, &fc);
	v = value_eval(&fc, expr);
	if (!v)
		return fail(self);
	ok = value_memory(v, addr, size);
	value_free(v);
	if (!ok) {
		set_error(self, "\"%s\" is not an object in memory", expr);
		return -1;
	}
	return 0;
}

/* Types go through the expression evaluator: *(T *)0 is an object of type T at 0. */
static int api_type_size(struct lurk_plugin *self, const char *type, uint64_t *size)
{
	char expr[512];
	uint64_t addr;

	if (!type || strpbrk(type, "()")) {
		set_error(self, "\"%s\" is not a type name", type ? type : "");
		return -1;
	}
	snprintf(expr, sizeof(expr), "*(%s *)0", type);
	return lvalue_extent(self, expr, &addr, size);
}

static int api_member_offset(struct lurk_plugin *self, const char *type, const char *member,
			     uint64_t *offset, uint64_t *size)
{
	char expr[512];
	uint64_t sz;

	if (!type || !member || strpbrk(type, "()") || strpbrk(member, "()*&")) {
		set_error(self, "bad type or member name");
		return -1;
	}
	snprintf(expr, sizeof(expr), "((%s *)0)->%s", type, member);
	if (lvalue_extent(self, expr, offset, &sz) < 0)
		return -1;
	if (size)
		*size = sz;
	return 0;
}

/* ---- threads and frames ------------------------------------------------ */

static int api_threads(struct lurk_plugin *self,
		       int (*fn)(void *arg, int thread, int tid, const char *name), void *arg)
{
	struct target *t = plugin_session(self)->target;

	if (!target_live(t)) {
		set_error(self, "there is no process");
		return -1;
	}
	for (size_t i = 0; i < target_nthreads(t); i++) {
		struct thread *th = target_thread_at(t, i);
		char name[64];

		if (target_th_exiting(th))
			continue;
		target_thread_name(t, th, name, sizeof(name));
		if (fn(arg, target_th_num(th), target_th_tid(th), name))
			break;
	}
	return 0;
}

void plugin_frame_fill(struct session *s, int thread, const struct frame *f, int level, bool lines,
		       struct lurk_frame *out, struct sym_loc *loc)
{
	struct sym *sym = target_sym(s->target);
	int sp = target_arch(s->target)->sp->dwarf;

	memset(loc, 0, sizeof(*loc));
	if (sym && lines)
		unwind_describe(sym, f, loc);
	else if (sym)
		unwind_name(sym, f, loc);
	err_clear();
	*out = (struct lurk_frame){
		.size = sizeof(*out),
		.thread = thread,
		.level = level,
		.pc = f->pc,
		.sp = (f->regs_known >> sp) & 1 ? f->regs[sp] : 0,
		.function = loc->func,
		.offset = loc->off,
		.module = loc->module,
		.file = loc->file,
		.line = loc->line,
	};
}

static int api_frames(struct lurk_plugin *self, int thread,
		      int (*fn)(void *arg, const struct lurk_frame *frame), void *arg)
{
	struct target *t = stopped_target(self);
	struct thread *th;
	const struct frame *frames;
	int n;

	th = thread_of(self, t, thread);
	if (!th)
		return -1;
	n = target_frames(t, th, &frames);
	if (n < 0)
		return fail(self);
	for (int i = 0; i < n; i++) {
		struct lurk_frame lf;
		struct sym_loc loc;

		plugin_frame_fill(plugin_session(self), thread, &frames[i], i,
				  !plugin_session(self)->frame_names_only, &lf, &loc);
		if (fn(arg, &lf))
			break;
	}
	return 0;
}

static int api_frame_value(struct lurk_plugin *self, int thread, int level, const char *expr,
			   uint64_t *value)
{
	struct session *s = plugin_session(self);
	struct frame_ctx fc = { .target = s->target, .level = level };
	struct value *v;
	int ret = -1;

	fc.thread = thread_of(self, stopped_target(self), thread);
	if (!fc.thread)
		return -1;
	if (level < 0) {
		set_error(self, "no frame at level %d", level);
		return -1;
	}
	v = value_eval(&fc, expr);
	if (v && value_to_int(&fc, v, value) == 0)
		ret = 0;
	value_free(v);
	return ret == 0 ? 0 : fail(self);
}

/* ---- output ------------------------------------------------------------ */

/* Plugin text is line-oriented: a missing final newline is added. */
static void print_line(struct out *o, const char *text)
{
	size_t len = strlen(text);

	out_printf(o, "%s%s", text, len && text[len - 1] == '\n' ? "" : "\n");
}

static void render_text(struct out *o, const struct rec *rec)
{
	print_line(o, rec_str(rec, "text"));
}

static void api_print(struct lurk_plugin *self, const char *fmt, ...)
{
	struct session *s = plugin_session(self);
	struct rec *rec = rec_obj();
	char *text;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	rec_set_str(rec, "text", text ? text : "");
	free(text);
	out_emit(s->out, current_command, rec, render_text);
}

static struct lurk_record *api_record_new(struct lurk_plugin *self)
{
	return (struct lurk_record *)rec_obj();
}

static void api_record_str(struct lurk_record *r, const char *key, const char *value)
{
	if (r && key)
		rec_set_str((struct rec *)r, key, value ? value : "");
}

static void api_record_int(struct lurk_record *r, const char *key, int64_t value)
{
	if (r && key)
		rec_set_int((struct rec *)r, key, value);
}

static void api_record_addr(struct lurk_record *r, const char *key, uint64_t address)
{
	if (r && key)
		rec_set_addr((struct rec *)r, key, address);
}

static void api_record_emit(struct lurk_plugin *self, struct lurk_record *r, const char *fmt, ...)
{
	struct session *s = plugin_session(self);
	va_list ap;

	if (!r)
		return;
	if (out_is_json(s->out)) {
		out_emit(s->out, current_command, (struct rec *)r, NULL);
		return;
	}
	rec_free((struct rec *)r);
	if (fmt) {
		char *text;

		va_start(ap, fmt);
		if (vasprintf(&text, fmt, ap) >= 0) {
			print_line(s->out, text);
			free(text);
		}
		va_end(ap);
	}
}

static void api_record_free(struct lurk_record *r)
{
	rec_free((struct rec *)r);
}

static int api_output_is_json(struct lurk_plugin *self)
{
	return out_is_json(plugin_session(self)->out) ? 1 : 0;
}

static int api_selected_thread(struct lurk_plugin *self)
{
	struct session *s = plugin_session(self);

	return target_live(s->target) ? s->cur_thread : -1;
}

/* ---- commands ---------------------------------------------------------- */

static int api_run_command(struct lurk_plugin *self, const char *line)
{
	if (!plugin_in_command(self)) {
		set_error(self, "run_command works inside a command of the plugin only");
		return -1;
	}
	if (!line || !plugin_session(self)->run_line) {
		set_error(self, "run_command: no command line");
		return -1;
	}
	if (plugin_session(self)->run_line(plugin_session(self), line) == 0)
		return 0;
	set_error(self, "%s", err_isset() ? err_get() : "the command failed");
	err_clear();
	plugin_mark_reported(self);
	return -1;
}

/* ---- changing the program (from the plugin's command only) ------------- */

/* The stopped target a plugin's command may change, or NULL (plugin error set). */
static struct target *changeable_target(struct lurk_plugin *self, const char *what)
{
	if (!plugin_in_command(self)) {
		set_error(self, "%s works inside a command of the plugin only", what);
		return NULL;
	}
	return stopped_target(self);
}

static int api_call_function(struct lurk_plugin *self, int thread, uint64_t function,
			     const uint64_t *args, int nargs, int timeout_ms, uint64_t *result)
{
	struct target *t = changeable_target(self, "call_function");
	struct target_call call = { .func = function };
	struct target_call_result res;
	struct thread *th;
	struct regs r;

	th = thread_of(self, t, thread);
	if (!th)
		return -1;
	if (nargs < 0 || nargs > 6 || (nargs && !args)) {
		set_error(self, "call_function takes 0 to 6 arguments");
		return -1;
	}
	for (int i = 0; i < nargs; i++)
		call.ints[i] = args[i];
	call.nints = nargs;
	call.timeout_ms = timeout_ms > 0 ? timeout_ms : value_call_timeout();
	/* A plugin's call does the plugin's bookkeeping (a queued request, a page): Ctrl-C waits for it. */
	call.uninterruptible = true;
	if (target_regs(t, th, &r) < 0)
		return fail(self);
	/* Below the red zone and a margin for a signal frame, 16-byte aligned. */
	call.sp = (regs_sp(target_arch(t), &r) - 512) & ~(uint64_t)15;
	if (target_call_function(t, th, &call, &res) < 0)
		return fail(self);
	*result = res.ints[0];
	return 0;
}

static int api_map_memory(struct lurk_plugin *self, uint64_t len, uint64_t *address)
{
	struct target *t = changeable_target(self, "map_memory");
	uint64_t args[6] = {
		0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0
	};
	uint64_t got;

	if (!t)
		return -1;
	if (!len || len > (1ull << 30)) {
		set_error(self, "map_memory: %" PRIu64 " bytes is not a size it maps", len);
		return -1;
	}
	if (target_syscall(t, SYS_mmap, args, &got) < 0)
		return fail(self);
	if (got > (uint64_t)-4096) {
		set_error(self, "the program's mmap failed: %s", strerror((int)-got));
		return -1;
	}
	*address = got;
	return 0;
}

static int api_unmap_memory(struct lurk_plugin *self, uint64_t address, uint64_t len)
{
	struct target *t = changeable_target(self, "unmap_memory");
	uint64_t args[6] = { address, len, 0, 0, 0, 0 }, got;

	if (!t)
		return -1;
	if (target_syscall(t, SYS_munmap, args, &got) < 0)
		return fail(self);
	if (got) {
		set_error(self, "the program's munmap failed: %s", strerror((int)-got));
		return -1;
	}
	return 0;
}

static int api_write_memory(struct lurk_plugin *self, uint64_t address, const void *buf, size_t len)
{
	struct target *t = changeable_target(self, "write_memory");

	if (!t)
		return -1;
	return target_write_data(t, address, buf, len) < 0 ? fail(self) : 0;
}

static int api_add_breakpoint(struct lurk_plugin *self, const struct lurk_breakpoint_kind *kind,
			      const char *what, const char *cond, uint64_t address, uint64_t token,
			      uint64_t guard)
{
	struct target *t = changeable_target(self, "add_breakpoint");
	struct session *s = plugin_session(self);
	int num;

	if (!t)
		return -1;
	if (!kind || kind->size < sizeof(*kind) || !what || !*what) {
		set_error(self, "add_breakpoint: a kind (of this ABI's size) and a location");
		return -1;
	}
	if (!s->add_plugin_brk) {
		set_error(self, "add_breakpoint: this lurk has no breakpoints");
		return -1;
	}
	num = s->add_plugin_brk(s, self, kind, what, cond, address, token, guard);
	return num > 0 ? num : fail(self);
}

static int api_clear_on_leave(struct lurk_plugin *self, uint64_t address)
{
	struct target *t = stopped_target(self);

	if (!t)
		return -1;
	target_clear_on_leave(t, address);
	return 0;
}

struct until {
	int (*done)(void *arg);
	void *arg;
};

static bool until_done(void *arg)
{
	struct until *u = arg;

	return u->done(u->arg) != 0;
}

static int api_run_until(struct lurk_plugin *self, int timeout_ms, int (*done)(void *arg),
			 void *arg)
{
	struct session *s = plugin_session(self);
	struct until u = { done, arg };
	int end;

	if (!changeable_target(self, "run_until"))
		return -1;
	if (!done || timeout_ms <= 0 || !s->run_until) {
		set_error(self, "run_until needs a condition and a time limit");
		return -1;
	}
	/* The session's run_until answers with the LURK_RUN_ values. */
	end = s->run_until(s, current_command, now_ns() + (uint64_t)timeout_ms * 1000000,
			   until_done, &u);
	return end < 0 ? fail(self) : end;
}

/* ---- generations ------------------------------------------------------- */

/*
 * What generation() saw last time. The numbers are kept here, not by the
 * target: they compare the process image (pid and the generation of its
 * module list) and the stop epoch as a plugin sees them, so nothing lurk does to
 * the process can change them behind a plugin's back, and an image that
 * comes back the same (the same program run again at the same addresses)
 * keeps its symbols' addresses anyway.
 */
static struct {
	uint64_t modules, stop; /* what plugins are told */
	uint64_t image;		/* hash of the image seen */
	const struct target *target;
	unsigned epoch;
} gen;

/* Which process image the target has (its pid and module list's generation); 0: no process. */
static uint64_t image_hash(struct target *t)
{
	struct sym *sym;

	if (!target_live(t))
		return 0;
	sym = target_sym(t);
	err_clear();
	return ((uint64_t)target_pid(t) << 32 | (sym ? sym_generation(sym) : 0)) + 1;
}

static uint64_t api_generation(struct lurk_plugin *self, int what)
{
	struct target *t = plugin_session(self)->target;
	uint64_t image = image_hash(t);
	unsigned epoch = target_live(t) ? target_epoch(t) : 0;

	if (!gen.modules || image != gen.image) {
		gen.modules++;
		gen.stop++;
	} else if (t != gen.target || epoch != gen.epoch ||
		   (target_running(t) && !target_frozen(t))) {
		/* Nothing read from a running program stays valid (a frozen sample's copy does). */
		gen.stop++;
	}
	gen.image = image;
	gen.target = t;
	gen.epoch = epoch;
	if (what == LURK_GEN_MODULES)
		return gen.modules;
	return what == LURK_GEN_STOP ? gen.stop : 0;
}

/* ---- the plugin's own data ---------------------------------------------- */

static void *api_plugin_data(struct lurk_plugin *self)
{
	return plugin_data(self);
}

static void api_set_plugin_data(struct lurk_plugin *self, void *data)
{
	plugin_set_data(self, data);
}

/* ---- registration ------------------------------------------------------ */

static struct plugin_set *registry(struct lurk_plugin *self)
{
	return plugin_session(self)->plugins;
}

/*
 * Registration belongs to lurk_plugin_init. Later, a plugin callback may
 * run while lurk walks the very registry it would grow (a command's run,
 * an inspector's describe), and moving that array under the walk would
 * leave lurk reading freed memory; plugin list, help and completion also
 * count on the set being fixed once the plugin has loaded.
 */
static int may_register(struct lurk_plugin *self, const char *what)
{
	if (plugin_starting(self))
		return 0;
	set_error(self, "%s: only lurk_plugin_init may register", what);
	return -1;
}

static int api_register_command(struct lurk_plugin *self, const struct lurk_command *cmd)
{
	if (may_register(self, "register_command") < 0)
		return -1;
	return plugin_reg_command(registry(self), self, cmd) < 0 ? fail(self) : 0;
}

static int api_register_inspector(struct lurk_plugin *self, const struct lurk_inspector *insp)
{
	if (may_register(self, "register_inspector") < 0)
		return -1;
	if (plugin_reg_inspector(registry(self), self, plugin_name(self), insp) < 0)
		return fail(self);
	return 0;
}

static int api_register_metric(struct lurk_plugin *self, const struct lurk_metric *m)
{
	if (may_register(self, "register_metric") < 0)
		return -1;
	return plugin_reg_metric(registry(self), self, m) < 0 ? fail(self) : 0;
}

static int api_register_lock_source(struct lurk_plugin *self, const struct lurk_lock_source *src)
{
	if (may_register(self, "register_lock_source") < 0)
		return -1;
	if (plugin_reg_lock_source(registry(self), self, plugin_name(self), src) < 0)
		return fail(self);
	return 0;
}

static int api_register_thread_namer(struct lurk_plugin *self,
				     const struct lurk_thread_namer *namer)
{
	if (may_register(self, "register_thread_namer") < 0)
		return -1;
	if (plugin_reg_thread_namer(registry(self), self, plugin_name(self), namer) < 0)
		return fail(self);
	return 0;
}

static const struct lurk_api api = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.size = sizeof(struct lurk_api),
	.error = set_error,
	.last_error = api_last_error,
	.read_memory = api_read_memory,
	.read_string = api_read_string,
	.read_register = api_read_register,
	.symbol_lookup = api_symbol_lookup,
	.symbol_at = api_symbol_at,
	.modules = api_modules,
	.type_size = api_type_size,
	.member_offset = api_member_offset,
	.threads = api_threads,
	.frames = api_frames,
	.frame_value = api_frame_value,
	.print = api_print,
	.record_new = api_record_new,
	.record_str = api_record_str,
	.record_int = api_record_int,
	.record_emit = api_record_emit,
	.register_command = api_register_command,
	.register_inspector = api_register_inspector,
	.register_metric = api_register_metric,
	.record_free = api_record_free,
	.output_is_json = api_output_is_json,
	.selected_thread = api_selected_thread,
	.register_lock_source = api_register_lock_source,
	.register_thread_namer = api_register_thread_namer,
	.record_addr = api_record_addr,
	.run_command = api_run_command,
	.call_function = api_call_function,
	.map_memory = api_map_memory,
	.unmap_memory = api_unmap_memory,
	.write_memory = api_write_memory,
	.run_until = api_run_until,
	.add_breakpoint = api_add_breakpoint,
	.clear_on_leave = api_clear_on_leave,
	.generation = api_generation,
	.plugin_data = api_plugin_data,
	.set_plugin_data = api_set_plugin_data,
};

const struct lurk_api *plugin_api(void)
{
	return &api;
}
