/* cmd.c - command tables, lookup, argument templates, preconditions and dispatch */
#include <ctype.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "display.h"
#include "err.h"
#include "fmt.h"
#include "log.h"
#include "out.h"
#include "plugin-host.h"
#include "report.h"
#include "session.h"
#include "stop.h"
#include "sig.h"
#include "sym.h"
#include "target.h"
#include "util.h"

#define MAX_DEPTH 32

const struct cmd_group cmd_groups[] = {
	{ .name = "running",
	  .summary = "start, attach, stop and leave the process",
	  .cmds = cmd_group_run },
	{ .name = "execution", .summary = "resume and interrupt", .cmds = cmd_group_exec },
	{ .name = "breakpoints",
	  .summary = "stop where the program gets to a place",
	  .cmds = cmd_group_break },
	{ .name = "catchpoints",
	  .summary = "stop at system calls and signals; resume with a signal",
	  .cmds = cmd_group_catch },
	{ .name = "stack", .summary = "threads, backtraces and frames", .cmds = cmd_group_stack },
	{ .name = "data", .summary = "memory and registers", .cmds = cmd_group_data },
	{ .name = "values",
	  .summary = "variables and expressions, typed from DWARF",
	  .cmds = cmd_group_value },
	{ .name = "disassembly", .summary = "machine instructions", .cmds = cmd_group_disas },
	{ .name = "info", .summary = "facts about the process", .cmds = cmd_group_info },
	{ .name = "core files",
	  .summary = "snapshot the process to a core file; see --core",
	  .cmds = cmd_group_core },
	{ .name = "tracing",
	  .summary = "calls with arguments, return values and time; sampled profiles",
	  .cmds = cmd_group_trace },
	{ .name = "analysis", .summary = "locks and deadlocks", .cmds = cmd_group_locks },
	{ .name = "plugins",
	  .summary = "load and list plugins (their own commands are listed at the end)",
	  .cmds = cmd_group_plugin },
	{ .name = "session", .summary = "scripts, settings and help", .cmds = cmd_group_session },
};
const size_t cmd_ngroups = ARRAY_SIZE(cmd_groups);

const struct cmd_entry *const *cmd_all(void)
{
	static const struct cmd_entry **all;
	size_t n = 0;

	if (all)
		return all;
	for (size_t g = 0; g < cmd_ngroups; g++)
		for (const struct cmd_entry *const *e = cmd_groups[g].cmds; *e; e++)
			n++;
	all = xcalloc(n + 1, sizeof(*all));
	n = 0;
	for (size_t g = 0; g < cmd_ngroups; g++)
		for (const struct cmd_entry *const *e = cmd_groups[g].cmds; *e; e++)
			all[n++] = *e;
	return all;
}

static bool has_alias(const struct cmd_entry *e, const char *name)
{
	const char *p = e->aliases;
	size_t len = strlen(name);

	while (p && *p) {
		const char *w;
		size_t n = next_word(&p, &w);

		if (n == len && strncmp(w, name, len) == 0)
			return true;
		if (!n)
			break;
	}
	return false;
}

static void suggest(const struct cmd_entry *const *table, const char *name, struct strbuf *sb)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (const struct cmd_entry *const *e = table; *e; e++) {
		unsigned d = edit_distance(name, (*e)->name, 2);

		if (d < best_d) {
			best_d = d;
			best = (*e)->name;
		}
	}
	if (best)
		sb_addf(sb, " (did you mean \"%s\"?)", best);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const struct cmd_entry *cmd_find_exact(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_all(); *e; e++)
		if (strcmp((*e)->name, name) == 0 || has_alias(*e, name))
			return *e;
	return NULL;
}

