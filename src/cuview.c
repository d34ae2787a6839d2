/* cuview.c - the compilation unit at an address, read without reading the units before it */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cuview.h"
#include "log.h"
#include "util.h"

/*
 * One address range of .debug_aranges and the unit (header offset) it
 * belongs to: 16 bytes, as libc's 2,000 ranges are all kept. A file with a
 * larger range or unit offset gets no view.
 */
struct unit_range {
	uint64_t low;
	uint32_t size;
	uint32_t unit;
};

/* A Dwarf handle of the view and the offset of the next unit header libdw will read in it. */
struct handle {
	Dwarf *dw;
	uint64_t next;
};

struct served {
	uint64_t unit;
	bool fallback; /* the view cannot serve it */
	Dwarf_Die die;
};

struct cuview {
	unsigned char *map; /* the file, private and writable: the patches stay ours */
	size_t size;
	Elf *elf;
	unsigned char *info; /* .debug_info in map */
	uint64_t info_size;
	struct unit_range *ranges; /* by low address */
	size_t nranges;
	struct handle *handles;
	size_t nhandles, handles_cap;
	struct served *served;
	size_t nserved, served_cap;
	struct handle lines; /* cuview_lines_unit_at's handle, for lines_unit alone */
	uint64_t lines_unit;
	Dwarf_Die lines_die;
};

static uint64_t read_u(const unsigned char *p, unsigned size)
{
	uint64_t v = 0;

	/* Little-endian only: cuview_open refuses other files. */
	for (unsigned i = size; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* Heapsort by low address, in place: qsort() would allocate a copy as large. */
static void sift_down(struct unit_range *r, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct unit_range t;

		if (child >= n)
			return;
		if (child + 1 < n && r[child + 1].low > r[child].low)
			child++;
		if (r[root].low >= r[child].low)
			return;
		t = r[root];
		r[root] = r[child];
		r[child] = t;
		root = child;
	}
}

static void sort_ranges(struct unit_range *r, size_t n)
{
	for (size_t i = n / 2; i > 0; i--)
		sift_down(r, i - 1, n);
	for (size_t end = n; end > 1; end--) {
		struct unit_range t = r[0];

		r[0] = r[end - 1];
		r[end - 1] = t;
		sift_down(r, 0, end - 1);
	}
}

/*
 * The sets of .debug_aranges (DWARF 5, 6.1.2): a header naming the unit,
 * then (address, length) pairs aligned to their own size, ending with a
 * pair of zeros. Anything malformed ends the parse with what was read.
 */
static void read_aranges(struct cuview *v, const unsigned char *p, uint64_t size)
{
	uint64_t at = 0;

	/* At most one range per 8 bytes (4-byte addresses); only the pages filled are touched. */
	v->ranges = xmalloc((size / 8 + 1) * sizeof(*v->ranges));
	v->nranges = 0;

	while (at + 4 <= size) {
		const unsigned char *set = p + at;
		uint64_t len = read_u(set, 4), hdr = 4, end, unit;
		unsigned offsize = 4, addrsize, tuple;

		if (len == 0xffffffff) {
			if (at + 12 > size)
				return;
			len = read_u(set + 4, 8);
			hdr = 12;
			offsize = 8;
		}
		if (len > size - at - hdr)
			return;
		end = at + hdr + len;
		if (hdr + 2 + offsize + 2 > hdr + len)
			return;
		unit = read_u(set + hdr + 2, offsize);
		addrsize = set[hdr + 2 + offsize];
		if ((addrsize != 4 && addrsize != 8) || set[hdr + 2 + offsize + 1] != 0)
			return;
		tuple = 2 * addrsize;
		/* The first pair starts at a multiple of its size from the set's start. */
		for (uint64_t t = (hdr + 2 + offsize + 2 + tuple - 1) / tuple * tuple;
		     at + t + tuple <= end; t += tuple) {
			uint64_t low = read_u(set + t, addrsize);
			uint64_t n = read_u(set + t + addrsize, addrsize);

			if (low == 0 && n == 0)
				break;
			if (n == 0 || low + n < low)
				continue;
			if (n > UINT32_MAX || unit > UINT32_MAX) {
				v->nranges = 0;
				return;
			}
			v->ranges[v->nranges++] =
				(struct unit_range){ low, (uint32_t)n, (uint32_t)unit };
		}
		at = end;
	}
}

/* The section named name, uncompressed and inside the file, or NULL. */
static unsigned char *section(struct cuview *v, const char *name, uint64_t *size)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(v->elf, &shstrndx) < 0)
		return NULL;
	while ((scn = elf_nextscn(v->elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(v->elf, shstrndx, sh.sh_name)) ||
		    strcmp(n, name) != 0)
			continue;
		if (sh.sh_type == SHT_NOBITS || (sh.sh_flags & SHF_COMPRESSED) ||
		    sh.sh_offset > v->size || sh.sh_size > v->size - sh.sh_offset)
			return NULL;
		*size = sh.sh_size;
		return v->map + sh.sh_offset;
	}
	return NULL;
}

