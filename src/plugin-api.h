/* plugin-api.h - the lurk_api table plugins call */
#ifndef LURK_PLUGIN_API_H
#define LURK_PLUGIN_API_H

#include <stdarg.h>
#include <stdbool.h>

#include "lurk/plugin.h"

/* The one table every plugin gets. */
const struct lurk_api *plugin_api(void);

/* The command a plugin is running, for its JSON output; returns the previous one. */
const char *plugin_api_command(const char *name);

struct frame;
struct session;
struct sym_loc;

/*
 * A native frame as plugins see it; loc holds the strings it points to.
 * Without lines, file and line stay unknown and no DWARF is read.
 */
void plugin_frame_fill(struct session *s, int thread, const struct frame *f, int level, bool lines,
		       struct lurk_frame *out, struct sym_loc *loc);

/* While on, memory reads work on a running process (for memwatch metrics). */
bool plugin_api_reading_metric(bool on);

/* Behind the table (plugin-host.c): the reason api->error gives. */
void plugin_set_error(struct lurk_plugin *p, const char *fmt, va_list ap);

#endif
