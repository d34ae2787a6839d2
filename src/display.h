/* display.h - expressions shown each time the program stops (display, undisplay) */
#ifndef LURK_DISPLAY_H
#define LURK_DISPLAY_H

#include <stdbool.h>

#include "session.h"

struct rec;

/*
 * A display shows a value as print does (fmt 0 or x d u o t c), or, as
 * gdb's display/i and display/4xw, memory as x does: x_format is then
 * set (x d u o t c a s i), with x_count units of x_unit bytes at the
 * address the expression gives.
 */
struct display {
	int num;
	char *expr;
	char fmt;
	char x_format;
	unsigned x_count, x_unit;
};

/*
 * Add expr with d's format (its num and expr are ignored) under the next
 * number (shown at once when the program is stopped). Returns that number.
 */
int display_add(struct session *s, const struct display *d, const char *expr);
/* Remove display num; -1 with err set when there is none. */
int display_remove(struct session *s, int num);
void display_clear(struct session *s);
/* At the session's end the displays are freed. */
void display_lifecycle(struct session *s, enum session_event ev);
/*
 * Display d now: a record of number, expr, format and value (the error,
 * "<error: ...>", when the expression fails). The caller owns it.
 */
struct rec *display_value(struct session *s, const struct display *d);
/* Displays are shown while the program is stopped. */
bool display_shown(struct session *s);

#endif