const struct cmd_entry *cmd_lookup(const struct cmd_entry *const *table, const char *name,
				   const char *what)
{
	const struct cmd_entry *match = NULL;
	size_t nmatch = 0, len = strlen(name);
	struct strbuf sb = STRBUF_INIT;

	for (const struct cmd_entry *const *e = table; *e; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	for (const struct cmd_entry *const *e = table; *e; e++)
		if (has_alias(*e, name))
			return *e;
	for (const struct cmd_entry *const *e = table; *e; e++) {
		if (strncmp((*e)->name, name, len) == 0) {
			match = *e;
			nmatch++;
		}
	}
	if (nmatch == 1)
		return match;
	if (nmatch > 1) {
		const char **names = xcalloc(nmatch, sizeof(*names));
		size_t k = 0;

		for (const struct cmd_entry *const *e = table; *e; e++)
			if (strncmp((*e)->name, name, len) == 0)
				names[k++] = (*e)->name;
		qsort(names, k, sizeof(*names), cmp_names);
		sb_addf(&sb, "ambiguous %s \"%s\":", what, name);
		for (size_t i = 0; i < k; i++)
			sb_addf(&sb, "%s %s", i ? "," : "", names[i]);
		free(names);
	} else {
		sb_addf(&sb, "unknown %s \"%s\"", what, name);
		suggest(table, name, &sb);
		if (strcmp(what, "command") == 0)
			sb_add(&sb, "; try \"help\"");
	}
	err_set("%s", sb_str(&sb));
	sb_free(&sb);
	return NULL;
}

/* What a count option takes: a bound that keeps later arithmetic far from overflow. */
#define COUNT_MAX 100000000

/* One item of an argument template. */
struct tmpl_item {
	char name[32];
	enum { K_UINT, K_INT, K_COUNT, K_WORD, K_REST, K_KEYWORDS, K_FLAG } kind;
	bool optional;
	bool list;	    /* NAME:word...: every remaining positional word */
	bool option;	    /* -o=NAME:kind, or a flag */
	bool negatable;	    /* --[no-]name: the flag has a --no- form */
	bool ranged;	    /* uint(LO-HI) */
	uint64_t lo, hi;    /* ...its range */
	size_t slot;	    /* its ctx->arg[] (not for keywords) */
	char keywords[128]; /* "a|b|c" for K_KEYWORDS; an option's spellings "-l|-location" */
};

/* "NAME:kind" (or "NAME:kind..." for a positional) into it. */
static int parse_kind(char *buf, struct tmpl_item *it)
{
	char *colon = strchr(buf, ':');
	char *kind, *end;
	size_t klen;

	if (!colon || (size_t)(colon - buf) >= sizeof(it->name))
		return -1;
	*colon = '\0';
	memcpy(it->name, buf, (size_t)(colon - buf) + 1);
	kind = colon + 1;
	klen = strlen(kind);
	if (klen > 3 && !strcmp(kind + klen - 3, "...")) {
		it->list = true;
		kind[klen - 3] = '\0';
	}
	if (!strcmp(kind, "uint"))
		it->kind = K_UINT;
	else if (!strcmp(kind, "int"))
		it->kind = K_INT;
	else if (!strcmp(kind, "count"))
		it->kind = K_COUNT;
	else if (!strcmp(kind, "word"))
		it->kind = K_WORD;
	else if (!strcmp(kind, "rest"))
		it->kind = K_REST;
	else if (!strncmp(kind, "uint(", 5)) {
		it->kind = K_UINT;
		it->ranged = true;
		it->lo = strtoull(kind + 5, &end, 10);
		if (*end != '-')
			return -1;
		it->hi = strtoull(end + 1, &end, 10);
		if (strcmp(end, ")") || it->lo > it->hi)
			return -1;
	} else {
		return -1;
	}
	return it->list && it->kind != K_WORD ? -1 : 0;
}

/* "-o=FILE:word", "-l|-location", "--[no-]args" into it. */
static int parse_option(char *buf, struct tmpl_item *it)
{
	char *eq = strchr(buf, '=');

	it->option = true;
	it->optional = true;
	if (eq) {
		*eq = '\0';
		if (parse_kind(eq + 1, it) < 0 || it->list || it->kind == K_REST)
			return -1;
	} else {
		it->kind = K_FLAG;
	}
	if (!strncmp(buf, "--[no-]", 7)) {
		if (eq || strchr(buf, '|'))
			return -1;
		it->negatable = true;
		memmove(buf + 2, buf + 7, strlen(buf + 7) + 1);
	}
	if (strlen(buf) >= sizeof(it->keywords))
		return -1;
	strcpy(it->keywords, buf);
	return 0;
}

static int parse_template(const char *t, struct tmpl_item *items, size_t *n)
{
	const char *p = t ? t : "";
	const char *w;
	size_t len, nslots = 0;
	bool listed = false;

	*n = 0;
	while ((len = next_word(&p, &w)) > 0) {
		struct tmpl_item *it = &items[*n];
		char buf[160];

		if (*n >= CMD_MAX_ARGS || len >= sizeof(buf))
			return -1;
		memset(it, 0, sizeof(*it));
		memcpy(buf, w, len);
		buf[len] = '\0';
		if (buf[0] == '{') {
			if (buf[len - 1] != '}' || len - 2 >= sizeof(it->keywords))
				return -1;
			it->kind = K_KEYWORDS;
			memcpy(it->keywords, buf + 1, len - 2);
			(*n)++;
			continue;
		}
		it->slot = nslots++;
		if (buf[0] == '-') {
			if (parse_option(buf, it) < 0)
				return -1;
			(*n)++;
			continue;
		}
		if (buf[0] == '[') {
			if (buf[len - 1] != ']')
				return -1;
			it->optional = true;
			buf[len - 1] = '\0';
			memmove(buf, buf + 1, len);
		}
		/* A list takes every positional word left: nothing can follow it. */
		if (listed || parse_kind(buf, it) < 0)
			return -1;
		listed = it->list;
		(*n)++;
	}
	return 0;
}

static int keyword_index(const char *keywords, const char *w, size_t len)
{
	const char *p = keywords;
	int idx = 0;

	while (*p) {
		size_t klen = strcspn(p, "|");

		if (klen == len && strncmp(p, w, len) == 0)
			return idx;
		p += klen;
		if (*p == '|')
			p++;
		idx++;
	}
	return -1;
}

/* The option of the template that w spells, or NULL; *on is 0 for a --no- form. */
static const struct tmpl_item *find_option(const struct tmpl_item *items, size_t n, const char *w,
					   uint64_t *on)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i].option)
			continue;
		*on = 1;
		if (keyword_index(items[i].keywords, w, strlen(w)) >= 0)
			return &items[i];
		if (items[i].negatable && !strncmp(w, "--no-", 5) &&
		    !strcmp(w + 5, items[i].keywords + 2)) {
			*on = 0;
			return &items[i];
		}
	}
	return NULL;
}

