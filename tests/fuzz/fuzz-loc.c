/*
 * fuzz-loc.c - LOC specs (loc_resolve): FUNC, FILE:LINE, LINE, *ADDR, LIB:FUNC.
 *
 * loc_resolve cannot be fuzzed apart from a process: it asks the target for
 * its symbols (target_sym) before it splits the spec at ':' or looks at
 * digits, so the spec syntax is not separable from the lookups. Each input
 * is resolved twice:
 *
 *   - in a session without a process, where only "", "*EXPR" (plain
 *     integer expressions) and the "not being run" error are reachable;
 *   - in a session attached to a child of this fuzzer (forked at start and
 *     left stopped in pause()), so that FUNC, LIB:FUNC, FILE:LINE and LINE
 *     resolve against real modules (this binary with its DWARF, libc, ...)
 *     and *EXPR goes through the typed evaluator (value.c). Skipped, with a
 *     note, where ptrace is not allowed; LURK_FUZZ_NO_PROCESS=1 skips it too.
 *
 * Nothing here changes the child: resolving only reads its memory.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#include "err.h"
#include "loc.h"
#include "out.h"
#include "plugin-host.h"
#include "regs.h"
#include "session.h"
#include "target.h"

static struct session *idle, *live;
static pid_t child;

static void kill_child(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, __WALL);
		child = 0;
	}
}

static struct session *new_session(void)
{
	FILE *null = fopen("/dev/null", "w");

	struct session *s;

	if (!null)
		abort();
	s = session_new(out_new(null, null), target_new(arch_host()));
	plugin_host_init(s);
	return s;
}

static void start_live_session(void)
{
	pid_t parent = getpid();
	struct stop_event ev;
	const char *no = getenv("LURK_FUZZ_NO_PROCESS");

	if (no && no[0] == '1')
		return;
	child = fork();
	if (child < 0) {
		child = 0;
		return;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	live = new_session();
	err_clear();
	if (target_attach(live->target, child, &ev) < 0) {
		fprintf(stderr, "fuzz-loc: cannot attach to child %d (%s): no process this run\n",
			(int)child, err_get());
		kill_child();
		live = NULL;
		return;
	}
	atexit(kill_child);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	idle = new_session();
	start_live_session();
	return 0;
}

static void resolve(struct session *s, const char *spec, bool has_process)
{
	struct loc_list out;
	int ret;

	err_clear();
	ret = loc_resolve(s, spec, &out);
	if (ret > 0) {
		FUZZ_CHECK(out.n >= 1 && out.n <= (size_t)ret && out.addrs);
	} else {
		FUZZ_CHECK(out.n == 0);
		FUZZ_CHECK(err_isset());
	}
	if (!has_process) {
		const char *p = spec;

		while (*p == ' ')
			p++;
		/* Without a process only *EXPR can resolve. */
		FUZZ_CHECK(ret < 0 || (*p == '*' && ret == 1));
	}
	loc_list_free(&out);
	FUZZ_CHECK(out.addrs == NULL && out.n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);

	resolve(idle, spec, false);
	if (live)
		resolve(live, spec, true);
	free(spec);
	return 0;
}
