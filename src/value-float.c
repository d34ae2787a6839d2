/* value-float.c - floating-point values: C's conversions and arithmetic, printed as gdb does */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "util.h"
#include "value-int.h"

void vfloat_type(unsigned size, struct vtype *out)
{
	memset(out, 0, sizeof(*out));
	out->synth = VK_FLOAT;
	out->synth_size = size;
}

int vfloat_size(const struct vtype *t)
{
	uint64_t size = vtype_size(t);
	struct strbuf name = STRBUF_INIT;
	bool quad;

	if (size == 4 || size == 8)
		return (int)size;
	vtype_name(t, &name);
	quad = strstr(sb_str(&name), "128") != NULL;
	if (size != 16 || quad)
		err_set("%s: a floating-point type of %" PRIu64 " bytes%s is not supported",
			sb_str(&name), size, quad ? " that is not x87's long double" : "");
	sb_free(&name);
	return size == 16 && !quad ? 16 : -1;
}

static bool is_unsigned_kind(enum vkind k)
{
	return k == VK_UNSIGNED || k == VK_UCHAR || k == VK_BOOL || k == VK_POINTER ||
	       k == VK_ARRAY || k == VK_FUNC;
}

int vfloat_get(struct vctx *c, const struct value *v, long double *out)
{
	enum vkind k = vtype_kind(&v->type);
	unsigned char b[16];
	uint64_t iv;
	int size;

	if (k != VK_FLOAT) {
		if (vloc_read_scalar(c, v, &iv) < 0)
			return -1;
		*out = is_unsigned_kind(k) ? (long double)iv : (long double)(int64_t)iv;
		return 0;
	}
	size = vfloat_size(&v->type);
	if (size < 0 || vloc_read_bytes(c, v, b, (size_t)size) < 0)
		return -1;
	if (size == 4) {
		float f;

		memcpy(&f, b, 4);
		*out = f;
	} else if (size == 8) {
		double d;

		memcpy(&d, b, 8);
		*out = d;
	} else {
		long double ld;

		memcpy(&ld, b, sizeof(ld));
		*out = ld;
	}
	return 0;
}

void vfloat_bytes(long double x, unsigned size, unsigned char buf[16])
{
	memset(buf, 0, 16);
	if (size == 4) {
		float f = (float)x;

		memcpy(buf, &f, 4);
	} else if (size == 8) {
		double d = (double)x;

		memcpy(buf, &d, 8);
	} else {
		/* x87's 80 bits; the padding up to 16 bytes stays zero. */
		memcpy(buf, &x, 10);
	}
}

void vfloat_make(const struct vtype *t, long double x, struct value *out)
{
	unsigned char b[16];

	memset(out, 0, sizeof(*out));
	out->type = *t;
	out->loc = VL_CONST;
	vfloat_bytes(x, (unsigned)vtype_size(t), b);
	memcpy(&out->cval, b, 8);
	memcpy(&out->cval_hi, b + 8, 8);
}

uint64_t vfloat_to_int(long double x)
{
	/* -2^63 and 2^63, exactly representable in a long double. */
	const long double lo = (long double)INT64_MIN, hi = -(long double)INT64_MIN;

	if (x >= lo && x < hi)
		return (uint64_t)(int64_t)x;
	if (x < lo)
		return (uint64_t)INT64_MIN;
	return (uint64_t)INT64_MAX; /* too large, or NaN */
}

/* x rounded to the floating type of size bytes. */
static long double round_to(long double x, unsigned size)
{
	return size == 4 ? (long double)(float)x : size == 8 ? (long double)(double)x : x;
}

/*
 * + - * / in the type of size bytes: with FLT_EVAL_METHOD 0 (x86-64's SSE)
 * float and double operations round to their own type, as the program's
 * would, not to long double's 64-bit mantissa first.
 */
static long double arith(int op, long double a, long double b, unsigned size)
{
	if (size == 4) {
		float x = (float)a, y = (float)b;

		return op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
	}
	if (size == 8) {
		double x = (double)a, y = (double)b;

		return op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
	}
	return op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : a / b;
}

