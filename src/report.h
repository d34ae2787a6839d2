/* report.h - results several command groups share: frames, thread tables, stop events, notices */
#ifndef LURK_REPORT_H
#define LURK_REPORT_H

#include <stdbool.h>

#include "rec.h"
#include "target.h"

struct frame;
struct out;
struct session;
struct session_news;

/* Every function here renders: none changes the session or the target's state. */

/*
 * A frame of thread th as a result object: level, addr, func, offset, file,
 * line, module, unwound_by; with th, args (name and value, as print
 * frame-arguments says) when its debug information lists them, and what
 * inspectors add (note, native_func, logical frames) unless the session
 * shows raw frames.
 */
struct rec *report_frame(const struct session *s, const struct thread *th, const struct frame *f,
			 int level);
/* "#3  0x000055d0c0a1b2c4 in lock_inner (m=0x4040a0 <big>) at hang8.c:42" */
void report_render_frame(struct out *o, const struct rec *frame);
/* Logical frame i of frame (bt's #N.i) on a line of its own; nothing if it has none. */
void report_render_logical(struct out *o, const struct rec *frame, size_t i);
/* The frame line followed by its source line when the file is readable. */
void report_render_frame_source(struct out *o, const struct rec *frame);

/* Add "source": the text of the frame's line, when readable. */
void report_add_source(struct rec *frame);

/* "Thread 2 (tid 4712) \"worker\"" as fields thread/tid/name of rec. */
void report_thread_fields(const struct session *s, struct rec *rec, const struct thread *th);

/* Every thread: number, tid, name, state, frame 0. Emitted as command cmd. */
void report_threads(const struct session *s, const char *cmd, const char *heading);

/*
 * Report a stop stop_apply() applied: what happened, the thread and where
 * it is. brk: the user breakpoint it hit, or 0.
 */
void report_stop(const struct session *s, const char *cmd, const struct stop_event *ev, int brk);

/* What the target noticed on its own: threads, exec, forks, signals passed. */
void report_notice(const struct session *s, const struct target_notice *n);

/* What the layers below the commands tell the user as they work (s->tell); takes n->rec. */
void report_news(const struct session *s, struct session_news *n);

/* A display's record ("1: x = 5"); takes rec. */
void report_display(const struct session *s, struct rec *rec);

void report_render_help(struct out *o, const struct rec *rec);

#endif
