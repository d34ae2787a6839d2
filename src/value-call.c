/* value-call.c - calls of the program's functions in expressions (print f(1, 2.5)), by the SysV x86-64 convention */
#include <dwarf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "frame.h"
#include "sym.h"
#include "target.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

#define MAX_ARGS 32
/* Below the stack pointer: the red zone (128 bytes) and a margin for signal frames. */
#define STACK_SKIP 512

static int call_timeout_ms = 10000;

void value_set_call_timeout(int ms)
{
	call_timeout_ms = ms;
}

int value_call_timeout(void)
{
	return call_timeout_ms;
}

/* ---- the function ---------------------------------------------------------------- */

struct callee {
	uint64_t addr;
	bool has_die;	 /* die is its subprogram or subroutine type */
	Dwarf_Die die;	 /* peeled */
	bool prototyped; /* its parameters' types are known */
	bool variadic;	 /* "...": more arguments than parameters */
	int nparams;
	Dwarf_Die params[MAX_ARGS];
	char name[128];
};

/* Its parameters, from its DWARF subprogram or subroutine type f->die. */
static void read_params(struct callee *f)
{
	Dwarf_Die child;

	f->prototyped = dwarf_hasattr(&f->die, DW_AT_prototyped);
	if (dwarf_child(&f->die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_unspecified_parameters)
			f->variadic = true;
		else if (dwarf_tag(&child) == DW_TAG_formal_parameter && f->nparams < MAX_ARGS)
			f->params[f->nparams++] = child;
	} while (dwarf_siblingof(&child, &child) == 0);
}

/*
 * A GNU indirect function (glibc's strlen, memcpy): its symbol is the
 * resolver, which returns the implementation the dynamic linker chose for
 * this CPU (x86-64 resolvers take no arguments). The call goes there, with
 * the implementation's own type when it has debug information (as gdb).
 */
static int resolve_ifunc(struct vctx *c, struct callee *f)
{
	struct target_call call = { .func = f->addr, .timeout_ms = call_timeout_ms };
	struct target_call_result res;
	uint64_t sp;

	/* Where the dynamic linker keeps its answer, no call is needed. */
	if (sym_ifunc_target(frame_sym(c->fc), f->addr, &res.ints[0]) == 0)
		goto resolved;
	/* A core file runs nothing: the call is refused for that (vcall). */
	if (c->fc->target && target_core(c->fc->target))
		return 0;
	if (frame_reg(c->fc, frame_arch(c->fc)->sp, &sp) < 0)
		return -1;
	call.sp = (sp - STACK_SKIP) & ~(uint64_t)15;
	if (frame_call(c->fc, &call, &res) < 0) {
		char *why = xstrdup(err_get());

		err_set("cannot find which implementation of %s to call: its resolver failed: %s",
			f->name, why);
		free(why);
		return -1;
	}
	if (!res.ints[0]) {
		err_set("cannot find which implementation of %s to call: its resolver returned 0",
			f->name);
		return -1;
	}
resolved:
	f->addr = res.ints[0];
	f->has_die = vtype_function_die(frame_sym(c->fc), f->addr, &f->die) == 0;
	err_clear();
	if (f->has_die)
		read_params(f);
	return 0;
}

static int find_callee(struct vctx *c, const struct expr *fe, struct callee *f)
{
	struct value v;
	struct vtype t;
	enum vkind k;

	memset(f, 0, sizeof(*f));
	if (veval(c, fe, &v) < 0)
		return -1;
	k = vtype_kind(&v.type);
	if (expr_kind(fe) == EXPR_NAME)
		snprintf(f->name, sizeof f->name, "%s", expr_name(fe));
	else
		snprintf(f->name, sizeof f->name, "the function");
	t = v.type;
	if (k == VK_POINTER) {
		if (!vtype_target(&v.type, &t) || vtype_kind(&t) != VK_FUNC ||
		    vloc_read_scalar(c, &v, &f->addr) < 0) {
			err_set("%s is not a function or a pointer to one", f->name);
			return -1;
		}
	} else if (k == VK_FUNC) {
		f->addr = v.addr;
	} else {
		err_set("%s is not a function or a pointer to one", f->name);
		return -1;
	}
	if (!f->addr) {
		err_set("%s is a null function pointer", f->name);
		return -1;
	}
	if (k == VK_FUNC && expr_kind(fe) == EXPR_NAME && sym_ifunc_at(frame_sym(c->fc), f->addr))
		return resolve_ifunc(c, f);
	if (!t.has_die || t.ptr || dwarf_peel_type(&t.die, &f->die) < 0)
		return 0;
	f->has_die = true;
	read_params(f);
	return 0;
}

/* ---- arguments ------------------------------------------------------------------- */

