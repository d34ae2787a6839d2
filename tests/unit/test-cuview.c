/* test-cuview.c - every address range of a file finds, through a view, the unit and line libdw finds */
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "cuview.h"

struct probe {
	Dwarf_Addr addr;
	Dwarf_Off unit_die; /* what libdw's own lookup says */
	int line;
};

static char *debuginfo_path;
static const Dwfl_Callbacks offline = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int line_of(Dwarf_Die *cu, Dwarf_Addr addr)
{
	Dwarf_Line *l = dwarf_getsrc_die(cu, addr);
	int line = 0;

	return l && dwarf_lineno(l, &line) == 0 ? line : -1;
}

/* The start and the last byte of each range of .debug_aranges, as plain libdw sees them. */
static size_t collect(const char *path, struct probe **out)
{
	int fd = open(path, O_RDONLY);
	Dwarf *dw = fd >= 0 ? dwarf_begin(fd, DWARF_C_READ) : NULL;
	Dwarf_Aranges *ar;
	size_t n = 0, k = 0;

	if (!dw || dwarf_getaranges(dw, &ar, &n) != 0) {
		if (dw)
			dwarf_end(dw);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	*out = calloc(2 * n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr start, at[2];
		Dwarf_Word len;
		Dwarf_Off off;
		Dwarf_Die cu;

		if (dwarf_getarangeinfo(dwarf_onearange(ar, i), &start, &len, &off) != 0 || !len)
			continue;
		at[0] = start;
		at[1] = start + len - 1;
		for (int j = 0; j < 2; j++) {
			if (!dwarf_addrdie(dw, at[j], &cu))
				continue;
			(*out)[k].addr = at[j];
			(*out)[k].unit_die = dwarf_dieoffset(&cu);
			(*out)[k].line = line_of(&cu, at[j]);
			k++;
		}
	}
	dwarf_end(dw);
	close(fd);
	return k;
}

/*
 * Every probe's unit, in the order given: the view's unit is libdw's, or
 * (only when fallback_ok) the view leaves it to libdwfl. Returns how many
 * the view served.
 */
static size_t check_order(struct cuview *v, const struct probe *p, const size_t *order, size_t n,
			  bool fallback_ok)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		const struct probe *q = &p[order[i]];
		Dwarf_Die cu;
		enum cuview_result r = cuview_unit_at(v, q->addr, &cu);

		CHECK(r == CUVIEW_FOUND || (fallback_ok && r == CUVIEW_FALLBACK));
		if (r != CUVIEW_FOUND)
			continue;
		found++;
		CHECK_U64(dwarf_dieoffset(&cu), q->unit_die);
		CHECK(line_of(&cu, q->addr) == q->line);
		/* The unit alone in the lines handle: the same unit, the same line. */
		CHECK(cuview_lines_unit_at(v, q->addr, &cu) == CUVIEW_FOUND);
		CHECK_U64(dwarf_dieoffset(&cu), q->unit_die);
		CHECK(line_of(&cu, q->addr) == q->line);
	}
	return found;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/self/exe"; /* meson gives lurk */
	Dwfl *dwfl = dwfl_begin(&offline);
	Dwfl_Module *dm = dwfl ? dwfl_report_offline(dwfl, "self", path, -1) : NULL;
	struct probe *p = NULL;
	size_t n = collect(path, &p), *order, found;
	struct cuview *v;
	Dwarf_Die cu;

	dwfl_report_end(dwfl, NULL, NULL);
	CHECK(dm != NULL);
	/* lurk itself: dozens of units. */
	CHECK(n > 40);
	if (!dm || n == 0)
		return 1;
	order = calloc(n, sizeof(*order));

	/*
	 * Highest address first: each unit lies before every unit read so
	 * far, so each needs a Dwarf handle of its own; past the view's limit
	 * of handles the rest are left to libdwfl.
	 */
	v = cuview_open(dm);
	CHECK(v != NULL);
	for (size_t i = 0; i < n; i++)
		order[i] = n - 1 - i;
	found = check_order(v, p, order, n, true);
	CHECK(found >= 16 && found < n);
	/* Asked again, the same answers. */
	CHECK(check_order(v, p, order, n, true) == found);
	cuview_free(v);

	/* In address order one handle serves them all; then shuffled (a fixed seed). */
	v = cuview_open(dm);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	check_order(v, p, order, n, false);
	cuview_free(v);
	v = cuview_open(dm);
	srand(7);
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rand() % i, t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	check_order(v, p, order, n, true);

	/* No unit holds address 0 or the top of the address space. */
	CHECK(cuview_unit_at(v, 0, &cu) == CUVIEW_NO_UNIT);
	CHECK(cuview_unit_at(v, ~(uint64_t)0, &cu) == CUVIEW_NO_UNIT);
	cuview_free(v);
	free(order);
	free(p);
	dwfl_end(dwfl);
	return check_failures ? 1 : 0;
}
