/* session.c - one lurk session's state, its settings table, and who hears of what happens */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "err.h"
#include "frame-args.h"
#include "rec.h"
#include "session.h"
#include "target.h"
#include "util.h"
#include "value.h"

struct session *session_new(struct out *out, struct target *target)
{
	struct session *s = xcalloc(1, sizeof(*s));

	s->out = out;
	s->target = target;
	s->x_format = 'x';
	s->confirm = true;
	s->pagination = true;
	s->height = -1;
	s->x_unit = 4;
	s->x_count = 1;
	s->disable_randomization = true;
	s->color = true;
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	free(s->plugins);
	while (s->user_cmds) {
		struct user_cmd *u = s->user_cmds;

		s->user_cmds = u->next;
		for (size_t i = 0; i < u->nlines; i++)
			free(u->lines[i]);
		free(u->lines);
		free(u->name);
		free(u);
	}
	session_announce(s, SESSION_END);
	free(s->listeners);
	free(s->list_file);
	free(s->watch_old);
	free(s->watch_new);
	free(s->watch_note);
	for (size_t i = 0; i < s->nbrk_cmds; i++)
		free(s->brk_cmds[i]);
	free(s->brk_cmds);
	free(s->prog);
	free(s->args);
	free(s->sysroot);
	free(s);
}

void session_subscribe(struct session *s, session_listener_fn fn)
{
	VEC_GROW(s->listeners, s->nlisteners, s->listeners_cap);
	s->listeners[s->nlisteners++] = fn;
}

void session_announce(struct session *s, enum session_event ev)
{
	if (ev == SESSION_GONE || ev == SESSION_END) {
		for (size_t i = s->nlisteners; i-- > 0;)
			s->listeners[i](s, ev);
		return;
	}
	for (size_t i = 0; i < s->nlisteners; i++)
		s->listeners[i](s, ev);
}

void session_warn(struct session *s, const char *cmd, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	struct session_news n = { NEWS_WARNING, cmd, NULL, NULL };
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	n.msg = sb_str(&msg);
	if (s->tell)
		s->tell(s, &n);
	sb_free(&msg);
}

void session_tell_as(struct session *s, enum session_news_kind kind, const char *cmd,
		     const char *text, struct rec *rec)
{
	struct session_news n = { kind, cmd, text, rec };

	if (s->tell)
		s->tell(s, &n);
	else
		rec_free(rec);
}

void session_tell(struct session *s, enum session_news_kind kind, struct rec *rec)
{
	session_tell_as(s, kind, "event", NULL, rec);
}

static const struct setting settings[] = {
	{ "output", SET_ENUM, "human|json",
	  "how results are printed: for people, or as JSON lines" },
	{ "stop-on-error", SET_BOOL, NULL, "in a command file, stop at the first failing command" },
	{ "allow-shell", SET_BOOL, NULL, "let \"shell\" run commands in --batch mode and scripts" },
	{ "disable-randomization", SET_BOOL, NULL,
	  "launch programs with address space randomization off (stable addresses)" },
	{ "color", SET_BOOL, NULL, "colour on a terminal (never when NO_COLOR is set)" },
	{ "args", SET_STRING, NULL, "arguments given to the program by run and start" },
	{ "sysroot", SET_STRING, NULL,
	  "directory a core file's mapped files are found under (a copy of the machine it "
	  "came from); used by the next core-file" },
	{ "disassembly-flavor", SET_ENUM, "att|intel",
	  "instruction syntax of disassemble and x/i: AT&T (gdb's default) or Intel" },
	{ "can-use-hw-watchpoints", SET_ENUM, "0|1",
	  "1: watchpoints use debug registers where they fire; 0: always software watchpoints" },
	{ "call-timeout", SET_STRING, NULL,
	  "seconds a function called in an expression may run before it is abandoned "
	  "(unlimited or 0: no limit)" },
	{ "confirm", SET_BOOL, NULL,
	  "kill and run ask \"(y or n)\" first at a terminal (never in --batch or scripts)" },
	{ "pagination", SET_BOOL, NULL,
	  "stop every screenful of output at a terminal (never in --batch or JSON mode)" },
	{ "height", SET_STRING, NULL,
	  "lines of a page for pagination (unlimited or 0: no paging; default: the terminal's)" },
	{ "breakpoint condition-evaluation", SET_ENUM, "auto|host|target",
	  "where breakpoint conditions are judged: in the program by lurk's agent where the "
	  "condition can be compiled (auto, target), or by lurk at every hit (host)" },
	{ "print elements", SET_UINT, NULL,
	  "array elements and string characters print shows (0 or unlimited: all)" },
	{ "print repeats", SET_UINT, NULL,
	  "more equal elements in a row than this print once, <repeats N times>" },
	{ "print null-stop", SET_BOOL, NULL, "a char array prints up to its first NUL" },
	{ "print array-indexes", SET_BOOL, NULL, "print shows [i] = before each array element" },
	{ "print pretty", SET_BOOL, NULL, "print shows a struct one member a line" },
	{ "print frame-arguments", SET_ENUM, FRAME_ARGS_MODES,
	  "arguments in frame lines: all, scalars (\"...\" for aggregates), none (\"...\" "
	  "for each), presence (\"...\" for the list)" },
};

