/* value.c - typed values from DWARF (through libdw): expressions, operators, assignment */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "frame.h"
#include "regs.h"
#include "sym.h"
#include "target.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

static int cast(struct vctx *c, const char *type_text, const struct value *v, struct value *out)
{
	struct vtype t;
	enum vkind k;
	uint64_t iv, size;

	if (vname_type(c, type_text, &t) < 0)
		return -1;
	k = vtype_kind(&t);
	if (k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY) {
		/* A reinterpretation of memory, as gdb allows for lvalues. */
		if (v->loc != VL_MEMORY) {
			err_set("only a value in memory can be cast to %s", type_text);
			return -1;
		}
		*out = *v;
		out->type = t;
		out->bit_size = 0;
		return 0;
	}
	/* Floating-point values convert by value, as in C. */
	if (k == VK_FLOAT) {
		long double x;

		if (vfloat_size(&t) < 0 || vfloat_get(c, v, &x) < 0)
			return -1;
		vfloat_make(&t, x, out);
		return 0;
	}
	if (vtype_kind(&v->type) == VK_FLOAT) {
		long double x;

		if (vfloat_get(c, v, &x) < 0)
			return -1;
		iv = vfloat_to_int(x);
	} else if (vloc_read_scalar(c, v, &iv) < 0) {
		return -1;
	}
	size = vtype_size(&t);
	if (k != VK_POINTER && size && size < 8) {
		iv &= (UINT64_C(1) << (size * 8)) - 1;
		if (vtype_is_signed(&t) && (iv >> (size * 8 - 1)) & 1)
			iv |= ~UINT64_C(0) << (size * 8);
	}
	memset(out, 0, sizeof(*out));
	out->type = t;
	out->loc = VL_CONST;
	out->cval = iv;
	return 0;
}

/* ---- operators ---------------------------------------------------------- */

static struct value synth_int(uint64_t v, bool is_unsigned)
{
	struct value r;

	memset(&r, 0, sizeof(r));
	r.type.synth = is_unsigned ? VK_UNSIGNED : VK_SIGNED;
	r.loc = VL_CONST;
	r.cval = v;
	return r;
}

/* t becomes a pointer to t; above an artificial array it points to the whole array. */
static void pointer_to(struct vtype *t)
{
	if (t->count)
		t->aptr++;
	else
		t->ptr++;
}

