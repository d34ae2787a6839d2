/* wrappers - a lurk plugin that shows closures made by timed() under their own names.
 *
 * Programs that wrap functions in closures (decorators, callbacks with an
 * environment, C++ std::function, ...) call them all through one trampoline,
 * so every native stack says "invoke_wrapped" and the closure's name is only
 * data. This plugin reads that data through lurk's plugin API (it uses
 * nothing of lurk but <lurk/plugin.h>):
 *
 *  - bt annotates each invoke_wrapped frame with the closure it runs,
 *    "[wraps square]", and hides the plumbing frame closure_call;
 *  - "break square" stops in the function the closure "square" wraps;
 *  - the command "wrappers" lists the registry.
 *
 * The target keeps its closures in globals that have debug information:
 *
 *   struct closure { const char *name; int (*fn)(int); void *env; };
 *   struct closure *closure_registry[16];
 *   int closure_count;
 *
 * Sizes and offsets come from the target's DWARF, never from this file, so a
 * program that adds members to struct closure still works.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <lurk/plugin.h>

/* lurk's function table: valid from lurk_plugin_init until the plugin is unloaded. */
static const struct lurk_api *api;

/* Where the registry is and how a struct closure is laid out, read afresh
 * for every callback: addresses change when the program runs again. */
struct registry {
	uint64_t slots;	   /* the address of closure_registry[0] */
	uint64_t capacity; /* its number of slots */
	uint64_t ptr_size; /* the size of a pointer in the target */
	uint64_t name_off; /* offsetof(struct closure, name) */
	uint64_t fn_off;   /* offsetof(struct closure, fn) */
	int64_t count;	   /* closure_count */
};

/* One closure as read from the target. */
struct closure_entry {
	uint64_t address; /* of its struct closure */
	uint64_t fn;	  /* the wrapped function */
	char name[128];
};

/* Reads an integer of size bytes (1 to 8, little-endian as on x86_64) at addr. */
static int read_uint(struct lurk_plugin *self, uint64_t addr, uint64_t size, uint64_t *value)
{
	unsigned char bytes[8];

	*value = 0;
	if (size == 0 || size > sizeof bytes || api->read_memory(self, addr, bytes, size) < 0)
		return -1;
	for (uint64_t i = size; i > 0; i--)
		*value = *value << 8 | bytes[i - 1];
	return 0;
}

/*
 * Fails the current callback with what and the reason lurk gave for the last
 * API call. The reason is copied first: it may live in the very buffer
 * api->error writes.
 */
static int fail(struct lurk_plugin *self, const char *what)
{
	char why[256];

	snprintf(why, sizeof why, "%s", api->last_error(self));
	api->error(self, "%s: %s", what, why);
	return -1;
}

/* Whether the target has a registry at all: resolve must stay quiet when it has not. */
static int registry_present(struct lurk_plugin *self)
{
	uint64_t addr;

	return api->symbol_lookup(self, "closure_registry", NULL, &addr, NULL) == 0;
}

/* Fills reg from the target's symbols and DWARF. 0, or -1 after api->error. */
static int registry_open(struct lurk_plugin *self, struct registry *reg)
{
	uint64_t size, count_addr, count_size, count, fn_size;

	if (api->symbol_lookup(self, "closure_registry", NULL, &reg->slots, &size) < 0)
		return fail(self, "cannot find the closure registry");
	if (api->member_offset(self, "struct closure", "name", &reg->name_off, NULL) < 0 ||
	    api->member_offset(self, "struct closure", "fn", &reg->fn_off, &fn_size) < 0)
		return fail(self, "cannot read struct closure");
	/* fn is a pointer, so its size is the target's pointer size. */
	if (fn_size == 0 || fn_size > sizeof(uint64_t)) {
		api->error(self, "struct closure: fn is %" PRIu64 " bytes, not a pointer", fn_size);
		return -1;
	}
	reg->ptr_size = fn_size;
	reg->capacity = size / fn_size;
	if (api->symbol_lookup(self, "closure_count", NULL, &count_addr, &count_size) < 0 ||
	    read_uint(self, count_addr, count_size, &count) < 0)
		return fail(self, "cannot read closure_count");
	/* A count beyond the array is a program mid-update or corrupt: read what exists. */
	reg->count = (int64_t)(count < reg->capacity ? count : reg->capacity);
	return 0;
}

