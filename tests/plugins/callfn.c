/* callfn - a command that calls a function of the program through api->call_function. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <lurk/plugin.h>

static const struct lurk_api *api;

/* callfn FUNCTION [ARG]: FUNCTION(ARG) on the selected thread; its result printed. */
static int callfn_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	char name[128];
	uint64_t function, arg = 0, result;
	int nargs = 0;
	const char *rest;
	size_t len = strcspn(args, " \t");

	(void)userdata;
	if (!len || len >= sizeof name) {
		api->error(self, "usage: callfn FUNCTION [ARG]");
		return -1;
	}
	memcpy(name, args, len);
	name[len] = '\0';
	rest = args + len + strspn(args + len, " \t");
	if (*rest) {
		arg = strtoull(rest, NULL, 0);
		nargs = 1;
	}
	if (api->symbol_lookup(self, name, NULL, &function, NULL) < 0) {
		api->error(self, "no function %s", name);
		return -1;
	}
	api->print(self, "callfn: calling %s", name);
	if (api->call_function(self, api->selected_thread(self), function, &arg, nargs, 5000,
			       &result) < 0) {
		api->error(self, "%s failed: %s", name, api->last_error(self));
		return -1;
	}
	api->print(self, "callfn: %s returned %" PRId64, name, (int64_t)result);
	return 0;
}

static const struct lurk_command callfn_command = {
	.size = sizeof(struct lurk_command),
	.name = "callfn",
	.usage = "callfn FUNCTION [ARG]",
	.summary = "call a function of the program and print what it returned",
	.run = callfn_run,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "callfn",
	.version = "1.0",
	.summary = "calls functions of the program",
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	return api->register_command(self, &callfn_command);
}
