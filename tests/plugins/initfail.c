/* initfail - a plugin whose init refuses to load, with its reason. */
#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "initfail",
	.version = "1.0",
	.summary = "refuses to load",
};

int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	api->error(self, "needs libfrobnicate, which the program does not load");
	return -1;
}
