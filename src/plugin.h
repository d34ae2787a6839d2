/* plugin.h - loading plugins, the lurk_api table they call, and what they register */
#ifndef LURK_PLUGIN_INTERNAL_H
#define LURK_PLUGIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lurk/plugin.h"

struct session;

/* A registered inspector with the plugin that owns it. */
struct plugin_inspector {
	struct lurk_inspector d; /* lurk's copy, zero past what the plugin knew */
	char **functions;	 /* copied patterns, NULL-terminated */
	struct lurk_plugin *owner;
};

struct plugin_command {
	struct lurk_command d;
	struct lurk_plugin *owner;
};

struct plugin_metric {
	struct lurk_metric d;
	struct lurk_plugin *owner;
};

struct plugin_lock_source {
	struct lurk_lock_source d;
	struct lurk_plugin *owner;
};

/* Every plugin of a session, in load order, and what they registered. */
struct plugin_set {
	struct lurk_plugin *first, *last;
	struct plugin_inspector *inspectors;
	size_t ninspectors, inspectors_cap;
	struct plugin_command *commands;
	size_t ncommands, commands_cap;
	struct plugin_metric *metrics;
	size_t nmetrics, metrics_cap;
	struct plugin_lock_source *lock_sources;
	size_t nlock_sources, lock_sources_cap;
};

/*
 * Load the plugin at path: check lurk_plugin_info before running any of
 * its code, then call lurk_plugin_init. Returns 0, or -1 with err set
 * (not a plugin, ABI mismatch naming both versions, init's own error); a
 * failed plugin leaves nothing registered.
 */
int plugin_load(struct session *s, const char *path);

/*
 * Load every *.so in the bundled plugin directory (next to a lurk run from
 * its build tree, else $libdir/lurk/plugins) and in each directory of
 * LURK_PLUGIN_PATH. A plugin that fails is reported as a warning and
 * skipped; one already loaded under the same name is not loaded twice.
 */
void plugin_load_defaults(struct session *s);

/* Run lurk_plugin_fini of each plugin and unload them. */
void plugin_unload_all(struct session *s);

/* Facts for plugin list. */
struct plugin_facts {
	const char *name, *version, *summary, *path;
	size_t ncommands, ninspectors, nmetrics;
	const char *disabled; /* why it was disabled, or NULL */
};
void plugin_facts(const struct lurk_plugin *p, struct plugin_facts *out);
/* The plugin loaded after p, or NULL. */
struct lurk_plugin *plugin_next(const struct lurk_plugin *p);

/* The plugin command named exactly name, or NULL. */
const struct plugin_command *plugin_find_command(struct session *s, const char *name);
/* Run it with the rest of the line. Returns 0 or -1 with err set. */
int plugin_run_command(struct session *s, const struct plugin_command *c, const char *cmd_name,
		       const char *args);

/* Completion candidates for an argument of c that starts with prefix. */
void plugin_complete_command(struct session *s, const struct plugin_command *c, const char *prefix,
			     void (*fn)(const char *cand, void *arg), void *arg);

/* The metric named name, or NULL; read it in bytes (0, or -1 with err set). */
const struct plugin_metric *plugin_find_metric(struct session *s, const char *name);
int plugin_read_metric(struct session *s, const struct plugin_metric *m, uint64_t *bytes);

/*
 * Ask every lock source for its waits: add(arg, wait) for each (strings
 * valid during the call only). A source that fails is skipped.
 */
void plugin_lock_waits(struct session *s, void (*add)(void *arg, const struct lurk_lock_wait *w),
		       void *arg);
int plugin_register_lock_source(struct lurk_plugin *p, const struct lurk_lock_source *src);

/*
 * Guarded calls into plugin code: fn(arg) runs with SIGSEGV and SIGBUS
 * caught; a fault disables the plugin for the session (reported once) and
 * returns -1 with err set. A disabled plugin's hooks are not called.
 */
int plugin_call(struct lurk_plugin *p, int (*fn)(void *arg), void *arg);
bool plugin_enabled(const struct lurk_plugin *p);
const char *plugin_name(const struct lurk_plugin *p);
struct session *plugin_session(const struct lurk_plugin *p);
/* The message the plugin gave with api->error during its last call, or "". */
const char *plugin_error(const struct lurk_plugin *p);
void plugin_clear_error(struct lurk_plugin *p);

#endif
