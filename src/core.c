/* core.c - an ELF core file read as a stopped process: threads, registers, memory, mapped files */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "core.h"
#include "err.h"
#include "util.h"

#define PAGE 4096u

/* A PT_LOAD: [vaddr, vaddr + memsz) of the process; its first filesz bytes are in the core. */
struct core_segment {
	uint64_t vaddr, memsz, filesz, offset;
	unsigned flags; /* PF_R | PF_W | PF_X */
};

struct core {
	char *path;
	char *sysroot; /* "" for none */
	char *exe_override;
	int fd;
	uint64_t size; /* of the file: a truncated core ends before its segments do */
	Elf *elf;
	pid_t pid;
	char fname[17];
	char psargs[81];
	siginfo_t siginfo;
	struct core_thread *threads;
	size_t nthreads;
	struct core_segment *segs; /* sorted by vaddr */
	size_t nsegs;
	struct core_file *files; /* sorted by start */
	size_t *file_owner;	 /* the first entry of the same path: its fd serves them all */
	int *file_fds;		 /* at the owner: -1 not opened yet, -2 cannot be */
	size_t nfiles;
	uint64_t at_phdr, at_sysinfo_ehdr;
	const struct core_file *exe;
};

static int cmp_seg(const void *a, const void *b)
{
	const struct core_segment *x = a, *y = b;

	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

static int cmp_file(const void *a, const void *b)
{
	const struct core_file *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_ARM:
		return "ARM";
	case EM_AARCH64:
		return "AArch64";
	case EM_PPC64:
		return "PowerPC64";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "RISC-V";
	case EM_X86_64:
		return "x86_64";
	default:
		return "an unknown machine";
	}
}

/* NT_FILE: count, page size, count (start, end, page offset) triples, count names. */
static void read_file_note(struct core *c, const unsigned char *d, size_t len)
{
	uint64_t count, page;
	const char *names;
	size_t at;

	if (len < 16)
		return;
	memcpy(&count, d, 8);
	memcpy(&page, d + 8, 8);
	if (count > (len - 16) / 24)
		return;
	names = (const char *)d + 16 + count * 24;
	at = 0;
	c->files = xcalloc(count ? count : 1, sizeof(*c->files));
	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *e = d + 16 + i * 24;
		size_t room = len - 16 - count * 24 - at;
		size_t n = strnlen(names + at, room);
		struct core_file *f = &c->files[c->nfiles];

		if (n == room)
			break;
		memcpy(&f->start, e, 8);
		memcpy(&f->end, e + 8, 8);
		memcpy(&f->offset, e + 16, 8);
		f->offset *= page;
		f->path = xstrndup(names + at, n);
		/* As in /proc/PID/maps: the name the file had, and a mark that it is gone. */
		if (n > 10 && !strcmp(f->path + n - 10, " (deleted)")) {
			f->path[n - 10] = '\0';
			f->deleted = true;
		}
		at += n + 1;
		c->nfiles++;
	}
	qsort(c->files, c->nfiles, sizeof(*c->files), cmp_file);
}

static void read_auxv(struct core *c, const unsigned char *d, size_t len)
{
	for (size_t at = 0; at + 16 <= len; at += 16) {
		uint64_t type, value;

		memcpy(&type, d + at, 8);
		memcpy(&value, d + at + 8, 8);
		if (type == AT_PHDR)
			c->at_phdr = value;
		else if (type == AT_SYSINFO_EHDR)
			c->at_sysinfo_ehdr = value;
	}
}

