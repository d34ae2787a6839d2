/* value-int.h - the value engine's insides, shared by value*.c: types, values, the evaluation context */
#ifndef LURK_VALUE_INT_H
#define LURK_VALUE_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct expr;
struct frame_ctx;
struct strbuf;
struct sym;

#define MAX_DWARF_STACK	 64
#define MAX_DEPTH	 8
#define MAX_REPEAT_BYTES (1024 * 1024) /* x@N: room for buf[0]@65536, not for gigabytes */

/* What a type is once typedefs and qualifiers are peeled off. */
enum vkind {
	VK_SIGNED,
	VK_UNSIGNED,
	VK_BOOL,
	VK_CHAR,
	VK_UCHAR,
	VK_FLOAT,
	VK_POINTER,
	VK_ENUM,
	VK_ARRAY,
	VK_STRUCT,
	VK_UNION,
	VK_FUNC,
	VK_VOID,
	VK_OTHER,
};

/*
 * A type: a DWARF type DIE, or none (a synthetic long, a function without
 * debug information), with ptr levels of "pointer to" on top (&x makes a
 * pointer that may have no DIE of its own). count > 0 makes that the
 * element type of an array no DIE describes, gdb's artificial array (x@3),
 * and aptr levels of "pointer to" go above the array (&(x@3)).
 *
 * DWARF describes int m[3][4] as one array DIE with two subranges, so a
 * row, m[1], has no DIE of its own: dim > 0 says that die is that
 * (peeled) array with its first dim subranges already indexed.
 */
struct vtype {
	bool has_die;
	Dwarf_Die die;
	unsigned dim;
	/* when !has_die: VK_SIGNED, VK_UNSIGNED, VK_CHAR, VK_UCHAR, VK_BOOL, VK_FUNC, VK_VOID, VK_FLOAT */
	enum vkind synth;
	/*
	 * VK_FLOAT: 4 float, 8 double, 16 long double; VK_SIGNED, VK_UNSIGNED:
	 * 2 short, 4 int, 0 or 8 long; VK_UCHAR, VK_BOOL: 1
	 */
	unsigned synth_size;
	bool synth_llong; /* a size-8 one is long long, as a literal's ll makes it */
	bool synth_schar; /* a VK_CHAR one is signed char */
	unsigned ptr;
	uint64_t count;
	unsigned aptr;
	/*
	 * const and volatile on die or the synthetic type, below ptr: a
	 * cast's (const char *). DWARF's own qualifiers are DIEs.
	 */
	unsigned quals;
	/* A cast's qualifiers of the ptr levels themselves: bits 2i, 2i+1 for level i from the base. */
	unsigned ptr_quals;
};

#define VQ_CONST    1u
#define VQ_VOLATILE 2u

enum vloc { VL_MEMORY, VL_REGISTER, VL_CONST, VL_NONE };

struct value {
	struct vtype type;
	enum vloc loc;
	uint64_t addr;	      /* VL_MEMORY; for VL_NONE functions, their address */
	int reg;	      /* VL_REGISTER: DWARF number */
	uint64_t cval;	      /* VL_CONST */
	uint64_t cval_hi;     /* VL_CONST of more than 8 bytes (a long double): the rest */
	uint16_t unavailable; /* VL_CONST: the bytes of cval/cval_hi a piece left without a value */
	unsigned bit_size, bit_offset; /* a bitfield (bit_size > 0), offset from addr */
	bool optimized_out;
};

/* The frame an expression is evaluated in, as far as DWARF evaluation needs it. */
struct vctx {
	const struct frame_ctx *fc;
	uint64_t pc; /* for lookups: a caller's pc is inside its call */
	Dwfl_Module *dm;
	Dwarf_Addr bias;
	Dwarf_Die cu;
	bool has_cu;
	/*
	 * The frame's scopes, innermost first, then the compile unit: those of
	 * the function the frame shows, an inlined call's own when it is one.
	 */
	Dwarf_Die *scopes;
	int nscopes;
	/* The machine frame's function, whose DW_AT_frame_base all its inlined calls use. */
	Dwarf_Die frame_fn;
	bool has_frame_fn;
	int level; /* -1: no frame (globals only) */
};

/* ---- value-type.c: C types from DWARF */

/* The DIE that die's DW_AT_type names; false when it has none (void). */
bool vtype_die_type(Dwarf_Die *die, Dwarf_Die *out);
/* What t is once typedefs and qualifiers are peeled off. */
enum vkind vtype_kind(const struct vtype *t);
/* Whether its values sign-extend: signed integers, char, enums with a signed underlying type. */
bool vtype_is_signed(const struct vtype *t);
/*
 * C's integer promotion of t (to int at least) as a type no DIE describes;
 * false when t is not an integer (a pointer, a float, an aggregate).
 */
