/* bp.h - breakpoint address sites: insert and remove traps, hide them from every reader */
#ifndef LURK_BP_H
#define LURK_BP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct arch;

/*
 * A site is one address where a trap instruction replaces the original
 * bytes. Several users (a user breakpoint, the internal "run to main" stop)
 * may share a site; it is removed when the last one lets go. Only this
 * module and mem.c know traps exist: bp_hide() gives every reader the
 * original bytes.
 */
struct bp_site {
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

struct bp_sites {
	const struct arch *arch;
	struct bp_site *v;
	size_t n, cap;
	/*
	 * The traps are out of memory while every thread is stopped (the user
	 * is at the prompt): a lurk killed with SIGKILL then leaves the code
	 * as it was. Sites added meanwhile are inserted with the others.
	 */
	bool out;
};

void bp_sites_init(struct bp_sites *bs, const struct arch *arch);
void bp_sites_free(struct bp_sites *bs);

/* Take a reference on the site at addr, inserting the trap on first use. tid: a stopped thread. */
int bp_site_add(struct bp_sites *bs, pid_t pid, pid_t tid, uint64_t addr);
/* Drop a reference; restores the original bytes when it was the last. */
int bp_site_del(struct bp_sites *bs, pid_t pid, pid_t tid, uint64_t addr);
/*
 * Put the original bytes back at a site for a moment (a thread steps over it)
 * and the trap in again. The site stays registered meanwhile.
 */
int bp_site_lift(struct bp_sites *bs, pid_t pid, pid_t tid, uint64_t addr);
int bp_site_lower(struct bp_sites *bs, pid_t pid, pid_t tid, uint64_t addr);
/*
 * Forget the site at addr without writing anything: the code it was in is
 * gone (a library was unloaded). Returns 0, or -1 if there is no such site.
 */
int bp_site_forget(struct bp_sites *bs, uint64_t addr);
/* The site at addr, or NULL. */
const struct bp_site *bp_site_at(const struct bp_sites *bs, uint64_t addr);
/*
 * Restore every original byte and forget all sites. Returns 0, or -1 (err
 * set) if some byte could not be written back; it still tries them all.
 */
int bp_remove_all(struct bp_sites *bs, pid_t pid, pid_t tid);
/* Write the original bytes into another process sharing our text (a forked child). */
int bp_restore_in(const struct bp_sites *bs, pid_t other_pid);
/* Forget all sites without touching memory (the image they were in is gone: exec). */
void bp_forget_all(struct bp_sites *bs);
/* Take every trap out of memory (all threads stopped), or put them all back before resuming. */
int bp_all_out(struct bp_sites *bs, pid_t pid, pid_t tid);
int bp_all_in(struct bp_sites *bs, pid_t pid, pid_t tid);
/* Replace trap bytes in buf (memory read at addr) with the original bytes. */
void bp_hide(const struct bp_sites *bs, uint64_t addr, void *buf, size_t len);

#endif