struct call_setup {
	struct target_call tc;
	unsigned char stack[4096];
	size_t stack_len;
};

/* An argument's value converted to type t (C's conversion as by assignment) as bytes. */
static int convert(struct vctx *c, const struct value *v, const struct vtype *t,
		   unsigned char out[16])
{
	enum vkind from = vtype_kind(&v->type), to = vtype_kind(t);
	uint64_t size = vtype_size(t), n;
	long double x;

	memset(out, 0, 16);
	if (to == VK_FLOAT) {
		int fsize = vfloat_size(t);

		if (fsize < 0)
			return -1;
		if (from == VK_FLOAT) {
			if (vfloat_get(c, v, &x) < 0)
				return -1;
		} else {
			if (vloc_read_scalar(c, v, &n) < 0)
				return -1;
			x = vtype_is_signed(&v->type) ? (long double)(int64_t)n : (long double)n;
		}
		vfloat_bytes(x, (unsigned)fsize, out);
		return 0;
	}
	if (from == VK_FLOAT) {
		if (vfloat_get(c, v, &x) < 0)
			return -1;
		n = vfloat_to_int(x);
	} else if (vloc_read_scalar(c, v, &n) < 0) {
		return -1;
	}
	if (size && size < 8 && vtype_is_signed(t) && (n >> (size * 8 - 1)) & 1)
		n |= ~0ull << (size * 8);
	else if (size && size < 8)
		n &= (1ull << (size * 8)) - 1;
	memcpy(out, &n, 8);
	return 0;
}

static int push_stack(struct call_setup *s, const void *bytes, size_t len, size_t align)
{
	size_t at = (s->stack_len + align - 1) / align * align;

	if (at + len > sizeof(s->stack)) {
		err_set("the arguments take more than %zu bytes of stack", sizeof(s->stack));
		return -1;
	}
	memset(s->stack + s->stack_len, 0, at - s->stack_len);
	memcpy(s->stack + at, bytes, len);
	s->stack_len = (at + len + 7) / 8 * 8;
	return 0;
}

/* One argument of type t (its parameter's, or the promoted one of v). */
static int pass(struct vctx *c, struct call_setup *s, const struct value *v, const struct vtype *t)
{
	struct target_call *tc = &s->tc;
	enum vkind k = vtype_kind(t);
	enum vabi_class cls[2];
	unsigned char bytes[16];

	if (k == VK_STRUCT || k == VK_UNION) {
		uint64_t size = vtype_size(t);
		int n = size > 8 ? 2 : 1, ints = 0, vecs = 0, rc = 0;
		unsigned char *buf;

		if (!size || size > sizeof(s->stack)) {
			err_set("cannot pass a value of %" PRIu64 " bytes", size);
			return -1;
		}
		vabi_classify(t, cls);
		if (cls[0] == VABI_UNKNOWN || cls[1] == VABI_UNKNOWN) {
			err_set("the calling convention's place for this argument is not known");
			return -1;
		}
		buf = xcalloc(1, size < 16 ? 16 : size);
		if (vloc_read_bytes(c, v, buf, size) < 0) {
			free(buf);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			ints += cls[i] != VABI_SSE;
			vecs += cls[i] == VABI_SSE;
		}
		/* In memory, a long double's X87 classes too; or when the registers run out. */
		if (size > 16 || vabi_in_memory(cls) || cls[0] == VABI_X87 ||
		    tc->nints + ints > 6 || tc->nvecs + vecs > 8) {
			rc = push_stack(s, buf, size, 8);
		} else {
			for (int i = 0; i < n; i++) {
				if (cls[i] != VABI_SSE) {
					memcpy(&tc->ints[tc->nints++], buf + 8 * i, 8);
				} else {
					memset(tc->vecs[tc->nvecs], 0, 16);
					memcpy(tc->vecs[tc->nvecs++], buf + 8 * i, 8);
				}
			}
		}
		free(buf);
		return rc;
	}
	if (convert(c, v, t, bytes) < 0)
		return -1;
	if (k == VK_FLOAT && vtype_size(t) == 16)
		return push_stack(s, bytes, 16, 16);
	if (k == VK_FLOAT) {
		if (tc->nvecs < 8) {
			memcpy(tc->vecs[tc->nvecs++], bytes, 16);
			return 0;
		}
		return push_stack(s, bytes, 8, 8);
	}
	if (tc->nints < 6) {
		memcpy(&tc->ints[tc->nints++], bytes, 8);
		return 0;
	}
	return push_stack(s, bytes, 8, 8);
}

