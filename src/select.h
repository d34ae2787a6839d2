/* select.h - the thread and frame the user is looking at, checked against the live target */
#ifndef LURK_SELECT_H
#define LURK_SELECT_H

struct frame;
struct frame_ctx;
struct session;
struct thread;

/* The selected thread (the first one if the selection went away), or NULL with err set. */
struct thread *select_thread(struct session *s);
/*
 * The selected frame of the selected thread: returns its level, with *th,
 * *frames and *n set (frames cached for this stop), or -1 with err set.
 */
int select_frame(struct session *s, struct thread **th, const struct frame **frames, int *n);

/*
 * The selected frame as the value engine takes it. With no program running
 * (or no thread left) the context has no thread: numbers and globals still
 * evaluate. Selecting frame 0 unwinds nothing.
 */
void select_frame_ctx(struct session *s, struct frame_ctx *fc);

/* Select logical frame index of the selected frame (frame N.M), or none (-1). */
void select_logical(struct session *s, int index);
/* The logical frame selected inside the selected frame, or -1 when none is. */
int select_logical_index(const struct session *s);

#endif
