/* loc.h - LOC specs (FUNC, FILE:LINE, LINE, *ADDR, LIB:FUNC) to code addresses */
#ifndef LURK_LOC_H
#define LURK_LOC_H

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
 * start of the line's code in each function (LINE is in the selected
 * frame's file, else main's); *ADDR: exactly ADDR; LIB:FUNC: FUNC in that
 * module only. Returns the count (> 0), 0 when nothing loaded matches (err
 * says what was looked for: the spec may match a library loaded later), or
 * -1 with err set for a malformed spec.
 */
int loc_resolve(struct session *s, const char *spec, struct loc_list *out);
void loc_list_free(struct loc_list *l);

#endif
