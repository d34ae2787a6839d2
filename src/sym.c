/* sym.c - the libdwfl session of one process: modules, address <-> symbol, address -> file:line */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cuview.h"
#include "dbgcache.h"
#include "err.h"
#include "log.h"
#include "procfs.h"
#include "regs.h"
#include "scopes.h"
#include "sym.h"
#include "symindex.h"
#include "util.h"

/*
 * One per file-backed module (and the vDSO). It outlives re-reports of the
 * same module, because libdwfl keeps the Dwfl_Module with its userdata
 * pointer and, for the vDSO, an Elf built over our image buffer.
 */
struct mod_info {
	struct sym *owner;
	char *path;
	uint64_t low, high;
	uint64_t first_start, first_end; /* the first mapping, to name it in map_files */
	bool main_module;
	bool memory_only;
	bool deleted;
	bool seen;	      /* reported in the current sync */
	unsigned char *image; /* vDSO bytes, owned */
	Dwfl_Module *dm;
	struct symindex sx; /* function and object symbols by address, made once */
	bool indexed;
	struct cuview *cuview; /* units read one at a time (cuview.h) */
	bool cuview_tried;
	struct line_memo *memo; /* file:line of each address described, see line_at */
	size_t memo_cap, memo_used;
	char **names; /* source file names, each kept once (intern) */
	size_t nnames, names_cap;
};

/* What sym_describe found for one lookup address of a module. */
struct line_memo {
	uint64_t addr;
	const char
		*file; /* interned in the module, absolute when the unit says where; NULL: none */
	int line;
	bool valid;
};

/*
 * libdwfl finds the symbol for an address by scanning the whole symbol
 * table (tens of thousands of entries for libc with its debug symbols);
 * a backtrace asks dozens of times. One pass builds a sorted index of 8
 * bytes a symbol (symindex.h), kept in the cache for the next run; an entry
 * is read back from the symbol table when it is looked at.
 */
struct sym_entry {
	uint64_t addr;
	uint64_t size;
	const char *name; /* in the module's string table, lives as long as the module */
	uint8_t kind;	  /* enum sym_kind */
	uint8_t rank;	  /* 0 best: global, then weak, then local; "__GI_" aliases last */
};

struct sym {
	pid_t pid;
	Dwfl *dwfl;
	sym_read_fn read;
	void *read_arg;
	char *maps_text;
	char *exe;
	char root[64];	  /* "/proc/PID/root", or "" when the target shares our root */
	char *fixed_maps; /* the mappings of a process that is no more (sym_new_fixed) */
	sym_locate_fn locate;
	void *locate_arg;
	struct mod_info **mods;
	size_t nmods, cap;
	struct sym_module *pub; /* address-ordered view for sym_modules() */
	unsigned generation;	/* counts the changes of the module list */
};

static bool find_addr(struct mod_info *mi, uint64_t addr, struct sym_entry *found);

static struct mod_info *mod_of(Dwfl_Module *dm)
{
	void **ud;

	if (!dm || !dwfl_module_info(dm, &ud, NULL, NULL, NULL, NULL, NULL, NULL))
		return NULL;
	return *ud;
}

/*
 * The module whose mappings hold addr. libdwfl's lookup (elfutils 0.188)
 * answers the last module for any address above it (the stack, the heap
 * of a process whose libraries sit below them), so the range is checked.
 */
Dwfl_Module *sym_module_at(struct sym *s, uint64_t addr)
{
	Dwfl_Module *dm = s->dwfl ? dwfl_addrmodule(s->dwfl, addr) : NULL;
	struct mod_info *mi = mod_of(dm);

	return mi && addr >= mi->low && addr < mi->high ? dm : NULL;
}

Dwarf_Frame *sym_cfi_frame(struct sym *s, uint64_t pc)
{
	Dwfl_Module *dm = sym_module_at(s, pc);
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr;

	if (!dm)
		return NULL;
	cfi = dwfl_module_eh_cfi(dm, &bias);
	if (cfi && dwarf_cfi_addrframe(cfi, pc - bias, &fr) == 0)
		return fr;
	cfi = dwfl_module_dwarf_cfi(dm, &bias);
	if (cfi && dwarf_cfi_addrframe(cfi, pc - bias, &fr) == 0)
		return fr;
	return NULL;
}

/* The vDSO exists only in memory: copy it out and let libelf read the copy. */
static Elf *open_memory_image(struct mod_info *mi)
{
	size_t len = (size_t)(mi->high - mi->low);
	ssize_t n;

	if (!mi->image) {
		mi->image = xmalloc(len);
		n = mi->owner->read(mi->owner->read_arg, mi->low, mi->image, len);
		if (n != (ssize_t)len) {
			free(mi->image);
			mi->image = NULL;
			return NULL;
		}
	}
	return elf_memory((char *)mi->image, len);
}

