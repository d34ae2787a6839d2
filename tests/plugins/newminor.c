/* newminor - a plugin built against a newer minor ABI than lurk knows: lurk must refuse it. */
#include <stdio.h>

#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR + 99,
	.name = "newminor",
	.version = "1.0",
	.summary = "built for a newer minor ABI",
};

/* Must never run: it could call members of struct lurk_api this lurk lacks. */
int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	fprintf(stderr, "newminor: init ran\n");
	return 0;
}
