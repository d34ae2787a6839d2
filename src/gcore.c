/* gcore.c - write an ELF core file of the stopped process: which memory goes in, the layout, the file */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "gcore-notes.h"
#include "gcore.h"
#include "procfs.h"
#include "sig.h"
#include "target.h"
#include "util.h"

/* Memory is read and written in pieces this large: few system calls, a buffer the cache holds. */
#define CHUNK (1u << 18)

/* The bits of /proc/PID/coredump_filter (core(5)). */
enum {
	FILTER_ANON_PRIVATE = 1u << 0,
	FILTER_ANON_SHARED = 1u << 1,
	FILTER_MAPPED_PRIVATE = 1u << 2,
	FILTER_MAPPED_SHARED = 1u << 3,
	FILTER_ELF_HEADERS = 1u << 4,
	FILTER_HUGETLB_PRIVATE = 1u << 5,
	FILTER_HUGETLB_SHARED = 1u << 6,
};
/* The kernel's default, for a process whose filter cannot be read. */
#define FILTER_DEFAULT 0x33u

/* What /proc/PID/smaps adds to a mapping of /proc/PID/maps. */
struct vma_facts {
	uint64_t start;
	bool written;  /* has anonymous pages, resident or swapped: the kernel's anon_vma */
	bool dontdump; /* VmFlags dd: madvise(MADV_DONTDUMP) */
	bool io;       /* VmFlags io: device memory the kernel never dumps */
	bool hugetlb;  /* VmFlags ht */
};

struct vma_table {
	struct vma_facts *v;
	size_t n, cap;
};

/* One PT_LOAD. */
struct seg {
	uint64_t start, end, filesz, offset;
	uint32_t flags;
	bool sparse; /* private anonymous memory: untouched pages are holes */
};

struct corefile {
	int fd;
	const char *path;
	uint64_t off;
	unsigned char *buf; /* CHUNK bytes */
};

static unsigned read_filter(pid_t pid)
{
	char path[64];
	char *text;
	unsigned filter = FILTER_DEFAULT;

	snprintf(path, sizeof(path), "/proc/%d/coredump_filter", pid);
	text = procfs_read_file(path);
	if (text)
		filter = (unsigned)strtoul(text, NULL, 16);
	free(text);
	err_clear();
	return filter;
}

static void parse_vmflags(const char *p, struct vma_facts *f)
{
	const char *w;
	size_t n;

	while ((n = next_word(&p, &w)) > 0) {
		if (n != 2)
			continue;
		f->dontdump |= strncmp(w, "dd", 2) == 0;
		f->io |= strncmp(w, "io", 2) == 0;
		f->hugetlb |= strncmp(w, "ht", 2) == 0;
	}
}

/*
 * Whether each mapping was written, and its VmFlags, from /proc/PID/smaps.
 * Returns false when smaps cannot be read: the caller guesses from the
 * protection then.
 */
static bool read_smaps(pid_t pid, struct vma_table *tab)
{
	char path[64];
	char *text, *line, *save = NULL;
	struct vma_facts *cur = NULL;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	text = procfs_read_file(path);
	if (!text) {
		err_clear();
		return false;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *colon = strchr(line, ':'), *space = strchr(line, ' ');

		/* A mapping's line starts "START-END perms": its first word has no colon. */
		if (!colon || (space && space < colon)) {
			VEC_GROW(tab->v, tab->n, tab->cap);
			cur = &tab->v[tab->n++];
			memset(cur, 0, sizeof(*cur));
			cur->start = strtoull(line, NULL, 16);
		} else if (cur && (has_prefix(line, "Anonymous:") || has_prefix(line, "Swap:"))) {
			cur->written |= strtoull(colon + 1, NULL, 10) > 0;
		} else if (cur && has_prefix(line, "VmFlags:")) {
			parse_vmflags(colon + 1, cur);
		}
	}
	free(text);
	return true;
}

/*
 * The facts of the mapping at start. maps and smaps list mappings in
 * address order, and callers ask in that order: *at walks forward once.
 */
static const struct vma_facts *facts_at(const struct vma_table *tab, size_t *at, uint64_t start)
{
	while (*at < tab->n && tab->v[*at].start < start)
		(*at)++;
	return *at < tab->n && tab->v[*at].start == start ? &tab->v[*at] : NULL;
}