static int find_elf(Dwfl_Module *dm, void **userdata, const char *modname, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	struct mod_info *mi = *userdata;
	struct sym *s;
	char path[4300];
	int fd;

	*elfp = NULL;
	*file_name = NULL;
	if (!mi)
		return -1;
	s = mi->owner;
	if (mi->memory_only) {
		*elfp = open_memory_image(mi);
		return -1;
	}
	if (s->locate) {
		if (!s->locate(s->locate_arg, mi->path, path, sizeof(path)))
			return -1;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		LOG(LOG_SYM, "find_elf %s -> %s (fd %d)", modname, path, fd);
		if (fd < 0)
			return -1;
		*file_name = xstrdup(path);
		return fd;
	}
	/*
	 * A deleted file is still reachable through map_files; a file in
	 * another mount namespace (a container) through the target's root.
	 * When the target shares our root, the plain path keeps libdwfl's
	 * .gnu_debuglink search (which looks beside the file) working.
	 */
	if (mi->deleted)
		snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, s->pid,
			 mi->first_start, mi->first_end);
	else
		snprintf(path, sizeof(path), "%s%s", s->root, mi->path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && strcmp(path, mi->path) != 0) {
		snprintf(path, sizeof(path), "%s", mi->path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	LOG(LOG_SYM, "find_elf %s -> %s (fd %d)", modname, path, fd);
	if (fd < 0)
		return -1;
	*file_name = xstrdup(path);
	return fd;
}

/* Whether dir/sub/name exists (sub may be ""). */
static bool debug_candidate(const char *dir, const char *sub, const char *name)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s%s/%s", dir, sub[0] ? "/" : "", sub, name);

	return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

/* The places of the debuginfo path (":.debug:/usr/lib/debug") for the file at path. */
static bool debug_file_beside(const char *path, const char *debuglink)
{
	char dir[PATH_MAX], name[PATH_MAX], lib_debug[PATH_MAX + 16];
	const char *slash = strrchr(path, '/');

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return false;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (debuglink)
		snprintf(name, sizeof(name), "%s", debuglink);
	else
		snprintf(name, sizeof(name), "%s.debug", slash + 1);
	snprintf(lib_debug, sizeof(lib_debug), "/usr/lib/debug%s", dir);
	return (debuglink && strcmp(name, slash + 1) != 0 && debug_candidate(dir, "", name)) ||
	       debug_candidate(dir, ".debug", name) || debug_candidate(lib_debug, "", name);
}

/*
 * Whether libdwfl's search can find a separate debug file on this machine:
 * by build-id under /usr/lib/debug/.build-id, or by .gnu_debuglink (or the
 * file's name and ".debug") beside the file, in .debug/ there, or under
 * /usr/lib/debug. When it finds none, libdwfl (0.188) loads the debuginfod
 * client and the 30 libraries it needs (libcurl, gnutls, Kerberos: 300 page
 * faults and 5 ms) to ask servers lurk never names, as DEBUGINFOD_URLS is
 * cleared: every library without a -dbg package paid that once.
 */
static bool debug_file_may_exist(const unsigned char *id, size_t id_len, const char *file_name,
				 const char *debuglink)
{
	char path[PATH_MAX], real[PATH_MAX];

	if (id_len > 1 && id_len <= 64) {
		int k = snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%02x/", id[0]);

		for (size_t i = 1; i < id_len; i++)
			k += snprintf(path + k, sizeof(path) - (size_t)k, "%02x", id[i]);
		snprintf(path + k, sizeof(path) - (size_t)k, ".debug");
		if (access(path, F_OK) == 0)
			return true;
	}
	if (!file_name)
		return false;
	/* libdwfl also looks beside the file a symbolic link names. */
	return debug_file_beside(file_name, debuglink) ||
	       (realpath(file_name, real) && strcmp(real, file_name) != 0 &&
		debug_file_beside(real, debuglink));
}

/*
 * An inflated copy from the cache first, found by build-id (libdwfl's own
 * search opens the compressed original and keeps that handle, so the copy
 * must win before it runs); else libdwfl's search (beside the file,
 * .debug/, /usr/lib/debug by build-id or .gnu_debuglink), keeping a copy of
 * a compressed result for next time.
 */
static int find_debuginfo(Dwfl_Module *dm, void **userdata, const char *modname, GElf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const unsigned char *id;
	GElf_Addr id_vaddr;
	int id_len = dwfl_module_build_id(dm, &id, &id_vaddr);
	size_t len = id_len > 0 ? (size_t)id_len : 0;
	char *cached_path;
	int fd = dbgcache_lookup(id, len, &cached_path);

	if (fd >= 0) {
		*debuginfo_file_name = cached_path;
		return fd;
	}
	if (!debug_file_may_exist(id, len, file_name, debuglink_file)) {
		LOG(LOG_SYM, "debuginfo for %s: none on this machine", modname);
		return -1;
	}
	fd = dwfl_standard_find_debuginfo(dm, userdata, modname, base, file_name, debuglink_file,
					  debuglink_crc, debuginfo_file_name);
	LOG(LOG_SYM, "debuginfo for %s: %s", modname,
	    fd >= 0 && *debuginfo_file_name ? *debuginfo_file_name : "none");
	if (fd >= 0)
		dbgcache_store(fd, id, len);
	return fd;
}

/* NULL selects libdwfl's default path: ":.debug:/usr/lib/debug". */
static char *debuginfo_path;

/*
 * A relocatable object (ET_REL, a .o file some linker or JIT mapped) has
 * sections with no address of their own; libdwfl asks where each one was
 * put. Nothing says so for a file merely mapped: its sections count as not
 * loaded, so none of its symbols claims an address. (Without this callback
 * libdwfl called through a NULL pointer: found by fuzzing.)
 */
static int unplaced_section(Dwfl_Module *dm, void **userdata, const char *modname, Dwarf_Addr base,
			    const char *secname, GElf_Word shndx, const GElf_Shdr *shdr,
			    Dwarf_Addr *addr)
{
	(void)dm;
	(void)userdata;
	(void)modname;
	(void)base;
	(void)secname;
	(void)shndx;
	(void)shdr;
	*addr = (Dwarf_Addr)-1;
	return 0;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = unplaced_section,
	.debuginfo_path = &debuginfo_path,
};

struct sym *sym_new(pid_t pid, sym_read_fn read, void *read_arg)
{
	struct sym *s = xcalloc(1, sizeof(*s));
	char ours[64], theirs[64], path[64];
	ssize_t n1, n2;

	s->pid = pid;
	s->read = read;
	s->read_arg = read_arg;
	/* Another mount namespace (a container) sees other files at the same paths. */
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	n1 = readlink("/proc/self/ns/mnt", ours, sizeof(ours) - 1);
	n2 = readlink(path, theirs, sizeof(theirs) - 1);
	if (n1 < 0 || n2 < 0 || n1 != n2 || memcmp(ours, theirs, (size_t)n1) != 0)
		snprintf(s->root, sizeof(s->root), "/proc/%d/root", pid);
	s->exe = procfs_exe(pid);
	if (s->exe) {
		size_t n = strlen(s->exe);

		if (n > 10 && strcmp(s->exe + n - 10, " (deleted)") == 0)
			s->exe[n - 10] = '\0';
	}
	err_clear();
	return s;
}

struct sym *sym_new_fixed(pid_t pid, const char *maps_text, const char *exe, sym_locate_fn locate,
			  void *locate_arg, sym_read_fn read, void *read_arg)
{
	struct sym *s = xcalloc(1, sizeof(*s));

	s->pid = pid;
	s->read = read;
	s->read_arg = read_arg;
	s->fixed_maps = xstrdup(maps_text);
	s->exe = exe ? xstrdup(exe) : NULL;
	s->locate = locate;
	s->locate_arg = locate_arg;
	return s;
}

static void mod_info_free(struct mod_info *mi)
{
	for (size_t i = 0; i < mi->nnames; i++)
		free(mi->names[i]);
	free(mi->names);
	free(mi->memo);
	cuview_free(mi->cuview);
	symindex_free(&mi->sx);
	free(mi->path);
	free(mi->image);
	free(mi);
}

void sym_free(struct sym *s)
{
	if (!s)
		return;
	if (s->dwfl)
		dwfl_end(s->dwfl);
	for (size_t i = 0; i < s->nmods; i++)
		mod_info_free(s->mods[i]);
	free(s->mods);
	free(s->pub);
	free(s->maps_text);
	free(s->fixed_maps);
	free(s->exe);
	free(s);
}

/*
 * The module already known at this place: the same file with its header
 * mapped at the same address. Its end is not compared: the anonymous .bss
 * after the file's pages merges into [heap] once the heap grows right after
 * it (programs launched without randomization), and a module reported again
 * with another range is a new one to libdwfl, which frees the old one's
 * DWARF while types from it are still held (a watchpoint's value).
 */
static struct mod_info *find_mod(struct sym *s, const char *path, uint64_t low, uint64_t first_end)
{
	for (size_t i = 0; i < s->nmods; i++) {
		struct mod_info *mi = s->mods[i];

		if (mi->low == low && mi->first_end == first_end && strcmp(mi->path, path) == 0)
			return mi;
	}
	return NULL;
}

static bool is_module_path(const struct map *m)
{
	if (m->path[0] == '/')
		return true;
	return strcmp(m->path, "[vdso]") == 0;
}

/* Group the mappings of each file into one module [low, high). */
/* Returns whether a module was new. */
static bool collect_modules(struct sym *s, const struct maps *maps)
{
	bool added = false;

	for (size_t i = 0; i < maps->n; i++) {
		const struct map *m = &maps->v[i];
		struct mod_info *mi;
		uint64_t high = m->end;
		size_t j = i + 1;

		/* A module starts at the mapping of file offset 0 (its ELF header). */
		if (!is_module_path(m) || m->offset != 0)
			continue;
		while (j < maps->n && strcmp(maps->v[j].path, m->path) == 0 &&
		       maps->v[j].inode == m->inode) {
			high = maps->v[j].end;
			j++;
		}
		/* The .bss beyond the file's last page is an anonymous mapping right after it. */
		if (j < maps->n && maps->v[j].path[0] == '\0' && maps->v[j].start == high &&
		    maps->v[j].inode == 0 && m->path[0] == '/')
			high = maps->v[j].end;
		mi = find_mod(s, m->path, m->start, m->end);
		if (!mi) {
			mi = xcalloc(1, sizeof(*mi));
			mi->owner = s;
			mi->path = xstrdup(m->path);
			mi->low = m->start;
			mi->high = high;
			mi->first_start = m->start;
			mi->first_end = m->end;
			mi->deleted = m->deleted;
			mi->memory_only = m->path[0] == '[';
			mi->main_module = s->exe && strcmp(s->exe, m->path) == 0;
			VEC_GROW(s->mods, s->nmods, s->cap);
			s->mods[s->nmods++] = mi;
			added = true;
		}
		mi->seen = true;
	}
	return added;
}

static int cmp_pub(const void *a, const void *b)
{
	const struct sym_module *x = a, *y = b;

	return (x->low > y->low) - (x->low < y->low);
}

static void rebuild_pub(struct sym *s)
{
	free(s->pub);
	s->pub = xcalloc(s->nmods, sizeof(*s->pub));
	for (size_t i = 0; i < s->nmods; i++) {
		struct mod_info *mi = s->mods[i];

		s->pub[i] = (struct sym_module){ mi->path, mi->low, mi->high, mi->main_module,
						 mi->memory_only };
	}
	qsort(s->pub, s->nmods, sizeof(*s->pub), cmp_pub);
}

static unsigned last_generation;

unsigned sym_generation(const struct sym *s)
{
	return s->generation;
}

int sym_sync(struct sym *s)
{
	struct maps maps;
	char *text = s->fixed_maps ? xstrdup(s->fixed_maps) : procfs_maps_text(s->pid);
	size_t kept = 0;
	bool changed;

	if (!text)
		return -1;
	if (s->maps_text && strcmp(text, s->maps_text) == 0) {
		free(text);
		return 0;
	}
	if (!s->dwfl) {
		s->dwfl = dwfl_begin(&callbacks);
		if (!s->dwfl) {
			err_set("libdwfl: %s", dwfl_errmsg(-1));
			free(text);
			return -1;
		}
	}
	free(s->maps_text);
	s->maps_text = text;
	procfs_maps_parse(text, &maps);
	for (size_t i = 0; i < s->nmods; i++)
		s->mods[i]->seen = false;
	changed = collect_modules(s, &maps);
	procfs_maps_free(&maps);

	dwfl_report_begin(s->dwfl);
	for (size_t i = 0; i < s->nmods; i++) {
		struct mod_info *mi = s->mods[i];
		void **ud;

		if (!mi->seen)
			continue;
		mi->dm = dwfl_report_module(s->dwfl, mi->path, mi->low, mi->high);
		if (mi->dm && dwfl_module_info(mi->dm, &ud, NULL, NULL, NULL, NULL, NULL, NULL))
			*ud = mi;
	}
	if (dwfl_report_end(s->dwfl, NULL, NULL) != 0) {
		err_set("libdwfl: %s", dwfl_errmsg(-1));
		return -1;
	}
	/* libdwfl dropped the modules not reported again; drop ours. */
	for (size_t i = 0; i < s->nmods; i++) {
		if (s->mods[i]->seen) {
			s->mods[kept++] = s->mods[i];
		} else {
			mod_info_free(s->mods[i]);
			changed = true;
		}
	}
	/*
	 * Unique among all sessions: a new one for the same pid never repeats
	 * a value. Mappings of anonymous memory come and go far more often
	 * than modules, and leave it alone.
	 */
	if (changed)
		s->generation = ++last_generation;
	s->nmods = kept;
	rebuild_pub(s);
	LOG(LOG_SYM, "%zu modules", s->nmods);
	return 0;
}

static void copy_name(char *dst, size_t len, const char *name)
{
	size_t n = strcspn(name, "@");

	if (n >= len)
		n = len - 1;
	memcpy(dst, name, n);
	dst[n] = '\0';
}

/* The first of lines (sorted by address) at or past at. */
static size_t first_row_from(Dwarf_Lines *lines, size_t n, Dwarf_Addr at)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		Dwarf_Addr a;

		if (dwarf_lineaddr(dwarf_onesrcline(lines, mid), &a) == 0 && a < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Several rows may start where line does (at -O2: the line a statement
 * opens and the one it belongs to). libdw gives the last; gdb the last
 * statement row among them, so that a breakpoint and a step land on the
 * line gdb names. *lineno and *file become that row's.
 */
static void statement_row(Dwarf_Die *cu, Dwarf_Line *dl, int *lineno, const char **file)
{
	Dwarf_Addr at, a;
	Dwarf_Lines *lines;
	size_t n;
	bool stmt = false;

	if (dwarf_lineaddr(dl, &at) < 0 || (dwarf_linebeginstatement(dl, &stmt) == 0 && stmt) ||
	    dwarf_getsrclines(cu, &lines, &n) < 0)
		return;
	for (size_t i = first_row_from(lines, n, at); i < n; i++) {
		Dwarf_Line *r = dwarf_onesrcline(lines, i);
		bool end = false;
		int ln = 0;
		const char *f;

		if (dwarf_lineaddr(r, &a) < 0 || a != at)
			break;
		if (dwarf_lineendsequence(r, &end) < 0 || end ||
		    dwarf_linebeginstatement(r, &stmt) < 0 || !stmt || dwarf_lineno(r, &ln) < 0 ||
		    ln <= 0 || !(f = dwarf_linesrc(r, NULL, NULL)))
			continue;
		*lineno = ln;
		*file = f;
	}
}

Dwarf_Die *sym_module_cu_at(Dwfl_Module *dm, uint64_t addr, Dwarf_Die *die, Dwarf_Addr *bias)
{
	struct mod_info *mi = mod_of(dm);
	Dwarf_Die *cu;

	if (!dm || !dwfl_module_getdwarf(dm, bias))
		return NULL;
	if (mi && !mi->cuview_tried) {
		const char *env = getenv("LURK_UNIT_VIEW");

		mi->cuview_tried = true;
		/* LURK_UNIT_VIEW=0: every unit through libdwfl, as a check of the view. */
		if (!env || strcmp(env, "0") != 0)
			mi->cuview = cuview_open(dm);
	}
	if (mi && mi->cuview) {
		switch (cuview_unit_at(mi->cuview, addr - *bias, die)) {
		case CUVIEW_FOUND:
			return die;
		case CUVIEW_NO_UNIT:
			return NULL;
		case CUVIEW_FALLBACK:
			break;
		}
	}
	cu = dwfl_module_addrdie(dm, addr, bias);
	if (!cu)
		return NULL;
	*die = *cu;
	return die;
}

Dwarf_Die *sym_cu_at(struct sym *s, uint64_t addr, Dwarf_Die *die, Dwarf_Addr *bias)
{
	Dwfl_Module *dm = sym_module_at(s, addr);

	return dm ? sym_module_cu_at(dm, addr, die, bias) : NULL;
}

void sym_name(struct sym *s, uint64_t addr, bool return_addr, struct sym_loc *loc)
{
	uint64_t lookup = return_addr && addr ? addr - 1 : addr;
	struct mod_info *mi;
	struct sym_entry e;

	memset(loc, 0, sizeof(*loc));
	loc->addr = addr;
	if (!s->dwfl)
		return;
	mi = mod_of(sym_module_at(s, lookup));
	if (!mi)
		return;
	loc->module = mi->path;
	loc->main_module = mi->main_module;
	if (find_addr(mi, lookup, &e)) {
		copy_name(loc->func_buf, sizeof(loc->func_buf), e.name);
		loc->func = loc->func_buf;
		loc->func_addr = e.addr;
		loc->off = addr - e.addr;
	}
}

/* name, kept as long as the module: file names outlive the DWARF they were read from. */
static const char *intern(struct mod_info *mi, const char *name)
{
	for (size_t i = 0; i < mi->nnames; i++)
		if (strcmp(mi->names[i], name) == 0)
			return mi->names[i];
	VEC_GROW(mi->names, mi->nnames, mi->names_cap);
	return mi->names[mi->nnames++] = xstrdup(name);
}

/* The unit cu (at lookup - bias) as a handle of the view holds it for its lines alone, or cu. */
static Dwarf_Die *lines_unit(struct mod_info *mi, uint64_t rel, Dwarf_Die *cu, Dwarf_Die *tmp)
{
	if (mi->cuview && cuview_lines_unit_at(mi->cuview, rel, tmp) == CUVIEW_FOUND)
		return tmp;
	return cu;
}

/* The source file and line of lookup, read from the DWARF. */
static void read_line(struct mod_info *mi, uint64_t lookup, struct line_memo *m)
{
	Dwarf_Die cu_die, lines_die, *cu, *lcu;
	Dwarf_Addr bias;
	Dwarf_Line *line;
	const char *file;
	int lineno = 0;
	Dwarf_Attribute attr;
	const char *dir;
	char joined[PATH_MAX];

	cu = sym_module_cu_at(mi->dm, lookup, &cu_die, &bias);
	lcu = cu ? lines_unit(mi, lookup - bias, cu, &lines_die) : NULL;
	line = lcu ? dwarf_getsrc_die(lcu, lookup - bias) : NULL;
	if (!line || !(file = dwarf_linesrc(line, NULL, NULL)) || dwarf_lineno(line, &lineno) < 0 ||
	    lineno <= 0)
		return;
	statement_row(lcu, line, &lineno, &file);
	dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	/* A relative name is relative to where the compiler ran. */
	if (file[0] != '/' && dir && dir[0] == '/') {
		path_join_clean(dir, file, joined, sizeof(joined));
		file = joined;
	}
	m->file = intern(mi, file);
	m->line = lineno;
}

static struct line_memo *memo_slot(struct line_memo *tab, size_t cap, uint64_t addr)
{
	size_t i = (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 40) & (cap - 1);

	while (tab[i].valid && tab[i].addr != addr)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/*
 * The file:line of lookup, read once: a backtrace of many threads asks for
 * the same addresses again, and the line table each came from is not kept
 * (cuview_lines_unit_at).
 */
static const struct line_memo *line_at(struct mod_info *mi, uint64_t lookup)
{
	struct line_memo *m;

	if (2 * (mi->memo_used + 1) > mi->memo_cap) {
		size_t cap = mi->memo_cap ? mi->memo_cap * 2 : 64;
		struct line_memo *tab = xcalloc(cap, sizeof(*tab));

		for (size_t i = 0; i < mi->memo_cap; i++)
			if (mi->memo[i].valid)
				*memo_slot(tab, cap, mi->memo[i].addr) = mi->memo[i];
		free(mi->memo);
		mi->memo = tab;
		mi->memo_cap = cap;
	}
	m = memo_slot(mi->memo, mi->memo_cap, lookup);
	if (!m->valid) {
		*m = (struct line_memo){ .addr = lookup, .valid = true };
		read_line(mi, lookup, m);
		mi->memo_used++;
	}
	return m;
}

void sym_describe(struct sym *s, uint64_t addr, bool return_addr, struct sym_loc *loc)
{
	uint64_t lookup = return_addr && addr ? addr - 1 : addr;
	struct mod_info *mi;
	const struct line_memo *m;

	sym_name(s, addr, return_addr, loc);
	if (!loc->module)
		return;
	mi = mod_of(sym_module_at(s, lookup));
	if (!mi)
		return;
	m = line_at(mi, lookup);
	if (m->file) {
		loc->file = m->file;
		loc->line = m->line;
	}
}

int sym_func_range(struct sym *s, uint64_t addr, uint64_t *low, uint64_t *high, char *name,
		   size_t len)
{
	Dwfl_Module *dm = sym_module_at(s, addr);
	struct mod_info *mi = mod_of(dm);
	struct sym_entry e;

	if (!mi || !find_addr(mi, addr, &e) || e.kind != SYM_FUNC || e.size == 0 ||
	    addr >= e.addr + e.size) {
		err_set("no function contains 0x%" PRIx64, addr);
		return -1;
	}
	*low = e.addr;
	*high = e.addr + e.size;
	copy_name(name, len, e.name);
	return 0;
}

bool sym_ifunc_at(struct sym *s, uint64_t addr)
{
	Dwfl_Module *dm = sym_module_at(s, addr);
	GElf_Off off = 1;
	GElf_Sym es;

	return dm && dwfl_module_addrinfo(dm, addr, &off, &es, NULL, NULL, NULL) && off == 0 &&
	       GELF_ST_TYPE(es.st_info) == STT_GNU_IFUNC;
}

int sym_ifunc_target(struct sym *s, uint64_t resolver, uint64_t *impl)
{
	Dwfl_Module *dm = sym_module_at(s, resolver);
	GElf_Addr bias;
	Elf *elf = dm && sym_ifunc_at(s, resolver) ? dwfl_module_getelf(dm, &bias) : NULL;
	Elf_Scn *scn = NULL;

	/*
	 * The module's own calls of it go through a GOT slot with an
	 * IRELATIVE relocation, which the dynamic linker filled at load time
	 * with what the resolver returned: read there, no call is needed.
	 */
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			uint64_t got;

			if (!gelf_getrela(data, (int)i, &r) ||
			    GELF_R_TYPE(r.r_info) != R_X86_64_IRELATIVE ||
			    (uint64_t)r.r_addend + bias != resolver)
				continue;
			if (s->read(s->read_arg, r.r_offset + bias, &got, sizeof(got)) !=
				    (ssize_t)sizeof(got) ||
			    !got || got == resolver || !sym_module_at(s, got))
				return -1;
			*impl = got;
			return 0;
		}
	}
	return -1;
}

static bool module_matches(const struct mod_info *mi, const char *module)
{
	if (!module)
		return true;
	return strcmp(mi->path, module) == 0 || strcmp(path_base(mi->path), module) == 0;
}

/* Main executable first, then the others in load (address) order. */
static void search_order(struct sym *s, struct mod_info **order)
{
	size_t k = 0;

	for (size_t i = 0; i < s->nmods; i++)
		if (s->mods[i]->main_module)
			order[k++] = s->mods[i];
	for (size_t i = 0; i < s->nmods; i++)
		if (!s->mods[i]->main_module)
			order[k++] = s->mods[i];
}

static enum sym_kind kind_of(const GElf_Sym *es)
{
	switch (GELF_ST_TYPE(es->st_info)) {
	case STT_FUNC:
	case STT_GNU_IFUNC:
		return SYM_FUNC;
	case STT_OBJECT:
	case STT_TLS:
	case STT_COMMON:
		return SYM_OBJECT;
	default:
		return SYM_OTHER;
	}
}

static uint8_t rank_of(const GElf_Sym *es, const char *name)
{
	uint8_t r = GELF_ST_BIND(es->st_info) == STB_GLOBAL ? 0
		    : GELF_ST_BIND(es->st_info) == STB_WEAK ? 2
							    : 4;

	/* Aliases with leading underscores (glibc's __GI_, __libc_, __pthread_...)
	 * name the same code less kindly than the public name. */
	if (strncmp(name, "__", 2) == 0)
		r++;
	return r;
}

/* Symbol ndx of mi's table as an index entry; false when it is not one. */
static bool read_entry(const struct mod_info *mi, uint32_t ndx, struct sym_entry *e)
{
	GElf_Sym es;
	GElf_Addr addr;
	GElf_Word shndx;
	const char *name =
		dwfl_module_getsym_info(mi->dm, (int)ndx, &es, &addr, &shndx, NULL, NULL);

	if (!name || !name[0] || shndx == SHN_UNDEF || kind_of(&es) == SYM_OTHER || addr == 0 ||
	    addr >> 56)
		return false;
	*e = (struct sym_entry){ addr, es.st_size, name, (uint8_t)kind_of(&es),
				 rank_of(&es, name) };
	return true;
}

/* Entry i of mi's index (in address order), then, past its keys, of the far symbols. */
static bool entry_at(const struct mod_info *mi, size_t i, struct sym_entry *e)
{
	if (i >= mi->sx.nkeys)
		return read_entry(mi, mi->sx.far[i - mi->sx.nkeys], e);
	return read_entry(mi, (uint32_t)(mi->sx.keys[i] & SYMINDEX_NDX_MASK), e);
}

/* How many entries entry_at() gives: the index and the far symbols. */
static size_t nentries(const struct mod_info *mi)
{
	return mi->sx.nkeys + mi->sx.nfar;
}

static uint64_t key_of(const struct mod_info *mi, const struct sym_entry *e, uint32_t ndx)
{
	return (e->addr - mi->low) << 32 | (uint64_t)e->rank << SYMINDEX_NDX_BITS | ndx;
}

/*
 * Whether an index read from the cache is this module's: a few keys, the
 * first and last among them, must be what the symbol table says now.
 */
static bool index_matches(const struct mod_info *mi)
{
	size_t n = mi->sx.nkeys;

	for (size_t k = 0; n && k <= 16; k++) {
		size_t i = k * (n - 1) / 16;
		uint64_t key = mi->sx.keys[i];
		uint32_t ndx = (uint32_t)(key & SYMINDEX_NDX_MASK);
		struct sym_entry e;

		if (!read_entry(mi, ndx, &e) || e.addr < mi->low || key_of(mi, &e, ndx) != key ||
		    (i > 0 && key <= mi->sx.keys[i - 1]))
			return false;
	}
	for (size_t i = 0; i < mi->sx.nfar; i += mi->sx.nfar / 4 + 1) {
		struct sym_entry e;

		if (!read_entry(mi, mi->sx.far[i], &e))
			return false;
	}
	return true;
}

static void build_index(struct mod_info *mi)
{
	const unsigned char *id = NULL;
	GElf_Addr id_vaddr;
	size_t cap = 0, id_len;
	uint64_t *keys;
	uint32_t *far = NULL;
	int n, got;

	mi->indexed = true;
	if (!mi->dm || (n = dwfl_module_getsymtab(mi->dm)) <= 1 || (uint64_t)n > SYMINDEX_NDX_MASK)
		return;
	got = dwfl_module_build_id(mi->dm, &id, &id_vaddr);
	id_len = got > 0 ? (size_t)got : 0;
	if (symindex_load(id, id_len, (uint32_t)n, &mi->sx)) {
		if (index_matches(mi)) {
			LOG(LOG_SYM, "%s: %zu symbols from the cache", path_base(mi->path),
			    mi->sx.nkeys);
			return;
		}
		LOG(LOG_SYM, "%s: the cached symbol index is another's", path_base(mi->path));
		symindex_free(&mi->sx);
	}
	/* Sized for every symbol at once: growing by copies touches twice the memory. */
	keys = xmalloc((size_t)n * sizeof(*keys));
	for (int i = 1; i < n; i++) {
		struct sym_entry e;

		if (!read_entry(mi, (uint32_t)i, &e))
			continue;
		if (e.addr >= mi->low && e.addr - mi->low <= UINT32_MAX) {
			keys[mi->sx.nkeys++] = key_of(mi, &e, (uint32_t)i);
			continue;
		}
		VEC_GROW(far, mi->sx.nfar, cap);
		far[mi->sx.nfar++] = (uint32_t)i;
	}
	symindex_sort(keys, mi->sx.nkeys);
	mi->sx.keys = keys;
	mi->sx.far = far;
	LOG(LOG_SYM, "%s: %zu symbols indexed", path_base(mi->path), mi->sx.nkeys);
	symindex_store(id, id_len, (uint32_t)n, &mi->sx);
}

static void ensure_index(struct mod_info *mi)
{
	if (!mi->indexed)
		build_index(mi);
}

static uint64_t key_addr(const struct mod_info *mi, size_t i)
{
	return mi->low + (mi->sx.keys[i] >> 32);
}

/*
 * The symbol containing addr; failing that, the nearest sizeless symbol
 * before it (hand-written assembly often has no sizes). Among symbols at
 * the same address the best-ranked name wins.
 */
static bool find_addr(struct mod_info *mi, uint64_t addr, struct sym_entry *found)
{
	size_t lo = 0, hi, best;

	ensure_index(mi);
	hi = mi->sx.nkeys;
	if (!hi || key_addr(mi, 0) > addr)
		return false;
	/* the last entry with entry.addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_addr(mi, mid) <= addr)
			lo = mid;
		else
			hi = mid;
	}
	best = lo;
	/* Back up to the first (best-ranked) entry at that address. */
	while (best > 0 && key_addr(mi, best - 1) == key_addr(mi, best))
		best--;
	for (size_t i = best + 1; i > 0; i--) {
		if (entry_at(mi, i - 1, found) && addr < found->addr + found->size)
			return true;
		/* A few steps back is enough for nested symbols; further is a gap. */
		if (best - (i - 1) > 8)
			break;
	}
	return entry_at(mi, best, found) && found->size == 0;
}

int sym_lookup(struct sym *s, const char *name, const char *module, struct sym_found *out)
{
	struct mod_info **order;
	struct sym_entry found = { 0 };
	const struct mod_info *found_in = NULL;
	bool found_module = module == NULL;

	if (!s->dwfl && sym_sync(s) < 0)
		return -1;
	order = xcalloc(s->nmods ? s->nmods : 1, sizeof(*order));
	search_order(s, order);
	/*
	 * The program's own symbols first, then each library's. A library's
	 * local symbol (ld.so's private getpid) gives way to a global one of
	 * a later library (libc's), as in gdb; the program's never does.
	 */
	for (size_t m = 0;
	     m < s->nmods && !(found_in && (found.rank / 2 < 2 || found_in->main_module)); m++) {
		struct mod_info *mi = order[m];

		if (!module_matches(mi, module))
			continue;
		found_module = true;
		ensure_index(mi);
		for (size_t i = 0; i < nentries(mi); i++) {
			struct sym_entry e;
			size_t len;

			if (!entry_at(mi, i, &e))
				continue;
			len = strcspn(e.name, "@");
			if (strncmp(e.name, name, len) != 0 || name[len] != '\0')
				continue;
			/* A global definition wins over a local one of the same name. */
			if (!found_in || e.rank / 2 < found.rank / 2) {
				found = e;
				found_in = mi;
			}
		}
	}
	free(order);
	if (!found_in) {
		if (!found_module)
			err_set("no module \"%s\" is loaded", module);
		else
			err_set("no symbol \"%s\"", name);
		return -1;
	}
	out->addr = found.addr;
	out->size = found.size;
	out->kind = (enum sym_kind)found.kind;
	out->module = found_in->path;
	copy_name(out->name, sizeof(out->name), found.name);
	return 0;
}

void sym_complete(struct sym *s, const char *prefix, void (*fn)(const char *name, void *arg),
		  void *arg)
{
	size_t plen = strlen(prefix);

	if (sym_sync(s) < 0)
		return;
	for (size_t m = 0; m < s->nmods; m++) {
		struct mod_info *mi = s->mods[m];

		ensure_index(mi);
		for (size_t i = 0; i < nentries(mi); i++) {
			struct sym_entry e;
			char clean[256];

			if (!entry_at(mi, i, &e) || strncmp(e.name, prefix, plen) != 0)
				continue;
			copy_name(clean, sizeof(clean), e.name);
			fn(clean, arg);
		}
	}
}

/* Whether module path is named by pattern: a glob over the path or its basename. */
static bool module_glob_matches(const char *pattern, const char *path)
{
	return fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, path_base(path), 0) == 0;
}

