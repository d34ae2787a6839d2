/* plugin-host.c - the host side of plugins: loading them and guarded calls into them */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "out.h"
#include "plugin-api.h"
#include "plugin-host.h"
#include "session.h"
#include "target.h"
#include "util.h"

struct lurk_plugin {
	struct session *s;
	char *path;
	void *handle; /* NULL: linked into lurk */
	const struct lurk_plugin_info *info;
	void (*fini)(struct lurk_plugin *self); /* or NULL */
	char *disabled;				/* why the plugin was turned off, or NULL */
	char error[512];			/* what api->error said during the current call */
	bool starting;	/* in lurk_plugin_init: the one time it may register */
	int in_command; /* inside its command's callback: api->run_command works */
	bool reported;	/* a command line it ran failed, and said so */
	void *data;	/* the plugin's own pointer (api->set_plugin_data) */
	struct lurk_plugin *next;
};

/* What the namers said for one stop of one process. */
struct plugin_names {
	const struct target *target;
	int pid;
	unsigned epoch;
	struct plugin_name {
		int thread;
		char name[64];
	} * v;
	size_t n, cap;
};

/* ---- guarded calls ---------------------------------------------------- */

/* The innermost guarded call in progress: a fault jumps back to it. */
static sigjmp_buf *guard_jump;
/* The handlers before lurk's: a fault outside plugin code goes back to them. */
static struct sigaction before_segv, before_bus;
static bool guard_installed;

static void on_fault(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (guard_jump && info->si_code > 0)
		siglongjmp(*guard_jump, sig);
	/*
	 * Not inside plugin code: lurk's own fault. The handler lurk replaced
	 * (the default, or a sanitizer's report) takes it: a fault happens
	 * again when the instruction runs again; a signal sent is raised again.
	 */
	sigaction(sig, sig == SIGBUS ? &before_bus : &before_segv, NULL);
	if (info->si_code <= 0)
		raise(sig);
}

/*
 * Installed once, on the first guarded call, and kept: a profile calls
 * into plugins for every frame of every sample, and two pairs of
 * sigaction calls around each were most of a sample's system calls.
 */
static void install_guard(void)
{
	struct sigaction sa;

	if (guard_installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* Not blocked inside the handler: the jump out need not restore the signal mask. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &before_segv);
	sigaction(SIGBUS, &sa, &before_bus);
	guard_installed = true;
}

int plugin_call(struct lurk_plugin *p, int (*fn)(void *arg), void *arg)
{
	sigjmp_buf here, *outer = guard_jump;
	volatile int ret = -1;
	int sig;

	if (p->disabled) {
		err_set("plugin %s is disabled: %s", p->info->name, p->disabled);
		return -1;
	}
	install_guard();
	sig = sigsetjmp(here, 0);
	if (sig == 0) {
		guard_jump = &here;
		p->error[0] = '\0';
		ret = fn(arg);
	} else {
		const char *name = sig == SIGBUS ? "SIGBUS" : "SIGSEGV";
		char msg[256];

		p->disabled = xasprintf("it crashed with %s", name);
		snprintf(msg, sizeof(msg), "%s crashed (%s) and is disabled for this session",
			 p->info->name, name);
		out_warn(p->s->out, "plugin", msg);
		err_set("plugin %s crashed and is disabled", p->info->name);
		ret = -1;
	}
	guard_jump = outer;
	return ret;
}

int plugin_call_changing(struct lurk_plugin *p, int (*fn)(void *arg), void *arg)
{
	int ret;

	p->in_command++;
	ret = plugin_call(p, fn, arg);
	p->in_command--;
	return ret;
}

bool plugin_enabled(const struct lurk_plugin *p)
{
	return !p->disabled;
}

const char *plugin_name(const struct lurk_plugin *p)
{
	return p->info->name;
}

struct session *plugin_session(const struct lurk_plugin *p)
{
	return p->s;
}

bool plugin_in_command(const struct lurk_plugin *p)
{
	return p->in_command > 0;
}

