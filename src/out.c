/* out.c - the one output sink */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "out.h"
#include "sig.h"
#include "util.h"

#define MAX_CAPTURE 8
/* Writes between two looks for Ctrl-C: a look is a system call. */
#define INTERRUPT_EVERY 64

static const char pager_prompt[] =
	"--Type <RET> for more, q to quit, c to continue without paging--";

struct out {
	FILE *out_fp;
	FILE *err_fp;
	bool json;
	bool color;
	struct strbuf capture[MAX_CAPTURE];
	int capture_depth;
	enum out_cut cut;
	out_running_fn running;
	void *running_arg;
	unsigned writes; /* since the last look for Ctrl-C */
	bool mid_line;	 /* the last text written to out_fp did not end a line */
	/* the pager */
	bool pager_on;
	int pager_height;   /* setting: lines, 0 unlimited, -1 the terminal's */
	unsigned page;	    /* this command's page size, 0: no paging */
	unsigned page_used; /* lines written on the current page */
};

struct out *out_new(FILE *out_fp, FILE *err_fp)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->out_fp = out_fp;
	o->err_fp = err_fp;
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	for (int i = 0; i < MAX_CAPTURE; i++)
		sb_free(&o->capture[i]);
	free(o);
}

void out_set_json(struct out *o, bool json)
{
	o->json = json;
}

bool out_is_json(const struct out *o)
{
	return o->json;
}

void out_set_color(struct out *o, bool wanted)
{
	const char *no_color = getenv("NO_COLOR");

	o->color = wanted && isatty(fileno(o->out_fp)) && !(no_color && no_color[0]);
}

const char *out_style(const struct out *o, enum out_style s)
{
	static const char *const sgr[] = {
		[STYLE_RESET] = "\033[0m", [STYLE_FUNC] = "\033[33m",  [STYLE_FILE] = "\033[32m",
		[STYLE_ADDR] = "\033[34m", [STYLE_THREAD] = "\033[1m", [STYLE_ERROR] = "\033[31m",
	};

	if (!o->color || o->json || o->capture_depth)
		return "";
	return sgr[s];
}

void out_set_running_check(struct out *o, out_running_fn fn, void *arg)
{
	o->running = fn;
	o->running_arg = arg;
}

static bool program_runs(const struct out *o)
{
	return o->running && o->running(o->running_arg);
}

void out_set_pager(struct out *o, bool on, int height)
{
	o->pager_on = on;
	o->pager_height = height;
}

/* Rows of the terminal the output goes to, 0 when it is no terminal. */
static unsigned terminal_rows(const struct out *o)
{
	struct winsize ws;

	if (ioctl(fileno(o->out_fp), TIOCGWINSZ, &ws) < 0)
		return 0;
	return ws.ws_row;
}

void out_command_begin(struct out *o)
{
	o->cut = OUT_CUT_NONE;
	o->writes = 0;
	o->page_used = 0;
	o->page = 0;
	/* Paging is for a person reading a terminal who can answer the prompt. */
	if (o->pager_on && !o->json && isatty(fileno(o->out_fp)) && isatty(STDIN_FILENO))
		o->page = o->pager_height < 0 ? terminal_rows(o) : (unsigned)o->pager_height;
	/* The prompt takes a line of the page; a page of one line could show nothing else. */
	if (o->page == 1)
		o->page = 2;
}

enum out_cut out_cut(const struct out *o)
{
	return o->cut;
}

enum out_cut out_poll_cut(struct out *o)
{
	if (!o->cut && !program_runs(o) && sig_take_interrupt())
		o->cut = OUT_CUT_INTERRUPT;
	return o->cut;
}

/* A write failed: a reader that went away ends lurk as SIGPIPE would, but cleanly. */
static void check_write_error(struct out *o)
{
	if (!ferror(o->out_fp))
		return;
	if (errno == EPIPE) {
		o->cut = OUT_CUT_PIPE;
		sig_note_terminate(SIGPIPE);
	}
	clearerr(o->out_fp);
}

/* The pager's question, answered by a line on stdin. Ctrl-C there is a "q". */
static void page_prompt(struct out *o)
{
	char answer[64];
	size_t n = 0;

	fputs(pager_prompt, o->out_fp);
	fflush(o->out_fp);
	check_write_error(o);
	for (;;) {
		unsigned ev = sig_wait(STDIN_FILENO, -1);
		ssize_t got;

		sig_defer(ev & SIGEV_CHILD);
		if (ev & (SIGEV_INTERRUPT | SIGEV_TERMINATE)) {
			fputc('\n', o->out_fp);
			o->cut = OUT_CUT_INTERRUPT;
			return;
		}
		if (!(ev & SIGEV_INPUT))
			continue;
		got = read(STDIN_FILENO, answer + n, 1);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0 || answer[n] == '\n')
			break;
		if (n + 1 < sizeof(answer))
			n++;
	}
	answer[n] = '\0';
	o->page_used = 0;
	switch (answer[strspn(answer, " \t")]) {
	case 'q':
	case 'Q':
		o->cut = OUT_CUT_PAGER;
		break;
	case 'c':
	case 'C':
		o->page = 0;
		break;
	}
}

