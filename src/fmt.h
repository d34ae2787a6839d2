/* fmt.h - parse /FMT suffixes: x/NFU (count, format letter, unit size) */
#ifndef LURK_FMT_H
#define LURK_FMT_H

#include <stdbool.h>

struct xfmt {
	unsigned count; /* 1 when not given */
	char format;	/* x d u o t c s a i, or 0 when not given */
	unsigned unit;	/* 1 2 4 8 bytes, or 0 when not given */
	bool has_count;
};

/* Formats x accepts, for messages and the man page. */
#define FMT_X_FORMATS "xduotfcsai"

/*
 * Parse "4xg", "s", "10c", "2gx" (count first, then format and unit letters
 * in any order: b h w g). Returns 0, or -1 with err set ("unknown format
 * letter 'q' (use one of x d u o t c s a)").
 */
int fmt_parse_x(const char *spec, struct xfmt *f);
/* The letter of a unit size: b h w g for 1 2 4 8 bytes. */
char fmt_unit_letter(unsigned unit);

#endif
