/* value-history.c - gdb's value history ($1, $, $$2) and convenience variables ($x) */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "regs.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/*
 * One debugger, one history: the value engine has no session of its own,
 * so the values live here. history[i] is $(i + 1); a value whose type
 * came from the process's DWARF is forgotten when the process goes
 * (its type would dangle), its number stays taken.
 */
struct slot {
	bool set;
	struct value v;
};

static struct slot *history;
static size_t nhistory, history_cap;

struct conv {
	char *name;
	struct value v;
};

static struct conv *convs;
static size_t nconvs, convs_cap;

/*
 * A scalar's value now, so that $1 keeps what print showed as gdb's
 * history does. Aggregates keep their address and are read again when
 * used: a snapshot of their bytes would need values that carry a buffer.
 */
static void snapshot(const struct frame_ctx *fc, struct value *v)
{
	enum vkind k = vtype_kind(&v->type);
	uint64_t size = vtype_size(&v->type), n;
	unsigned char b[16] = { 0 };
	struct vctx c;

	if (!fc || v->loc == VL_CONST || v->loc == VL_NONE || v->optimized_out || v->type.count)
		return;
	if (k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY || k == VK_FUNC || k == VK_VOID ||
	    k == VK_OTHER)
		return;
	if (vctx_open(fc, &c) == 0) {
		if (k == VK_FLOAT && size && size <= 16 && vloc_read_bytes(&c, v, b, size) == 0) {
			memcpy(&v->cval, b, 8);
			memcpy(&v->cval_hi, b + 8, 8);
			v->loc = VL_CONST;
		} else if (k != VK_FLOAT && vloc_read_scalar(&c, v, &n) == 0) {
			v->cval = n;
			v->loc = VL_CONST;
			v->bit_size = v->bit_offset = 0;
		}
	}
	vctx_close(&c);
	err_clear();
}

int value_history_add(const struct frame_ctx *fc, const struct value *v)
{
	VEC_GROW(history, nhistory, history_cap);
	history[nhistory].set = true;
	history[nhistory].v = *v;
	snapshot(fc, &history[nhistory].v);
	return (int)++nhistory;
}

size_t value_history_count(void)
{
	return nhistory;
}

const struct value *value_history_get(size_t n)
{
	if (n < 1 || n > nhistory || !history[n - 1].set)
		return NULL;
	return &history[n - 1].v;
}

/* A void value: what an unset convenience variable and an empty history hold. */
static void void_value(struct value *out)
{
	memset(out, 0, sizeof(*out));
	out->type.synth = VK_VOID;
	out->loc = VL_NONE;
}

bool value_is_void(const struct value *v)
{
	return !v->type.has_die && !v->type.ptr && !v->type.count && v->type.synth == VK_VOID;
}

/* Whether name (without its "$") is a history reference: "", "$", "$$N" or "N". */
bool vhist_is_ref(const char *name)
{
	const char *p = name[0] == '$' ? name + 1 : name;

	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

int vhist_lookup(const char *name, struct value *out)
{
	size_t n;

	/* $ (and $0, $$0) is the last value, $$ the one before, $$N N back, $N the Nth. */
	if (name[0] == '$') {
		uint64_t back = 1;

		if (name[1] && parse_u64(name + 1, &back) < 0)
			return -1;
		if (back >= nhistory) {
			void_value(out);
			return 0;
		}
		n = nhistory - back;
	} else if (!name[0] || !strcmp(name, "0")) {
		if (!nhistory) {
			void_value(out);
			return 0;
		}
		n = nhistory;
	} else {
		uint64_t abs;

		if (parse_u64(name, &abs) < 0)
			return -1;
		if (abs < 1 || abs > nhistory) {
			err_set("history has not yet reached $%s", name);
			return -1;
		}
		n = abs;
	}
	if (!history[n - 1].set) {
		err_set("history value $%zu had a type of a program that is gone", n);
		return -1;
	}
	*out = history[n - 1].v;
	return 0;
}

static struct conv *conv_find(const char *name)
{
	for (size_t i = 0; i < nconvs; i++)
		if (!strcmp(convs[i].name, name))
			return &convs[i];
	return NULL;
}

void vconv_get(const char *name, struct value *out)
{
	struct conv *cv = conv_find(name);

	if (cv)
		*out = cv->v;
	else
		void_value(out);
}

void value_conv_set(const struct frame_ctx *fc, const char *name, const struct value *v)
{
	struct conv *cv = conv_find(name);

	if (!cv) {
		VEC_GROW(convs, nconvs, convs_cap);
		cv = &convs[nconvs++];
		cv->name = xstrdup(name);
	}
	cv->v = *v;
	if (fc)
		snapshot(fc, &cv->v);
}

void value_conv_set_int(const char *name, int64_t n)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.type.synth = VK_SIGNED;
	v.type.synth_size = 4;
	v.loc = VL_CONST;
	v.cval = (uint64_t)n;
	value_conv_set(NULL, name, &v);
}

struct value *value_eval_detached(const char *text)
{
	const char *p = text;
	struct value v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '$') {
		size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789_$");

		if (!p[1 + n + strspn(p + 1 + n, " \t")]) {
			char *name = xstrndup(p + 1, n);
			bool reg = !vhist_is_ref(name) && regs_find(arch_host(), name);
			int ret = 0;

			if (vhist_is_ref(name))
				ret = vhist_lookup(name, &v);
			else
				vconv_get(name, &v);

			free(name);
			if (ret < 0)
				return NULL;
			if (!reg && !v.type.has_die)
				return value_dup(&v);
		}
	}
	err_set("the program is not being run");
	return NULL;
}

int value_format_constant(const struct value *v, struct strbuf *out)
{
	struct value_scalar_type t = { .kind = VALUE_SIGNED, .size = 4 };

	if (v->type.has_die || v->type.ptr || v->loc != VL_CONST || v->type.synth != VK_SIGNED) {
		err_set("the program is not being run");
		return -1;
	}
	t.size = v->type.synth_size ? v->type.synth_size : 8;
	value_format_scalar(&t, v->cval, out);
	return 0;
}

void value_conv_set_examined(uint64_t addr, unsigned unit, uint64_t contents)
{
	struct value v;

	/* Types no DIE describes: a char for bytes, an int up to 4, a long for 8. */
	memset(&v, 0, sizeof(v));
	v.type.synth = unit == 1 ? VK_CHAR : VK_SIGNED;
	v.type.synth_size = unit == 8 ? 8 : 4;
	v.loc = VL_CONST;
	v.cval = contents;
	value_conv_set(NULL, "__", &v);
	v.type.ptr = 1;
	v.cval = addr;
	value_conv_set(NULL, "_", &v);
}

void value_conv_each(void (*fn)(void *arg, const char *name, const struct value *v), void *arg)
{
	/* Newest first, as gdb's show convenience lists them. */
	for (size_t i = nconvs; i-- > 0;)
		fn(arg, convs[i].name, &convs[i].v);
}

void value_history_forget_types(void)
{
	size_t keep = 0;

	for (size_t i = 0; i < nhistory; i++)
		if (history[i].v.type.has_die)
			history[i].set = false;
	for (size_t i = 0; i < nconvs; i++) {
		if (convs[i].v.type.has_die) {
			free(convs[i].name);
			continue;
		}
		convs[keep++] = convs[i];
	}
	nconvs = keep;
}

void value_history_free(void)
{
	for (size_t i = 0; i < nconvs; i++)
		free(convs[i].name);
	free(convs);
	free(history);
	convs = NULL;
	history = NULL;
	nconvs = convs_cap = nhistory = history_cap = 0;
}
