/* watch.h - watchpoints: an object in memory watched in debug registers or in software */
#ifndef LURK_WATCH_H
#define LURK_WATCH_H

#include <stdbool.h>

#include "brk.h"
#include "session.h"

struct stop_event;

/*
 * A watchpoint on the object expr names (an lvalue in memory), in every
 * thread: in debug registers where they fire and the object fits the free
 * ones, else a software watchpoint (target_sw_add). Returns it, or NULL
 * with err set: not an lvalue, not mapped, too large, no process.
 */
struct brk *watch_create(struct session *s, const char *expr, enum brk_type type, const char *cond,
			 bool location);
/*
 * A stop at the trap that ends a local watchpoint's scope: the watchpoint is
 * deleted (the user is told, as gdb does) when the frame has returned; true
 * when the stop was that trap (*deleted: the program should stop and say
 * so). A software watchpoint whose memory the program unmapped ends the
 * same way.
 */
bool watch_scope_stop(struct session *s, const struct stop_event *ev, bool *deleted);
/*
 * A watchpoint's debug register fired, or the target's software watch saw
 * its bytes change (or be read): does the program stop, and for which (*b)?
 * The stop's old and new values go to the session for its report.
 */
enum brk_verdict watch_judge(struct session *s, const struct stop_event *ev, struct brk **b);
/* A watchpoint is an address in one process: it ends with the process, and at an exec. */
void watch_lifecycle(struct session *s, enum session_event ev);

#endif
