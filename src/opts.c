/* opts.c - lurk's command line */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"
#include "util.h"

const char *opts_usage(void)
{
	return "usage: lurk [OPTIONS] -p PID            attach to a running process\n"
	       "       lurk [OPTIONS] [--] PROG [ARGS]  load PROG; run or start launches it\n"
	       "       lurk [OPTIONS] --core FILE [PROG]  debug a core file (PROG CORE too)\n"
	       "\n"
	       "  -p, --pid PID                attach to PID (all threads are stopped)\n"
	       "  -c, --core FILE              read the core file FILE (a process that is no "
	       "more)\n"
	       "      --sysroot DIR            find the core's mapped files under DIR\n"
	       "  -x, --command FILE           run the commands in FILE (repeatable)\n"
	       "  -ex, --eval-command CMD      run CMD (repeatable, in order with -x)\n"
	       "      --batch                  no prompt: run -x/-ex, then leave (detach or kill)\n"
	       "  -q, --quiet                  no banner\n"
	       "  -n, --nx                     do not read ~/.lurkrc\n"
	       "      --json                   results as JSON lines\n"
	       "      --plugin PATH            load the plugin at PATH (repeatable)\n"
	       "      --version                print the version\n"
	       "  -h, --help                   this text\n";
}

/* Long options may be spelled with one dash, as gdb allows: -batch, -pid 12. */
static const char *long_name(const char *arg)
{
	if (arg[0] != '-')
		return NULL;
	return arg[1] == '-' ? arg + 2 : arg + 1;
}

static bool is(const char *name, const char *a, const char *b)
{
	return !strcmp(name, a) || (b && !strcmp(name, b));
}

static void add_cmd(struct opts *o, bool is_file, const char *text)
{
	o->cmds = xrealloc(o->cmds, (o->ncmds + 1) * sizeof(*o->cmds));
	o->cmds[o->ncmds].is_file = is_file;
	o->cmds[o->ncmds].text = text;
	o->ncmds++;
}

static int parse_pid(const char *s, pid_t *pid)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v == 0 || v > INT32_MAX) {
		err_set("-p: \"%s\" is not a process id", s);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

/* Whether path is an ELF core file (its header says so). */
static bool is_core_file(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool core;

	if (fd < 0)
		return false;
	core = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && memcmp(h, ELFMAG, SELFMAG) == 0 &&
	       h[EI_DATA] == ELFDATA2LSB && h[16] == ET_CORE && h[17] == 0;
	close(fd);
	return core;
}

int opts_parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *name = long_name(arg);
		const char *value = NULL;
		char buf[64];
		const char *eq;

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (!name || !*name)
			break; /* PROG */
		/* --opt=value */
		eq = strchr(name, '=');
		if (eq && (size_t)(eq - name) < sizeof(buf)) {
			memcpy(buf, name, (size_t)(eq - name));
			buf[eq - name] = '\0';
			name = buf;
			value = eq + 1;
		}
		if (is(name, "batch", NULL)) {
			o->batch = true;
		} else if (is(name, "q", "quiet") || is(name, "silent", NULL)) {
			o->quiet = true;
		} else if (is(name, "n", "nx")) {
			o->nx = true;
		} else if (is(name, "json", NULL)) {
			o->json = true;
		} else if (is(name, "version", "v")) {
			o->version = true;
		} else if (is(name, "h", "help")) {
			o->help = true;
		} else if (is(name, "p", "pid") || is(name, "x", "command") ||
			   is(name, "ex", "eval-command") || is(name, "plugin", NULL) ||
			   is(name, "c", "core") || is(name, "sysroot", NULL)) {
			if (!value) {
				if (i + 1 >= argc) {
					err_set("option %s needs a value", arg);
					return -1;
				}
				value = argv[++i];
			}
			if (is(name, "p", "pid")) {
				if (parse_pid(value, &o->pid) < 0)
					return -1;
			} else if (is(name, "c", "core")) {
				o->core = value;
			} else if (is(name, "sysroot", NULL)) {
				o->sysroot = value;
			} else if (is(name, "plugin", NULL)) {
				o->plugins = xrealloc(o->plugins,
						      (o->nplugins + 1) * sizeof(*o->plugins));
				o->plugins[o->nplugins++] = value;
			} else {
				add_cmd(o, is(name, "x", "command"), value);
			}
		} else {
			err_set("unknown option %s", arg);
			return -1;
		}
		if (value && !is(name, "p", "pid") && !is(name, "x", "command") &&
		    !is(name, "ex", "eval-command") && !is(name, "plugin", NULL) &&
		    !is(name, "c", "core") && !is(name, "sysroot", NULL)) {
			err_set("option --%s takes no value", name);
			return -1;
		}
	}
	if (i < argc) {
		o->prog_argv = &argv[i];
		o->prog_argc = argc - i;
	}
	/* gdb's "PROG CORE": a second word that is a core file is one. */
	if (!o->core && !o->pid && o->prog_argc == 2 && is_core_file(o->prog_argv[1])) {
		o->core = o->prog_argv[1];
		o->prog_argc = 1;
	}
	if (o->pid && o->prog_argv) {
		err_set("give either -p PID or PROG, not both");
		return -1;
	}
	if (o->core && o->pid) {
		err_set("give either -p PID or --core FILE, not both");
		return -1;
	}
	if (o->core && o->prog_argc > 1) {
		err_set("with a core file, give only the program (no arguments)");
		return -1;
	}
	return 0;
}

void opts_free(struct opts *o)
{
	free(o->cmds);
	o->cmds = NULL;
	o->ncmds = 0;
	free(o->plugins);
	o->plugins = NULL;
	o->nplugins = 0;
}