int sym_match_funcs(struct sym *s, const char *pattern, const char *module,
		    void (*fn)(void *arg, const struct sym_found *f), void *arg)
{
	int n = 0;

	if (sym_sync(s) < 0)
		return -1;
	for (size_t m = 0; m < s->nmods; m++) {
		struct mod_info *mi = s->mods[m];

		if (mi->memory_only || (module && !module_glob_matches(module, mi->path)))
			continue;
		ensure_index(mi);
		for (size_t i = 0; i < nentries(mi); i++) {
			struct sym_entry e;
			struct sym_found f;

			if (!entry_at(mi, i, &e) || e.kind != SYM_FUNC || !e.size)
				continue;
			copy_name(f.name, sizeof(f.name), e.name);
			if (fnmatch(pattern, f.name, 0) != 0)
				continue;
			f.addr = e.addr;
			f.size = e.size;
			f.kind = SYM_FUNC;
			f.module = mi->path;
			fn(arg, &f);
			n++;
		}
	}
	return n;
}

/*
 * gdb's rule for GCC's code (x86-64): a function that does not set up a
 * frame has no prologue to skip, and a breakpoint on it goes on its first
 * instruction, where its arguments are all still in their registers
 * (optimised code reuses them at once). Clang marks its prologue's end in
 * the line table, which is followed as for any code with a frame.
 */
