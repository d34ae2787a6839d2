/*
 * test-value.c - the value engine over a faked frame: real DWARF (value-fixture.c,
 * built at -O0), this process's memory, registers and CFA made up here
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "eval.h"
#include "expr.h"
#include "frame.h"
#include "regs.h"
#include "sym.h"
#include "util.h"
#include "value-fixture.h"
#include "value.h"

/*
 * The value engine reaches the target only through frame.h: these
 * definitions stand in for frame.c (which the test does not link), so every
 * register, CFA and memory access the engine makes is seen and counted here.
 */
static struct sym *syms;
static int memfd;
static uint64_t fake_pc, fake_cfa, fake_rdi = 21;
static _Alignas(16) unsigned char fake_stack[256];
static int cfa_asks, outer_frame_asks;

int frame_inline(const struct frame_ctx *fc, int *phys, int *skip)
{
	*phys = fc->level;
	*skip = 0;
	return 0;
}

int frame_pc(const struct frame_ctx *fc, uint64_t *pc)
{
	if (fc->level > 0) {
		outer_frame_asks++;
		err_set("no frame at level %d", fc->level);
		return -1;
	}
	*pc = fake_pc;
	return 0;
}

int frame_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t *value)
{
	if (fc->level > 0) {
		outer_frame_asks++;
		err_set("%s is not saved in frame %d", reg->name, fc->level);
		return -1;
	}
	if (reg == arch_host()->pc)
		*value = fake_pc;
	else if (!strcmp(reg->name, "rdi"))
		*value = fake_rdi;
	else if (reg == arch_host()->sp)
		*value = fake_cfa - 64;
	else
		*value = 0;
	return 0;
}

static uint64_t fake_xmm[16];

int frame_vector(const struct frame_ctx *fc, int n, uint64_t *low)
{
	if (fc->level > 0) {
		outer_frame_asks++;
		err_set("xmm%d is not saved in frame %d", n, fc->level);
		return -1;
	}
	*low = fake_xmm[n];
	return 0;
}

static struct regs_fp fake_fp;

int frame_fp(const struct frame_ctx *fc, struct regs_fp *fp)
{
	if (fc->level > 0) {
		outer_frame_asks++;
		err_set("floating-point registers are not saved in frame %d", fc->level);
		return -1;
	}
	*fp = fake_fp;
	return 0;
}

int frame_cfa(const struct frame_ctx *fc, uint64_t *cfa)
{
	cfa_asks++;
	*cfa = fake_cfa;
	return 0;
}

struct sym *frame_sym(const struct frame_ctx *fc)
{
	return syms;
}

const struct arch *frame_arch(const struct frame_ctx *fc)
{
	return arch_host();
}

ssize_t frame_read(const struct frame_ctx *fc, uint64_t addr, void *buf, size_t len)
{
	ssize_t got = pread(memfd, buf, len, (off_t)addr);

	if (got < 0) {
		err_set("cannot access memory at 0x%" PRIx64, addr);
		return -1;
	}
	return got;
}

int frame_write(const struct frame_ctx *fc, uint64_t addr, const void *buf, size_t len)
{
	if (pwrite(memfd, buf, len, (off_t)addr) != (ssize_t)len) {
		err_set("cannot write memory at 0x%" PRIx64, addr);
		return -1;
	}
	return 0;
}

int frame_set_reg(const struct frame_ctx *fc, const struct arch_reg *reg, uint64_t value)
{
	err_set("the fake frame's registers cannot be changed");
	return -1;
}

int frame_reg_slot(const struct frame_ctx *fc, int dwarf_reg, uint64_t *addr)
{
	err_set("the fake frame's outer registers cannot be changed");
	return -1;
}

int frame_call(const struct frame_ctx *fc, const struct target_call *call,
	       struct target_call_result *res)
{
	err_set("the fake frame runs no functions");
	return -1;
}

static ssize_t read_self(void *arg, uint64_t addr, void *buf, size_t len)
{
	return pread(memfd, buf, len, (off_t)addr);
}

static char thread_token;
static const struct frame_ctx frame0 = { .thread = (struct thread *)&thread_token, .level = 0 };

/* text evaluated and printed as print does, or "error: <message>". */
static const char *show_in(const struct frame_ctx *fc, const char *text, char fmt)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;
	struct value *v = value_eval(fc, text);

	if (!v || value_format(fc, v, fmt, &sb) < 0) {
		snprintf(buf, sizeof(buf), "error: %s", err_get());
		err_clear();
	} else {
		snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	}
	value_free(v);
	sb_free(&sb);
	return buf;
}

static const char *show(const char *text)
{
	return show_in(&frame0, text, 0);
}

/* text as the print command shows it: with gdb's (type) or {type} in front. */
static const char *printed(const char *text)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;
	struct value *v = value_eval(&frame0, text);

	if (!v || value_format_print(&frame0, v, 0, &sb) < 0) {
		snprintf(buf, sizeof(buf), "error: %s", err_get());
		err_clear();
	} else {
		snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	}
	value_free(v);
	sb_free(&sb);
	return buf;
}

