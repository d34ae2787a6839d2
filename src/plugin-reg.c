/* plugin-reg.c - the registries: lurk's copies of what plugins registered, checked and looked up */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "plugin-reg.h"
#include "session.h"
#include "util.h"

/* Set once at start-up by the command layer; read by every registration. */
static bool (*reserved_name)(const char *name);

void plugin_reg_reserve_names(bool (*reserved)(const char *name))
{
	reserved_name = reserved;
}

/* Copy a descriptor the plugin may have built against an older, smaller one. */
static void copy_desc(void *dst, size_t dst_size, const void *src, size_t src_size)
{
	memset(dst, 0, dst_size);
	memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
}

bool plugin_reg_valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *c = name; *c; c++)
		if (!(*c == '-' || *c == '_' || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

static const struct plugin_command *find_command(const struct plugin_set *set, const char *name)
{
	for (size_t i = 0; i < set->ncommands; i++)
		if (!strcmp(set->commands[i].d.name, name))
			return &set->commands[i];
	return NULL;
}

static const struct plugin_metric *find_metric(const struct plugin_set *set, const char *name)
{
	for (size_t i = 0; i < set->nmetrics; i++)
		if (!strcmp(set->metrics[i].d.name, name))
			return &set->metrics[i];
	return NULL;
}

int plugin_reg_command(struct plugin_set *set, struct lurk_plugin *owner,
		       const struct lurk_command *cmd)
{
	struct plugin_command *c;

	if (!cmd || cmd->size < offsetof(struct lurk_command, complete) || !cmd->run) {
		err_set("register_command: incomplete descriptor");
		return -1;
	}
	if (!plugin_reg_valid_name(cmd->name)) {
		err_set("register_command: \"%s\" is not one word", cmd->name ? cmd->name : "");
		return -1;
	}
	if ((reserved_name && reserved_name(cmd->name)) || find_command(set, cmd->name)) {
		err_set("register_command: \"%s\" is already a command", cmd->name);
		return -1;
	}
	VEC_GROW(set->commands, set->ncommands, set->commands_cap);
	c = &set->commands[set->ncommands++];
	copy_desc(&c->d, sizeof(c->d), cmd, cmd->size);
	c->d.name = xstrdup(cmd->name);
	c->d.usage = xstrdup(cmd->usage ? cmd->usage : cmd->name);
	c->d.summary = xstrdup(cmd->summary ? cmd->summary : "");
	c->subcommands = NULL;
	if (c->d.subcommands) {
		size_t n = 0;

		while (c->d.subcommands[n])
			n++;
		c->subcommands = xcalloc(n + 1, sizeof(*c->subcommands));
		for (size_t i = 0; i < n; i++)
			c->subcommands[i] = xstrdup(c->d.subcommands[i]);
		c->d.subcommands = (const char *const *)c->subcommands;
	}
	c->owner = owner;
	return 0;
}

int plugin_reg_inspector(struct plugin_set *set, struct lurk_plugin *owner, const char *owner_name,
			 const struct lurk_inspector *insp)
{
	struct plugin_inspector *pi;
	size_t n = 0;

	if (!insp || insp->size < offsetof(struct lurk_inspector, userdata)) {
		err_set("register_inspector: incomplete descriptor");
		return -1;
	}
	if (!insp->functions && !insp->match) {
		err_set("register_inspector: it claims no functions (give functions or match)");
		return -1;
	}
	VEC_GROW(set->inspectors, set->ninspectors, set->inspectors_cap);
	pi = &set->inspectors[set->ninspectors++];
	copy_desc(&pi->d, sizeof(pi->d), insp, insp->size);
	pi->d.name = xstrdup(insp->name ? insp->name : owner_name);
	while (insp->functions && insp->functions[n])
		n++;
	pi->functions = xcalloc(n + 1, sizeof(*pi->functions));
	for (size_t i = 0; i < n; i++)
		pi->functions[i] = xstrdup(insp->functions[i]);
	pi->d.functions = (const char *const *)pi->functions;
	pi->owner = owner;
	return 0;
}

int plugin_reg_metric(struct plugin_set *set, struct lurk_plugin *owner,
		      const struct lurk_metric *m)
{
	struct plugin_metric *pm;

	if (!m || m->size < offsetof(struct lurk_metric, userdata) || !m->read) {
		err_set("register_metric: incomplete descriptor");
		return -1;
	}
	if (!plugin_reg_valid_name(m->name)) {
		err_set("register_metric: \"%s\" is not one word", m->name ? m->name : "");
		return -1;
	}
	/* memwatch's own metrics. */
	if (!strcmp(m->name, "rss") || !strcmp(m->name, "vm") || !strcmp(m->name, "heap") ||
	    find_metric(set, m->name)) {
		err_set("register_metric: \"%s\" is already a metric", m->name);
		return -1;
	}
	VEC_GROW(set->metrics, set->nmetrics, set->metrics_cap);
	pm = &set->metrics[set->nmetrics++];
	copy_desc(&pm->d, sizeof(pm->d), m, m->size);
	pm->d.name = xstrdup(m->name);
	pm->d.summary = xstrdup(m->summary ? m->summary : "");
	pm->owner = owner;
	return 0;
}

int plugin_reg_lock_source(struct plugin_set *set, struct lurk_plugin *owner,
			   const char *owner_name, const struct lurk_lock_source *src)
{
	struct plugin_lock_source *ls;

	if (!src || src->size < offsetof(struct lurk_lock_source, userdata) || !src->waits) {
		err_set("register_lock_source: incomplete descriptor");
		return -1;
	}
	VEC_GROW(set->lock_sources, set->nlock_sources, set->lock_sources_cap);
	ls = &set->lock_sources[set->nlock_sources++];
	copy_desc(&ls->d, sizeof(ls->d), src, src->size);
	ls->d.name = xstrdup(src->name ? src->name : owner_name);
	ls->owner = owner;
	return 0;
}

int plugin_reg_thread_namer(struct plugin_set *set, struct lurk_plugin *owner,
			    const char *owner_name, const struct lurk_thread_namer *namer)
{
	struct plugin_thread_namer *tn;

	if (!namer || namer->size < offsetof(struct lurk_thread_namer, userdata) || !namer->names) {
		err_set("register_thread_namer: incomplete descriptor");
		return -1;
	}
	VEC_GROW(set->namers, set->nnamers, set->namers_cap);
	tn = &set->namers[set->nnamers++];
	copy_desc(&tn->d, sizeof(tn->d), namer, namer->size);
	tn->d.name = xstrdup(namer->name ? namer->name : owner_name);
	tn->owner = owner;
	return 0;
}

void plugin_reg_drop(struct plugin_set *set, const struct lurk_plugin *owner)
{
	size_t k = 0;

	for (size_t i = 0; i < set->ninspectors; i++) {
		if (set->inspectors[i].owner != owner) {
			set->inspectors[k++] = set->inspectors[i];
			continue;
		}
		for (char **f = set->inspectors[i].functions; *f; f++)
			free(*f);
		free(set->inspectors[i].functions);
		free((char *)set->inspectors[i].d.name);
	}
	set->ninspectors = k;
	k = 0;
	for (size_t i = 0; i < set->ncommands; i++) {
		if (set->commands[i].owner != owner) {
			set->commands[k++] = set->commands[i];
			continue;
		}
		free((char *)set->commands[i].d.name);
		free((char *)set->commands[i].d.usage);
		free((char *)set->commands[i].d.summary);
		for (char **w = set->commands[i].subcommands; w && *w; w++)
			free(*w);
		free(set->commands[i].subcommands);
	}
	set->ncommands = k;
	k = 0;
	for (size_t i = 0; i < set->nmetrics; i++) {
		if (set->metrics[i].owner != owner) {
			set->metrics[k++] = set->metrics[i];
			continue;
		}
		free((char *)set->metrics[i].d.name);
		free((char *)set->metrics[i].d.summary);
	}
	set->nmetrics = k;
	k = 0;
	for (size_t i = 0; i < set->nlock_sources; i++) {
		if (set->lock_sources[i].owner != owner) {
			set->lock_sources[k++] = set->lock_sources[i];
			continue;
		}
		free((char *)set->lock_sources[i].d.name);
	}
	set->nlock_sources = k;
	k = 0;
	for (size_t i = 0; i < set->nnamers; i++) {
		if (set->namers[i].owner != owner) {
			set->namers[k++] = set->namers[i];
			continue;
		}
		free((char *)set->namers[i].d.name);
	}
	set->nnamers = k;
}

void plugin_reg_free(struct plugin_set *set)
{
	free(set->inspectors);
	free(set->commands);
	free(set->metrics);
	free(set->lock_sources);
	free(set->namers);
	memset(set, 0, sizeof(*set));
}

void plugin_reg_count(const struct plugin_set *set, const struct lurk_plugin *owner,
		      size_t *ncommands, size_t *ninspectors, size_t *nmetrics)
{
	*ncommands = *ninspectors = *nmetrics = 0;
	for (size_t i = 0; i < set->ncommands; i++)
		*ncommands += set->commands[i].owner == owner;
	for (size_t i = 0; i < set->ninspectors; i++)
		*ninspectors += set->inspectors[i].owner == owner;
	for (size_t i = 0; i < set->nmetrics; i++)
		*nmetrics += set->metrics[i].owner == owner;
}

const struct plugin_command *plugin_find_command(struct session *s, const char *name)
{
	return find_command(s->plugins, name);
}

const struct plugin_metric *plugin_find_metric(struct session *s, const char *name)
{
	return find_metric(s->plugins, name);
}