static bool frameless(struct sym *s, Dwarf_Die *cu, uint64_t func_addr)
{
	const struct arch *a = arch_host();
	Dwarf_Attribute attr;
	const char *producer;
	unsigned char code[8];

	if (!a->sets_up_frame || !s->read ||
	    s->read(s->read_arg, func_addr, code, sizeof(code)) != (ssize_t)sizeof(code))
		return false;
	producer = dwarf_attr_integrate(cu, DW_AT_producer, &attr) ? dwarf_formstring(&attr) : NULL;
	return !(producer && strstr(producer, "clang")) && !a->sets_up_frame(code, sizeof(code));
}

uint64_t sym_after_prologue(struct sym *s, uint64_t func_addr)
{
	Dwarf_Die cu_die, *cu, *scopes = NULL;
	Dwarf_Addr bias, *bkpts = NULL;
	uint64_t addr = func_addr;
	int nscopes;

	cu = sym_cu_at(s, func_addr, &cu_die, &bias);
	if (!cu || frameless(s, cu, func_addr))
		return addr;
	nscopes = dwarf_getscopes(cu, func_addr - bias, &scopes);
	for (int i = 0; i < nscopes; i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
			continue;
		/* The first address after the prologue, from the line table. */
		if (dwarf_entry_breakpoints(&scopes[i], &bkpts) > 0)
			addr = bkpts[0] + bias;
		break;
	}
	free(bkpts);
	free(scopes);
	return addr;
}

