/* gcore.h - write an ELF core file of the stopped process, as the kernel would dump it */
#ifndef LURK_GCORE_H
#define LURK_GCORE_H

#include <stddef.h>
#include <stdint.h>

struct target;

struct gcore_stats {
	uint64_t bytes;	 /* the size of the file written */
	size_t threads;	 /* threads in the notes (one NT_PRSTATUS each) */
	size_t segments; /* PT_LOAD segments: one per mapping */
	size_t dumped;	 /* ...of which hold memory */
	size_t left_out; /* ...and those written with no bytes (coredump_filter, unreadable) */
	unsigned filter; /* the process's /proc/PID/coredump_filter */
};

/*
 * Write an ELF64 core file (ET_CORE) of t's process, every thread of which
 * must be stopped, to path: the notes of gcore-notes.h, then a PT_LOAD per
 * mapping, its memory included where /proc/PID/coredump_filter says the
 * kernel would dump it (see lurk(1)). Pages that cannot be read are zeros.
 * Only reads the process. path is created (mode 0600) or truncated; a path
 * that exists and is not a regular file is refused. Returns 0 with *out,
 * or -1 with err set ("cannot write core.42: No space left on device"),
 * the partial file removed.
 */
int gcore_write(struct target *t, const char *path, struct gcore_stats *out);

#endif
