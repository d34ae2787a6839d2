/* value-loc.c - where a value lives in a frame: DWARF location expressions, frame base, reading values */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "frame.h"
#include "regs.h"
#include "scopes.h"
#include "sym.h"
#include "target.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/* ---- the frame ------------------------------------------------------- */

/*
 * The scopes at a pc, kept for the stop: a bt of many threads asks for the
 * same functions (a libc wait) again and again, for their arguments, and
 * every lookup walks the unit's DIEs. Modules cannot change while the
 * process is stopped, so an entry is good for the stop epoch it was made in.
 */
#define SCOPE_SLOTS 64

static struct scope_slot {
	const struct target *target;
	unsigned epoch;
	Dwfl_Module *dm;
	uint64_t pc;
	bool has_cu;
	Dwarf_Die cu;
	Dwarf_Addr bias;
	int nscopes;
	Dwarf_Die *scopes;
	/* scopes_at()'s nesting, made when a frame in inlined code first asks */
	bool chain_made;
	int nchain;
	Dwarf_Die *chain;
} scope_slots[SCOPE_SLOTS];

static void slot_clear(struct scope_slot *slot)
{
	free(slot->scopes);
	free(slot->chain);
	memset(slot, 0, sizeof(*slot));
}

/*
 * Narrow c->scopes to the frame of an inlined call: skip inlined calls at
 * the pc are inside the frame. dwarf_getscopes follows the innermost
 * inlined call into its abstract definition, losing the calls around it and
 * the machine frame's function: scopes_at gives the nesting in the code.
 * The frame sees its own scopes up to its function, then the compile
 * unit's (globals), never a caller's locals.
 */
static void vctx_inline_scopes(struct vctx *c, struct scope_slot *slot, int skip)
{
	const Dwarf_Die *chain;
	Dwarf_Die *mine;
	int nchain, start = 0, end = -1, fn = -1, seen = 0, n = 0;
	bool inlined = false;

	for (int i = 0; i < c->nscopes; i++) {
		inlined |= dwarf_tag(&c->scopes[i]) == DW_TAG_inlined_subroutine;
		if (!c->has_frame_fn && dwarf_tag(&c->scopes[i]) == DW_TAG_subprogram) {
			c->frame_fn = c->scopes[i];
			c->has_frame_fn = true;
		}
	}
	if (!inlined)
		return;
	if (!slot->chain_made) {
		slot->chain_made = true;
		slot->nchain = scopes_at(&c->cu, c->pc - c->bias, &slot->chain);
	}
	if ((nchain = slot->nchain) <= 0)
		return;
	chain = slot->chain;
	for (int i = 0; i < nchain; i++) {
		int tag = dwarf_tag((Dwarf_Die *)&chain[i]);

		if (tag == DW_TAG_subprogram && fn < 0)
			fn = i;
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		if (seen == skip && end < 0)
			end = i;
		if (++seen == skip)
			start = i + 1;
	}
	if (fn < 0 || end < start)
		return;
	mine = xcalloc((size_t)(end - start + 1 + nchain - fn - 1), sizeof(*mine));
	for (int i = start; i <= end; i++)
		mine[n++] = chain[i];
	for (int i = fn + 1; i < nchain; i++)
		mine[n++] = chain[i];
	c->frame_fn = chain[fn];
	c->has_frame_fn = true;
	free(c->scopes);
	c->scopes = mine;
	c->nscopes = n;
}

static struct scope_slot *find_scopes(struct vctx *c)
{
	struct scope_slot *slot = &scope_slots[(c->pc ^ (c->pc >> 7)) % SCOPE_SLOTS];
	const struct target *t = c->fc->target;
	Dwarf_Die *cu;

	if (!t || slot->target != t || slot->epoch != target_epoch(t) || slot->dm != c->dm ||
	    slot->pc != c->pc) {
		slot_clear(slot);
		cu = c->dm ? sym_module_cu_at(c->dm, c->pc, &slot->cu, &slot->bias) : NULL;
		if (cu) {
			slot->has_cu = true;
			slot->nscopes = dwarf_getscopes(cu, c->pc - slot->bias, &slot->scopes);
			if (slot->nscopes < 0)
				slot->nscopes = 0;
		}
		slot->target = t;
		slot->epoch = t ? target_epoch(t) : 0;
		slot->dm = c->dm;
		slot->pc = c->pc;
	}
	c->has_cu = slot->has_cu;
	c->cu = slot->cu;
	c->bias = slot->bias;
	c->nscopes = slot->nscopes;
	c->scopes = NULL;
	if (slot->nscopes) {
		c->scopes = xcalloc((size_t)slot->nscopes, sizeof(Dwarf_Die));
		memcpy(c->scopes, slot->scopes, (size_t)slot->nscopes * sizeof(Dwarf_Die));
	}
	return slot;
}