/* text's type as describe() puts it (whatis's name, ptype's layout), or the error. */
static const char *type_as(const char *text,
			   void (*describe)(const struct value *, struct strbuf *))
{
	static char buf[256];
	struct strbuf sb = STRBUF_INIT;
	struct value *v = value_eval(&frame0, text);

	if (v)
		describe(v, &sb);
	snprintf(buf, sizeof(buf), "%s", v ? sb_str(&sb) : err_get());
	err_clear();
	value_free(v);
	sb_free(&sb);
	return buf;
}

static const char *type_of(const char *text)
{
	return type_as(text, value_type_name);
}

static void globals(void)
{
	char hello[64];

	CHECK_STR(show("counter"), "7");
	CHECK_STR(show("negative"), "-42");
	CHECK_STR(show("small"), "3");
	CHECK_STR(show("big"), "18446744073709551615");
	CHECK_STR(show("letter"), "97 'a'");
	CHECK_STR(show("shade"), "GREEN");
	CHECK_STR(show("pt"), "{x = 1, y = -2}");
	CHECK_STR(show("path[1].y"), "4");
	CHECK_STR(show("arr"), "{10, 20, 30, 40}");
	CHECK_STR(show("arr[2] + pt.x * 2"), "32");
	CHECK_STR(show("where->y"), "-2");
	CHECK_STR(show("*where"), "{x = 1, y = -2}");
	CHECK_STR(show("fl"), "{on = 1, level = -3, mode = 5}");
	CHECK_STR(show("fl.level"), "-3");
	CHECK_STR(show("sef"), "{field = s1, plain = -2, uns = 7, hue = BLUE}");
	CHECK_STR(show("(char)321"), "65 'A'");
	CHECK_STR(show("arr[1]@2"), "{20, 30}");
	CHECK_STR(show_in(&frame0, "negative", 'x'), "0xffffffd6");
	snprintf(hello, sizeof(hello), "0x%" PRIxPTR " \"hello\"", (uintptr_t)greeting);
	CHECK_STR(show("greeting"), hello);
	CHECK_STR(type_of("&pt"), "struct point *");
	CHECK_STR(type_of("path"), "struct point [3]");
	CHECK_STR(type_of("shade"), "enum color");
	/* Memory that cannot be read is an error naming the address, not garbage. */
	CHECK_STR(show("*nowhere"), "error: cannot access memory at 0x10");
	CHECK_CONTAINS(show("nosuch + 1"), "no symbol \"nosuch\"");
	CHECK_CONTAINS(show("pt.z"), "z");
}

static const char *ptype_of(const char *text)
{
	return type_as(text, value_ptype);
}

static const char *describe(const char *text, bool expand)
{
	static char buf[256];
	struct strbuf sb = STRBUF_INIT;

	if (value_type_describe(&frame0, text, expand, &sb) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err_get());
	else
		snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	err_clear();
	sb_free(&sb);
	return buf;
}

/* Types as gdb writes them: C's base type names, qualifiers, typedefs, type names for ptype and whatis. */
static void type_names(void)
{
	CHECK_STR(describe("point2_t", false), "point_t");
	CHECK_STR(describe("point2_t", true), "struct point {\n    int x;\n    int y;\n}");
	CHECK_STR(describe("struct point *", false), "struct point *");
	CHECK_STR(describe("long unsigned int", false), "unsigned long");
	CHECK_STR(describe("unsigned", true), "unsigned int");
	CHECK_STR(describe("short int *", false), "short *");
	CHECK_STR(describe("enum color", true), "enum color {RED, GREEN, BLUE}");
	CHECK_STR(describe("enum sign", true), "enum sign {sm1 = -1, s0, s1}");
	CHECK_CONTAINS(describe("struct nowhere", true), "no type \"struct nowhere\"");
	CHECK_STR(type_of("small"), "short");
	CHECK_STR(type_of("big"), "unsigned long");
	CHECK_STR(type_of("cv_int"), "const volatile int");
	CHECK_STR(type_of("fixed"), "const char_addr");
	CHECK_STR(ptype_of("fixed"), "char * const");
	CHECK_STR(type_of("greeting"), "const char *");
	CHECK_STR(ptype_of("holder"),
		  "struct holder {\n    int tag;\n    union {\n        int i;\n        float f;\n"
		  "    };\n}");
	CHECK_STR(type_of("corner2"), "point2_t");
	CHECK_STR(ptype_of("&corner2"), "struct point {\n    int x;\n    int y;\n} *");
	/* Casts to any base type, named in the DWARF or not. */
	CHECK_STR(type_of("(unsigned short)1"), "unsigned short");
	CHECK_STR(type_of("(long long)1"), "long long");
	CHECK_STR(type_of("(signed char *)0"), "signed char *");
	CHECK_STR(show("(unsigned char)300"), "44 ','");
	CHECK_STR(show("(signed char)200"), "-56 '\\310'");
	CHECK_STR(show("(_Bool)1"), "true");
	CHECK_STR(show("*(unsigned short *)&negative"), "65494");
	CHECK_STR(show_in(&frame0, "*(short *)&negative", 'x'), "0xffd6");
	CHECK_STR(show("sizeof(unsigned short)"), "2");
	/* A cast keeps the qualifiers of the type it names, and a dereference of it too. */
	CHECK_STR(type_of("(const char *)greeting"), "const char *");
	CHECK_STR(type_of("*(const volatile char *)greeting"), "const volatile char");
	CHECK_STR(type_of("*(const char *)greeting + 1"), "int");
	/* A pointer's own qualifiers, after its star, gdb's spacing; a dereference drops them. */
	CHECK_STR(type_of("(char * const)greeting"), "char * const");
	CHECK_STR(type_of("(char * const *)&greeting"), "char * const *");
	CHECK_STR(type_of("*(char * const *)&greeting"), "char * const");
}

