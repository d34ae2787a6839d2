/* gcore-notes.c - the PT_NOTE contents of a core file: threads' registers and the process's facts */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "err.h"
#include "gcore-notes.h"
#include "procfs.h"
#include "util.h"

#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

/* Room for the largest XSAVE area a CPU has today (AMX tiles make it ~11 KiB). */
#define XSTATE_MAX (32 * 1024)

/* The fields of /proc/PID/stat (or a task's) that the notes carry. */
struct stat_fields {
	char state;
	int ppid, pgrp, sid;
	long nice;
	unsigned long long utime, stime;
	long long cutime, cstime;
};

static void add_note(struct strbuf *out, const char *name, unsigned type, const void *desc,
		     size_t len)
{
	static const char pad[4];
	Elf64_Nhdr h = { .n_namesz = (Elf64_Word)strlen(name) + 1,
			 .n_descsz = (Elf64_Word)len,
			 .n_type = type };

	sb_addn(out, (const char *)&h, sizeof(h));
	sb_addn(out, name, h.n_namesz);
	sb_addn(out, pad, ALIGN4(h.n_namesz) - h.n_namesz);
	sb_addn(out, desc, len);
	sb_addn(out, pad, ALIGN4(len) - len);
}

static int read_stat(pid_t pid, pid_t tid, struct stat_fields *f)
{
	char path[80];
	char *text, *p;
	int n;

	if (tid > 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	text = procfs_read_file(path);
	if (!text)
		return -1;
	/* The name in parentheses may hold spaces and parentheses itself: the last ')' ends it. */
	p = strrchr(text, ')');
	n = p ? sscanf(p + 1,
		       " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld %*d %ld",
		       &f->state, &f->ppid, &f->pgrp, &f->sid, &f->utime, &f->stime, &f->cutime,
		       &f->cstime, &f->nice)
	      : 0;
	free(text);
	if (n != 9) {
		err_set("%s: unexpected format", path);
		return -1;
	}
	return 0;
}

static struct timeval ticks_to_timeval(unsigned long long ticks)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct timeval tv;

	if (hz <= 0)
		hz = 100;
	tv.tv_sec = (time_t)(ticks / (unsigned long long)hz);
	tv.tv_usec =
		(suseconds_t)((ticks % (unsigned long long)hz) * 1000000 / (unsigned long long)hz);
	return tv;
}

/* A hexadecimal or the first decimal field of /proc/PID/task/TID/status ("SigPnd", "Uid"). */
static unsigned long long status_number(pid_t pid, pid_t tid, const char *field, int base)
{
	char buf[128];

	if (procfs_status_field(pid, tid, field, buf, sizeof(buf)) < 0) {
		err_clear();
		return 0;
	}
	return strtoull(buf, NULL, base);
}

/*
 * The signal a thread stopped with, as the kernel reports the one that
 * killed a process: none for a thread lurk interrupted (a ptrace event
 * stop, or a group stop where PTRACE_GETSIGINFO fails) or one held at a
 * system-call stop.
 */
static bool stop_siginfo(pid_t tid, siginfo_t *si)
{
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, si) < 0)
		return false;
	if (si->si_signo == SIGTRAP && ((si->si_code >> 8) != 0 || si->si_code == (SIGTRAP | 0x80)))
		return false;
	return si->si_signo > 0;
}

static int prstatus_note(pid_t pid, pid_t tid, const struct stat_fields *proc, const siginfo_t *si,
			 bool fpvalid, struct strbuf *out)
{
	struct elf_prstatus st;
	struct stat_fields task;
	struct iovec iov = { &st.pr_reg, sizeof(st.pr_reg) };

	memset(&st, 0, sizeof(st));
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0) {
		err_set("registers of thread %d: %s", tid,
			errno == ESRCH ? "the thread vanished" : strerror(errno));
		return -1;
	}
	if (read_stat(pid, tid, &task) < 0) {
		err_set("thread %d vanished", tid);
		return -1;
	}
	if (si) {
		st.pr_info.si_signo = si->si_signo;
		st.pr_cursig = (short)si->si_signo;
	}
	st.pr_sigpend = status_number(pid, tid, "SigPnd", 16);
	st.pr_sighold = status_number(pid, tid, "SigBlk", 16);
	st.pr_pid = tid;
	st.pr_ppid = proc->ppid;
	st.pr_pgrp = proc->pgrp;
	st.pr_sid = proc->sid;
	st.pr_utime = ticks_to_timeval(task.utime);
	st.pr_stime = ticks_to_timeval(task.stime);
	st.pr_cutime = ticks_to_timeval((unsigned long long)(proc->cutime > 0 ? proc->cutime : 0));
	st.pr_cstime = ticks_to_timeval((unsigned long long)(proc->cstime > 0 ? proc->cstime : 0));
	st.pr_fpvalid = fpvalid;
	add_note(out, "CORE", NT_PRSTATUS, &st, sizeof(st));
	return 0;
}

