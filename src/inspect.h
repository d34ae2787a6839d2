/* inspect.h - inspectors at work: the frames and locations plugins claim */
#ifndef LURK_INSPECT_H
#define LURK_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame;
struct rec;
struct session;
struct thread;

/*
 * Let the inspectors that claim frame f (level of thread th) describe it
 * (rename: "func" becomes the new name, "native_func" keeps the old one;
 * annotate: "note") and expand it ("logical": the frames shown in its
 * place). Does nothing when no inspector claims it or s->raw_frames is set.
 */
void inspect_frame(const struct session *s, const struct thread *th, const struct frame *f,
		   int level, struct rec *rec);

/* Whether an inspector hides this frame from bt (never when s->raw_frames). */
bool inspect_elide(struct session *s, const struct thread *th, const struct frame *f, int level);

/*
 * Ask the inspectors with a resolve hook for the code addresses location
 * stands for; add is called for each. Returns how many were added (0 when
 * none knows it).
 */
int inspect_resolve(struct session *s, const char *location, void (*add)(void *arg, uint64_t addr),
		    void *arg);

struct lurk_call;

/*
 * Let the first inspector that claims call's function describe a traced
 * call: name (empty: keep the function's) and note (its arguments at the
 * start, its value at the return). False when none claims it or all decline.
 */
bool inspect_call(struct session *s, const struct lurk_call *call, char *name, size_t name_len,
		  char *note, size_t note_len);

#endif