static void read_note(struct core *c, const GElf_Nhdr *nh, const char *name, const unsigned char *d)
{
	bool core_name = nh->n_namesz == 5 && memcmp(name, "CORE", 5) == 0;

	if (!core_name)
		return;
	if (nh->n_type == NT_PRSTATUS && nh->n_descsz >= sizeof(struct elf_prstatus)) {
		struct elf_prstatus st;
		struct core_thread *th;

		memcpy(&st, d, sizeof(st));
		c->threads = xrealloc(c->threads, (c->nthreads + 1) * sizeof(*c->threads));
		th = &c->threads[c->nthreads++];
		memset(th, 0, sizeof(*th));
		th->tid = st.pr_pid;
		th->cursig = st.pr_cursig;
		memcpy(th->regs.raw, &st.pr_reg, sizeof(st.pr_reg));
		th->regs.len = sizeof(st.pr_reg);
	} else if (nh->n_type == NT_PRFPREG && c->nthreads &&
		   nh->n_descsz >= sizeof(c->threads[0].fp.raw)) {
		/* It follows the NT_PRSTATUS of its thread. */
		struct core_thread *th = &c->threads[c->nthreads - 1];

		memcpy(th->fp.raw, d, sizeof(th->fp.raw));
		th->has_fp = true;
	} else if (nh->n_type == NT_PRPSINFO && nh->n_descsz >= sizeof(struct elf_prpsinfo)) {
		struct elf_prpsinfo ps;

		memcpy(&ps, d, sizeof(ps));
		c->pid = ps.pr_pid;
		memcpy(c->fname, ps.pr_fname, sizeof(ps.pr_fname));
		memcpy(c->psargs, ps.pr_psargs, sizeof(ps.pr_psargs));
		/* The kernel pads the arguments it cut to its limit with a space. */
		for (size_t n = strlen(c->psargs); n && c->psargs[n - 1] == ' ';)
			c->psargs[--n] = '\0';
	} else if (nh->n_type == NT_SIGINFO && nh->n_descsz >= sizeof(siginfo_t) &&
		   !c->siginfo.si_signo) {
		memcpy(&c->siginfo, d, sizeof(c->siginfo));
	} else if (nh->n_type == NT_AUXV) {
		read_auxv(c, d, nh->n_descsz);
	} else if (nh->n_type == NT_FILE && !c->files) {
		read_file_note(c, d, nh->n_descsz);
	}
}

static int read_notes(struct core *c, const GElf_Phdr *ph)
{
	Elf_Data *data =
		elf_getdata_rawchunk(c->elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	size_t at = 0, name_at, desc_at;
	GElf_Nhdr nh;

	if (!data) {
		if (ph->p_offset + ph->p_filesz > c->size)
			err_set("the core file is truncated: its notes (threads, registers) are "
				"cut "
				"off at %" PRIu64 " of %" PRIu64 " bytes",
				c->size, ph->p_offset + ph->p_filesz);
		else
			err_set("its notes are unreadable: %s", elf_errmsg(-1));
		return -1;
	}
	while ((at = gelf_getnote(data, at, &nh, &name_at, &desc_at)) > 0)
		read_note(c, &nh, (const char *)data->d_buf + name_at,
			  (const unsigned char *)data->d_buf + desc_at);
	return 0;
}

/* The ELF file kind, for a file that is not a core. */
static const char *elf_kind_name(unsigned type)
{
	switch (type) {
	case ET_EXEC:
		return "an executable";
	case ET_DYN:
		return "a shared object or position-independent executable";
	case ET_REL:
		return "an object file";
	default:
		return "an ELF file";
	}
}

static int read_headers(struct core *c)
{
	GElf_Ehdr eh;
	size_t nph;

	if (elf_kind(c->elf) != ELF_K_ELF || !gelf_getehdr(c->elf, &eh)) {
		err_set("not a core file (not an ELF file)");
		return -1;
	}
	if (eh.e_type != ET_CORE) {
		err_set("%s, not a core file", elf_kind_name(eh.e_type));
		return -1;
	}
	if (eh.e_machine != EM_X86_64 || gelf_getclass(c->elf) != ELFCLASS64) {
		err_set("a core of %s; lurk reads x86_64 cores", machine_name(eh.e_machine));
		return -1;
	}
	if (elf_getphdrnum(c->elf, &nph) != 0) {
		err_set("its program headers are unreadable: %s", elf_errmsg(-1));
		return -1;
	}
	c->segs = xcalloc(nph ? nph : 1, sizeof(*c->segs));
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(c->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_NOTE) {
			if (read_notes(c, &ph) < 0)
				return -1;
		} else if (ph.p_type == PT_LOAD && ph.p_memsz) {
			c->segs[c->nsegs++] =
				(struct core_segment){ ph.p_vaddr, ph.p_memsz, ph.p_filesz,
						       ph.p_offset, ph.p_flags };
		}
	}
	qsort(c->segs, c->nsegs, sizeof(*c->segs), cmp_seg);
	if (!c->nthreads) {
		err_set("no thread in it (no NT_PRSTATUS note)");
		return -1;
	}
	if (!c->pid)
		c->pid = c->threads[0].tid;
	return 0;
}

static const struct core_segment *find_seg(const struct core *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->segs[mid].vaddr + c->segs[mid].memsz <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nsegs && c->segs[lo].vaddr <= addr ? &c->segs[lo] : NULL;
}

