/*
 * fuzz-elf.c - ELF files and their DWARF through lurk's symbol layer (sym.c
 * over elfutils' libdwfl/libdw).
 *
 * sym.c has no entry point for a file without a process: a struct sym is
 * made for a pid (sym_new) and learns its modules from /proc/PID/maps
 * (sym_sync), opening each file by the path the kernel shows. So a child of
 * this fuzzer, forked at start, maps each input file (from offset 0, as the
 * dynamic linker maps a library) when told to over a pipe, and one
 * long-lived struct sym for the child's pid sees the input as a loaded
 * module, exactly as lurk sees a library of an attached process. No ptrace
 * is needed: nothing reads the child's memory. The child's other modules
 * (this program, libc, ...) stay the same all run, so their symbols and
 * DWARF are read once. Queries are restricted to the input's module by its
 * name; every input gets a new path, so the module of the previous input is
 * dropped at the next sym_sync.
 *
 * (Mapping the input into this process instead does not work: the files
 * libelf maps to read them, and the libraries libdw loads, would become
 * modules too, and the module list would change at every input.)
 *
 * The debug-file cache (dbgcache.c) is off: nothing is written to ~/.cache.
 * Temporary files go under $TMPDIR (default /tmp). LURK_DEBUG=sym logs what
 * is opened.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#include "dbgcache.h"
#include "err.h"
#include "log.h"
#include "sym.h"
#include "util.h"
#include "value.h"

#define MAX_FUNCS 16

static struct sym *sym;
static char dir[4096];
static unsigned long serial;
static pid_t child;
static int to_child = -1, from_child = -1;

/* What the parent asks: map path (size bytes) and unmap the one before. */
struct map_request {
	char path[4096];
	uint64_t size;
};

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* The child: only system calls, no allocation. Answers each request with the address. */
static void __attribute__((noreturn)) mapper(int in, int out, pid_t parent)
{
	struct map_request req;
	void *cur = NULL;
	size_t cur_size = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	signal(SIGINT, SIG_IGN);
	while (read_full(in, &req, sizeof(req)) == 0) {
		uint64_t addr = 0;
		int fd;

		if (cur)
			munmap(cur, cur_size);
		cur = NULL;
		req.path[sizeof(req.path) - 1] = '\0';
		fd = open(req.path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			void *m = mmap(NULL, (size_t)req.size, PROT_READ, MAP_PRIVATE, fd, 0);

			close(fd);
			if (m != MAP_FAILED) {
				cur = m;
				cur_size = (size_t)req.size;
				addr = (uint64_t)(uintptr_t)m;
			}
		}
		if (write(out, &addr, sizeof(addr)) != sizeof(addr))
			break;
	}
	_exit(0);
}

static void stop_child(void)
{
	if (child > 0) {
		close(to_child);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = 0;
	}
	rmdir(dir);
}

/* The vDSO image is not needed: it is a module, but never one we query. */
static ssize_t no_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return -1;
}

/*
 * elfutils' own leak, not lurk's: dwarf_getscopes() (libdw 0.188) loses
 * the scopes array it allocated when malformed DWARF makes its second walk
 * (the abstract origin of an inlined instance) fail: the caller gets -1 and
 * nothing to free. Suppressed by that function's name so that leaks of what
 * lurk allocates, or of what libdw hands to lurk, still show. The name is in
 * the allocation's stack only with the slow unwinder (libdw has no frame
 * pointers), which costs about half the speed.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:dwarf_getscopes\n";
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	pid_t parent = getpid();
	int down[2], up[2];
	char *real;

	log_init(); /* LURK_DEBUG=sym shows what is opened */
	dbgcache_enable(false);
	snprintf(dir, sizeof(dir), "%s/lurk-fuzz-elf-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		abort();
	}
	/* Module paths are absolute (sym.c takes only paths that start with '/'). */
	real = realpath(dir, NULL);
	if (!real)
		abort();
	snprintf(dir, sizeof(dir), "%s", real);
	free(real);
	if (pipe2(down, O_CLOEXEC) < 0 || pipe2(up, O_CLOEXEC) < 0)
		abort();
	child = fork();
	if (child < 0)
		abort();
	if (child == 0) {
		close(down[1]);
		close(up[0]);
		mapper(down[0], up[1], parent);
	}
	close(down[0]);
	close(up[1]);
	to_child = down[1];
	from_child = up[0];
	atexit(stop_child);
	sym = sym_new(child, no_read, NULL);
	if (!sym)
		abort();
	return 0;
}

