/* badsize - a lurk_plugin_info whose size is too small for the ABI it claims: lurk must refuse it. */
#include <stdio.h>

#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "badsize",
	.version = "1.0",
	.summary = "claims a size smaller than its ABI's lurk_plugin_info",
	.size = 8,
};

/* Must never run: lurk cannot trust a record that misstates its own size. */
int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	fprintf(stderr, "badsize: init ran\n");
	return 0;
}
