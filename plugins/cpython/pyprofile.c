/* pyprofile.c - py profile --exact: cProfile in the live interpreter, every thread, for a while */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "py.h"

/*
 * Two py exec requests around a wait. The first makes a cProfile.Profile
 * and turns it on for every thread: from 3.12 on cProfile rides on
 * sys.monitoring, which covers all threads, new ones too; on 3.11 it
 * profiles the thread that enables it, so every other thread state gets a
 * profiler of its own (one keeps one call stack) through the interpreter's
 * own _PyEval_SetProfile with cProfile's C function (ctypes.pythonapi
 * holds the GIL), and pstats adds them up at the end. A watcher thread ends
 * the profile by itself as soon as lurk leaves (a byte of a page lurk
 * mapped, which lurk clears as it leaves: SIGTERM, SIGHUP), or some time
 * after it should have ended, should lurk be killed outright. The page is
 * given back when lurk ends the profile. The second request ends it and
 * prints pstats' table,
 * and dumps the stats to a file for -o. Both run in a namespace of their
 * own: nothing stays in __main__; while the profile runs, the module
 * _lurk_exact_profile holds the profiler.
 */

static const char start_code[] =
	"import sys, threading\n"
	"if '_lurk_exact_profile' in sys.modules:\n"
	"    raise RuntimeError('a py profile --exact runs already')\n"
	"import cProfile, types\n"
	"state = types.ModuleType('_lurk_exact_profile')\n"
	"state.profilers = [cProfile.Profile()]\n"
	"state.profilers[0].enable()\n"
	"state.threads = len(sys._current_frames())\n"
	"if sys.version_info < (3, 12):\n" PY_CTYPES_THREAD_STATES
	"    func = ctypes.c_void_p.from_address(api.PyThreadState_Get() + %zu).value\n"
	"    me = api.PyThreadState_Get()\n"
	"    for ts in states():\n"
	"        if ts != me:\n"
	"            state.profilers.append(cProfile.Profile())\n"
	"            api._PyEval_SetProfile(ts, func, state.profilers[-1])\n"
	"    state.threads = len(state.profilers)\n"
	"    def stop():\n"
	"        for ts in states():\n"
	"            if ctypes.c_void_p.from_address(ts + %zu).value == func:\n"
	"                api._PyEval_SetProfile(ts, None, None)\n"
	"else:\n"
	"    def stop():\n"
	"        state.profilers[0].disable()\n"
	"def give_up():\n"
	"    if sys.modules.get('_lurk_exact_profile') is state:\n"
	"        del sys.modules['_lurk_exact_profile']\n"
	"        stop()\n"
	"state.stop = stop\n"
	"import ctypes, time\n"
	"lurk_here = ctypes.c_ubyte.from_address(%" PRIu64 ")\n"
	"deadline = time.monotonic() + %d\n"
	"state.ended = threading.Event()\n"
	/* Code of lurk's own (not the request's, which a new request waits for to end). */
	"space = dict(state=state, lurk_here=lurk_here, deadline=deadline, time=time, "
	"give_up=give_up)\n"
	"exec(compile('def watch():\\n'\n"
	"             '    while not state.ended.wait(0.2):\\n'\n"
	"             '        if not lurk_here.value or time.monotonic() > deadline:\\n'\n"
	"             '            give_up()\\n'\n"
	"             '            return\\n', '<lurk py profile>', 'exec'), space)\n"
	"state.watcher = threading.Thread(target=space['watch'], name='lurk-profile-limit', "
	"daemon=True)\n"
	"state.watcher.start()\n"
	"sys.modules['_lurk_exact_profile'] = state\n"
	"state.threads\n";

static const char stop_code[] =
	"import sys\n"
	"state = sys.modules.pop('_lurk_exact_profile', None)\n"
	"if state is None:\n"
	"    raise RuntimeError('the profile had ended already: its time limit passed')\n"
	"state.stop()\n"
	/* The watcher ends after the profile: waiting for it with the profile on skews the counts. */
	"state.ended.set()\n"
	"import pstats\n"
	"stats = pstats.Stats(*state.profilers, stream=sys.stdout)\n"
	"stats.sort_stats('%s').print_stats(%d)\n"
	"path = ''\n"
	"if %d:\n"
	"    import os, tempfile\n"
	"    fd, path = tempfile.mkstemp(prefix='lurk-pstats-', dir='/tmp')\n"
	"    os.close(fd)\n"
	"    stats.dump_stats(path)\n"
	"state.watcher.join()\n"
	"path\n";