/* One DWARF array DIE with several subranges: its rows are arrays, not elements. */
static void multi_dim(void)
{
	char addr[64];

	CHECK_STR(show("int2dim"), "{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}}");
	CHECK_STR(type_of("int2dim"), "int [3][4]");
	CHECK_STR(show("int2dim[1]"), "{4, 5, 6, 7}");
	CHECK_STR(type_of("int2dim[1]"), "int [4]");
	CHECK_STR(show("int2dim[1][2]"), "6");
	CHECK_STR(show("int2dim[2][3] + int2dim[0][1]"), "12");
	CHECK_STR(type_of("&int2dim[1]"), "int (*)[4]");
	snprintf(addr, sizeof(addr), "0x%" PRIxPTR " <int2dim+16>", (uintptr_t)&int2dim[1]);
	CHECK_STR(show("&int2dim[1]"), addr);
	CHECK_STR(show("&int2dim[2] - &int2dim[0]"), "2");
	CHECK_STR(show("*(&int2dim[0] + 2)"), "{8, 9, 10, 11}");
	CHECK_STR(show("*int2dim"), "{0, 1, 2, 3}");
	CHECK_STR(type_of("&int2dim"), "int (*)[3][4]");
	CHECK_STR(show("int2dim[1]@2"), "{{4, 5, 6, 7}, {8, 9, 10, 11}}");
	CHECK_STR(type_of("int2dim[1]@2"), "int [2][4]");
	CHECK_STR(show("int3dim"), "{{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}}");
	CHECK_STR(type_of("int3dim[1]"), "int [2][3]");
	CHECK_STR(show("int3dim[1][0]"), "{7, 8, 9}");
	CHECK_STR(show("int3dim[1][1][2]"), "12");
	CHECK_STR(show("grid[1]"), "{{x = 5, y = 6}, {x = 7, y = 8}}");
	CHECK_STR(show("grid[1][0].y"), "6");
	CHECK_STR(type_of("grid"), "struct point [2][2]");
	CHECK_STR(ptype_of("grid"), "struct point {\n    int x;\n    int y;\n} [2][2]");
	CHECK_STR(ptype_of("&grid[1]"), "struct point {\n    int x;\n    int y;\n} (*)[2]");
	CHECK_STR(ptype_of("int3dim[1]"), "int [2][3]");
	CHECK_STR(show("words"), "{\"abc\", \"def\"}");
	CHECK_STR(show("words[1]"), "\"def\"");
	CHECK_STR(type_of("words"), "char [2][4]");
	CHECK_STR(show("sizeof(int2dim) / sizeof(int2dim[0])"), "3");
	CHECK_STR(show("sizeof int2dim[1]"), "16");
	CHECK_STR(show("sizeof(int3dim[1])"), "24");
	CHECK_STR(show("sizeof(struct point)"), "8");
	CHECK_STR(show("sizeof(char *) + 1"), "9");
	CHECK_STR(type_of("sizeof(int)"), "int");
	CHECK_CONTAINS(show("sizeof(nosuch)"), "no symbol \"nosuch\"");
}

