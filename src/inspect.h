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

struct lurk_logical_frame;

/* How a profile's sample names a frame (inspect_names). */
struct inspect_names {
	bool elided;	 /* an inspector hides it as plumbing */
	size_t nlogical; /* logical frames given to add, innermost first */
	char name[256];	 /* else: the name a describe hook gives it, else its symbol's, or "" */
	bool looked_up;	 /* its symbol was looked for (name "": it has none) */
};

/*
 * inspect_elide, then inspect_frame's expansion, then its renaming (or
 * the frame's symbol, looked up once for both), with frames that carry
 * names only: a line-table search per frame and sample
 * would cost more than the rest of a profile's sample.
 */
void inspect_names(struct session *s, const struct thread *th, const struct frame *f, int level,
		   void (*add)(void *arg, const struct lurk_logical_frame *lf), void *arg,
		   struct inspect_names *out);

/*
 * With every thread stopped and the target frozen (target_freeze): let
 * the inspectors add the memory their hooks will read to the copy.
 */
void inspect_sample_memory(struct session *s);

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
/* Whether an inspector describes the traced calls of function (in module). */
bool inspect_claims_call(struct session *s, const char *module, const char *function);

#endif
