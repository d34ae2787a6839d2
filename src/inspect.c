/* inspect.c - inspectors at work: the frames and locations plugins claim */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "inspect.h"
#include "plugin-api.h"
#include "plugin-host.h"
#include "rec.h"
#include "session.h"
#include "sym.h"
#include "target.h"
#include "unwind.h"

/* One frame as the hooks see it, built once per frame. */
struct claim {
	struct session *s;
	const struct plugin_inspector *pi;
	struct lurk_frame frame;
	struct sym_loc loc;
};

struct match_call {
	const struct plugin_inspector *pi;
	const char *module, *function;
};

static int call_match(void *arg)
{
	struct match_call *m = arg;

	return m->pi->d.match(m->pi->owner, m->pi->d.userdata, m->module, m->function) != 0;
}

static bool claims(const struct plugin_inspector *pi, const char *module, const char *function)
{
	struct match_call m = { pi, module, function };

	if (!plugin_enabled(pi->owner))
		return false;
	for (char **f = pi->functions; function && *f; f++)
		if (fnmatch(*f, function, 0) == 0)
			return true;
	if (pi->d.match && plugin_call(pi->owner, call_match, &m) == 1)
		return true;
	err_clear();
	return false;
}

static bool have_inspectors(const struct session *s)
{
	return s->plugins->ninspectors > 0 && !s->raw_frames;
}

static void frame_of(struct claim *c, const struct thread *th, const struct frame *f, int level)
{
	plugin_frame_fill(c->s, th ? target_th_num(th) : 0, f, level, true, &c->frame, &c->loc);
}

/* ---- describe ---------------------------------------------------------- */

struct describe_call {
	struct claim *c;
	struct lurk_frame_desc desc;
};

static int call_describe(void *arg)
{
	struct describe_call *d = arg;
	const struct plugin_inspector *pi = d->c->pi;

	return pi->d.describe(pi->owner, pi->d.userdata, &d->c->frame, &d->desc);
}

/* The first claiming inspector that does not decline describes the frame: false when none. */
static bool describe_desc(struct claim *c, struct lurk_frame_desc *desc)
{
	struct plugin_set *set = c->s->plugins;

	for (size_t i = 0; i < set->ninspectors; i++) {
		struct describe_call d = { .c = c, .desc = { .size = sizeof(d.desc) } };
		int ret;

		c->pi = &set->inspectors[i];
		if (!c->pi->d.describe || !claims(c->pi, c->frame.module, c->frame.function))
			continue;
		ret = plugin_call(c->pi->owner, call_describe, &d);
		err_clear();
		if (ret != 0)
			continue;
		d.desc.name[sizeof(d.desc.name) - 1] = '\0';
		d.desc.note[sizeof(d.desc.note) - 1] = '\0';
		*desc = d.desc;
		return true;
	}
	return false;
}

static void describe(struct claim *c, struct rec *rec)
{
	struct lurk_frame_desc desc;

	if (!describe_desc(c, &desc))
		return;
	if (desc.name[0]) {
		if (rec_has(rec, "func"))
			rec_set_str(rec, "native_func", rec_str(rec, "func"));
		rec_set_str(rec, "func", desc.name);
	}
	if (desc.note[0])
		rec_set_str(rec, "note", desc.note);
	rec_set_str(rec, "inspector", c->pi->d.name);
}

/* ---- expand ------------------------------------------------------------ */

struct expand_call {
	struct claim *c;
	void (*add)(void *arg, const struct lurk_logical_frame *lf);
	void *arg;
	size_t count;
};

/* A logical frame from a plugin, checked before anything reads it. */
static void emit_logical(void *arg, const struct lurk_logical_frame *lf)
{
	struct expand_call *e = arg;

	if (!lf || lf->size < offsetof(struct lurk_logical_frame, kind) || !lf->function)
		return;
	e->count++;
	e->add(e->arg, lf);
}

