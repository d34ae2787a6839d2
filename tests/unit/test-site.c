/* test-site.c - breakpoint sites: lookup among many, hiding traps from readers, removal */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site.h"
#include "check.h"
#include "regs.h"

#define AREA  4096
#define SITES 600

/*
 * Sites go into this process's own heap (lurk writes through /proc/PID/mem,
 * which a process may do to itself): no child, no ptrace.
 */
static unsigned char *area;
static unsigned char pristine[AREA];

static uint64_t at(size_t off)
{
	return (uint64_t)(uintptr_t)(area + off);
}

static void many_sites(void)
{
	const struct arch *a = arch_host();
	struct site_table bs;
	size_t offs[SITES];
	unsigned char view[AREA];
	pid_t me = getpid();

	area = malloc(AREA);
	for (size_t i = 0; i < AREA; i++)
		area[i] = pristine[i] = (unsigned char)(i * 7 + 3);
	/* Every fifth byte, inserted in a shuffled order. */
	for (size_t i = 0; i < SITES; i++)
		offs[i] = i * 5 + 1;
	srand(7);
	for (size_t i = SITES - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1), t = offs[i];

		offs[i] = offs[j];
		offs[j] = t;
	}
	site_table_init(&bs, a);
	for (size_t i = 0; i < SITES; i++)
		CHECK(site_add(&bs, me, me, at(offs[i])) == 0);
	/* A second reference to a site changes nothing in memory. */
	CHECK(site_add(&bs, me, me, at(offs[0])) == 0);
	CHECK(bs.n == SITES);

	for (size_t i = 0; i < SITES; i++) {
		const struct site *s = site_at(&bs, at(offs[i]));

		CHECK(s && s->addr == at(offs[i]) && s->orig[0] == pristine[offs[i]]);
		CHECK(memcmp(area + offs[i], a->trap, a->trap_len) == 0);
		/* The bytes between sites are no sites. */
		CHECK(!site_at(&bs, at(offs[i] + 2)));
	}
	CHECK(!site_at(&bs, at(0)) && !site_at(&bs, at(AREA - 1)));

	/* Readers see the original bytes, for any window over the sites. */
	memcpy(view, area, AREA);
	site_hide(&bs, at(0), view, AREA);
	CHECK(memcmp(view, pristine, AREA) == 0);
	memcpy(view, area + 11, 9);
	site_hide(&bs, at(11), view, 9);
	CHECK(memcmp(view, pristine + 11, 9) == 0);
	memcpy(view, area + 16, 1);
	site_hide(&bs, at(16), view, 1);
	CHECK(view[0] == pristine[16]);

	/* Drop the shuffled first half; the other half stays, in place. */
	CHECK(site_del(&bs, me, me, at(offs[0])) == 0); /* the extra reference */
	for (size_t i = 0; i < SITES / 2; i++)
		CHECK(site_del(&bs, me, me, at(offs[i])) == 0);
	CHECK(bs.n == SITES - SITES / 2);
	for (size_t i = 0; i < SITES; i++) {
		bool kept = i >= SITES / 2;

		CHECK(!!site_at(&bs, at(offs[i])) == kept);
		CHECK(kept ? area[offs[i]] == a->trap[0] : area[offs[i]] == pristine[offs[i]]);
	}
	CHECK(site_del(&bs, me, me, at(offs[0])) < 0); /* no longer a site */

	CHECK(site_remove_all(&bs, me, me) == 0);
	CHECK(bs.n == 0 && memcmp(area, pristine, AREA) == 0);
	site_table_free(&bs);
	free(area);
}

int main(void)
{
	many_sites();
	CHECK_DONE();
}
