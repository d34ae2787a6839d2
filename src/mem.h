/* mem.h - raw target memory access: process_vm_readv, /proc/PID/mem, PTRACE_PEEK/POKE */
#ifndef LURK_MEM_H
#define LURK_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Raw means: what is in the target right now, breakpoint traps included.
 * Everything that shows memory to users goes through target_read(), which
 * hides the traps.
 */

/*
 * Read up to len bytes at addr of process pid (any stopped or running
 * thread's address space). Returns the number of bytes read (a short count
 * when the range runs into unmapped memory), or -1 with err set ("cannot
 * access memory at 0x1234") when not even the first byte is readable.
 */
ssize_t mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* Write len bytes; tid must be a ptrace-stopped thread of the process. Returns 0 or -1 (err set). */
int mem_write(pid_t pid, pid_t tid, uint64_t addr, const void *buf, size_t len);

#endif
