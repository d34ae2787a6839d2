/* site.c - breakpoint address sites: insert and remove traps, hide them from every reader */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "err.h"
#include "mem.h"
#include "regs.h"
#include "util.h"

void site_table_init(struct site_table *bs, const struct arch *arch)
{
	memset(bs, 0, sizeof(*bs));
	bs->arch = arch;
}

void site_table_free(struct site_table *bs)
{
	free(bs->v);
	bs->v = NULL;
	bs->n = bs->cap = 0;
}

/*
 * Sites are kept sorted by address: every trap a thread hits is looked up
 * here, and tracing may insert thousands.
 */
static size_t lower_bound(const struct site_table *bs, uint64_t addr)
{
	size_t lo = 0, hi = bs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bs->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct site *find(const struct site_table *bs, uint64_t addr)
{
	size_t i = lower_bound(bs, addr);

	return i < bs->n && bs->v[i].addr == addr ? &bs->v[i] : NULL;
}

const struct site *site_at(const struct site_table *bs, uint64_t addr)
{
	return find(bs, addr);
}

int site_add(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr)
{
	struct site *s = find(bs, addr);
	struct site fresh = { .addr = addr, .refs = 1 };
	size_t len = bs->arch->trap_len;

	if (s) {
		s->refs++;
		return 0;
	}
	if (mem_read(pid, addr, fresh.orig, len) != (ssize_t)len) {
		err_set("cannot insert breakpoint at 0x%" PRIx64 ": memory is not readable", addr);
		return -1;
	}
	if (!bs->out && mem_write(pid, tid, addr, bs->arch->trap, len) < 0) {
		err_prefix("cannot insert breakpoint at 0x%" PRIx64, addr);
		return -1;
	}
	VEC_GROW(bs->v, bs->n, bs->cap);
	{
		size_t i = lower_bound(bs, addr);

		memmove(&bs->v[i + 1], &bs->v[i], (bs->n - i) * sizeof(bs->v[0]));
		bs->v[i] = fresh;
		bs->n++;
	}
	return 0;
}

static void drop(struct site_table *bs, struct site *s)
{
	size_t i = (size_t)(s - bs->v);

	memmove(&bs->v[i], &bs->v[i + 1], (bs->n - i - 1) * sizeof(bs->v[0]));
	bs->n--;
}

int site_del(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr)
{
	struct site *s = find(bs, addr);

	if (!s) {
		err_set("no breakpoint site at 0x%" PRIx64, addr);
		return -1;
	}
	if (--s->refs > 0)
		return 0;
	if (!bs->out && mem_write(pid, tid, addr, s->orig, bs->arch->trap_len) < 0) {
		s->refs = 1;
		err_prefix("cannot remove breakpoint at 0x%" PRIx64, addr);
		return -1;
	}
	drop(bs, s);
	return 0;
}

int site_forget(struct site_table *bs, uint64_t addr)
{
	struct site *s = find(bs, addr);

	if (!s)
		return -1;
	drop(bs, s);
	return 0;
}

int site_lift(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr)
{
	struct site *s = find(bs, addr);

	if (!s) {
		err_set("no breakpoint site at 0x%" PRIx64, addr);
		return -1;
	}
	return bs->out ? 0 : mem_write(pid, tid, addr, s->orig, bs->arch->trap_len);
}

int site_lower(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr)
{
	struct site *s = find(bs, addr);

	if (!s) {
		err_set("no breakpoint site at 0x%" PRIx64, addr);
		return -1;
	}
	return bs->out ? 0 : mem_write(pid, tid, addr, bs->arch->trap, bs->arch->trap_len);
}

int site_remove_all(struct site_table *bs, pid_t pid, pid_t tid)
{
	int ret = 0;

	for (size_t i = 0; i < bs->n && !bs->out; i++)
		if (mem_write(pid, tid, bs->v[i].addr, bs->v[i].orig, bs->arch->trap_len) < 0)
			ret = -1;
	bs->n = 0;
	bs->out = false;
	return ret;
}

int site_all_out(struct site_table *bs, pid_t pid, pid_t tid)
{
	int ret = 0;

	if (bs->out)
		return 0;
	for (size_t i = 0; i < bs->n; i++)
		if (mem_write(pid, tid, bs->v[i].addr, bs->v[i].orig, bs->arch->trap_len) < 0)
			ret = -1;
	bs->out = true;
	return ret;
}

int site_all_in(struct site_table *bs, pid_t pid, pid_t tid)
{
	int ret = 0;

	if (!bs->out)
		return 0;
	for (size_t i = 0; i < bs->n; i++)
		if (mem_write(pid, tid, bs->v[i].addr, bs->arch->trap, bs->arch->trap_len) < 0)
			ret = -1;
	bs->out = false;
	return ret;
}

int site_restore_in(const struct site_table *bs, pid_t other_pid)
{
	int ret = 0;

	for (size_t i = 0; i < bs->n; i++)
		if (mem_write(other_pid, other_pid, bs->v[i].addr, bs->v[i].orig,
			      bs->arch->trap_len) < 0)
			ret = -1;
	return ret;
}

void site_forget_all(struct site_table *bs)
{
	bs->n = 0;
	bs->out = false;
}

void site_hide(const struct site_table *bs, uint64_t addr, void *buf, size_t len)
{
	unsigned char *b = buf;
	size_t tl = bs->arch->trap_len;

	/* Only sites that can overlap [addr, addr + len). */
	for (size_t i = lower_bound(bs, addr > tl ? addr - tl : 0);
	     i < bs->n && bs->v[i].addr < addr + len; i++) {
		const struct site *s = &bs->v[i];

		for (size_t k = 0; k < bs->arch->trap_len; k++) {
			uint64_t a = s->addr + k;

			if (a >= addr && a < addr + len)
				b[a - addr] = s->orig[k];
		}
	}
}
