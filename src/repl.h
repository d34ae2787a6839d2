/* repl.h - the interactive prompt */
#ifndef LURK_REPL_H
#define LURK_REPL_H

#include <stdbool.h>

struct line_source;
struct session;

/* The prompt on libedit when stdin is a terminal, else plain lines from stdin. */
struct line_source *repl_open(struct session *s);
void repl_close(struct line_source *src);
/* Read and run commands until quit, end of input or a termination signal. */
int repl_run(struct session *s, struct line_source *src);
/* Whether input ended because lurk received SIGTERM/SIGHUP/SIGQUIT. */
bool repl_terminated(const struct line_source *src);

#endif