/* Literals have C's types by value, base and suffix; operators convert as C does. */
static void literals(void)
{
	CHECK_STR(show("18446744073709551615"), "18446744073709551615");
	CHECK_STR(type_of("18446744073709551615"), "unsigned long");
	CHECK_STR(show("-1"), "-1");
	CHECK_STR(type_of("-1"), "int");
	CHECK_STR(type_of("4294967296"), "long");
	CHECK_STR(type_of("5000000000"), "long");
	CHECK_STR(type_of("2147483648"), "long");
	CHECK_STR(type_of("0x80000000"), "unsigned int");
	CHECK_STR(type_of("1u"), "unsigned int");
	CHECK_STR(type_of("1L"), "long");
	CHECK_STR(type_of("1ul"), "unsigned long");
	CHECK_STR(type_of("1LU"), "unsigned long");
	CHECK_STR(type_of("1ll"), "long long");
	CHECK_STR(type_of("0xfull"), "unsigned long long");
	CHECK_STR(show("0xfull"), "15");
	CHECK_STR(type_of("'a'"), "char");
	CHECK_STR(show("'a'"), "97 'a'");
	CHECK_STR(show("2147483647 + 1"), "-2147483648");
	CHECK_STR(show("0xffffffffu + 1"), "0");
	CHECK_STR(type_of("1u + 1"), "unsigned int");
	CHECK_STR(type_of("1 + 1L"), "long");
	CHECK_STR(show("1 - 2u"), "4294967295");
	CHECK_STR(show("4294967295u > -1"), "0");
	CHECK_STR(show("-7 / 2"), "-3");
	CHECK_STR(show("18446744073709551615 > 1"), "1");
	CHECK_STR(show("18446744073709551615 / 2"), "9223372036854775807");
	CHECK_STR(show("big >> 63"), "1");
	CHECK_STR(show("big % 10"), "5");
	CHECK_STR(show("-8 >> 1"), "-4");
	CHECK_STR(show("~0u"), "4294967295");
	CHECK_STR(type_of("small + small"), "int");
	CHECK_STR(show("big + 0"), "18446744073709551615");
	CHECK_STR(show_in(&frame0, "-1", 'x'), "0xffffffff");
	CHECK_CONTAINS(show("1uu"), "invalid suffix \"uu\"");
}

/* Functions have the types of their DWARF subprograms; their addresses are pointers to them. */
static void functions(void)
{
	char want[128];

	CHECK_STR(type_of("frame_locals"), "int (int)");
	CHECK_STR(type_of("takes_nothing"), "void (void)");
	CHECK_STR(type_of("sum_of"), "int (int, ...)");
	CHECK_STR(type_of("old_style"), "int ()");
	CHECK_STR(type_of("&frame_locals"), "int (*)(int)");
	CHECK_STR(type_of("*&takes_nothing"), "void (void)");
	snprintf(want, sizeof(want), "{int (int)} 0x%" PRIxPTR " <frame_locals>",
		 (uintptr_t)frame_locals);
	CHECK_STR(printed("frame_locals"), want);
	snprintf(want, sizeof(want), "(void (*)(void)) 0x%" PRIxPTR " <takes_nothing>",
		 (uintptr_t)takes_nothing);
	CHECK_STR(printed("&takes_nothing"), want);
	CHECK_STR(show("&frame_locals == frame_locals"), "1");
	/* A pointer shows its type first; a string does not need to. */
	snprintf(want, sizeof(want), "(struct point *) 0x%" PRIxPTR " <pt>", (uintptr_t)where);
	CHECK_STR(printed("where"), want);
	snprintf(want, sizeof(want), "0x%" PRIxPTR " \"hello\"", (uintptr_t)greeting);
	CHECK_STR(printed("greeting"), want);
	snprintf(want, sizeof(want), "(int (*)[4]) 0x%" PRIxPTR " <int2dim+16>",
		 (uintptr_t)&int2dim[1]);
	CHECK_STR(printed("&int2dim[1]"), want);
}

/* Variables the compiler keeps in vector registers, at the start of an optimised function. */
static void vector_registers(void)
{
	uint64_t saved_pc = fake_pc;
	double x = 1.5, y = 2.25;
	struct value *v;
	struct strbuf place = STRBUF_INIT;

	memcpy(&fake_xmm[0], &x, sizeof(x));
	memcpy(&fake_xmm[1], &y, sizeof(y));
	fake_pc = (uint64_t)(uintptr_t)sum_squares;
	CHECK_STR(show("x"), "1.5");
	CHECK_STR(show("y"), "2.25");
	CHECK_STR(type_of("x"), "double");
	v = value_eval(&frame0, "x");
	CHECK(v != NULL);
	if (v)
		value_describe_place(&frame0, v, &place);
	CHECK_STR(sb_str(&place), "a variable in register xmm0");
	value_free(v);
	sb_free(&place);
	fake_pc = saved_pc;
}

