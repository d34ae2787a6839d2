/* pyexec.c - py exec: Python code run in the live interpreter, at its next safe point */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "py.h"

/*
 * How it works, on 3.11, 3.13 and 3.14 alike: the code and a small driver
 * go into a fresh directory under the program's own /tmp (reached through
 * /proc/PID/root, so a program in a container sees it), and a page lurk
 * maps in the program holds one line of Python that runs the driver. A
 * stopped thread calls Py_AddPendingCall(PyRun_SimpleString, page): the
 * interpreter's main thread runs it at its next check between bytecodes,
 * holding the GIL, as it runs a signal handler. The driver runs the code in
 * __main__'s namespace with sys.stdout and sys.stderr caught, and writes
 * the output, the repr of a final expression and whether it raised into
 * the directory, which lurk reads and removes.
 */

#define DEFAULT_TIMEOUT_MS 10000
#define PAGE		   4096
#define MAX_CODE	   (1 << 20)

/* File names of a request's code, as the program's frames show them. */
#define DRIVER_FILE  "<lurk py exec>" /* the driver, run by the launcher */
#define CODE_FILE    "<py exec>"      /* what the driver compiles */
#define REQUEST_DIRS "/tmp/lurk-py-exec-"

/* What PyRun_SimpleString runs: it never raises (a pending call that failed would). */
static const char launcher[] =
	"try:\n"
	"    exec(compile(open('%s/run.py', 'rb').read(), '" DRIVER_FILE "', 'exec'), "
	"{'__name__': '__lurk_py_exec__'})\n"
	"except BaseException:\n"
	"    pass\n";

/*
 * The driver, run.py after a line "DIR = '...'": nothing of it stays in
 * __main__, and nothing it does reaches the program's streams.
 */
static const char driver[] =
	"def _lurk_py_exec(dir):\n"
	"    import io, os, sys, traceback\n"
	"    def write(name, text):\n"
	"        with open(os.path.join(dir, name + '.tmp'), 'w') as f:\n"
	"            f.write(text)\n"
	"        os.rename(os.path.join(dir, name + '.tmp'), os.path.join(dir, name))\n"
	"    write('started', '')\n"
	"    with open(os.path.join(dir, 'code.py')) as f:\n"
	"        src = f.read()\n"
	"    out = io.StringIO()\n"
	"    saved = sys.stdout, sys.stderr\n"
	"    value, failed = None, False\n"
	"    sys.stdout = sys.stderr = out\n"
	"    try:\n"
	"        import ast, __main__\n"
	"        tree = ast.parse(src, '" CODE_FILE "', 'exec')\n"
	"        last = None\n"
	"        if tree.body and isinstance(tree.body[-1], ast.Expr):\n"
	"            last = ast.Expression(tree.body.pop().value)\n"
	"        space = {} if os.path.exists(os.path.join(dir, 'private')) else "
	"__main__.__dict__\n"
	"        exec(compile(tree, '" CODE_FILE "', 'exec'), space)\n"
	"        if last is not None:\n"
	"            value = eval(compile(last, '" CODE_FILE "', 'eval'), space)\n"
	"    except BaseException:\n"
	"        failed = True\n"
	"        kind, error, tb = sys.exc_info()\n"
	"        traceback.print_exception(kind, error, tb.tb_next if tb else None)\n"
	"    finally:\n"
	"        sys.stdout, sys.stderr = saved\n"
	"    try:\n"
	"        shown = '' if value is None else repr(value)\n"
	"    except BaseException as e:\n"
	"        shown = '<repr() raised %s>' % type(e).__name__\n"
	"    write('output', out.getvalue())\n"
	"    write('value', shown)\n"
	"    write('failed', '1' if failed else '0')\n"
	"    write('done', '')\n"
	"try:\n"
	"    _lurk_py_exec(DIR)\n"
	"except BaseException:\n"
	"    pass\n";

