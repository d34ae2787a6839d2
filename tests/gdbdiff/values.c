/* values - globals of every kind of C type, for comparing print, ptype, whatis,
 * x and set var with gdb's.
 *
 * main gives them their values and calls stop_here(), where the comparison
 * stops. The program prints nothing: its output would mix with the debuggers'.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };
enum sign { NEG = -2, ZERO = 0, POS = 2 };
enum __attribute__((packed)) small { S_A = 1, S_B = 200 };
enum perm { P_R = 1, P_W = 2, P_X = 4 };

struct point {
	int x;
	int y;
};

struct rect {
	struct point lo;
	struct point hi;
	enum color color;
};

union word {
	unsigned int u;
	int i;
	float f;
	unsigned char bytes[4];
};

struct anon {
	int tag;
	union {
		int as_int;
		float as_float;
	};
	struct {
		short a;
		short b;
	};
	union word w;
};

struct bits {
	unsigned int u3 : 3;
	signed int s4 : 4;
	int plain5 : 5;
	enum color ecol : 3;
	enum sign esign : 3;
	_Bool flag : 1;
	unsigned long long wide : 40;
	signed char sc2 : 2;
	unsigned short us9 : 9;
};

struct flex {
	int len;
	short items[];
};

struct with_fp {
	const char *name;
	int (*op)(int, int);
	double (*scale)(double);
};

typedef int myint;
typedef myint myint2;
typedef myint2 myint3;
typedef struct point point_t;
typedef point_t point2_t;
typedef int (*binop_t)(int, int);
typedef unsigned char byte_t;
typedef byte_t bytes4_t[4];
typedef char *char_addr;
typedef const int cint;

/* An anonymous struct two levels down: ptype spells out the first, not the second. */
struct nest {
	int t;
	struct {
		char a;
		struct {
			short d;
		} in;
	} s;
};

enum order { O_FIRST = 0, O_SECOND = 1, O_FOURTH = 3 };

struct opaque;
struct empty {};

char v_char = 'A';
signed char v_schar = -5;
unsigned char v_uchar = 250;
short v_short = -1234;
unsigned short v_ushort = 65000;
int v_int = -42;
unsigned int v_uint = 4000000000u;
long v_long = -5000000000L;
unsigned long v_ulong = 18000000000000000000ul;
long long v_llong = -9000000000000000000LL;
unsigned long long v_ullong = 12345678901234567890ull;
_Bool v_bool = 1;
float v_float = 1.5f;
double v_double = 3.25;
long double v_ldouble = 2.5L;
float v_float_frac = 0.1f;
double v_double_frac = 0.1;
double v_double_neg = -1e-300;
double v_double_big = 6.02214076e23;
long double v_ldouble_frac = 0.1L;
int v_zero = 0;
enum color v_color = BLUE;
enum sign v_sign = NEG;
enum color v_color_odd = (enum color)3;
enum small v_small = S_B;
enum perm v_perm = P_R | P_X;
enum perm v_perm_odd = (enum perm)9;
__int128 v_i128 = -((__int128)1 << 100);
unsigned __int128 v_u128 = ((unsigned __int128)1 << 127) + 5;
_Complex double v_cdouble = 1.5 + 2.0i;
_Complex float v_cfloat = -1.0f + 0.5if;
char v_tab = '\t';
char v_high = (char)0x80;

struct point v_point = { 3, -4 };
struct rect v_rect = { { 1, 2 }, { 30, 40 }, GREEN };
union word v_word = { .u = 0x3fc00000u };
struct anon v_anon = { .tag = 7, .as_int = 99, .a = -1, .b = 2, .w = { .i = -1 } };
struct bits v_bits;
struct flex *v_flex;
struct with_fp v_with_fp;

int v_arr1[5] = { 1, -2, 3, -4, 5 };
int v_arr2[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
short v_arr3[2][2][3] = { { { 1, 2, 3 }, { 4, 5, 6 } }, { { 7, 8, 9 }, { 10, 11, 12 } } };
char v_str[8] = "hi";
char v_str_full[4] = { 'a', 'b', 'c', 'd' };
unsigned char v_ubytes[4] = { 0, 127, 128, 255 };
double v_darr[3] = { 0.5, -1.25, 100 };
struct point v_parr[2] = { { 1, 2 }, { 3, 4 } };
const char *v_strs[3] = { "one", "two", NULL };
char v_esc[8] = "a\n\t\\\"'\033";
int v_rep[16];
int v_reps[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 };
int v_long_arr[300];
enum color v_colors[3] = { RED, GREEN, BLUE };

int *v_pint = &v_int;
int **v_ppint = &v_pint;
void *v_void = &v_point;
const char *v_cstr = "hello";
char *v_null_str;
struct point *v_ppoint = &v_point;
int (*v_parr1)[5] = &v_arr1;
const volatile int v_cv = 5;
int *const v_constp = &v_int;

myint3 v_myint3 = 33;
point2_t v_point2 = { 8, 9 };
binop_t v_binop;
bytes4_t v_bytes4 = { 1, 2, 3, 4 };
const char_addr v_cca = "cca";
const cint *v_pcint = &v_myint3;
int *volatile *const v_pvp = &v_pint;
const char *const v_ccp = "ccp";
struct nest v_nest;
enum order v_order = O_FOURTH;
struct opaque *v_opaque;
struct empty v_empty;

static int add(int a, int b)
{
	return a + b;
}

static double halve(double d)
{
	return d / 2;
}

static __attribute__((noinline)) void stop_here(void)
{
}

int main(void)
{
	v_bits.u3 = 5;
	v_bits.s4 = -3;
	v_bits.plain5 = -16;
	v_bits.ecol = BLUE;
	v_bits.esign = NEG;
	v_bits.flag = 1;
	v_bits.wide = 0x12345678ffull;
	v_bits.sc2 = -2;
	v_bits.us9 = 511;

	v_flex = malloc(sizeof(*v_flex) + 3 * sizeof(short));
	v_flex->len = 3;
	v_flex->items[0] = 10;
	v_flex->items[1] = -20;
	v_flex->items[2] = 30;

	v_with_fp.name = "adder";
	v_with_fp.op = add;
	v_with_fp.scale = halve;
	v_binop = add;
	for (int i = 0; i < 300; i++)
		v_long_arr[i] = i;

	stop_here();
	free(v_flex);
	return v_int == 77 ? 0 : 1;
}
