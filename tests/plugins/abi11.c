/* abi11 - a plugin built against ABI 1.1's header (abi/1.1): newer lurks must load and run it. */
#include <stdio.h>

#include <lurk/plugin.h>

#if LURK_ABI_MINOR != 1
#error "abi11 is built against the frozen ABI 1.1 header"
#endif

static const struct lurk_api *api;

static int square_describe(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
			   struct lurk_frame_desc *desc)
{
	snprintf(desc->note, sizeof(desc->note), "seen by an ABI 1.1 plugin");
	return 0;
}

static const char *const functions[] = { "square_impl", NULL };

static const struct lurk_inspector inspector = {
	.size = sizeof(struct lurk_inspector),
	.functions = functions,
	.describe = square_describe,
};

/* selected_thread is a member 1.1 appended to struct lurk_api. */
static int abi11_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	api->print(self, "lurk has plugin ABI %u.%u; this plugin was built for 1.1; thread %d",
		   api->abi_major, api->abi_minor, api->selected_thread(self));
	return 0;
}

static const struct lurk_command command = {
	.size = sizeof(struct lurk_command),
	.name = "abi11",
	.summary = "the ABI lurk offers a 1.1 plugin",
	.run = abi11_run,
};

/* 1.1's lurk_plugin_info ends at summary: it has no size. */
const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "abi11",
	.version = "1.1",
	.summary = "built against plugin ABI 1.1",
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	if (api->register_inspector(self, &inspector) < 0 || api->register_command(self, &command) < 0)
		return -1;
	return 0;
}