/*
 * The same file as the one libdwfl read: same size and the same section
 * header table (it holds every section's place and size).
 */
static bool same_file(Elf *theirs, const unsigned char *ours, size_t size)
{
	size_t their_size;
	const char *raw = elf_rawfile(theirs, &their_size);
	GElf_Ehdr eh;
	uint64_t table;

	if (!raw || their_size != size || !gelf_getehdr(theirs, &eh))
		return false;
	table = (uint64_t)eh.e_shnum * eh.e_shentsize;
	if (eh.e_shoff > size || table > size - eh.e_shoff)
		return false;
	return memcmp(raw, ours, sizeof(Elf64_Ehdr) < size ? sizeof(Elf64_Ehdr) : size) == 0 &&
	       memcmp(raw + eh.e_shoff, ours + eh.e_shoff, table) == 0;
}

struct cuview *cuview_open(Dwfl_Module *dm)
{
	Dwarf_Addr bias;
	Dwarf *dw = dwfl_module_getdwarf(dm, &bias);
	const char *mainfile = NULL, *debugfile = NULL, *path;
	const unsigned char *aranges;
	uint64_t aranges_size;
	struct cuview *v;
	struct stat st;
	int fd;

	if (!dw || !dwfl_module_info(dm, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile))
		return NULL;
	path = debugfile ? debugfile : mainfile;
	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	v = xcalloc(1, sizeof(*v));
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		v->size = (size_t)st.st_size;
	v->map = v->size ? mmap(NULL, v->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
			 : MAP_FAILED;
	close(fd);
	if (v->map == MAP_FAILED) {
		v->map = NULL;
		goto fail;
	}
	v->elf = elf_memory((char *)v->map, v->size);
	if (!v->elf || elf_kind(v->elf) != ELF_K_ELF || v->size < EI_NIDENT ||
	    v->map[EI_DATA] != ELFDATA2LSB || !same_file(dwarf_getelf(dw), v->map, v->size))
		goto fail;
	v->info = section(v, ".debug_info", &v->info_size);
	aranges = section(v, ".debug_aranges", &aranges_size);
	if (!v->info || !aranges)
		goto fail;
	read_aranges(v, aranges, aranges_size);
	if (v->nranges == 0)
		goto fail;
	sort_ranges(v->ranges, v->nranges);
	LOG(LOG_SYM, "unit view of %s: %zu address ranges", path_base(path), v->nranges);
	return v;
fail:
	LOG(LOG_SYM, "no unit view of %s", path_base(path));
	cuview_free(v);
	return NULL;
}

void cuview_free(struct cuview *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nhandles; i++)
		dwarf_end(v->handles[i].dw);
	dwarf_end(v->lines.dw);
	free(v->handles);
	free(v->served);
	free(v->ranges);
	if (v->elf)
		elf_end(v->elf);
	if (v->map)
		munmap(v->map, v->size);
	free(v);
}

/* The unit (header offset) whose range holds addr, or false. */
static bool unit_of(const struct cuview *v, uint64_t addr, uint64_t *unit)
{
	size_t lo = 0, hi = v->nranges;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->ranges[mid].low <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Ranges rarely nest; a few steps back find an enclosing one. */
	for (size_t i = lo + 1; i > 0 && lo + 1 - i < 8; i--) {
		const struct unit_range *r = &v->ranges[i - 1];

		if (r->low <= addr && addr - r->low < r->size) {
			*unit = r->unit;
			return true;
		}
	}
	return false;
}

/* Whether a unit's DIEs may refer to DIEs outside it (or to forms known only when read). */
static bool refers_outside(Dwarf_Die *cu)
{
	Dwarf_Off off = 0;

	for (;;) {
		size_t len = 0;
		unsigned int name, form;
		Dwarf_Abbrev *ab = dwarf_getabbrev(cu, off, &len);

		if (ab == (Dwarf_Abbrev *)-1l)
			return false; /* the table's end */
		if (!ab || len == 0 || dwarf_getabbrevtag(ab) == DW_TAG_imported_unit)
			return true;
		/* Past the last attribute, the call fails. */
		for (size_t i = 0; dwarf_getabbrevattr_data(ab, i, &name, &form, NULL, NULL) == 0;
		     i++) {
			switch (form) {
			case DW_FORM_ref_addr:
			case DW_FORM_ref_sig8:
			case DW_FORM_ref_sup4:
			case DW_FORM_ref_sup8:
			case DW_FORM_GNU_ref_alt:
			case DW_FORM_indirect:
				return true;
			default:
				break;
			}
		}
		off += len;
	}
}

/*
 * Each handle costs some 6 KiB: units asked for in falling address order
 * would each need one, more than libdwfl's reading of every unit header.
 * Past this many, a unit no handle reaches is left to libdwfl.
 */
#define MAX_HANDLES 16

/* The handle that reaches unit with the fewest skipped bytes: the one whose next header is closest below. */
static struct handle *handle_for(struct cuview *v, uint64_t unit)
{
	struct handle *best = NULL;
	Dwarf *dw;

