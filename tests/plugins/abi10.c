/* abi10 - a plugin built against ABI 1.0's header (abi/1.0): newer lurks must load and run it. */
#include <stdio.h>

#include <lurk/plugin.h>

#if LURK_ABI_MINOR != 0
#error "abi10 is built against the frozen ABI 1.0 header"
#endif

static const struct lurk_api *api;

/* The inspector is 1.0's size, without describe_call: lurk fills the rest with zeros. */
static int thread_describe(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
			   struct lurk_frame_desc *desc)
{
	snprintf(desc->note, sizeof(desc->note), "seen by an ABI 1.0 plugin");
	return 0;
}

static const char *const functions[] = { "wrapped_thread", NULL };

static const struct lurk_inspector inspector = {
	.size = sizeof(struct lurk_inspector),
	.functions = functions,
	.describe = thread_describe,
};

static int abi10_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	api->print(self, "lurk has plugin ABI %u.%u; this plugin was built for 1.0", api->abi_major,
		   api->abi_minor);
	return 0;
}

static const struct lurk_command command = {
	.size = sizeof(struct lurk_command),
	.name = "abi10",
	.summary = "the ABI lurk offers a 1.0 plugin",
	.run = abi10_run,
};

const struct lurk_plugin_info lurk_plugin_info = {
	LURK_ABI_MAJOR, LURK_ABI_MINOR, "abi10", "1.0", "built against plugin ABI 1.0",
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	if (api->register_inspector(self, &inspector) < 0 || api->register_command(self, &command) < 0)
		return -1;
	return 0;
}
