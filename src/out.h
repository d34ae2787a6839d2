/* out.h - the one output sink: results rendered for people or as JSON lines, errors, capture */
#ifndef LURK_OUT_H
#define LURK_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "rec.h"

struct out;

/* A human renderer writes one result through out_printf(); it never sees JSON mode. */
typedef void (*out_render_fn)(struct out *o, const struct rec *rec);

enum out_style { STYLE_RESET, STYLE_FUNC, STYLE_FILE, STYLE_ADDR, STYLE_THREAD, STYLE_ERROR };

/* Results go to out_fp, errors to err_fp. The sink is owned by the caller of out_new(). */
struct out *out_new(FILE *out_fp, FILE *err_fp);
void out_free(struct out *o);

void out_set_json(struct out *o, bool json);
bool out_is_json(const struct out *o);
/* Colour is used only when wanted, the sink is a terminal and NO_COLOR is unset. */
void out_set_color(struct out *o, bool wanted);

/*
 * Emit one result of command cmd. Takes ownership of rec. JSON mode writes
 * {"cmd": cmd, ...rec's fields} as one line; human mode calls render.
 */
void out_emit(struct out *o, const char *cmd, struct rec *rec, out_render_fn render);
/* An error of command cmd: a line on stderr, or {"error": msg, "cmd": cmd} on stdout in JSON mode. */
void out_error(struct out *o, const char *cmd, const char *msg);
/* A warning that does not fail the command (stderr; JSON: {"warning": msg, "cmd": cmd}). */
void out_warn(struct out *o, const char *cmd, const char *msg);
/* Human text, for renderers. */
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The escape sequence for style s, or "" when colour is off. */
const char *out_style(const struct out *o, enum out_style s);
void out_flush(struct out *o);

/*
 * Why the current command's output was cut short: Ctrl-C, "q" at the pager,
 * or a closed output pipe. From then on its output is dropped, long loops
 * stop, and the command layer ends the command with "Quit" as gdb does.
 */
enum out_cut { OUT_CUT_NONE, OUT_CUT_INTERRUPT, OUT_CUT_PAGER, OUT_CUT_PIPE };

/*
 * Asked while output flows: whether the program runs. Then Ctrl-C is the
 * program's (the wait for its stop takes it and stops it), and the pager
 * does not stop: a program held up by a trap must not wait for the reader.
 */
typedef bool (*out_running_fn)(void *arg);
void out_set_running_check(struct out *o, out_running_fn fn, void *arg);
/*
 * The pager: with on, human output to a terminal (read from a terminal)
 * stops every page for the user. height: lines a page, 0 for unlimited, -1
 * for the terminal's rows (asked at each command, so a resize counts).
 */
void out_set_pager(struct out *o, bool on, int height);
/* A command starts: its output flows again and the pager counts from here. */
void out_command_begin(struct out *o);
/* Why the output stopped, or OUT_CUT_NONE. */
enum out_cut out_cut(const struct out *o);
/* The same after a look for Ctrl-C: loops that build a long result call it now and then. */
enum out_cut out_poll_cut(struct out *o);

/*
 * Capture: while active, everything out_emit()/out_printf() would write to
 * out_fp is collected instead (for tests and plugins). Returns the text, owned
 * by the caller. Captures nest.
 */
void out_capture_begin(struct out *o);
char *out_capture_end(struct out *o);

#endif
