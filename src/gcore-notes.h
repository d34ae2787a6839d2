/* gcore-notes.h - the PT_NOTE contents of a core file: threads' registers and the process's facts */
#ifndef LURK_GCORE_NOTES_H
#define LURK_GCORE_NOTES_H

#include <stddef.h>
#include <sys/types.h>

struct maps;
struct strbuf;

/*
 * Append to out the notes of a core file of process pid whose threads tids
 * (tids[0] the main thread: readers take the first thread for the process)
 * are ptrace-stopped by the caller, in the kernel's order: per thread
 * NT_PRSTATUS, after the first one the process's NT_PRPSINFO, then the
 * thread's NT_SIGINFO when it stopped with a signal, after the first one
 * also NT_AUXV and NT_FILE (maps: the process's mappings), then NT_FPREGSET
 * and NT_X86_XSTATE. Returns 0, or -1 with err set (a thread that vanished,
 * /proc unreadable); out then holds a partial list the caller frees.
 */
int gcore_notes(pid_t pid, const pid_t *tids, size_t n, const struct maps *maps,
		struct strbuf *out);

#endif