/* pstats' sort keys (pstats.SortKey and the older names). */
static const char *const sort_keys[] = { "calls",  "cumulative", "cumtime", "file",    "filename",
					 "module", "ncalls",	 "pcalls",  "line",    "name",
					 "nfl",	   "stdname",	 "time",    "tottime", NULL };

#define EXACT_MAX_SECONDS 3600
/* How long after its end a profile lurk did not end ends by itself. */
#define GIVE_UP_AFTER 60
#define PAGE_BYTES    4096

struct exact_opts {
	double seconds;
	const char *sort;
	int top;
	char out[4096];
};

static int parse_exact(const struct py *py, const char *args, struct exact_opts *o)
{
	char word[4096];

	*o = (struct exact_opts){ .seconds = 5, .sort = "tottime", .top = 30 };
	while (*args) {
		size_t n = strcspn(args, " \t");
		const char *val = args + n + strspn(args + n, " \t");
		size_t vn = strcspn(val, " \t");
		bool takes = (n == 6 && !strncmp(args, "--sort", 6)) ||
			     (n == 2 && !strncmp(args, "-o", 2)) ||
			     (n == 5 && !strncmp(args, "--top", 5));

		if (n >= sizeof word || vn >= sizeof word) {
			api->error(py->self, "\"%.20s...\" is too long", args);
			return -1;
		}
		if (takes && !vn) {
			api->error(py->self, "%.*s needs a value", (int)n, args);
			return -1;
		}
		snprintf(word, sizeof word, "%.*s", (int)(takes ? vn : n), takes ? val : args);
		if (n == 7 && !strncmp(args, "--exact", 7)) {
			/* the mode itself */
		} else if (n == 6 && !strncmp(args, "--sort", 6)) {
			int k = 0;

			while (sort_keys[k] && strcmp(sort_keys[k], word))
				k++;
			if (!sort_keys[k]) {
				api->error(py->self,
					   "--sort: \"%s\" is not a pstats sort key (tottime, "
					   "cumulative, calls, ncalls, name, filename, line, "
					   "stdname, ...)",
					   word);
				return -1;
			}
			o->sort = sort_keys[k];
		} else if (n == 5 && !strncmp(args, "--top", 5)) {
			char *end;
			long v = strtol(word, &end, 10);

			if (*end || v < 1 || v > 100000) {
				api->error(py->self,
					   "--top: \"%s\" is not a number from 1 to 100000", word);
				return -1;
			}
			o->top = (int)v;
		} else if (n == 2 && !strncmp(args, "-o", 2)) {
			snprintf(o->out, sizeof o->out, "%s", word);
		} else if (args[0] != '-' || (args[1] >= '0' && args[1] <= '9')) {
			char *end;

			o->seconds = strtod(word, &end);
			if (*end || !(o->seconds > 0) || o->seconds > EXACT_MAX_SECONDS) {
				api->error(py->self,
					   "\"%s\" is not a number of seconds from 0 to %d", word,
					   EXACT_MAX_SECONDS);
				return -1;
			}
		} else {
			api->error(py->self,
				   "py profile --exact: unknown option %s (--sort KEY, -o FILE, "
				   "--top N)",
				   word);
			return -1;
		}
		args = takes ? val + vn : args + n;
		args += strspn(args, " \t");
	}
	return 0;
}

static int never(void *arg)
{
	(void)arg;
	return 0;
}