static bool starts_with_elf_magic(struct target *t, uint64_t addr)
{
	unsigned char magic[SELFMAG];
	bool yes = target_read(t, addr, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
		   memcmp(magic, ELFMAG, SELFMAG) == 0;

	err_clear();
	return yes;
}

/*
 * How many bytes of mapping m go into the core, by the rules the kernel's
 * core dumper follows: the vDSO always (unwinders need its code and unwind
 * tables); nothing of what is unreadable, madvise(MADV_DONTDUMP)ed or
 * device memory; otherwise as the filter says for the kind of mapping.
 * A private file mapping the program wrote to is anonymous memory for
 * the filter. f is NULL when smaps could not be read: then a writable
 * mapping counts as written, any other as not.
 */
static uint64_t dump_size(struct target *t, const struct map *m, const struct vma_facts *f,
			  unsigned filter, uint64_t page)
{
	uint64_t whole = m->end - m->start;
	bool shared = m->perms[3] == 's';
	bool file = m->path[0] == '/';

	if (m->perms[0] != 'r' || has_prefix(m->path, "[vvar"))
		return 0;
	if (strcmp(m->path, "[vdso]") == 0 || strcmp(m->path, "[vsyscall]") == 0)
		return whole;
	if (f && (f->dontdump || f->io))
		return 0;
	if (f && f->hugetlb)
		return filter & (shared ? FILTER_HUGETLB_SHARED : FILTER_HUGETLB_PRIVATE) ? whole
											  : 0;
	/* Shared memory without a name (MAP_ANONYMOUS, SysV, memfd) is a deleted file's. */
	if (shared)
		return filter & (!file || m->deleted ? FILTER_ANON_SHARED : FILTER_MAPPED_SHARED)
			       ? whole
			       : 0;
	if ((f ? f->written : m->perms[1] == 'w') && (filter & FILTER_ANON_PRIVATE))
		return whole;
	if (!file)
		return 0;
	if (filter & FILTER_MAPPED_PRIVATE)
		return whole;
	/* The first page of an ELF file: readers find its build-id there. */
	if ((filter & FILTER_ELF_HEADERS) && m->offset == 0 && starts_with_elf_magic(t, m->start))
		return page < whole ? page : whole;
	return 0;
}

/* The threads for the notes, the main thread first. Returns the count, or -1 with err set. */
static int collect_tids(struct target *t, pid_t **out)
{
	size_t n = target_nthreads(t), k = 0;
	pid_t pid = target_pid(t);
	pid_t *tids = xcalloc(n ? n : 1, sizeof(*tids));

	for (size_t i = 0; i < n; i++) {
		struct thread *th = target_thread_at(t, i);

		/* A zombie main thread has no registers to give. */
		if (target_th_exiting(th))
			continue;
		if (target_th_running(th)) {
			err_set("thread %d is running", target_th_num(th));
			free(tids);
			return -1;
		}
		tids[k] = target_th_tid(th);
		if (tids[k] == pid && k > 0) {
			tids[k] = tids[0];
			tids[0] = pid;
		}
		k++;
	}
	if (!k) {
		err_set("process %d has no thread that can be dumped", pid);
		free(tids);
		return -1;
	}
	*out = tids;
	return (int)k;
}

static int put(struct corefile *f, const void *p, size_t len)
{
	if (write_all(f->fd, p, len) < 0) {
		err_set("cannot write %s: %s", f->path, strerror(errno));
		return -1;
	}
	f->off += len;
	return 0;
}

/*
 * A dump of many gigabytes takes seconds: Ctrl-C abandons it, and so does
 * a request to leave (SIGTERM), which is kept for the main loop to act on.
 */
static int interrupted(const struct corefile *f)
{
	unsigned ev = sig_poll();

	sig_defer(ev & ~SIGEV_INTERRUPT);
	if (!(ev & (SIGEV_INTERRUPT | SIGEV_TERMINATE)))
		return 0;
	err_set("interrupted: %s not written", f->path);
	return -1;
}

/* A page that cannot be read (a file mapping past its file's end) is written as zeros. */
static int put_range(struct target *t, struct corefile *f, uint64_t start, uint64_t len,
		     uint64_t page)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t addr = start + done;
		size_t want = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		ssize_t n;

		if (interrupted(f) < 0)
			return -1;
		n = target_read(t, addr, f->buf, want);

		if (n <= 0) {
			uint64_t zeros = page - addr % page;

			err_clear();
			n = (ssize_t)(zeros < want ? zeros : want);
			memset(f->buf, 0, (size_t)n);
		}
		if (put(f, f->buf, (size_t)n) < 0)
			return -1;
		done += (uint64_t)n;
	}
	return 0;
}