/* Reads closure i of the registry into e. 0, or -1 after api->error. */
static int registry_entry(struct lurk_plugin *self, const struct registry *reg, int64_t i,
			  struct closure_entry *e)
{
	uint64_t slot = reg->slots + (uint64_t)i * reg->ptr_size, name;
	char what[64];

	if (read_uint(self, slot, reg->ptr_size, &e->address) < 0 ||
	    read_uint(self, e->address + reg->name_off, reg->ptr_size, &name) < 0 ||
	    read_uint(self, e->address + reg->fn_off, reg->ptr_size, &e->fn) < 0 ||
	    api->read_string(self, name, e->name, sizeof e->name) < 0) {
		snprintf(what, sizeof what, "closure_registry[%" PRId64 "]", i);
		return fail(self, what);
	}
	return 0;
}

/*
 * Calls fn for each registered closure until it returns nonzero. Returns
 * that value, 0 when all were seen, or -1 after api->error.
 */
static int registry_each(struct lurk_plugin *self,
			 int (*fn)(struct lurk_plugin *self, void *arg,
				   const struct closure_entry *e),
			 void *arg)
{
	struct registry reg;
	struct closure_entry e;
	int stop;

	if (registry_open(self, &reg) < 0)
		return -1;
	for (int64_t i = 0; i < reg.count; i++) {
		if (registry_entry(self, &reg, i, &e) < 0)
			return -1;
		stop = fn(self, arg, &e);
		if (stop)
			return stop;
	}
	return 0;
}

/* --- the inspectors ------------------------------------------------------ */

/*
 * An invoke_wrapped frame: name the closure it runs. c is the trampoline's
 * argument, so lurk evaluates "c->name" in that frame as print would. When
 * it cannot (no debug information, an optimized-out argument) the frame is
 * shown as it is rather than failing the whole backtrace.
 */
static int trampoline_describe(struct lurk_plugin *self, void *userdata,
			       const struct lurk_frame *frame, struct lurk_frame_desc *desc)
{
	uint64_t name;
	char buf[128];

	if (api->frame_value(self, frame->thread, frame->level, "c->name", &name) < 0 ||
	    api->read_string(self, name, buf, sizeof buf) < 0)
		return LURK_DECLINE;
	snprintf(desc->note, sizeof desc->note, "wraps %s", buf);
	return 0;
}

/*
 * A traced call of invoke_wrapped(c, x): "square (via invoke_wrapped)(5)"
 * and its result. At the first instruction the arguments are still in
 * the ABI's registers (c in rdi, x in esi), where lurk's trace reads them
 * too; the closure's name is read from c as the registry is.
 */
static int trampoline_describe_call(struct lurk_plugin *self, void *userdata,
				    const struct lurk_call *call, struct lurk_frame_desc *desc)
{
	uint64_t c, x, name_off, name;
	char buf[128];

	if (call->returning) {
		snprintf(desc->note, sizeof desc->note, "%d", (int)call->value);
		return 0;
	}
	if (api->read_register(self, call->thread, "rdi", &c) < 0 ||
	    api->read_register(self, call->thread, "rsi", &x) < 0 ||
	    api->member_offset(self, "struct closure", "name", &name_off, NULL) < 0 ||
	    read_uint(self, c + name_off, sizeof(uint64_t), &name) < 0 ||
	    api->read_string(self, name, buf, sizeof buf) < 0)
		return LURK_DECLINE;
	snprintf(desc->name, sizeof desc->name, "%s (via invoke_wrapped)", buf);
	snprintf(desc->note, sizeof desc->note, "%d", (int)x);
	return 0;
}

/* What "break NAME" looks for, and where to hand the addresses found. */
struct resolve_request {
	const char *name;
	void (*add)(void *arg, uint64_t address);
	void *arg;
	int found;
};

static int add_if_named(struct lurk_plugin *self, void *arg, const struct closure_entry *e)
{
	struct resolve_request *req = arg;

	if (strcmp(e->name, req->name) == 0) {
		req->add(req->arg, e->fn);
		req->found++;
	}
	return 0;
}

