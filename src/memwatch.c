/* memwatch.c - memory watchpoints: a memory metric of the process sampled against a threshold */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brk.h"
#include "err.h"
#include "memwatch.h"
#include "plugin-host.h"
#include "procfs.h"
#include "session.h"
#include "target.h"
#include "util.h"

static const char *const metric_names[] = { "rss", "vm", "heap" };

/* The metric now, in bytes: statm for rss and vm, RssAnon of status for heap. */
static int read_metric(pid_t pid, enum mem_metric m, uint64_t *bytes)
{
	char path[64], buf[64];
	unsigned long size, resident;
	FILE *f;

	if (m == METRIC_HEAP) {
		if (procfs_status_field(pid, 0, "RssAnon", buf, sizeof(buf)) < 0)
			return -1;
		*bytes = strtoull(buf, NULL, 10) * 1024;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		err_set("cannot read %s", path);
		return -1;
	}
	if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
		fclose(f);
		err_set("cannot parse %s", path);
		return -1;
	}
	fclose(f);
	*bytes = (uint64_t)(m == METRIC_VM ? size : resident) * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

/* The memory watchpoint's metric now: the kernel's, or the plugin's that registered it. */
static int metric_now(struct session *s, const struct brk *b, uint64_t *bytes)
{
	const struct plugin_metric *pm;

	if (b->metric != METRIC_PLUGIN)
		return read_metric(target_pid(s->target), b->metric, bytes);
	pm = plugin_find_metric(s, b->metric_name);
	if (!pm) {
		err_set("metric %s is gone (its plugin was unloaded)", b->metric_name);
		return -1;
	}
	return plugin_read_metric(s, pm, bytes);
}

int memwatch_value(struct session *s, const struct brk *b, uint64_t *bytes)
{
	if (!target_live(s->target)) {
		err_set("no process");
		return -1;
	}
	return metric_now(s, b, bytes);
}

static uint64_t threshold(const struct brk *b)
{
	return b->op == '+' ? b->mbase + b->msize : b->msize;
}

/*
 * Called every millisecond while the program runs: a memory watchpoint
 * fires when its metric goes over the threshold, and again only after the
 * metric has been back at or under it.
 */
/* Sampling periods, in milliseconds: never slower than this, never faster. */
#define SAMPLE_MIN_MS 1
#define SAMPLE_MAX_MS 20

/*
 * How long until the next sample: half the time the metric would need at its
 * current growth rate to reach the threshold, so a steady grower is caught
 * within about one short period while a process far below its threshold is
 * read rarely (each read takes the process's memory lock).
 */
static int next_period_ms(const struct brk *b, uint64_t value, uint64_t now_ns_v)
{
	uint64_t limit = threshold(b), elapsed = now_ns_v - b->mlast_ns;
	double rate, ms;

	if (value >= limit || !b->mlast_ns || elapsed == 0)
		return SAMPLE_MIN_MS;
	if (value <= b->mlast)
		return SAMPLE_MAX_MS;
	rate = (double)(value - b->mlast) / ((double)elapsed / 1e6); /* bytes per ms */
	ms = (double)(limit - value) / rate / 2;
	return ms < SAMPLE_MIN_MS ? SAMPLE_MIN_MS : ms > SAMPLE_MAX_MS ? SAMPLE_MAX_MS : (int)ms;
}

static bool sample_memwatch(void *arg)
{
	struct session *s = arg;
	uint64_t now[4], t = now_ns();
	bool have[4] = { false, false, false, false };
	int period = SAMPLE_MAX_MS;

	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		if (b->type != BRK_MEMWATCH || !b->enabled)
			continue;
		/* One reading per kernel metric per sample; plugin metrics each their own. */
		if (!have[b->metric]) {
			if (metric_now(s, b, &now[b->metric]) < 0) {
				err_clear();
				continue;
			}
			have[b->metric] = b->metric != METRIC_PLUGIN;
		}
		{
			int p = next_period_ms(b, now[b->metric], t);

			if (p < period)
				period = p;
		}
		b->mlast = now[b->metric];
		b->mlast_ns = t;
		if (now[b->metric] <= threshold(b)) {
			b->marmed = true;
			continue;
		}
		if (!b->marmed)
			continue;
		b->marmed = false;
		b->mfired = now[b->metric];
		s->memwatch_fired = b->num;
		return true;
	}
	target_set_sampler(s->target, sample_memwatch, s, period);
	return false;
}