static int deref(struct vctx *c, const struct value *v, struct value *out)
{
	enum vkind k = vtype_kind(&v->type);
	uint64_t addr;

	/* *f is the function f itself, as in C. */
	if (k == VK_FUNC && !v->type.ptr) {
		*out = *v;
		return 0;
	}
	if (k != VK_POINTER && k != VK_ARRAY) {
		err_set("cannot dereference a value that is not a pointer");
		return -1;
	}
	if (vloc_read_scalar(c, v, &addr) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (!vtype_target(&v->type, &out->type))
		return -1;
	if (vtype_kind(&out->type) == VK_VOID) {
		err_set("cannot dereference a void pointer");
		return -1;
	}
	out->loc = VL_MEMORY;
	out->addr = addr;
	return 0;
}

/* The member called name of a struct or union, looking into anonymous members too. */
static bool find_member(Dwarf_Die *agg, const char *name, Dwarf_Die *member, uint64_t *offset)
{
	Dwarf_Die child, peeled, inner;
	Dwarf_Attribute attr;
	Dwarf_Word off;

	if (dwarf_peel_type(agg, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		off = 0;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &off);
		n = dwarf_diename(&child);
		if (n && strcmp(n, name) == 0) {
			*member = child;
			*offset = off;
			return true;
		}
		if (!n && vtype_die_type(&child, &inner) &&
		    find_member(&inner, name, member, offset)) {
			*offset += off;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static int member(struct vctx *c, const struct value *v, const char *name, struct value *out)
{
	enum vkind k = vtype_kind(&v->type);
	Dwarf_Die m;
	uint64_t off;

	if (k != VK_STRUCT && k != VK_UNION) {
		err_set("\"%s\": not a struct or union", name);
		return -1;
	}
	if (!v->type.has_die)
		return vvreg_member(v, name, out);
	if (!find_member((Dwarf_Die *)&v->type.die, name, &m, &off)) {
		struct strbuf tn = STRBUF_INIT;

		vtype_name(&v->type, &tn);
		err_set("%s has no member \"%s\"", sb_str(&tn), name);
		sb_free(&tn);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	if (!vtype_die_type(&m, &out->type.die)) {
		err_set("member \"%s\" has no type", name);
		return -1;
	}
	out->type.has_die = true;
	/* In registers, or put together from pieces: the member's bytes from the whole's. */
	if (v->loc != VL_MEMORY) {
		struct value held;

		if (vloc_hold(c, v, &held) < 0)
			return -1;
		vloc_part(&held, off, out);
	} else {
		out->loc = VL_MEMORY;
		out->addr = v->addr + off;
	}
	vtype_member_bits(&m, out);
	return 0;
}

static int index_value(struct vctx *c, const struct value *v, int64_t i, struct value *out)
{
	struct value base;
	uint64_t size;

	if (vtype_kind(&v->type) == VK_ARRAY && v->loc == VL_CONST) {
		/* A register's lanes ($xmm0.v4_int32) or a returned struct's array. */
		memset(out, 0, sizeof(*out));
		if (!vtype_target(&v->type, &out->type))
			return -1;
		size = vtype_size(&out->type);
		if (i < 0 || !size || (uint64_t)(i + 1) * size > vtype_size(&v->type) ||
		    (uint64_t)(i + 1) * size > 16) {
			err_set("no element %" PRId64 " in an array of %" PRIu64, i,
				size ? vtype_size(&v->type) / size : 0);
			return -1;
		}
		vloc_part(v, (uint64_t)i * size, out);
		return 0;
	}
	if (vtype_kind(&v->type) == VK_ARRAY) {
		if (v->loc != VL_MEMORY) {
			err_set("an array that is not in memory cannot be indexed yet");
			return -1;
		}
		memset(&base, 0, sizeof(base));
		if (!vtype_target(&v->type, &base.type))
			return -1;
		base.loc = VL_MEMORY;
		base.addr = v->addr;
	} else if (deref(c, v, &base) < 0) {
		return -1;
	}
	size = vtype_size(&base.type);
	*out = base;
	out->addr = base.addr + (uint64_t)i * size;
	return 0;
}

static int eval_node(struct vctx *c, const struct expr *e, struct value *out);

static bool is_float(const struct value *v)
{
	return vtype_kind(&v->type) == VK_FLOAT;
}

/* An integer of type t no DIE describes. */
static struct value synth_typed(const struct vtype *t, uint64_t v)
{
	struct value r;

	memset(&r, 0, sizeof(r));
	r.type = *t;
	r.loc = VL_CONST;
	r.cval = vtype_int_fit(t, v);
	return r;
}

/* An integer literal, typed as C types it. */
static struct value literal(const struct expr *e)
{
	static const struct vtype types[] = {
		[EXPR_LIT_INT] = { .synth = VK_SIGNED, .synth_size = 4 },
		[EXPR_LIT_UINT] = { .synth = VK_UNSIGNED, .synth_size = 4 },
		[EXPR_LIT_LONG] = { .synth = VK_SIGNED },
		[EXPR_LIT_ULONG] = { .synth = VK_UNSIGNED },
		[EXPR_LIT_LLONG] = { .synth = VK_SIGNED, .synth_llong = true },
		[EXPR_LIT_ULLONG] = { .synth = VK_UNSIGNED, .synth_llong = true },
		[EXPR_LIT_CHAR] = { .synth = VK_CHAR },
	};

	return synth_typed(&types[expr_num_type(e)], expr_num(e));
}

/* The operators whose meaning differs for an unsigned long; the others are expr_binary's. */
static int unsigned_binary(int op, uint64_t a, uint64_t b, uint64_t *res)
{
	switch (op) {
	case '/':
	case '%':
		if (b == 0) {
			err_set("division by zero");
			return -1;
		}
		*res = op == '/' ? a / b : a % b;
		return 0;
	case '<':
		*res = a < b;
		return 0;
	case '>':
		*res = a > b;
		return 0;
	case EXPR_OP2('<', '='):
		*res = a <= b;
		return 0;
	case EXPR_OP2('>', '='):
		*res = a >= b;
		return 0;
	case EXPR_OP2('>', '>'):
		*res = b >= 64 ? 0 : a >> b;
		return 0;
	default:
		return expr_binary(op, a, b, res);
	}
}

/*
 * An operator on integers in C's types: both operands converted to their
 * common type, the result cut to it (2147483647 + 1 is an int, -2147483648);
 * comparisons give an int, shifts the promoted left operand's type.
 */
static int int_binary(int op, uint64_t a, uint64_t b, const struct vtype *left,
		      const struct vtype *common, struct value *out)
{
	static const struct vtype int_type = { .synth = VK_SIGNED, .synth_size = 4 };
	bool shift = op == EXPR_OP2('<', '<') || op == EXPR_OP2('>', '>');
	bool compare = op == '<' || op == '>' || op == EXPR_OP2('<', '=') ||
		       op == EXPR_OP2('>', '=') || op == EXPR_OP2('=', '=') ||
		       op == EXPR_OP2('!', '=');
	struct vtype t = *common;
	uint64_t res;

	if (shift)
		vtype_int_promote(left, &t);
	/* An unsigned int divides and compares right as its zero-extended value. */
	a = vtype_int_fit(&t, a);
	if (!shift)
		b = vtype_int_fit(&t, b);
	if (t.synth == VK_UNSIGNED && vtype_size(&t) == 8 ? unsigned_binary(op, a, b, &res) < 0
							  : expr_binary(op, a, b, &res) < 0)
		return -1;
	*out = synth_typed(compare ? &int_type : &t, res);
	return 0;
}

/* An operand that must be an integer: an index, a count, an operand of ~. */
static int eval_int_node(struct vctx *c, const struct expr *e, uint64_t *v, struct value *keep)
{
	struct value tmp, *val = keep ? keep : &tmp;

	if (eval_node(c, e, val) < 0)
		return -1;
	if (is_float(val)) {
		err_set("a floating-point value where an integer is needed");
		return -1;
	}
	return vloc_read_scalar(c, val, v);
}

/* Whether a value is not zero, as ! && || and conditions read it. */
static int truth(struct vctx *c, const struct value *v, bool *out)
{
	uint64_t n;

	if (is_float(v))
		return vfloat_truth(c, v, out);
	if (vloc_read_scalar(c, v, &n) < 0)
		return -1;
	*out = n != 0;
	return 0;
}

static int eval_truth_node(struct vctx *c, const struct expr *e, bool *out)
{
	struct value v;

	if (eval_node(c, e, &v) < 0)
		return -1;
	return truth(c, &v, out);
}

static int binary_values(struct vctx *c, int op, const struct value *lhs, const struct value *rhs,
			 struct value *out);

static int eval_binary(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value l, r;
	int op = expr_op(e);

	if (op == EXPR_OP2('&', '&') || op == EXPR_OP2('|', '|')) {
		bool x, y;

		if (eval_truth_node(c, expr_left(e), &x) < 0)
			return -1;
		if ((op == EXPR_OP2('&', '&')) == x) {
			if (eval_truth_node(c, expr_right(e), &y) < 0)
				return -1;
			x = y;
		}
		*out = synth_int(x, false);
		return 0;
	}
	if (eval_node(c, expr_left(e), &l) < 0 || eval_node(c, expr_right(e), &r) < 0)
		return -1;
	return binary_values(c, op, &l, &r, out);
}

/* l op r for an operator other than && and ||, which decide on their left operand first. */
static int binary_values(struct vctx *c, int op, const struct value *lhs, const struct value *rhs,
			 struct value *out)
{
	struct value l = *lhs, r = *rhs;
	uint64_t a, b, res;
	bool lp, rp;
	struct vtype common;

	if (is_float(&l) || is_float(&r))
		return vfloat_binary(c, op, &l, &r, out);
	if (vloc_read_scalar(c, &l, &a) < 0 || vloc_read_scalar(c, &r, &b) < 0)
		return -1;
	lp = vtype_kind(&l.type) == VK_POINTER || vtype_kind(&l.type) == VK_ARRAY;
	rp = vtype_kind(&r.type) == VK_POINTER || vtype_kind(&r.type) == VK_ARRAY;
	/* Pointer arithmetic counts in elements, as in C. */
	if ((op == '+' || op == '-') && lp && !rp) {
		struct vtype t;
		uint64_t size = vtype_target(&l.type, &t) ? vtype_size(&t) : 1;

		*out = synth_int(op == '+' ? a + b * (size ? size : 1) : a - b * (size ? size : 1),
				 true);
		out->type = l.type;
		if (vtype_kind(&l.type) == VK_ARRAY) {
			out->type = t;
			pointer_to(&out->type);
		}
		return 0;
	}
	if (op == '-' && lp && rp) {
		struct vtype t;
		uint64_t size = vtype_target(&l.type, &t) ? vtype_size(&t) : 1;

		*out = synth_int((uint64_t)(((int64_t)a - (int64_t)b) / (int64_t)(size ? size : 1)),
				 false);
		return 0;
	}
	if (vtype_int_common(&l.type, &r.type, &common))
		return int_binary(op, a, b, &l.type, &common, out);
	if (expr_binary(op, a, b, &res) < 0)
		return -1;
	*out = synth_int(res,
			 vtype_kind(&l.type) == VK_UNSIGNED && vtype_kind(&r.type) == VK_UNSIGNED);
	return 0;
}

/*
 * gdb's artificial array, left@n: n elements of left's type from left's
 * address, for what a pointer points to (*p@len) or part of an array
 * (a[1]@3). Nothing is read here: print reads the elements it shows, a
 * watchpoint only needs the address and size. The size is capped so that
 * a slip of the finger cannot make a watchpoint or a dump of gigabytes.
 */
static int repeat(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value v, n;
	uint64_t count, size;
	enum vkind nk;
	struct strbuf tn = STRBUF_INIT;

	if (eval_node(c, expr_left(e), &v) < 0 || eval_int_node(c, expr_right(e), &count, &n) < 0)
		return -1;
	nk = vtype_kind(&n.type);
	if (nk != VK_SIGNED && nk != VK_UNSIGNED && nk != VK_CHAR && nk != VK_UCHAR &&
	    nk != VK_ENUM) {
		vtype_name(&n.type, &tn);
		err_set("'@' needs an integer number of repetitions, not %s", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	if (v.loc != VL_MEMORY || v.bit_size || v.optimized_out) {
		err_set("only values in memory can be extended with '@'");
		return -1;
	}
	if (v.type.count) {
		err_set("an array made by '@' cannot be extended with '@' again");
		return -1;
	}
	if ((int64_t)count < 1) {
		err_set("'@' needs a positive number of repetitions, not %" PRId64, (int64_t)count);
		return -1;
	}
	size = vtype_size(&v.type);
	if (!size) {
		vtype_name(&v.type, &tn);
		err_set("'@' cannot extend %s: its size is not known", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	*out = v;
	out->type.count = count;
	if (count > MAX_REPEAT_BYTES / size) {
		vtype_name(&out->type, &tn);
		err_set("'@' would make %s: larger than the limit of 1 MiB", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	return 0;
}

static int eval_unary(struct vctx *c, const struct expr *e, struct value *out)
{
	static const struct vtype int_type = { .synth = VK_SIGNED, .synth_size = 4 };
	struct vtype t = int_type;
	struct value v;
	uint64_t a;
	bool x;

	if (expr_op(e) == '!') {
		if (eval_truth_node(c, expr_left(e), &x) < 0)
			return -1;
		*out = synth_typed(&int_type, !x);
		return 0;
	}
	if (eval_node(c, expr_left(e), &v) < 0)
		return -1;
	if (is_float(&v)) {
		struct value zero = synth_int(0, false);

		if (expr_op(e) != '-') {
			err_set("~ needs an integer, not a floating-point value");
			return -1;
		}
		/* As gdb negates: 0 - x, so -(0.0) prints 0. */
		return vfloat_binary(c, '-', &zero, &v, out);
	}
	if (vloc_read_scalar(c, &v, &a) < 0)
		return -1;
	a = expr_op(e) == '-' ? 0 - a : ~a;
	/* - and ~ keep the promoted operand's type. */
	if (!vtype_int_promote(&v.type, &t)) {
		*out = synth_int(a, false);
		return 0;
	}
	*out = synth_typed(&t, a);
	return 0;
}

/*
 * sizeof: the size of a type, or of an expression's type without reading
 * it. sizeof(counter_t) parses as a name: when no variable has it, it is
 * tried as a type.
 */
static int size_of(struct vctx *c, const struct expr *e, struct value *out)
{
	/* An int, as gdb makes it, not C's size_t. */
	static const struct vtype size_type = { .synth = VK_SIGNED, .synth_size = 4 };
	const struct expr *l = expr_left(e);
	struct value v;
	struct strbuf tn = STRBUF_INIT;
	uint64_t size;

	memset(&v, 0, sizeof(v));
	if (expr_name(e)) {
		if (vname_type(c, expr_name(e), &v.type) < 0)
			return -1;
	} else if (eval_node(c, l, &v) < 0) {
		/* Not a type either: the name's own error says more than "no type". */
		char *first = xstrdup(err_get());

		if (expr_kind(l) != EXPR_NAME || vname_type(c, expr_name(l), &v.type) < 0) {
			err_set("%s", first);
			free(first);
			return -1;
		}
		free(first);
	}
	err_clear();
	size = vtype_size(&v.type);
	if (!size && vtype_kind(&v.type) != VK_VOID && !vtype_size_known(&v.type)) {
		vtype_name(&v.type, &tn);
		err_set("the size of %s is not known", sb_str(&tn));
		sb_free(&tn);
		return -1;
	}
	*out = synth_typed(&size_type, size || vtype_kind(&v.type) != VK_VOID ? size : 1);
	return 0;
}

/* lv = rv for a floating lv: rv's value (an integer's too) rounded to lv's type. */
static int store_float(struct vctx *c, const struct value *lv, const struct value *rv)
{
	int size = vfloat_size(&lv->type);
	unsigned char b[16];
	long double x;

	/* size < 0: a floating type lurk cannot convert to, err says which. */
	if (size < 0)
		return -1;
	if (lv->loc != VL_MEMORY || lv->bit_size) {
		err_set("only a floating-point value in memory can be assigned");
		return -1;
	}
	if (vfloat_get(c, rv, &x) < 0)
		return -1;
	vfloat_bytes(x, (unsigned)size, b);
	/* A long double's 80 bits; its padding is left as it was. */
	return frame_write(c->fc, lv->addr, b, size == 16 ? 10 : (size_t)size);
}

/* v as an integer, a floating value converted toward zero as C converts it. */
static int int_value(struct vctx *c, const struct value *v, uint64_t *n)
{
	long double x;

	if (!is_float(v))
		return vloc_read_scalar(c, v, n);
	if (vfloat_get(c, v, &x) < 0)
		return -1;
	*n = vfloat_to_int(x);
	return 0;
}

/*
 * Write rv into the target where lv lives (a variable, member, element
 * or register holding a scalar), converting as C does (int i = 2.9 is 2).
 */
/* A struct or union copied whole from one of the same type, as C's s = t. */
static int store_aggregate(struct vctx *c, const struct value *lv, const struct value *rv)
{
	uint64_t size = vtype_size(&lv->type);
	struct strbuf ln = STRBUF_INIT, rn = STRBUF_INIT;
	unsigned char *buf;
	bool same;
	int rc = -1;

	vtype_name(&lv->type, &ln);
	vtype_name(&rv->type, &rn);
	same = vtype_kind(&rv->type) == vtype_kind(&lv->type) &&
	       !strcmp(sb_str(&ln), sb_str(&rn)) && vtype_size(&rv->type) == size;
	if (!same)
		err_set("cannot assign a value of type %s to one of type %s", sb_str(&rn),
			sb_str(&ln));
	else if (lv->loc != VL_MEMORY)
		err_set("only a %s in memory can be assigned", sb_str(&ln));
	sb_free(&ln);
	sb_free(&rn);
	if (!same || lv->loc != VL_MEMORY || !size || size > (1u << 20))
		return -1;
	buf = xmalloc(size);
	if (vloc_read_bytes(c, rv, buf, size) == 0)
		rc = frame_write(c->fc, lv->addr, buf, size);
	free(buf);
	return rc;
}

static int store(struct vctx *c, const struct value *lv, const struct value *rv)
{
	const struct frame_ctx *fc = c->fc;
	enum vkind k = vtype_kind(&lv->type);
	uint64_t n, size = vtype_size(&lv->type), word = 0;

	if ((k == VK_STRUCT || k == VK_UNION) && !lv->optimized_out)
		return store_aggregate(c, lv, rv);
	if (int_value(c, rv, &n) < 0)
		return -1;
	if (lv->optimized_out) {
		err_set("the variable is optimized out here: nothing to assign to");
		return -1;
	}
	if (k == VK_FLOAT)
		return store_float(c, lv, rv);
	if (k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY || k == VK_FUNC || size == 0 ||
	    size > 8) {
		err_set("only scalar values (integers, characters, enums, pointers) can be "
			"assigned");
		return -1;
	}
	switch (lv->loc) {
	case VL_MEMORY:
		if (lv->bit_size) {
			size_t bytes = (lv->bit_offset + lv->bit_size + 7) / 8;
			uint64_t mask = (lv->bit_size >= 64 ? ~0ull : (1ull << lv->bit_size) - 1)
					<< lv->bit_offset;

			if (frame_read(fc, lv->addr, &word, bytes) != (ssize_t)bytes) {
				err_set("cannot access memory at 0x%" PRIx64, lv->addr);
				return -1;
			}
			word = (word & ~mask) | ((n << lv->bit_offset) & mask);
			return frame_write(fc, lv->addr, &word, bytes);
		}
		return frame_write(fc, lv->addr, &n, size);
	case VL_REGISTER: {
		const struct arch_reg *reg = regs_by_dwarf(frame_arch(fc), lv->reg);
		uint64_t slot;
		int where;

		if (!reg) {
			err_set("register %d cannot be changed", lv->reg);
			return -1;
		}
		if (c->level == 0)
			return frame_set_reg(fc, reg, n);
		/* An outer frame's register: in the slot a frame inside saved it in, or still live. */
		where = frame_reg_slot(fc, lv->reg, &slot);
		if (where < 0)
			return -1;
		if (where == 0)
			return frame_write(fc, slot, &n, 8);
		{
			struct frame_ctx innermost = { fc->target, fc->thread, 0 };

			return frame_set_reg(&innermost, reg, n);
		}
	}
	default:
		err_set("not something that can be assigned to (a variable, member, element or "
			"dereferenced pointer)");
		return -1;
	}
}

/*
 * l = r and l op= r. A $name that is no register is a convenience
 * variable: it takes the value (and type) itself; anything else is
 * written in the target, and the result is l read again, as gdb gives it.
 */
static int assign(struct vctx *c, const struct expr *e, struct value *out)
{
	const struct expr *l = expr_left(e);
	const char *name = expr_kind(l) == EXPR_REG ? expr_name(l) : NULL;
	const struct arch_reg *reg =
		name && !vhist_is_ref(name) ? regs_find(frame_arch(c->fc), name) : NULL;
	bool conv = name && !vhist_is_ref(name) && !reg;
	struct value lv, rv, nv;
	uint64_t n;

	if (eval_node(c, expr_right(e), &rv) < 0)
		return -1;
	if (conv)
		vconv_get(name, &lv);
	else if (eval_node(c, l, &lv) < 0)
		return -1;
	nv = rv;
	if (expr_op(e) && binary_values(c, expr_op(e), &lv, &rv, &nv) < 0)
		return -1;
	if (conv) {
		value_conv_set(c->fc, name, &nv);
		vconv_get(name, out);
		return 0;
	}
	if (reg) {
		/* $rax = 1: the register itself, as gdb's set $rax = 1. */
		if (c->level != 0) {
			err_set("only the innermost frame's registers can be changed");
			return -1;
		}
		if (int_value(c, &nv, &n) < 0 || frame_set_reg(c->fc, reg, n) < 0)
			return -1;
		return eval_node(c, l, out);
	}
	if (store(c, &lv, &nv) < 0)
		return -1;
	*out = lv;
	return 0;
}

static int eval_node(struct vctx *c, const struct expr *e, struct value *out)
{
	struct value v;
	uint64_t a;
	const struct arch_reg *reg;

	switch (expr_kind(e)) {
	case EXPR_NUM:
		*out = literal(e);
		return 0;
	case EXPR_FLOAT: {
		unsigned size;
		long double x = expr_float(e, &size);
		struct vtype t;

		vfloat_type(size, &t);
		vfloat_make(&t, x, out);
		return 0;
	}
	case EXPR_REG:
		/* $1 and $$ are history; a register's name wins over a variable's. */
		if (vhist_is_ref(expr_name(e)))
			return vhist_lookup(expr_name(e), out);
		reg = regs_find(frame_arch(c->fc), expr_name(e));
		if (!reg) {
			int n = vvreg_lookup(c, expr_name(e), out);

			if (n != 0)
				return n < 0 ? -1 : 0;
			/* gdb's $_thread: the selected thread's number (0 without a process). */
			if (!strcmp(expr_name(e), "_thread") || !strcmp(expr_name(e), "_gthread")) {
				*out = synth_int(
					c->fc->thread ? (uint64_t)target_th_num(c->fc->thread) : 0,
					false);
				return 0;
			}
			/* Not a register: a convenience variable, void until set. */
			vconv_get(expr_name(e), out);
			return 0;
		}
		if (frame_reg(c->fc, reg, &a) < 0)
			return -1;
		*out = synth_int(a, true);
		/* As gdb: the pc is code (shown with its symbol), sp and fp are void *. */
		if (reg == frame_arch(c->fc)->pc) {
			out->type.synth = VK_FUNC;
			out->loc = VL_NONE;
			out->addr = a;
		} else if (reg == frame_arch(c->fc)->sp || reg == frame_arch(c->fc)->fp) {
			out->type.synth = VK_VOID;
			out->type.ptr = 1;
		}
		return 0;
	case EXPR_NAME:
		return vname_lookup(c, expr_name(e), out);
	case EXPR_ADDR_OF:
		if (expr_name(e)) {
			if (vname_lookup(c, expr_name(e), &v) < 0) {
				/* &name of a symbol without debug information: its address. */
				struct sym_found f;
				struct sym *sym = frame_sym(c->fc);

				if (!sym || sym_lookup(sym, expr_name(e), NULL, &f) < 0)
					return -1;
				err_clear();
				*out = synth_int(f.addr, true);
				return 0;
			}
		} else if (eval_node(c, expr_left(e), &v) < 0) {
			return -1;
		}
		if (vtype_kind(&v.type) == VK_FUNC && v.loc == VL_NONE) {
			*out = synth_int(v.addr, true);
			out->type = v.type;
			out->type.ptr++;
			return 0;
		}
		if (v.loc != VL_MEMORY || v.bit_size) {
			err_set("cannot take the address of a value that is not in memory");
			return -1;
		}
		*out = synth_int(v.addr, true);
		out->type = v.type;
		pointer_to(&out->type);
		return 0;
	case EXPR_UNARY:
		return eval_unary(c, e, out);
	case EXPR_BINARY:
		return eval_binary(c, e, out);
	case EXPR_DEREF:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return deref(c, &v, out);
	case EXPR_MEMBER:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return member(c, &v, expr_name(e), out);
	case EXPR_ARROW: {
		struct value p;

		if (eval_node(c, expr_left(e), &p) < 0 || deref(c, &p, &v) < 0)
			return -1;
		return member(c, &v, expr_name(e), out);
	}
	case EXPR_INDEX:
		if (eval_node(c, expr_left(e), &v) < 0 ||
		    eval_int_node(c, expr_right(e), &a, NULL) < 0)
			return -1;
		return index_value(c, &v, (int64_t)a, out);
	case EXPR_CAST:
		if (expr_kind(expr_left(e)) == EXPR_CALL) {
			/* (int)getpid(): the cast names the result of a function without debug info. */
			struct vtype t;

			if (vname_type(c, expr_name(e), &t) < 0 ||
			    vcall(c, expr_left(e), &t, &v) < 0)
				return -1;
		} else if (eval_node(c, expr_left(e), &v) < 0) {
			return -1;
		}
		return cast(c, expr_name(e), &v, out);
	case EXPR_REPEAT:
		return repeat(c, e, out);
	case EXPR_SIZEOF:
		return size_of(c, e, out);
	case EXPR_CALL:
		return vcall(c, e, NULL, out);
	case EXPR_ARG:
		break;
	case EXPR_ASSIGN:
		return assign(c, e, out);
	case EXPR_COND: {
		bool x;

		/* Only the arm chosen is evaluated (it may call a function), as in C. */
		if (eval_truth_node(c, expr_left(e), &x) < 0)
			return -1;
		return eval_node(c, x ? expr_right(e) : expr_third(e), out);
	}
	case EXPR_COMMA:
		if (eval_node(c, expr_left(e), &v) < 0)
			return -1;
		return eval_node(c, expr_right(e), out);
	}
	err_set("unknown expression");
	return -1;
}

int veval(struct vctx *c, const struct expr *e, struct value *out)
{
	return eval_node(c, e, out);
}

struct value *value_eval_expr(const struct frame_ctx *fc, const struct expr *e)
{
	struct vctx c;
	struct value v, *out = NULL;

	if (vctx_open(fc, &c) == 0 && eval_node(&c, e, &v) == 0) {
		out = xmalloc(sizeof(*out));
		*out = v;
	}
	vctx_close(&c);
	return out;
}

struct value *value_eval(const struct frame_ctx *fc, const char *text)
{
	struct expr *e = expr_parse(text);
	struct value *out;

	if (!e)
		return NULL;
	out = value_eval_expr(fc, e);
	expr_free(e);
	return out;
}

/* Whether a name in the tree is a local variable or argument of the frame. */
static bool names_local(struct vctx *c, const struct expr *e)
{
	Dwarf_Die var;

	if (!e)
		return false;
	if ((expr_kind(e) == EXPR_NAME || expr_kind(e) == EXPR_ADDR_OF) && expr_name(e) &&
	    c->nscopes > 0) {
		int at =
			dwarf_getscopevar(c->scopes, c->nscopes, expr_name(e), 0, NULL, 0, 0, &var);

		/* Found in a block or function scope, not at the compile unit's top. */
		if (at >= 0 && dwarf_tag(&c->scopes[at]) != DW_TAG_compile_unit)
			return true;
	}
	return names_local(c, expr_left(e)) || names_local(c, expr_right(e));
}

bool value_uses_locals(const struct frame_ctx *fc, const char *text)
{
	struct expr *e = expr_parse(text);
	struct vctx c;
	bool local = false;

	if (!e) {
		err_clear();
		return false;
	}
	if (vctx_open(fc, &c) == 0)
		local = names_local(&c, e);
	vctx_close(&c);
	expr_free(e);
	return local;
}

void value_free(struct value *v)
{
	free(v);
}

struct value *value_dup(const struct value *v)
{
	struct value *c = xmalloc(sizeof(*c));

	*c = *v;
	return c;
}

bool value_memory(const struct value *v, uint64_t *addr, uint64_t *size)
{
	if (v->loc != VL_MEMORY || v->bit_size || v->optimized_out)
		return false;
	*addr = v->addr;
	*size = vtype_size(&v->type);
	return true;
}

int value_to_int(const struct frame_ctx *fc, const struct value *v, uint64_t *out)
{
	struct vctx c;
	int ret;

	if (vctx_open(fc, &c) < 0)
		return -1;
	if (is_float(v)) {
		long double x;

		ret = vfloat_get(&c, v, &x);
		if (ret == 0)
			*out = vfloat_to_int(x);
	} else {
		ret = vloc_read_scalar(&c, v, out);
	}
	vctx_close(&c);
	return ret;
}

int value_truth(const struct frame_ctx *fc, const struct value *v, bool *out)
{
	struct vctx c;
	int ret;

	if (vctx_open(fc, &c) < 0)
		return -1;
	ret = truth(&c, v, out);
	vctx_close(&c);
	return ret;
}

bool value_is_plain_data(const struct value *v)
{
	enum vkind k = vtype_kind(&v->type);

	return v->type.has_die && k != VK_POINTER && k != VK_ARRAY && k != VK_FUNC;
}

struct value *value_assign(const struct frame_ctx *fc, const char *text)
{
	struct expr *e = expr_parse(text);
	struct value *out = NULL;

	if (e && expr_kind(e) != EXPR_ASSIGN)
		err_set("expected LVALUE = EXPR");
	else if (e)
		out = value_eval_expr(fc, e);
	expr_free(e);
	return out;
}