void plugin_mark_reported(struct lurk_plugin *p)
{
	p->reported = true;
}

void *plugin_data(const struct lurk_plugin *p)
{
	return p->data;
}

void plugin_set_data(struct lurk_plugin *p, void *data)
{
	p->data = data;
}

bool plugin_starting(const struct lurk_plugin *p)
{
	return p->starting;
}

const char *plugin_error(const struct lurk_plugin *p)
{
	return p->error;
}

void plugin_clear_error(struct lurk_plugin *p)
{
	p->error[0] = '\0';
}

void plugin_set_error(struct lurk_plugin *p, const char *fmt, va_list ap)
{
	char text[sizeof(p->error)];

	/* Through a copy: the arguments may be p->error itself (last_error's text). */
	vsnprintf(text, sizeof(text), fmt, ap);
	memcpy(p->error, text, sizeof(text));
}

/* ---- loading ---------------------------------------------------------- */

struct init_call {
	int (*init)(const struct lurk_api *api, struct lurk_plugin *self);
	struct lurk_plugin *p;
};

static int call_init(void *arg)
{
	struct init_call *c = arg;

	return c->init(plugin_api(), c->p);
}

static struct lurk_plugin *find_loaded(struct session *s, const char *name)
{
	for (struct lurk_plugin *p = s->plugins->first; p; p = p->next)
		if (!strcmp(p->info->name, name))
			return p;
	return NULL;
}

/* Check the info record: a plugin for another ABI never runs. Returns 0 or -1 with err set. */
static int check_info(const char *path, const struct lurk_plugin_info *info)
{
	if (info->abi_major != LURK_ABI_MAJOR) {
		err_set("%s was built for plugin ABI %u.%u; this lurk has ABI %d.%d (a different "
			"major version): rebuild it against this lurk's lurk/plugin.h",
			path, info->abi_major, info->abi_minor, LURK_ABI_MAJOR, LURK_ABI_MINOR);
		return -1;
	}
	if (info->abi_minor > LURK_ABI_MINOR) {
		err_set("%s needs plugin ABI %u.%u; this lurk has only %d.%d: use a newer lurk",
			path, info->abi_major, info->abi_minor, LURK_ABI_MAJOR, LURK_ABI_MINOR);
		return -1;
	}
	/*
	 * Before 1.2 the record has no size, and reading it would read past
	 * the plugin's object. A size of 0 is a 1.2 plugin that left it out:
	 * the 1.1 members, which are all lurk reads today.
	 */
	if (info->abi_minor >= 2 && info->size &&
	    info->size < offsetof(struct lurk_plugin_info, size) + sizeof(info->size)) {
		err_set("%s: its lurk_plugin_info is %zu bytes, too small for plugin ABI %u.%u",
			path, info->size, info->abi_major, info->abi_minor);
		return -1;
	}
	if (!info->name || !plugin_reg_valid_name(info->name)) {
		err_set("%s: its lurk_plugin_info has no usable name", path);
		return -1;
	}
	return 0;
}

/*
 * Start a plugin whose info passed check_info: link it in, run its init,
 * guarded. handle is its dlopen handle, NULL when it is linked into lurk;
 * a plugin that fails to start is closed. Returns 0, or -1 with err set
 * and nothing of it left.
 */