static size_t find_file_index(const struct core *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->files[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nfiles && c->files[lo].start <= addr ? lo : SIZE_MAX;
}

/* Bytes of seg the file really holds: fewer than p_filesz when the core was cut short. */
static uint64_t seg_bytes(const struct core *c, const struct core_segment *s)
{
	if (s->offset >= c->size)
		return 0;
	return s->filesz < c->size - s->offset ? s->filesz : c->size - s->offset;
}

/* Read only what the core itself holds (no mapped file): 0 when addr is not in it. */
static ssize_t read_segment(struct core *c, uint64_t addr, void *buf, size_t len)
{
	const struct core_segment *s = find_seg(c, addr);
	uint64_t have, n;
	ssize_t got;

	if (!s)
		return 0;
	have = seg_bytes(c, s);
	if (addr - s->vaddr >= have)
		return 0;
	n = have - (addr - s->vaddr);
	if (n > len)
		n = len;
	got = pread(c->fd, buf, n, (off_t)(s->offset + (addr - s->vaddr)));
	return got < 0 ? 0 : got;
}

const char *core_file_location(const struct core *c, const struct core_file *f, char *buf,
			       size_t len)
{
	if (c->exe_override && c->exe && !strcmp(f->path, c->exe->path))
		snprintf(buf, len, "%s", c->exe_override);
	else
		snprintf(buf, len, "%s%s", c->sysroot, f->path);
	return buf;
}

static int file_fd(struct core *c, size_t i)
{
	char path[4300];

	i = c->file_owner[i];
	if (c->file_fds[i] == -1) {
		core_file_location(c, &c->files[i], path, sizeof(path));
		c->file_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (c->file_fds[i] < 0)
			c->file_fds[i] = -2;
	}
	return c->file_fds[i];
}

/* Read from the mapped file behind addr: 0 when there is none or it is gone. */
static ssize_t read_mapped_file(struct core *c, uint64_t addr, void *buf, size_t len)
{
	size_t i = find_file_index(c, addr);
	const struct core_file *f;
	uint64_t n;
	ssize_t got;
	int fd;

	if (i == SIZE_MAX || (fd = file_fd(c, i)) < 0 || c->files[i].mismatch ||
	    c->files[i].writable)
		return 0;
	f = &c->files[i];
	n = f->end - addr;
	if (n > len)
		n = len;
	got = pread(fd, buf, n, (off_t)(f->offset + (addr - f->start)));
	return got < 0 ? 0 : got;
}

ssize_t core_read(struct core *c, uint64_t addr, void *buf, size_t len)
{
	size_t total = 0;

	while (total < len) {
		uint64_t a = addr + total;
		const struct core_segment *s = find_seg(c, a);
		size_t want = len - total;
		ssize_t n;

		/* Do not read a file's bytes past the segment into the next one. */
		if (s && s->vaddr + s->memsz - a < want)
			want = (size_t)(s->vaddr + s->memsz - a);
		n = read_segment(c, a, (char *)buf + total, want);
		/*
		 * A writable mapping's file holds what the program started with, not
		 * what it wrote since: only code and read-only data come from files.
		 */
		if (n <= 0 && !(s && (s->flags & PF_W)))
			n = read_mapped_file(c, a, (char *)buf + total, want);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	if (total == 0) {
		err_set("cannot access memory at 0x%" PRIx64 ": not in the core file", addr);
		return -1;
	}
	return (ssize_t)total;
}

/* The build-id in the note of an ELF image whose first bytes are at base, read by rd. */
static int image_build_id(struct core *c, uint64_t base, unsigned char *id, size_t max)
{
	unsigned char page[PAGE];
	Elf64_Ehdr eh;

	if (read_segment(c, base, page, sizeof(page)) != (ssize_t)sizeof(page))
		return -1;
	memcpy(&eh, page, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > PAGE || eh.e_phnum > (PAGE - eh.e_phoff) / sizeof(Elf64_Phdr))
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		size_t at;

		memcpy(&ph, page + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE || ph.p_offset >= PAGE || ph.p_filesz > PAGE - ph.p_offset)
			continue;
		for (at = ph.p_offset; at + sizeof(Elf64_Nhdr) <= ph.p_offset + ph.p_filesz;) {
			Elf64_Nhdr nh;
			size_t name = at + sizeof(nh), desc;

			memcpy(&nh, page + at, sizeof(nh));
			desc = name + ((nh.n_namesz + 3) & ~3u);
			if (desc + nh.n_descsz > ph.p_offset + ph.p_filesz)
				break;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(page + name, "GNU", 4) == 0 && nh.n_descsz <= max) {
				memcpy(id, page + desc, nh.n_descsz);
				return (int)nh.n_descsz;
			}
			at = desc + ((nh.n_descsz + 3) & ~3u);
		}
	}
	return -1;
}