static void synth_bool(bool b, struct value *out)
{
	memset(out, 0, sizeof(*out));
	out->type.synth = VK_SIGNED;
	out->loc = VL_CONST;
	out->cval = b;
}

/* The size of the floating type C's usual arithmetic conversions give l op r. */
static unsigned common_size(const struct value *l, const struct value *r)
{
	unsigned ls = vtype_kind(&l->type) == VK_FLOAT ? (unsigned)vtype_size(&l->type) : 0;
	unsigned rs = vtype_kind(&r->type) == VK_FLOAT ? (unsigned)vtype_size(&r->type) : 0;

	return ls > rs ? ls : rs;
}

static bool is_number(const struct value *v)
{
	enum vkind k = vtype_kind(&v->type);

	return k == VK_SIGNED || k == VK_UNSIGNED || k == VK_BOOL || k == VK_CHAR ||
	       k == VK_UCHAR || k == VK_ENUM || k == VK_FLOAT;
}

int vfloat_binary(struct vctx *c, int op, const struct value *l, const struct value *r,
		  struct value *out)
{
	unsigned size = common_size(l, r);
	long double a, b;
	struct vtype t;

	if (!is_number(l) || !is_number(r)) {
		err_set("floating-point arithmetic needs numbers, not a pointer or aggregate");
		return -1;
	}
	if (vfloat_get(c, l, &a) < 0 || vfloat_get(c, r, &b) < 0)
		return -1;
	a = round_to(a, size);
	b = round_to(b, size);
	switch (op) {
	case '+':
	case '-':
	case '*':
	case '/':
		/* The base type by its size, as gdb: a typedef'd operand's name is not kept. */
		vfloat_type(size, &t);
		vfloat_make(&t, arith(op, a, b, size), out);
		return 0;
	case '<':
		synth_bool(a < b, out);
		return 0;
	case '>':
		synth_bool(a > b, out);
		return 0;
	case EXPR_OP2('<', '='):
		synth_bool(a <= b, out);
		return 0;
	case EXPR_OP2('>', '='):
		synth_bool(a >= b, out);
		return 0;
	case EXPR_OP2('=', '='):
		synth_bool(a == b, out);
		return 0;
	case EXPR_OP2('!', '='):
		synth_bool(a != b, out);
		return 0;
	default:
		err_set("%% << >> & ^ | need integers, not a floating-point value");
		return -1;
	}
}

int vfloat_truth(struct vctx *c, const struct value *v, bool *out)
{
	long double x;

	if (vfloat_get(c, v, &x) < 0)
		return -1;
	*out = x != 0;
	return 0;
}

/*
 * gdb prints as many significant digits as read back the same value (%g
 * with 9 for float, 17 for double, 21 for x87's long double), and a NaN
 * with its sign and mantissa bits: -nan(0x8000000000000).
 */
void vfloat_format(const unsigned char *bytes, unsigned size, struct strbuf *out)
{
	long double x;
	uint64_t mant, sign;

	if (size == 4) {
		float f;
		uint32_t w;

		memcpy(&f, bytes, 4);
		memcpy(&w, bytes, 4);
		x = f;
		mant = w & 0x7fffff;
		sign = w >> 31;
	} else if (size == 8) {
		double d;
		uint64_t w;

		memcpy(&d, bytes, 8);
		memcpy(&w, bytes, 8);
		x = d;
		mant = w & ((UINT64_C(1) << 52) - 1);
		sign = w >> 63;
	} else {
		uint16_t se;

		memset(&x, 0, sizeof(x));
		memcpy(&x, bytes, 10);
		memcpy(&mant, bytes, 8);
		memcpy(&se, bytes + 8, 2);
		sign = se >> 15;
	}
	if (isnan(x)) {
		sb_addf(out, "%snan(0x%" PRIx64 ")", sign ? "-" : "", mant);
		return;
	}
	if (isinf(x)) {
		sb_add(out, x < 0 ? "-inf" : "inf");
		return;
	}
	if (size == 4)
		sb_addf(out, "%.9g", (double)x);
	else if (size == 8)
		sb_addf(out, "%.17g", (double)x);
	else
		sb_addf(out, "%.21Lg", x);
}
