/* value-format.c - values printed as gdb prints them: scalars, strings, enums, structs, arrays */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "frame.h"
#include "regs.h"
#include "sym.h"
#include "util.h"
#include "value-int.h"
#include "value.h"

/* ---- printing ------------------------------------------------------------ */

static struct value_print_opts print_opts = { .elements = 200, .repeats = 10 };

const struct value_print_opts *value_print_opts(void)
{
	return &print_opts;
}

void value_set_print_opts(const struct value_print_opts *opts)
{
	print_opts = *opts;
}

unsigned vprint_elements(void)
{
	return print_opts.elements ? print_opts.elements : UINT_MAX;
}

unsigned vprint_repeats(void)
{
	return print_opts.repeats ? print_opts.repeats : UINT_MAX;
}

/* Where the digits that end name[0..len) begin (len when it ends in none). */
static size_t strspn_end_digits(const char *name, size_t len)
{
	while (len && name[len - 1] >= '0' && name[len - 1] <= '9')
		len--;
	return len;
}

/* v cut to its type's size, for hexadecimal, octal and unsigned views of negative numbers. */
static uint64_t cut(uint64_t v, uint64_t size)
{
	return size && size < 8 ? v & ((UINT64_C(1) << (size * 8)) - 1) : v;
}

/* A float's or double's bits (in v) as gdb prints them; a long double's are more than v holds. */
static void format_float(uint64_t v, uint64_t size, struct strbuf *out)
{
	unsigned char b[16] = { 0 };

	if (size != 4 && size != 8) {
		sb_add(out, "<long double: not shown yet>");
		return;
	}
	memcpy(b, &v, 8);
	vfloat_format(b, (unsigned)size, out);
}

/*
 * " <sym+off>" after an address a symbol covers (nothing when none does, or
 * for 0). For a data pointer gdb names the variable as DWARF does, so the
 * ".N" gcc's symbol table adds to a static local (nodes.0) goes; /a keeps
 * the symbol table's name, as gdb's does.
 */
static void add_symbol(struct sym *sym, uint64_t addr, bool data, struct strbuf *out)
{
	struct sym_loc loc;
	size_t len;

	if (!sym || !addr)
		return;
	sym_describe(sym, addr, false, &loc);
	if (loc.func) {
		len = strlen(loc.func);
		if (data) {
			size_t dot = strspn_end_digits(loc.func, len);

			if (dot < len && dot > 1 && loc.func[dot - 1] == '.')
				len = dot - 1;
		}
		sb_addf(out, " <%.*s", (int)len, loc.func);
		sb_addf(out, loc.off ? "+%" PRIu64 ">" : ">", loc.off);
	}
	err_clear();
}

/*
 * The one formatter of a scalar's bits (sign-extended for signed kinds):
 * print, display, info locals, trace's arguments and finish's value all
 * come here. fmt 0 is the natural form; x o u d t c a are print's formats.
 * c gives 'a' its symbols; without one the address is bare.
 */
