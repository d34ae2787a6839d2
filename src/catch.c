/* catch.c - catchpoints: stops at system calls and at signals the process receives */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brk.h"
#include "catch.h"
#include "err.h"
#include "proc.h"
#include "regs.h"
#include "session.h"
#include "target.h"
#include "util.h"

static bool caught(const struct brk *b, int64_t n)
{
	return n >= 0 && n < TARGET_NSYSCALLS && (b->caught[n / 64] >> (n % 64)) & 1;
}

static void add(struct brk *b, int64_t n)
{
	b->caught[n / 64] |= 1ull << (n % 64);
}

/*
 * The target stops only for what an enabled catchpoint wants (but the one
 * being deleted): system calls are traced at all only while one is on, as
 * PTRACE_SYSCALL costs two stops per call in every thread.
 */
static void update_target(struct session *s, const struct brk *deleted)
{
	uint64_t nrs[TARGET_NSYSCALLS / 64] = { 0 };
	bool sys = false, sigs[NSIG] = { false };

	for (size_t i = 0; i < s->brks.n; i++) {
		const struct brk *b = s->brks.v[i];

		if (b == deleted || !b->enabled)
			continue;
		if (b->type == BRK_CATCH_SYSCALL) {
			sys = true;
			for (size_t k = 0; k < TARGET_NSYSCALLS / 64; k++)
				nrs[k] |= b->caught[k];
		} else if (b->type == BRK_CATCH_SIGNAL) {
			for (int sig = 1; sig < NSIG; sig++)
				sigs[sig] |= caught(b, sig);
		}
	}
	target_catch_syscalls(s->target, sys, nrs);
	for (int sig = 1; sig < NSIG; sig++)
		target_catch_signal(s->target, sig, sigs[sig]);
}

static int set_enabled(struct session *s, struct brk *b, int loc, bool enabled)
{
	if (loc >= 0) {
		err_set("catchpoint %d has no locations", b->num);
		return -1;
	}
	b->enabled = enabled;
	update_target(s, NULL);
	return 0;
}

static void disarm(struct session *s, struct brk *b)
{
	update_target(s, b);
}

static const struct brk_ops catch_ops = { set_enabled, disarm, NULL };

/* A system call's number from its name or number; -1 with err set. */
static int64_t syscall_number(const struct arch *a, const char *word)
{
	char *end;
	long n = strtol(word, &end, 10);

	if (end != word && !*end) {
		if (n < 0 || n >= TARGET_NSYSCALLS) {
			err_set("%s is not a system call number (0-%d)", word,
				TARGET_NSYSCALLS - 1);
			return -1;
		}
		return n;
	}
	for (int64_t nr = 0; nr < TARGET_NSYSCALLS; nr++) {
		const char *name = a->syscall_name(nr);

		if (name && !strcmp(name, word))
			return nr;
	}
	err_set("unknown system call \"%s\"", word);
	return -1;
}

static const char *syscall_name(const struct arch *a, int64_t nr, char *buf, size_t len)
{
	const char *name = a->syscall_name(nr);

	if (name)
		return name;
	snprintf(buf, len, "%lld", (long long)nr);
	return buf;
}

/* gdb's words: What in info breakpoints (spec) and the message when made (desc). */
static void describe_syscalls(const struct arch *a, size_t n, const int64_t *nrs,
			      struct strbuf *spec, struct strbuf *desc)
{
	char buf[32];

	if (!n) {
		sb_add(spec, "syscall \"<any syscall>\"");
		sb_add(desc, "any syscall");
		return;
	}
	sb_add(spec, n > 1 ? "syscalls \"" : "syscall \"");
	sb_add(desc, n > 1 ? "syscalls" : "syscall");
	for (size_t i = 0; i < n; i++) {
		const char *name = syscall_name(a, nrs[i], buf, sizeof(buf));

		sb_addf(spec, "%s%s", i ? ", " : "", name);
		sb_addf(desc, " '%s' [%lld]", name, (long long)nrs[i]);
	}
	sb_add(spec, "\"");
}

static int add_signals(struct brk *b, const char *const *words, size_t n, struct strbuf *spec,
		       struct strbuf *desc)
{
	if (!n || (n == 1 && !strcmp(words[0], "all"))) {
		/* Without a name, gdb leaves out the signals debugging itself uses. */
		for (int sig = 1; sig < NSIG; sig++)
			if (n || (sig != SIGTRAP && sig != SIGINT))
				add(b, sig);
		sb_add(spec, n ? "signal \"<any signal>\"" : "signal \"<standard signals>\"");
		sb_add(desc, n ? "any signal" : "standard signals");
		return 0;
	}
	sb_add(spec, n > 1 ? "signals \"" : "signal \"");
	sb_add(desc, n > 1 ? "signals" : "signal");
	for (size_t i = 0; i < n; i++) {
		int sig = proc_signum(words[i]);

		if (sig <= 0 || sig >= NSIG) {
			err_set("\"%s\" is not a signal (SIGUSR1, usr1, 10 or all)", words[i]);
			return -1;
		}
		add(b, sig);
		sb_addf(spec, "%s%s", i ? " " : "", proc_signame(sig));
		sb_addf(desc, " %s", proc_signame(sig));
	}
	sb_add(spec, "\"");
	return 0;
}

struct brk *catch_create(struct session *s, enum brk_type type, const char *const *words, size_t n,
			 bool temporary, char **desc)
{
	const struct arch *a = target_arch(s->target);
	struct strbuf spec = STRBUF_INIT, text = STRBUF_INIT;
	struct brk *b = xcalloc(1, sizeof(*b));

	if (type == BRK_CATCH_SYSCALL) {
		int64_t *nrs = xcalloc(n ? n : 1, sizeof(*nrs));

		for (size_t i = 0; i < n; i++) {
			nrs[i] = syscall_number(a, words[i]);
			if (nrs[i] < 0) {
				free(nrs);
				goto fail;
			}
			add(b, nrs[i]);
		}
		if (!n)
			memset(b->caught, 0xff, sizeof(b->caught));
		describe_syscalls(a, n, nrs, &spec, &text);
		free(nrs);
	} else if (add_signals(b, words, n, &spec, &text) < 0) {
		goto fail;
	}
	b->num = ++s->brks.next_num;
	b->type = type;
	b->ops = &catch_ops;
	b->enabled = true;
	b->temporary = temporary;
	b->spec = sb_detach(&spec);
	*desc = sb_detach(&text);
	brk_add(s, b);
	update_target(s, NULL);
	return b;
fail:
	sb_free(&spec);
	sb_free(&text);
	free(b);
	return NULL;
}

enum brk_verdict catch_judge(struct session *s, const struct stop_event *ev, struct brk **out)
{
	enum brk_type type = ev->reason == STOP_SIGNAL ? BRK_CATCH_SIGNAL : BRK_CATCH_SYSCALL;
	int64_t n = ev->reason == STOP_SIGNAL ? ev->sig : ev->code;
	enum brk_verdict verdict = BRK_NOT_OURS;

	*out = NULL;
	for (size_t i = 0; i < s->brks.n; i++) {
		struct brk *b = s->brks.v[i];

		if (b->type == type && b->enabled && caught(b, n))
			brk_count_hit(s, b, ev, &verdict, out);
	}
	return verdict;
}
