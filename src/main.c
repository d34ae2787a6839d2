/* main.c - options, mode (attach / launch / batch), exit status: the only place lurk exits */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brk.h"
#include "cmd.h"
#include "runfor.h"
#include "display.h"
#include "err.h"
#include "log.h"
#include "memwatch.h"
#include "opts.h"
#include "plugin-host.h"
#include "out.h"
#include "regs.h"
#include "repl.h"
#include "report.h"
#include "script.h"
#include "session.h"
#include "sig.h"
#include "target.h"
#include "trace.h"
#include "util.h"
#include "value.h"
#include "watch.h"

#ifndef LURK_VERSION
#define LURK_VERSION "unknown"
#endif

enum { EXIT_OK = 0, EXIT_COMMAND = 1, EXIT_USAGE = 2, EXIT_TARGET = 3 };

/*
 * The session outlives main(): at exit the kernel frees it faster than
 * freeing libdw's structures one by one would (half a millisecond of a
 * five-millisecond "lurk -p PID --batch -ex bt"). Kept reachable here so
 * leak checkers see it is not lost (volatile: a store nobody reads would
 * otherwise be optimised away).
 */
static struct session *volatile the_session;

extern char **environ;

static char **copy_environ(void)
{
	size_t n = 0;
	char **copy;

	while (environ[n])
		n++;
	copy = xcalloc(n + 1, sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(environ[i]);
	return copy;
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* PROG as given when it has a slash, else the first match in PATH (as a shell would). */
static char *resolve_program(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	if (strchr(prog, '/') || !path) {
		if (is_executable_file(prog))
			return realpath(prog, NULL);
		err_set("cannot run %s: %s", prog,
			access(prog, F_OK) == 0 ? "not an executable file"
						: "No such file or directory");
		return NULL;
	}
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", prog);

		if (is_executable_file(cand)) {
			char *real = realpath(cand, NULL);

			free(cand);
			free(copy);
			return real;
		}
		free(cand);
	}
	free(copy);
	err_set("cannot run %s: not found in PATH", prog);
	return NULL;
}

/* Quote an argument so that split_args() gives it back unchanged. */
static void add_quoted(struct strbuf *sb, const char *arg)
{
	if (sb->len)
		sb_addc(sb, ' ');
	if (*arg && !strpbrk(arg, " \t\n'\"\\")) {
		sb_add(sb, arg);
		return;
	}
	sb_addc(sb, '\'');
	for (const char *p = arg; *p; p++) {
		if (*p == '\'')
			sb_add(sb, "'\"'\"'");
		else
			sb_addc(sb, *p);
	}
	sb_addc(sb, '\'');
}

/* The command layer's own words, which no plugin command may take. */
static bool builtin_command(const char *name)
{
	return cmd_find_exact(name) != NULL;
}

static void read_lurkrc(struct session *s)
{
	const char *home = getenv("HOME");
	struct line_source *src;
	char *path;

	if (!home || !*home)
		return;
	path = xasprintf("%s/.lurkrc", home);
	if (access(path, F_OK) == 0) {
		src = script_open_file(path);
		if (src) {
			cmd_execute_source(s, src);
			script_close(src);
		} else {
			out_error(s->out, "", err_get());
		}
	}
	free(path);
}

static int run_option_commands(struct session *s, const struct opts *o)
{
	for (size_t i = 0; i < o->ncmds && !s->quit; i++) {
		int failed;

		if (o->cmds[i].is_file) {
			struct line_source *src = script_open_file(o->cmds[i].text);

			if (!src) {
				err_prefix("cannot read the command file");
				out_error(s->out, "-x", err_get());
				s->failures++;
				failed = 1;
			} else {
				failed = cmd_execute_source(s, src);
				script_close(src);
			}
		} else {
			struct line_source *src = script_from_string(o->cmds[i].text, "-ex");

			failed = cmd_execute_source(s, src);
			script_close(src);
		}
		if (failed && s->stop_on_error && s->batch)
			break;
	}
	return 0;
}

/* The target's notices are shown; an exec ends what belonged to the old program. */
static void on_notice(void *arg, const struct target_notice *n)
{
	struct session *s = arg;

	report_notice(s, n);
	if (n->kind == NOTE_EXEC)
		session_announce(s, SESSION_EXEC);
}

/*
 * The modules that keep per-process state hear of its lifecycle. The order
 * is the order of their messages: at an exec, tracing's end comes before the
 * deleted watchpoints; when the process is gone (told in reverse), after.
 */
/* The value history outlives a process, but not the types its DWARF gave its values. */
static void history_lifecycle(struct session *s, enum session_event ev)
{
	if (ev == SESSION_GONE || ev == SESSION_EXEC || ev == SESSION_RELAUNCH)
		value_history_forget_types();
	else if (ev == SESSION_END)
		value_history_free();
}

static void subscribe_lifecycle(struct session *s)
{
	session_subscribe(s, history_lifecycle);
	session_subscribe(s, trace_lifecycle);
	session_subscribe(s, brk_lifecycle);
	session_subscribe(s, watch_lifecycle);
	session_subscribe(s, memwatch_lifecycle);
	session_subscribe(s, display_lifecycle);
}

/* The output sink leaves Ctrl-C to the program's wait, and does not page, while it runs. */
static bool program_runs(void *arg)
{
	struct session *s = arg;

	return target_any_running(s->target);
}

/* The one path out: the target is left as it was, then lurk exits. */
static int leave(struct session *s, int status)
{
	struct target *t = s->target;

	if (target_core(t)) {
		target_leave(t);
	} else if (target_live(t)) {
		bool attached = target_is_attached(t);
		int pid = target_pid(t);

		target_leave(t);
		if (!s->batch && !out_is_json(s->out))
			out_printf(s->out, "%s process %d\n", attached ? "Detached from" : "Killed",
				   pid);
	}
	plugin_unload_all(s);
	out_flush(s->out);
	return status;
}

/* A command line a plugin runs (api->run_command), as if typed. */
static int run_line(struct session *s, const char *line)
{
	return cmd_execute(s, line, NULL);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct out *out;
	struct target *target;
	struct session *s;
	char **envp;
	int status;

	log_init();
	if (opts_parse(argc, argv, &o) < 0) {
		fprintf(stderr, "lurk: %s\n(try lurk --help)\n", err_get());
		opts_free(&o);
		return EXIT_USAGE;
	}
	if (o.help || o.version) {
		fputs(o.help ? opts_usage() : "lurk " LURK_VERSION "\n", stdout);
		opts_free(&o);
		return EXIT_OK;
	}
	if (sig_init() < 0) {
		fprintf(stderr, "lurk: %s\n", err_get());
		opts_free(&o);
		return EXIT_COMMAND;
	}
	/* Programs lurk starts get lurk's environment as it was given. */
	envp = copy_environ();
	/* Symbols come from the machine, never the network: a debuginfod
	 * lookup for every library would make attach take seconds. */
	unsetenv("DEBUGINFOD_URLS");

	out = out_new(stdout, stderr);
	out_set_json(out, o.json);
	out_set_color(out, true);
	target = target_new(arch_host());
	s = session_new(out, target);
	out_set_running_check(out, program_runs, s);
	plugin_host_init(s);
	s->tell = report_news;
	s->run_line = run_line;
	s->show_stop = cmd_show_stop;
	s->run_until = run_until;
	s->add_plugin_brk = plugin_brk_make;
	subscribe_lifecycle(s);
	target_set_notify(target, on_notice, s);
	s->envp = envp;
	s->batch = o.batch;
	s->json = o.json;
	out_set_pager(out, s->pagination && !s->batch, s->height);

	if (!o.quiet && !o.batch && !o.json && isatty(STDIN_FILENO))
		out_printf(out, "lurk %s: inspect live processes. \"help\" lists the commands.\n",
			   LURK_VERSION);
	if (o.prog_argv) {
		struct strbuf args = STRBUF_INIT;

		s->prog = resolve_program(o.prog_argv[0]);
		if (!s->prog) {
			out_error(out, "", err_get());
			status = EXIT_TARGET;
			goto out;
		}
		for (int i = 1; i < o.prog_argc; i++)
			add_quoted(&args, o.prog_argv[i]);
		s->args = sb_detach(&args);
	}
	/* Plugins before the process: their inspectors show in the attach report. */
	plugin_reg_reserve_names(builtin_command);
	plugin_load_defaults(s);
	for (size_t i = 0; i < o.nplugins; i++)
		if (plugin_load(s, o.plugins[i]) < 0) {
			out_error(out, "plugin", err_get());
			s->failures++;
		}
	if (!o.nx)
		read_lurkrc(s);
	if (o.pid) {
		char cmd[32];

		snprintf(cmd, sizeof(cmd), "attach %d", o.pid);
		cmd_execute(s, cmd, NULL);
		if (s->target_failed) {
			status = leave(s, EXIT_TARGET);
			goto out;
		}
	}
	if (o.core) {
		struct strbuf cmd = STRBUF_INIT;

		if (o.sysroot)
			session_set(s, "sysroot", o.sysroot);
		sb_add(&cmd, "core-file");
		add_quoted(&cmd, o.core);
		cmd_execute(s, sb_str(&cmd), NULL);
		sb_free(&cmd);
		if (s->target_failed) {
			status = leave(s, EXIT_TARGET);
			goto out;
		}
	}
	run_option_commands(s, &o);
	/* A termination signal that the last command took as its end (profile, py exec) ends lurk too. */
	if (sig_terminate_signal() && !s->quit) {
		s->quit = true;
		s->quit_status = 128 + sig_terminate_signal();
	}
	if (!o.batch && !s->quit) {
		struct line_source *repl = repl_open(s);

		repl_run(s, repl);
		if (repl_terminated(repl) && !s->quit) {
			s->quit = true;
			s->quit_status = 128 + sig_terminate_signal();
		}
		repl_close(repl);
	}
	/* "quit N" and termination signals decide; else, in batch, the failures do. */
	if (o.batch && !s->quit_status)
		status = s->target_failed ? EXIT_TARGET : s->failures ? EXIT_COMMAND : EXIT_OK;
	else
		status = s->quit_status;
	status = leave(s, status);
	LOG(LOG_CMD, "left the target");
out:
	the_session = s;
	opts_free(&o);
	LOG(LOG_CMD, "exit %d", status);
	return status;
}
