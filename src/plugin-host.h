/* plugin-host.h - loading plugins and calling into them, guarded */
#ifndef LURK_PLUGIN_HOST_H
#define LURK_PLUGIN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lurk/plugin.h"
#include "plugin-reg.h"

struct session;

/*
 * Load the plugin at path: check lurk_plugin_info before running any of
 * its code, then call lurk_plugin_init. Returns 0, or -1 with err set
 * (not a plugin, ABI mismatch naming both versions, init's own error); a
 * failed plugin leaves nothing registered.
 */
int plugin_load(struct session *s, const char *path);

/*
 * Start a plugin linked into the program (a bundled plugin built with its
 * entry points renamed lurk_NAME_plugin_info, _init and _fini; fini may be
 * NULL), with the same checks and guards as one from a file. plugin list
 * shows it as "(built in: NAME)". Returns 0, or -1 with err set.
 */
int plugin_load_builtin(struct session *s, const struct lurk_plugin_info *info,
			int (*init)(const struct lurk_api *api, struct lurk_plugin *self),
			void (*fini)(struct lurk_plugin *self));

/*
 * Load every *.so in the bundled plugin directory (next to a lurk run from
 * its build tree, else $libdir/lurk/plugins) and in each directory of
 * LURK_PLUGIN_PATH. A plugin that fails is reported as a warning and
 * skipped; one already loaded under the same name is not loaded twice.
 */
void plugin_load_defaults(struct session *s);

/* Give a new session its plugin set, empty (the session leaves it to this layer). */
void plugin_host_init(struct session *s);
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

/*
 * What names a run of c in its records: "py bt" when args starts with one
 * of the subcommands c declared, else cmd_name; into buf.
 */
void plugin_command_label(const struct plugin_command *c, const char *cmd_name, const char *args,
			  char *buf, size_t len);

/*
 * Run a plugin's command with the rest of the line. Returns 0, -1 with err
 * set, or -2 when it failed in a command line it ran (api->run_command),
 * which said why already.
 */
int plugin_run_command(struct session *s, const struct plugin_command *c, const char *cmd_name,
		       const char *args);

/* Completion candidates for an argument of c that starts with prefix. */
void plugin_complete_command(struct session *s, const struct plugin_command *c, const char *prefix,
			     void (*fn)(const char *cand, void *arg), void *arg);

/* Read a plugin's metric in bytes (0, or -1 with err set). */
int plugin_read_metric(struct session *s, const struct plugin_metric *m, uint64_t *bytes);

/*
 * The program's own name of thread num (lurk's number) from the thread
 * namers, asked once per stop of the target; into buf. 0, or -1 when no
 * plugin names it (buf unchanged).
 */
int plugin_thread_name(const struct session *s, int num, char *buf, size_t len);

/*
 * Ask every lock source for its waits: add(arg, wait) for each (strings
 * valid during the call only). A source that fails is skipped.
 */
void plugin_lock_waits(struct session *s, void (*add)(void *arg, const struct lurk_lock_wait *w),
		       void *arg);

/*
 * Guarded calls into plugin code: fn(arg) runs with SIGSEGV and SIGBUS
 * caught; a fault disables the plugin for the session (reported once) and
 * returns -1 with err set. A disabled plugin's hooks are not called.
 */
int plugin_call(struct lurk_plugin *p, int (*fn)(void *arg), void *arg);
/* The same, for a hook that may change the program as the plugin's commands may. */
int plugin_call_changing(struct lurk_plugin *p, int (*fn)(void *arg), void *arg);
bool plugin_enabled(const struct lurk_plugin *p);
const char *plugin_name(const struct lurk_plugin *p);
struct session *plugin_session(const struct lurk_plugin *p);
/* Whether the plugin is inside its own command's callback (api->run_command works there). */
bool plugin_in_command(const struct lurk_plugin *p);
/* A command line the plugin ran failed and printed why: its command need not say it again. */
void plugin_mark_reported(struct lurk_plugin *p);
/* The plugin's own pointer (api->plugin_data), NULL until it sets one. */
void *plugin_data(const struct lurk_plugin *p);
void plugin_set_data(struct lurk_plugin *p, void *data);
/* Whether p's lurk_plugin_init is running: registration is allowed then only. */
bool plugin_starting(const struct lurk_plugin *p);
/* The message the plugin gave with api->error during its last call, or "". */
const char *plugin_error(const struct lurk_plugin *p);
void plugin_clear_error(struct lurk_plugin *p);

#endif
