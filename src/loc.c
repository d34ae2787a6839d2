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
	uint64_t addr = f->addr;

	/* An indirect function's calls run the implementation chosen for the CPU, not its resolver. */
	sym_ifunc_target(c->sym, f->addr, &addr);
	add_addr(c->out, sym_after_prologue(c->sym, addr));
}

struct line_ctx {
	struct sym *sym;
	struct loc_list *out;
};

/*
 * A line whose code starts a function (its opening line) stops after the
 * prologue, as gdb does, so that the arguments are readable there.
 */
static void add_line(void *arg, uint64_t addr, int line)
{
	struct line_ctx *c = arg;
	struct sym_loc where;

	sym_describe(c->sym, addr, false, &where);
	if (where.func && where.off == 0)
		addr = sym_after_prologue(c->sym, addr);
	err_clear();
	add_addr(c->out, addr);
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

/*
 * The default source file and the current line, for LINE, +N and -N: the
 * selected frame's when it has source (and frame is true), else where
 * "list" last was, else main's. Before the process exists there is no
 * answer (err set, -1).
 */
static int default_line(struct session *s, bool frame, char **file, int *line)
{
	struct sym *sym = target_live(s->target) ? target_sym(s->target) : NULL;
	struct sym_loc loc;
	struct sym_found f;

	if (frame && sym) {
		struct thread *th;
		const struct frame *frames;
		int n, level = select_frame(s, &th, &frames, &n);

		if (level >= 0) {
			unwind_describe(sym, &frames[level], &loc);
			if (loc.file) {
				*file = xstrdup(loc.file);
				*line = loc.line;
				return 0;
			}
		}
	}
	err_clear();
	if (s->list_file) {
		*file = xstrdup(s->list_file);
		*line = s->list_next > 1 ? s->list_next - 1 : 1;
		return 0;
	}
	if (sym && sym_lookup(sym, "main", NULL, &f) == 0) {
		sym_describe(sym, f.addr, false, &loc);
		if (loc.file) {
			*file = xstrdup(loc.file);
			*line = loc.line;
			return 0;
		}
	}
	err_set("no default source file yet: give FILE:LINE");
	return -1;
}

/* +N and -N: lines after or before the current line. */
static bool is_offset(const char *spec)
{
	return (spec[0] == '+' || spec[0] == '-') && all_digits(spec + 1);
}

bool loc_is_relative(const char *spec)
{
	while (*spec == ' ')
		spec++;
	return all_digits(spec) || is_offset(spec);
}

char *loc_pin(struct session *s, const char *spec, bool frame)
{
	char *file, *pinned;
	int line, n;

	while (*spec == ' ')
		spec++;
	if (!loc_is_relative(spec))
		return xstrdup(spec);
	if (default_line(s, frame, &file, &line) < 0)
		return NULL;
	n = atoi(spec + (is_offset(spec) ? 1 : 0));
	if (spec[0] == '+')
		line += n;
	else if (spec[0] == '-')
		line = line > n ? line - n : 1;
	else
		line = n;
	pinned = xasprintf("%s:%d", file, line);
	free(file);
	return pinned;
}

/*
 * The spec without the quotes that may wrap a name or a file
 * ("add", 'steps.c':20): names and files never hold them. *EXPR keeps its
 * quotes (character literals). NULL with err set when one is unmatched.
 */
static char *unquote(const char *spec)
{
	char *out = xmalloc(strlen(spec) + 1), *o = out;

	if (*spec == '*') {
		free(out);
		return xstrdup(spec);
	}
	for (const char *p = spec; *p; p++) {
		if (*p == '"' || *p == '\'') {
			const char *end = strchr(p + 1, *p);

			if (!end) {
				err_set("unmatched quote in \"%s\"", spec);
				free(out);
				return NULL;
			}
			memcpy(o, p + 1, (size_t)(end - p - 1));
			o += end - p - 1;
			p = end;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
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
	struct line_ctx c = { sym, out };
	int n = sym_line_addrs(sym, file, line, add_line, &c);

	return n < 0 ? 0 : n;
}

/* Whether the source path have is the file the user named: whole, its last components or its name. */
static bool same_source(const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);

	if (strcmp(have, want) == 0)
		return true;
	return want[0] != '/' && hl > wl && have[hl - wl - 1] == '/' &&
	       strcmp(have + hl - wl, want) == 0;
}

/*
 * FILE:FUNC: the functions called name whose code is in that source file.
 * The LIB:FUNC reading wins when LIB names a loaded module, so libc.so.6:malloc
 * keeps meaning the library.
 */
static int resolve_file_func(struct sym *sym, const char *file, const char *name,
			     struct loc_list *out)
{
	struct loc_list all = { 0 };

	if (resolve_func(sym, name, NULL, &all) > 0) {
		for (size_t i = 0; i < all.n; i++) {
			struct sym_loc where;

			sym_describe(sym, all.addrs[i], false, &where);
			if (where.file && same_source(where.file, file))
				add_addr(out, all.addrs[i]);
		}
	}
	loc_list_free(&all);
	err_clear();
	if (out->n == 0)
		err_set("no function \"%s\" in %s", name, file);
	return (int)out->n;
}

static int resolve_qualified(struct sym *sym, const char *left, const char *right,
			     struct loc_list *out)
{
	struct loc_list probe = { 0 };
	struct func_ctx c = { sym, &probe };
	char *why;
	int n;

	if (all_digits(right))
		return resolve_line(sym, left, atoi(right), out);
	/* -1: no module of that name is loaded; then LEFT is a source file, or a library to come. */
	n = sym_lookup_funcs(sym, right, left, add_func, &c);
	loc_list_free(&probe);
	if (n >= 0) {
		err_clear();
		return resolve_func(sym, right, left, out);
	}
	why = xstrdup(err_get());
	n = resolve_file_func(sym, left, right, out);
	/* A shared object's name ("libfoo.so.1") says which reading was meant. */
	if (n == 0 && strstr(path_base(left), ".so"))
		err_set("%s", why);
	free(why);
	return n;
}

static int resolve_spec(struct session *s, const char *spec, struct loc_list *out)
{
	struct sym *sym;
	const char *colon;
	uint64_t addr;
	int ret;

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
	if (loc_is_relative(spec)) {
		char *pinned = loc_pin(s, spec, true);

		if (!pinned)
			return -1;
		ret = resolve_spec(s, pinned, out);
		free(pinned);
		return ret;
	}
	colon = strrchr(spec, ':');
	/* ns::func is one C++ name, not a qualifier. */
	if (colon && colon != spec && colon[-1] == ':')
		colon = NULL;
	if (colon && colon != spec && colon[1]) {
		char *left = xstrndup(spec, (size_t)(colon - spec));

		ret = resolve_qualified(sym, left, colon + 1, out);
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

struct first_code {
	uint64_t addr;
	bool found;
};

static void keep_first(void *arg, uint64_t addr, int line)
{
	struct first_code *fc = arg;

	if (!fc->found || addr < fc->addr)
		fc->addr = addr;
	fc->found = true;
}

int loc_line_start(struct session *s, const char *spec, char **file, int *line, uint64_t *addr)
{
	struct sym *sym = target_sym(s->target);
	char *plain = unquote(spec), *pinned = NULL;
	const char *colon;
	struct first_code fc = { 0, false };
	int ret = 0;

	*file = NULL;
	if (!plain || !sym) {
		free(plain);
		return -1;
	}
	pinned = loc_pin(s, plain, true);
	colon = pinned ? strrchr(pinned, ':') : NULL;
	if (!pinned) {
		ret = -1;
	} else if (colon && colon != pinned && all_digits(colon + 1)) {
		*file = xstrndup(pinned, (size_t)(colon - pinned));
		*line = atoi(colon + 1);
		if (sym_line_addrs(sym, *file, *line, keep_first, &fc) < 0 || !fc.found) {
			err_set("line number %d is out of range for \"%s\"", *line, *file);
			free(*file);
			*file = NULL;
			ret = -1;
		} else {
			*addr = fc.addr;
			ret = 1;
		}
	}
	free(pinned);
	free(plain);
	return ret;
}

int loc_resolve(struct session *s, const char *spec, struct loc_list *out)
{
	char *plain;
	int ret;

	memset(out, 0, sizeof(*out));
	while (*spec == ' ')
		spec++;
	if (!*spec) {
		err_set("no location given");
		return -1;
	}
	plain = unquote(spec);
	if (!plain)
		return -1;
	ret = resolve_spec(s, plain, out);
	free(plain);
	return ret;
}
