/* cmd-run.c - commands that start, attach, stop and leave the process */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "core.h"
#include "out.h"
#include "proc.h"
#include "preflight.h"
#include "report.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "util.h"

/*
 * gdb's query before killing a process: asked only of a person at the
 * prompt (a line typed at a terminal) with "set confirm on". --batch, -x
 * files, -ex commands and a stdin that is not a terminal never ask: they go
 * on as before. Only "y" or "yes" goes on; anything else, Ctrl-C and end
 * of input answer no, reported as gdb's "Not confirmed.". note, if not
 * NULL, is a line printed before the question.
 */
static bool confirmed(struct cmd_ctx *ctx, const char *note, const char *question)
{
	struct session *s = ctx->s;
	char *answer;
	bool yes = false;

	if (!s->confirm || s->batch || !ctx->src || !ctx->src->terminal)
		return true;
	if (note)
		out_printf(s->out, "%s\n", note);
	out_flush(s->out);
	answer = ctx->src->next(ctx->src, question);
	if (answer) {
		char *word = trim_dup(answer);

		yes = !strcasecmp(word, "y") || !strcasecmp(word, "yes");
		free(word);
		free(answer);
	}
	if (!yes)
		out_error(s->out, "", "Not confirmed.");
	return yes;
}

static void render_starting(struct out *o, const struct rec *rec)
{
	out_printf(o, "Starting program: %s%s%s\n", rec_str(rec, "program"),
		   rec_str(rec, "args")[0] ? " " : "", rec_str(rec, "args"));
}

/* Launch the program stopped at its exec; shared by run and start. */
static int launch(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct stop_event ev;
	struct rec *rec;
	char **words, **argv, note[512];
	int nwords;

	if (!s->prog) {
		err_set("no program to run: start lurk with one (lurk -- PROG ARGS)");
		return -1;
	}
	if (target_is_attached(s->target)) {
		err_set("attached to process %d; detach first", target_pid(s->target));
		return -1;
	}
	if (target_live(s->target) &&
	    !confirmed(ctx, "The program being debugged has been started already.",
		       "Start it from the beginning? (y or n) "))
		return CMD_FAILED_REPORTED;
	if (ctx->arg[0].set) {
		free(s->args);
		s->args = xstrdup(ctx->arg[0].s);
	}
	words = split_args(s->args ? s->args : "", &nwords);
	if (!words)
		return -1;
	if (target_live(s->target)) {
		/* "run" again restarts the program (once the user said so at a terminal). */
		target_kill(s->target);
		session_announce(s, SESSION_RELAUNCH);
		out_warn(s->out, ctx->name, "killed the running program to start it again");
	}
	argv = xcalloc((size_t)nwords + 2, sizeof(*argv));
	argv[0] = s->prog;
	for (int i = 0; i < nwords; i++)
		argv[i + 1] = words[i];
	if (preflight_setid_note(s->prog, note, sizeof(note)))
		out_warn(s->out, ctx->name, note);
	rec = rec_obj();
	rec_set_str(rec, "program", s->prog);
	rec_set_str(rec, "args", s->args ? s->args : "");
	/* JSON lines on stdout must stay parseable: the program's output goes to stderr. */
	target_set_launch_stdout(s->target, s->json ? STDERR_FILENO : -1);
	if (target_launch(s->target, s->prog, argv, s->envp, s->disable_randomization, &ev) < 0) {
		free(argv);
		free_argv(words);
		rec_free(rec);
		s->target_failed = true;
		return -1;
	}
	free(argv);
	free_argv(words);
	rec_set_int(rec, "pid", target_pid(s->target));
	out_emit(s->out, ctx->name, rec, render_starting);
	s->cur_thread = ev.thread;
	s->cur_frame = 0;
	session_announce(s, SESSION_STARTED);
	return 0;
}

static int cmd_run_run(struct cmd_ctx *ctx)
{
	int ret = launch(ctx);

	if (ret < 0)
		return ret;
	return cmd_resume(ctx->s, ctx->name, target_resume);
}