static int file_build_id(Elf *elf, unsigned char *id, size_t max)
{
	const void *p;
	ssize_t n = elf ? dwelf_elf_gnu_build_id(elf, &p) : -1;

	if (n > 0 && (size_t)n <= max)
		memcpy(id, p, (size_t)n);
	else
		n = -1;
	return (int)n;
}

/*
 * Whether the pages of an ELF file mapped from offset belong to a writable
 * segment (.data, and the relocated relro part): what the file holds there
 * is what the program started with, not what it had when it died.
 */
static bool writable_at(Elf *elf, uint64_t offset)
{
	size_t nph;

	if (!elf || elf_getphdrnum(elf, &nph) != 0)
		return false;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		uint64_t from;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		from = ph.p_offset & ~(uint64_t)(PAGE - 1);
		if (offset >= from && offset < ph.p_offset + ph.p_filesz)
			return (ph.p_flags & PF_W) != 0;
	}
	return false;
}

/*
 * Whether each file the process mapped is here, and the same: a build-id in
 * the core's copy of its ELF header that differs from the file's means
 * another build (a library updated since), whose bytes and symbols would
 * be wrong, so it is not read.
 */
static void check_files(struct core *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		int fd = c->file_owner[i] == i ? file_fd(c, i) : -1;
		Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
		bool mismatch = false;

		/* Each file once, for all its mappings. */
		if (c->file_owner[i] != i)
			continue;
		for (size_t j = i; j < c->nfiles; j++) {
			struct core_file *f = &c->files[j];
			unsigned char want[64], have[64];
			int nwant, nhave;

			if (c->file_owner[j] != i)
				continue;
			f->found = fd >= 0;
			f->writable = writable_at(elf, f->offset);
			/* The core's copy of the ELF header is at a mapping of offset 0. */
			nwant = f->offset == 0 && elf
					? image_build_id(c, f->start, want, sizeof(want))
					: -1;
			nhave = nwant > 0 ? file_build_id(elf, have, sizeof(have)) : -1;
			if (nhave > 0 && (nhave != nwant || memcmp(want, have, (size_t)nwant) != 0))
				mismatch = true;
		}
		for (size_t j = i; j < c->nfiles; j++)
			if (c->file_owner[j] == i)
				c->files[j].mismatch = mismatch;
		elf_end(elf);
	}
}

static void find_exe(struct core *c)
{
	size_t i = c->at_phdr ? find_file_index(c, c->at_phdr) : SIZE_MAX;

	c->exe = i == SIZE_MAX ? NULL : &c->files[i];
}

struct core *core_open(const char *path, const char *sysroot)
{
	struct core *c = xcalloc(1, sizeof(*c));
	struct stat st;

	c->path = xstrdup(path);
	c->sysroot = xstrdup(sysroot ? sysroot : "");
	/* "DIR/" and "DIR" name the same root: paths in the core start with '/'. */
	if (c->sysroot[0] && c->sysroot[strlen(c->sysroot) - 1] == '/')
		c->sysroot[strlen(c->sysroot) - 1] = '\0';
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		err_set("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set("%s: not a regular file", path);
		goto fail;
	}
	c->size = (uint64_t)st.st_size;
	elf_version(EV_CURRENT);
	c->elf = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
	if (!c->elf) {
		err_set("%s: not a core file (%s)", path, elf_errmsg(-1));
		goto fail;
	}
	if (read_headers(c) < 0) {
		err_prefix("%s", path);
		goto fail;
	}
	c->file_fds = xcalloc(c->nfiles ? c->nfiles : 1, sizeof(*c->file_fds));
	c->file_owner = xcalloc(c->nfiles ? c->nfiles : 1, sizeof(*c->file_owner));
	for (size_t i = 0; i < c->nfiles; i++) {
		c->file_fds[i] = -1;
		c->file_owner[i] = i;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->files[j].path, c->files[i].path)) {
				c->file_owner[i] = c->file_owner[j];
				break;
			}
	}
	find_exe(c);
	check_files(c);
	return c;
fail:
	core_free(c);
	return NULL;
}

void core_free(struct core *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nfiles; i++) {
		if (c->file_fds && c->file_fds[i] >= 0)
			close(c->file_fds[i]);
		free(c->files[i].path);
	}
	free(c->file_fds);
	free(c->file_owner);
	free(c->files);
	free(c->segs);
	free(c->threads);
	if (c->elf)
		elf_end(c->elf);
	if (c->fd >= 0)
		close(c->fd);
	free(c->exe_override);
	free(c->sysroot);
	free(c->path);
	free(c);
}

