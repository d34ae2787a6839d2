/* core.h - an ELF core file read as a stopped process: threads, registers, memory, mapped files */
#ifndef LURK_CORE_H
#define LURK_CORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "regs.h"

struct core;

/* One thread of the dumped process, from its NT_PRSTATUS (and NT_FPREGSET) notes. */
struct core_thread {
	pid_t tid;
	int cursig; /* the signal it was stopped by, 0 for none */
	struct regs regs;
	struct regs_fp fp;
	bool has_fp;
};

/* A file the process had mapped (NT_FILE): [start, end) shows the file from offset. */
struct core_file {
	uint64_t start, end, offset;
	char *path;    /* as the process saw it */
	bool deleted;  /* the path was gone when the core was written (" (deleted)", cut off) */
	bool found;    /* the file (under the sysroot) could be opened */
	bool mismatch; /* its build-id differs from the one in the core */
	bool writable; /* a part the program can write (.data, relro): the file is stale */
};

/*
 * Open path as a core of this machine's architecture: its notes are read,
 * its memory is read from the file on demand (a large core is never loaded
 * whole). sysroot (NULL or "") prefixes the paths of mapped files, for a
 * core from another machine. Returns NULL with err set: not an ELF file,
 * not a core, another architecture, no threads.
 */
struct core *core_open(const char *path, const char *sysroot);
void core_free(struct core *c);

const char *core_path(const struct core *c);
pid_t core_pid(const struct core *c);
/* The command line as the kernel kept it (NT_PRPSINFO): up to 80 bytes, "" when absent. */
const char *core_psargs(const struct core *c);
/* The program's short name (comm), "" when absent. */
const char *core_fname(const struct core *c);
/* What ended or stopped the process (NT_SIGINFO), si_signo 0 when the core says nothing. */
const siginfo_t *core_siginfo(const struct core *c);

size_t core_nthreads(const struct core *c);
const struct core_thread *core_thread(const struct core *c, size_t i);

size_t core_nfiles(const struct core *c);
const struct core_file *core_file(const struct core *c, size_t i);
/*
 * The executable: the mapped file holding the program headers (AT_PHDR),
 * or NULL when the core does not tell. core_set_exe() replaces its path for
 * reading (the PROG the user named): the core's mappings keep their names.
 */
const char *core_exe(const struct core *c);
int core_set_exe(struct core *c, const char *path);
/* Where a mapped file is opened from: the sysroot joined to its path (into buf). */
const char *core_file_location(const struct core *c, const struct core_file *f, char *buf,
			       size_t len);

/*
 * Read memory as the process had it: from the core's segments, else from
 * the mapped files for the parts a core leaves out (code, read-only data).
 * Returns the bytes read (short at the end of what can be known), or -1
 * with err set when not even the first byte can.
 */
ssize_t core_read(struct core *c, uint64_t addr, void *buf, size_t len);

/* The process's mappings as /proc/PID/maps would show them (a new string). */
char *core_maps_text(const struct core *c);
/* Whether the core holds any of the process's data (coredump_filter 0 leaves none). */
bool core_has_memory(const struct core *c);
/* Bytes the segments promise that the file is too short to hold (a truncated core), 0 if none. */
uint64_t core_missing_bytes(const struct core *c);

#endif