int sym_func_breakpoint_addr(struct sym *s, const char *name, uint64_t *addr)
{
	struct sym_found f;

	if (sym_lookup(s, name, NULL, &f) < 0)
		return -1;
	if (f.kind != SYM_FUNC) {
		err_set("\"%s\" is not a function", name);
		return -1;
	}
	*addr = sym_after_prologue(s, f.addr);
	return 0;
}

bool sym_suggest(struct sym *s, const char *name, char *buf, size_t len)
{
	/* Up to a third of the letters wrong, as a typo; never more than 3. */
	unsigned limit = (unsigned)strlen(name) / 3, best = ~0u;

	if (limit > 3)
		limit = 3;
	if (limit == 0 || !s->dwfl)
		return false;
	for (size_t m = 0; m < s->nmods; m++) {
		struct mod_info *mi = s->mods[m];

		ensure_index(mi);
		for (size_t i = 0; i < nentries(mi); i++) {
			struct sym_entry e;
			char cand[256];
			unsigned d;

			if (!entry_at(mi, i, &e) || e.kind != SYM_FUNC || e.name[0] == '_')
				continue;
			copy_name(cand, sizeof(cand), e.name);
			d = edit_distance(name, cand, limit);
			if (d <= limit && d < best) {
				best = d;
				snprintf(buf, len, "%s", cand);
			}
		}
	}
	return best != ~0u;
}

