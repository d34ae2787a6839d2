/* noinit - a plugin that describes itself but has no lurk_plugin_init to run. */
#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "noinit",
	.version = "1.0",
	.summary = "has no lurk_plugin_init",
};