/* Without a target there is no epoch to trust: keep nothing. */
static void forget_untargeted(const struct vctx *c, struct scope_slot *slot)
{
	if (!c->fc->target)
		slot_clear(slot);
}

int vctx_open(const struct frame_ctx *fc, struct vctx *c)
{
	struct sym *sym = frame_sym(fc);
	struct scope_slot *slot;
	uint64_t pc;
	int phys, skip;

	memset(c, 0, sizeof(*c));
	c->fc = fc;
	c->level = -1;
	if (!sym)
		return -1;
	if (!fc->thread || frame_pc(fc, &pc) < 0) {
		/* No frame: globals, functions and numbers still evaluate. */
		err_clear();
		return 0;
	}
	c->level = fc->level;
	if (frame_inline(fc, &phys, &skip) < 0) {
		err_clear();
		phys = fc->level;
		skip = 0;
	}
	c->pc = pc - (phys > 0 ? 1 : 0);
	c->dm = sym_module_at(sym, c->pc);
	slot = find_scopes(c);
	if (c->has_cu)
		vctx_inline_scopes(c, slot, skip);
	forget_untargeted(c, slot);
	return 0;
}

void vctx_close(struct vctx *c)
{
	free(c->scopes);
}

static int vctx_reg(struct vctx *c, int dwarf_reg, uint64_t *v)
{
	const struct arch *a = frame_arch(c->fc);
	const struct arch_reg *reg = regs_by_dwarf(a, dwarf_reg);
	int vec = regs_vector_by_dwarf(a, dwarf_reg);

	if (!reg && vec >= 0)
		return frame_vector(c->fc, vec, v);
	if (!reg) {
		err_set("no register with DWARF number %d", dwarf_reg);
		return -1;
	}
	return frame_reg(c->fc, reg, v);
}

static int vctx_cfa(struct vctx *c, uint64_t *cfa)
{
	if (c->level < 0) {
		err_set("the frame's CFA is not known (no caller frame)");
		return -1;
	}
	return frame_cfa(c->fc, cfa);
}

static int vloc_eval_ops(struct vctx *c, Dwarf_Op *ops, size_t n, struct value *out);

static int vloc_frame_base(struct vctx *c, uint64_t *base)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	struct value v;

	if (c->has_frame_fn && dwarf_attr_integrate(&c->frame_fn, DW_AT_frame_base, &attr) &&
	    dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1) == 1) {
		if (vloc_eval_ops(c, ops, n, &v) < 0)
			return -1;
		if (v.loc == VL_REGISTER)
			return vctx_reg(c, v.reg, base);
		*base = v.loc == VL_MEMORY ? v.addr : v.cval;
		return 0;
	}
	err_set("no frame base for this function");
	return -1;
}

/* ---- DWARF location expressions ---------------------------------------- */