const char *core_path(const struct core *c)
{
	return c->path;
}

pid_t core_pid(const struct core *c)
{
	return c->pid;
}

const char *core_psargs(const struct core *c)
{
	return c->psargs;
}

const char *core_fname(const struct core *c)
{
	return c->fname;
}

const siginfo_t *core_siginfo(const struct core *c)
{
	return &c->siginfo;
}

size_t core_nthreads(const struct core *c)
{
	return c->nthreads;
}

const struct core_thread *core_thread(const struct core *c, size_t i)
{
	return i < c->nthreads ? &c->threads[i] : NULL;
}

size_t core_nfiles(const struct core *c)
{
	return c->nfiles;
}

const struct core_file *core_file(const struct core *c, size_t i)
{
	return i < c->nfiles ? &c->files[i] : NULL;
}

const char *core_exe(const struct core *c)
{
	return c->exe ? c->exe->path : NULL;
}

int core_set_exe(struct core *c, const char *path)
{
	if (!c->exe) {
		err_set("the core does not say which mapping is the program");
		return -1;
	}
	free(c->exe_override);
	c->exe_override = xstrdup(path);
	/* The program's mappings are read from the new file from now on. */
	for (size_t i = 0; i < c->nfiles; i++)
		if (!strcmp(c->files[i].path, c->exe->path)) {
			if (c->file_fds[i] >= 0)
				close(c->file_fds[i]);
			c->file_fds[i] = -1;
		}
	check_files(c);
	return 0;
}

/* The NT_FILE entry that maps [start, ...), or NULL. */
static const struct core_file *file_at(const struct core *c, uint64_t start)
{
	size_t i = find_file_index(c, start);

	return i == SIZE_MAX || c->files[i].start != start ? NULL : &c->files[i];
}

static void add_map_line(struct strbuf *sb, const struct core *c, uint64_t start, uint64_t end,
			 unsigned flags, const struct core_file *f, uint64_t sp)
{
	const char *name = "";
	uint64_t inode = 0;

	if (f) {
		name = f->path;
		/* One number per file: the module code groups a file's mappings by it. */
		for (size_t i = 0; i < c->nfiles; i++)
			if (!strcmp(c->files[i].path, f->path)) {
				inode = i + 1;
				break;
			}
	} else if (c->at_sysinfo_ehdr && start == c->at_sysinfo_ehdr) {
		name = "[vdso]";
	} else if (sp >= start && sp < end) {
		name = "[stack]";
	}
	sb_addf(sb, "%" PRIx64 "-%" PRIx64 " %c%c%cp %08" PRIx64 " 00:00 %" PRIu64 " %s\n", start,
		end, flags & PF_R ? 'r' : '-', flags & PF_W ? 'w' : '-', flags & PF_X ? 'x' : '-',
		f ? f->offset : 0, inode, name);
}

char *core_maps_text(const struct core *c)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t sp = 0;
	size_t fi = 0;

	/* rsp in the main thread's user_regs_struct. */
	memcpy(&sp, c->threads[0].regs.raw + 19 * 8, sizeof(sp));
	for (size_t i = 0; i < c->nsegs; i++) {
		const struct core_segment *s = &c->segs[i];

		/* Files a core leaves out entirely (gdb's gcore skips read-only ones) still show. */
		for (; fi < c->nfiles && c->files[fi].start < s->vaddr; fi++)
			if (!find_seg(c, c->files[fi].start))
				add_map_line(&sb, c, c->files[fi].start, c->files[fi].end,
					     PF_R | PF_X, &c->files[fi], sp);
		add_map_line(&sb, c, s->vaddr, s->vaddr + s->memsz, s->flags, file_at(c, s->vaddr),
			     sp);
	}
	for (; fi < c->nfiles; fi++)
		if (!find_seg(c, c->files[fi].start))
			add_map_line(&sb, c, c->files[fi].start, c->files[fi].end, PF_R | PF_X,
				     &c->files[fi], sp);
	return sb_detach(&sb);
}

bool core_has_memory(const struct core *c)
{
	/* Code (the vDSO is always dumped) is no data: the writable memory is. */
	for (size_t i = 0; i < c->nsegs; i++)
		if ((c->segs[i].flags & PF_W) && seg_bytes(c, &c->segs[i]) > 0)
			return true;
	return false;
}

uint64_t core_missing_bytes(const struct core *c)
{
	uint64_t missing = 0;

	for (size_t i = 0; i < c->nsegs; i++)
		missing += c->segs[i].filesz - seg_bytes(c, &c->segs[i]);
	return missing;
}