static void format_scalar(struct vctx *c, uint64_t v, enum vkind k, uint64_t size, char fmt,
			  struct strbuf *out)
{
	switch (fmt) {
	case 'x':
		sb_addf(out, "0x%" PRIx64, cut(v, size));
		return;
	case 'o':
		sb_addf(out, "0%" PRIo64, cut(v, size));
		return;
	case 'u':
		sb_addf(out, "%" PRIu64, cut(v, size));
		return;
	case 'd':
		/* The bits as a signed number of the type's size: a float's too. */
		if (size && size < 8 && (v >> (size * 8 - 1)) & 1)
			v |= ~UINT64_C(0) << (size * 8);
		sb_addf(out, "%" PRId64, (int64_t)v);
		return;
	case 't': {
		unsigned bits = size ? (unsigned)size * 8 : 64;
		bool started = false;

		for (unsigned i = bits; i-- > 0;) {
			if ((v >> i) & 1)
				started = true;
			if (started)
				sb_addc(out, (v >> i) & 1 ? '1' : '0');
		}
		if (!started)
			sb_addc(out, '0');
		return;
	}
	case 'c':
		/* gdb's /c: the low byte as a char, unsigned when the value is. */
		k = k == VK_UNSIGNED || k == VK_UCHAR || k == VK_POINTER ? VK_UCHAR : VK_CHAR;
		break;
	case 'z':
		sb_addf(out, "0x%0*" PRIx64, size && size < 8 ? (int)size * 2 : 16, cut(v, size));
		return;
	case 'a':
		/* An address, with the symbol it is in. */
		sb_addf(out, "0x%" PRIx64, v);
		add_symbol(c ? frame_sym(c->fc) : NULL, v, false, out);
		err_clear();
		return;
	default:
		break;
	}
	if (!fmt && k == VK_BOOL) {
		sb_add(out, v ? "true" : "false");
		return;
	}
	if (!fmt && k == VK_FLOAT) {
		format_float(v, size, out);
		return;
	}
	if (!fmt && (k == VK_POINTER || k == VK_FUNC)) {
		sb_addf(out, "0x%" PRIx64, v);
		return;
	}
	if (k == VK_CHAR || k == VK_UCHAR) {
		unsigned char ch = (unsigned char)v;

		sb_addf(out, "%" PRId64 " ", k == VK_CHAR ? (int64_t)(signed char)ch : (int64_t)ch);
		vchar_format(ch, out);
	} else if (k == VK_UNSIGNED) {
		sb_addf(out, "%" PRIu64, v);
	} else {
		sb_addf(out, "%" PRId64, (int64_t)v);
	}
}

/*
 * The C string at addr as gdb's print shows a char *: up to its NUL, at
 * most "print elements" characters, "..." after them when the string goes
 * on. Without a limit, at most MAX_REPEAT_BYTES.
 */
static void format_string(struct vctx *c, uint64_t addr, struct strbuf *out)
{
	size_t max = vprint_elements() < MAX_REPEAT_BYTES ? vprint_elements() : MAX_REPEAT_BYTES;
	unsigned char *buf = xmalloc(max + 1);
	ssize_t got;
	size_t n;

	got = frame_read(c->fc, addr, buf, max + 1);
	if (got <= 0) {
		sb_addf(out, "<error: cannot access memory at 0x%" PRIx64 ">", addr);
		free(buf);
		return;
	}
	for (n = 0; n < (size_t)got && n < max && buf[n]; n++)
		;
	vchars_format(buf, n, n == max && (size_t)got > n && buf[n], out);
	free(buf);
}

/*
 * A char array as gdb prints it: every byte to the array's end, NULs as
 * \000, but for one NUL at the very end (the C string's terminator).
 */
static void format_char_array(struct vctx *c, uint64_t addr, int64_t count, struct strbuf *out)
{
	size_t n = count > 0 ? (size_t)count : 0;
	bool more = false;
	unsigned char *buf;
	ssize_t got;

	if (n > MAX_REPEAT_BYTES) {
		n = MAX_REPEAT_BYTES;
		more = true;
	}
	buf = xmalloc(n ? n : 1);
	got = n ? frame_read(c->fc, addr, buf, n) : 0;
	if (got < (ssize_t)n) {
		sb_addf(out, "<error: cannot access memory at 0x%" PRIx64 ">", addr);
		free(buf);
		return;
	}
	if (print_opts.null_stop)
		n = strnlen((const char *)buf, n);
	else if (!more && n && !buf[n - 1])
		n--;
	vchars_format(buf, n, more, out);
	free(buf);
}

/* A char array of count bytes held in a constant (a returned struct's member), as above. */
static void format_const_chars(const struct value *v, int64_t count, struct strbuf *out)
{
	unsigned char buf[16];
	size_t len = count > 0 && count < 16 ? (size_t)count : count > 0 ? 16 : 0;

	memcpy(buf, &v->cval, 8);
	memcpy(buf + 8, &v->cval_hi, 8);
	if (len && !buf[len - 1])
		len--;
	vchars_format(buf, len, false, out);
}

/*
 * An enumerator's value, signed only when its form is: elfutils reads a
 * data1 of 200 as -56 when asked for a signed value.
 */
