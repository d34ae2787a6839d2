/* script.h - command lines from files and strings, as line sources */
#ifndef LURK_SCRIPT_H
#define LURK_SCRIPT_H

#include "cmd.h"

/* The lines of a file, read whole at open. NULL with err set ("foo.lurk: No such file..."). */
struct line_source *script_open_file(const char *path);
/* The lines of a string (one command from -ex, or a list joined by newlines). */
struct line_source *script_from_string(const char *text, const char *name);
void script_close(struct line_source *src);

#endif
