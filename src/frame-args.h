/* frame-args.h - a frame's arguments as backtrace lines and stop reports show them */
#ifndef LURK_FRAME_ARGS_H
#define LURK_FRAME_ARGS_H

struct frame_ctx;
struct rec;

/*
 * gdb's "print frame-arguments": every value (all), scalars only with "..."
 * for a struct, union or array (scalars, the default), "..." for each value
 * (none), or one "..." for the whole list (presence). The order of
 * FRAME_ARGS_MODES is the enum's.
 */
enum frame_args_mode { FRAME_ARGS_SCALARS, FRAME_ARGS_ALL, FRAME_ARGS_NONE, FRAME_ARGS_PRESENCE };
#define FRAME_ARGS_MODES "scalars|all|none|presence"

/* The mode a name of FRAME_ARGS_MODES spells; -1 with err set for another word. */
int frame_args_mode_parse(const char *name);
const char *frame_args_mode_name(enum frame_args_mode mode);

/*
 * Push {name, value} onto arr for each argument of the frame's function,
 * its value formatted as print formats it (or "..." as mode says).
 * Returns how many, or -1 with err set when the frame's function has no
 * debug information (no argument list to show).
 */
int frame_args_collect(const struct frame_ctx *fc, enum frame_args_mode mode, struct rec *arr);

#endif
