/* opts.h - lurk's command line: options, the commands to run, the program to launch */
#ifndef LURK_OPTS_H
#define LURK_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct opt_cmd {
	bool is_file;	  /* -x FILE rather than -ex CMD */
	const char *text; /* borrowed from argv */
};

struct opts {
	pid_t pid;	     /* -p PID, 0 when not given */
	const char *core;    /* --core FILE (or PROG CORE), NULL when not given */
	const char *sysroot; /* --sysroot DIR */
	struct opt_cmd *cmds;
	size_t ncmds;
	const char **plugins; /* --plugin PATH, borrowed from argv */
	size_t nplugins;
	bool batch, quiet, nx, json, version, help;
	char **prog_argv; /* PROG ARGS..., borrowed from argv; NULL when none */
	int prog_argc;
};

/*
 * Parse argv. gdb's spellings work too (-batch, -ex, -nx, -q, --args is
 * implied: everything after PROG belongs to PROG). Returns 0, or -1 with err
 * set to a usage message (exit status 2).
 */
int opts_parse(int argc, char **argv, struct opts *o);
void opts_free(struct opts *o);
const char *opts_usage(void);

#endif