static int start(struct session *s, const char *path, void *handle,
		 const struct lurk_plugin_info *info,
		 int (*init)(const struct lurk_api *api, struct lurk_plugin *self),
		 void (*fini)(struct lurk_plugin *self))
{
	struct init_call call = { init, NULL };
	struct lurk_plugin *p;
	int ret;

	if (find_loaded(s, info->name)) {
		err_set("a plugin named %s is already loaded (from %s)", info->name,
			find_loaded(s, info->name)->path);
		if (handle)
			dlclose(handle);
		return -1;
	}
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->path = handle ? realpath(path, NULL) : NULL;
	if (!p->path)
		p->path = xstrdup(path);
	p->handle = handle;
	p->info = info;
	p->fini = fini;
	call.p = p;
	/* Link it in first: init registers through it. */
	if (s->plugins->last)
		s->plugins->last->next = p;
	else
		s->plugins->first = p;
	s->plugins->last = p;
	p->starting = true;
	ret = plugin_call(p, call_init, &call);
	p->starting = false;
	if (ret == 0 && !p->disabled)
		return 0;
	if (!p->disabled || !err_isset())
		err_set("%s failed to start: %s", info->name,
			p->error[0] ? p->error : "lurk_plugin_init returned an error");
	plugin_reg_drop(s->plugins, p);
	/* Unlink: it was the last one. */
	if (s->plugins->first == p) {
		s->plugins->first = s->plugins->last = NULL;
	} else {
		struct lurk_plugin *q = s->plugins->first;

		while (q->next != p)
			q = q->next;
		q->next = NULL;
		s->plugins->last = q;
	}
	/* A crashed init may have left its code running nowhere; keep it mapped. */
	if (handle && !p->disabled)
		dlclose(handle);
	free(p->disabled);
	free(p->path);
	free(p);
	return -1;
}

int plugin_load(struct session *s, const char *path)
{
	int (*init)(const struct lurk_api *api, struct lurk_plugin *self);
	void (*fini)(struct lurk_plugin * self);
	const struct lurk_plugin_info *info;
	void *h;

	if (access(path, R_OK) < 0) {
		err_set("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	/* RTLD_LOCAL: two plugins may define the same names without meeting. */
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		err_set("cannot load %s: %s", path, dlerror());
		return -1;
	}
	info = dlsym(h, "lurk_plugin_info");
	if (!info) {
		err_set("%s is not a lurk plugin (it exports no lurk_plugin_info)", path);
		goto fail;
	}
	if (check_info(path, info) < 0)
		goto fail;
	*(void **)&init = dlsym(h, "lurk_plugin_init");
	if (!init) {
		err_set("%s has no lurk_plugin_init function", path);
		goto fail;
	}
	*(void **)&fini = dlsym(h, "lurk_plugin_fini");
	return start(s, path, h, info, init, fini);
fail:
	dlclose(h);
	return -1;
}

int plugin_load_builtin(struct session *s, const struct lurk_plugin_info *info,
			int (*init)(const struct lurk_api *api, struct lurk_plugin *self),
			void (*fini)(struct lurk_plugin *self))
{
	char *what = xasprintf("(built in: %s)", info->name ? info->name : "?");
	int ret = check_info(what, info) < 0 ? -1 : start(s, what, NULL, info, init, fini);

	free(what);
	return ret;
}

static bool loaded_from(struct session *s, const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return false;
	for (struct lurk_plugin *p = s->plugins->first; p; p = p->next)
		if (!strcmp(p->path, real))
			return true;
	return false;
}

/* Load each *.so of dir (sorted, so the order is the same every time). */
static void load_dir(struct session *s, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		return; /* no such directory: nothing installed there */
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (len > 3 && !strcmp(name + len - 3, ".so")) {
			char *path = xasprintf("%s/%s", dir, name);

			/* The same file found twice (build tree and LURK_PLUGIN_PATH): once. */
			if (!loaded_from(s, path) && plugin_load(s, path) < 0)
				out_warn(s->out, "plugin", err_get());
			err_clear();
			free(path);
		}
		free(names[i]);
	}
	free(names);
}

/* The bundled plugins: beside a lurk run from its build tree, else the installed ones. */
static char *bundled_dir(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash, *dir;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* build/src/lurk -> build/plugins, when build/build.ninja says it is a build tree */
			dir = xasprintf("%s/../build.ninja", exe);
			if (access(dir, F_OK) == 0) {
				free(dir);
				return xasprintf("%s/../plugins", exe);
			}
			free(dir);
		}
	}
	return xstrdup(LURK_PLUGINDIR);
}

