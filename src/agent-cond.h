/* agent-cond.h - a breakpoint condition compiled to machine code the agent runs at the call */
#ifndef LURK_AGENT_COND_H
#define LURK_AGENT_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct expr;
struct sym;

/*
 * gdb's agent expressions are the model: a condition judged in the program
 * costs nanoseconds where a trap into lurk costs tens of microseconds. lurk
 * compiles the condition's tree straight to x86-64 code for the guard's
 * trampoline (agent.h), which runs it with every register saved at n *
 * 8(%rbx) (DWARF register n) and takes its value from %rax.
 *
 * What it expresses, with C's types and conversions: integer and
 * character constants, $registers, the function's arguments and locals
 * and globals of integer, enum, bool and pointer types (found where the
 * breakpoint is, as DWARF places them there), *p, p->member and s.member,
 * unary - ~ !, + - * & | ^ << >>, the six comparisons, && || with C's
 * short-circuit. Memory reached through a pointer is read with
 * process_vm_readv on the program itself, so a bad pointer gives EFAULT,
 * never a fault: the condition is then taken as true and lurk judges it
 * (and says what went wrong), as it does a condition it cannot evaluate.
 * The stack and the function's own module's globals are read directly.
 *
 * Everything else (floating point, division, calls, casts, strings,
 * arrays, bit fields, a variable the compiler keeps in pieces or has
 * optimised out at that place) is refused with err saying what: the
 * condition is then judged by lurk at every hit, as before.
 *
 * pc: the breakpoint's address; at_entry: pc is a function's first
 * instruction (a traced call's entry), where its arguments are read from
 * the registers and stack slots the ABI puts them in, and its locals have
 * no value yet; pid: the program's, for the safe reads. The code goes
 * into out (cap bytes); its length, or 0 with err set.
 */
size_t agent_cond_compile(struct sym *sym, uint64_t pc, bool at_entry, pid_t pid,
			  const struct expr *cond, unsigned char *out, size_t cap);

#endif
