/* tsc.c - the time stamp counter (rdtsc) turned into the clock's nanoseconds */
#include "tsc.h"
#include "util.h"

uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void tsc_calibrate(struct tsc_clock *c)
{
	if (!c->tsc0) {
		c->tsc0 = tsc_read();
		c->ns0 = now_ns();
		while (now_ns() - c->ns0 < 2000000)
			;
		c->tsc1 = tsc_read();
		c->ns1 = now_ns();
		return;
	}
	/* The longer apart the readings, the truer the rate. */
	if (now_ns() - c->ns1 > 100000000) {
		c->tsc1 = tsc_read();
		c->ns1 = now_ns();
	}
}

uint64_t tsc_ns(const struct tsc_clock *c, uint64_t tsc)
{
	double per = (double)(c->ns1 - c->ns0) / (double)(c->tsc1 - c->tsc0);

	return tsc >= c->tsc0 ? c->ns0 + (uint64_t)((double)(tsc - c->tsc0) * per)
			      : c->ns0 - (uint64_t)((double)(c->tsc0 - tsc) * per);
}
