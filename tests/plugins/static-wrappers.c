/* static-wrappers - the bundled wrappers plugin linked into a program, started through its own names */
#include <stdio.h>

#include "check.h"
#include "err.h"
#include "out.h"
#include "plugin-host.h"
#include "regs.h"
#include "session.h"
#include "target.h"
#include "util.h"

/* What plugins/meson.build names the entry points of the static build. */
extern const struct lurk_plugin_info lurk_wrappers_plugin_info;
int lurk_wrappers_plugin_init(const struct lurk_api *api, struct lurk_plugin *self);

int main(int argc, char **argv)
{
	struct out *out = out_new(stdout, stderr);
	struct target *t = target_new(arch_host());
	struct session *s = session_new(out, t);
	const struct plugin_command *c;
	struct plugin_facts f;

	if (argc != 2) {
		fprintf(stderr, "usage: static-wrappers WRAPPERS_SO\n");
		return 2;
	}
	plugin_host_init(s);
	CHECK(plugin_load_builtin(s, &lurk_wrappers_plugin_info, lurk_wrappers_plugin_init, NULL) ==
	      0);
	CHECK(s->plugins->first != NULL);
	if (s->plugins->first) {
		plugin_facts(s->plugins->first, &f);
		CHECK_STR(f.name, "wrappers");
		CHECK_STR(f.path, "(built in: wrappers)");
		CHECK(f.ncommands == 1 && f.ninspectors == 2);
	}
	/* Its command runs as from the .so: with no process, it says so. */
	c = plugin_find_command(s, "wrappers");
	CHECK(c != NULL);
	if (c) {
		CHECK(plugin_run_command(s, c, "wrappers", "") < 0);
		CHECK(strstr(err_get(), "there is no process") != NULL);
		err_clear();
	}
	/* The same plugin from its file is the same name: refused, the built-in one stays. */
	CHECK(plugin_load(s, argv[1]) < 0);
	CHECK(strstr(err_get(), "already loaded (from (built in: wrappers))") != NULL);
	err_clear();
	plugin_unload_all(s);
	session_free(s);
	target_free(t);
	out_free(out);
	return check_failures ? 1 : 0;
}