struct exec_req {
	char host_dir[4200]; /* the directory as lurk reaches it */
	char dir[256];	     /* as the program sees it */
	int pid;
	uint64_t tstate; /* PEP 768: the thread state asked to run it; 0: a pending call */
	int thread;	 /* ...its lurk thread number */
};

/* ---- the program's process: pid, owner, its /tmp ----------------------------------- */

struct first_tid {
	int tid;
};

static int take_tid(void *arg, int thread, int tid, const char *name)
{
	(void)thread;
	(void)name;
	((struct first_tid *)arg)->tid = tid;
	return 1;
}

/*
 * A line "Key:\tnumbers..." of /proc/ID/status: its which'th number (0:
 * the first; Uid and Gid give the effective id second), or -1.
 */
static long status_number(int id, const char *key, int which)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			char *p = line + klen + 1;

			for (int i = 0; i <= which; i++)
				v = strtol(p, &p, 10);
			break;
		}
	fclose(f);
	return v;
}

/* A file of the request, owned by the program's user, who reads it (and writes the answers). */
static int write_file(const char *dir, const char *name, const char *text, size_t len, long uid,
		      long gid)
{
	char path[4400];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (fchown(fd, (uid_t)uid, (gid_t)gid) < 0 || n != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int py_exec_pid(const struct py *py)
{
	struct first_tid t = { -1 };

	api->threads(py->self, take_tid, &t);
	return t.tid > 0 ? (int)status_number(t.tid, "Tgid", 0) : -1;
}

/* The directory, in the program's /tmp, owned by the program's user; its files written. */
static int make_request(const struct py *py, struct exec_req *r, const char *code, size_t len,
			bool private)
{
	char run[sizeof driver + 300];
	long uid, gid;

	r->pid = py_exec_pid(py);
	uid = status_number(r->pid, "Uid", 1);
	gid = status_number(r->pid, "Gid", 1);
	if (r->pid <= 0 || uid < 0 || gid < 0) {
		api->error(py->self, "cannot read the program's /proc/PID/status");
		return -1;
	}
	snprintf(r->host_dir, sizeof r->host_dir, "/proc/%d/root" REQUEST_DIRS "%d-XXXXXX", r->pid,
		 r->pid);
	if (!mkdtemp(r->host_dir)) {
		api->error(py->self, "cannot make a directory in the program's /tmp (%s): %s",
			   r->host_dir, strerror(errno));
		return -1;
	}
	snprintf(r->dir, sizeof r->dir, "/tmp/%s", strrchr(r->host_dir, '/') + 1);
	snprintf(run, sizeof run, "DIR = '%s'\n%s", r->dir, driver);
	/* The program writes its answer there, as whoever it runs as. */
	if (chown(r->host_dir, (uid_t)uid, (gid_t)gid) < 0 ||
	    write_file(r->host_dir, "code.py", code, len, uid, gid) < 0 ||
	    write_file(r->host_dir, "run.py", run, strlen(run), uid, gid) < 0 ||
	    (private && write_file(r->host_dir, "private", "", 0, uid, gid) < 0)) {
		api->error(py->self, "cannot prepare %s for the program's user: %s", r->host_dir,
			   strerror(errno));
		return -1;
	}
	return 0;
}

static bool exists(const struct exec_req *r, const char *name)
{
	char path[4400];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", r->host_dir, name);
	return stat(path, &st) == 0;
}

/* A file of the answer, whole, or NULL. */
static char *read_answer(const struct exec_req *r, const char *name)
{
	char path[4400];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", r->host_dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	for (;;) {
		char *more = realloc(buf, len + 65536 + 1);
		size_t n;

		if (!more)
			break;
		buf = more;
		n = fread(buf + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/*
 * Remove the directory and every file in it, whatever the request wrote
 * (the driver may still write there: it ignores failures).
 */
static void remove_request(const struct exec_req *r)
{
	struct dirent *e;
	char path[sizeof r->host_dir + sizeof e->d_name + 1];
	DIR *d;

	if (!r->host_dir[0])
		return;
	d = opendir(r->host_dir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof path, "%s/%s", r->host_dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(r->host_dir);
}

/* ---- a thread to make the request from ---------------------------------------------- */

/*
 * Py_AddPendingCall takes the interpreter's pending-calls lock and nothing
 * else, but lurk calls it on a thread stopped wherever it was: not one
 * inside the allocator, a libc lock, the dynamic loader, or the pending
 * calls themselves, whose locks it may hold.
 */
static const char *const unsafe[] = { "*malloc*",
				      "*free",
				      "*calloc*",
				      "*realloc*",
				      "_int_*",
				      "tcache_*",
				      "__lll_lock*",
				      "_dl_*",
				      "__GI__dl_*",
				      "dl_*",
				      "*AddPendingCall*",
				      "*make_pending_calls*",
				      "*_Py_HandlePending*",
				      "*MakePendingCalls*",
				      NULL };

struct safety {
	const char *why; /* the first unsafe frame's function, or NULL */
	char func[128];
	int depth;
};

static int check_frame(void *arg, const struct lurk_frame *f)
{
	struct safety *s = arg;

	if (s->depth++ >= 64)
		return 1;
	if (f->module && strstr(f->module, "/ld-linux")) {
		snprintf(s->func, sizeof s->func, "the dynamic loader");
		s->why = s->func;
		return 1;
	}
	for (int i = 0; f->function && unsafe[i]; i++)
		if (!fnmatch(unsafe[i], f->function, 0)) {
			snprintf(s->func, sizeof s->func, "%s()", f->function);
			s->why = s->func;
			return 1;
		}
	return 0;
}

struct pick {
	const struct py *py;
	int thread;
	char why[300]; /* why the threads looked at were unsafe */
};

static int pick_thread(void *arg, int thread, int tid, const char *name)
{
	struct pick *p = arg;
	struct safety s = { 0 };

	(void)tid;
	if (api->frames(p->py->self, thread, check_frame, &s) < 0)
		return 0;
	if (s.why) {
		if (!p->why[0])
			snprintf(p->why, sizeof p->why, "thread %d (%s) is in %s", thread, name,
				 s.why);
		return 0;
	}
	p->thread = thread;
	return 1;
}

/* ---- PEP 768 (3.14 on) -------------------------------------------------------------- */

/* The eval breaker's bit that makes a thread look at its remote-debugger block. */
#define PLEASE_STOP_BIT (1u << 5)

struct ts_choice {
	const struct py *py;
	int pid;
	/* thread states: the GIL holder running code, the GIL holder, the main thread */
	uint64_t running, holder, main;
	int running_num, holder_num, main_num; /* their lurk thread numbers */
};

/* Whether lurk's thread is inside a system call (x86-64: orig_rax holds its number). */
static bool in_syscall(const struct py *py, int thread)
{
	uint64_t nr;

	return thread <= 0 || api->read_register(py->self, thread, "orig_rax", &nr) < 0 ||
	       (int64_t)nr >= 0;
}

static int choose_state(void *arg, const struct py_thread *t)
{
	struct ts_choice *c = arg;

	if (t->interp_id != 0)
		return 0;
	if (t->gil && !c->holder) {
		c->holder = t->tstate;
		c->holder_num = t->thread;
	}
	/* Holding the GIL on the way into a blocking call is no promise to run Python soon. */
	if (t->gil && !c->running && !in_syscall(c->py, t->thread)) {
		c->running = t->tstate;
		c->running_num = t->thread;
	}
	if (t->tid == c->pid) {
		c->main = t->tstate;
		c->main_num = t->thread;
	}
	return 0;
}

/*
 * Ask a thread to run run.py as sys.remote_exec() does: its path in the
 * thread state's remote-debugger block, the pending flag set, and the eval
 * breaker's bit that makes the thread look there at its next check. The
 * thread holding the GIL is asked (it runs Python now), else the main
 * thread. 0 when asked; 1 when this interpreter cannot be asked so (before
 * 3.14, or remote debugging turned off): the caller uses a pending call.
 */
static int request_remote_exec(const struct py *py, struct exec_req *r)
{
	const struct py_layout *l = py->l;
	struct ts_choice c = { .py = py, .pid = r->pid };
	uint64_t interp = 0, breaker = 0;
	int32_t enabled = 0, pending = 0, one = 1;
	char path[512];

	if (!l->rd_path_size)
		return 1;
	if (py_ptr(py, py->runtime + l->rt_interp_head, &interp) < 0 || !interp ||
	    py_read(py, interp + l->rd_enabled, &enabled, sizeof enabled) < 0 || enabled != 1)
		return 1;
	if (py_threads_each(py, choose_state, &c) < 0)
		return -1;
	r->tstate = c.running ? c.running : c.holder ? c.holder : c.main;
	r->thread = c.running ? c.running_num : c.holder ? c.holder_num : c.main_num;
	snprintf(path, sizeof path, "%s/run.py", r->dir);
	if (!r->tstate || strlen(path) >= l->rd_path_size) {
		r->tstate = 0;
		return 1;
	}
	if (py_read(py, r->tstate + l->rd_support + l->rd_pending, &pending, sizeof pending) < 0 ||
	    py_read(py, r->tstate + l->rd_eval_breaker, &breaker, sizeof breaker) < 0)
		return -1;
	if (pending) {
		api->error(py->self,
			   "another remote debugger's request is pending in that thread "
			   "(sys.remote_exec, or an earlier py exec); nothing was changed");
		r->tstate = 0;
		return -1;
	}
	breaker |= PLEASE_STOP_BIT;
	if (api->write_memory(py->self, r->tstate + l->rd_support + l->rd_path, path,
			      strlen(path) + 1) < 0 ||
	    api->write_memory(py->self, r->tstate + l->rd_support + l->rd_pending, &one,
			      sizeof one) < 0 ||
	    api->write_memory(py->self, r->tstate + l->rd_eval_breaker, &breaker, sizeof breaker) <
		    0) {
		api->error(py->self, "cannot ask the interpreter: %s", api->last_error(py->self));
		return -1;
	}
	return 0;
}

/* The request not taken yet: the pending flag cleared, nothing of lurk's stays. */
static void withdraw_remote_exec(const struct py *py, const struct exec_req *r)
{
	int32_t zero = 0;

	api->write_memory(py->self, r->tstate + py->l->rd_support + py->l->rd_pending, &zero,
			  sizeof zero);
}

/* ---- py exec --------------------------------------------------------------------------- */

/* Let the program run (api->run_until): what was read of it before is stale afterwards. */
static int run_program(const struct py *py, int timeout_ms, int (*until)(void *arg), void *arg)
{
	int end = api->run_until(py->self, timeout_ms, until, arg);

	py_pages_clear(py->pages);
	return end;
}

static int done(void *arg)
{
	return exists(arg, "done");
}

static int never(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Requests do not overlap. A pending call queued while the main thread
 * still runs an earlier request of lurk's (code that did not finish in
 * time, or was interrupted) runs nested inside it, where the interpreter's
 * guard against recursion leaves its eval breaker set; on 3.11, with a
 * trace or profile function set (py break's, py profile --exact's), the
 * main thread then spins for ever on the first instruction of the new
 * code, holding the GIL. On 3.14 another thread may serve the new request
 * beside the earlier one: each driver swaps sys.stdout and sys.stderr for
 * its own while it runs and puts back what it found, so the first to end
 * would leave the other's in place for good, and the program's output
 * would be lost. So the program runs until no thread runs the driver,
 * within the timeout, before another request is made. Python breakpoints
 * are paused by the caller: a thread stopped at one would hold the GIL.
 */
struct in_driver {
	const struct py *py;
	bool found;
};

/*
 * A request's code: the driver (run by the launcher, or on 3.14 from its
 * file, run.py in the request's directory), and the code it compiles.
 */
static bool request_file(const char *file)
{
	return !strcmp(file, DRIVER_FILE) || !strcmp(file, CODE_FILE) ||
	       !strncmp(file, REQUEST_DIRS, strlen(REQUEST_DIRS));
}

static int runs_driver(void *arg, const struct py_thread *t)
{
	struct in_driver *d = arg;

	d->found = py_thread_in_file(d->py, t, request_file) > 0;
	return d->found;
}

static int wait_earlier_request(const struct py *py, int timeout_ms)
{
	struct in_driver d = { py, false };
	int waited = 0, end = LURK_RUN_TIMEOUT;

	while (py_threads_each(py, runs_driver, &d) == 0 && d.found) {
		if (waited >= timeout_ms || end != LURK_RUN_TIMEOUT) {
			api->error(py->self,
				   "%s while a thread still runs the code of an earlier "
				   "request (one that did not finish in time, or was "
				   "interrupted): a new one would run inside it or beside it, "
				   "which the interpreter cannot do safely; nothing was changed",
				   end == LURK_RUN_INTERRUPTED ? "interrupted"
				   : end == LURK_RUN_STOPPED   ? "the program stopped"
							       : "timed out");
			return -1;
		}
		end = run_program(py, 100, never, NULL);
		waited += 100;
		d.found = false;
	}
	return 0;
}

/* "--timeout S", "-f FILE", or the code itself (one pair of quotes around it dropped). */
static int parse(const struct py *py, const char *args, int *timeout_ms, char **code, size_t *len)
{
	while (*args == '-') {
		size_t n = strcspn(args, " \t");
		const char *val = args + n + strspn(args + n, " \t");
		size_t vn = strcspn(val, " \t");
		char word[4096];

		if (n == 9 && !strncmp(args, "--timeout", 9)) {
			char *end;
			double s;

			snprintf(word, sizeof word, "%.*s", (int)vn, val);
			s = strtod(word, &end);
			if (!vn || *end || !(s > 0) || s > 3600) {
				api->error(py->self,
					   "--timeout: \"%s\" is not a number of seconds "
					   "from 0 to 3600",
					   word);
				return -1;
			}
			*timeout_ms = (int)(s * 1000);
		} else if (n == 2 && !strncmp(args, "-f", 2)) {
			FILE *f;

			snprintf(word, sizeof word, "%.*s", (int)vn, val);
			f = vn ? fopen(word, "r") : NULL;
			if (!f) {
				api->error(py->self, "-f: cannot read \"%s\": %s", word,
					   vn ? strerror(errno) : "no file named");
				return -1;
			}
			*code = malloc(MAX_CODE + 1);
			*len = *code ? fread(*code, 1, MAX_CODE + 1, f) : 0;
			fclose(f);
			if (!*code || *len > MAX_CODE) {
				api->error(py->self, "-f: %s is larger than %d bytes", word,
					   MAX_CODE);
				return -1;
			}
			args = val + vn + strspn(val + vn, " \t");
			if (*args) {
				api->error(py->self, "py exec -f FILE takes no code besides");
				return -1;
			}
			return 0;
		} else {
			break;
		}
		args = val + vn + strspn(val + vn, " \t");
	}
	*len = strlen(args);
	if (*len >= 2 && (args[0] == '\'' || args[0] == '"') && args[*len - 1] == args[0]) {
		args++;
		*len -= 2;
	}
	if (!*len) {
		api->error(py->self, "usage: py exec [--timeout SECONDS] CODE | py exec -f FILE");
		return -1;
	}
	if (*len > MAX_CODE) {
		api->error(py->self, "the code is larger than %d bytes", MAX_CODE);
		return -1;
	}
	*code = malloc(*len + 1);
	if (!*code) {
		api->error(py->self, "out of memory");
		return -1;
	}
	memcpy(*code, args, *len);
	(*code)[*len] = '\0';
	return 0;
}

/* What the code printed, then its value (into *value_out instead when given); -1 when it raised. */
static int show_answer(const struct py *py, const struct exec_req *r, char **value_out)
{
	char *output = read_answer(r, "output"), *value = read_answer(r, "value");
	char *failed = read_answer(r, "failed");
	bool raised = failed && failed[0] == '1';
	struct lurk_record *rec = api->record_new(py->self);
	int ret = 0;

	api->record_str(rec, "kind", "exec");
	api->record_str(rec, "output", output ? output : "");
	api->record_str(rec, "value", value ? value : "");
	api->record_int(rec, "raised", raised);
	if (api->output_is_json(py->self)) {
		api->record_emit(py->self, rec, "%s", "");
	} else {
		size_t n = output ? strlen(output) : 0;

		/* The program's output as it wrote it; a last line without its newline gets one. */
		if (n)
			api->print(py->self, "%.*s", (int)(output[n - 1] == '\n' ? n - 1 : n),
				   output);
		if (value && value[0] && !value_out)
			api->print(py->self, "%s", value);
		api->record_free(rec);
	}
	if (value_out) {
		*value_out = value;
		value = NULL;
	}
	if (raised) {
		api->error(py->self, "the code raised an exception (its traceback is above)");
		ret = -1;
	}
	free(output);
	free(value);
	free(failed);
	return ret;
}

int py_exec_code(const struct py *py, const char *code, size_t len, int timeout_ms, bool private,
		 char **value_out, bool *runs_on)
{
	struct exec_req r = { .host_dir = "" };
	struct pick pick = { .py = py };
	uint64_t add_call, run_string, page = 0, call_args[2], queued = 1;
	int end, via, ret = -1;
	char launch[1024];

	if (value_out)
		*value_out = NULL;
	if (runs_on)
		*runs_on = false;
	/*
	 * The program may have run since the pages were read (an earlier
	 * request of the same command): a stale eval breaker written back
	 * would put back an old instrumentation version, and a thread whose
	 * version never matches its code's re-instruments for ever without
	 * checking its eval breaker again.
	 */
	py_pages_clear(py->pages);
	if (api->symbol_lookup(py->self, "Py_AddPendingCall", NULL, &add_call, NULL) < 0 ||
	    api->symbol_lookup(py->self, "PyRun_SimpleString", NULL, &run_string, NULL) < 0) {
		api->error(py->self, "the interpreter exports no Py_AddPendingCall or "
				     "PyRun_SimpleString: py exec cannot ask it to run code");
		goto out;
	}
	if (make_request(py, &r, code, len, private) < 0)
		goto out;
	py_break_pause(py, true);
	if (wait_earlier_request(py, timeout_ms) < 0)
		goto out;
	via = request_remote_exec(py, &r);
	if (via < 0)
		goto out;
	if (via == 0)
		goto wait;
	api->threads(py->self, pick_thread, &pick);
	if (!pick.thread) {
		api->error(py->self,
			   "no thread is at a safe point to ask the interpreter from: %s; "
			   "nothing was changed (continue a little and try again)",
			   pick.why[0] ? pick.why : "no thread could be read");
		goto out;
	}
	snprintf(launch, sizeof launch, launcher, r.dir);
	if (api->map_memory(py->self, PAGE, &page) < 0 ||
	    api->write_memory(py->self, page, launch, strlen(launch) + 1) < 0) {
		api->error(py->self, "cannot put the request in the program: %s",
			   api->last_error(py->self));
		goto out;
	}
	call_args[0] = run_string;
	call_args[1] = page;
	if (api->call_function(py->self, pick.thread, add_call, call_args, 2, 2000, &queued) < 0) {
		/* Whether it was queued before the call failed is not known: it must stay harmless. */
		api->error(py->self,
			   "the interpreter did not take the request: %s; lurk's page at "
			   "0x%" PRIx64 " stays mapped in the program, holding \"pass\"",
			   api->last_error(py->self), page);
		api->write_memory(py->self, page, "pass\n", 6);
		page = 0;
		goto out;
	}
	if ((int32_t)queued != 0) {
		api->error(py->self,
			   "the interpreter did not take the request: its queue of pending "
			   "calls is full; nothing was changed");
		goto out;
	}
wait:
	/* Python breakpoints stop no thread while the request runs: it would never finish. */
	py_break_pause(py, true);
	end = run_program(py, timeout_ms, done, &r);
	if (end == LURK_RUN_DONE || done(&r)) {
		/* A moment more for the driver to return, so that py bt shows the program's own frames. */
		if (end == LURK_RUN_DONE)
			run_program(py, 50, never, NULL);
		ret = show_answer(py, &r, value_out);
		goto out;
	}
	if (exists(&r, "started")) {
		/* Past PyRun_SimpleString's parse: the page is no longer read. */
		if (runs_on)
			*runs_on = true;
		api->error(py->self,
			   "the code started in the program and has not finished%s; "
			   "it cannot be stopped safely from outside: it runs on, and what "
			   "it prints or returns is dropped",
			   end == LURK_RUN_INTERRUPTED ? "" : " in time");
		goto out;
	}
	if (r.tstate) {
		withdraw_remote_exec(py, &r);
		api->error(py->self,
			   "%s before the interpreter ran the request: withdrawn; the "
			   "thread asked (thread %d, thread state 0x%" PRIx64
			   ") ran no Python code "
			   "(blocked in C, or in a system call); nothing of lurk's stays in "
			   "the program",
			   end == LURK_RUN_INTERRUPTED ? "interrupted"
			   : end == LURK_RUN_STOPPED   ? "the program stopped"
						       : "timed out",
			   r.thread, r.tstate);
		goto out;
	}
	/* Still queued: the interpreter will run the launcher some day; make it do nothing. */
	api->write_memory(py->self, page, "pass\n", 6);
	api->error(py->self,
		   "%s before the interpreter ran the request: withdrawn. Pending "
		   "calls run in the main thread between bytecodes; it ran none "
		   "(blocked in C, in a system call, or waiting for the GIL). lurk's "
		   "page at 0x%" PRIx64 " stays mapped in the program, holding \"pass\" "
		   "for the call the interpreter still has queued",
		   end == LURK_RUN_INTERRUPTED ? "interrupted"
		   : end == LURK_RUN_STOPPED   ? "the program stopped"
					       : "timed out",
		   page);
	page = 0;
out:
	py_break_pause(py, false);
	if (page && api->unmap_memory(py->self, page, PAGE) < 0)
		api->print(py->self, "warning: lurk's page at 0x%" PRIx64 " stays mapped: %s", page,
			   api->last_error(py->self));
	remove_request(&r);
	return ret;
}

static int count_interpreters(void *arg, const struct py_thread *t)
{
	*(int *)arg = t->interps;
	return 1;
}

void py_exec_say_interpreters(const struct py *py)
{
	int interps = 0;

	py_threads_each(py, count_interpreters, &interps);
	if (interps > 1)
		api->print(py->self,
			   "(the program has %d interpreters: lurk's requests run in the main "
			   "one, interpreter 0; subinterpreters are not reached)",
			   interps);
}

int py_exec_run(const struct py *py, const char *args)
{
	int timeout_ms = DEFAULT_TIMEOUT_MS, ret;
	char *code = NULL;
	size_t len = 0;

	if (parse(py, args, &timeout_ms, &code, &len) < 0) {
		free(code);
		return -1;
	}
	py_exec_say_interpreters(py);
	ret = py_exec_code(py, code, len, timeout_ms, false, NULL, NULL);
	free(code);
	return ret;
}