static bool enumerator_value(Dwarf_Die *child, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Sword sv;
	Dwarf_Word uv;

	if (dwarf_tag(child) != DW_TAG_enumerator ||
	    !dwarf_attr_integrate(child, DW_AT_const_value, &attr))
		return false;
	if ((dwarf_whatform(&attr) == DW_FORM_sdata ||
	     dwarf_whatform(&attr) == DW_FORM_implicit_const) &&
	    dwarf_formsdata(&attr, &sv) == 0)
		*out = (uint64_t)sv;
	else if (dwarf_formudata(&attr, &uv) == 0)
		*out = uv;
	else
		return false;
	return true;
}

/*
 * gdb's flag enum: every enumerator is 0 or a bit of its own, so a value
 * that is none of them reads as an OR of them.
 */
static bool is_flag_enum(Dwarf_Die *peeled)
{
	Dwarf_Die child;
	uint64_t mask = 0, e;

	if (dwarf_child(peeled, &child) != 0)
		return false;
	do {
		if (!enumerator_value(&child, &e))
			continue;
		if ((int64_t)e < 0 || (e & (e - 1)) || (mask & e))
			return false;
		mask |= e;
	} while (dwarf_siblingof(&child, &child) == 0);
	return true;
}

/* A flag enum's value as gdb writes it: (P_R | P_X), (P_R | unknown: 0x8), 0. */
static void format_flags(Dwarf_Die *peeled, uint64_t v, struct strbuf *out)
{
	Dwarf_Die child;
	bool first = true;
	uint64_t e;

	if (dwarf_child(peeled, &child) == 0) {
		do {
			if (!enumerator_value(&child, &e) || !e || (v & e) != e)
				continue;
			sb_add(out, first ? "(" : " | ");
			sb_add(out, dwarf_diename(&child));
			first = false;
			v &= ~e;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (v)
		sb_addf(out, "%sunknown: 0x%" PRIx64 ")", first ? "(" : " | ", v);
	else
		sb_add(out, first ? "0" : ")");
}

/*
 * An enum's value by its enumerator's name; a flag enum's as an OR of
 * them. false when neither: gdb then prints the number.
 */
static bool format_enum(Dwarf_Die *type, uint64_t v, struct strbuf *out)
{
	Dwarf_Die peeled, child;
	uint64_t e;

	if (dwarf_peel_type(type, &peeled) < 0 || dwarf_child(&peeled, &child) != 0)
		return false;
	do {
		if (enumerator_value(&child, &e) && e == v) {
			sb_add(out, dwarf_diename(&child));
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	if (!is_flag_enum(&peeled))
		return false;
	format_flags(&peeled, v, out);
	return true;
}

static int vfmt_value(struct vctx *c, const struct value *v, char fmt, int depth,
		      struct strbuf *out);

static void format_aggregate(struct vctx *c, const struct value *v, char fmt, int depth,
			     struct strbuf *out)
{
	Dwarf_Die peeled, child;
	bool first = true;

	if (depth >= MAX_DEPTH) {
		sb_add(out, "{...}");
		return;
	}
	if (v->loc == VL_REGISTER) {
		struct value held;

		if (vloc_hold(c, v, &held) < 0) {
			sb_addf(out, "<error: %s>", err_get());
			err_clear();
			return;
		}
		format_aggregate(c, &held, fmt, depth, out);
		return;
	}
	if (v->loc != VL_MEMORY && v->loc != VL_CONST) {
		sb_add(out, "<not in memory>");
		return;
	}
	if (!v->type.has_die) {
		vvreg_format(v, fmt, out);
		return;
	}
	sb_addc(out, '{');
	if (dwarf_peel_type((Dwarf_Die *)&v->type.die, &peeled) == 0 &&
	    dwarf_child(&peeled, &child) == 0) {
		do {
			struct value m;
			Dwarf_Attribute attr;
			Dwarf_Word off = 0;
			const char *name;

			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			memset(&m, 0, sizeof(m));
			if (!vtype_die_type(&child, &m.type.die))
				continue;
			m.type.has_die = true;
			if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &attr))
				dwarf_formudata(&attr, &off);
			vloc_part(v, off, &m);
			vtype_member_bits(&child, &m);
			name = dwarf_diename(&child);
			if (print_opts.pretty)
				sb_addf(out, "%s\n%*s", first ? "" : ",", 2 * (depth + 1), "");
			else
				sb_add(out, first ? "" : ", ");
			first = false;
			if (name)
				sb_addf(out, "%s = ", name);
			vfmt_value(c, &m, fmt, depth + 1, out);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	/* A struct without members, as gdb says it. */
	if (first)
		sb_add(out, "<No data fields>");
	/* gdb's "print pretty": one member a line, two spaces deeper a level. */
	if (print_opts.pretty && !first)
		sb_addf(out, "\n%*s", 2 * depth, "");
	sb_addc(out, '}');
}

/*
 * How many elements from i on hold the same bytes as element i (1 when
 * none does), compared in buf, the first elements of the array as read.
 */
static int64_t run_length(const unsigned char *buf, int64_t in_buf, uint64_t size, int64_t i)
{
	int64_t j = i + 1;

	while (j < in_buf && !memcmp(buf + (uint64_t)i * size, buf + (uint64_t)j * size, size))
		j++;
	return j - i;
}

/*
 * The elements of an array, as gdb's value_print_array_elements: a run of
 * more than "print repeats" equal elements is printed once with
 * <repeats N times> and counts as that many towards the "print elements"
 * shown; "..." when some are left out. "print array-indexes" puts [i] =
 * before each.
 */
static void format_elements(struct vctx *c, uint64_t addr, const struct vtype *elem, int64_t n,
			    char fmt, int depth, struct strbuf *out)
{
	uint64_t size = vtype_size(elem);
	int64_t in_buf = 0, shown = 0, i;
	unsigned char *buf = NULL;

	/* Runs are found in what fits a bounded buffer; past it each element is its own. */
	if (size && n > 0) {
		in_buf = (int64_t)(MAX_REPEAT_BYTES / size) < n ? (int64_t)(MAX_REPEAT_BYTES / size)
								: n;
		buf = xmalloc((size_t)(in_buf * (int64_t)size));
		if (frame_read(c->fc, addr, buf, (size_t)in_buf * size) != (ssize_t)(in_buf * size))
			in_buf = 0;
	}
	for (i = 0; i < n && shown < vprint_elements(); i++) {
		struct value e = { .type = *elem,
				   .loc = VL_MEMORY,
				   .addr = addr + (uint64_t)i * size };
		int64_t run = i < in_buf ? run_length(buf, in_buf, size, i) : 1;

		sb_add(out, i ? ", " : "");
		if (print_opts.array_indexes)
			sb_addf(out, "[%" PRId64 "] = ", i);
		vfmt_value(c, &e, fmt, depth + 1, out);
		if (run > vprint_repeats()) {
			sb_addf(out, " <repeats %" PRId64 " times>", run);
			i += run - 1;
			shown += vprint_repeats();
		} else {
			shown++;
		}
	}
	if (i < n)
		sb_add(out, "...");
	free(buf);
}

static void format_array(struct vctx *c, const struct value *v, char fmt, int depth,
			 struct strbuf *out)
{
	struct vtype elem;
	int64_t n = vtype_array_count(&v->type);
	uint64_t size;
	enum vkind ek;

	if (!vtype_target(&v->type, &elem)) {
		sb_add(out, "<unknown array>");
		return;
	}
	size = vtype_size(&elem);
	ek = vtype_kind(&elem);
	if (v->loc != VL_MEMORY && v->loc != VL_CONST) {
		sb_add(out, "<not in memory>");
		return;
	}
	if (n <= 0) {
		/* No bound (a flexible array member): gdb shows where it starts, as a pointer. */
		sb_addf(out, "0x%" PRIx64, v->addr);
		add_symbol(frame_sym(c->fc), v->addr, true, out);
		if ((ek == VK_CHAR || ek == VK_UCHAR) && size == 1 && !fmt) {
			sb_addc(out, ' ');
			format_string(c, v->addr, out);
		}
		return;
	}
	if ((ek == VK_CHAR || ek == VK_UCHAR) && size == 1 && !fmt) {
		if (v->loc == VL_CONST)
			format_const_chars(v, n, out);
		else
			format_char_array(c, v->addr, n, out);
		return;
	}
	if (depth >= MAX_DEPTH) {
		sb_add(out, "{...}");
		return;
	}
	sb_addc(out, '{');
	if (v->loc == VL_CONST) {
		/* A struct's array member held in a constant (a returned value): no runs to fold. */
		for (int64_t i = 0; i < n && (uint64_t)i < vprint_elements(); i++) {
			struct value e = { .type = elem };

			vloc_part(v, (uint64_t)i * size, &e);
			sb_add(out, i ? ", " : "");
			vfmt_value(c, &e, fmt, depth + 1, out);
		}
		if ((uint64_t)n > vprint_elements())
			sb_add(out, "...");
	} else {
		format_elements(c, v->addr, &elem, n, fmt, depth, out);
	}
	sb_addc(out, '}');
}

/* A value that cannot be read: the command's error at the top, shown in place inside an aggregate. */
static int unreadable(int depth, struct strbuf *out)
{
	if (!depth)
		return -1;
	sb_addf(out, "<error: %s>", err_get());
	err_clear();
	return 0;
}

/*
 * A float, double or long double. As gdb: naturally its value; /x /o /t
 * /d /u its bits (all 80 of a long double for /x); /c its value
 * converted to an integer.
 */
static int format_float_value(struct vctx *c, const struct value *v, char fmt, int depth,
			      struct strbuf *out)
{
	int fsize = vfloat_size(&v->type);
	unsigned size = fsize > 0 ? (unsigned)fsize : 0;
	unsigned char b[16];
	long double x;
	uint64_t bits;

	if (fsize < 0)
		return unreadable(depth, out);
	if (fmt == 'c') {
		if (vfloat_get(c, v, &x) < 0)
			return unreadable(depth, out);
		format_scalar(c, vfloat_to_int(x), VK_CHAR, 1, fmt, out);
		return 0;
	}
	if (vloc_read_bytes(c, v, b, size) < 0)
		return unreadable(depth, out);
	if (!fmt) {
		vfloat_format(b, size, out);
		return 0;
	}
	if (size == 16) {
		uint16_t se;

		if (fmt != 'x') {
			err_set("print/%c of a long double is not supported (only /x)", fmt);
			return unreadable(depth, out);
		}
		memcpy(&bits, b, 8);
		memcpy(&se, b + 8, 2);
		if (se)
			sb_addf(out, "0x%x%016" PRIx64, se, bits);
		else
			sb_addf(out, "0x%" PRIx64, bits);
		return 0;
	}
	bits = 0;
	memcpy(&bits, b, size);
	format_scalar(c, bits, VK_UNSIGNED, size, fmt, out);
	return 0;
}

/*
 * An __int128 or unsigned __int128 (16 bytes, more than a register's
 * uint64_t): decimal naturally and for /d /u, or /x /o /t /z of all 128
 * bits, as gdb prints them.
 */
static int format_int128(struct vctx *c, const struct value *v, bool is_signed, char fmt, int depth,
			 struct strbuf *out)
{
	unsigned __int128 u;
	char digits[130];
	size_t n = 0;
	unsigned base = 10;
	bool neg = false;

	if (vloc_read_bytes(c, v, &u, sizeof(u)) < 0)
		return unreadable(depth, out);
	if (fmt == 'x' || fmt == 'z')
		base = 16;
	else if (fmt == 'o')
		base = 8;
	else if (fmt == 't')
		base = 2;
	else if (fmt != 'u' && (is_signed || fmt == 'd') && (__int128)u < 0) {
		neg = true;
		u = -u;
	}
	do {
		digits[n++] = "0123456789abcdef"[u % base];
		u /= base;
	} while (u);
	while (fmt == 'z' && n < 32)
		digits[n++] = '0';
	sb_add(out, neg ? "-" : base == 16 ? "0x" : base == 8 && digits[n - 1] != '0' ? "0" : "");
	while (n)
		sb_addc(out, digits[--n]);
	return 0;
}

/* The size of each half of a _Complex float, double or long double; 0 for another type. */
static unsigned complex_half(const struct vtype *t)
{
	Dwarf_Die peeled;
	Dwarf_Attribute attr;
	Dwarf_Word enc, size;

	if (!t->has_die || t->ptr || t->count || t->dim ||
	    dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0 ||
	    dwarf_tag(&peeled) != DW_TAG_base_type ||
	    !dwarf_attr_integrate(&peeled, DW_AT_encoding, &attr) ||
	    dwarf_formudata(&attr, &enc) != 0 || enc != DW_ATE_complex_float ||
	    !dwarf_attr_integrate(&peeled, DW_AT_byte_size, &attr) ||
	    dwarf_formudata(&attr, &size) != 0)
		return 0;
	return size == 8 || size == 16 || size == 32 ? (unsigned)size / 2 : 0;
}

/* A complex value as gdb 13 prints one: "1.5 + 2i", its parts as floating values. */
static int format_complex(struct vctx *c, const struct value *v, char fmt, int depth,
			  struct strbuf *out)
{
	unsigned half = complex_half(&v->type);
	unsigned char b[32];

	if (fmt) {
		err_set("print/%c of a complex value is not supported", fmt);
		return unreadable(depth, out);
	}
	/* A value held in registers (a returned one) has 16 bytes at most. */
	if (v->loc != VL_MEMORY && 2 * half > 16) {
		err_set("a complex value of %u bytes cannot be shown", 2 * half);
		return unreadable(depth, out);
	}
	if (vloc_read_bytes(c, v, b, 2 * half) < 0)
		return unreadable(depth, out);
	vfloat_format(b, half, out);
	sb_add(out, " + ");
	vfloat_format(b + half, half, out);
	sb_addc(out, 'i');
	return 0;
}

static int vfmt_value(struct vctx *c, const struct value *v, char fmt, int depth,
		      struct strbuf *out)
{
	enum vkind k = vtype_kind(&v->type);
	uint64_t iv;
	struct sym *sym = frame_sym(c->fc);

	if (v->optimized_out || (k != VK_STRUCT && k != VK_UNION && k != VK_ARRAY &&
				 vloc_unavailable(v, vtype_size(&v->type)))) {
		sb_add(out, "<optimized out>");
		return 0;
	}
	/* An aggregate that cannot be read at all is an error, not a list of errors. */
	if ((k == VK_STRUCT || k == VK_UNION || k == VK_ARRAY) && v->loc == VL_MEMORY) {
		unsigned char probe;

		if (frame_read(c->fc, v->addr, &probe, 1) != 1) {
			err_set("cannot access memory at 0x%" PRIx64, v->addr);
			return unreadable(depth, out);
		}
	}
	switch (k) {
	case VK_STRUCT:
	case VK_UNION:
		format_aggregate(c, v, fmt, depth, out);
		return 0;
	case VK_ARRAY:
		format_array(c, v, fmt, depth, out);
		return 0;
	case VK_VOID:
		/* A void function's call, or a cast to void: gdb's "$1 = void". */
		sb_add(out, "void");
		return 0;
	case VK_OTHER:
		if (complex_half(&v->type))
			return format_complex(c, v, fmt, depth, out);
		sb_add(out, "<value of a type lurk cannot show>");
		return 0;
	default:
		break;
	}
	if (k == VK_FLOAT)
		return format_float_value(c, v, fmt, depth, out);
	if ((k == VK_SIGNED || k == VK_UNSIGNED) && vtype_size(&v->type) == 16)
		return format_int128(c, v, k == VK_SIGNED, fmt, depth, out);
	if (vloc_read_scalar(c, v, &iv) < 0)
		return unreadable(depth, out);
	switch (k) {
	case VK_ENUM:
		if (!fmt && format_enum((Dwarf_Die *)&v->type.die, iv, out))
			return 0;
		break;
	case VK_POINTER:
	case VK_FUNC: {
		struct vtype pointee;

		if (fmt)
			break;
		/* gdb's {type} before a function with debug information, wherever it is. */
		if (k == VK_FUNC && !fmt && v->type.has_die) {
			sb_addc(out, '{');
			vtype_name(&v->type, out);
			sb_add(out, "} ");
		}
		sb_addf(out, "0x%" PRIx64, iv);
		/* gdb's <symbol> after any address a symbol covers, data as well as code. */
		add_symbol(sym, iv,
			   k != VK_FUNC && !(vtype_target(&v->type, &pointee) &&
					     vtype_kind(&pointee) == VK_FUNC),
			   out);
		if (vtype_target(&v->type, &pointee) && vtype_size(&pointee) == 1 &&
		    (vtype_kind(&pointee) == VK_CHAR || vtype_kind(&pointee) == VK_UCHAR) && iv) {
			sb_addc(out, ' ');
			format_string(c, iv, out);
		}
		return 0;
	}
	default:
		break;
	}
	if (k == VK_FUNC && v->type.has_die && (fmt == 'a' || fmt == 'c')) {
		err_set("print/%c of a function: its code is not an integer", fmt);
		return unreadable(depth, out);
	}
	if (k == VK_FUNC && v->type.has_die) {
		/*
		 * gdb's print/x of a function formats its contents, the size of a
		 * function being 1: the first byte of its code (0x55, push %rbp).
		 */
		unsigned char first;

		if (frame_read(c->fc, iv, &first, 1) != 1) {
			err_set("cannot access memory at 0x%" PRIx64, iv);
			return unreadable(depth, out);
		}
		format_scalar(c, first, VK_UNSIGNED, 1, fmt, out);
		return 0;
	}
	/* $pc is a function here but a pointer to one in gdb: all 8 bytes. */
	format_scalar(c, iv, k, k == VK_FUNC ? 8 : vtype_size(&v->type), fmt, out);
	return 0;
}

int value_format(const struct frame_ctx *fc, const struct value *v, char fmt, struct strbuf *out)
{
	struct vctx c;
	int ret;

	if (vctx_open(fc, &c) < 0)
		return -1;
	ret = vfmt_value(&c, v, fmt, 0, out);
	vctx_close(&c);
	return ret;
}

static bool is_plain_char(const struct vtype *t)
{
	Dwarf_Die peeled;
	const char *name;

	if (!t->has_die || t->ptr || t->count || dwarf_peel_type((Dwarf_Die *)&t->die, &peeled) < 0)
		return false;
	name = dwarf_diename(&peeled);
	return name && strcmp(name, "char") == 0;
}

int value_format_print(const struct frame_ctx *fc, const struct value *v, char fmt,
		       struct strbuf *out)
{
	enum vkind k = vtype_kind(&v->type), pk;
	struct vtype pointee;

	if (!fmt && !v->optimized_out && k == VK_POINTER) {
		/* A string says what it is by itself: gdb leaves out only a plain char *. */
		pk = vtype_target(&v->type, &pointee) ? vtype_kind(&pointee) : VK_OTHER;
		if (!(pk == VK_CHAR && is_plain_char(&pointee))) {
			sb_addc(out, '(');
			vtype_name(&v->type, out);
			sb_add(out, ") ");
		}
	}
	return value_format(fc, v, fmt, out);
}

static enum vkind scalar_vkind(enum value_kind k)
{
	switch (k) {
	case VALUE_SIGNED:
		return VK_SIGNED;
	case VALUE_UNSIGNED:
		return VK_UNSIGNED;
	case VALUE_BOOL:
		return VK_BOOL;
	case VALUE_CHAR:
		return VK_CHAR;
	case VALUE_UCHAR:
		return VK_UCHAR;
	case VALUE_POINTER:
		return VK_POINTER;
	case VALUE_FLOAT:
		return VK_FLOAT;
	case VALUE_VOID:
		return VK_VOID;
	default:
		return VK_OTHER;
	}
}

void value_format_scalar(const struct value_scalar_type *t, uint64_t bits, struct strbuf *out)
{
	enum vkind k = scalar_vkind(t->kind);
	unsigned size = t->size && t->size < 8 ? t->size : 8;

	if (k == VK_VOID)
		return;
	if (k == VK_OTHER) {
		/* A struct passed in registers: its members are not known here. */
		sb_add(out, "{...}");
		return;
	}
	/* Registers hold more than the type: cut to its size, then sign-extend. */
	if (size < 8 && k != VK_FLOAT) {
		bits &= (UINT64_C(1) << (size * 8)) - 1;
		if ((k == VK_SIGNED || k == VK_CHAR) && (bits >> (size * 8 - 1)) & 1)
			bits |= ~UINT64_C(0) << (size * 8);
	}
	format_scalar(NULL, bits, k, k == VK_FLOAT ? t->size : size, 0, out);
}

void value_format_chars(const unsigned char *s, size_t n, bool more, struct strbuf *out)
{
	vchars_format(s, n, more, out);
}
