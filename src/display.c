/* display.c - expressions shown each time the program stops (display, undisplay) */
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "err.h"
#include "frame.h"
#include "rec.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "util.h"
#include "value.h"

struct rec *display_value(struct session *s, const struct display *d)
{
	struct strbuf text = STRBUF_INIT;
	struct frame_ctx fc;
	struct value *v;
	struct rec *rec = rec_obj();

	select_frame_ctx(s, &fc);
	v = value_eval(&fc, d->expr);
	if (!v || value_format_print(&fc, v, d->fmt == 'f' ? 0 : d->fmt, &text) < 0) {
		sb_reset(&text);
		sb_addf(&text, "<error: %s>", err_get());
		err_clear();
	}
	value_free(v);
	rec_set_int(rec, "number", d->num);
	rec_set_str(rec, "expr", d->expr);
	if (d->fmt)
		rec_set_strf(rec, "format", "%c", d->fmt);
	rec_set_str(rec, "value", sb_str(&text));
	sb_free(&text);
	return rec;
}

bool display_shown(struct session *s)
{
	return target_live(s->target) && !target_running(s->target);
}

int display_add(struct session *s, const struct display *d, const char *expr)
{
	struct display *n;

	VEC_GROW(s->displays, s->ndisplays, s->displays_cap);
	n = &s->displays[s->ndisplays++];
	*n = *d;
	n->num = ++s->display_next;
	n->expr = xstrdup(expr);
	return n->num;
}

int display_remove(struct session *s, int num)
{
	for (size_t i = 0; i < s->ndisplays; i++) {
		if (s->displays[i].num != num)
			continue;
		free(s->displays[i].expr);
		memmove(&s->displays[i], &s->displays[i + 1],
			(s->ndisplays - i - 1) * sizeof(s->displays[0]));
		s->ndisplays--;
		return 0;
	}
	err_set("no display %d (see \"info display\")", num);
	return -1;
}

void display_clear(struct session *s)
{
	for (size_t i = 0; i < s->ndisplays; i++)
		free(s->displays[i].expr);
	free(s->displays);
	s->displays = NULL;
	s->ndisplays = s->displays_cap = 0;
}

void display_lifecycle(struct session *s, enum session_event ev)
{
	if (ev == SESSION_END)
		display_clear(s);
}
