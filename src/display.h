/* display.h - expressions shown each time the program stops (display, undisplay) */
#ifndef LURK_DISPLAY_H
#define LURK_DISPLAY_H

#include <stdbool.h>

struct session;

struct display {
	int num;
	char *expr;
	char fmt; /* 0 or x d u o t c */
};

/* Add one (shown at once when the program is stopped). Returns its number. */
int display_add(struct session *s, const char *expr, char fmt);
/* Remove display num; -1 with err set when there is none. */
int display_remove(struct session *s, int num);
void display_clear(struct session *s);
/* Show every display ("1: x = 5"); an expression that fails shows its error. */
void display_show_all(struct session *s);
void display_show_one(struct session *s, const struct display *d);

#endif
