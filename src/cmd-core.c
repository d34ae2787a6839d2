/* cmd-core.c - core files: generate-core-file */
#include <stdlib.h>

#include "cmd.h"
#include "gcore.h"
#include "out.h"
#include "rec.h"
#include "session.h"
#include "target.h"
#include "util.h"

static void render_saved(struct out *o, const struct rec *rec)
{
	out_printf(o, "Saved corefile %s\n", rec_str(rec, "path"));
}

static int cmd_core_generate(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct gcore_stats st;
	struct rec *rec;
	char *path;

	/* gdb's default name, in lurk's current directory. */
	path = ctx->arg[0].set ? xstrdup(ctx->arg[0].s)
			       : xasprintf("core.%d", (int)target_pid(s->target));
	if (gcore_write(s->target, path, &st) < 0) {
		free(path);
		return -1;
	}
	rec = rec_obj();
	rec_set_str(rec, "path", path);
	rec_set_uint(rec, "bytes", st.bytes);
	rec_set_uint(rec, "threads", st.threads);
	rec_set_uint(rec, "segments", st.segments);
	rec_set_uint(rec, "dumped", st.dumped);
	rec_set_uint(rec, "left_out", st.left_out);
	rec_set_strf(rec, "coredump_filter", "0x%02x", st.filter);
	out_emit(s->out, ctx->name, rec, render_saved);
	free(path);
	return 0;
}

static const struct cmd_entry generate_core_file_entry = {
	.name = "generate-core-file",
	.aliases = "gcore",
	.args = "[FILE:rest]",
	.usage = "generate-core-file [FILE]",
	.summary = "write an ELF core file of the process (default core.PID); it runs on unchanged",
	.flags = CMD_NEED_PROCESS | CMD_NEED_STOPPED,
	.handler = cmd_core_generate,
};

const struct cmd_entry *const cmd_group_core[] = { &generate_core_file_entry, NULL };
