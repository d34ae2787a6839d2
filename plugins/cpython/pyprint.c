/* pyprint.c - py print: a value of pyeval.c as text, the one place its objects are shown */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

struct text {
	char *p, *end;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->p >= t->end - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p, (size_t)(t->end - t->p), fmt, ap);
	va_end(ap);
	t->p = n < 0 || n >= t->end - t->p ? t->end - 1 : t->p + n;
}

/*
 * An object of the target as text: the one place py print's objects are
 * shown (classes as Python shows them, the rest as py locals does).
 */
/* How deep py print shows containers: py_repr_defaults, or py print -d N's depth. */
static struct py_repr_limits print_limits;

static void repr_object(const struct py *py, uint64_t obj, struct text *t)
{
	static char buf[32768];

	if (py_is_class(py, obj)) {
		py_class_name(py, obj, buf, sizeof buf);
		put(t, "<class '%s'>", buf);
		return;
	}
	py_repr_bounded(py, obj, &print_limits, buf, sizeof buf);
	put(t, "%s", buf);
}

static void repr_float(double v, struct text *t)
{
	char buf[64];

	if (isnan(v) || isinf(v)) {
		put(t, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	put(t, "%s%s", buf, strpbrk(buf, ".en") ? "" : ".0");
}

static void repr_text(const struct py_value *v, struct text *t)
{
	bool bytes = v->kind == PV_BYTES;
	char quote = memchr(v->s, '\'', v->len) && !memchr(v->s, '"', v->len) ? '"' : '\'';

	put(t, "%s%c", bytes ? "b" : "", quote);
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->s[i];

		if (c == '\\' || c == (unsigned char)quote)
			put(t, "\\%c", c);
		else if (c == '\n' || c == '\r' || c == '\t')
			put(t, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
			put(t, "\\x%02x", c);
		else
			put(t, "%c", c);
	}
	put(t, "%c", quote);
}

static void repr_value(const struct py *py, const struct py_value *v, struct text *t, int depth)
{
	switch (v->kind) {
	case PV_OBJ:
		repr_object(py, v->obj, t);
		return;
	case PV_INT:
		put(t, "%" PRId64, v->i);
		return;
	case PV_FLOAT:
		repr_float(v->f, t);
		return;
	case PV_STR:
	case PV_BYTES:
		repr_text(v, t);
		return;
	case PV_BOOL:
		put(t, "%s", v->i ? "True" : "False");
		return;
	case PV_NONE:
		put(t, "None");
		return;
	case PV_SEQ:
		put(t, "%c", v->tuple ? '(' : '[');
		for (size_t i = 0; i < v->n && t->p < t->end - 1; i++) {
			if (i)
				put(t, ", ");
			if (depth > 8)
				put(t, "...");
			else
				repr_value(py, &v->items[i], t, depth + 1);
		}
		put(t, "%s", v->tuple ? v->n == 1 ? ",)" : ")" : "]");
		return;
	}
}

void py_value_repr(const struct py *py, const struct py_value *v, char *buf, size_t len)
{
	struct text t = { buf, buf + len };

	buf[0] = '\0';
	repr_value(py, v, &t, 0);
	if (t.p >= t.end - 1 && len > 4)
		memcpy(t.end - 4, "...", 4);
}

/* ---- py print ------------------------------------------------------------------------- */

int py_print_run(const struct py *py, const char *args)
{
	struct py_eval *ev = py_eval_new(py);
	struct py_value v;
	struct lurk_record *r;
	static char repr[65536];
	char type[64], addr[32];

	if (!ev)
		return -1;
	print_limits = py_repr_defaults;
	/* py print -d N EXPR: containers nested N deep show their items (gdb's print/d is a format). */
	if (!strncmp(args, "-d", 2) && (args[2] == ' ' || args[2] == '\t')) {
		char *end;
		long depth = strtol(args + 3, &end, 10);

		if (end == args + 3 || (*end != ' ' && *end != '\t') || depth < 0 || depth > 64) {
			api->error(py->self,
				   "py print -d takes a depth from 0 to 64: py print -d N EXPR");
			py_eval_done(ev);
			return -1;
		}
		print_limits.depth = (int)depth;
		args = end + strspn(end, " \t");
	}
	if (py_eval_text(ev, args, &v) < 0) {
		py_eval_done(ev);
		return -1;
	}
	py_value_repr(py, &v, repr, sizeof repr);
	py_value_type_name(py, &v, type, sizeof type);
	r = api->record_new(py->self);
	api->record_str(r, "expr", args);
	api->record_str(r, "type", type);
	api->record_str(r, "value", repr);
	if (v.kind == PV_OBJ) {
		snprintf(addr, sizeof addr, "0x%" PRIx64, v.obj);
		api->record_str(r, "address", addr);
	}
	api->record_emit(py->self, r, "%s", repr);
	py_eval_done(ev);
	return 0;
}
