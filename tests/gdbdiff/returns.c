/* returns - functions with arguments of several types and return values of every
 * SysV x86_64 class, for comparing info args, info locals and finish with gdb's.
 *
 * Built at -O0 and -O2; noipa keeps every call a real call with its arguments
 * in the registers and stack slots the ABI gives them. The program prints
 * nothing: its output would mix with the debuggers'.
 */
#include <stdbool.h>

/* Kept out of line and unspecialised, so -O2 still passes by the ABI (clang has no noipa). */
#ifdef __clang__
#define CALL static __attribute__((noinline, used))
#else
#define CALL static __attribute__((noipa))
#endif

enum mood { CALM, ANGRY = 3 };

struct point {
	int x;
	int y;
};

struct ints16 {
	long a;
	long b;
};

struct floats8 {
	float a;
	float b;
};

struct doubles16 {
	double x;
	double y;
};

struct mixed8 {
	int i;
	float f;
};

struct mixed16 {
	double d;
	long l;
};

struct chars3 {
	char c[3];
};

struct big {
	long v[4];
	int tail;
};

struct ldbl {
	long double x;
};

struct floats12 {
	float a;
	float b;
	float c;
};

struct char_double {
	char c;
	double d;
};

union num {
	long l;
	double d;
};

volatile long sink;
volatile double dsink;

CALL int ret_int(int a, int b)
{
	return a * b - 1;
}

CALL unsigned char ret_uchar(unsigned char c)
{
	return (unsigned char)(c + 1);
}

CALL char ret_char(char c)
{
	return (char)(c + 1);
}

CALL bool ret_bool(int v)
{
	return v > 2;
}

CALL long ret_long(long v)
{
	return v * 3;
}

CALL enum mood ret_enum(int v)
{
	return v ? ANGRY : CALM;
}

CALL double ret_double(double d, int n)
{
	return d * n;
}

CALL float ret_float(float f)
{
	return f / 4;
}

CALL long double ret_ldouble(long double x)
{
	return x * 2;
}

CALL const char *ret_ptr(const char *s)
{
	return s + 1;
}

CALL struct point ret_point(int x, int y)
{
	struct point p = { x, y };
	return p;
}

CALL struct ints16 ret_ints16(long a)
{
	struct ints16 r = { a, -a };
	return r;
}

CALL struct floats8 ret_floats8(float a)
{
	struct floats8 r = { a, a * 2 };
	return r;
}

CALL struct doubles16 ret_doubles16(double x)
{
	struct doubles16 r = { x, x + 1 };
	return r;
}

CALL struct mixed8 ret_mixed8(int i)
{
	struct mixed8 r = { i, 0.5f };
	return r;
}

CALL struct mixed16 ret_mixed16(long l)
{
	struct mixed16 r = { 1.25, l };
	return r;
}

CALL struct chars3 ret_chars3(char c)
{
	struct chars3 r = { { c, (char)(c + 1), (char)(c + 2) } };
	return r;
}

CALL struct big ret_big(long base)
{
	struct big r = { { base, base + 1, base + 2, base + 3 }, -1 };
	return r;
}

CALL struct ldbl ret_ldbl(long double x)
{
	struct ldbl r = { x };
	return r;
}

CALL struct floats12 ret_floats12(float a)
{
	struct floats12 r = { a, a + 1, a + 2 };
	return r;
}

CALL struct char_double ret_char_double(char c)
{
	struct char_double r = { c, 0.25 };
	return r;
}

CALL union num ret_union(long l)
{
	union num r = { .l = l };
	return r;
}

CALL _Complex double ret_complex(double re)
{
	return re + 2.0i;
}

CALL void inner_stop(void)
{
}

CALL int many_args(int a, long b, double c, char d, const char *e, struct point f,
		   struct point *g, float h, enum mood i, unsigned short j)
{
	int sum = a + (int)b + d + f.x + g->y + j;
	double scaled = c * h;
	const char *label = e;

	inner_stop();
	sink = sum + label[0] + i;
	dsink = scaled;
	return sum;
}

int main(void)
{
	struct point pt = { 5, 6 };

	sink = ret_int(6, 7);
	sink = ret_uchar(255);
	sink = ret_char('a');
	sink = ret_bool(3);
	sink = ret_long(-4000000000L);
	sink = ret_enum(1);
	dsink = ret_double(1.25, 8);
	dsink = ret_float(3.0f);
	dsink = (double)ret_ldouble(1.5L);
	sink = ret_ptr("xyz")[0];
	sink = ret_point(1, 2).y;
	sink = ret_ints16(9).b;
	dsink = ret_floats8(1.5f).b;
	dsink = ret_doubles16(2.5).y;
	sink = ret_mixed8(4).i;
	dsink = ret_mixed16(11).d;
	sink = ret_chars3('p').c[2];
	sink = ret_big(100).tail;
	dsink = (double)ret_ldbl(0.75L).x;
	dsink = ret_floats12(0.5f).c;
	dsink = ret_char_double('k').d;
	sink = ret_union(-3).l;
	dsink = __imag__ ret_complex(4.0);
	sink = many_args(1, 2L, 2.5, 'q', "text", pt, &pt, 4.0f, ANGRY, 60000);
	return 0;
}