/* $xmmN as gdb's union of lanes, $stN as a long double, from the faked FXSAVE area. */
static void register_unions(void)
{
	const struct frame_ctx up = { .thread = frame0.thread, .level = 1 };
	double lanes[2] = { 1.5, -2 };
	long double st = 0.75L;

	memset(&fake_fp, 0, sizeof(fake_fp));
	memcpy(fake_fp.raw + REGS_FP_XMM, lanes, sizeof(lanes));
	memcpy(fake_fp.raw + REGS_FP_ST, &st, 10);
	CHECK_STR(show("$xmm0.v2_double[1]"), "-2");
	CHECK_STR(show("$xmm0.v2_double[0] * 2"), "3");
	CHECK_STR(show("$xmm0.v16_int8[7]"), "63");
	CHECK_STR(show_in(&frame0, "$xmm0.v4_int32", 'x'), "{0x0, 0x3ff80000, 0x0, 0xc0000000}");
	CHECK_STR(show("$xmm0.v2_double[2]"), "error: no element 2 in an array of 2");
	CHECK_STR(show("$xmm0.uint128"),
		  "error: the uint128 lanes of a vector register cannot be read as values yet");
	CHECK_STR(show("$xmm1"),
		  "{v8_bfloat16 = {0, 0, 0, 0, 0, 0, 0, 0}, v8_half = {0, 0, 0, 0, "
		  "0, 0, 0, 0}, v4_float = {0, 0, 0, 0}, v2_double = {0, 0}, "
		  "v16_int8 = {0 <repeats 16 times>}, v8_int16 = {0, 0, 0, 0, 0, "
		  "0, 0, 0}, v4_int32 = {0, 0, 0, 0}, v2_int64 = {0, 0}, uint128 = 0}");
	CHECK_STR(type_of("$xmm0"), "union vec128");
	CHECK_STR(show("$st0"), "0.75");
	CHECK_STR(show("$st0 + 1"), "1.75");
	/* No register: a convenience variable, void until set (as in gdb). */
	CHECK_STR(show("$st8"), "void");
	CHECK_STR(show_in(&up, "$xmm0", 0),
		  "error: floating-point registers are not saved in frame 1");
}

static void locals(void)
{
	struct value *v = value_eval(&frame0, "&local");
	uint64_t addr = 0;
	int local = 1234;
	struct point here = { 5, 6 };

	/* A -O0 local lives at a fixed offset from the CFA: in fake_stack here. */
	CHECK(v && value_to_int(&frame0, v, &addr) == 0);
	CHECK(addr >= (uint64_t)(uintptr_t)fake_stack &&
	      addr + sizeof(local) <= (uint64_t)(uintptr_t)fake_stack + sizeof(fake_stack));
	value_free(v);
	if (addr < (uint64_t)(uintptr_t)fake_stack ||
	    addr + sizeof(local) > (uint64_t)(uintptr_t)fake_stack + sizeof(fake_stack))
		return;
	memcpy((void *)(uintptr_t)addr, &local, sizeof(local));
	CHECK_STR(show("local"), "1234");
	CHECK_STR(show("local + arg"), show("arg + 1234"));
	v = value_eval(&frame0, "&here");
	CHECK(v && value_to_int(&frame0, v, &addr) == 0);
	value_free(v);
	memcpy((void *)(uintptr_t)addr, &here, sizeof(here));
	CHECK_STR(show("here"), "{x = 5, y = 6}");
	CHECK_STR(show("here.y * 2"), "12");
	/* An outer frame the fake cannot give: a clear error, no crash. */
	{
		const struct frame_ctx up = { .thread = frame0.thread, .level = 1 };

		CHECK_STR(show_in(&up, "counter", 0), "7");
		CHECK_CONTAINS(show_in(&up, "$rdi", 0), "not saved in frame 1");
	}
}