/* "unknown option -x (-o FILE, --args, --no-args, --depth N)": the template's options. */
static void unknown_option(const struct tmpl_item *items, size_t n, const char *w)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const char *p = items[i].keywords;

		if (!items[i].option)
			continue;
		while (*p) {
			size_t len = strcspn(p, "|");

			sb_addf(&sb, "%s%.*s", sb_str(&sb)[0] ? ", " : "", (int)len, p);
			if (items[i].kind != K_FLAG)
				sb_addf(&sb, " %s", items[i].name);
			p += len + (p[len] == '|');
		}
		if (items[i].negatable)
			sb_addf(&sb, ", --no-%s", items[i].keywords + 2);
	}
	err_set("unknown option %s (%s)", w, sb_str(&sb));
	sb_free(&sb);
}

static char *ctx_keep(struct cmd_ctx *ctx, char *s)
{
	ctx->kept = xrealloc(ctx->kept, (ctx->nkept + 1) * sizeof(*ctx->kept));
	ctx->kept[ctx->nkept++] = s;
	return s;
}

void cmd_ctx_release(struct cmd_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nkept; i++)
		free(ctx->kept[i]);
	free(ctx->kept);
	ctx->kept = NULL;
	ctx->nkept = 0;
	for (size_t i = 0; i < CMD_MAX_ARGS; i++) {
		free(ctx->arg[i].v);
		ctx->arg[i].v = NULL;
	}
}

/*
 * word as the value of it into a. opt is the option it follows, which names
 * the value in messages ("--hz: \"0\" is not a number from 1 to 10000"); a
 * positional number keeps parse_u64's message unless its kind bounds it.
 */
static int take_value(const struct tmpl_item *it, const char *opt, const char *word,
		      struct cmd_arg *a)
{
	bool ok = true;

	a->set = true;
	a->s = word;
	if (it->kind == K_INT)
		ok = parse_i64(word, &a->i) == 0;
	else if (it->kind == K_UINT || it->kind == K_COUNT)
		ok = parse_u64(word, &a->u) == 0 && (it->kind != K_COUNT || a->u <= COUNT_MAX) &&
		     (!it->ranged || (a->u >= it->lo && a->u <= it->hi));
	if (ok)
		return 0;
	if (it->kind == K_COUNT)
		err_set("%s%s\"%s\" is not a count", opt ? opt : "", opt ? ": " : "", word);
	else if (it->ranged)
		err_set("%s%s\"%s\" is not a number from %" PRIu64 " to %" PRIu64, opt ? opt : "",
			opt ? ": " : "", word, it->lo, it->hi);
	else if (opt)
		err_set("%s: \"%s\" is not a number", opt, word);
	return -1;
}

/*
 * The next word of *cur into *word (ctx's), split as a shell would when
 * shell is set. Returns 1, 0 at the end, or -1 with err set.
 */
static int next_template_word(struct cmd_ctx *ctx, const char **cur, bool shell, char **word)
{
	const char *w;
	size_t len;
	int r;

	if (shell) {
		r = next_arg(cur, word);
		if (r > 0)
			ctx_keep(ctx, *word);
		return r;
	}
	len = next_word(cur, &w);
	if (!len)
		return 0;
	*word = ctx_keep(ctx, xstrndup(w, len));
	return 1;
}

