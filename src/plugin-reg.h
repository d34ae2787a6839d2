/* plugin-reg.h - the registries: the commands, inspectors, metrics, lock sources and thread namers plugins added */
#ifndef LURK_PLUGIN_REG_H
#define LURK_PLUGIN_REG_H

#include <stdbool.h>
#include <stddef.h>

#include "lurk/plugin.h"

struct session;

/*
 * Each entry is lurk's copy of a plugin's descriptor: zero past the size
 * the plugin knew, its strings duplicated, owned by the registry until the
 * owner is dropped. owner is the plugin whose callbacks it names.
 */
struct plugin_inspector {
	struct lurk_inspector d;
	char **functions; /* copied patterns, NULL-terminated; d.functions points here */
	struct lurk_plugin *owner;
};

struct plugin_command {
	struct lurk_command d;
	char **subcommands; /* copied words, NULL-terminated, or NULL; d.subcommands points here */
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

struct plugin_thread_namer {
	struct lurk_thread_namer d;
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
	struct plugin_thread_namer *namers;
	size_t nnamers, namers_cap;
	struct plugin_names *names; /* plugin-host's: what the namers said at the last stop */
};

/*
 * The command layer says which words are its own at start-up, so no plugin
 * command hides a built-in one; the registries do not know the command
 * tables. reserved may be NULL (nothing reserved: unit tests).
 */
void plugin_reg_reserve_names(bool (*reserved)(const char *name));

/* A name a plugin, command or metric may have: letters, digits, '-' and '_'. */
bool plugin_reg_valid_name(const char *name);

/*
 * Copy a descriptor into set for owner; owner_name names an inspector or
 * lock source the plugin left unnamed. Returns 0, or -1 with err set (an
 * incomplete descriptor, a name that is not one word or is taken).
 */
int plugin_reg_command(struct plugin_set *set, struct lurk_plugin *owner,
		       const struct lurk_command *cmd);
int plugin_reg_inspector(struct plugin_set *set, struct lurk_plugin *owner, const char *owner_name,
			 const struct lurk_inspector *insp);
int plugin_reg_metric(struct plugin_set *set, struct lurk_plugin *owner,
		      const struct lurk_metric *metric);
int plugin_reg_lock_source(struct plugin_set *set, struct lurk_plugin *owner,
			   const char *owner_name, const struct lurk_lock_source *src);
int plugin_reg_thread_namer(struct plugin_set *set, struct lurk_plugin *owner,
			    const char *owner_name, const struct lurk_thread_namer *namer);

/* Drop and free everything owner registered, keeping the others' order. */
void plugin_reg_drop(struct plugin_set *set, const struct lurk_plugin *owner);
/* Free the (empty) registries' arrays. */
void plugin_reg_free(struct plugin_set *set);

/* What owner registered, for plugin list. */
void plugin_reg_count(const struct plugin_set *set, const struct lurk_plugin *owner,
		      size_t *ncommands, size_t *ninspectors, size_t *nmetrics);

/* The plugin command named exactly name, or NULL. */
const struct plugin_command *plugin_find_command(struct session *s, const char *name);
/* The metric named name, or NULL. */
const struct plugin_metric *plugin_find_metric(struct session *s, const char *name);

#endif
