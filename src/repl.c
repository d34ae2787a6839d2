/* repl.c - the interactive prompt on libedit: history, completion, Ctrl-C, empty-line repeat */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "cmd.h"
#include "err.h"
#include "out.h"
#include "repl.h"
#include "report.h"
#include "session.h"
#include "stop.h"
#include "sig.h"
#include "target.h"
#include "util.h"

#define HISTORY_SIZE 2000

/* The library the header describes: libedit 2 is libedit.so.2. */
#define STR_(x)	       #x
#define STR(x)	       STR_(x)
#define LIBEDIT_SONAME "libedit.so." STR(LIBEDIT_MAJOR)

/*
 * libedit is loaded when a terminal prompt opens, not linked: with the
 * three libraries it needs it is some 30 page faults and 0.6 MB at every
 * start of lurk, and scripts, --batch and -ex runs never prompt.
 */
static struct {
	bool tried, loaded;
	EditLine *(*init)(const char *prog, FILE *in, FILE *out, FILE *err);
	void (*end)(EditLine *el);
	const char *(*gets)(EditLine *el, int *count);
	int (*set)(EditLine *el, int op, ...);
	int (*wset)(EditLine *el, int op, ...);
	const LineInfo *(*line)(EditLine *el);
	int (*insertstr)(EditLine *el, const char *str);
	void (*reset)(EditLine *el);
	int (*source)(EditLine *el, const char *file);
	History *(*history_init)(void);
	void (*history_end)(History *h);
	int (*history)(History *h, HistEvent *ev, int op, ...);
} ed;

#define LOAD(field, name)                                              \
	do {                                                           \
		*(void **)&ed.field = dlsym(lib, name);                \
		if (!ed.field) {                                       \
			err_set("%s has no %s", LIBEDIT_SONAME, name); \
			return false;                                  \
		}                                                      \
	} while (0)

static bool load_libedit(void)
{
	void *lib;

	if (ed.tried)
		return ed.loaded;
	ed.tried = true;
	lib = dlopen(LIBEDIT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		err_set("cannot load the line editor: %s (Debian: apt-get install libedit2)",
			dlerror());
		return false;
	}
	LOAD(init, "el_init");
	LOAD(end, "el_end");
	LOAD(gets, "el_gets");
	LOAD(set, "el_set");
	LOAD(wset, "el_wset");
	LOAD(line, "el_line");
	LOAD(insertstr, "el_insertstr");
	LOAD(reset, "el_reset");
	LOAD(source, "el_source");
	LOAD(history_init, "history_init");
	LOAD(history_end, "history_end");
	LOAD(history, "history");
	ed.loaded = true;
	return true;
}

struct repl {
	struct line_source base;
	struct session *s;
	EditLine *el;
	History *hist;
	char *history_path;
	const char *prompt;
	bool interrupted; /* Ctrl-C at the prompt */
	bool terminated;  /* SIGTERM & co */
	bool eof;
	struct termios saved_tty; /* the terminal's modes before lurk, put back at the end */
	bool tty_saved;
	/* plain reader for a stdin that is not a terminal */
	struct strbuf pending;
};

static struct repl *the_repl; /* libedit callbacks carry no user pointer of ours */

static char *prompt_fn(EditLine *el)
{
	(void)el;
	return (char *)the_repl->prompt;
}

/* A stop of a program running in the background, reported while the prompt waits. */
static void report_background_stop(struct repl *r)
{
	struct stop st;

	/* The report starts on a line of its own, below the prompt being typed on. */
	out_capture_begin(r->s->out);
	if (stop_poll_background(r->s, &st)) {
		char *text;

		cmd_show_stop(r->s, "continue", &st);
		text = out_capture_end(r->s->out);

		fputc('\n', stdout);
		fputs(text, stdout);
		free(text);
		if (r->el)
			ed.set(r->el, EL_REFRESH);
	} else {
		free(out_capture_end(r->s->out));
	}
}

/*
 * lurk's own key reader: waits for stdin and lurk's signals together, so a
 * SIGTERM at the prompt leaves at once and Ctrl-C clears the line instead
 * of killing anything.
 */
