/* regs-fp.c - the x87 and SSE control registers of the FXSAVE area, decoded as gdb names them */
#include <stdio.h>
#include <string.h>

#include "regs.h"

static uint64_t get(const struct regs_fp *fp, size_t off, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, fp->raw + off, len);
	return v;
}

/*
 * FXSAVE keeps one bit a register (empty or not); gdb shows the x87's
 * two-bit tags (valid, zero, special, empty) of the physical registers,
 * worked out from each register's contents. st(i) is physical register
 * (top + i) mod 8.
 */
static uint64_t full_tag(const struct regs_fp *fp)
{
	unsigned top = (get(fp, 2, 2) >> 11) & 7, abridged = get(fp, 4, 1), tag = 0;

	for (unsigned phys = 0; phys < 8; phys++) {
		const unsigned char *r = fp->raw + REGS_FP_ST + ((phys - top) & 7) * 16;
		uint64_t mant;
		unsigned exp, t;

		memcpy(&mant, r, 8);
		exp = (r[8] | r[9] << 8) & 0x7fff;
		if (!(abridged & (1u << phys)))
			t = 3;
		else if (exp == 0x7fff)
			t = 2;
		else if (exp == 0)
			t = mant ? 2 : 1;
		else
			t = mant >> 63 ? 0 : 2;
		tag |= t << (2 * phys);
	}
	return tag;
}

static const struct {
	const char *name;
	size_t off, len;
} words[] = {
	{ "fctrl", 0, 2 },  { "fstat", 2, 2 }, { "ftag", 4, 1 },
	{ "fiseg", 12, 2 }, { "fioff", 8, 4 }, { "foseg", 20, 2 },
	{ "fooff", 16, 4 }, { "fop", 6, 2 },   { "mxcsr", REGS_FP_MXCSR, 4 },
};

const char *regs_fp_word_name(size_t i)
{
	return i < sizeof(words) / sizeof(words[0]) ? words[i].name : NULL;
}

int regs_fp_word(const struct regs_fp *fp, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].name, name) != 0)
			continue;
		if (strcmp(name, "ftag") == 0)
			*value = full_tag(fp);
		else if (strcmp(name, "fop") == 0)
			*value = get(fp, 6, 2) & 0x7ff;
		else
			*value = get(fp, words[i].off, words[i].len);
		return 0;
	}
	return -1;
}

void regs_mxcsr_str(uint64_t v, char *buf, size_t len)
{
	static const char *const bits[16] = { "IE", "DE", "ZE", "OE", "UE", "PE", "DAZ", "IM",
					      "DM", "ZM", "OM", "UM", "PM", NULL, NULL,	 "FZ" };
	size_t n = (size_t)snprintf(buf, len, "[");

	for (unsigned i = 0; i < 16 && n < len; i++)
		if (bits[i] && v & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, " %s", bits[i]);
	if (n < len)
		snprintf(buf + n, len - n, " ]");
}
