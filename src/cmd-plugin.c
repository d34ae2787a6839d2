/* cmd-plugin.c - plugins: plugin load, plugin list */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "err.h"
#include "out.h"
#include "plugin-host.h"
#include "rec.h"
#include "session.h"

static void render_loaded(struct out *o, const struct rec *rec)
{
	out_printf(o, "Loaded plugin %s %s from %s\n", rec_str(rec, "name"),
		   rec_str(rec, "version"), rec_str(rec, "path"));
}

static int cmd_plugin_load(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct plugin_facts f;
	struct lurk_plugin *p;
	struct rec *rec;

	if (plugin_load(s, ctx->arg[0].s) < 0)
		return -1;
	p = s->plugins->last;
	plugin_facts(p, &f);
	rec = rec_obj();
	rec_set_str(rec, "name", f.name);
	rec_set_str(rec, "version", f.version);
	rec_set_str(rec, "path", f.path);
	out_emit(s->out, ctx->name, rec, render_loaded);
	return 0;
}

static void render_list(struct out *o, const struct rec *rec)
{
	const struct rec *arr = rec_get(rec, "plugins");

	if (!rec_len(arr)) {
		out_printf(o, "No plugins are loaded.\n");
		return;
	}
	for (size_t i = 0; i < rec_len(arr); i++) {
		const struct rec *p = rec_at(arr, i);

		out_printf(o, "%s %s - %s\n", rec_str(p, "name"), rec_str(p, "version"),
			   rec_str(p, "summary"));
		out_printf(o, "    file: %s\n", rec_str(p, "path"));
		out_printf(o,
			   "    registered: %" PRId64 " command%s, %" PRId64
			   " inspector%s, %" PRId64 " metric%s\n",
			   rec_int(p, "commands", 0), rec_int(p, "commands", 0) == 1 ? "" : "s",
			   rec_int(p, "inspectors", 0), rec_int(p, "inspectors", 0) == 1 ? "" : "s",
			   rec_int(p, "metrics", 0), rec_int(p, "metrics", 0) == 1 ? "" : "s");
		if (rec_has(p, "disabled"))
			out_printf(o, "    disabled: %s\n", rec_str(p, "disabled"));
	}
}

static int cmd_plugin_list(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "plugins");

	/* Load order is the order inspectors answer in. */
	for (struct lurk_plugin *p = s->plugins->first; p; p = plugin_next(p)) {
		struct plugin_facts f;
		struct rec *o = rec_push_obj(arr);

		plugin_facts(p, &f);
		rec_set_str(o, "name", f.name);
		rec_set_str(o, "version", f.version);
		rec_set_str(o, "summary", f.summary);
		rec_set_str(o, "path", f.path);
		rec_set_int(o, "commands", (int64_t)f.ncommands);
		rec_set_int(o, "inspectors", (int64_t)f.ninspectors);
		rec_set_int(o, "metrics", (int64_t)f.nmetrics);
		if (f.disabled)
			rec_set_str(o, "disabled", f.disabled);
	}
	out_emit(s->out, ctx->name, rec, render_list);
	return 0;
}

static const struct cmd_entry plugin_load_entry = {
	.name = "load",
	.args = "PATH:rest",
	.usage = "plugin load PATH",
	.summary = "load the plugin in the shared object PATH",
	.handler = cmd_plugin_load,
};
static const struct cmd_entry plugin_list_entry = {
	.name = "list",
	.usage = "plugin list",
	.summary = "the loaded plugins in load order: name, version, file, what each registered",
	.handler = cmd_plugin_list,
};
static const struct cmd_entry *const plugin_sub[] = { &plugin_load_entry, &plugin_list_entry,
						      NULL };
static const struct cmd_entry plugin_entry = {
	.name = "plugin",
	.usage = "plugin load PATH | plugin list",
	.summary = "load and list plugins",
	.sub = plugin_sub,
};

const struct cmd_entry *const cmd_group_plugin[] = { &plugin_entry, NULL };