bool vtype_int_promote(const struct vtype *t, struct vtype *out);
/* C's usual arithmetic conversions of two integer types; false when one is not an integer. */
bool vtype_int_common(const struct vtype *l, const struct vtype *r, struct vtype *out);
/* v as a value of integer type t: cut to its size, sign-extended when t is signed. */
uint64_t vtype_int_fit(const struct vtype *t, uint64_t v);
/* Its size in bytes, 0 when unknown. */
uint64_t vtype_size(const struct vtype *t);
/* Whether its size is known: an empty struct's 0 is, an incomplete struct's is not. */
bool vtype_size_known(const struct vtype *t);
/* The type a pointer or array of type t points to / holds; false for other types. */
bool vtype_target(const struct vtype *t, struct vtype *out);
#define VTYPE_MAX_DIMS 16
/* The element counts of an array DIE's subranges (-1 where unknown); how many there are. */
int vtype_array_dims(Dwarf_Die *array, int64_t *counts);
/* An array type's element count (its first dimension in effect), or -1 when unknown. */
int64_t vtype_array_count(const struct vtype *t);
/* The DW_TAG_subprogram DIE of the function containing pc. Returns 0, or -1 with err set. */
int vtype_function_die(struct sym *sym, uint64_t pc, Dwarf_Die *fn);
/* A bitfield member's size and offset into out (unchanged for other members). */
void vtype_member_bits(Dwarf_Die *member, struct value *out);

/* ---- value-typename.c: C types as gdb writes them */

/* The type as C writes it ("struct point *", "int [4]"), as gdb's whatis. */
void vtype_name(const struct vtype *t, struct strbuf *out);
/* The type spelled out as gdb's ptype: typedefs resolved, struct, union and enum bodies shown. */
void vtype_ptype(const struct vtype *t, struct strbuf *out);
/* name declared with type die, or a function (subprogram) die's prototype: "int add(int, int)". */
void vtype_declaration(Dwarf_Die *die, const char *name, struct strbuf *out);
/*
 * A C base type's name as gdb writes it ("unsigned long" for DWARF's "long
 * unsigned int", "unsigned int" for "unsigned"); NULL when text is not one.
 */
const char *vtype_canon_base(const char *text);

/* ---- value-loc.c: the frame, DWARF locations, reading values */

/*
 * The context for frame fc: its pc, module, compile unit and scopes. No
 * frame (no thread, or an unreadable pc) leaves level -1: globals only.
 * Returns 0, or -1 with err set when the target has no symbols. Close it
 * with vctx_close either way.
 */
int vctx_open(const struct frame_ctx *fc, struct vctx *c);
void vctx_close(struct vctx *c);
/* A variable or parameter DIE's value in the frame. Returns 0, or -1 with err set. */
int vloc_var(struct vctx *c, Dwarf_Die *var, struct value *out);
/*
 * A scalar's bits, sign-extended for signed types; an array's or function's
 * address. Returns 0, or -1 with err set (not a scalar, unreadable memory).
 */
int vloc_read_scalar(struct vctx *c, const struct value *v, uint64_t *out);
/*
 * Where the part of v at byte offset off (a member, an element) lives: in
 * memory off bytes further, in a constant's bytes (a returned struct) off
 * bytes in. out's type is left as it is.
 */
void vloc_part(const struct value *v, uint64_t off, struct value *out);
/* The first len bytes (at most 16) of a value, wherever it lives. Returns 0, or -1 with err set. */
int vloc_read_bytes(struct vctx *c, const struct value *v, void *buf, size_t len);
/*
 * v with a register's bytes taken into a constant: optimised code keeps a
 * small struct or array in one register. Other values are copied as they
 * are. 0, or -1 with err set.
 */
int vloc_hold(struct vctx *c, const struct value *v, struct value *out);
/* Whether any of v's first len bytes has no value (a constant put together from pieces). */
bool vloc_unavailable(const struct value *v, uint64_t len);

/* ---- value-float.c: floating-point values and C's conversions to and from them */

/* The type float (size 4), double (8) or long double (16) where no DIE names it. */
void vfloat_type(unsigned size, struct vtype *out);
/*
 * A floating type's size: 4, 8, or 16 for x87's long double (80 bits
 * padded). Returns it, or -1 with err set for other floating types
 * (_Float128, whose 16 bytes are not x87's).
 */
int vfloat_size(const struct vtype *t);
/*
 * v's value as a long double: a floating value's, or an integer's,
 * pointer's or enum's converted as C converts it. Returns 0, or -1 with
 * err set (not a number, unreadable).
 */
int vfloat_get(struct vctx *c, const struct value *v, long double *out);
/* A constant of the floating type t holding x rounded to it. */
void vfloat_make(const struct vtype *t, long double x, struct value *out);
/* The bytes of x rounded to the floating type of size bytes, as memory holds them. */
void vfloat_bytes(long double x, unsigned size, unsigned char buf[16]);
/*
 * x converted to an integer as gdb converts it: toward zero, saturated at
 * the int64 range, NaN the largest.
 */
