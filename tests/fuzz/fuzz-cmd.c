/*
 * fuzz-cmd.c - the command layer that needs no process: command lookup
 * (names, aliases, prefixes, "did you mean"), the argument templates of
 * every built-in command, block bodies (define ... end), completion and
 * settings on a session without a process.
 *
 * The first input byte picks what is fuzzed, the rest is the text:
 *   0 lookup     the text is a command name (also subcommands of what it finds)
 *   1 builtin    the next byte picks a built-in command, the rest is its argument text
 *   2 template   first line: an argument template; the rest: the argument text
 *   3 body       the lines of a block body read from a line source
 *   4 complete   a line being typed at the prompt (completion)
 *   5 set        "NAME VALUE" given to set, then show NAME
 */
#include "fuzz.h"

#include "cmd.h"
#include "err.h"
#include "out.h"
#include "plugin-host.h"
#include "regs.h"
#include "session.h"
#include "target.h"
#include "util.h"

static struct session *session;
static const struct cmd_entry **entries;
static size_t nentries;

static void collect(const struct cmd_entry *const *table)
{
	for (const struct cmd_entry *const *e = table; *e; e++) {
		entries = realloc(entries, (nentries + 1) * sizeof(*entries));
		if (!entries)
			abort();
		entries[nentries++] = *e;
		if ((*e)->sub)
			collect((*e)->sub);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	session = session_new(out_new(null, null), target_new(arch_host()));
	plugin_host_init(session);
	collect(cmd_all());
	return 0;
}

static void check_ctx(const struct cmd_ctx *ctx)
{
	for (size_t i = 0; i < CMD_MAX_ARGS; i++) {
		FUZZ_CHECK(!ctx->arg[i].set || ctx->arg[i].s || ctx->arg[i].v);
		for (size_t j = 0; j < ctx->arg[i].n; j++)
			FUZZ_CHECK(ctx->arg[i].v[j]);
		FUZZ_CHECK(!ctx->arg[i].v || !ctx->arg[i].v[ctx->arg[i].n]);
	}
}

static void fuzz_lookup(const char *name)
{
	const struct cmd_entry *e = cmd_lookup(cmd_all(), name, "command");

	if (e) {
		FUZZ_CHECK((e->name && strncmp(e->name, name, strlen(name)) == 0) ||
			   cmd_find_exact(name) == e);
		if (e->sub)
			(void)cmd_lookup(e->sub, name, "subcommand");
	} else {
		FUZZ_CHECK(err_isset());
	}
	(void)cmd_find_exact(name);
	(void)cmd_repeatable(name);
}

static void fuzz_args(const struct cmd_entry *e, const char *raw)
{
	struct cmd_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.s = session;
	ctx.entry = e;
	ctx.raw = raw;
	if (cmd_parse_args(e, raw, &ctx) == 0)
		check_ctx(&ctx);
	else
		FUZZ_CHECK(err_isset());
	cmd_ctx_release(&ctx);
	FUZZ_CHECK(ctx.nkept == 0);
}

/*
 * Templates are lurk's own data, not input: a {a|b|...} group holds at most
 * 32 keywords (ctx->kw is an unsigned bit set), so longer ones are skipped.
 */
static bool sane_template(const char *t)
{
	const char *p = t, *w;
	size_t len;

	while ((len = next_word(&p, &w)) > 0) {
		size_t bars = 0;

		if (w[0] != '{')
			continue;
		for (size_t i = 0; i < len; i++)
			bars += w[i] == '|';
		if (bars >= 32)
			return false;
	}
	return true;
}

struct lines_src {
	struct line_source src;
	char **lines;
	size_t n, next;
};

static char *next_line(struct line_source *src, const char *prompt)
{
	struct lines_src *ls = (struct lines_src *)src;

	if (ls->next >= ls->n)
		return NULL;
	src->lineno++;
	return xstrdup(ls->lines[ls->next++]);
}

static void fuzz_body(char *text)
{
	char *lines[256];
	struct lines_src ls = { { next_line, "fuzz", 0, false }, lines, 0, 0 };
	struct cmd_ctx ctx;
	char **body = NULL;
	size_t n = 0;

	ls.n = fuzz_lines(text, lines, 256);
	memset(&ctx, 0, sizeof(ctx));
	ctx.s = session;
	ctx.src = &ls.src;
	if (cmd_read_body(&ctx, "define fuzz", &body, &n) == 0) {
		FUZZ_CHECK(n < ls.next || (n == 0 && ls.next >= 1));
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(body[i]);
			free(body[i]);
		}
		free(body);
	} else {
		FUZZ_CHECK(err_isset() && ls.next == ls.n);
	}
	/* Without a line source the body cannot be read. */
	ctx.src = NULL;
	FUZZ_CHECK(cmd_read_body(&ctx, "define fuzz", &body, &n) < 0);
}

static void candidate(const char *cand, void *arg)
{
	FUZZ_CHECK(cand);
	*(size_t *)arg += strlen(cand) + 1;
}

static void fuzz_set(const char *text)
{
	const char *p = text, *w;
	size_t len = next_word(&p, &w);
	char *name = xstrndup(w, len);
	char *value = trim_dup(p);
	char *shown;

	if (session_set(session, name, value) == 0) {
		shown = session_show(session, name);
		FUZZ_CHECK(shown);
		free(shown);
	} else {
		FUZZ_CHECK(err_isset());
	}
	shown = session_show(session, name);
	FUZZ_CHECK(shown || err_isset());
	free(shown);
	free(name);
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t total = 0;

	if (size < 1)
		return 0;
	text = fuzz_cstr(data + 1, size - 1);
	err_clear();
	switch (data[0] % 6) {
	case 0:
		fuzz_lookup(text);
		break;
	case 1:
		if (size >= 2) {
			free(text);
			text = fuzz_cstr(data + 2, size - 2);
			fuzz_args(entries[data[1] % nentries], text);
		}
		break;
	case 2: {
		char *nl = strchr(text, '\n');
		const char *raw = nl ? nl + 1 : "";
		struct cmd_entry e = {
			.name = "fuzz",
			.args = text,
			.usage = "fuzz ARGS",
			.summary = "a fuzzed template",
		};

		if (nl)
			*nl = '\0';
		if (sane_template(text))
			fuzz_args(&e, raw);
		break;
	}
	case 3:
		fuzz_body(text);
		break;
	case 4:
		cmd_complete(session, text, candidate, &total);
		break;
	case 5:
		fuzz_set(text);
		break;
	}
	free(text);
	return 0;
}