int cmd_parse_args(const struct cmd_entry *e, const char *raw, struct cmd_ctx *ctx)
{
	struct tmpl_item items[CMD_MAX_ARGS];
	const struct tmpl_item *kw = NULL;
	size_t nitems, npos = 0, pos_idx[CMD_MAX_ARGS];
	size_t p = 0;
	bool options = false, shell = false;
	const char *cur = raw;

	if (parse_template(e->args, items, &nitems) < 0) {
		err_set("internal: bad argument template \"%s\"", e->args);
		return -1;
	}
	for (size_t i = 0; i < nitems; i++) {
		if (items[i].kind == K_KEYWORDS)
			kw = &items[i];
		else if (items[i].option)
			options = true;
		else
			pos_idx[npos++] = i;
		shell |= items[i].option || items[i].list;
	}
	memset(ctx->arg, 0, sizeof(ctx->arg));
	ctx->kw = 0;
	for (;;) {
		const char *before = cur;
		const struct tmpl_item *it = p < npos ? &items[pos_idx[p]] : NULL;
		const struct tmpl_item *opt;
		bool rest = it && it->kind == K_REST;
		struct cmd_arg *a;
		char *word;
		uint64_t on;
		int k, r;

		/* A rest is raw text: its first word is not unquoted to see if it is an option. */
		r = next_template_word(ctx, &cur, shell && !rest, &word);
		if (r < 0)
			return -1;
		if (!r)
			break;
		if (kw && !rest && (k = keyword_index(kw->keywords, word, strlen(word))) >= 0) {
			ctx->kw |= 1u << k;
			continue;
		}
		/* "-3" is a number ("bt -3"), never an option. */
		if (options && word[0] == '-' && !isdigit((unsigned char)word[1])) {
			opt = find_option(items, nitems, word, &on);
			if (opt && opt->kind == K_FLAG) {
				ctx->arg[opt->slot] =
					(struct cmd_arg){ .set = true, .s = word, .u = on };
				continue;
			}
			if (opt) {
				char *value;

				r = next_template_word(ctx, &cur, shell, &value);
				if (r == 0)
					err_set("option %s needs a value", word);
				if (r <= 0 ||
				    take_value(opt, word, value, &ctx->arg[opt->slot]) < 0)
					return -1;
				continue;
			}
			if (!rest) {
				unknown_option(items, nitems, word);
				return -1;
			}
		}
		if (!it) {
			err_set("too many arguments; usage: %s", e->usage);
			return -1;
		}
		a = &ctx->arg[it->slot];
		if (rest) {
			a->set = true;
			a->s = ctx_keep(ctx, trim_dup(before));
			p++;
			break;
		}
		if (it->list) {
			a->set = true;
			a->v = xrealloc(a->v, (a->n + 2) * sizeof(*a->v));
			a->v[a->n++] = word;
			a->v[a->n] = NULL;
			continue;
		}
		if (take_value(it, NULL, word, a) < 0)
			return -1;
		p++;
	}
	for (size_t i = p; i < npos; i++) {
		const struct tmpl_item *it = &items[pos_idx[i]];

		if (!it->optional && !ctx->arg[it->slot].set) {
			err_set("missing %s; usage: %s", it->name, e->usage);
			return -1;
		}
	}
	return 0;
}

/*
 * User commands: $argc and $arg0..$arg9 are replaced by the arguments given.
 * Returns NULL with err set when the line uses an argument that was not
 * given (gdb's "Missing argument 1 in user function").
 */
static char *substitute_args(const char *line, char **argv, int argc)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = line; *p;) {
		if (strncmp(p, "$argc", 5) == 0) {
			sb_addf(&sb, "%d", argc);
			p += 5;
		} else if (strncmp(p, "$arg", 4) == 0 && isdigit((unsigned char)p[4])) {
			int i = p[4] - '0';

			if (i >= argc) {
				err_set("missing argument %d (the command was given %d)", i, argc);
				sb_free(&sb);
				return NULL;
			}
			sb_add(&sb, argv[i]);
			p += 5;
		} else {
			sb_addc(&sb, *p++);
		}
	}
	return sb_detach(&sb);
}

static int run_user_cmd(struct session *s, struct user_cmd *u, const char *raw)
{
	char *argv[10];
	int argc = 0, ret = 0;
	const char *p = raw;
	const char *w;
	size_t len;

	if (s->depth >= MAX_DEPTH) {
		err_set("commands nested more than %d deep", MAX_DEPTH);
		out_error(s->out, u->name, err_get());
		return -1;
	}
	while (argc < 10 && (len = next_word(&p, &w)) > 0)
		argv[argc++] = xstrndup(w, len);
	s->depth++;
	for (size_t i = 0; i < u->nlines && !s->quit; i++) {
		char *line = substitute_args(u->lines[i], argv, argc);

		if (!line) {
			out_error(s->out, u->name, err_get());
			ret = -1;
			break;
		}
		ret = cmd_execute(s, line, NULL);
		free(line);
		/* As in gdb, a failing line ends the user command. */
		if (ret < 0)
			break;
	}
	s->depth--;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}

