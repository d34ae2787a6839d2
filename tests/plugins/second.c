/* second - another inspector of invoke_wrapped: which one answers depends on load order. */
#include <stdio.h>

#include <lurk/plugin.h>

static int second_describe(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
			   struct lurk_frame_desc *desc)
{
	snprintf(desc->note, sizeof desc->note, "second");
	return 0;
}

static const char *const claimed[] = { "invoke_wrapped", NULL };

static const struct lurk_inspector second_inspector = {
	.size = sizeof(struct lurk_inspector),
	.name = "second",
	.functions = claimed,
	.describe = second_describe,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "second",
	.version = "1.0",
	.summary = "annotates invoke_wrapped frames with [second]",
};

int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	return api->register_inspector(self, &second_inspector);
}