uint64_t vfloat_to_int(long double x);
/*
 * l op r where either is floating: C's usual arithmetic conversions to the
 * wider floating type, + - * / in it (division by zero gives inf or nan),
 * comparisons giving 0 or 1. Returns 0, or -1 with err set (an
 * integer-only operator, a pointer operand).
 */
int vfloat_binary(struct vctx *c, int op, const struct value *l, const struct value *r,
		  struct value *out);
/* Whether a floating value is not zero (NaN is true), as C's ! && || and conditions read it. */
int vfloat_truth(struct vctx *c, const struct value *v, bool *out);
/*
 * A floating value's bytes (size 4, 8 or 16) as gdb prints them: 1.5,
 * 0.333333343, inf, -nan(0x8000000000000).
 */
void vfloat_format(const unsigned char *bytes, unsigned size, struct strbuf *out);

/* ---- value-vreg.c: x86-64's vector and x87 registers as values */

/*
 * $xmmN (a union of lanes, a VK_UNION no DIE describes: the only such
 * type) or $stN (a long double) of frame fc as a constant. Returns 1,
 * 0 when name is neither, or -1 with err set (not frame 0).
 */
int vvreg_lookup(struct vctx *c, const char *name, struct value *out);
/* A lane member of a vector register's union ("v2_double"): an array of its lanes. */
int vvreg_member(const struct value *v, const char *name, struct value *out);
/* A vector register's union as print shows it; /x shows every lane's bits in hex. */
void vvreg_format(const struct value *v, char fmt, struct strbuf *out);

/* The print settings' limits with 0 (none) as the largest number. */
unsigned vprint_elements(void);
unsigned vprint_repeats(void);

/* ---- value-chars.c: characters and strings as gdb writes them */

/* A character in single quotes, escaped as C writes it: 'a', '\t', '\'', '\033'. */
void vchar_format(unsigned char ch, struct strbuf *out);
/*
 * n bytes as gdb prints a string: "a\tb", runs of more than "print
 * repeats" equal bytes as 'c' <repeats N times>, at most "print elements"
 * bytes; "..."
 * after when more is set or bytes were left out.
 */
void vchars_format(const unsigned char *s, size_t n, bool more, struct strbuf *out);

/* ---- value-names.c: what a name means in the frame */

/* A cast's type name ("char *", "struct point *", "counter_t"). Returns 0, or -1 with err set. */
int vname_type(struct vctx *c, const char *text, struct vtype *out);
/*
 * What name means in the frame: a local or argument, a global (the frame's
 * module first), an enumerator, a function. Returns 0, or -1 with err set.
 */
int vname_lookup(struct vctx *c, const char *name, struct value *out);

/* ---- value-abi.c: where the SysV x86-64 calling convention puts a value */

/*
 * The classes of an eightbyte (3.2.3 of the psABI). X87UP is the upper
 * half of a long double; SSEUP (vectors of 16 bytes and more) is not told
 * apart from SSE, so such a type is UNKNOWN rather than placed wrongly.
 */
enum vabi_class {
	VABI_NONE,
	VABI_INTEGER,
	VABI_SSE,
	VABI_X87,
	VABI_X87UP,
	VABI_MEMORY,
	VABI_UNKNOWN
};

/* The classes of the (at most two) eightbytes of a value of type t. */
void vabi_classify(const struct vtype *t, enum vabi_class cls[2]);
/* Whether such a value travels in memory: MEMORY, or a long double's halves apart. */
bool vabi_in_memory(const enum vabi_class cls[2]);

/* The registers a result comes back in: rax and rdx, xmm0 and xmm1, st(0). */
struct vabi_regs {
	uint64_t ints[2];
	unsigned char vecs[2][16];
	unsigned char st0[10];
};

/*
 * A result of type t as a constant of the registers' bytes its classes
 * say, or in memory at mem (the caller's buffer) for one that comes back
 * there. 0, or -1 with err set (a type whose registers are not known).
 */
int vabi_result(const struct vtype *t, const struct vabi_regs *r, uint64_t mem, struct value *out);

/* Evaluate one node of an expression tree (value.c). 0, or -1 with err set. */
int veval(struct vctx *c, const struct expr *e, struct value *out);
/*
 * A call of a function of the program (value-call.c): e is the EXPR_CALL.
 * cast_to, when not NULL, is the type the call is cast to: the result's
 * type for a function without debug information. 0, or -1 with err set.
 */
int vcall(struct vctx *c, const struct expr *e, const struct vtype *cast_to, struct value *out);

/* ---- value-history.c: $1, $, $$N and $name */

/* Whether name (without its "$") is a history reference: "", "$", "$$N" or "N". */
bool vhist_is_ref(const char *name);
/* The history value name refers to (void past its start). Returns 0, or -1 with err set. */
int vhist_lookup(const char *name, struct value *out);
/* Convenience variable name's value, void when unset. */
void vconv_get(const char *name, struct value *out);

#endif