/* The type an argument without a parameter travels as: C's default promotions. */
static void promoted(const struct value *v, struct vtype *t)
{
	*t = v->type;
	if (vtype_kind(&v->type) == VK_FLOAT && vtype_size(&v->type) == 4)
		vfloat_type(8, t);
	else if (vtype_kind(&v->type) == VK_ARRAY || vtype_kind(&v->type) == VK_FUNC) {
		memset(t, 0, sizeof(*t));
		t->synth = VK_UNSIGNED; /* an address */
	}
}

/* ---- the result ------------------------------------------------------------------ */

/*
 * The function's return type, from its DWARF, or for a function without
 * debug information the type the call is cast to. false for void.
 */
static bool return_type(const struct callee *f, const struct vtype *cast_to, struct vtype *out)
{
	Dwarf_Die rt;

	memset(out, 0, sizeof(*out));
	if (!f->has_die) {
		*out = *cast_to;
		return vtype_kind(out) != VK_VOID;
	}
	if (!vtype_die_type((Dwarf_Die *)&f->die, &rt))
		return false;
	out->has_die = true;
	out->die = rt;
	return vtype_kind(out) != VK_VOID;
}

/* The value the call's result registers (or the room at mem) hold for a result of type t. */
static int result(const struct vtype *t, const struct target_call_result *r, uint64_t mem,
		  struct value *out)
{
	struct vabi_regs regs;

	memcpy(regs.ints, r->ints, sizeof(regs.ints));
	memcpy(regs.vecs, r->vecs, sizeof(regs.vecs));
	memcpy(regs.st0, r->st0, sizeof(regs.st0));
	return vabi_result(t, &regs, mem, out);
}

int vcall(struct vctx *c, const struct expr *e, const struct vtype *cast_to, struct value *out)
{
	struct call_setup *s = xcalloc(1, sizeof(*s));
	struct callee f;
	struct vtype rt;
	const struct expr *arg;
	const struct arch *a = frame_arch(c->fc);
	struct target_call_result res;
	uint64_t sp, mem = 0;
	bool has_result;
	int nargs = 0, rc = -1;
	enum vabi_class rcls[2] = { VABI_NONE, VABI_NONE };

	if (!c->fc->thread) {
		err_set("a function call needs a running process");
		goto out;
	}
	if (find_callee(c, expr_left(e), &f) < 0)
		goto out;
	if (c->fc->target && target_core(c->fc->target)) {
		err_set("cannot call %s: the core file is not a running process", f.name);
		goto out;
	}
	if (!f.has_die && !cast_to) {
		err_set("'%s' has unknown return type; cast the call to its declared return type",
			f.name);
		goto out;
	}
	has_result = return_type(&f, cast_to, &rt);
	if (has_result)
		vabi_classify(&rt, rcls);
	if (frame_reg(c->fc, a->sp, &sp) < 0)
		goto out;
	sp = (sp - STACK_SKIP) & ~(uint64_t)15;
	/* A result in memory: room for it on the stack, its address the hidden first argument. */
	if (has_result && vabi_in_memory(rcls)) {
		mem = (sp - vtype_size(&rt)) & ~(uint64_t)15;
		sp = mem;
		s->tc.ints[s->tc.nints++] = mem;
	}
	for (arg = expr_right(e); arg; arg = expr_right(arg), nargs++) {
		struct value v;
		struct vtype t;

		if (nargs >= MAX_ARGS) {
			err_set("more than %d arguments", MAX_ARGS);
			goto out;
		}
		if (veval(c, expr_left(arg), &v) < 0)
			goto out;
		memset(&t, 0, sizeof(t));
		if (nargs < f.nparams && vtype_die_type(&f.params[nargs], &t.die)) {
			t.has_die = true;
		} else if (f.prototyped && !f.variadic) {
			err_set("too many arguments in the call of %s (it takes %d)", f.name,
				f.nparams);
			goto out;
		} else {
			promoted(&v, &t);
		}
		if (pass(c, s, &v, &t) < 0)
			goto out;
	}
	if (f.prototyped && nargs < f.nparams) {
		err_set("too few arguments in the call of %s (it takes %d)", f.name, f.nparams);
		goto out;
	}
	s->tc.func = f.addr;
	s->tc.sp = (sp - s->stack_len) & ~(uint64_t)15;
	s->tc.stack = s->stack;
	s->tc.stack_len = s->stack_len;
	s->tc.timeout_ms = call_timeout_ms;
	if (frame_call(c->fc, &s->tc, &res) < 0) {
		char *why = xstrdup(err_get());

		err_set("the call of %s was abandoned, the thread put back as it was: %s", f.name,
			why);
		free(why);
		goto out;
	}
	if (!has_result) {
		memset(out, 0, sizeof(*out));
		out->type.synth = VK_VOID;
		out->loc = VL_NONE;
		rc = 0;
		goto out;
	}
	rc = result(&rt, &res, mem, out);
out:
	free(s);
	return rc;
}