int sym_lookup_funcs(struct sym *s, const char *name, const char *module,
		     void (*fn)(void *arg, const struct sym_found *f), void *arg)
{
	struct mod_info **order;
	bool found_module = module == NULL;
	int count = 0;

	if (!s->dwfl && sym_sync(s) < 0)
		return -1;
	order = xcalloc(s->nmods ? s->nmods : 1, sizeof(*order));
	search_order(s, order);
	for (size_t m = 0; m < s->nmods; m++) {
		struct mod_info *mi = order[m];
		struct sym_entry best = { 0 };
		bool have_best = false;

		if (!module_matches(mi, module))
			continue;
		found_module = true;
		ensure_index(mi);
		for (size_t i = 0; i < nentries(mi); i++) {
			struct sym_entry e;
			size_t len;

			if (!entry_at(mi, i, &e) || e.kind != SYM_FUNC)
				continue;
			len = strcspn(e.name, "@");
			if (strncmp(e.name, name, len) != 0 || name[len] != '\0')
				continue;
			if (!have_best || e.rank / 2 < best.rank / 2) {
				best = e;
				have_best = true;
			}
		}
		if (have_best) {
			struct sym_found f = { best.addr, best.size, SYM_FUNC, mi->path, "" };

			copy_name(f.name, sizeof(f.name), best.name);
			fn(arg, &f);
			count++;
		}
	}
	free(order);
	if (!found_module) {
		err_set("no module \"%s\" is loaded", module);
		return -1;
	}
	return count;
}

struct inline_walk {
	Dwarf_Addr bias;
	void (*fn)(void *arg, uint64_t addr);
	void *arg;
	int count;
};

static int inline_instance(Dwarf_Die *inst, void *arg)
{
	struct inline_walk *w = arg;
	Dwarf_Addr entry;

	if (dwarf_entrypc(inst, &entry) == 0) {
		w->fn(w->arg, entry + w->bias);
		w->count++;
	}
	return DWARF_CB_OK;
}