/* Leave a hole: the file reads as zeros there and takes no room. */
static int put_hole(struct corefile *f, uint64_t len)
{
	if (lseek(f->fd, (off_t)len, SEEK_CUR) < 0) {
		err_set("cannot write %s: %s", f->path, strerror(errno));
		return -1;
	}
	f->off += len;
	return 0;
}

/* In /proc/PID/pagemap: the page is in memory, or in swap. */
#define PM_PRESENT (1ull << 63)
#define PM_SWAPPED (1ull << 62)

/*
 * Memory of one segment. Pages of an anonymous mapping that were never
 * touched (neither in memory nor in swap, by /proc/PID/pagemap) are holes,
 * as the kernel leaves them: a thread's 8 MiB stack costs what it uses, and
 * reading them would make the program's page tables map them. File mappings
 * are read whole, their pages coming from the file.
 */
static int put_memory(struct target *t, struct corefile *f, uint64_t start, uint64_t len,
		      uint64_t page, int pagemap)
{
	uint64_t entries[CHUNK / 4096];
	uint64_t done = 0;

	if (pagemap < 0 || page != 4096)
		return put_range(t, f, start, len, page);
	while (done < len) {
		uint64_t addr = start + done;
		uint64_t want = len - done < CHUNK ? len - done : CHUNK;
		size_t npages = (size_t)(want / page);
		ssize_t got = pread(pagemap, entries, npages * sizeof(entries[0]),
				    (off_t)(addr / page * sizeof(entries[0])));

		if (got != (ssize_t)(npages * sizeof(entries[0])))
			return put_range(t, f, addr, len - done, page);
		for (size_t i = 0, j; i < npages; i = j) {
			bool in = entries[i] & (PM_PRESENT | PM_SWAPPED);
			uint64_t run;

			for (j = i + 1;
			     j < npages && (bool)(entries[j] & (PM_PRESENT | PM_SWAPPED)) == in;
			     j++)
				;
			run = (uint64_t)(j - i) * page;
			if ((in ? put_range(t, f, addr + i * page, run, page) : put_hole(f, run)) <
			    0)
				return -1;
		}
		done += want;
	}
	return 0;
}

/* A process killed while its memory was read gave zeros, not its memory. */
static int still_there(pid_t pid, pid_t tid)
{
	errno = 0;
	if (ptrace(PTRACE_PEEKUSER, tid, NULL, NULL) == -1 && errno == ESRCH) {
		err_set("process %d vanished while its core was written", pid);
		return -1;
	}
	return 0;
}

static void discard(struct corefile *f)
{
	/* Emptied first: when the path is a symbolic link, unlink removes only the link. */
	int emptied = ftruncate(f->fd, 0);

	(void)emptied;
	unlink(f->path);
}

static void add_phdr(struct strbuf *sb, const Elf64_Phdr *ph)
{
	sb_addn(sb, (const char *)ph, sizeof(*ph));
}

/*
 * The file's head, as the kernel lays a core out: the ELF header, the
 * program headers (PT_NOTE, then the PT_LOADs in address order), the
 * notes, then zeros up to the first page boundary where the memory starts.
 * With 65535 segments or more e_phnum says PN_XNUM and the count is in the
 * sh_info of a lone section header after the memory.
 */
