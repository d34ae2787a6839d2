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

/* parse raw against template t into ctx (released first); the result of cmd_parse_args. */
static int parse(struct cmd_ctx *ctx, const char *t, const char *raw)
{
	struct cmd_entry e = { .name = "t", .args = t, .usage = "t ARGS", .summary = "test" };

	cmd_ctx_release(ctx);
	memset(ctx, 0, sizeof(*ctx));
	return cmd_parse_args(&e, raw, ctx);
}

static void options(void)
{
	const char *t = "-o=FILE:word --[no-]args --depth=N:count --hz=N:uint(1-100) "
			"-l|-location [PATTERN:word...]";
	struct cmd_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	/* Options anywhere among the list's words, values split as a shell would. */
	CHECK(parse(&ctx, t, "a* --depth 3 -o 'my file' b --no-args -location --args c") == 0);
	CHECK_STR(ctx.arg[0].s, "my file");
	CHECK(ctx.arg[1].set && ctx.arg[1].u == 1);
	CHECK(ctx.arg[2].set && ctx.arg[2].u == 3);
	CHECK(!ctx.arg[3].set);
	CHECK(ctx.arg[4].set);
	CHECK(ctx.arg[5].n == 3 && ctx.arg[5].v[3] == NULL);
	CHECK_STR(ctx.arg[5].v[0], "a*");
	CHECK_STR(ctx.arg[5].v[2], "c");

	/* The last of --args and --no-args wins; so does the last value. */
	CHECK(parse(&ctx, t, "--args --depth 1 --no-args --depth 2") == 0);
	CHECK(ctx.arg[1].set && ctx.arg[1].u == 0 && ctx.arg[2].u == 2 && !ctx.arg[5].set);

	CHECK(parse(&ctx, t, "x --frobnicate") < 0);
	CHECK_STR(err_get(), "unknown option --frobnicate (-o FILE, --args, --no-args, --depth N, "
			     "--hz N, -l, -location)");
	CHECK(parse(&ctx, t, "x -o") < 0);
	CHECK_STR(err_get(), "option -o needs a value");
	CHECK(parse(&ctx, t, "--depth 100000001") < 0);
	CHECK_STR(err_get(), "--depth: \"100000001\" is not a count");
	CHECK(parse(&ctx, t, "--hz 0") < 0);
	CHECK_STR(err_get(), "--hz: \"0\" is not a number from 1 to 100");
	CHECK(parse(&ctx, t, "--hz 100 'open") < 0);
	CHECK_STR(err_get(), "unterminated ' quote");

	/* Before a rest: options first, then the raw text, a leading '-' included. */
	CHECK(parse(&ctx, "-l|-location EXPR:rest", "-l -x if 'a b'") == 0);
	CHECK(ctx.arg[0].set);
	CHECK_STR(ctx.arg[1].s, "-x if 'a b'");
	CHECK(parse(&ctx, "-l|-location EXPR:rest", "-x") == 0);
	CHECK(!ctx.arg[0].set);
	CHECK_STR(ctx.arg[1].s, "-x");
	CHECK(parse(&ctx, "-l|-location EXPR:rest", "-l") < 0);
	CHECK_CONTAINS(err_get(), "missing EXPR");

	/* A required list needs a word; nothing may follow a list. */
	CHECK(parse(&ctx, "P:word...", "") < 0);
	CHECK_CONTAINS(err_get(), "missing P");
	CHECK(parse(&ctx, "[P:word...] [Q:word]", "") < 0);
	CHECK_CONTAINS(err_get(), "bad argument template");
	CHECK(parse(&ctx, "--[no-]x=N:uint", "") < 0);
	CHECK_CONTAINS(err_get(), "bad argument template");
	cmd_ctx_release(&ctx);
}

int main(void)
{
	every_template_parses(cmd_all(), "");
	lookups();
	templates();
	options();
	CHECK_DONE();
}