	for (size_t i = 0; i < v->nhandles; i++)
		if (v->handles[i].next <= unit && (!best || v->handles[i].next > best->next))
			best = &v->handles[i];
	if (best || v->nhandles >= MAX_HANDLES)
		return best;
	dw = dwarf_begin_elf(v->elf, DWARF_C_READ, NULL);
	if (!dw)
		return NULL;
	LOG(LOG_SYM, "unit view: handle %zu for the unit at 0x%" PRIx64, v->nhandles + 1, unit);
	VEC_GROW(v->handles, v->nhandles, v->handles_cap);
	v->handles[v->nhandles] = (struct handle){ dw, 0 };
	return &v->handles[v->nhandles++];
}

/*
 * Open unit in h: the header libdw reads next (at h->next) says, while it
 * reads it, that its unit runs up to unit; so libdw keeps one record for
 * all the units in between and the next header it reads is the wanted one.
 * The bytes are put back at once: only that first reading sees them.
 */
static bool open_unit(struct cuview *v, struct handle *h, uint64_t unit, Dwarf_Die *out)
{
	unsigned char saved[12];
	uint64_t end, skip = unit - h->next;
	size_t hsize;
	unsigned patched = 0;
	bool ok;

	if (dwarf_next_unit(h->dw, unit, &end, &hsize, NULL, NULL, NULL, NULL, NULL, NULL) != 0)
		return false;
	if (skip > 0) {
		unsigned char *p = v->info + h->next;

		if (h->next + 12 > v->info_size)
			return false;
		memcpy(saved, p, sizeof(saved));
		if (read_u(p, 4) == 0xffffffff) {
			if (skip < 12)
				return false;
			for (unsigned i = 0; i < 8; i++)
				p[4 + i] = (unsigned char)((skip - 12) >> (8 * i));
			patched = 12;
		} else {
			if (skip < 4 || skip - 4 >= 0xfffffff0u)
				return false;
			for (unsigned i = 0; i < 4; i++)
				p[i] = (unsigned char)((skip - 4) >> (8 * i));
			patched = 4;
		}
	}
	ok = dwarf_offdie(h->dw, unit + hsize, out) != NULL;
	if (patched)
		memcpy(v->info + h->next, saved, patched);
	if (!ok) {
		/* What libdw read in this handle is unknown now: use it no more. */
		h->next = UINT64_MAX;
		return false;
	}
	h->next = end;
	return dwarf_tag(out) == DW_TAG_compile_unit || dwarf_tag(out) == DW_TAG_partial_unit;
}

/* cuview_unit_at, also giving the unit's header offset. */
static enum cuview_result served_unit(struct cuview *v, uint64_t addr, Dwarf_Die *out,
				      uint64_t *unit_out)
{
	struct served *s;
	struct handle *h;
	uint64_t unit;

	if (!unit_of(v, addr, &unit))
		return CUVIEW_NO_UNIT;
	*unit_out = unit;
	for (size_t i = 0; i < v->nserved; i++) {
		if (v->served[i].unit != unit)
			continue;
		if (v->served[i].fallback)
			return CUVIEW_FALLBACK;
		*out = v->served[i].die;
		return CUVIEW_FOUND;
	}
	VEC_GROW(v->served, v->nserved, v->served_cap);
	s = &v->served[v->nserved++];
	memset(s, 0, sizeof(*s));
	s->unit = unit;
	h = unit < v->info_size ? handle_for(v, unit) : NULL;
	s->fallback = !h || !open_unit(v, h, unit, &s->die) || refers_outside(&s->die);
	LOG(LOG_SYM, "unit at 0x%" PRIx64 ": %s", unit, s->fallback ? "from libdwfl" : "viewed");
	if (s->fallback)
		return CUVIEW_FALLBACK;
	*out = s->die;
	return CUVIEW_FOUND;
}

enum cuview_result cuview_unit_at(struct cuview *v, uint64_t addr, Dwarf_Die *out)
{
	uint64_t unit;

	return served_unit(v, addr, out, &unit);
}

enum cuview_result cuview_lines_unit_at(struct cuview *v, uint64_t addr, Dwarf_Die *out)
{
	uint64_t unit;
	enum cuview_result r = served_unit(v, addr, out, &unit);

	if (r != CUVIEW_FOUND)
		return r;
	if (v->lines.dw && v->lines_unit == unit) {
		*out = v->lines_die;
		return CUVIEW_FOUND;
	}
	dwarf_end(v->lines.dw);
	v->lines = (struct handle){ dwarf_begin_elf(v->elf, DWARF_C_READ, NULL), 0 };
	if (!v->lines.dw || !open_unit(v, &v->lines, unit, &v->lines_die)) {
		/* The unit's own handle serves instead, keeping its lines. */
		dwarf_end(v->lines.dw);
		v->lines.dw = NULL;
		return CUVIEW_FOUND;
	}
	v->lines_unit = unit;
	*out = v->lines_die;
	return CUVIEW_FOUND;
}