/* Have the child map path; its address there, or 0. */
static uint64_t child_map(const char *path, size_t size)
{
	struct map_request req;
	uint64_t addr;

	memset(&req, 0, sizeof(req));
	snprintf(req.path, sizeof(req.path), "%s", path);
	req.size = size;
	if (write(to_child, &req, sizeof(req)) != sizeof(req) ||
	    read_full(from_child, &addr, sizeof(addr)) < 0) {
		fprintf(stderr, "fuzz-elf: the mapping child is gone\n");
		abort();
	}
	return addr;
}

struct funcs {
	struct sym_found f[MAX_FUNCS];
	size_t n;
};

static void keep_func(void *arg, const struct sym_found *f)
{
	struct funcs *fs = arg;

	FUZZ_CHECK(f->kind == SYM_FUNC && f->size > 0 && f->module);
	if (fs->n < MAX_FUNCS)
		fs->f[fs->n++] = *f;
}

static void count_func(void *arg, const struct sym_found *f)
{
	FUZZ_CHECK(f->kind == SYM_FUNC && f->module);
	++*(int *)arg;
}

static void count_param(void *arg, const char *name, const struct value_scalar_type *type)
{
	FUZZ_CHECK(name && type && memchr(type->name, '\0', sizeof(type->name)));
	++*(int *)arg;
}

static void count_line(void *arg, uint64_t addr, int line)
{
	++*(int *)arg;
}

static void describe(uint64_t addr, bool return_addr)
{
	struct sym_loc loc;

	sym_describe(sym, addr, return_addr, &loc);
	FUZZ_CHECK(loc.addr == addr);
	if (loc.func) {
		FUZZ_CHECK(memchr(loc.func_buf, '\0', sizeof(loc.func_buf)));
		FUZZ_CHECK(loc.off == addr - loc.func_addr);
	}
	if (loc.file)
		FUZZ_CHECK(loc.line > 0);
}

/* Everything lurk asks of a function: where it is, its lines, its prologue, its types. */
static void query_func(const char *base, const struct sym_found *f)
{
	struct sym_found again;
	struct sym_loc loc;
	struct value_scalar_type type;
	uint64_t low, high;
	char name[256];
	int n = 0;

	err_clear();
	if (sym_lookup(sym, f->name, base, &again) == 0)
		FUZZ_CHECK(!strcmp(again.name, f->name));
	if (sym_func_range(sym, f->addr, &low, &high, name, sizeof(name)) == 0)
		FUZZ_CHECK(low <= f->addr && f->addr < high);
	describe(f->addr, false);
	describe(f->addr + f->size / 2, true);
	(void)sym_after_prologue(sym, f->addr);
	if (value_func_return_type(sym, f->addr, &type) == 0)
		FUZZ_CHECK(memchr(type.name, '\0', sizeof(type.name)));
	(void)value_func_params(sym, f->addr, count_param, &n);
	(void)sym_section_name(sym, f->addr);
	(void)sym_lookup_funcs(sym, f->name, base, count_func, &n);

	/* The function's first line, looked up again by file:line (as break FILE:LINE does). */
	sym_describe(sym, f->addr, false, &loc);
	if (loc.file && loc.line > 0) {
		char *file = xstrdup(path_base(loc.file));

		(void)sym_line_addrs(sym, file, loc.line, count_line, &n);
		free(file);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4200], base[64];
	const struct sym_module *mods;
	const struct sym_module *mine = NULL;
	struct funcs fs = { .n = 0 };
	struct sym_found f;
	size_t nmods;
	uint64_t addr;
	int fd;

	if (size == 0)
		return 0;
	snprintf(base, sizeof(base), "input-%lu.elf", serial++);
	snprintf(path, sizeof(path), "%s/%s", dir, base);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	addr = child_map(path, size);
	FUZZ_CHECK(addr != 0);

	err_clear();
	if (sym_sync(sym) < 0)
		goto done;
	nmods = sym_modules(sym, &mods);
	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i].path, path))
			mine = &mods[i];
	FUZZ_CHECK(mine && mine->low == addr && !mine->main_module);

	(void)sym_has_debuginfo(sym, mine->low);
	(void)sym_section_name(sym, mine->low);
	/* Addresses spread over the mapping, as a backtrace would ask. */
	for (uint64_t a = mine->low; a < mine->high; a += (mine->high - mine->low) / 8 + 1) {
		char buf[256];

		describe(a, false);
		describe(a, true);
		(void)sym_got_slot_name(sym, a, buf, sizeof(buf));
	}
	if (sym_match_funcs(sym, "*", base, keep_func, &fs) >= 0) {
		for (size_t i = 0; i < fs.n; i++)
			query_func(base, &fs.f[i]);
	}
	if (sym_lookup(sym, "main", base, &f) == 0)
		(void)sym_after_prologue(sym, f.addr);
	err_clear();
done:
	/* The child keeps its mapping (of a deleted file) until the next input. */
	unlink(path);
	return 0;
}
