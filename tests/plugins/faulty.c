/* faulty - an inspector whose describe crashes: lurk must survive it and disable the plugin. */
#include <stddef.h>

#include <lurk/plugin.h>

/* volatile, so the compiler cannot see the NULL and turn the load into a trap
 * instruction (SIGILL): the test wants a real SIGSEGV. */
static int *volatile nowhere;

static int faulty_describe(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame,
			   struct lurk_frame_desc *desc)
{
	desc->note[0] = (char)*nowhere;
	return 0;
}

/*
 * Bundled plugins load first and wrappers answers for invoke_wrapped before
 * this one is asked, so the glob claims the wrapped functions too: nobody
 * else claims square_impl, and the crash happens there.
 */
static const char *const claimed[] = { "invoke_wrapped", "*_impl", NULL };

static const struct lurk_inspector faulty_inspector = {
	.size = sizeof(struct lurk_inspector),
	.name = "faulty",
	.functions = claimed,
	.describe = faulty_describe,
};

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "faulty",
	.version = "1.0",
	.summary = "crashes in describe",
};

int lurk_plugin_init(const struct lurk_api *api, struct lurk_plugin *self)
{
	return api->register_inspector(self, &faulty_inspector);
}
