/* site.h - breakpoint address sites: insert and remove traps, hide them from every reader */
#ifndef LURK_SITE_H
#define LURK_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct arch;

/*
 * A site is one address where a trap instruction replaces the original
 * bytes. Several users (a user breakpoint, the internal "run to main" stop)
 * may share a site; it is removed when the last one lets go. Only this
 * module and mem.c know traps exist: site_hide() gives every reader the
 * original bytes.
 */
struct site {
	uint64_t addr;
	unsigned char orig[16];
	int refs;
	/*
	 * Where a copy of the original instruction runs out of line, followed
	 * by a jump back (0: none yet). A thread resumed from the site runs the
	 * copy instead of stepping over the trap: one stop per hit, not two.
	 */
	uint64_t slot;
	unsigned insn_len;
	bool slot_tried; /* no copy can be made (a branch, a syscall ...): step instead */
};

struct site_table {
	const struct arch *arch;
	struct site *v;
	size_t n, cap;
	/*
	 * The traps are out of memory while every thread is stopped (the user
	 * is at the prompt): a lurk killed with SIGKILL then leaves the code
	 * as it was. Sites added meanwhile are inserted with the others.
	 */
	bool out;
};

void site_table_init(struct site_table *bs, const struct arch *arch);
void site_table_free(struct site_table *bs);

/* Take a reference on the site at addr, inserting the trap on first use. tid: a stopped thread. */
int site_add(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr);
/* Drop a reference; restores the original bytes when it was the last. */
int site_del(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr);
/*
 * Put the original bytes back at a site for a moment (a thread steps over it)
 * and the trap in again. The site stays registered meanwhile.
 */
int site_lift(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr);
int site_lower(struct site_table *bs, pid_t pid, pid_t tid, uint64_t addr);
/*
 * Forget the site at addr without writing anything: the code it was in is
 * gone (a library was unloaded). Returns 0, or -1 if there is no such site.
 */
int site_forget(struct site_table *bs, uint64_t addr);
/* The site at addr, or NULL. */
const struct site *site_at(const struct site_table *bs, uint64_t addr);
/*
 * Restore every original byte and forget all sites. Returns 0, or -1 (err
 * set) if some byte could not be written back; it still tries them all.
 */
int site_remove_all(struct site_table *bs, pid_t pid, pid_t tid);
/* Write the original bytes into another process sharing our text (a forked child). */
int site_restore_in(const struct site_table *bs, pid_t other_pid);
/* Forget all sites without touching memory (the image they were in is gone: exec). */
void site_forget_all(struct site_table *bs);
/* Take every trap out of memory (all threads stopped), or put them all back before resuming. */
int site_all_out(struct site_table *bs, pid_t pid, pid_t tid);
int site_all_in(struct site_table *bs, pid_t pid, pid_t tid);
/* Replace trap bytes in buf (memory read at addr) with the original bytes. */
void site_hide(const struct site_table *bs, uint64_t addr, void *buf, size_t len);

#endif