/* A user command by exact name or unique prefix, when no built-in matched. */
static struct user_cmd *find_user_cmd(struct session *s, const char *name)
{
	struct user_cmd *match = NULL;
	size_t n = 0;

	for (struct user_cmd *u = s->user_cmds; u; u = u->next) {
		if (strcmp(u->name, name) == 0)
			return u;
		if (has_prefix(u->name, name)) {
			match = u;
			n++;
		}
	}
	return n == 1 ? match : NULL;
}

void cmd_show_display(struct session *s, const struct display *d)
{
	struct strbuf spec = STRBUF_INIT;
	struct rec *rec;

	if (!d->x_format) {
		report_display(s, display_value(s, d));
		return;
	}
	/* gdb's header: x/i $pc, x/4xw &arr (a count of 1 and the unit of i and s unsaid). */
	if (d->x_count != 1)
		sb_addf(&spec, "%u", d->x_count);
	sb_addc(&spec, d->x_format);
	if (d->x_format != 'i' && d->x_format != 's')
		sb_addc(&spec, fmt_unit_letter(d->x_unit));
	rec = rec_obj();
	rec_set_int(rec, "number", d->num);
	rec_set_str(rec, "expr", d->expr);
	rec_set_str(rec, "examine", sb_str(&spec));
	if (d->x_count == 1 && d->x_format != 'i')
		rec_set_bool(rec, "inline", true);
	report_display(s, rec);
	/* As a value display's error, and gdb's: in its place, the display stays. */
	if (cmd_data_examine(s, sb_str(&spec), d->expr) < 0) {
		if (out_is_json(s->out))
			out_error(s->out, "display", err_get());
		else
			out_printf(s->out, "<error: %s>\n", err_get());
		err_clear();
	}
	sb_free(&spec);
}

void cmd_show_displays(struct session *s)
{
	if (!display_shown(s))
		return;
	for (size_t i = 0; i < s->ndisplays; i++)
		cmd_show_display(s, &s->displays[i]);
}

void cmd_show_stop(struct session *s, const char *cmd, const struct stop *st)
{
	enum stop_reason r = st->ev.reason;

	if (st->silent)
		return;
	report_stop(s, cmd, &st->ev, st->brk);
	if (r != STOP_EXITED && r != STOP_KILLED && r != STOP_TERMINATE)
		cmd_show_displays(s);
}

void cmd_report_stop(struct session *s, const char *cmd, const struct stop_event *ev, int brk)
{
	struct stop st;

	stop_apply(s, ev, brk, &st);
	cmd_show_stop(s, cmd, &st);
}

bool cmd_handle_stop(struct session *s, const char *cmd, const struct stop_event *ev)
{
	struct stop st;

	if (stop_handle(s, ev, &st))
		return true;
	cmd_show_stop(s, cmd, &st);
	return false;
}

int cmd_resume(struct session *s, const char *cmd,
	       int (*resume)(struct target *t, struct stop_event *ev))
{
	struct stop st;

	if (stop_resume(s, resume, &st) < 0)
		return -1;
	cmd_show_stop(s, cmd, &st);
	return 0;
}

/* Report what happened to the process while the prompt was idle. */
static void sync_target(struct session *s)
{
	struct stop_event ev;
	struct stop st;

	if (target_running(s->target)) {
		if (stop_poll_background(s, &st))
			cmd_show_stop(s, "continue", &st);
		return;
	}
	if (target_sync(s->target, &ev) == 1)
		cmd_handle_stop(s, "event", &ev);
}

/*
 * Run the commands of the breakpoint that stopped the program last (stop.c
 * queued them), once the command that resumed it has finished. A command
 * among them that resumes the program ends that list; the next stop may
 * queue another.
 */
static void run_breakpoint_commands(struct session *s)
{
	static bool running;

	/* Commands that resume the program come back here; the outer loop goes on. */
	if (running)
		return;
	running = true;
	while (s->nbrk_cmds && !s->quit) {
		char **cmds = s->brk_cmds;
		size_t n = s->nbrk_cmds;
		unsigned epoch = target_epoch(s->target);

		s->brk_cmds = NULL;
		s->nbrk_cmds = 0;
		for (size_t i = 0; i < n; i++) {
			/* After a command resumed the program, the rest of the list is stale. */
			if (target_epoch(s->target) == epoch && !s->quit)
				cmd_execute(s, cmds[i], NULL);
			free(cmds[i]);
		}
		free(cmds);
	}
	running = false;
}