/*
 * "break square": the function the closure named square wraps. Programs
 * without a registry, and names no closure has, are declined, so lurk's own
 * "no function" message stands.
 */
static int trampoline_resolve(struct lurk_plugin *self, void *userdata, const char *location,
			      void (*add)(void *arg, uint64_t address), void *arg)
{
	struct resolve_request req = { location, add, arg, 0 };

	if (!registry_present(self))
		return LURK_DECLINE;
	if (registry_each(self, add_if_named, &req) < 0)
		return -1;
	return req.found ? 0 : LURK_DECLINE;
}

/* closure_call only passes the call on: hide it (bt -raw still shows it). */
static int plumbing_elide(struct lurk_plugin *self, void *userdata, const struct lurk_frame *frame)
{
	return 1;
}

static const char *const trampolines[] = { "invoke_wrapped", NULL };
static const char *const plumbing[] = { "closure_call", NULL };

static const struct lurk_inspector trampoline_inspector = {
	.size = sizeof(struct lurk_inspector),
	.name = "closures",
	.functions = trampolines,
	.describe = trampoline_describe,
	.resolve = trampoline_resolve,
	.describe_call = trampoline_describe_call,
};

static const struct lurk_inspector plumbing_inspector = {
	.size = sizeof(struct lurk_inspector),
	.name = "closure-plumbing",
	.functions = plumbing,
	.elide = plumbing_elide,
};

/* --- the wrappers command ---------------------------------------------- */

static int list_one(struct lurk_plugin *self, void *arg, const struct closure_entry *e)
{
	struct lurk_record *r = api->record_new(self);
	char function[256], addr[32];
	uint64_t offset = 0;
	int *listed = arg;

	if (!r)
		return fail(self, "cannot make a record");
	if (api->symbol_at(self, e->fn, function, sizeof function, &offset) < 0)
		snprintf(function, sizeof function, "??");
	else if (offset)
		snprintf(function + strlen(function), sizeof function - strlen(function),
			 "+0x%" PRIx64, offset);
	snprintf(addr, sizeof addr, "0x%" PRIx64, e->fn);
	api->record_str(r, "name", e->name);
	api->record_str(r, "function", function);
	api->record_str(r, "addr", addr);
	api->record_emit(self, r, "%-12s %s at 0x%016" PRIx64, e->name, function, e->fn);
	(*listed)++;
	return 0;
}

static int wrappers_run(struct lurk_plugin *self, void *userdata, const char *args)
{
	int listed = 0;

	if (*args && strcmp(args, "list") != 0) {
		api->error(self, "unknown argument \"%s\"; usage: wrappers [list]", args);
		return -1;
	}
	if (registry_each(self, list_one, &listed) < 0)
		return -1;
	if (!listed)
		api->print(self, "no closures registered");
	return 0;
}

static void wrappers_complete(struct lurk_plugin *self, void *userdata, const char *prefix,
			      void (*add)(void *arg, const char *candidate), void *arg)
{
	if (strncmp("list", prefix, strlen(prefix)) == 0)
		add(arg, "list");
}

static const struct lurk_command wrappers_command = {
	.size = sizeof(struct lurk_command),
	.name = "wrappers",
	.usage = "wrappers [list]",
	.summary = "the closures in closure_registry and the functions they wrap",
	.run = wrappers_run,
	.complete = wrappers_complete,
};

/* --- what lurk loads ------------------------------------------------------ */

const struct lurk_plugin_info lurk_plugin_info = {
	.abi_major = LURK_ABI_MAJOR,
	.abi_minor = LURK_ABI_MINOR,
	.name = "wrappers",
	.version = "1.0",
	.summary = "closures made by timed(): named in bt, found by break, listed by wrappers",
	.size = sizeof(struct lurk_plugin_info),
};

int lurk_plugin_init(const struct lurk_api *lurk, struct lurk_plugin *self)
{
	api = lurk;
	if (api->register_inspector(self, &trampoline_inspector) < 0 ||
	    api->register_inspector(self, &plumbing_inspector) < 0 ||
	    api->register_command(self, &wrappers_command) < 0)
		return fail(self, "cannot register");
	return 0;
}