static int getc_fn(EditLine *el, wchar_t *wc)
{
	struct repl *r = the_repl;
	mbstate_t st;
	char buf[MB_LEN_MAX];
	size_t n = 0;

	(void)el;
	memset(&st, 0, sizeof(st));
	for (;;) {
		/* A memory watchpoint is sampled while the prompt waits (see target_poll). */
		unsigned ev = sig_wait(STDIN_FILENO, target_poll_timeout(r->s->target));
		ssize_t got;
		size_t conv;

		if (ev & SIGEV_TERMINATE) {
			r->terminated = true;
			return -1;
		}
		if (ev & SIGEV_INTERRUPT) {
			r->interrupted = true;
			return -1;
		}
		if (ev & (SIGEV_CHILD | SIGEV_TIMEOUT))
			report_background_stop(r);
		if (!(ev & SIGEV_INPUT))
			continue;
		got = read(STDIN_FILENO, buf + n, 1);
		if (got == 0)
			return 0;
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		n++;
		conv = mbrtowc(wc, buf, n, &st);
		if (conv == (size_t)-2 && n < sizeof(buf))
			continue; /* a multibyte character needs more bytes */
		if (conv == (size_t)-1 || conv == (size_t)-2) {
			*wc = (wchar_t)(unsigned char)buf[0];
			memset(&st, 0, sizeof(st));
		}
		return 1;
	}
}

struct candidates {
	char **v;
	size_t n, cap;
};

static void add_candidate(const char *cand, void *arg)
{
	struct candidates *c = arg;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], cand))
			return;
	if (c->n >= 5000)
		return;
	VEC_GROW(c->v, c->n, c->cap);
	c->v[c->n++] = xstrdup(cand);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char complete_fn(EditLine *el, int ch)
{
	struct repl *r = the_repl;
	const LineInfo *li = ed.line(el);
	char *line = xstrndup(li->buffer, (size_t)(li->cursor - li->buffer));
	const char *word = strrchr(line, ' ');
	struct candidates c = { NULL, 0, 0 };
	unsigned char ret = CC_ERROR;
	size_t wlen, common;

	(void)ch;
	word = word ? word + 1 : line;
	if (strchr(word, '/') && word == line)
		word = strchr(word, '/') + 1;
	if (word[0] == '&')
		word++;
	wlen = strlen(word);
	cmd_complete(r->s, line, add_candidate, &c);
	if (c.n == 0)
		goto out;
	qsort(c.v, c.n, sizeof(*c.v), cmp_str);
	common = strlen(c.v[0]);
	for (size_t i = 1; i < c.n; i++) {
		size_t k = 0;

		while (k < common && c.v[i][k] == c.v[0][k])
			k++;
		common = k;
	}
	if (common > wlen) {
		char *ins = xstrndup(c.v[0] + wlen, common - wlen);

		ed.insertstr(el, ins);
		free(ins);
		if (c.n == 1)
			ed.insertstr(el, " ");
		ret = CC_REFRESH;
	} else if (c.n == 1) {
		ed.insertstr(el, " ");
		ret = CC_REFRESH;
	} else {
		fputc('\n', stdout);
		for (size_t i = 0; i < c.n && i < 200; i++)
			printf("%s%s", c.v[i], (i + 1) % 4 == 0 || i + 1 == c.n ? "\n" : "\t");
		if (c.n > 200)
			printf("... and %zu more\n", c.n - 200);
		ret = CC_REDISPLAY;
	}
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i]);
	free(c.v);
	free(line);
	return ret;
}

static char *edit_next(struct line_source *src, const char *prompt)
{
	struct repl *r = (struct repl *)src;
	const char *text;
	int count;
	HistEvent hev;

	r->prompt = prompt ? prompt : "(lurk) ";
	for (;;) {
		r->interrupted = false;
		text = ed.gets(r->el, &count);
		if (text) {
			char *line = xstrdup(text);
			size_t n = strlen(line);

			if (n && line[n - 1] == '\n')
				line[--n] = '\0';
			if (*skip_ws(line) && !prompt) {
				ed.history(r->hist, &hev, H_ENTER, line);
				if (r->history_path)
					ed.history(r->hist, &hev, H_SAVE, r->history_path);
			}
			src->lineno++;
			return line;
		}
		if (r->interrupted) {
			/* Ctrl-C at the prompt: drop the line, never lurk. */
			fputs("^C\n", stdout);
			fflush(stdout);
			ed.reset(r->el);
			/* At a question ("Kill ...? (y or n)") it answers no; in a define body it ends it. */
			if (prompt)
				return NULL;
			/* A program running in the background ("continue &") is stopped, as in the foreground. */
			if (target_running(r->s->target))
				return xstrdup("interrupt");
			continue;
		}
		if (!r->terminated) {
			r->eof = true;
			fputc('\n', stdout);
		}
		return NULL;
	}
}