static int vloc_eval_ops(struct vctx *c, Dwarf_Op *ops, size_t n, struct value *out)
{
	uint64_t stack[MAX_DWARF_STACK];
	size_t sp = 0;

#define PUSH(x)                                               \
	do {                                                  \
		if (sp == MAX_DWARF_STACK) {                  \
			err_set("DWARF expression too deep"); \
			return -1;                            \
		}                                             \
		stack[sp++] = (x);                            \
	} while (0)
#define NEED(k)                                                         \
	do {                                                            \
		if (sp < (k)) {                                         \
			err_set("malformed DWARF location expression"); \
			return -1;                                      \
		}                                                       \
	} while (0)

	memset(out, 0, sizeof(*out));
	out->loc = VL_MEMORY;
	for (size_t i = 0; i < n; i++) {
		uint8_t op = ops[i].atom;
		uint64_t a, b;

		if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
			out->loc = VL_REGISTER;
			out->reg = op - DW_OP_reg0;
			return 0;
		}
		if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
			if (vctx_reg(c, op - DW_OP_breg0, &a) < 0)
				return -1;
			PUSH(a + ops[i].number);
			continue;
		}
		if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
			PUSH((uint64_t)(op - DW_OP_lit0));
			continue;
		}
		switch (op) {
		case DW_OP_regx:
			out->loc = VL_REGISTER;
			out->reg = (int)ops[i].number;
			return 0;
		case DW_OP_bregx:
			if (vctx_reg(c, (int)ops[i].number, &a) < 0)
				return -1;
			PUSH(a + ops[i].number2);
			break;
		case DW_OP_addr:
			PUSH(ops[i].number + c->bias);
			break;
		case DW_OP_const1u:
		case DW_OP_const2u:
		case DW_OP_const4u:
		case DW_OP_const8u:
		case DW_OP_const1s:
		case DW_OP_const2s:
		case DW_OP_const4s:
		case DW_OP_const8s:
		case DW_OP_constu:
		case DW_OP_consts:
			PUSH(ops[i].number);
			break;
		case DW_OP_fbreg:
			if (vloc_frame_base(c, &a) < 0)
				return -1;
			PUSH(a + ops[i].number);
			break;
		case DW_OP_call_frame_cfa:
			if (vctx_cfa(c, &a) < 0)
				return -1;
			PUSH(a);
			break;
		case DW_OP_plus_uconst:
			NEED(1);
			stack[sp - 1] += ops[i].number;
			break;
		case DW_OP_plus:
		case DW_OP_minus:
		case DW_OP_and:
		case DW_OP_or:
		case DW_OP_mul:
			NEED(2);
			b = stack[--sp];
			a = stack[sp - 1];
			stack[sp - 1] = op == DW_OP_plus    ? a + b
					: op == DW_OP_minus ? a - b
					: op == DW_OP_and   ? a & b
					: op == DW_OP_or    ? a | b
							    : a * b;
			break;
		case DW_OP_dup:
			NEED(1);
			a = stack[sp - 1];
			PUSH(a);
			break;
		case DW_OP_deref:
			NEED(1);
			if (frame_read(c->fc, stack[sp - 1], &a, sizeof(a)) != (ssize_t)sizeof(a)) {
				err_set("cannot access memory at 0x%" PRIx64, stack[sp - 1]);
				return -1;
			}
			stack[sp - 1] = a;
			break;
		case DW_OP_stack_value:
			NEED(1);
			out->loc = VL_CONST;
			out->cval = stack[sp - 1];
			return 0;
		case DW_OP_piece:
			/* The first piece is where the value starts; split values are rare at -O0. */
			if (i == 0) {
				out->optimized_out = true;
				return 0;
			}
			goto done;
		case DW_OP_entry_value:
		case DW_OP_GNU_entry_value:
			out->optimized_out = true;
			return 0;
		case DW_OP_GNU_push_tls_address:
		case DW_OP_form_tls_address:
			err_set("thread-local variables are not supported yet");
			return -1;
		default:
			err_set("DWARF operation 0x%x is not supported", op);
			return -1;
		}
	}
done:
	NEED(1);
	out->addr = stack[sp - 1];
	return 0;
#undef PUSH
#undef NEED
}

/*
 * A value the compiler split into pieces (DW_OP_piece), each in a register,
 * in memory or computed: a struct kept in registers by optimised code. The
 * pieces' bytes are put together into a constant of at most 16 bytes. A
 * piece with no location makes the whole value optimized out: a member
 * showing 0 where the program has another value would be a wrong answer.
 */
static int eval_pieces(struct vctx *c, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
		       struct value *out)
{
	unsigned char bytes[16] = { 0 };
	size_t used = 0, start = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct value part;
		uint64_t size = ops[i].number, word = 0;
		Dwarf_Block block;

		if (ops[i].atom != DW_OP_piece)
			continue;
		if (used + size > sizeof(bytes) || !size) {
			err_set("a value split into pieces of more than %zu bytes is not supported",
				sizeof(bytes));
			return -1;
		}
		/* A piece with no location (padding, or a part optimised away): no value there. */
		if (i == start) {
			out->unavailable |= (uint16_t)(((1u << size) - 1) << used);
			used += size;
			start = i + 1;
			continue;
		}
		if (i - start == 1 && ops[start].atom == DW_OP_implicit_value &&
		    dwarf_getlocation_implicit_value(attr, &ops[start], &block) == 0) {
			memcpy(bytes + used, block.data, block.length < size ? block.length : size);
			used += size;
			start = i + 1;
			continue;
		}
		if (vloc_eval_ops(c, ops + start, i - start, &part) < 0 || part.optimized_out) {
			err_clear();
			out->unavailable |= (uint16_t)(((1u << size) - 1) << used);
			used += size;
			start = i + 1;
			continue;
		}
		if (part.loc == VL_MEMORY) {
			if (frame_read(c->fc, part.addr, bytes + used, size) != (ssize_t)size) {
				err_set("cannot access memory at 0x%" PRIx64, part.addr);
				return -1;
			}
		} else {
			if (part.loc == VL_REGISTER && vctx_reg(c, part.reg, &word) < 0)
				return -1;
			if (part.loc == VL_CONST)
				word = part.cval;
			memcpy(bytes + used, &word, size < 8 ? size : 8);
		}
		used += size;
		start = i + 1;
	}
	out->loc = VL_CONST;
	memcpy(&out->cval, bytes, 8);
	memcpy(&out->cval_hi, bytes + 8, 8);
	if (used && out->unavailable == (uint16_t)((1u << used) - 1)) {
		out->loc = VL_NONE;
		out->optimized_out = true;
	}
	return 0;
}