static int cmd_run_start(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct sym *sym;
	uint64_t addr;
	int ret = launch(ctx);

	if (ret < 0)
		return ret;
	sym = target_sym(s->target);
	if (!sym || sym_func_breakpoint_addr(sym, "main", &addr) < 0) {
		err_prefix("cannot stop at main");
		target_kill(s->target);
		return -1;
	}
	/* The trap stays for every resume until main: library events pass meanwhile. */
	if (target_insert_trap(s->target, addr) < 0)
		return -1;
	ret = cmd_resume(s, ctx->name, target_resume);
	if (target_live(s->target))
		target_remove_trap(s->target, addr);
	return ret;
}

static int cmd_run_attach(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct stop_event ev;
	char heading[256];

	if (ctx->arg[0].u > INT32_MAX) {
		err_set("%s is not a process id", ctx->arg[0].s);
		s->target_failed = true;
		return -1;
	}
	/* A slip of the session, not a process lurk could not attach to (exit 1, not 3). */
	if (target_live(s->target)) {
		err_set("already debugging process %d; detach first", target_pid(s->target));
		return -1;
	}
	if (target_attach(s->target, (pid_t)ctx->arg[0].u, &ev) < 0) {
		s->target_failed = true;
		return -1;
	}
	s->cur_thread = ev.thread;
	s->cur_frame = 0;
	snprintf(heading, sizeof(heading),
		 "Attached to process %d (%s), %zu thread%s:", target_pid(s->target),
		 target_exe(s->target) ? path_base(target_exe(s->target)) : "?",
		 target_nthreads(s->target), target_nthreads(s->target) == 1 ? "" : "s");
	report_threads(s, ctx->name, heading);
	session_announce(s, SESSION_STARTED);
	return 0;
}

static void render_core(struct out *o, const struct rec *rec)
{
	if (rec_str(rec, "command")[0])
		out_printf(o, "Core was generated by `%s'.\n", rec_str(rec, "command"));
	/* A debugger's snapshot (gcore) records the stop it made: the process ran on. */
	if (rec_has(rec, "signal"))
		out_printf(o, "Program %s with signal %s, %s.\n",
			   strcmp(rec_str(rec, "signal"), "SIGSTOP") ? "terminated" : "stopped",
			   rec_str(rec, "signal"), rec_str(rec, "description"));
}

/* What a core cannot give, said once when it is opened: each is a reason for missing facts. */
static void warn_core_gaps(struct session *s, const char *cmd, const struct core *c)
{
	char msg[4400];
	uint64_t missing = core_missing_bytes(c);

	if (missing) {
		snprintf(msg, sizeof(msg),
			 "the core file is truncated: %" PRIu64 " bytes of memory are missing",
			 missing);
		out_warn(s->out, cmd, msg);
	}
	if (!core_has_memory(c))
		out_warn(s->out, cmd,
			 "the core file holds none of the process's data (coredump_filter 0?): "
			 "only registers and the mapped files' code can be read");
	for (size_t i = 0; i < core_nfiles(c); i++) {
		const struct core_file *f = core_file(c, i);
		bool first = true;
		char where[4300];

		/* One line per file, not per mapping of it. */
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(core_file(c, j)->path, f->path) != 0;
		if (!first)
			continue;
		/* No sysroot brings back a file deleted, or never on disk, before the core. */
		if (!f->found && (f->deleted || has_prefix(f->path, "/memfd:")))
			snprintf(msg, sizeof(msg),
				 "%s was deleted before the core was written: its code and symbols "
				 "are unknown",
				 f->path);
		else if (!f->found)
			snprintf(msg, sizeof(msg),
				 "%s is missing: its code and symbols are unknown%s",
				 core_file_location(c, f, where, sizeof(where)),
				 core_exe(c) && !strcmp(f->path, core_exe(c))
					 ? " (name the program: core-file FILE PROG)"
					 : " (see set sysroot)");
		else if (f->mismatch)
			snprintf(msg, sizeof(msg),
				 "%s does not match the core (another build-id): not read",
				 core_file_location(c, f, where, sizeof(where)));
		else
			continue;
		out_warn(s->out, cmd, msg);
	}
}

/* Forget the core file: its modules and threads go, as a process's do when it is gone. */
static void close_core(struct session *s, bool say)
{
	target_close_core(s->target);
	session_announce(s, SESSION_GONE);
	if (say)
		out_printf(s->out, "No core file now.\n");
}