const struct setting *session_settings(size_t *n)
{
	*n = ARRAY_SIZE(settings);
	return settings;
}

static const struct setting *find_setting(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	err_set("no setting \"%s\" (see \"show\")", name);
	return NULL;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true") ||
	    !strcmp(v, "enable")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false") ||
	    !strcmp(v, "disable")) {
		*out = false;
		return 0;
	}
	err_set("\"%s\" is not on or off", v);
	return -1;
}

static bool *bool_slot(struct session *s, const char *name)
{
	static bool ignored;

	if (!strcmp(name, "stop-on-error"))
		return &s->stop_on_error;
	if (!strcmp(name, "allow-shell"))
		return &s->allow_shell;
	if (!strcmp(name, "disable-randomization"))
		return &s->disable_randomization;
	if (!strcmp(name, "color"))
		return &s->color;
	if (!strcmp(name, "confirm"))
		return &s->confirm;
	if (!strcmp(name, "pagination"))
		return &s->pagination;
	return &ignored;
}

/* Where value stands in st's "a|b|c" list, or -1 with err set. */
static int enum_index(const struct setting *st, const char *value)
{
	struct strbuf list = STRBUF_INIT;
	const char *p = st->values;
	int k = 0;

	while (*p) {
		size_t n = strcspn(p, "|");

		if (strlen(value) == n && !strncmp(p, value, n)) {
			sb_free(&list);
			return k;
		}
		sb_addf(&list, "%s%.*s", k ? ", " : "", (int)n, p);
		p += n + (p[n] == '|');
		k++;
	}
	err_set("\"%s\" is not one of %s", value, sb_str(&list));
	sb_free(&list);
	return -1;
}

/* A "print" setting: gdb's, kept by the value printer itself. */
static int set_print(const char *name, const char *value)
{
	struct value_print_opts o = *value_print_opts();
	uint64_t n = 0;
	bool b;

	if (!strcmp(name, "print elements") || !strcmp(name, "print repeats")) {
		if (strcmp(value, "unlimited") && (parse_u64(value, &n) < 0 || n > UINT32_MAX)) {
			err_set("\"%s\" is not a number or unlimited", value);
			return -1;
		}
		if (!strcmp(name, "print elements"))
			o.elements = (unsigned)n;
		else
			o.repeats = (unsigned)n;
	} else {
		if (parse_bool(value[0] ? value : "on", &b) < 0)
			return -1;
		if (!strcmp(name, "print null-stop"))
			o.null_stop = b;
		else if (!strcmp(name, "print array-indexes"))
			o.array_indexes = b;
		else
			o.pretty = b;
	}
	value_set_print_opts(&o);
	return 0;
}

static char *show_print(const char *name)
{
	const struct value_print_opts *o = value_print_opts();
	unsigned n;

	if (!strcmp(name, "print elements") || !strcmp(name, "print repeats")) {
		n = !strcmp(name, "print elements") ? o->elements : o->repeats;
		return n ? xasprintf("%u", n) : xstrdup("unlimited");
	}
	if (!strcmp(name, "print null-stop"))
		return xstrdup(o->null_stop ? "on" : "off");
	if (!strcmp(name, "print array-indexes"))
		return xstrdup(o->array_indexes ? "on" : "off");
	return xstrdup(o->pretty ? "on" : "off");
}

