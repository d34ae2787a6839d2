/* listing.h - instruction listings shared by disassemble and x/i */
#ifndef LURK_LISTING_H
#define LURK_LISTING_H

#include <stdbool.h>
#include <stdint.h>

struct out;
struct rec;
struct session;

struct listing_opts {
	bool raw_bytes;	    /* /r: the instruction bytes */
	bool source;	    /* /s: source lines before the instructions they became */
	bool func_relative; /* "<+8>" labels: the whole listing is one function */
	bool has_pc;
	uint64_t pc; /* marked "=>" */
};

/*
 * Decode instructions from start, up to end (when end > start) or count of
 * them, into rec's "insns" array. *next is where the listing stopped.
 * Returns 0, or -1 with err set when not even the first instruction could
 * be read or decoded (later failures end the listing early with a note).
 */
int listing_build(struct session *s, uint64_t start, uint64_t end, unsigned count,
		  const struct listing_opts *opts, struct rec *rec, uint64_t *next);
void listing_render(struct out *o, const struct rec *rec);

#endif