int sym_inline_addrs(struct sym *s, const char *name, void (*fn)(void *arg, uint64_t addr),
		     void *arg)
{
	struct inline_walk w = { 0, fn, arg, 0 };
	Dwarf *dw = NULL;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie, child;
	Dwarf_Half version;
	uint8_t unit_type;

	if (!s->dwfl && sym_sync(s) < 0)
		return -1;
	/* The program only: walking every library's compile units costs too much. */
	for (size_t i = 0; i < s->nmods && !dw; i++)
		if (s->mods[i]->main_module && s->mods[i]->dm)
			dw = dwfl_module_getdwarf(s->mods[i]->dm, &w.bias);
	if (!dw)
		return 0;
	while (dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0) {
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do {
			const char *n;

			if (dwarf_tag(&child) != DW_TAG_subprogram ||
			    !dwarf_hasattr(&child, DW_AT_inline))
				continue;
			n = dwarf_diename(&child);
			if (n && strcmp(n, name) == 0)
				dwarf_func_inline_instances(&child, inline_instance, &w);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return w.count;
}

const char *sym_call_path(const char *file, const char *dir, char *buf, size_t len)
{
	/* A relative name is relative to where the compiler ran, as in sym_describe. */
	if (file[0] != '/' && dir && dir[0] == '/') {
		path_join_clean(dir, file, buf, len);
		return buf;
	}
	return file;
}

/* Where an inlined call's code starts: its entry pc, else its first range's start; 0 if unknown. */
static uint64_t inline_entry(Dwarf_Die *inst, Dwarf_Addr bias)
{
	Dwarf_Addr entry, base, start, end;

	if (dwarf_entrypc(inst, &entry) == 0)
		return entry + bias;
	if (dwarf_ranges(inst, 0, &base, &start, &end) > 0)
		return start + bias;
	return 0;
}

int sym_inline_calls(struct sym *s, uint64_t addr, struct sym_inline *out, int max)
{
	Dwfl_Module *dm = sym_module_at(s, addr);
	struct mod_info *mi;
	Dwarf_Die cu_die, lines_die, *cu, *chain = NULL;
	Dwarf_Files *files = NULL;
	Dwarf_Addr bias;
	size_t nfiles = 0;
	int nchain, n = 0;
	bool any = false;

	mi = mod_of(dm);
	cu = dm ? sym_module_cu_at(dm, addr, &cu_die, &bias) : NULL;
	nchain = cu ? scopes_at(cu, addr - bias, &chain) : 0;
	for (int i = 0; i < nchain; i++)
		any |= dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine;
	if (any && mi)
		dwarf_getsrcfiles(lines_unit(mi, addr - bias, cu, &lines_die), &files, &nfiles);
	for (int i = 0; any && i < nchain && n < max; i++) {
		Dwarf_Attribute attr;
		Dwarf_Word file, line;

		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine)
			continue;
		out[n].func = dwarf_diename(&chain[i]);
		if (!out[n].func)
			out[n].func = "??";
		out[n].call_file = NULL;
		out[n].call_dir = NULL;
		out[n].call_line = 0;
		if (dwarf_attr(cu, DW_AT_comp_dir, &attr))
			out[n].call_dir = dwarf_formstring(&attr);
		if (files && dwarf_attr(&chain[i], DW_AT_call_file, &attr) &&
		    dwarf_formudata(&attr, &file) == 0 && file < nfiles) {
			const char *name = dwarf_filesrc(files, file, NULL, NULL);

			out[n].call_file = name ? intern(mi, name) : NULL;
		}
		if (dwarf_attr(&chain[i], DW_AT_call_line, &attr) &&
		    dwarf_formudata(&attr, &line) == 0)
			out[n].call_line = (int)line;
		out[n].entry = inline_entry(&chain[i], bias);
		n++;
	}
	free(chain);
	return n;
}

/* Lines of file:line in one module: each function's lowest address. Returns how many. */
/* Keep the lines whose source file is path or ends with "/" + path, once cleaned; returns how many. */
static size_t keep_path_suffix(Dwfl_Line **srcs, size_t n, const char *path)
{
	char clean[PATH_MAX], have[PATH_MAX];
	size_t kept = 0, wl;
	const char *want = clean;

	path_join_clean("/", path, clean, sizeof(clean));
	if (path[0] != '/')
		want++; /* the components, without the leading "/" */
	wl = strlen(want);
	for (size_t i = 0; i < n; i++) {
		const char *src = dwfl_lineinfo(srcs[i], NULL, NULL, NULL, NULL, NULL);
		size_t hl;

		const char *dir = dwfl_line_comp_dir(srcs[i]);

		if (!src)
			continue;
		/* A relative name is the compiler's, from the unit's directory. */
		path_join_clean(src[0] != '/' && dir ? dir : "/", src, have, sizeof(have));
		hl = strlen(have);
		if (path[0] == '/' ? strcmp(have, want) == 0
				   : hl > wl && have[hl - wl - 1] == '/' &&
					     strcmp(have + hl - wl, want) == 0)
			srcs[kept++] = srcs[i];
	}
	return kept;
}

/*
 * What a line's code at addr belongs to, for one breakpoint location each:
 * the innermost inlined call holding it (its entry), else its function.
 */
static uint64_t line_block(struct sym *s, struct mod_info *mi, uint64_t addr)
{
	struct sym_inline calls[1];
	struct sym_entry fe;

	if (sym_inline_calls(s, addr, calls, 1) > 0)
		return calls[0].entry;
	return find_addr(mi, addr, &fe) ? fe.addr : addr;
}

static int module_line_addrs(struct sym *s, struct mod_info *mi, const char *file, int line,
			     void (*fn)(void *arg, uint64_t addr, int line), void *arg)
{
	Dwfl_Line **srcs = NULL;
	size_t n = 0;
	uint64_t *seen = NULL;
	size_t nseen = 0, cap = 0;
	int count = 0;

	if (dwfl_module_getsrc_file(mi->dm, file, line, 0, &srcs, &n) != 0 || n == 0) {
		/*
		 * libdw matches a bare file name or the path exactly as the
		 * compiler recorded it ("../tests/x.c" from a build directory);
		 * a path the user gives (dir/x.c, /src/dir/x.c) matches the last
		 * components of the cleaned full path instead.
		 */
		if (!strchr(file, '/') ||
		    dwfl_module_getsrc_file(mi->dm, path_base(file), line, 0, &srcs, &n) != 0 ||
		    n == 0)
			return 0;
		n = keep_path_suffix(srcs, n, file);
		if (!n) {
			free(srcs);
			return 0;
		}
	}
	/*
	 * One location per function, or per inlined copy of the function the
	 * line is in, as gdb places them: the lowest address of the line in it.
	 */
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr a;
		int lineno = 0;
		uint64_t block, best = UINT64_MAX;
		bool done = false;

		if (!dwfl_lineinfo(srcs[i], &a, &lineno, NULL, NULL, NULL))
			continue;
		block = line_block(s, mi, a);
		for (size_t k = 0; k < nseen; k++)
			done |= seen[k] == block;
		if (done)
			continue;
		for (size_t j = i; j < n; j++) {
			Dwarf_Addr b;

			if (dwfl_lineinfo(srcs[j], &b, NULL, NULL, NULL, NULL) && b < best &&
			    line_block(s, mi, b) == block)
				best = b;
		}
		VEC_GROW(seen, nseen, cap);
		seen[nseen++] = block;
		fn(arg, best, lineno);
		count++;
	}
	free(seen);
	free(srcs);
	return count;
}

int sym_line_addrs(struct sym *s, const char *file, int line,
		   void (*fn)(void *arg, uint64_t addr, int line), void *arg)
{
	struct mod_info **order;
	int count = 0;

	if (!s->dwfl && sym_sync(s) < 0)
		return -1;
	order = xcalloc(s->nmods ? s->nmods : 1, sizeof(*order));
	search_order(s, order);
	/* The program first: reading every library's line tables costs much more. */
	for (size_t m = 0; m < s->nmods && count == 0; m++) {
		if (order[m]->memory_only)
			continue;
		count += module_line_addrs(s, order[m], file, line, fn, arg);
		if (m == 0 && count)
			break;
	}
	free(order);
	if (count == 0) {
		err_set("no code for %s:%d in the loaded modules", file, line);
		return -1;
	}
	return count;
}