int session_set(struct session *s, const char *name, const char *value)
{
	const struct setting *st = find_setting(name);
	bool b;

	if (!st)
		return -1;
	/* Not the value printer's: it is how frame lines show a function's arguments. */
	if (!strcmp(name, "print frame-arguments")) {
		int mode = frame_args_mode_parse(value);

		if (mode < 0)
			return -1;
		s->frame_args = mode;
		return 0;
	}
	if (!strncmp(name, "print ", 6))
		return set_print(name, value);
	if (st->kind == SET_BOOL) {
		/* "set confirm" alone means on, as in gdb. */
		if (parse_bool(value[0] ? value : "on", &b) < 0)
			return -1;
		*bool_slot(s, name) = b;
		return 0;
	}
	if (st->kind == SET_ENUM) {
		int k = enum_index(st, value);

		if (k < 0)
			return -1;
		/* The second of each pair of values: json, intel, 1. */
		if (!strcmp(name, "output")) {
			s->json = k == 1;
		} else if (!strcmp(name, "disassembly-flavor")) {
			s->intel_syntax = k == 1;
		} else if (!strcmp(name, "can-use-hw-watchpoints")) {
			s->no_hw_watch = k == 0;
		} else if (!strcmp(name, "breakpoint condition-evaluation")) {
			s->cond_on_host = k == 1;
		}
		return 0;
	}
	if (!strcmp(name, "args")) {
		free(s->args);
		s->args = xstrdup(value);
		return 0;
	}
	if (!strcmp(name, "sysroot")) {
		free(s->sysroot);
		/* "set sysroot" alone, or "/", means this machine's own files. */
		s->sysroot = *value && strcmp(value, "/") ? xstrdup(value) : NULL;
		return 0;
	}
	if (!strcmp(name, "height")) {
		uint64_t n = 0;

		if (strcmp(value, "unlimited") && (parse_u64(value, &n) < 0 || n > 100000)) {
			err_set("\"%s\" is not a number of lines (0 to 100000) or unlimited",
				value);
			return -1;
		}
		s->height = (int)n;
		return 0;
	}
	if (!strcmp(name, "call-timeout")) {
		char *end;
		double secs = strtod(value, &end);

		if (!strcmp(value, "unlimited")) {
			secs = 0;
		} else if (!*value || *end || secs < 0 || secs > 86400) {
			err_set("\"%s\" is not a number of seconds (0 to 86400) or unlimited",
				value);
			return -1;
		}
		value_set_call_timeout((int)(secs * 1000));
		return 0;
	}
	err_set("setting \"%s\" cannot be changed", name);
	return -1;
}

char *session_show(struct session *s, const char *name)
{
	const struct setting *st = find_setting(name);

	if (!st)
		return NULL;
	if (!strcmp(name, "print frame-arguments"))
		return xstrdup(frame_args_mode_name(s->frame_args));
	if (!strncmp(name, "print ", 6))
		return show_print(name);
	if (st->kind == SET_BOOL) {
		return xstrdup(*bool_slot(s, name) ? "on" : "off");
	}
	if (!strcmp(name, "output"))
		return xstrdup(s->json ? "json" : "human");
	if (!strcmp(name, "args"))
		return xstrdup(s->args ? s->args : "");
	if (!strcmp(name, "sysroot"))
		return xstrdup(s->sysroot ? s->sysroot : "");
	if (!strcmp(name, "height")) {
		struct winsize ws;
		unsigned rows = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_row : 0;

		if (s->height < 0)
			return rows ? xasprintf("%u (the terminal's)", rows)
				    : xstrdup("unlimited (no terminal size)");
		return s->height ? xasprintf("%d", s->height) : xstrdup("unlimited");
	}
	if (!strcmp(name, "call-timeout"))
		return value_call_timeout() > 0 ? xasprintf("%g", value_call_timeout() / 1000.0)
						: xstrdup("unlimited");
	if (!strcmp(name, "can-use-hw-watchpoints")) {
		char why[200];
		bool works = target_hw_works(why, sizeof(why));

		if (s->no_hw_watch)
			return xasprintf("0 (software watchpoints: set by the user; %s)", why);
		return xasprintf("1 (%s: %s)",
				 works ? "hardware watchpoints" : "software watchpoints", why);
	}
	if (!strcmp(name, "disassembly-flavor"))
		return xstrdup(s->intel_syntax ? "intel" : "att");
	if (!strcmp(name, "breakpoint condition-evaluation"))
		return xstrdup(s->cond_on_host ? "host" : "auto");
	return xstrdup("");
}

struct user_cmd *session_user_cmd(struct session *s, const char *name)
{
	for (struct user_cmd *u = s->user_cmds; u; u = u->next)
		if (strcmp(u->name, name) == 0)
			return u;
	return NULL;
}

void session_define(struct session *s, const char *name, char **lines, size_t nlines)
{
	struct user_cmd *u = session_user_cmd(s, name);

	if (u) {
		for (size_t i = 0; i < u->nlines; i++)
			free(u->lines[i]);
		free(u->lines);
	} else {
		u = xcalloc(1, sizeof(*u));
		u->name = xstrdup(name);
		u->next = s->user_cmds;
		s->user_cmds = u;
	}
	u->lines = lines;
	u->nlines = nlines;
}