/* Floating-point values: literals, C's conversions and arithmetic, printed as gdb prints them. */
static void floats(void)
{
	CHECK_STR(show("ratio"), "1.5");
	CHECK_STR(show("current->weight * 2"), "3");
	CHECK_STR(show("current->weight > 2"), "0");
	CHECK_STR(show("-current->weight"), "-1.5");
	CHECK_STR(show("current->share"), "0.5");
	CHECK_STR(show("job.share * 3"), "1.5");
	CHECK_STR(show("(double)3"), "3");
	CHECK_STR(show("1.5"), "1.5");
	CHECK_STR(show("1.5 * 2"), "3");
	CHECK_STR(show("123.4+56.7"), "180.10000000000002");
	CHECK_STR(show("1.0/3"), "0.33333333333333331");
	CHECK_STR(show("(float)1/3"), "0.333333343");
	CHECK_STR(show("1e3"), "1000");
	CHECK_STR(show(".5"), "0.5");
	CHECK_STR(show("2.f"), "2");
	CHECK_STR(show("0x1.8p1"), "3");
	CHECK_STR(show("3.0e-5"), "3.0000000000000001e-05");
	CHECK_STR(show("1e17"), "1e+17");
	CHECK_STR(show("weight"), "0.25");
	CHECK_STR(show("0.1f * 2"), "0.200000003");
	CHECK_STR(show("weight + ratio"), "1.75");
	CHECK_STR(show("precise"), "1.25");
	CHECK_STR(show("(long double)1/3"), "0.333333333333333333342");
	CHECK_STR(show("precise * 2 + weight"), "2.75");
	/* C's usual arithmetic conversions: the wider floating type wins over any integer. */
	CHECK_STR(type_of("1.5"), "double");
	CHECK_STR(type_of("2.f"), "float");
	CHECK_STR(type_of("1.5L"), "long double");
	CHECK_STR(type_of("counter * weight"), "float");
	CHECK_STR(type_of("weight + ratio"), "double");
	CHECK_STR(type_of("ratio - precise"), "long double");
	CHECK_STR(show("counter * ratio"), "10.5");
	CHECK_STR(show("counter / 2.0"), "3.5");
	CHECK_STR(show("big + 0.0"), "1.8446744073709552e+19");
	CHECK_STR(show("negative * 0.5"), "-21");
	CHECK_STR(show("'a' + 0.5"), "97.5");
	/* Casts convert by value, toward zero; too large saturates as in gdb. */
	CHECK_STR(show("(int)2.7"), "2");
	CHECK_STR(show("(int)-2.7"), "-2");
	CHECK_STR(show("(char)65.7"), "65 'A'");
	CHECK_STR(show("(short)70000.0"), "4464");
	CHECK_STR(show("(long)1e19"), "9223372036854775807");
	CHECK_STR(show("(float)ratio"), "1.5");
	CHECK_STR(show("(double)(float)1.1"), "1.1000000238418579");
	CHECK_STR(show("(float)1.1 == 1.1"), "0");
	/* Division by zero is C's: inf and NaN for floating values, an error for integers. */
	CHECK_STR(show("1.0/0"), "inf");
	CHECK_STR(show("-1.0/0"), "-inf");
	CHECK_STR(show("0.0/0"), "-nan(0x8000000000000)");
	CHECK_STR(show("(float)(0.0/0)"), "-nan(0x400000)");
	CHECK_STR(show("(long double)(0.0/0)"), "-nan(0xc000000000000000)");
	CHECK_STR(show("-0.0"), "0");
	CHECK_STR(show("1/0"), "error: division by zero");
	/* ! && || read a floating value as C does: 0.5 is true. */
	CHECK_STR(show("!0.0"), "1");
	CHECK_STR(show("!0.5"), "0");
	CHECK_STR(show("0.5 && 1"), "1");
	CHECK_STR(show("0.0 || 0"), "0");
	CHECK_STR(show("ratio == 1.5 && counter > 6"), "1");
	/* /x /d /o /t show the bits, /c the value converted, as gdb 13. */
	CHECK_STR(show_in(&frame0, "ratio", 'x'), "0x3ff8000000000000");
	CHECK_STR(show_in(&frame0, "weight", 'x'), "0x3e800000");
	CHECK_STR(show_in(&frame0, "(float)-1.5", 'd'), "-1077936128");
	CHECK_STR(show_in(&frame0, "precise", 'x'), "0x3fffa000000000000000");
	CHECK_STR(show_in(&frame0, "65.3", 'c'), "65 'A'");
	CHECK_CONTAINS(show("1.5 % 2"), "need integers");
	CHECK_CONTAINS(show("1.5 << 1"), "need integers");
	CHECK_CONTAINS(show("~1.5"), "needs an integer");
	CHECK_CONTAINS(show("arr[1.5]"), "integer is needed");
	CHECK_CONTAINS(show("greeting + 1.5"), "not a pointer");
	CHECK_CONTAINS(show("1.5.5"), "bad number");
	CHECK_CONTAINS(show("1e"), "bad number");
	/* _Float128 has 16 bytes as long double does, but not x87's: refused, not misread. */
	CHECK_CONTAINS(show("quad"), "not x87's long double");
	CHECK_CONTAINS(show("quad * 2"), "not x87's long double");
	CHECK(!value_assign(&frame0, "quad = 1"));
	CHECK_CONTAINS(err_get(), "not x87's long double");
	err_clear();
}

static void count_var(void *arg, const char *name, const struct value *v)
{
	struct strbuf *names = arg;

	sb_addf(names, "%s ", name);
}

static void frame_vars(void)
{
	struct strbuf names = STRBUF_INIT;

	CHECK(value_frame_vars(&frame0, true, count_var, &names) == 1);
	CHECK_STR(sb_str(&names), "arg ");
	sb_reset(&names);
	CHECK(value_frame_vars(&frame0, false, count_var, &names) == 2);
	CHECK_STR(sb_str(&names), "local here ");
	sb_free(&names);
}

static bool holds(const char *text)
{
	struct expr *e = expr_parse(text);
	bool h = false;

	CHECK(e && eval_condition(&frame0, e, &h) == 0);
	expr_free(e);
	return h;
}

/* A condition reads what it names: registers and globals never ask for the caller's frame. */
static void lazy_frames(void)
{
	cfa_asks = outer_frame_asks = 0;
	CHECK(holds("$rdi == 21"));
	CHECK(!holds("$rdi == 99"));
	CHECK(holds("counter == 7 && pt.y < 0"));
	CHECK(cfa_asks == 0);
	CHECK(outer_frame_asks == 0);
	CHECK(holds("local == 1234"));
}

