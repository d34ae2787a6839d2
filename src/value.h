/* value.h - typed values from DWARF (through libdw) for print, ptype, info locals and conditions */
#ifndef LURK_VALUE_H
#define LURK_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct expr;
struct frame_ctx;
struct strbuf;
struct sym;
struct target;
struct value;

/*
 * Evaluate text in frame fc with C's meaning: locals, arguments,
 * globals (the frame's module, then the program), registers ($rip),
 * functions, numbers; . -> [] unary * and &; arithmetic and comparisons on
 * integers, floating-point values and pointers. Returns a value the caller frees, or NULL with err
 * set ("no symbol \"x\" in the current context", "<optimized out>" ...).
 */
struct value *value_eval(const struct frame_ctx *fc, const char *text);
/* The same for an expression parsed once (a breakpoint condition). */
struct value *value_eval_expr(const struct frame_ctx *fc, const struct expr *e);
void value_free(struct value *v);
/* Whether text names a local variable or argument of the frame (a watchpoint's scope). */
bool value_uses_locals(const struct frame_ctx *fc, const char *text);

/* A copy the caller frees (the DWARF type stays valid while the process does). */
struct value *value_dup(const struct value *v);
/* Where an lvalue in memory lives and how big it is; false when it is not one (register, constant, bitfield). */
bool value_memory(const struct value *v, uint64_t *addr, uint64_t *size);

/*
 * The value as an integer: scalars, pointers, an array's or function's
 * address; a floating value converted toward zero (saturated, as gdb).
 */
int value_to_int(const struct frame_ctx *fc, const struct value *v, uint64_t *out);
/* How long a function called in an expression may run before it is abandoned (ms; <= 0: no limit). */
void value_set_call_timeout(int ms);
int value_call_timeout(void);
/*
 * Whether the value is not zero (a floating value by value, NaN too), as
 * conditions read it. Returns 0, or -1 with err set.
 */
int value_truth(const struct frame_ctx *fc, const struct value *v, bool *truth);
/* Whether it is a variable whose value is data (not a pointer, array or function). */
bool value_is_plain_data(const struct value *v);

/*
 * Append the value as gdb prints it: 42, 97 'a', 0x5555 "text", {x = 1, y = 2},
 * {1, 2, 3}, RED, true, {int (void)} 0x1139 <main>. fmt: 0 natural, or x d u o t c for integers
 * (aggregates apply it to their members). Returns 0, or -1 with err set.
 */
int value_format(const struct frame_ctx *fc, const struct value *v, char fmt, struct strbuf *out);
/*
 * The same as print and display show a value, with gdb's (type) before a
 * pointer that is not a plain char * string: (struct node *) 0x0,
 * (int (*)(void)) 0x1139 <main>.
 */
int value_format_print(const struct frame_ctx *fc, const struct value *v, char fmt,
		       struct strbuf *out);
/* The type as C writes it ("struct point *", "int [4]"). */
void value_type_name(const struct value *v, struct strbuf *out);
/* The type spelled out as gdb's ptype: typedefs resolved, struct, union and enum bodies shown. */
void value_ptype(const struct value *v, struct strbuf *out);
/*
 * The type text names ("struct node *", "unsigned long", a typedef) as
 * ptype (expand) or whatis writes it; whatis of a typedef's name shows
 * what it names. Returns 0, or -1 with err set when text names no type.
 */
int value_type_describe(const struct frame_ctx *fc, const char *text, bool expand,
			struct strbuf *out);

/*
 * Assign: text is "LVALUE = EXPR" (a variable, member, element or register
 * holding an integer, character, boolean, enum or pointer; a float, double
 * or long double in memory), converting as C does (int i = 2.9 is 2).
 * Returns the new value (the caller frees), or NULL with err set: not an
 * lvalue, optimized out, read-only memory, an outer frame's register.
 */
struct value *value_assign(const struct frame_ctx *fc, const char *text);

/*
 * The C expression for byte offset off inside the global object name at
 * addr, following struct members: ("alice", 16) gives "alice.lock". Only
 * the module that holds addr is searched. Returns 0, or
 * -1 with err set when name has no debug information or off falls in no
 * member (or in padding).
 */
int value_member_path(struct target *t, const char *name, uint64_t addr, uint64_t off, char *buf,
		      size_t len);

/* Where the value lives, for info address: "static storage at address 0x..", "in register rax". */
void value_describe_place(const struct frame_ctx *fc, const struct value *v, struct strbuf *out);

/* Each local (args false) or argument (args true) of the frame, innermost block first. */
int value_frame_vars(const struct frame_ctx *fc, bool args,
		     void (*fn)(void *arg, const char *name, const struct value *v), void *arg);

/*
 * A function's parameter or return type as tracing and finish need it:
 * bits in a register, classified, with the type's C name. No DWARF
 * handle is kept, so it outlives the stop it was read at.
 */
enum value_kind {
	VALUE_VOID,
	VALUE_SIGNED, /* enums too */
	VALUE_UNSIGNED,
	VALUE_BOOL,
	VALUE_CHAR,
	VALUE_UCHAR,
	VALUE_POINTER,
	VALUE_FLOAT,
	VALUE_OTHER, /* structs, unions, arrays ... */
};

struct value_scalar_type {
	enum value_kind kind;
	unsigned size; /* bytes */
	bool string;   /* a pointer to char: a C string to show */
	char name[128];
};

