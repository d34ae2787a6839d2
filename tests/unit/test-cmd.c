/* test-cmd.c - command lookup, argument templates and the tables themselves */
#include <stdlib.h>

#include "check.h"
#include "cmd.h"
#include "err.h"

static const struct cmd_entry *lookup(const char *name)
{
	return cmd_lookup(cmd_all(), name, "command");
}

static void every_template_parses(const struct cmd_entry *const *table, const char *prefix)
{
	for (const struct cmd_entry *const *e = table; *e; e++) {
		struct cmd_ctx ctx;

		memset(&ctx, 0, sizeof(ctx));
		/* An empty argument list either parses or names what is missing. */
		if (cmd_parse_args(*e, "", &ctx) < 0 && !strstr(err_get(), "missing")) {
			fprintf(stderr, "%s%s: template \"%s\": %s\n", prefix, (*e)->name,
				(*e)->args ? (*e)->args : "", err_get());
			check_failures++;
		}
		cmd_ctx_release(&ctx);
		CHECK((*e)->usage && (*e)->summary && (*e)->summary[0]);
		CHECK((*e)->handler || (*e)->sub);
		if ((*e)->sub)
			every_template_parses((*e)->sub, (*e)->name);
	}
}

static void lookups(void)
{
	CHECK_STR(lookup("backtrace")->name, "backtrace");
	CHECK_STR(lookup("bt")->name, "backtrace");
	CHECK_STR(lookup("where")->name, "backtrace");
	CHECK_STR(lookup("c")->name, "continue");
	CHECK_STR(lookup("q")->name, "quit");
	CHECK_STR(lookup("i")->name, "info");
	CHECK_STR(lookup("r")->name, "run");
	CHECK_STR(lookup("back")->name, "backtrace");
	CHECK_STR(lookup("inter")->name, "interrupt");
	CHECK(lookup("de") == NULL);
	CHECK_CONTAINS(err_get(), "ambiguous command \"de\": deadlock, define, delete, detach");
	CHECK(lookup("backtrase") == NULL);
	CHECK_CONTAINS(err_get(), "unknown command \"backtrase\" (did you mean \"backtrace\"?)");
	CHECK(lookup("zzzzzz") == NULL);
	CHECK_CONTAINS(err_get(), "unknown command \"zzzzzz\"");
	CHECK(strstr(err_get(), "did you mean") == NULL);
	CHECK_STR(cmd_lookup(lookup("info")->sub, "thr", "subcommand")->name, "threads");
	CHECK_STR(cmd_lookup(lookup("info")->sub, "r", "subcommand")->name, "registers");
	CHECK(cmd_find_exact("bt") != NULL);
	CHECK(cmd_find_exact("ba") == NULL);
}

static void templates(void)
{
	struct cmd_entry e = {
		.name = "t",
		.args = "N:uint [M:int] {all|full} [REST:rest]",
		.usage = "t N [M] [REST]",
		.summary = "test",
	};
	struct cmd_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	CHECK(cmd_parse_args(&e, "full 12 -3 the rest  of it", &ctx) == 0);
	CHECK(ctx.arg[0].set && ctx.arg[0].u == 12);
	CHECK(ctx.arg[1].set && ctx.arg[1].i == -3);
	CHECK_STR(ctx.arg[2].s, "the rest  of it");
	CHECK(ctx.kw == 2);
	cmd_ctx_release(&ctx);

	memset(&ctx, 0, sizeof(ctx));
	CHECK(cmd_parse_args(&e, "7 all", &ctx) == 0);
	CHECK(ctx.arg[0].u == 7 && !ctx.arg[1].set && ctx.kw == 1);
	cmd_ctx_release(&ctx);

	memset(&ctx, 0, sizeof(ctx));
	CHECK(cmd_parse_args(&e, "", &ctx) < 0);
	CHECK_CONTAINS(err_get(), "missing N; usage: t N [M] [REST]");
	cmd_ctx_release(&ctx);

	memset(&ctx, 0, sizeof(ctx));
	CHECK(cmd_parse_args(&e, "x1", &ctx) < 0);
	CHECK_CONTAINS(err_get(), "\"x1\" is not a number");
	cmd_ctx_release(&ctx);

	e.args = "[N:uint]";
	memset(&ctx, 0, sizeof(ctx));
	CHECK(cmd_parse_args(&e, "1 2", &ctx) < 0);
	CHECK_CONTAINS(err_get(), "too many arguments");
	cmd_ctx_release(&ctx);
}

int main(void)
{
	every_template_parses(cmd_all(), "");
	lookups();
	templates();
	CHECK_DONE();
}
