/* out.c - the one output sink */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "out.h"
#include "util.h"

#define MAX_CAPTURE 8

struct out {
	FILE *out_fp;
	FILE *err_fp;
	bool json;
	bool color;
	struct strbuf capture[MAX_CAPTURE];
	int capture_depth;
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

static void out_write(struct out *o, const char *s, size_t n)
{
	if (o->capture_depth) {
		int d = o->capture_depth > MAX_CAPTURE ? MAX_CAPTURE : o->capture_depth;

		sb_addn(&o->capture[d - 1], s, n);
		return;
	}
	fwrite(s, 1, n, o->out_fp);
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
	if (!o->capture_depth)
		fflush(o->out_fp);
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
