/* register - what registration refuses: a built-in command's name, and anything after init. */
#include <stdio.h>

#include <lurk/plugin.h>

static const struct lurk_api *api;
/* What lurk said when init tried to take the name of a built-in command. */
static char refused[256];

static const struct lurk_command regtest, late;
static const char *const late_functions[] = { "main", NULL };
static const struct lurk_inspector late_inspector = {
	.size = sizeof(struct lurk_inspector),
	.functions = late_functions,
};

/* Registration outside init must fail: lurk may be walking the registry right now. */
static int regtest_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	api->print(self, "break: %s", refused);
	if (api->register_command(self, &late) == 0)
		api->print(self, "late command: accepted");
	else
		api->print(self, "late command: %s", api->last_error(self));
	if (api->register_inspector(self, &late_inspector) == 0)
		api->print(self, "late inspector: accepted");
	else
		api->print(self, "late inspector: %s", api->last_error(self));
	return 0;
}

static const struct lurk_command late = {
	.size = sizeof(struct lurk_command),
	.name = "late",
	.summary = "registered too late",
	.run = regtest_run,
};

static const struct lurk_command regtest = {
	.size = sizeof(struct lurk_command),
	.name = "regtest",
	.summary = "say what registration refused",
	.run = regtest_run,
};

/* Would hide lurk's own break command. */
static const struct lurk_command clash = {
	.size = sizeof(struct lurk_command),
	.name = "break",
	.summary = "not lurk's break",
	.run = regtest_run,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "register",
	.version = "1.0",
	.summary = "registers what it may and what it may not",
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	if (api->register_command(self, &clash) == 0)
		snprintf(refused, sizeof(refused), "accepted");
	else
		snprintf(refused, sizeof(refused), "%s", api->last_error(self));
	return api->register_command(self, &regtest);
}
