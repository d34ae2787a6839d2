/* pynav.c - moving through the Python frames of the selected thread: py up, down and frame */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py.h"

/*
 * Columns as an editor counts them, from 1, the end included: the table's
 * are 0-based byte offsets with the end excluded. A range over several lines
 * names its last line too.
 */
static void column_range(const struct py_position *pos, char *buf, size_t len)
{
	if (pos->col < 0 || pos->end_col < 0)
		snprintf(buf, len, "%s", "");
	else if (pos->end_line != pos->line)
		snprintf(buf, len, ":%d-%d:%d", pos->col + 1, pos->end_line, pos->end_col);
	else
		snprintf(buf, len, ":%d-%d", pos->col + 1, pos->end_col);
}

void py_frame_print(const struct py *py, int thread, int level, const struct py_frame *f,
		    bool columns)
{
	struct lurk_record *r = api->record_new(py->self);
	struct py_position pos = { 0, 0, -1, -1 };
	char wraps[600] = "", cols[48] = "";

	if (f->wraps[0])
		snprintf(wraps, sizeof wraps, " [wraps %s]", f->wraps);
	/* The position is of the instruction running: the line shown stays the frame's line. */
	if (columns && py_code_position(py, f->code, f->instr, &pos) == 0 && pos.line == f->line)
		column_range(&pos, cols, sizeof cols);
	api->record_str(r, "kind", "frame");
	api->record_int(r, "thread", thread);
	api->record_int(r, "level", level);
	api->record_str(r, "function", f->name);
	api->record_str(r, "qualname", f->qualname);
	api->record_str(r, "file", f->file);
	api->record_int(r, "line", f->line);
	if (f->wraps[0])
		api->record_str(r, "wraps", f->wraps);
	if (cols[0]) {
		api->record_int(r, "column", pos.col + 1);
		api->record_int(r, "end_line", pos.end_line);
		api->record_int(r, "end_column", pos.end_col);
	}
	api->record_emit(py->self, r, "#%-2d %s%s at %s:%d%s", level, f->name, wraps, f->file,
			 f->line, cols);
}

static int count_frame(void *arg, const struct py_frame *f)
{
	(void)f;
	++*(int *)arg;
	return 0;
}

/* The frames of the selected thread: how many, or -1 (api->error set). */
static int frame_count(const struct py *py)
{
	struct py_thread t;
	int thread = api->selected_thread(py->self), n = 0;

	if (py->l->free_threaded) {
		api->error(py->self, "py frame selection does not read a free-threaded build");
		return -1;
	}
	if (py_thread_find(py, thread, -1, &t) < 0) {
		api->error(py->self, "thread %d is not a Python thread", thread);
		return -1;
	}
	py_frames_each(py, &t, count_frame, &n, NULL);
	if (!n) {
		api->error(py->self, "thread %d has no Python frames", thread);
		return -1;
	}
	return n;
}

/* A count or frame number: 0 and *n, or -1 (api->error set) naming the usage. */
static int parse_number(const struct py *py, const char *args, int fallback, int *n,
			const char *usage)
{
	char *end;
	long v;

	if (!*args) {
		*n = fallback;
		return 0;
	}
	v = strtol(args, &end, 10);
	if (*end || end == args || v < 0 || v > PY_MAX_FRAMES) {
		api->error(py->self, "\"%s\" is not a frame number; usage: %s", args, usage);
		return -1;
	}
	*n = (int)v;
	return 0;
}

static int select_and_print(const struct py *py, int index)
{
	struct py_thread t;
	struct py_frame f;

	py_select_index(py, index);
	if (py_selected_frame(py, &t, &f, &index) < 0)
		return -1;
	py_frame_print(py, api->selected_thread(py->self), index, &f, false);
	return 0;
}

/* As gdb's up and down: a count past the end stops at the end; none left to move is an error. */
int py_up(const struct py *py, const char *args)
{
	int n, count, at;

	if (parse_number(py, args, 1, &n, "py up [N]") < 0 || (count = frame_count(py)) < 0)
		return -1;
	at = py_selected_index(py);
	if (n && at + 1 >= count) {
		api->error(py->self, "initial frame selected; you cannot go up");
		return -1;
	}
	return select_and_print(py, at + n < count ? at + n : count - 1);
}

int py_down(const struct py *py, const char *args)
{
	int n, at;

	if (parse_number(py, args, 1, &n, "py down [N]") < 0 || frame_count(py) < 0)
		return -1;
	at = py_selected_index(py);
	if (n && at == 0) {
		api->error(py->self, "bottom (innermost) frame selected; you cannot go down");
		return -1;
	}
	return select_and_print(py, at > n ? at - n : 0);
}

int py_frame(const struct py *py, const char *args)
{
	int n, count;

	if ((count = frame_count(py)) < 0 ||
	    parse_number(py, args, py_selected_index(py), &n, "py frame [N]") < 0)
		return -1;
	if (n >= count) {
		api->error(py->self, "thread %d has no Python frame %d (it has %d)",
			   api->selected_thread(py->self), n, count);
		return -1;
	}
	return select_and_print(py, n);
}
