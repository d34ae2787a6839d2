/* memwatch.h - memory watchpoints: a memory metric of the process sampled against a threshold */
#ifndef LURK_MEMWATCH_H
#define LURK_MEMWATCH_H

#include <stdint.h>

#include "brk.h"
#include "session.h"

/*
 * A memory-threshold watchpoint: text is "METRIC OP SIZE [precise]" (rss |
 * vm | heap | a plugin's metric, > | +, a size with K, M or G). Returns it,
 * or NULL with err set.
 */
struct brk *memwatch_create(struct session *s, const char *text);
/* A memory watchpoint's metric now, in bytes. Returns 0, or -1 with err set. */
int memwatch_value(struct session *s, const struct brk *b, uint64_t *bytes);
/*
 * The sampler stopped the program for the memory watchpoint that went over
 * its threshold: counts the hit, consumes an ignore count. *b is the one
 * that stops the program.
 */
enum brk_verdict memwatch_judge(struct session *s, struct brk **b);
/* Growth counts from each new process's start. */
void memwatch_lifecycle(struct session *s, enum session_event ev);

#endif