static int cmd_run_core_file(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct stop_event ev;
	const struct core *c;
	struct rec *rec;
	char heading[256];
	char **words;
	int nwords;

	if (!ctx->arg[0].set) {
		if (!target_core(s->target)) {
			err_set("no core file is open");
			return -1;
		}
		close_core(s, true);
		return 0;
	}
	words = split_args(ctx->arg[0].s, &nwords);
	if (!words)
		return -1;
	if (nwords > 2) {
		free_argv(words);
		err_set("usage: core-file FILE [PROG]");
		return -1;
	}
	if (target_core(s->target))
		close_core(s, false);
	if (target_open_core(s->target, words[0], nwords > 1 ? words[1] : s->prog, s->sysroot,
			     &ev) < 0) {
		free_argv(words);
		s->target_failed = true;
		return -1;
	}
	free_argv(words);
	c = target_core(s->target);
	warn_core_gaps(s, ctx->name, c);
	rec = rec_obj();
	rec_set_str(rec, "core", core_path(c));
	rec_set_int(rec, "pid", target_pid(s->target));
	rec_set_str(rec, "command", core_psargs(c));
	if (target_exe(s->target))
		rec_set_str(rec, "program", target_exe(s->target));
	if (core_siginfo(c)->si_signo > 0 || ev.sig > 0) {
		int sig = core_siginfo(c)->si_signo > 0 ? core_siginfo(c)->si_signo : ev.sig;

		rec_set_str(rec, "signal", proc_signame(sig));
		rec_set_str(rec, "description", strsignal(sig));
	}
	out_emit(s->out, ctx->name, rec, render_core);
	s->cur_thread = ev.thread;
	s->cur_frame = 0;
	snprintf(heading, sizeof(heading),
		 "Core of process %d (%s), %zu thread%s:", target_pid(s->target),
		 core_fname(c)[0] ? core_fname(c) : "?", target_nthreads(s->target),
		 target_nthreads(s->target) == 1 ? "" : "s");
	report_threads(s, ctx->name, heading);
	session_announce(s, SESSION_STARTED);
	return 0;
}

static void render_left(struct out *o, const struct rec *rec)
{
	out_printf(o, "%s process %" PRId64 "\n",
		   !strcmp(rec_str(rec, "action"), "killed") ? "Killed" : "Detached from",
		   rec_int(rec, "pid", 0));
}

static void emit_left(struct session *s, const char *cmd, const char *action, int pid)
{
	struct rec *rec = rec_obj();

	rec_set_str(rec, "action", action);
	rec_set_int(rec, "pid", pid);
	out_emit(s->out, cmd, rec, render_left);
}

static int cmd_run_detach(struct cmd_ctx *ctx)
{
	int pid = target_pid(ctx->s->target);

	/* As in gdb, detach from a core file closes it. */
	if (target_core(ctx->s->target)) {
		close_core(ctx->s, true);
		return 0;
	}

	if (target_detach(ctx->s->target) < 0)
		return -1;
	session_announce(ctx->s, SESSION_GONE);
	emit_left(ctx->s, ctx->name, "detached", pid);
	return 0;
}

static int cmd_run_kill(struct cmd_ctx *ctx)
{
	struct target *t = ctx->s->target;
	int pid = target_pid(t);
	char question[320];

	/* An attached process may be a production service: the question names it. */
	if (target_is_attached(t))
		snprintf(question, sizeof(question), "Kill the attached process %d (%s)? (y or n) ",
			 pid, target_exe(t) ? path_base(target_exe(t)) : "?");
	else
		snprintf(question, sizeof(question), "Kill the program being debugged? (y or n) ");
	if (!confirmed(ctx, NULL, question))
		return CMD_FAILED_REPORTED;

	if (target_kill(ctx->s->target) < 0)
		return -1;
	session_announce(ctx->s, SESSION_GONE);
	emit_left(ctx->s, ctx->name, "killed", pid);
	return 0;
}

static int cmd_run_quit(struct cmd_ctx *ctx)
{
	ctx->s->quit = true;
	ctx->s->quit_status = ctx->arg[0].set ? (int)(ctx->arg[0].i & 0xff) : 0;
	return 0;
}