static void prpsinfo_note(pid_t pid, const struct stat_fields *proc, struct strbuf *out)
{
	static const char states[] = "RSDTZW";
	struct elf_prpsinfo ps;
	char path[64];
	char *comm, *args;
	const char *at;

	memset(&ps, 0, sizeof(ps));
	/* A traced stop ('t') is a stop for readers of the note. */
	ps.pr_sname = proc->state == 't' ? 'T' : proc->state;
	at = strchr(states, ps.pr_sname);
	ps.pr_state = at ? (char)(at - states) : 0;
	ps.pr_zomb = ps.pr_sname == 'Z';
	ps.pr_nice = (char)proc->nice;
	ps.pr_uid = (unsigned)status_number(pid, 0, "Uid", 10);
	ps.pr_gid = (unsigned)status_number(pid, 0, "Gid", 10);
	ps.pr_pid = pid;
	ps.pr_ppid = proc->ppid;
	ps.pr_pgrp = proc->pgrp;
	ps.pr_sid = proc->sid;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm = procfs_read_file(path);
	if (comm) {
		comm[strcspn(comm, "\n")] = '\0';
		strncpy(ps.pr_fname, comm, sizeof(ps.pr_fname) - 1);
		free(comm);
	}
	err_clear();
	/* The kernel keeps the first ELF_PRARGSZ - 1 bytes of the arguments, spaces between. */
	args = procfs_cmdline(pid);
	if (args) {
		size_t n = strlen(args);

		while (n && args[n - 1] == ' ')
			n--;
		memcpy(ps.pr_psargs, args,
		       n < sizeof(ps.pr_psargs) - 1 ? n : sizeof(ps.pr_psargs) - 1);
		free(args);
	}
	add_note(out, "CORE", NT_PRPSINFO, &ps, sizeof(ps));
}

/* /proc/PID/auxv as it is: binary, so not procfs_read_file's string. */
static int auxv_note(pid_t pid, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_addn(&sb, buf, (size_t)n);
	if (n < 0)
		err_set("%s: %s", path, strerror(errno));
	close(fd);
	if (n == 0)
		add_note(out, "CORE", NT_AUXV, sb.buf, sb.len);
	sb_free(&sb);
	return n < 0 ? -1 : 0;
}

/*
 * NT_FILE, laid out as the kernel's: the number of file mappings and the
 * page size, then start, end and file offset (in pages) of each, then
 * their paths, NUL-terminated, in the same order. Readers find the
 * executable and the libraries by it.
 */
static void file_note(const struct maps *maps, struct strbuf *out)
{
	struct strbuf desc = STRBUF_INIT, names = STRBUF_INIT;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t count = 0;

	for (size_t i = 0; i < maps->n; i++)
		count += maps->v[i].path[0] == '/';
	sb_addn(&desc, (const char *)&count, sizeof(count));
	sb_addn(&desc, (const char *)&page, sizeof(page));
	for (size_t i = 0; i < maps->n; i++) {
		const struct map *m = &maps->v[i];
		uint64_t triple[3] = { m->start, m->end, m->offset / page };

		if (m->path[0] != '/')
			continue;
		sb_addn(&desc, (const char *)triple, sizeof(triple));
		sb_add(&names, m->path);
		if (m->deleted)
			sb_add(&names, " (deleted)");
		sb_addn(&names, "", 1);
	}
	sb_addn(&desc, names.buf ? names.buf : "", names.len);
	add_note(out, "CORE", NT_FILE, desc.buf, desc.len);
	sb_free(&desc);
	sb_free(&names);
}

int gcore_notes(pid_t pid, const pid_t *tids, size_t n, const struct maps *maps, struct strbuf *out)
{
	struct stat_fields proc;
	unsigned char *xstate = xmalloc(XSTATE_MAX);
	int ret = -1;

	if (read_stat(pid, 0, &proc) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct user_fpregs_struct fp;
		struct iovec fp_iov = { &fp, sizeof(fp) };
		struct iovec xs_iov = { xstate, XSTATE_MAX };
		siginfo_t si;
		bool has_si = stop_siginfo(tids[i], &si);
		bool has_fp = ptrace(PTRACE_GETREGSET, tids[i], (void *)NT_PRFPREG, &fp_iov) == 0;

		if (prstatus_note(pid, tids[i], &proc, has_si ? &si : NULL, has_fp, out) < 0)
			goto out;
		if (i == 0)
			prpsinfo_note(pid, &proc, out);
		if (has_si)
			add_note(out, "CORE", NT_SIGINFO, &si, sizeof(si));
		if (i == 0) {
			if (auxv_note(pid, out) < 0)
				goto out;
			file_note(maps, out);
		}
		if (has_fp)
			add_note(out, "CORE", NT_FPREGSET, &fp, sizeof(fp));
		/* Without XSAVE (old CPUs, some VMs) the x87/SSE state above is all there is. */
		if (ptrace(PTRACE_GETREGSET, tids[i], (void *)NT_X86_XSTATE, &xs_iov) == 0)
			add_note(out, "LINUX", NT_X86_XSTATE, xstate, xs_iov.iov_len);
	}
	ret = 0;
out:
	free(xstate);
	return ret;
}
