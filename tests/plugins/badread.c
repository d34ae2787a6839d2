/* badread - a command that reads unmapped memory and prints the error lurk gives it. */
#include <stdint.h>

#include <lurk/plugin.h>

static const struct lurk_api *api;

static int badread_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	unsigned char buf[8];

	if (api->read_memory(self, 0x10, buf, sizeof buf) == 0) {
		api->error(self, "reading 0x10 succeeded");
		return -1;
	}
	api->print(self, "badread: read_memory failed: %s", api->last_error(self));
	return 0;
}

static const struct lurk_command badread_command = {
	.size = sizeof(struct lurk_command),
	.name = "badread",
	.usage = "badread",
	.summary = "read address 0x10 and show the error",
	.run = badread_run,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "badread",
	.version = "1.0",
	.summary = "reads memory that is not there",
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	return api->register_command(self, &badread_command);
}