void plugin_load_defaults(struct session *s)
{
	char *dir = bundled_dir();
	const char *env = getenv("LURK_PLUGIN_PATH");

	load_dir(s, dir);
	free(dir);
	if (env) {
		char *copy = xstrdup(env), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			load_dir(s, d);
		free(copy);
	}
}

static int call_fini(void *arg)
{
	struct lurk_plugin *p = arg;

	p->fini(p);
	return 0;
}

void plugin_host_init(struct session *s)
{
	s->plugins = xcalloc(1, sizeof(*s->plugins));
}

void plugin_unload_all(struct session *s)
{
	struct lurk_plugin *p = s->plugins->first;

	while (p) {
		struct lurk_plugin *next = p->next;

		if (!p->disabled && p->fini)
			plugin_call(p, call_fini, p);
		err_clear();
		plugin_reg_drop(s->plugins, p);
		if (!p->disabled && p->handle)
			dlclose(p->handle);
		free(p->disabled);
		free(p->path);
		free(p);
		p = next;
	}
	if (s->plugins->names)
		free(s->plugins->names->v);
	free(s->plugins->names);
	plugin_reg_free(s->plugins);
}

void plugin_facts(const struct lurk_plugin *p, struct plugin_facts *out)
{
	*out = (struct plugin_facts){ .name = p->info->name,
				      .version = p->info->version ? p->info->version : "",
				      .summary = p->info->summary ? p->info->summary : "",
				      .path = p->path,
				      .disabled = p->disabled };
	plugin_reg_count(p->s->plugins, p, &out->ncommands, &out->ninspectors, &out->nmetrics);
}

struct lurk_plugin *plugin_next(const struct lurk_plugin *p)
{
	return p->next;
}

/* ---- commands and metrics --------------------------------------------- */

struct command_call {
	const struct plugin_command *c;
	const char *args;
};

static int call_command(void *arg)
{
	struct command_call *cc = arg;

	return cc->c->d.run(cc->c->owner, cc->c->d.userdata, cc->args);
}

void plugin_command_label(const struct plugin_command *c, const char *cmd_name, const char *args,
			  char *buf, size_t len)
{
	size_t n = strcspn(args, " \t");

	snprintf(buf, len, "%s", cmd_name);
	for (const char *const *w = c->d.subcommands; w && *w && n; w++)
		if (strlen(*w) == n && !strncmp(*w, args, n)) {
			snprintf(buf, len, "%s %s", cmd_name, *w);
			return;
		}
}

int plugin_run_command(struct session *s, const struct plugin_command *c, const char *cmd_name,
		       const char *args)
{
	struct command_call cc = { c, args };
	char name[128];
	const char *saved;
	int ret;

	plugin_command_label(c, cmd_name, args, name, sizeof(name));
	saved = plugin_api_command(name);

	/* The plugin's reason, not one left over from an earlier command. */
	err_clear();
	c->owner->in_command++;
	c->owner->reported = false;
	ret = plugin_call(c->owner, call_command, &cc);
	c->owner->in_command--;
	plugin_api_command(saved);
	if (ret != 0 && c->owner->reported)
		return -2;
	if (ret != 0 && (c->owner->error[0] || !err_isset()))
		err_set("%s", c->owner->error[0] ? c->owner->error : "the command failed");
	return ret != 0 ? -1 : 0;
}

struct complete_call {
	const struct plugin_command *c;
	const char *prefix;
	void (*fn)(const char *cand, void *arg);
	void *arg;
};

/* The plugin's add(arg, candidate) in terms of lurk's fn(candidate, arg). */
static void add_candidate(void *arg, const char *candidate)
{
	struct complete_call *cc = arg;

	if (candidate)
		cc->fn(candidate, cc->arg);
}

static int call_complete(void *arg)
{
	struct complete_call *cc = arg;

	cc->c->d.complete(cc->c->owner, cc->c->d.userdata, cc->prefix, add_candidate, cc);
	return 0;
}

void plugin_complete_command(struct session *s, const struct plugin_command *c, const char *prefix,
			     void (*fn)(const char *cand, void *arg), void *arg)
{
	struct complete_call cc = { c, prefix, fn, arg };

	if (c->d.complete)
		plugin_call(c->owner, call_complete, &cc);
	err_clear();
}

