/* tsc.h - the time stamp counter (rdtsc) turned into the clock's nanoseconds */
#ifndef LURK_TSC_H
#define LURK_TSC_H

#include <stdint.h>

/*
 * Two readings of the counter and of CLOCK_MONOTONIC (now_ns): the rate
 * between them turns the counter the agent's records carry into the
 * clock lurk's trace lines use. The counter is the same on every CPU
 * (constant_tsc), in lurk and in the program.
 */
struct tsc_clock {
	uint64_t tsc0, ns0, tsc1, ns1;
};

uint64_t tsc_read(void);
/* The first call takes two readings 2 ms apart; later ones a new second one when it is old. */
void tsc_calibrate(struct tsc_clock *c);
/* now_ns's time of counter value tsc (tsc_calibrate first). */
uint64_t tsc_ns(const struct tsc_clock *c, uint64_t tsc);

#endif