static void out_write_page(struct out *o, const char *s, size_t n)
{
	while (n && !o->cut) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) + 1 : n;

		/* The page is full and more is to come: ask before it scrolls away. */
		if (o->page && o->page_used + 1 >= o->page) {
			if (program_runs(o))
				o->page_used = 0;
			else
				page_prompt(o);
			if (o->cut)
				return;
		}
		fwrite(s, 1, len, o->out_fp);
		o->mid_line = !nl;
		if (nl)
			o->page_used++;
		s += len;
		n -= len;
	}
}

static void out_write(struct out *o, const char *s, size_t n)
{
	if (o->capture_depth) {
		int d = o->capture_depth > MAX_CAPTURE ? MAX_CAPTURE : o->capture_depth;

		sb_addn(&o->capture[d - 1], s, n);
		return;
	}
	if (++o->writes >= INTERRUPT_EVERY) {
		o->writes = 0;
		out_poll_cut(o);
	}
	if (o->cut)
		return;
	if (o->page) {
		out_write_page(o, s, n);
		return;
	}
	if (n)
		o->mid_line = s[n - 1] != '\n';
	if (fwrite(s, 1, n, o->out_fp) < n)
		check_write_error(o);
}

static void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	sb_vaddf(&sb, fmt, ap);
	out_write(o, sb_str(&sb), sb.len);
	sb_free(&sb);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

static void json_line(struct out *o, const char *cmd, const char *key, const char *msg,
		      const struct rec *rec)
{
	struct strbuf sb = STRBUF_INIT;
	struct rec *head = rec_obj();

	if (key)
		rec_set_str(head, key, msg);
	rec_set_str(head, "cmd", cmd);
	rec_to_json(head, &sb);
	rec_free(head);
	if (rec && rec_kind(rec) == REC_OBJ) {
		struct strbuf body = STRBUF_INIT;

		rec_to_json(rec, &body);
		if (body.len > 2) {
			/* splice the record's fields after the head's: {"cmd": x, <fields>} */
			sb.len--;
			sb_add(&sb, ", ");
			sb_add(&sb, sb_str(&body) + 1);
		}
		sb_free(&body);
	}
	sb_addc(&sb, '\n');
	out_write(o, sb_str(&sb), sb.len);
	sb_free(&sb);
}

void out_emit(struct out *o, const char *cmd, struct rec *rec, out_render_fn render)
{
	if (o->json)
		json_line(o, cmd, NULL, NULL, rec);
	else if (render)
		render(o, rec);
	rec_free(rec);
	out_flush(o);
}

static void out_diag(struct out *o, const char *cmd, const char *key, const char *label,
		     const char *msg)
{
	if (o->json) {
		json_line(o, cmd, key, msg, NULL);
		out_flush(o);
		return;
	}
	/* Output cut in the middle of a line: the message starts on a line of its own. */
	if (o->cut == OUT_CUT_INTERRUPT && o->mid_line && !o->capture_depth) {
		fputc('\n', o->out_fp);
		o->mid_line = false;
	}
	/* Errors go to stderr, flushed after stdout so the two stay in order on a terminal. */
	out_flush(o);
	fprintf(o->err_fp, "%s%s%s%s%s\n", o->color ? out_style(o, STYLE_ERROR) : "", label,
		cmd && cmd[0] ? cmd : "", cmd && cmd[0] ? ": " : "", msg);
	if (o->color)
		fputs(out_style(o, STYLE_RESET), o->err_fp);
	fflush(o->err_fp);
}

void out_error(struct out *o, const char *cmd, const char *msg)
{
	out_diag(o, cmd, "error", "", msg);
}

void out_warn(struct out *o, const char *cmd, const char *msg)
{
	out_diag(o, cmd, "warning", "warning: ", msg);
}

void out_flush(struct out *o)
{
	if (!o->capture_depth && fflush(o->out_fp) == EOF)
		check_write_error(o);
}

void out_capture_begin(struct out *o)
{
	if (o->capture_depth < MAX_CAPTURE)
		sb_reset(&o->capture[o->capture_depth]);
	o->capture_depth++;
}

char *out_capture_end(struct out *o)
{
	char *s;

	if (!o->capture_depth)
		return xstrdup("");
	o->capture_depth--;
	if (o->capture_depth >= MAX_CAPTURE)
		return xstrdup("");
	s = xstrdup(sb_str(&o->capture[o->capture_depth]));
	sb_reset(&o->capture[o->capture_depth]);
	return s;
}
