/* metric - a memwatch metric read from the program's own counter, grown_bytes */
#include <stdint.h>

#include <lurk/plugin.h>

const struct lurk_plugin_info lurk_plugin_info = {
	LURK_ABI_MAJOR, LURK_ABI_MINOR, "metric", "1.0", "memwatch grown: the grow fixture's counter",
	sizeof(struct lurk_plugin_info),
};

static const struct lurk_api *api;

/* Called by memwatch's sampler while the program runs, too. */
static int read_grown(struct lurk_plugin *self, void *userdata, uint64_t *bytes)
{
	uint64_t addr, size, value;

	if (api->symbol_lookup(self, "grown_bytes", NULL, &addr, &size) < 0) {
		api->error(self, "no grown_bytes in this program: %s", api->last_error(self));
		return -1;
	}
	if (size != sizeof(value) || api->read_memory(self, addr, &value, sizeof(value)) < 0) {
		api->error(self, "cannot read grown_bytes");
		return -1;
	}
	*bytes = value;
	return 0;
}

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	static const struct lurk_metric grown = {
		.size = sizeof(struct lurk_metric),
		.name = "grown",
		.summary = "bytes the grow fixture says it allocated",
		.read = read_grown,
	};

	api = lurk;
	return api->register_metric(self, &grown);
}