static void add_logical_rec(void *arg, const struct lurk_logical_frame *lf)
{
	struct rec *o = rec_push_obj(arg);

	rec_set_str(o, "func", lf->function);
	if (lf->file)
		rec_set_str(o, "file", lf->file);
	if (lf->line > 0)
		rec_set_int(o, "line", lf->line);
	if (lf->size >= offsetof(struct lurk_logical_frame, note) && lf->kind)
		rec_set_str(o, "kind", lf->kind);
	if (lf->size >= offsetof(struct lurk_logical_frame, locals) && lf->note)
		rec_set_str(o, "note", lf->note);
	if (lf->size >= sizeof(*lf) && lf->locals)
		rec_set_str(o, "locals_command", lf->locals);
}

static int call_expand(void *arg)
{
	struct expand_call *e = arg;
	const struct plugin_inspector *pi = e->c->pi;

	return pi->d.expand(pi->owner, pi->d.userdata, &e->c->frame, emit_logical, e);
}

/*
 * The first claiming inspector that expands the frame into logical frames
 * gives them to add, innermost first. Returns how many (0: none did).
 */
static size_t expand_each(struct claim *c,
			  void (*add)(void *arg, const struct lurk_logical_frame *lf), void *arg)
{
	struct plugin_set *set = c->s->plugins;

	for (size_t i = 0; i < set->ninspectors; i++) {
		struct expand_call e = { c, add, arg, 0 };

		c->pi = &set->inspectors[i];
		if (!c->pi->d.expand || !claims(c->pi, c->frame.module, c->frame.function))
			continue;
		plugin_call(c->pi->owner, call_expand, &e);
		err_clear();
		/* Frames given before a failure are kept: the caller has them already. */
		if (e.count)
			return e.count;
	}
	return 0;
}

static void expand(struct claim *c, struct rec *rec)
{
	struct rec *logical = rec_arr();

	if (expand_each(c, add_logical_rec, logical))
		rec_set_take(rec, "logical", logical);
	else
		rec_free(logical);
}

void inspect_frame(const struct session *s, const struct thread *th, const struct frame *f,
		   int level, struct rec *rec)
{
	/*
	 * Reports describe frames without changing the session; the plugin ABI
	 * hands inspectors the session as a handle, for reading the process.
	 */
	struct claim c = { .s = (struct session *)s };

	if (!have_inspectors(s))
		return;
	frame_of(&c, th, f, level);
	describe(&c, rec);
	expand(&c, rec);
}

/* ---- elide ------------------------------------------------------------- */

static int call_elide(void *arg)
{
	struct claim *c = arg;

	return c->pi->d.elide(c->pi->owner, c->pi->d.userdata, &c->frame) == 1;
}

static bool elided(struct claim *c)
{
	struct plugin_set *set = c->s->plugins;

	for (size_t i = 0; i < set->ninspectors; i++) {
		c->pi = &set->inspectors[i];
		if (!c->pi->d.elide || !claims(c->pi, c->frame.module, c->frame.function))
			continue;
		if (plugin_call(c->pi->owner, call_elide, c) == 1)
			return true;
		err_clear();
	}
	return false;
}

bool inspect_elide(struct session *s, const struct thread *th, const struct frame *f, int level)
{
	struct claim c = { .s = s };

	if (!have_inspectors(s))
		return false;
	frame_of(&c, th, f, level);
	return elided(&c);
}

void inspect_names(struct session *s, const struct thread *th, const struct frame *f, int level,
		   void (*add)(void *arg, const struct lurk_logical_frame *lf), void *arg,
		   struct inspect_names *out)
{
	struct claim c = { .s = s };
	struct lurk_frame_desc desc;

	memset(out, 0, sizeof(*out));
	if (!have_inspectors(s))
		return;
	plugin_frame_fill(s, th ? target_th_num(th) : 0, f, level, false, &c.frame, &c.loc);
	out->elided = elided(&c);
	if (out->elided)
		return;
	out->nlogical = expand_each(&c, add, arg);
	out->looked_up = true;
	if (out->nlogical)
		return;
	if (describe_desc(&c, &desc) && desc.name[0])
		snprintf(out->name, sizeof(out->name), "%s", desc.name);
	else if (c.loc.func)
		snprintf(out->name, sizeof(out->name), "%s", c.loc.func);
}