struct metric_call {
	const struct plugin_metric *m;
	uint64_t *bytes;
};

static int call_metric(void *arg)
{
	struct metric_call *mc = arg;

	return mc->m->d.read(mc->m->owner, mc->m->d.userdata, mc->bytes);
}

int plugin_read_metric(struct session *s, const struct plugin_metric *m, uint64_t *bytes)
{
	struct metric_call mc = { m, bytes };
	bool prev = plugin_api_reading_metric(true);
	int ret = plugin_call(m->owner, call_metric, &mc);

	plugin_api_reading_metric(prev);
	if (ret != 0) {
		if (!err_isset())
			err_set("metric %s: %s", m->d.name,
				m->owner->error[0] ? m->owner->error
						   : "the plugin could not read it");
		return -1;
	}
	return 0;
}

/* ---- thread names ------------------------------------------------------ */

struct namer_call {
	const struct plugin_thread_namer *namer;
	struct plugin_names *names;
};

static void add_name(void *arg, int thread, const char *name)
{
	struct plugin_names *pn = arg;

	if (!name || !*name)
		return;
	/* The first plugin to name a thread keeps it. */
	for (size_t i = 0; i < pn->n; i++)
		if (pn->v[i].thread == thread)
			return;
	VEC_GROW(pn->v, pn->n, pn->cap);
	pn->v[pn->n].thread = thread;
	snprintf(pn->v[pn->n].name, sizeof(pn->v[pn->n].name), "%s", name);
	pn->n++;
}

static int call_namer(void *arg)
{
	struct namer_call *nc = arg;

	return nc->namer->d.names(nc->namer->owner, nc->namer->d.userdata, add_name, nc->names);
}

/*
 * Asked lazily and kept for the stop epoch: naming walks the program's own
 * data (Python's threading._active), too slow to repeat for every line that
 * names a thread, and the names cannot change while the target is stopped.
 */
int plugin_thread_name(const struct session *s, int num, char *buf, size_t len)
{
	struct plugin_set *set = s->plugins;
	struct plugin_names *pn;

	if (!set->nnamers || !target_live(s->target) || target_running(s->target))
		return -1;
	if (!set->names)
		set->names = xcalloc(1, sizeof(*set->names));
	pn = set->names;
	if (pn->target != s->target || pn->pid != target_pid(s->target) ||
	    pn->epoch != target_epoch(s->target)) {
		pn->target = s->target;
		pn->pid = target_pid(s->target);
		pn->epoch = target_epoch(s->target);
		pn->n = 0;
		for (size_t i = 0; i < set->nnamers; i++) {
			struct namer_call nc = { &set->namers[i], pn };

			/* A namer that fails (not its kind of process) names nothing. */
			plugin_call(nc.namer->owner, call_namer, &nc);
		}
		err_clear();
	}
	for (size_t i = 0; i < pn->n; i++)
		if (pn->v[i].thread == num) {
			snprintf(buf, len, "%s", pn->v[i].name);
			return 0;
		}
	return -1;
}

/* ---- lock sources ------------------------------------------------------ */

struct lock_call {
	const struct plugin_lock_source *src;
	void (*add)(void *arg, const struct lurk_lock_wait *w);
	void *arg;
};

static int call_lock_source(void *arg)
{
	struct lock_call *lc = arg;

	return lc->src->d.waits(lc->src->owner, lc->src->d.userdata, lc->add, lc->arg);
}

void plugin_lock_waits(struct session *s, void (*add)(void *arg, const struct lurk_lock_wait *w),
		       void *arg)
{
	for (size_t i = 0; i < s->plugins->nlock_sources; i++) {
		struct lock_call lc = { &s->plugins->lock_sources[i], add, arg };

		/* A source that fails (not its kind of process) adds nothing. */
		plugin_call(lc.src->owner, call_lock_source, &lc);
		err_clear();
	}
}