/* stdin is a pipe or file: plain lines, no prompt, but still woken by signals. */
static char *plain_next(struct line_source *src, const char *prompt)
{
	struct repl *r = (struct repl *)src;
	char buf[4096];

	(void)prompt;
	for (;;) {
		char *nl = r->pending.buf ? strchr(r->pending.buf, '\n') : NULL;
		unsigned ev;
		ssize_t n;

		if (nl) {
			char *line = xstrndup(r->pending.buf, (size_t)(nl - r->pending.buf));
			char *rest = xstrdup(nl + 1);

			sb_reset(&r->pending);
			sb_add(&r->pending, rest);
			free(rest);
			src->lineno++;
			return line;
		}
		if (r->eof) {
			if (r->pending.len) {
				char *line = sb_detach(&r->pending);

				src->lineno++;
				return line;
			}
			return NULL;
		}
		ev = sig_wait(STDIN_FILENO, target_poll_timeout(r->s->target));
		if (ev & SIGEV_TERMINATE) {
			r->terminated = true;
			return NULL;
		}
		if (ev & (SIGEV_CHILD | SIGEV_TIMEOUT))
			report_background_stop(r);
		if (!(ev & SIGEV_INPUT))
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			r->eof = true;
		else
			sb_addn(&r->pending, buf, (size_t)n);
	}
}

struct line_source *repl_open(struct session *s)
{
	struct repl *r = xcalloc(1, sizeof(*r));
	const char *home = getenv("HOME");
	HistEvent hev;

	r->s = s;
	r->base.name = "stdin";
	the_repl = r;
	if (!isatty(STDIN_FILENO)) {
		r->base.next = plain_next;
		return &r->base;
	}
	if (!load_libedit()) {
		/* A prompt without editing beats none. */
		fprintf(stderr, "warning: %s; no line editing or history\n", err_get());
		err_clear();
		r->base.next = plain_next;
		return &r->base;
	}
	r->base.next = edit_next;
	r->base.terminal = true;
	r->tty_saved = tcgetattr(STDIN_FILENO, &r->saved_tty) == 0;
	r->el = ed.init("lurk", stdin, stdout, stderr);
	r->hist = ed.history_init();
	ed.history(r->hist, &hev, H_SETSIZE, HISTORY_SIZE);
	ed.history(r->hist, &hev, H_SETUNIQUE, 1);
	if (home && *home) {
		r->history_path = xasprintf("%s/.lurk_history", home);
		ed.history(r->hist, &hev, H_LOAD, r->history_path);
	}
	ed.set(r->el, EL_EDITOR, "emacs");
	ed.set(r->el, EL_SIGNAL, 0);
	/*
	 * Ctrl-C makes the terminal throw away what was typed ahead (a command
	 * typed while a step ran): with NOFLSH, in the mode commands run in,
	 * it waits for the prompt.
	 */
	ed.set(r->el, EL_SETTY, "-x", "+noflsh", NULL);
	ed.set(r->el, EL_PROMPT, prompt_fn);
	ed.set(r->el, EL_HIST, ed.history, r->hist);
	ed.set(r->el, EL_GETCFN, getc_fn);
	/* The wide call: el_set() would copy the strings and libedit never frees them. */
	ed.wset(r->el, EL_ADDFN, L"lurk-complete", L"complete a command, setting or symbol",
		complete_fn);
	ed.set(r->el, EL_BIND, "^I", "lurk-complete", NULL);
	/* ~/.editrc may rebind keys, as in every libedit program. */
	ed.source(r->el, NULL);
	return &r->base;
}

void repl_close(struct line_source *src)
{
	struct repl *r = (struct repl *)src;

	if (!r)
		return;
	if (r->el)
		ed.end(r->el);
	if (r->tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->saved_tty);
	if (r->hist)
		ed.history_end(r->hist);
	free(r->history_path);
	sb_free(&r->pending);
	if (the_repl == r)
		the_repl = NULL;
	free(r);
}

bool repl_terminated(const struct line_source *src)
{
	return ((const struct repl *)src)->terminated;
}

int repl_run(struct session *s, struct line_source *src)
{
	char *last = NULL;
	char *line;

	while (!s->quit && (line = src->next(src, NULL))) {
		if (!*skip_ws(line)) {
			/* An empty line at the prompt repeats continue, x and friends. */
			if (src->terminal && last && cmd_repeatable(last)) {
				s->repeating = true;
				cmd_execute(s, last, src);
				s->repeating = false;
			}
			free(line);
			continue;
		}
		cmd_execute(s, line, src);
		free(last);
		last = line;
	}
	free(last);
	return 0;
}
