/* pyloc.c - where an instruction of a code object is in its source: the 3.11+ location table */
#include <stdio.h>

#include "py.h"

/*
 * co_linetable (Objects/locations.md in CPython): one entry per run of
 * code units. Its first byte has the top bit set, a 4-bit kind and the
 * run's length less one in its low 3 bits. Kinds 0-9 (short form) keep
 * the line and give the columns in one more byte, 10-12 move the line by
 * 0-2 and give both columns in a byte each, 13 moves the line and has no
 * columns, 14 gives everything as varints, 15 has no location at all.
 */
struct loc_reader {
	const unsigned char *p, *end;
};

static int next_byte(struct loc_reader *r)
{
	return r->p < r->end ? *r->p++ : -1;
}

/* 6-bit chunks, least significant first, 0x40 = more follow. */
static int64_t varint(struct loc_reader *r)
{
	int b = next_byte(r);
	int64_t v;
	unsigned shift = 6;

	if (b < 0)
		return -1;
	v = b & 63;
	while (b & 64) {
		if ((b = next_byte(r)) < 0 || shift > 48)
			return -1;
		v |= (int64_t)(b & 63) << shift;
		shift += 6;
	}
	return v;
}

static int64_t svarint(struct loc_reader *r)
{
	int64_t u = varint(r);

	return u < 0 ? 0 : (u & 1) ? -(u >> 1) : u >> 1;
}

int py_code_position(const struct py *py, uint64_t code, int instr, struct py_position *pos)
{
	static unsigned char table[65536];
	struct loc_reader r;
	int firstline = 0, line;
	size_t n;
	uint64_t linetable = 0;
	int64_t addr = 0;

	*pos = (struct py_position){ 0, 0, -1, -1 };
	if (py_read(py, code + py->l->co_firstlineno, &firstline, sizeof(firstline)) < 0)
		return -1;
	if (instr < 0) {
		pos->line = pos->end_line = firstline;
		return 0;
	}
	if (py_ptr(py, code + py->l->co_linetable, &linetable) < 0 ||
	    py_bytes_read(py, linetable, table, sizeof table, &n) < 0)
		return -1;
	r = (struct loc_reader){ table, table + n };
	line = firstline;
	while (r.p < r.end) {
		int first = next_byte(&r), kind = (first >> 3) & 15, len = (first & 7) + 1;
		int end_line = 0, col = -1, end_col = -1, b;

		if (!(first & 0x80))
			return -1; /* not the start of an entry: a table this code does not know */
		switch (kind) {
		case 15:
			break;
		case 14:
			line += (int)svarint(&r);
			end_line = line + (int)varint(&r);
			col = (int)varint(&r) - 1;
			end_col = (int)varint(&r) - 1;
			break;
		case 13:
			line += (int)svarint(&r);
			break;
		case 10:
		case 11:
		case 12:
			line += kind - 10;
			col = next_byte(&r);
			end_col = next_byte(&r);
			break;
		default:
			b = next_byte(&r);
			if (b >= 0) {
				col = kind * 8 + ((b >> 4) & 7);
				end_col = col + (b & 15);
			}
			break;
		}
		if (instr >= addr && instr < addr + len) {
			if (kind == 15)
				return 0;
			pos->line = line;
			pos->end_line = end_line ? end_line : line;
			pos->col = col;
			pos->end_col = end_col;
			return 0;
		}
		addr += len;
	}
	return 0;
}