const char *sym_language_name(int dwarf_lang)
{
	/* gdb's names for the languages a native program is written in. */
	switch (dwarf_lang) {
	case DW_LANG_C89:
	case DW_LANG_C:
	case DW_LANG_C99:
	case DW_LANG_C11:
		return "c";
	case DW_LANG_C_plus_plus:
	case DW_LANG_C_plus_plus_03:
	case DW_LANG_C_plus_plus_11:
	case DW_LANG_C_plus_plus_14:
		return "c++";
	case DW_LANG_Mips_Assembler:
		return "asm";
	case DW_LANG_Rust:
		return "rust";
	case DW_LANG_Go:
		return "go";
	case DW_LANG_Fortran77:
	case DW_LANG_Fortran90:
	case DW_LANG_Fortran95:
		return "fortran";
	default:
		return "unknown";
	}
}

size_t sym_modules(struct sym *s, const struct sym_module **mods)
{
	*mods = s->pub;
	return s->pub ? s->nmods : 0;
}

bool sym_has_debuginfo(struct sym *s, uint64_t addr)
{
	Dwfl_Module *dm = sym_module_at(s, addr);
	Dwarf_Addr bias;

	return dm && dwfl_module_getdwarf(dm, &bias) != NULL;
}

/* Whether row k repeats the line (and file) of row k - 1. */
static bool repeats_line(Dwarf_Lines *lines, size_t k)
{
	Dwarf_Line *row = dwarf_onesrcline(lines, k);
	Dwarf_Line *prev = k ? dwarf_onesrcline(lines, k - 1) : NULL;
	int line = 0, prev_line = 0;
	bool end = false;
	const char *file, *prev_file;

	if (!row || !prev || dwarf_lineendsequence(prev, &end) < 0 || end ||
	    dwarf_lineno(row, &line) < 0 || dwarf_lineno(prev, &prev_line) < 0 || line != prev_line)
		return false;
	file = dwarf_linesrc(row, NULL, NULL);
	prev_file = dwarf_linesrc(prev, NULL, NULL);
	return file && prev_file && strcmp(file, prev_file) == 0;
}

/*
 * Whether row i of lines is one gdb keeps: gdb drops a row that repeats the
 * line before it when a row of that line (since the line last changed) had
 * a discriminator, so that a loop's rows on one line are one line to step.
 */
static bool row_kept(Dwarf_Lines *lines, size_t i)
{
	if (!repeats_line(lines, i))
		return true;
	for (size_t k = i;; k--) {
		unsigned disc = 0;

		if (dwarf_linediscriminator(dwarf_onesrcline(lines, k), &disc) == 0 && disc)
			return false;
		if (!repeats_line(lines, k))
			return true;
	}
}

/* The line table of the unit holding addr, and its module's bias. 0, or -1 without one. */
static int unit_lines(struct sym *s, uint64_t addr, Dwarf_Lines **lines, size_t *n,
		      Dwarf_Addr *bias)
{
	Dwarf_Die cu_die, *cu = sym_cu_at(s, addr, &cu_die, bias);

	return cu && dwarf_getsrclines(cu, lines, n) == 0 ? 0 : -1;
}

int sym_row_at(struct sym *s, uint64_t addr)
{
	Dwarf_Lines *lines;
	Dwarf_Addr bias = 0;
	size_t n;
	int kind = -1;

	if (unit_lines(s, addr, &lines, &n, &bias) < 0)
		return -1;
	for (size_t i = first_row_from(lines, n, addr - bias); i < n; i++) {
		Dwarf_Line *row = dwarf_onesrcline(lines, i);
		Dwarf_Addr at;
		bool stmt = false, end = false;
		int line = 0;

		if (!row || dwarf_lineaddr(row, &at) < 0 || at + bias != addr)
			break;
		if (dwarf_lineendsequence(row, &end) < 0 || end || dwarf_lineno(row, &line) < 0 ||
		    line <= 0 || !row_kept(lines, i))
			continue;
		if (dwarf_linebeginstatement(row, &stmt) == 0 && stmt)
			return 1;
		kind = 0;
	}
	return kind;
}

bool sym_line_starts_at(struct sym *s, uint64_t addr)
{
	return sym_row_at(s, addr) == 1;
}

uint64_t sym_line_end(struct sym *s, uint64_t addr)
{
	Dwarf_Lines *lines;
	Dwarf_Addr bias = 0, at;
	size_t n;

	if (unit_lines(s, addr, &lines, &n, &bias) < 0)
		return 0;
	for (size_t i = first_row_from(lines, n, addr - bias + 1); i < n; i++)
		if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &at) == 0 && row_kept(lines, i))
			return at + bias;
	return 0;
}

const char *sym_section_name(struct sym *s, uint64_t addr)
{
	Dwfl_Module *dm = sym_module_at(s, addr);
	Dwarf_Addr rel = addr, bias;
	Elf_Scn *scn;
	Elf *elf;
	GElf_Shdr shdr;
	size_t shstrndx;

	if (!dm)
		return NULL;
	scn = dwfl_module_address_section(dm, &rel, &bias);
	elf = dwfl_module_getelf(dm, &bias);
	if (!scn || !elf || !gelf_getshdr(scn, &shdr) || elf_getshdrstrndx(elf, &shstrndx) < 0)
		return NULL;
	return elf_strptr(elf, shstrndx, shdr.sh_name);
}

/* The symbol a relocation section puts at the slot (module-relative address rel), or NULL. */
static const char *reloc_symbol_at(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr, uint64_t rel)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	Elf_Scn *symscn = elf_getscn(elf, shdr->sh_link);
	Elf_Data *symdata = symscn ? elf_getdata(symscn, NULL) : NULL;
	GElf_Shdr symshdr;

	if (!data || !symdata || !gelf_getshdr(symscn, &symshdr) || !shdr->sh_entsize)
		return NULL;
	for (size_t i = 0; i < shdr->sh_size / shdr->sh_entsize; i++) {
		GElf_Rela rela;
		GElf_Sym es;

		if (!gelf_getrela(data, (int)i, &rela) || rela.r_offset != rel)
			continue;
		if (!gelf_getsym(symdata, (int)GELF_R_SYM(rela.r_info), &es))
			return NULL;
		return elf_strptr(elf, symshdr.sh_link, es.st_name);
	}
	return NULL;
}

int sym_got_slot_name(struct sym *s, uint64_t slot, char *buf, size_t len)
{
	Dwfl_Module *dm = sym_module_at(s, slot);
	Dwarf_Addr bias;
	Elf *elf = dm ? dwfl_module_getelf(dm, &bias) : NULL;
	Elf_Scn *scn = NULL;

	if (!elf)
		return -1;
	/* PLT slots are in .rela.plt; .plt.got entries use GLOB_DAT slots of .rela.dyn. */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_RELA)
			continue;
		name = reloc_symbol_at(elf, scn, &shdr, slot - bias);
		if (name && *name) {
			copy_name(buf, len, name);
			return 0;
		}
	}
	return -1;
}

struct Dwfl *sym_dwfl(struct sym *s)
{
	return s->dwfl;
}

pid_t sym_pid(const struct sym *s)
{
	return s->pid;
}