/* Sample while there is a memory watchpoint (but the one being deleted). */
static void update_sampler(struct session *s, const struct brk *deleted)
{
	bool any = false, precise = false;

	for (size_t i = 0; i < s->brks.n; i++) {
		if (s->brks.v[i] == deleted)
			continue;
		any |= s->brks.v[i]->type == BRK_MEMWATCH;
		precise |= s->brks.v[i]->type == BRK_MEMWATCH && s->brks.v[i]->precise;
	}
	target_set_syscall_stops(s->target, precise);
	/* The sampler sets its own next period from the growth it sees. */
	target_set_sampler(s->target, any ? sample_memwatch : NULL, s, SAMPLE_MIN_MS);
}

static int set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	(void)s;
	if (loc >= 0) {
		err_set("watchpoint %d has no locations", b->num);
		return -1;
	}
	/* The sampler skips a disabled one. */
	b->enabled = enabled;
	return 0;
}

static void disarm(struct session *s, struct brk *b)
{
	update_sampler(s, b);
}

static const struct brk_ops memwatch_ops = { set_enabled, disarm, NULL };

/*
 * "rss > 5M", "rss >5M", "rss>5M precise": the metric, the operator and
 * the size, spaces around the operator optional as in a shell's test. The
 * words are cut at the buffers' sizes, which no valid spec reaches.
 */
static int parse_spec(const char *text, char metric[16], char *op, char size[32], bool *precise)
{
	size_t n;
	char rest[16] = "";
	int words;

	text += strspn(text, " \t");
	n = strcspn(text, " \t>+");
	if (n == 0 || n >= 16)
		return -1;
	memcpy(metric, text, n);
	metric[n] = '\0';
	text += n;
	text += strspn(text, " \t");
	if (*text != '>' && *text != '+')
		return -1;
	*op = *text++;
	words = sscanf(text, "%31s %15s", size, rest);
	*precise = words == 2;
	return words == 1 || (words == 2 && !strcmp(rest, "precise")) ? 0 : -1;
}

struct brk *memwatch_create(struct session *s, const char *text)
{
	char metric[16], op, size[32];
	struct brk *b;
	int m = -1;
	bool precise;
	uint64_t bytes, base = 0;

	if (parse_spec(text, metric, &op, size, &precise) < 0) {
		err_set("usage: memwatch rss|vm|heap|PLUGIN-METRIC >|+ SIZE [precise] "
			"(as in memwatch rss > 100M)");
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		if (!strcmp(metric, metric_names[i]))
			m = i;
	if (m < 0 && plugin_find_metric(s, metric))
		m = METRIC_PLUGIN;
	if (m < 0) {
		err_set("unknown metric \"%s\" (rss, vm or heap%s)", metric,
			s->plugins->nmetrics ? ", or a plugin's: see plugin list" : "");
		return NULL;
	}
	if (parse_size(size, &bytes) < 0)
		return NULL;
	b = xcalloc(1, sizeof(*b));
	b->metric = (enum mem_metric)m;
	b->metric_name = xstrdup(metric);
	if (target_live(s->target) && metric_now(s, b, &base) < 0) {
		free(b->metric_name);
		free(b);
		return NULL;
	}
	b->num = ++s->brks.next_num;
	b->type = BRK_MEMWATCH;
	b->ops = &memwatch_ops;
	b->enabled = true;
	b->spec = xasprintf("%s %c %s%s", metric, op, size, precise ? " precise" : "");
	b->precise = precise;
	b->op = op;
	b->msize = bytes;
	b->mbase = base;
	b->marmed = true;
	brk_add(s, b);
	update_sampler(s, NULL);
	return b;
}

enum brk_verdict memwatch_judge(struct session *s, struct brk **out)
{
	struct brk *b = s->memwatch_fired ? brk_find(s, s->memwatch_fired) : NULL;

	*out = NULL;
	err_clear();
	if (!b)
		return BRK_NOT_OURS;
	b->hits++;
	if (b->ignore > 0) {
		b->ignore--;
		return BRK_PASS;
	}
	*out = b;
	return BRK_STOP;
}

void memwatch_lifecycle(struct session *s, enum session_event ev)
{
	if (ev != SESSION_STARTED)
		return;
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		if (b->type != BRK_MEMWATCH)
			continue;
		/* Growth counts from this process's start. */
		b->marmed = true;
		if (metric_now(s, b, &b->mbase) < 0)
			err_clear();
	}
}