/* A condition on a floating value compares values, not bits. */
static void float_conditions(void)
{
	CHECK(holds("ratio > 1 && ratio < 2"));
	CHECK(!holds("ratio > 1000"));
	CHECK(holds("current->weight >= 1.5"));
	CHECK(holds("weight"));
	CHECK(!holds("weight - 0.25"));
	CHECK(holds("weight < ratio"));
	CHECK(cfa_asks > 0);
	CHECK(outer_frame_asks == 0);
}

static void assignments(void)
{
	struct value *v;
	struct flags before = fl;

	v = value_assign(&frame0, "small = -5");
	CHECK(v && small == -5);
	value_free(v);
	v = value_assign(&frame0, "counter = counter + 1");
	CHECK(v && counter == 8);
	value_free(v);
	/* A bitfield is written by its bits only: its neighbours keep theirs. */
	v = value_assign(&frame0, "fl.level = -1");
	CHECK(v && fl.level == -1 && fl.on == before.on && fl.mode == before.mode);
	value_free(v);
	/* A bitfield of an enum with a negative enumerator is signed; one without is not. */
	v = value_assign(&frame0, "sef.field = sm1");
	CHECK(v && sef.field == sm1);
	value_free(v);
	CHECK_STR(show("sef.field"), "sm1");
	CHECK_STR(show("sef.field == sm1"), "1");
	v = value_assign(&frame0, "sef.plain = -4");
	CHECK(v && sef.plain == -4);
	value_free(v);
	CHECK_STR(show("sef.plain"), "-4");
	CHECK_STR(show("sef.hue"), "BLUE");
	CHECK_STR(show("sef"), "{field = sm1, plain = -4, uns = 7, hue = BLUE}");
	v = value_assign(&frame0, "pt = 3");
	CHECK(!v);
	CHECK_CONTAINS(err_get(), "cannot assign a value of type int to one of type struct point");
	err_clear();
	/* A whole struct from one of its type, as C copies it. */
	v = value_assign(&frame0, "path[0] = path[2]");
	CHECK(v != NULL);
	value_free(v);
	CHECK_STR(show("path[0]"), "{x = 5, y = 6}");
	v = value_assign(&frame0, "3 = counter");
	CHECK(!v);
	err_clear();
}

/* set var converts as C's assignment does: to the variable's type, floating or not. */
static void float_assignments(void)
{
	struct value *v;
	int n;

	v = value_assign(&frame0, "ratio = 2.5");
	CHECK(v && ratio == 2.5);
	value_free(v);
	v = value_assign(&frame0, "weight = 1");
	CHECK(v && weight == 1.0f);
	value_free(v);
	v = value_assign(&frame0, "precise = 1.0L/3");
	CHECK(v && precise == 1.0L / 3);
	value_free(v);
	v = value_assign(&frame0, "current->share = current->share * 4 + 0.25");
	CHECK(v && job.share == 2.25f);
	value_free(v);
	n = counter;
	v = value_assign(&frame0, "counter = 2.9");
	CHECK(v && counter == 2);
	value_free(v);
	v = value_assign(&frame0, "small = -2.9");
	CHECK(v && small == -2);
	value_free(v);
	v = value_assign(&frame0, "job.weight = counter");
	CHECK(v && job.weight == 2.0);
	value_free(v);
	CHECK_STR(show("job.weight / 0"), "inf");
	counter = n;
}

/* Without a thread (no program running) globals still evaluate. */
static void no_thread(void)
{
	const struct frame_ctx none = { .thread = NULL, .level = 0 };

	CHECK_STR(show_in(&none, "arr[3]", 0), "40");
	CHECK_CONTAINS(show_in(&none, "local", 0), "no symbol \"local\"");
}

