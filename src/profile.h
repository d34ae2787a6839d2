/* profile.h - sampling profiles: stop, unwind every thread, resume, at a steady rate */
#ifndef LURK_PROFILE_H
#define LURK_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

struct rec;
struct session;
struct stop;

/* The longest profile: a day, so a typo (seconds for milliseconds) cannot hang a script. */
#define PROFILE_MAX_SECONDS 86400

struct profile_opts {
	double seconds;	      /* how long to sample */
	int hz;		      /* samples per second */
	const char *out_path; /* folded stacks, or NULL */
	size_t top;	      /* how many functions the table lists */
	bool logical_only;    /* only the frames inspectors show in place of native
				 ones (Python's); threads without any are left out */
	bool active_only;     /* leave out threads sleeping in a system call */
};

/*
 * Let the program run for o->seconds, stopping every thread o->hz times a
 * second to record its stack, then leave it stopped. A stop for another
 * reason (a breakpoint, the program's end, Ctrl-C) ends sampling early:
 * *stopped gets it, applied, for the caller to report (reason STOP_NONE:
 * there was none), even when the profile then fails. *out gets the result:
 * samples, the hottest functions by self and total share, and the share of
 * time the program spent stopped. Returns 0, or -1 with err set.
 */
int profile_run(struct session *s, const struct profile_opts *o, struct rec **out,
		struct stop *stopped);

#endif
