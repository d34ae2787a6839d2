/* loc.c - LOC specs (FUNC, FILE:LINE, LINE, *ADDR, LIB:FUNC) to code addresses */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "inspect.h"
#include "eval.h"
#include "loc.h"
#include "select.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"
#include "util.h"

void loc_list_free(struct loc_list *l)
{
	free(l->addrs);
	memset(l, 0, sizeof(*l));
}

static void add_addr(struct loc_list *l, uint64_t addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->addrs[i] == addr)
			return;
	VEC_GROW(l->addrs, l->n, l->cap);
	l->addrs[l->n++] = addr;
}

struct func_ctx {
	struct sym *sym;
	struct loc_list *out;
};

static void add_func(void *arg, const struct sym_found *f)
{
	struct func_ctx *c = arg;

	add_addr(c->out, sym_after_prologue(c->sym, f->addr));
}

static void add_line(void *arg, uint64_t addr, int line)
{
	add_addr(arg, addr);
}

static bool all_digits(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

/* LINE alone: in the file of the selected frame, else the file main is in. */
static int default_file(struct session *s, struct sym *sym, char *buf, size_t len)
{
	struct thread *th;
	const struct frame *frames;
	int n, level = select_frame(s, &th, &frames, &n);
	struct sym_loc loc;
	struct sym_found f;

	if (level >= 0) {
		sym_describe(sym, frames[level].pc, level > 0, &loc);
		if (loc.file) {
			snprintf(buf, len, "%s", loc.file);
			return 0;
		}
	}
	err_clear();
	if (sym_lookup(sym, "main", NULL, &f) == 0) {
		sym_describe(sym, f.addr, false, &loc);
		if (loc.file) {
			snprintf(buf, len, "%s", loc.file);
			return 0;
		}
	}
	err_set("no default source file: give FILE:LINE");
	return -1;
}

static void add_inline(void *arg, uint64_t addr)
{
	add_addr(arg, addr);
}

static int resolve_func(struct sym *sym, const char *name, const char *module, struct loc_list *out)
{
	struct func_ctx c = { sym, out };
	int n = sym_lookup_funcs(sym, name, module, add_func, &c);

	if (n < 0)
		return module ? 0 : -1;
	/* Copies the compiler inlined into their callers are places the function runs too. */
	if (!module && sym_inline_addrs(sym, name, add_inline, out) > 0)
		n = (int)out->n;
	if (n == 0) {
		char near[256];
		bool close = sym_suggest(sym, name, near, sizeof(near));

		if (module)
			err_set("no function \"%s\" in %s", name, module);
		else if (close)
			err_set("no function \"%s\" in the loaded modules (did you mean \"%s\"?)",
				name, near);
		else
			err_set("no function \"%s\" in the loaded modules", name);
	}
	return n;
}

struct inspected {
	struct sym *sym;
	struct loc_list *out;
};

/* A function's own start becomes its after-prologue address, as for break FUNC. */
static void add_inspected(void *arg, uint64_t addr)
{
	struct inspected *in = arg;
	struct sym_loc loc;

	sym_describe(in->sym, addr, false, &loc);
	if (loc.func && loc.off == 0)
		addr = sym_after_prologue(in->sym, addr);
	err_clear();
	add_addr(in->out, addr);
}

/* A name no symbol has may be one only a plugin knows (a wrapped function). */
static int resolve_by_inspectors(struct session *s, struct sym *sym, const char *name,
				 struct loc_list *out)
{
	struct inspected in = { sym, out };
	char *why = xstrdup(err_get());
	int n = inspect_resolve(s, name, add_inspected, &in);

	if (n > 0)
		err_clear();
	else
		err_set("%s", why);
	free(why);
	return n;
}

static int resolve_line(struct sym *sym, const char *file, int line, struct loc_list *out)
{
	int n = sym_line_addrs(sym, file, line, add_line, out);

	return n < 0 ? 0 : n;
}

int loc_resolve(struct session *s, const char *spec, struct loc_list *out)
{
	struct sym *sym;
	const char *colon;
	uint64_t addr;
	int ret;

	memset(out, 0, sizeof(*out));
	while (*spec == ' ')
		spec++;
	if (!*spec) {
		err_set("no location given");
		return -1;
	}
	if (*spec == '*') {
		struct frame_ctx fc;

		select_frame_ctx(s, &fc);
		if (eval_int(&fc, spec + 1, &addr) < 0)
			return -1;
		add_addr(out, addr);
		return 1;
	}
	sym = target_sym(s->target);
	if (!sym)
		return -1;
	if (all_digits(spec)) {
		char file[1024];

		if (default_file(s, sym, file, sizeof(file)) < 0)
			return -1;
		return resolve_line(sym, file, atoi(spec), out);
	}
	colon = strrchr(spec, ':');
	if (colon && colon != spec && colon[1]) {
		char *left = xstrndup(spec, (size_t)(colon - spec));

		if (all_digits(colon + 1))
			ret = resolve_line(sym, left, atoi(colon + 1), out);
		else
			ret = resolve_func(sym, colon + 1, left, out);
		free(left);
		return ret;
	}
	if (colon) {
		err_set("\"%s\" is not a location (FUNC, FILE:LINE, LINE, *ADDR, LIB:FUNC)", spec);
		return -1;
	}
	ret = resolve_func(sym, spec, NULL, out);
	if (ret == 0)
		ret = resolve_by_inspectors(s, sym, spec, out);
	return ret;
}