static void member_path(void)
{
	char buf[64];

	CHECK(value_member_path(NULL, "pt", (uint64_t)(uintptr_t)&pt, 4, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "pt.y");
	CHECK(value_member_path(NULL, "nosuch", 0, 0, buf, sizeof(buf)) < 0);
	err_clear();
}

static const char *scalar(enum value_kind kind, unsigned size, uint64_t bits)
{
	static char buf[128];
	struct value_scalar_type t = { .kind = kind, .size = size };
	struct strbuf sb = STRBUF_INIT;

	value_format_scalar(&t, bits, &sb);
	snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	sb_free(&sb);
	return buf;
}

static void add_param(void *arg, const char *name, const struct value_scalar_type *t)
{
	struct strbuf *sb = arg;

	sb_addf(sb, "%s:%s:%u ", name, t->name, t->size);
}

/* Trace and finish format a register's bits with print's formatter, typed by DWARF. */
/* text printed as print does ends with tail. */
static bool ends_with(const char *text, const char *tail)
{
	size_t n = strlen(text), t = strlen(tail);

	return n >= t && strcmp(text + n - t, tail) == 0;
}

/* Characters, strings, repeats, flag enums, sizes and symbols exactly as gdb prints them. */
static void as_gdb(void)
{
	CHECK_STR(show("escapes"), "\"a\\n\\t\\\\\\\"'\\033\"");
	CHECK_STR(show("quote_char"), "39 '\\''");
	CHECK_STR(show("padded"), "\"hi\\000\\000\\000\\000\\000\"");
	CHECK_STR(show("ubytes"), "\"\\000\\177\\200\\377\"");
	CHECK_STR(show("runs"), "\"x\", 'a' <repeats 16 times>, \"y\", '\\000' <repeats 11 times>");
	CHECK_STR(show("zeros"), "{0 <repeats 16 times>}");
	CHECK_STR(show("mostly_ones"), "{1 <repeats 11 times>, 2}");
	CHECK_STR(show_in(&frame0, "zeros", 'x'), "{0x0 <repeats 16 times>}");
	CHECK_STR(show("perm_rx"), "(P_R | P_X)");
	CHECK_STR(show("perm_odd"), "(P_R | unknown: 0x8)");
	CHECK_STR(show("(enum perm)0"), "0");
	/* RED, GREEN, BLUE are 0, 1, 2: gdb takes that for a flag enum too. */
	CHECK_STR(show("color_odd"), "(GREEN | BLUE | unknown: 0x4)");
	CHECK_STR(show("(enum sign)5"), "5");
	CHECK_STR(show_in(&frame0, "negative", 'x'), "0xffffffd6");
	CHECK_STR(show_in(&frame0, "sef.plain", 'x'), "0xfffffffc");
	CHECK_STR(show_in(&frame0, "negative", 'z'), "0xffffffd6");
	CHECK_STR(show_in(&frame0, "(short)3", 'z'), "0x0003");
	CHECK_STR(show_in(&frame0, "300", 'c'), "44 ','");
	CHECK(ends_with(printed("into"), " <arr+4>"));
	CHECK(strncmp(printed("into"), "(int *) 0x", 10) == 0);
	CHECK(strncmp(show("flexed"), "{len = 2, items = 0x", 20) == 0);
	CHECK_STR(show("wide_neg"), "-1267650600228229401496703205376");
	CHECK_STR(show("wide_top"), "170141183460469231731687303715884105733");
	CHECK_STR(show_in(&frame0, "wide_neg", 'x'), "0xfffffff0000000000000000000000000");
	CHECK_STR(show_in(&frame0, "wide_top", 'd'), "-170141183460469231731687303715884105723");
	CHECK_STR(show("cplx"), "1.5 + 2i");
	CHECK_STR(show("cplx_f"), "-1 + 0.5i");
}

static void scalars(void)
{
	double d = 2.5;
	uint64_t dbits;
	struct strbuf sb = STRBUF_INIT;
	struct value_scalar_type ret;

	memcpy(&dbits, &d, sizeof(d));
	/* The register's upper bits are not the value's: cut, then sign-extend. */
	CHECK_STR(scalar(VALUE_SIGNED, 4, 0xdeadbeefffffffd6ull), "-42");
	CHECK_STR(scalar(VALUE_UNSIGNED, 2, 0x1234ffffull), "65535");
	CHECK_STR(scalar(VALUE_CHAR, 1, 'a'), "97 'a'");
	CHECK_STR(scalar(VALUE_UCHAR, 1, 200), "200 '\\310'");
	CHECK_STR(scalar(VALUE_BOOL, 1, 1), "true");
	CHECK_STR(scalar(VALUE_FLOAT, 8, dbits), "2.5");
	CHECK_STR(scalar(VALUE_POINTER, 8, 0x1000), "0x1000");
	CHECK_STR(scalar(VALUE_OTHER, 16, 0), "{...}");
	CHECK_STR(scalar(VALUE_VOID, 0, 0), "");
	CHECK(value_func_params(syms, fake_pc, add_param, &sb) == 1);
	CHECK_STR(sb_str(&sb), "arg:int:4 ");
	CHECK(value_func_return_type(syms, fake_pc, &ret) == 0);
	CHECK(ret.kind == VALUE_SIGNED && ret.size == 4);
	CHECK_STR(ret.name, "int");
	sb_free(&sb);
}

int main(void)
{
	memfd = open("/proc/self/mem", O_RDWR);
	CHECK(memfd >= 0);
	syms = sym_new(getpid(), read_self, NULL);
	CHECK(syms && sym_sync(syms) == 0);
	if (memfd < 0 || !syms)
		CHECK_DONE();
	/* Anywhere inside frame_locals, its CFA in the middle of fake_stack. */
	fake_pc = (uint64_t)(uintptr_t)frame_locals + 4;
	fake_cfa = (uint64_t)(uintptr_t)fake_stack + 128;
	globals();
	multi_dim();
	type_names();
	literals();
	functions();
	vector_registers();
	register_unions();
	locals();
	frame_vars();
	lazy_frames();
	floats();
	float_conditions();
	assignments();
	float_assignments();
	no_thread();
	member_path();
	scalars();
	as_gdb();
	sym_free(syms);
	close(memfd);
	CHECK_DONE();
}