bool vloc_unavailable(const struct value *v, uint64_t len)
{
	uint32_t mask = len >= 16 ? 0xffffu : (1u << len) - 1;

	return v->loc == VL_CONST && (v->unavailable & mask);
}

static bool has_pieces(const Dwarf_Op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].atom == DW_OP_piece)
			return true;
	return false;
}

/* A variable or parameter DIE's value in this frame. */
int vloc_var(struct vctx *c, Dwarf_Die *var, struct value *out)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	Dwarf_Word w;
	int got;

	memset(out, 0, sizeof(*out));
	if (!vtype_die_type(var, &out->type.die)) {
		err_set("\"%s\" has no type", dwarf_diename(var));
		return -1;
	}
	out->type.has_die = true;
	if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		out->loc = VL_CONST;
		if (dwarf_formudata(&attr, &w) == 0)
			out->cval = w;
		return 0;
	}
	if (!dwarf_attr_integrate(var, DW_AT_location, &attr)) {
		out->loc = VL_NONE;
		out->optimized_out = true;
		return 0;
	}
	got = dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &n, 1);
	if (got <= 0) {
		/* No location covers this pc: the compiler reused its place. */
		out->loc = VL_NONE;
		out->optimized_out = true;
		return 0;
	}
	struct vtype type = out->type;
	int ret = has_pieces(ops, n) ? eval_pieces(c, &attr, ops, n, out)
				     : vloc_eval_ops(c, ops, n, out);

	out->type = type;
	return ret;
}

/* ---- reading values ---------------------------------------------------- */

int vloc_read_bytes(struct vctx *c, const struct value *v, void *buf, size_t len)
{
	uint64_t r;

	if (v->optimized_out) {
		err_set("value has been optimized out");
		return -1;
	}
	switch (v->loc) {
	case VL_MEMORY:
		if (frame_read(c->fc, v->addr, buf, len) != (ssize_t)len) {
			err_set("cannot access memory at 0x%" PRIx64, v->addr);
			return -1;
		}
		return 0;
	case VL_REGISTER:
		if (vctx_reg(c, v->reg, &r) < 0)
			return -1;
		memset(buf, 0, len);
		memcpy(buf, &r, len < 8 ? len : 8);
		return 0;
	case VL_CONST:
		if (vloc_unavailable(v, len)) {
			err_set("value has been optimized out");
			return -1;
		}
		memset(buf, 0, len);
		memcpy(buf, &v->cval, len < 8 ? len : 8);
		if (len > 8)
			memcpy((unsigned char *)buf + 8, &v->cval_hi, len < 16 ? len - 8 : 8);
		return 0;
	default:
		err_set("value has been optimized out");
		return -1;
	}
}

int vloc_hold(struct vctx *c, const struct value *v, struct value *out)
{
	uint64_t size = vtype_size(&v->type);

	*out = *v;
	if (v->loc != VL_REGISTER || v->optimized_out)
		return 0;
	if (size > 8) {
		err_set("a value of %" PRIu64 " bytes in one register cannot be read", size);
		return -1;
	}
	out->cval = out->cval_hi = 0;
	if (vloc_read_bytes(c, v, &out->cval, size) < 0)
		return -1;
	out->loc = VL_CONST;
	return 0;
}

void vloc_part(const struct value *v, uint64_t off, struct value *out)
{
	unsigned char b[32] = { 0 };

	out->loc = v->loc;
	out->optimized_out = v->optimized_out;
	if (v->loc == VL_MEMORY) {
		out->addr = v->addr + off;
	} else if (v->loc == VL_CONST) {
		memcpy(b, &v->cval, 8);
		memcpy(b + 8, &v->cval_hi, 8);
		off = off < 16 ? off : 16;
		out->unavailable = off < 16 ? (uint16_t)(v->unavailable >> off) : 0xffff;
		memcpy(&out->cval, b + off, 8);
		memcpy(&out->cval_hi, b + off + 8, 8);
	} else {
		out->optimized_out = true;
	}
}

