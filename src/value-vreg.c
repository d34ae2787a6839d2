/* value-vreg.c - x86-64's vector and x87 registers as values, laid out and printed as gdb's */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "frame.h"
#include "regs.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/*
 * gdb's union vec128, lane by lane. The 16-bit floating lanes (bfloat16,
 * IEEE half) are printed here but are not values of their own: lurk has
 * no such types, so $xmm0.v8_half is refused.
 */
enum lane_kind { LANE_BF16, LANE_HALF, LANE_FLOAT, LANE_INT, LANE_UINT128 };

static const struct lane {
	const char *name;
	enum lane_kind kind;
	unsigned size;
} lanes[] = {
	{ "v8_bfloat16", LANE_BF16, 2 }, { "v8_half", LANE_HALF, 2 },
	{ "v4_float", LANE_FLOAT, 4 },	 { "v2_double", LANE_FLOAT, 8 },
	{ "v16_int8", LANE_INT, 1 },	 { "v8_int16", LANE_INT, 2 },
	{ "v4_int32", LANE_INT, 4 },	 { "v2_int64", LANE_INT, 8 },
	{ "uint128", LANE_UINT128, 16 },
};

#define REPEAT_THRESHOLD 10 /* gdb's "repeats": a run longer than this is folded */

static void put_bytes(struct value *out, const unsigned char b[16])
{
	memcpy(&out->cval, b, 8);
	memcpy(&out->cval_hi, b + 8, 8);
}

static void get_bytes(const struct value *v, unsigned char b[16])
{
	memcpy(b, &v->cval, 8);
	memcpy(b + 8, &v->cval_hi, 8);
}

int vvreg_lookup(struct vctx *c, const char *name, struct value *out)
{
	struct regs_fp fp;
	int xmm = regs_numbered(name, "xmm", 16), st = regs_numbered(name, "st", 8);
	unsigned char b[16] = { 0 };

	if (xmm < 0 && st < 0)
		return 0;
	if (frame_fp(c->fc, &fp) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->loc = VL_CONST;
	if (xmm >= 0) {
		out->type.synth = VK_UNION;
		out->type.synth_size = 16;
		memcpy(b, fp.raw + REGS_FP_XMM + xmm * 16, 16);
	} else {
		vfloat_type(16, &out->type);
		memcpy(b, fp.raw + REGS_FP_ST + st * 16, 10);
	}
	put_bytes(out, b);
	return 1;
}

int vvreg_member(const struct value *v, const char *name, struct value *out)
{
	for (size_t i = 0; i < sizeof(lanes) / sizeof(lanes[0]); i++) {
		const struct lane *l = &lanes[i];

		if (strcmp(l->name, name) != 0)
			continue;
		if (l->kind == LANE_BF16 || l->kind == LANE_HALF || l->kind == LANE_UINT128) {
			err_set("the %s lanes of a vector register cannot be read as values yet",
				name);
			return -1;
		}
		*out = *v;
		memset(&out->type, 0, sizeof(out->type));
		out->type.synth = l->kind == LANE_FLOAT ? VK_FLOAT : VK_SIGNED;
		out->type.synth_size = l->size;
		out->type.count = 16 / l->size;
		return 0;
	}
	err_set("union vec128 has no member \"%s\"", name);
	return -1;
}

/* A 16-bit float (bfloat16 or IEEE half) as gdb prints it: its value to the digits it holds. */
static void format_short_float(uint16_t bits, bool bf16, struct strbuf *out)
{
	unsigned mbits = bf16 ? 7 : 10, ebits = bf16 ? 8 : 5;
	unsigned emax = (1u << ebits) - 1, bias = emax / 2;
	unsigned e = (bits >> mbits) & emax, m = bits & ((1u << mbits) - 1);
	bool neg = bits >> 15;
	double x;

	if (e == emax) {
		if (m)
			sb_addf(out, "%snan(0x%x)", neg ? "-" : "", m);
		else
			sb_add(out, neg ? "-inf" : "inf");
		return;
	}
	x = e ? ldexp(1.0 + m / (double)(1u << mbits), (int)e - (int)bias)
	      : ldexp(m / (double)(1u << mbits), 1 - (int)bias);
	/* The decimal digits that tell every value of the format apart, as gdb's %g. */
	sb_addf(out, "%.*g", bf16 ? 4 : 5, neg ? -x : x);
}

static void format_lane(const struct lane *l, const unsigned char *p, bool hex, struct strbuf *out)
{
	uint64_t u = 0, hi = 0;

	if (l->kind == LANE_UINT128) {
		memcpy(&u, p, 8);
		memcpy(&hi, p + 8, 8);
		if (hex) {
			if (hi)
				sb_addf(out, "0x%" PRIx64 "%016" PRIx64, hi, u);
			else
				sb_addf(out, "0x%" PRIx64, u);
			return;
		}
		unsigned __int128 v = ((unsigned __int128)hi << 64) | u;
		char digits[48];
		int n = 0;

		do {
			digits[n++] = (char)('0' + (int)(v % 10));
			v /= 10;
		} while (v);
		while (n)
			sb_addc(out, digits[--n]);
		return;
	}
	memcpy(&u, p, l->size);
	if (hex) {
		sb_addf(out, "0x%" PRIx64, u);
		return;
	}
	switch (l->kind) {
	case LANE_BF16:
	case LANE_HALF:
		format_short_float((uint16_t)u, l->kind == LANE_BF16, out);
		return;
	case LANE_FLOAT:
		vfloat_format(p, l->size, out);
		return;
	default:
		if (l->size < 8 && (u >> (l->size * 8 - 1)) & 1)
			u |= ~0ull << (l->size * 8);
		sb_addf(out, "%" PRId64, (int64_t)u);
	}
}

/* The lanes of one member, runs of equal ones folded as gdb folds them. */
static void format_lanes(const struct lane *l, const unsigned char b[16], bool hex,
			 struct strbuf *out)
{
	unsigned n = 16 / l->size;

	sb_addc(out, '{');
	for (unsigned i = 0; i < n;) {
		unsigned run = 1;

		while (i + run < n &&
		       memcmp(b + i * l->size, b + (i + run) * l->size, l->size) == 0)
			run++;
		sb_add(out, i ? ", " : "");
		if (run > REPEAT_THRESHOLD) {
			format_lane(l, b + i * l->size, hex, out);
			sb_addf(out, " <repeats %u times>", run);
			i += run;
			continue;
		}
		format_lane(l, b + i * l->size, hex, out);
		i++;
	}
	sb_addc(out, '}');
}

void value_format_vector(const unsigned char bytes[16], bool hex, struct strbuf *out)
{
	sb_addc(out, '{');
	for (size_t i = 0; i < sizeof(lanes) / sizeof(lanes[0]); i++) {
		sb_addf(out, "%s%s = ", i ? ", " : "", lanes[i].name);
		if (lanes[i].kind == LANE_UINT128)
			format_lane(&lanes[i], bytes, hex, out);
		else
			format_lanes(&lanes[i], bytes, hex, out);
	}
	sb_addc(out, '}');
}

void vvreg_format(const struct value *v, char fmt, struct strbuf *out)
{
	unsigned char b[16];

	get_bytes(v, b);
	value_format_vector(b, fmt == 'x', out);
}

void value_format_x87(const unsigned char bytes[10], struct strbuf *out)
{
	unsigned char b[16] = { 0 };

	memcpy(b, bytes, 10);
	vfloat_format(b, 16, out);
}