static int check_preconditions(struct session *s, const struct cmd_entry *e)
{
	bool needs = e->flags & (CMD_NEED_PROCESS | CMD_NEED_STOPPED);

	if (target_core(s->target) &&
	    ((e->flags & CMD_LIVE_ONLY) || (needs && !(e->flags & CMD_CORE_OK)))) {
		err_set("the core file is not a running process");
		return -1;
	}
	if (!needs)
		return 0;
	if (!target_live(s->target)) {
		err_set("the program is not being run");
		return -1;
	}
	if ((e->flags & CMD_NEED_STOPPED) && target_running(s->target)) {
		err_set("the program is running; use \"interrupt\" first");
		return -1;
	}
	return 0;
}

static void list_subcommands(struct session *s, const char *name, const struct cmd_entry *e)
{
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, "commands");

	rec_set_str(rec, "topic", name);
	for (const struct cmd_entry *const *sub = e->sub; *sub; sub++) {
		struct rec *c = rec_push_obj(arr);

		rec_set_strf(c, "name", "%s %s", name, (*sub)->name);
		rec_set_str(c, "usage", (*sub)->usage);
		rec_set_str(c, "summary", (*sub)->summary);
	}
	out_emit(s->out, "help", rec, report_render_help);
}

static int dispatch(struct session *s, const char *text, struct line_source *src)
{
	const struct cmd_entry *const *table = cmd_all();
	const struct cmd_entry *e;
	struct cmd_ctx ctx;
	struct strbuf name = STRBUF_INIT;
	char word[64], fmt[32];
	const char *p = text;
	size_t wl = 0;
	int ret = -1;

	fmt[0] = '\0';
	while (p[wl] && !isspace((unsigned char)p[wl]) && p[wl] != '/' && wl + 1 < sizeof(word))
		wl++;
	memcpy(word, p, wl);
	word[wl] = '\0';
	p += wl;
	if (*p == '/') {
		size_t fl = strcspn(p + 1, " \t");

		if (fl >= sizeof(fmt)) {
			err_set("\"%.*s\" is too long a format", (int)fl, p + 1);
			goto fail_named;
		}
		memcpy(fmt, p + 1, fl);
		fmt[fl] = '\0';
		p += 1 + fl;
	}
	/* A plugin's command by its exact name (registration keeps it off built-in names). */
	if (plugin_find_command(s, word)) {
		const struct plugin_command *pc = plugin_find_command(s, word);
		char label[128];

		ret = plugin_run_command(s, pc, word, skip_ws(p));
		if (ret == 0)
			return 0;
		if (ret == -2)
			return -1; /* the command line it ran said why */
		/* JSON names the subcommand as the records do; text keeps "py: ..." messages. */
		plugin_command_label(pc, word, skip_ws(p), label, sizeof(label));
		out_error(s->out, s->json ? label : word, err_get());
		return -1;
	}
	e = cmd_lookup(table, word, "command");
	if (!e) {
		struct user_cmd *u = find_user_cmd(s, word);

		if (u) {
			err_clear();
			/* A failing line has reported itself already. */
			return run_user_cmd(s, u, p);
		}
		goto fail_named;
	}
	sb_add(&name, e->name);
	/* Descend into subcommands: "info proc mappings". */
	while (e->sub) {
		const char *q = p;
		const char *w;
		size_t len = next_word(&q, &w);
		char sw[64];
		const struct cmd_entry *sub;

		if (!len || len >= sizeof(sw))
			break;
		memcpy(sw, w, len);
		sw[len] = '\0';
		sub = cmd_lookup(e->sub, sw, "subcommand");
		if (!sub) {
			if (e->handler) {
				err_clear();
				break;
			}
			goto fail;
		}
		e = sub;
		p = q;
		sb_addf(&name, " %s", e->name);
	}
	if (!e->handler) {
		if (*skip_ws(p)) {
			err_set("unknown subcommand \"%s\"", skip_ws(p));
			goto fail;
		}
		list_subcommands(s, sb_str(&name), e);
		sb_free(&name);
		return 0;
	}
	/* gdb takes "p /x v" as "p/x v": no expression or address starts with '/'. */
	if (!fmt[0] && (e->flags & CMD_FMT) && *skip_ws(p) == '/') {
		const char *f = skip_ws(p) + 1;
		size_t fl = strcspn(f, " \t");

		if (fl >= sizeof(fmt)) {
			err_set("\"%.*s\" is too long a format", (int)fl, f);
			goto fail;
		}
		memcpy(fmt, f, fl);
		fmt[fl] = '\0';
		p = f + fl;
	}
	if (fmt[0] && !(e->flags & CMD_FMT)) {
		err_set("takes no /FORMAT");
		goto fail;
	}
	if (check_preconditions(s, e) < 0)
		goto fail;
	memset(&ctx, 0, sizeof(ctx));
	ctx.s = s;
	ctx.entry = e;
	ctx.name = sb_str(&name);
	ctx.fmt = fmt[0] ? fmt : NULL;
	ctx.raw = skip_ws(p);
	ctx.src = src;
	ctx.repeated = s->repeating;
	if (cmd_parse_args(e, ctx.raw, &ctx) < 0) {
		cmd_ctx_release(&ctx);
		goto fail;
	}
	LOG(LOG_CMD, "run %s [%s]", ctx.name, ctx.raw);
	err_clear();
	ret = e->handler(&ctx);
	/* A command whose output was cut short says "Quit" (cmd_execute), not why it stopped. */
	if (ret == -1 && !out_cut(s->out))
		out_error(s->out, ctx.name, err_get());
	cmd_ctx_release(&ctx);
	sb_free(&name);
	return ret < 0 ? -1 : 0;
fail:
	out_error(s->out, sb_str(&name), err_get());
	sb_free(&name);
	return -1;
fail_named:
	/* Text says "unknown command "x"" alone; JSON still names what was typed. */
	out_error(s->out, s->json ? word : "", err_get());
	return -1;
}

