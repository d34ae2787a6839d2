/* mem.c - raw target memory access */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"

static int open_mem(pid_t pid, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	return open(path, flags | O_CLOEXEC);
}

/* Word-at-a-time fallback: slow, but works where the other two are forbidden. */
static ssize_t peek_read(pid_t pid, uint64_t addr, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t word_addr = (addr + done) & ~(uint64_t)7;
		size_t skip = (size_t)(addr + done - word_addr);
		size_t take = 8 - skip;
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, (void *)word_addr, NULL);
		if (errno)
			break;
		if (take > len - done)
			take = len - done;
		memcpy(buf + done, (unsigned char *)&word + skip, take);
		done += take;
	}
	return (ssize_t)done;
}

ssize_t mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;
	int fd;

	if (len == 0)
		return 0;
	/* One syscall for the whole range; returns a short count at an unmapped page. */
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n > 0)
		return n;
	/* process_vm_readv is refused by some seccomp policies and for some
	 * special mappings; /proc/PID/mem reads those too. */
	fd = open_mem(pid, O_RDONLY);
	if (fd >= 0) {
		n = pread(fd, buf, len, (off_t)addr);
		close(fd);
		if (n > 0)
			return n;
	}
	n = peek_read(pid, addr, buf, len);
	if (n > 0)
		return n;
	err_set("cannot access memory at 0x%" PRIx64, addr);
	return -1;
}

static int poke_write(pid_t tid, uint64_t addr, const unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t word_addr = (addr + done) & ~(uint64_t)7;
		size_t skip = (size_t)(addr + done - word_addr);
		size_t take = 8 - skip;
		long word;

		if (take > len - done)
			take = len - done;
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)word_addr, NULL);
		if (errno)
			return -1;
		memcpy((unsigned char *)&word + skip, buf + done, take);
		if (ptrace(PTRACE_POKEDATA, tid, (void *)word_addr, (void *)word) < 0)
			return -1;
		done += take;
	}
	return 0;
}

int mem_write(pid_t pid, pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	ssize_t n = -1;
	int fd;

	/* /proc/PID/mem writes through read-only text mappings (FOLL_FORCE), as POKEDATA does. */
	fd = open_mem(pid, O_RDWR);
	if (fd >= 0) {
		n = pwrite(fd, buf, len, (off_t)addr);
		close(fd);
		if (n == (ssize_t)len)
			return 0;
	}
	if (poke_write(tid, addr, buf, len) == 0)
		return 0;
	err_set("cannot write memory at 0x%" PRIx64 ": %s", addr, strerror(errno));
	return -1;
}
