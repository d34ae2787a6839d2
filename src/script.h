/* script.h - command lines from files and strings, as line sources */
#ifndef LURK_SCRIPT_H
#define LURK_SCRIPT_H

#include <stdbool.h>

/*
 * Where command lines come from: a file, the terminal, a string. Commands
 * with a body (define ... end) read their following lines from the same
 * source. next() returns a line the caller frees, or NULL at the end.
 */
struct line_source {
	char *(*next)(struct line_source *src, const char *prompt);
	const char *name; /* for messages: "script.lurk" */
	int lineno;
	bool terminal; /* lines typed by a person at the prompt */
};

/* The lines of a file, read whole at open. NULL with err set ("foo.lurk: No such file..."). */
struct line_source *script_open_file(const char *path);
/* The lines of a string (one command from -ex, or a list joined by newlines). */
struct line_source *script_from_string(const char *text, const char *name);
void script_close(struct line_source *src);

#endif