/*
 * The formal parameters of the function containing pc, in order: fn gets
 * each one's name and type. Returns how many, or -1 with err set (no
 * debug information).
 */
int value_func_params(struct sym *sym, uint64_t pc,
		      void (*fn)(void *arg, const char *name, const struct value_scalar_type *type),
		      void *arg);
/* The return type of the function containing pc. Returns 0, or -1 with err set. */
int value_func_return_type(struct sym *sym, uint64_t pc, struct value_scalar_type *out);
/*
 * A vector register's 16 bytes as gdb prints its union: {v8_bfloat16 =
 * {...}, v8_half = ..., v4_float = ..., v2_double = ..., v16_int8 = ...,
 * v8_int16 = ..., v4_int32 = ..., v2_int64 = ..., uint128 = ...}, each
 * lane's value, or with hex each lane's bits (info registers).
 */
void value_format_vector(const unsigned char bytes[16], bool hex, struct strbuf *out);
/* An x87 register's 80 bits as gdb prints its value ("0.75"). */
void value_format_x87(const unsigned char bytes[10], struct strbuf *out);

/*
 * The value the function containing func_pc has just returned, read where
 * the SysV x86-64 ABI puts it (rax and rdx, xmm0 and xmm1, st0, or the
 * caller's buffer whose address is in rax), as seen from fc, the caller's
 * frame 0 right after the return. Appends it as print shows it to value
 * and its type's C name to type. Returns 1, 0 for a void function, or -1
 * with err set (no debug information, a type whose place lurk does not
 * know).
 */
int value_returned(const struct frame_ctx *fc, uint64_t func_pc, struct strbuf *value,
		   struct strbuf *type);
/*
 * A register's bits as a value of type t, as print shows it: "-42",
 * "97 'a'", "true", "0x5555", "1.5"; a struct is "{...}", void nothing.
 */
void value_format_scalar(const struct value_scalar_type *t, uint64_t bits, struct strbuf *out);
/*
 * gdb's "set print" settings that change how values look. One set for the
 * process (lurk runs one session); the value printer reads it on each call.
 */
struct value_print_opts {
	unsigned elements;  /* array elements and string characters shown; 0 for no limit */
	unsigned repeats;   /* runs longer than this fold into <repeats N times>; 0 never */
	bool null_stop;	    /* a char array ends at its first NUL */
	bool array_indexes; /* [0] = before each element */
	bool pretty;	    /* structs one member a line, indented */
};

/* The settings in force (gdb's defaults: 200, 10, off, off, off). */
const struct value_print_opts *value_print_opts(void);
void value_set_print_opts(const struct value_print_opts *opts);
/*
 * n bytes as print writes a string: "a\tb", 'c' <repeats N times> for a
 * run of more than 10, "..." after when more is set.
 */
void value_format_chars(const unsigned char *s, size_t n, bool more, struct strbuf *out);

/*
 * gdb's value history and convenience variables (value-history.c): one
 * set for the whole debugger. print adds its result and gets its number
 * (1 up); a scalar is kept as it was then, an aggregate by its address.
 */
int value_history_add(const struct frame_ctx *fc, const struct value *v);
size_t value_history_count(void);
/* $n, borrowed until the next change; NULL when its program is gone. */
const struct value *value_history_get(size_t n);
/* Set $name (without the "$"), a scalar read now (fc NULL: v is a constant already). */
void value_conv_set(const struct frame_ctx *fc, const char *name, const struct value *v);
void value_conv_set_int(const char *name, int64_t n);
/*
 * text, with no program: only a history value or convenience variable
 * alone ("$_exitcode", "$2") whose type no program gave. Returns a value
 * the caller frees, or NULL with err set ("the program is not being run").
 */
struct value *value_eval_detached(const char *text);
/*
 * A constant no program typed ($_exitcode) as print shows it, with no
 * process to ask. Returns 0, or -1 with err set for any other value.
 */
int value_format_constant(const struct value *v, struct strbuf *out);
/* gdb's $_ and $__ after x: the last address examined (a pointer to a unit) and its contents. */
void value_conv_set_examined(uint64_t addr, unsigned unit, uint64_t contents);
/* Each convenience variable, newest first. */
void value_conv_each(void (*fn)(void *arg, const char *name, const struct value *v), void *arg);
/* The process is gone: values whose type was its DWARF's go too. */
void value_history_forget_types(void);
void value_history_free(void);
/* Whether v is void: an unset convenience variable, an empty history. */
bool value_is_void(const struct value *v);

/* A function or variable as info functions and info variables list it. */
struct value_decl {
	const char *file; /* the source file DWARF declares it in; NULL: no debug information */
	int line;
	const char *name;
	const char *text; /* "int add(int, int);", "static char buf[16];" (with file only) */
	uint64_t addr;	  /* without file: where its ELF symbol is */
};

/*
 * The functions (or variables) whose names match: from the DWARF of the
 * program, and of each library whose symbol table has a matching name
 * (the others' debug information is not read), then those with an ELF
 * symbol only. fn is called per match, its strings borrowed for the call.
 * Returns how many, or -1 with err set.
 */
int value_decls(struct sym *sym, bool functions, bool (*match)(const char *name, void *arg),
		void *match_arg, void (*fn)(void *arg, const struct value_decl *d), void *arg);

#endif
