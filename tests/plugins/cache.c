/* cache - keeps what it found in its own data, for as long as lurk's generation numbers say. */
#include <stdio.h>
#include <stdlib.h>

#include <lurk/plugin.h>

static const struct lurk_api *api;

/* The plugin's state, behind api->plugin_data rather than in globals. */
struct cache {
	uint64_t modules, stop; /* the generations the last look was made in */
	unsigned looks;
};

/* Says which generations changed since the last look: what a cache would have to drop. */
static int cache_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	struct cache *c = api->plugin_data(self);
	uint64_t modules = api->generation(self, LURK_GEN_MODULES);
	uint64_t stop = api->generation(self, LURK_GEN_STOP);

	c->looks++;
	api->print(self, "look %u: modules %s, stop %s%s", c->looks,
		   modules == c->modules ? "same" : "changed", stop == c->stop ? "same" : "changed",
		   api->generation(self, 0) == 0 ? "" : " (an unknown generation is not 0)");
	c->modules = modules;
	c->stop = stop;
	return 0;
}

static const struct lurk_command command = {
	.size = sizeof(struct lurk_command),
	.name = "cache",
	.summary = "say which of lurk's generations changed since the last look",
	.run = cache_run,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = 2, /* generation, plugin_data */
	.name = "cache",
	.version = "1.0",
	.summary = "caches by lurk's generation numbers",
	.size = sizeof(struct lurk_plugin_info),
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	struct cache *c = calloc(1, sizeof(*c));

	api = lurk;
	if (!c) {
		api->error(self, "out of memory");
		return -1;
	}
	api->set_plugin_data(self, c);
	if (api->register_command(self, &command) < 0) {
		free(c);
		return -1;
	}
	return 0;
}

void lurk_plugin_fini(struct lurk_plugin *self)
{
	free(api->plugin_data(self));
}