/* The pstats file the stop request dumped (a path in the program, repr'd) to out on lurk's side. */
static int fetch_stats(const struct py *py, const char *value, const char *out)
{
	char from[4600], path[4096], buf[65536];
	size_t len = value ? strlen(value) : 0;
	int in, to, ret = 0;
	ssize_t n;

	if (len < 3 || (value[0] != '\'' && value[0] != '"') || value[len - 1] != value[0] ||
	    len - 2 >= sizeof path) {
		api->error(py->self, "the program wrote no statistics file");
		return -1;
	}
	snprintf(path, sizeof path, "%.*s", (int)(len - 2), value + 1);
	snprintf(from, sizeof from, "/proc/%d/root%s", py_exec_pid(py), path);
	in = open(from, O_RDONLY | O_CLOEXEC);
	to = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || to < 0) {
		api->error(py->self, "cannot copy the statistics to %s: %s", out, strerror(errno));
		ret = -1;
	}
	while (ret == 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(to, buf, (size_t)n) != n) {
			api->error(py->self, "cannot write %s: %s", out, strerror(errno));
			ret = -1;
		}
	if (in >= 0)
		close(in);
	if (to >= 0 && close(to) < 0 && ret == 0) {
		api->error(py->self, "cannot write %s: %s", out, strerror(errno));
		ret = -1;
	}
	unlink(from);
	if (ret == 0)
		api->print(py->self, "Statistics written to %s (python3 -m pstats %s).", out, out);
	return ret;
}

int py_profile_exact(const struct py *py, const char *args)
{
	struct exact_opts o;
	char code[sizeof start_code + 96], stop[sizeof stop_code + 64], *value = NULL;
	const unsigned char one = 1, zero = 0;
	uint64_t page = 0;
	bool runs_on;
	int end, ret;

	if (parse_exact(py, args, &o) < 0)
		return -1;
	if (!py->l->dbg && !py->l->ts_c_profilefunc) {
		api->error(py->self, "this interpreter's thread states cannot be given a profiler");
		return -1;
	}
	/* The byte the watcher reads: 1 while lurk is there. */
	if (api->map_memory(py->self, PAGE_BYTES, &page) < 0 ||
	    api->write_memory(py->self, page, &one, 1) < 0 ||
	    api->clear_on_leave(py->self, page) < 0) {
		api->error(py->self, "cannot map lurk's page in the program: %s",
			   api->last_error(py->self));
		if (page)
			api->unmap_memory(py->self, page, PAGE_BYTES);
		return -1;
	}
	snprintf(code, sizeof code, start_code, py->l->ts_c_profilefunc, py->l->ts_c_profilefunc,
		 page, (int)o.seconds + GIVE_UP_AFTER);
	if (py_exec_code(py, code, strlen(code), 10000, true, &value, &runs_on) < 0) {
		free(value);
		if (!runs_on) {
			api->unmap_memory(py->self, page, PAGE_BYTES);
			return -1;
		}
		/*
		 * The start runs on (interrupted, or slow): its watcher may come
		 * and reads the page until it ends. Cleared, the byte makes it
		 * give the profile up at once; unmapped, it would fault.
		 */
		api->write_memory(py->self, page, &zero, 1);
		api->print(py->self,
			   "warning: lurk's page at 0x%" PRIx64 " stays mapped in the program: the "
			   "profile's start runs on there, and ends the profile when it sees "
			   "lurk gone",
			   page);
		return -1;
	}
	api->print(py->self,
		   "Profiling %s thread%s for %g s (every call: the program runs "
		   "slower meanwhile)...",
		   value ? value : "?", value && !strcmp(value, "1") ? "" : "s", o.seconds);
	free(value);
	value = NULL;
	end = api->run_until(py->self, (int)(o.seconds * 1000), never, NULL);
	py_pages_clear(py->pages);
	if (end < 0)
		api->print(py->self, "warning: %s", api->last_error(py->self));
	snprintf(stop, sizeof stop, stop_code, o.sort, o.top, o.out[0] != '\0');
	ret = py_exec_code(py, stop, strlen(stop), 10000, true, &value, NULL);
	/*
	 * The watcher has ended (joined) once the stop request ran: nothing
	 * reads the page. Else it is left: the watcher ends the profile when
	 * lurk leaves, and reads it until then.
	 */
	if (ret == 0)
		api->unmap_memory(py->self, page, PAGE_BYTES);
	if (ret == 0 && o.out[0])
		ret = fetch_stats(py, value, o.out);
	free(value);
	return ret;
}
