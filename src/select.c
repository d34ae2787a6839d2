/* select.c - the thread and frame the user is looking at */
#include "err.h"
#include "frame.h"
#include "select.h"
#include "session.h"
#include "target.h"

struct thread *select_thread(struct session *s)
{
	struct thread *th;

	if (!target_live(s->target)) {
		err_set("the program is not being run");
		return NULL;
	}
	th = target_thread_num(s->target, s->cur_thread);
	if (!th || target_th_exiting(th)) {
		/* The selected thread exited: fall back to the first live one. */
		for (size_t i = 0; i < target_nthreads(s->target); i++) {
			th = target_thread_at(s->target, i);
			if (!target_th_exiting(th))
				break;
		}
		if (!th) {
			err_set("the process has no threads");
			return NULL;
		}
		s->cur_thread = target_th_num(th);
		s->cur_frame = 0;
	}
	return th;
}

int select_frame(struct session *s, struct thread **th, const struct frame **frames, int *n)
{
	*th = select_thread(s);
	if (!*th)
		return -1;
	*n = target_frames(s->target, *th, frames);
	if (*n < 0)
		return -1;
	if (s->cur_frame >= *n || s->cur_frame < 0)
		s->cur_frame = 0;
	return s->cur_frame;
}

void select_frame_ctx(struct session *s, struct frame_ctx *fc)
{
	struct thread *th;
	const struct frame *frames;
	int n;

	fc->target = s->target;
	fc->thread = NULL;
	fc->level = 0;
	if (s->cur_frame == 0) {
		fc->thread = select_thread(s);
		fc->level = s->cur_frame;
	} else if (select_frame(s, &th, &frames, &n) >= 0) {
		fc->thread = th;
		fc->level = s->cur_frame;
	}
	if (!fc->thread)
		err_clear();
}

void select_logical(struct session *s, int index)
{
	s->cur_logical.set = index >= 0;
	s->cur_logical.thread = s->cur_thread;
	s->cur_logical.level = s->cur_frame;
	s->cur_logical.index = index;
	s->cur_logical.epoch = target_epoch(s->target);
}

int select_logical_index(const struct session *s)
{
	/* Any other selection, or a resume, leaves the logical frame behind. */
	if (!s->cur_logical.set || s->cur_logical.thread != s->cur_thread ||
	    s->cur_logical.level != s->cur_frame || s->cur_logical.epoch != target_epoch(s->target))
		return -1;
	return s->cur_logical.index;
}