static void render_inferior(struct out *o, const struct rec *rec)
{
	if (!rec_has(rec, "pid")) {
		out_printf(o, "No process. Program: %s\n",
			   rec_has(rec, "program") ? rec_str(rec, "program") : "none");
		return;
	}
	if (rec_has(rec, "core"))
		out_printf(o, "process %" PRId64 " (core file %s), %" PRId64 " thread%s\n",
			   rec_int(rec, "pid", 0), rec_str(rec, "core"), rec_int(rec, "threads", 0),
			   rec_int(rec, "threads", 0) == 1 ? "" : "s");
	else
		out_printf(o, "process %" PRId64 " (%s), %s, %" PRId64 " thread%s\n",
			   rec_int(rec, "pid", 0),
			   rec_bool(rec, "attached") ? "attached" : "launched",
			   rec_str(rec, "state"), rec_int(rec, "threads", 0),
			   rec_int(rec, "threads", 0) == 1 ? "" : "s");
	if (rec_has(rec, "program"))
		out_printf(o, "program: %s\n", rec_str(rec, "program"));
}

static int cmd_run_info_inferior(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct rec *rec = rec_obj();

	if (target_live(s->target)) {
		rec_set_int(rec, "pid", target_pid(s->target));
		rec_set_bool(rec, "attached", target_is_attached(s->target));
		rec_set_str(rec, "state", target_running(s->target) ? "running" : "stopped");
		if (target_core(s->target))
			rec_set_str(rec, "core", core_path(target_core(s->target)));
		rec_set_int(rec, "threads", (int64_t)target_nthreads(s->target));
		rec_set_str(rec, "program", target_exe(s->target));
	} else {
		rec_set_str(rec, "program", s->prog);
	}
	out_emit(s->out, ctx->name, rec, render_inferior);
	return 0;
}

static const struct cmd_entry run_entry = {
	.name = "run",
	.aliases = "r",
	.args = "[ARGS:rest]",
	.usage = "run [ARGS]",
	.summary =
		"start the program (ARGS replace the saved arguments); a running one is restarted "
		"(at a terminal, once you say yes: see set confirm)",
	.handler = cmd_run_run,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry start_entry = {
	.name = "start",
	.args = "[ARGS:rest]",
	.usage = "start [ARGS]",
	.summary = "start the program and stop at main",
	.handler = cmd_run_start,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry attach_entry = {
	.name = "attach",
	.args = "PID:uint",
	.usage = "attach PID",
	.summary = "attach to a running process and stop all its threads",
	.handler = cmd_run_attach,
	.flags = CMD_LIVE_ONLY,
};
static const struct cmd_entry core_file_entry = {
	.name = "core-file",
	.aliases = "core",
	.args = "[FILE:rest]",
	.usage = "core-file [FILE [PROG]]",
	.summary = "debug the core file FILE (PROG: the program, when the core's is elsewhere); "
		   "no FILE: close it",
	.handler = cmd_run_core_file,
};
static const struct cmd_entry detach_entry = {
	.name = "detach",
	.usage = "detach",
	.summary = "leave the process running exactly as before (traps removed)",
	.flags = CMD_NEED_PROCESS | CMD_CORE_OK,
	.handler = cmd_run_detach,
};
static const struct cmd_entry kill_entry = {
	.name = "kill",
	.aliases = "k",
	.usage = "kill",
	.summary = "kill the process (at a terminal, once you say yes: see set confirm)",
	.flags = CMD_NEED_PROCESS,
	.handler = cmd_run_kill,
};
static const struct cmd_entry quit_entry = {
	.name = "quit",
	.aliases = "q exit",
	.args = "[STATUS:int]",
	.usage = "quit [STATUS]",
	.summary = "leave lurk: detach from an attached process, kill a launched one",
	.handler = cmd_run_quit,
};
const struct cmd_entry cmd_info_inferior_entry = {
	.name = "inferior",
	.usage = "info inferior",
	.summary = "the process: pid, program, state, threads",
	.handler = cmd_run_info_inferior,
};

const struct cmd_entry *const cmd_group_run[] = {
	&run_entry,    &start_entry, &attach_entry, &core_file_entry,
	&detach_entry, &kill_entry,  &quit_entry,   NULL,
};
