/* loc.h - LOC specs (FUNC, FILE:LINE, FILE:FUNC, LINE, +N, -N, *ADDR, LIB:FUNC) to code addresses */
#ifndef LURK_LOC_H
#define LURK_LOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;

struct loc_list {
	uint64_t *addrs;
	size_t n, cap;
};

/*
 * Where spec's code is in the loaded modules. FUNC: after the prologue of
 * every function of that name (one per module); FILE:LINE and LINE: the
 * start of the line's code in each function (after the prologue when that
 * is the function's start; LINE is in the default source file, see
 * loc_pin); +N, -N: N lines after or before the current line; *ADDR:
 * exactly ADDR; LIB:FUNC: FUNC in that module only when LIB names a loaded
 * module, else FILE:FUNC: the functions of that name whose code is in
 * source file FILE. Names and files may be quoted ("add", 'steps.c':20).
 * Returns the count (> 0), 0 when nothing loaded matches (err says what was
 * looked for: the spec may match a library loaded later), or -1 with err
 * set for a malformed spec.
 */
int loc_resolve(struct session *s, const char *spec, struct loc_list *out);
void loc_list_free(struct loc_list *l);

/* Whether spec is LINE, +N or -N: a line of the default source file. */
bool loc_is_relative(const char *spec);
/*
 * spec with the default source file made explicit: LINE, +N and -N become
 * FILE:LINE, in the file of the selected frame when it has source (and
 * frame is true), else the file "list" showed last, else main's file; +N
 * and -N count from that frame's line or the last line listed. Other specs
 * come back as they are. Returns a new string (caller frees), or NULL with
 * err set when there is no default yet (no process, nothing listed).
 */
char *loc_pin(struct session *s, const char *spec, bool frame);
/*
 * For a line spec (LINE, +N, -N, FILE:LINE): the file and line it names
 * (*file: caller frees) and where the code of that line, or of the next
 * line with code, starts, without skipping a prologue (gdb's info line).
 * Returns 1, 0 when spec is not a line spec, or -1 with err set.
 */
int loc_line_start(struct session *s, const char *spec, char **file, int *line, uint64_t *addr);

#endif
