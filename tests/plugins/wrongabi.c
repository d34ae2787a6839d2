/* wrongabi - a plugin built for a future major ABI: lurk must refuse it before its code runs. */
#include <stdio.h>

#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = 99,
	.abi_minor = 0,
	.name = "wrongabi",
	.version = "1.0",
	.summary = "built for ABI 99.0",
};

/* Must never run: the api table of another major version has another layout. */
int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	fprintf(stderr, "wrongabi: init ran\n");
	return 0;
}
