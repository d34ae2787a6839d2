/* frame-args.c - a frame's arguments as backtrace lines and stop reports show them */
#include <string.h>

#include "err.h"
#include "frame-args.h"
#include "frame.h"
#include "rec.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

static const char *const mode_names[] = { "scalars", "all", "none", "presence" };

int frame_args_mode_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(name, mode_names[i]))
			return (int)i;
	err_set("\"%s\" is not one of all, scalars, none, presence", name);
	return -1;
}

const char *frame_args_mode_name(enum frame_args_mode mode)
{
	return mode_names[mode];
}

struct collect {
	const struct frame_ctx *fc;
	enum frame_args_mode mode;
	struct rec *arr;
};

/* gdb's test: what is not an aggregate (a pointer to one is a scalar). */
static bool is_scalar(const struct value *v)
{
	enum vkind k = vtype_kind(&v->type);

	return k != VK_STRUCT && k != VK_UNION && k != VK_ARRAY;
}

static void add_arg(void *arg, const char *name, const struct value *v)
{
	struct collect *c = arg;
	struct rec *o = rec_push_obj(c->arr);
	struct strbuf text = STRBUF_INIT;

	rec_set_str(o, "name", name);
	if (c->mode == FRAME_ARGS_NONE || c->mode == FRAME_ARGS_PRESENCE ||
	    (c->mode == FRAME_ARGS_SCALARS && !is_scalar(v))) {
		rec_set_str(o, "value", "...");
		return;
	}
	/*
	 * As gdb: a value in a register an outer frame did not save is
	 * <not saved> (the unwinder could not recover it, nothing is wrong);
	 * any other failure names its cause.
	 */
	if (value_format(c->fc, v, 0, &text) < 0) {
		sb_reset(&text);
		if (strstr(err_get(), " is not saved in frame "))
			sb_add(&text, "<not saved>");
		else
			sb_addf(&text, "<error reading variable: %s>", err_get());
		err_clear();
	}
	rec_set_str(o, "value", sb_str(&text));
	sb_free(&text);
}

int frame_args_collect(const struct frame_ctx *fc, enum frame_args_mode mode, struct rec *arr)
{
	struct collect c = { fc, mode, arr };

	return value_frame_vars(fc, true, add_arg, &c);
}