/*
 * The output of the command was cut short (Ctrl-C, "q" at the pager, a
 * closed pipe): it fails with gdb's "Quit". Ctrl-C in batch mode and a
 * reader that went away end the session as the signals would. Returns
 * whether the command counts as failed.
 */
static bool end_cut_command(struct session *s)
{
	enum out_cut cut = out_cut(s->out);

	if (cut == OUT_CUT_PIPE || (cut == OUT_CUT_INTERRUPT && s->batch)) {
		if (!s->quit) {
			s->quit = true;
			s->quit_status = 128 + (cut == OUT_CUT_PIPE ? SIGPIPE : SIGINT);
		}
	}
	if (cut != OUT_CUT_PIPE)
		out_error(s->out, "", "Quit");
	out_command_begin(s->out);
	return cut != OUT_CUT_PIPE;
}

int cmd_execute(struct session *s, const char *line, struct line_source *src)
{
	static int nesting;
	bool outer = nesting == 0;
	const char *text = skip_ws(line);
	char *copy;
	int ret;

	unsigned ev;
	int term;

	if (!*text || *text == '#')
		return 0;
	/* A termination request (or Ctrl-C in batch mode) that came while lurk
	 * was busy between waits ends the session before the next command. */
	ev = sig_poll();
	term = sig_terminate_signal();
	if (term || (s->batch && (ev & SIGEV_INTERRUPT))) {
		if (!s->quit) {
			s->quit = true;
			s->quit_status = 128 + (term ? term : SIGINT);
		}
		return 0;
	}
	/* A command whose output was cut short ends the commands that called it too. */
	if (outer)
		out_command_begin(s->out);
	else if (out_cut(s->out))
		return -1;
	nesting++;
	sync_target(s);
	copy = trim_dup(text);
	ret = dispatch(s, copy, src);
	free(copy);
	nesting--;
	if (outer && out_cut(s->out) && end_cut_command(s))
		ret = -1;
	if (ret < 0)
		s->failures++;
	run_breakpoint_commands(s);
	return ret;
}

bool cmd_repeatable(const char *line)
{
	char word[64];
	const char *p = skip_ws(line);
	size_t n = 0;
	const struct cmd_entry *e;

	while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '/' && n + 1 < sizeof(word))
		n++;
	memcpy(word, p, n);
	word[n] = '\0';
	e = n ? cmd_lookup(cmd_all(), word, "command") : NULL;
	err_clear();
	return e && (e->flags & CMD_REPEAT);
}

int cmd_execute_source(struct session *s, struct line_source *src)
{
	int failed = 0;
	char *line;

	while (!s->quit && (line = src->next(src, NULL))) {
		if (cmd_execute(s, line, src) < 0) {
			failed++;
			if (s->stop_on_error) {
				free(line);
				break;
			}
		}
		free(line);
	}
	return failed;
}

static void complete_table(const struct cmd_entry *const *table, const char *prefix,
			   void (*fn)(const char *cand, void *arg), void *arg)
{
	size_t len = strlen(prefix);

	for (const struct cmd_entry *const *e = table; *e; e++)
		if (strncmp((*e)->name, prefix, len) == 0)
			fn((*e)->name, arg);
}