/* ---- sample memory ---------------------------------------------------- */

struct sample_call {
	const struct plugin_inspector *pi;
	struct target *t;
};

static void add_sample_memory(void *arg, uint64_t addr, uint64_t len)
{
	struct sample_call *c = arg;

	target_freeze_add(c->t, addr, len);
}

static int call_sample_memory(void *arg)
{
	struct sample_call *c = arg;

	return c->pi->d.sample_memory(c->pi->owner, c->pi->d.userdata, add_sample_memory, c);
}

void inspect_sample_memory(struct session *s)
{
	struct plugin_set *set = s->plugins;

	if (!have_inspectors(s))
		return;
	for (size_t i = 0; i < set->ninspectors; i++) {
		struct sample_call c = { &set->inspectors[i], s->target };

		if (c.pi->d.sample_memory && plugin_enabled(c.pi->owner))
			plugin_call(c.pi->owner, call_sample_memory, &c);
		err_clear();
	}
}

/* ---- resolve ----------------------------------------------------------- */

struct resolve_call {
	const struct plugin_inspector *pi;
	const char *location;
	void (*add)(void *arg, uint64_t addr);
	void *arg;
	int count;
};

static void add_address(void *arg, uint64_t addr)
{
	struct resolve_call *r = arg;

	r->count++;
	r->add(r->arg, addr);
}

static int call_resolve(void *arg)
{
	struct resolve_call *r = arg;

	return r->pi->d.resolve(r->pi->owner, r->pi->d.userdata, r->location, add_address, r);
}

int inspect_resolve(struct session *s, const char *location, void (*add)(void *arg, uint64_t addr),
		    void *arg)
{
	struct plugin_set *set = s->plugins;

	for (size_t i = 0; i < set->ninspectors; i++) {
		struct resolve_call r = { &set->inspectors[i], location, add, arg, 0 };

		if (!r.pi->d.resolve || !plugin_enabled(r.pi->owner))
			continue;
		if (plugin_call(r.pi->owner, call_resolve, &r) == 0 && r.count > 0)
			return r.count;
		err_clear();
	}
	return 0;
}

/* ---- traced calls ------------------------------------------------------ */

struct call_call {
	const struct plugin_inspector *pi;
	const struct lurk_call *call;
	struct lurk_frame_desc desc;
};

static int call_describe_call(void *arg)
{
	struct call_call *c = arg;

	return c->pi->d.describe_call(c->pi->owner, c->pi->d.userdata, c->call, &c->desc);
}

bool inspect_call(struct session *s, const struct lurk_call *call, char *name, size_t name_len,
		  char *note, size_t note_len)
{
	struct plugin_set *set = s->plugins;

	if (!set->ninspectors)
		return false;
	for (size_t i = 0; i < set->ninspectors; i++) {
		struct call_call c = { .pi = &set->inspectors[i],
				       .call = call,
				       .desc = { .size = sizeof(c.desc) } };

		if (!c.pi->d.describe_call || !claims(c.pi, call->module, call->function))
			continue;
		if (plugin_call(c.pi->owner, call_describe_call, &c) != 0) {
			err_clear();
			continue;
		}
		c.desc.name[sizeof(c.desc.name) - 1] = '\0';
		c.desc.note[sizeof(c.desc.note) - 1] = '\0';
		snprintf(name, name_len, "%s", c.desc.name);
		snprintf(note, note_len, "%s", c.desc.note);
		return true;
	}
	return false;
}

bool inspect_claims_call(struct session *s, const char *module, const char *function)
{
	struct plugin_set *set = s->plugins;

	for (size_t i = 0; i < set->ninspectors; i++)
		if (set->inspectors[i].d.describe_call &&
		    claims(&set->inspectors[i], module, function))
			return true;
	return false;
}