static void build_head(const struct strbuf *notes, struct seg *segs, size_t nsegs, uint64_t page,
		       struct strbuf *head)
{
	size_t phnum = nsegs + 1;
	uint64_t notes_off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
	uint64_t data_off = (notes_off + notes->len + page - 1) / page * page;
	uint64_t off = data_off;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	for (size_t i = 0; i < nsegs; i++) {
		segs[i].offset = off;
		off += segs[i].filesz;
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = phnum < PN_XNUM ? (Elf64_Half)phnum : PN_XNUM;
	if (phnum >= PN_XNUM) {
		eh.e_shoff = off;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
	}
	sb_addn(head, (const char *)&eh, sizeof(eh));
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = notes_off;
	ph.p_filesz = notes->len;
	ph.p_align = 4;
	add_phdr(head, &ph);
	for (size_t i = 0; i < nsegs; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = segs[i].flags;
		ph.p_offset = segs[i].offset;
		ph.p_vaddr = segs[i].start;
		ph.p_filesz = segs[i].filesz;
		ph.p_memsz = segs[i].end - segs[i].start;
		ph.p_align = page;
		add_phdr(head, &ph);
	}
	sb_addn(head, notes->buf, notes->len);
	while (head->len < data_off)
		sb_addc(head, '\0');
}

/* Open path for the core: a regular file, created or truncated; never a device or a pipe. */
static int open_core(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set("cannot write %s: not a regular file", path);
		return -1;
	}
	/* O_NONBLOCK: a FIFO put there since must not hang lurk in open. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0) {
		err_set("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		err_set("cannot write %s: not a regular file", path);
		return -1;
	}
	return fd;
}

static int write_file(struct target *t, struct corefile *f, const struct strbuf *head,
		      const struct seg *segs, size_t nsegs, size_t phnum, uint64_t page)
{
	char path[64];
	int pagemap, ret = -1;

	if (put(f, head->buf, head->len) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", target_pid(t));
	pagemap = open(path, O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; i < nsegs; i++)
		if (segs[i].filesz && put_memory(t, f, segs[i].start, segs[i].filesz, page,
						 segs[i].sparse ? pagemap : -1) < 0)
			goto out;
	if (phnum >= PN_XNUM) {
		Elf64_Shdr sh;

		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (Elf64_Word)phnum;
		if (put(f, &sh, sizeof(sh)) < 0)
			goto out;
	}
	/* A hole at the end is the file's size only once it is set. */
	if (ftruncate(f->fd, (off_t)f->off) < 0) {
		err_set("cannot write %s: %s", f->path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (pagemap >= 0)
		close(pagemap);
	return ret;
}

int gcore_write(struct target *t, const char *path, struct gcore_stats *out)
{
	pid_t pid = target_pid(t);
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct maps maps = { NULL, 0 };
	struct vma_table facts = { NULL, 0, 0 };
	struct strbuf notes = STRBUF_INIT, head = STRBUF_INIT;
	struct corefile f = { -1, path, 0, NULL };
	struct gcore_stats st;
	struct sigaction ign, old;
	struct seg *segs = NULL;
	pid_t *tids = NULL;
	bool have_smaps;
	size_t at = 0;
	int ntids, ret = -1;

	memset(&st, 0, sizeof(st));
	ntids = collect_tids(t, &tids);
	if (ntids < 0)
		return -1;
	if (procfs_maps_read(pid, &maps) < 0)
		goto out;
	have_smaps = read_smaps(pid, &facts);
	st.filter = read_filter(pid);
	if (gcore_notes(pid, tids, (size_t)ntids, &maps, &notes) < 0)
		goto out;
	st.threads = (size_t)ntids;
	segs = xcalloc(maps.n ? maps.n : 1, sizeof(*segs));
	for (size_t i = 0; i < maps.n; i++) {
		const struct map *m = &maps.v[i];
		const struct vma_facts *vf = have_smaps ? facts_at(&facts, &at, m->start) : NULL;

		segs[i].start = m->start;
		segs[i].end = m->end;
		segs[i].flags = (m->perms[0] == 'r' ? PF_R : 0) | (m->perms[1] == 'w' ? PF_W : 0) |
				(m->perms[2] == 'x' ? PF_X : 0);
		segs[i].filesz = dump_size(t, m, vf, st.filter, page);
		segs[i].sparse = m->perms[3] == 'p' && m->path[0] != '/' &&
				 strcmp(m->path, "[vdso]") != 0 &&
				 strcmp(m->path, "[vsyscall]") != 0;
		if (segs[i].filesz)
			st.dumped++;
		else
			st.left_out++;
	}
	st.segments = maps.n;
	build_head(&notes, segs, maps.n, page, &head);

	f.fd = open_core(path);
	if (f.fd < 0)
		goto out;
	/* Past RLIMIT_FSIZE the write fails with EFBIG, instead of SIGXFSZ killing lurk. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &ign, &old);
	f.buf = xmalloc(CHUNK);
	ret = write_file(t, &f, &head, segs, maps.n, maps.n + 1, page);
	if (ret == 0 && still_there(pid, tids[0]) < 0)
		ret = -1;
	/* Never leave a core that readers would take for a whole one. */
	if (ret < 0)
		discard(&f);
	if (close(f.fd) < 0 && ret == 0) {
		err_set("cannot write %s: %s", path, strerror(errno));
		unlink(path);
		ret = -1;
	}
	sigaction(SIGXFSZ, &old, NULL);
	st.bytes = f.off;
	if (ret == 0)
		*out = st;
out:
	free(f.buf);
	free(segs);
	free(tids);
	free(facts.v);
	sb_free(&notes);
	sb_free(&head);
	procfs_maps_free(&maps);
	return ret;
}