/* Candidates for the word being typed (cur) after the command e ("" words typed: e NULL). */
static void complete_word(struct session *s, const struct cmd_entry *e, const char *cur,
			  void (*fn)(const char *cand, void *arg), void *arg)
{
	if (!e) {
		complete_table(cmd_all(), cur, fn, arg);
		for (struct user_cmd *u = s->user_cmds; u; u = u->next)
			if (has_prefix(u->name, cur))
				fn(u->name, arg);
		for (size_t i = 0; i < s->plugins->ncommands; i++)
			if (has_prefix(s->plugins->commands[i].d.name, cur))
				fn(s->plugins->commands[i].d.name, arg);
	} else if (e->sub) {
		complete_table(e->sub, cur, fn, arg);
	} else if (!strcmp(e->name, "set") || !strcmp(e->name, "show")) {
		size_t n;
		const struct setting *st = session_settings(&n);

		for (size_t i = 0; i < n; i++)
			if (has_prefix(st[i].name, cur))
				fn(st[i].name, arg);
	} else if (!strcmp(e->name, "help")) {
		complete_table(cmd_all(), cur, fn, arg);
	} else if ((e->flags & CMD_SYMBOLS) && target_live(s->target) &&
		   !target_running(s->target)) {
		struct sym *sym = target_sym(s->target);
		const char *pre = cur[0] == '&' ? cur + 1 : cur;

		if (sym && *pre)
			sym_complete(sym, pre, fn, arg);
	}
}

void cmd_complete(struct session *s, const char *line, void (*fn)(const char *cand, void *arg),
		  void *arg)
{
	const struct cmd_entry *e = NULL;
	const char *words[16];
	size_t lens[16], n = 0, typed;
	const char *p = line, *w;
	size_t len, llen = strlen(line);
	char word[128], cur[128];

	while (n < 16 && (len = next_word(&p, &w)) > 0) {
		words[n] = w;
		lens[n++] = len;
	}
	/* The last word is still being typed unless the line ends in a space. */
	typed = llen && !isspace((unsigned char)line[llen - 1]) && n ? n - 1 : n;
	/* A plugin's command completes its own arguments. */
	if (typed > 0 && lens[0] < sizeof(word)) {
		const struct plugin_command *pc;

		memcpy(word, words[0], lens[0]);
		word[lens[0]] = '\0';
		pc = plugin_find_command(s, word);
		if (pc) {
			cur[0] = '\0';
			if (typed < n && lens[n - 1] < sizeof(cur)) {
				memcpy(cur, words[n - 1], lens[n - 1]);
				cur[lens[n - 1]] = '\0';
			}
			plugin_complete_command(s, pc, cur, fn, arg);
			return;
		}
	}
	for (size_t i = 0; i < typed; i++) {
		const struct cmd_entry *next;

		if (lens[i] >= sizeof(word))
			return;
		memcpy(word, words[i], lens[i]);
		word[lens[i]] = '\0';
		word[strcspn(word, "/")] = '\0';
		if (e && !e->sub)
			break; /* past the subcommands: an argument */
		next = cmd_lookup(e ? e->sub : cmd_all(), word, "command");
		err_clear();
		if (!next) {
			if (!e || !e->handler)
				return;
			break;
		}
		e = next;
	}
	cur[0] = '\0';
	if (typed < n && lens[n - 1] < sizeof(cur)) {
		memcpy(cur, words[n - 1], lens[n - 1]);
		cur[lens[n - 1]] = '\0';
	}
	complete_word(s, e, cur, fn, arg);
}

static bool opens_block(const char *line)
{
	static const char *const openers[] = { "define", "commands", "document", "while", "if" };
	const char *p = line;
	const char *w;
	size_t len = next_word(&p, &w);

	for (size_t i = 0; i < ARRAY_SIZE(openers); i++)
		if (len == strlen(openers[i]) && strncmp(w, openers[i], len) == 0)
			return true;
	return false;
}

int cmd_read_body(struct cmd_ctx *ctx, const char *what, char ***lines_out, size_t *n_out)
{
	char **lines = NULL;
	size_t n = 0, cap = 0;
	int depth = 1;
	char *line;

	if (!ctx->src) {
		err_set("the body of \"%s\" must follow on the next lines (in a command file or "
			"at the prompt), ended by \"end\"",
			what);
		return -1;
	}
	while ((line = ctx->src->next(ctx->src, ">"))) {
		char *t = trim_dup(line);

		free(line);
		if (!strcmp(t, "end") && --depth == 0) {
			free(t);
			break;
		}
		if (opens_block(t))
			depth++;
		VEC_GROW(lines, n, cap);
		lines[n++] = t;
	}
	if (depth) {
		for (size_t i = 0; i < n; i++)
			free(lines[i]);
		free(lines);
		err_set("\"%s\" has no \"end\"", what);
		return -1;
	}
	*lines_out = lines;
	*n_out = n;
	return 0;
}
