/* regs.c - a thread's registers through ptrace, looked up by name or DWARF number */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "err.h"
#include "regs.h"

int regs_read(pid_t tid, struct regs *r)
{
	struct iovec iov = { r->raw, sizeof(r->raw) };

	/* GETREGSET works the same on every architecture, unlike GETREGS. */
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0) {
		err_set("read registers of tid %d: %s", tid, strerror(errno));
		return -1;
	}
	r->len = iov.iov_len;
	return 0;
}

int regs_read_fp(pid_t tid, struct regs_fp *fp)
{
	struct iovec iov = { fp->raw, sizeof(fp->raw) };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRFPREG, &iov) < 0) {
		err_set("read floating-point registers of tid %d: %s", tid, strerror(errno));
		return -1;
	}
	return 0;
}

int regs_read_vector(pid_t tid, int n, uint64_t *low)
{
	unsigned char bytes[16];

	if (regs_read_vector_bytes(tid, n, bytes) < 0)
		return -1;
	memcpy(low, bytes, sizeof(*low));
	return 0;
}

int regs_read_vector_bytes(pid_t tid, int n, unsigned char bytes[16])
{
	struct regs_fp fp;

	if (n < 0 || n > 15) {
		err_set("no register xmm%d", n);
		return -1;
	}
	if (regs_read_fp(tid, &fp) < 0)
		return -1;
	memcpy(bytes, fp.raw + REGS_FP_XMM + n * 16, 16);
	return 0;
}

int regs_read_x87(pid_t tid, int n, unsigned char bytes[10])
{
	struct regs_fp fp;

	if (n < 0 || n > 7) {
		err_set("no register st%d", n);
		return -1;
	}
	if (regs_read_fp(tid, &fp) < 0)
		return -1;
	memcpy(bytes, fp.raw + REGS_FP_ST + n * 16, 10);
	return 0;
}

int regs_write_fp(pid_t tid, const struct regs_fp *fp)
{
	struct iovec iov = { (void *)fp->raw, sizeof(fp->raw) };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRFPREG, &iov) < 0) {
		err_set("write floating-point registers of tid %d: %s", tid, strerror(errno));
		return -1;
	}
	return 0;
}

void regs_fp_vector(const struct regs_fp *fp, int n, unsigned char bytes[16])
{
	memcpy(bytes, fp->raw + REGS_FP_XMM + 16 * (size_t)n, 16);
}

void regs_fp_set_vector(struct regs_fp *fp, int n, const unsigned char bytes[16])
{
	memcpy(fp->raw + REGS_FP_XMM + 16 * (size_t)n, bytes, 16);
}

void regs_fp_st0(const struct regs_fp *fp, unsigned char bytes[10])
{
	memcpy(bytes, fp->raw + REGS_FP_ST, 10);
}

int regs_numbered(const char *name, const char *prefix, int n)
{
	size_t len = strlen(prefix);
	char *end;
	long i;

	if (strncmp(name, prefix, len) != 0 || name[len] < '0' || name[len] > '9')
		return -1;
	i = strtol(name + len, &end, 10);
	return *end || i >= n || (i > 0 && name[len] == '0') ? -1 : (int)i;
}

int regs_write(pid_t tid, const struct regs *r)
{
	struct iovec iov = { (void *)r->raw, r->len };

	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0) {
		err_set("write registers of tid %d: %s", tid, strerror(errno));
		return -1;
	}
	return 0;
}

int regs_write_one(pid_t tid, const struct regs *r, const struct arch_reg *reg)
{
#if defined(__x86_64__)
	/* The NT_PRSTATUS layout is struct user's: one word, not the whole set. */
	uint64_t v = regs_get(r, reg);

	if (reg->size == 8 && reg->off % 8 == 0) {
		if (ptrace(PTRACE_POKEUSER, tid, (void *)reg->off, (void *)v) < 0) {
			err_set("write %s of tid %d: %s", reg->name, tid, strerror(errno));
			return -1;
		}
		return 0;
	}
#endif
	return regs_write(tid, r);
}

uint64_t regs_get(const struct regs *r, const struct arch_reg *reg)
{
	uint64_t v = 0;

	memcpy(&v, r->raw + reg->off, reg->size);
	return v;
}

void regs_set(struct regs *r, const struct arch_reg *reg, uint64_t v)
{
	memcpy(r->raw + reg->off, &v, reg->size);
}

const struct arch_reg *regs_find(const struct arch *a, const char *name)
{
	if (name[0] == '$')
		name++;
	for (size_t i = 0; i < a->nregs; i++)
		if (strcmp(a->regs[i].name, name) == 0)
			return &a->regs[i];
	return a->alias ? a->alias(name) : NULL;
}

uint64_t regs_pc(const struct arch *a, const struct regs *r)
{
	return regs_get(r, a->pc);
}

uint64_t regs_sp(const struct arch *a, const struct regs *r)
{
	return regs_get(r, a->sp);
}

const struct arch_reg *regs_by_dwarf(const struct arch *a, int n)
{
	for (size_t i = 0; i < a->nregs; i++)
		if (a->regs[i].dwarf == n)
			return &a->regs[i];
	return NULL;
}

int regs_vector_by_dwarf(const struct arch *a, int n)
{
	return n >= a->vector_dwarf && n < a->vector_dwarf + a->nvector ? n - a->vector_dwarf : -1;
}