int vloc_read_scalar(struct vctx *c, const struct value *v, uint64_t *out)
{
	enum vkind k = vtype_kind(&v->type);
	uint64_t size = vtype_size(&v->type), raw = 0;

	if (k == VK_FUNC) {
		*out = v->addr;
		return 0;
	}
	if (k == VK_ARRAY) {
		if (v->loc != VL_MEMORY) {
			err_set("an array that is not in memory has no address");
			return -1;
		}
		*out = v->addr;
		return 0;
	}
	if (k == VK_STRUCT || k == VK_UNION || k == VK_VOID || k == VK_OTHER || size == 0 ||
	    size > 8) {
		err_set("not a scalar value");
		return -1;
	}
	if (v->bit_size) {
		uint64_t word = 0;
		size_t bytes = (v->bit_offset + v->bit_size + 7) / 8;

		if (bytes > 8 || vloc_read_bytes(c, v, &word, bytes) < 0)
			return -1;
		raw = (word >> v->bit_offset) &
		      (v->bit_size >= 64 ? ~0ull : (1ull << v->bit_size) - 1);
		if (vtype_is_signed(&v->type) && (raw >> (v->bit_size - 1)) & 1)
			raw |= ~0ull << v->bit_size;
		*out = raw;
		return 0;
	}
	if (vloc_read_bytes(c, v, &raw, size) < 0)
		return -1;
	if (vtype_is_signed(&v->type) && size < 8 && (raw >> (size * 8 - 1)) & 1)
		raw |= ~0ull << (size * 8);
	*out = raw;
	return 0;
}

int value_frame_vars(const struct frame_ctx *fc, bool args,
		     void (*fn)(void *arg, const char *name, const struct value *v), void *arg)
{
	struct vctx c;
	int count = 0;

	if (vctx_open(fc, &c) < 0)
		return -1;
	if (c.level < 0 || !c.has_cu) {
		vctx_close(&c);
		err_set("no debug information for the selected frame");
		return -1;
	}
	bool in_function = false;

	for (int i = 0; i < c.nscopes; i++)
		if (dwarf_tag(&c.scopes[i]) == DW_TAG_subprogram ||
		    dwarf_tag(&c.scopes[i]) == DW_TAG_inlined_subroutine)
			in_function = true;
	if (!in_function) {
		vctx_close(&c);
		err_set("no debug information for the selected frame's function");
		return -1;
	}
	for (int i = 0; i < c.nscopes; i++) {
		Dwarf_Die child;
		int tag = dwarf_tag(&c.scopes[i]);

		if (tag == DW_TAG_compile_unit)
			break;
		if (dwarf_child(&c.scopes[i], &child) == 0) {
			do {
				struct value v;
				const char *name = dwarf_diename(&child);
				int ct = dwarf_tag(&child);

				if (!name ||
				    ct != (args ? DW_TAG_formal_parameter : DW_TAG_variable))
					continue;
				if (vloc_var(&c, &child, &v) < 0) {
					memset(&v, 0, sizeof(v));
					v.optimized_out = true;
					err_clear();
				}
				fn(arg, name, &v);
				count++;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		/* Arguments belong to the function; locals to it and its inner blocks. */
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			break;
	}
	vctx_close(&c);
	return count;
}

void value_describe_place(const struct frame_ctx *fc, const struct value *v, struct strbuf *out)
{
	const struct arch_reg *reg;
	int vec;

	if (v->optimized_out) {
		sb_add(out, "optimized out here");
		return;
	}
	switch (v->loc) {
	case VL_MEMORY:
		sb_addf(out, "a variable at address 0x%" PRIx64, v->addr);
		return;
	case VL_REGISTER:
		reg = regs_by_dwarf(frame_arch(fc), v->reg);
		vec = regs_vector_by_dwarf(frame_arch(fc), v->reg);
		if (reg)
			sb_addf(out, "a variable in register %s", reg->name);
		else if (vec >= 0)
			sb_addf(out, "a variable in register %s%d", frame_arch(fc)->vector_name,
				vec);
		else
			sb_addf(out, "a variable in DWARF register %d", v->reg);
		return;
	case VL_CONST:
		sb_addf(out, "constant %" PRId64, (int64_t)v->cval);
		return;
	default:
		if (vtype_kind(&v->type) == VK_FUNC)
			sb_addf(out, "a function at address 0x%" PRIx64, v->addr);
		else
			sb_add(out, "nowhere the debug information says");
	}
}
