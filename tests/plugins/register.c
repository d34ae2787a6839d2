/*
 * register - what registration refuses: a built-in command's name, and
 * anything after init; and where run_command works: in a command only.
 */
#include <stdio.h>

#include <lurk/plugin.h>

static const struct lurk_api *api;
/* What lurk said when init tried to take the name of a built-in command. */
static char refused[256];
/* What lurk said when init tried to run a command line. */
static char run_in_init[256];

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
	api->print(self, "run_command in init: %s", run_in_init);
	if (api->run_command(self, "echo run from regtest\\n") == 0)
		api->print(self, "run_command: 0");
	if (api->run_command(self, "nosuchcommand") < 0)
		api->print(self, "run_command failed: %s", api->last_error(self));
	return 0;
}

/* A command that fails in a command line it runs: lurk says why once. */
static int regfail_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	return api->run_command(self, "frame 99");
}

static const struct lurk_command late = {
	.size = sizeof(struct lurk_command),
	.name = "late",
	.summary = "registered too late",
	.run = regtest_run,
};

static const struct lurk_command regfail = {
	.size = sizeof(struct lurk_command),
	.name = "regfail",
	.summary = "run a command line that fails",
	.run = regfail_run,
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
	if (api->run_command(self, "echo from init\\n") == 0)
		snprintf(run_in_init, sizeof(run_in_init), "accepted");
	else
		snprintf(run_in_init, sizeof(run_in_init), "%s", api->last_error(self));
	if (api->register_command(self, &regfail) < 0)
		return -1;
	return api->register_command(self, &regtest);
}
