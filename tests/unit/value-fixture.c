/* value-fixture.c - C objects with debug information for test-value: built at -O0, so locals live in the frame */
#include "value-fixture.h"

int counter = 7;
int negative = -42;
short small = 3;
unsigned long big = 18446744073709551615ul;
char letter = 'a';
double ratio = 1.5;
float weight = 0.25f;
long double precise = 1.25L;
__float128 quad = 1.5;
struct job job = { 3, 1.5, 0.5f };
struct job *current = &job;
enum color shade = GREEN;
struct point pt = { 1, -2 };
struct point path[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
int arr[4] = { 10, 20, 30, 40 };
const char *greeting = "hello";
struct point *where = &pt;
struct flags fl = { .on = 1, .level = -3, .mode = 5 };
struct sfield sef = { .field = s1, .plain = -2, .uns = 7, .hue = BLUE };
int *nowhere = (int *)16;
int int2dim[3][4] = { { 0, 1, 2, 3 }, { 4, 5, 6, 7 }, { 8, 9, 10, 11 } };
int int3dim[2][2][3] = { { { 1, 2, 3 }, { 4, 5, 6 } }, { { 7, 8, 9 }, { 10, 11, 12 } } };
struct point grid[2][2] = { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } };
char words[2][4] = { "abc", "def" };
point2_t corner2 = { 5, 6 };
const volatile int cv_int = 5;
const char_addr fixed = words[1];
struct holder holder = { .tag = 1, .i = 2 };

/* frame_locals' frame is faked by the test: its pc lies inside, its CFA is the test's buffer. */
int frame_locals(int arg)
{
	int local = arg * 2;
	struct point here = { arg, local };

	return here.x + here.y + local;
}

void takes_nothing(void)
{
}

int sum_of(int n, ...)
{
	return n;
}

/* An old-style definition: it says nothing of its parameters. */
__attribute__((used)) static int old_style()
{
	return 0;
}

/* Optimised alone: where it starts, x and y are in xmm0 and xmm1 (DW_OP_reg17, DW_OP_reg18). */
__attribute__((optimize("O2"), noinline)) double sum_squares(double x, double y)
{
	return x * x + y * y;
}

/* Printed as gdb prints them: escapes, NULs to the array's end, repeats, flag enums. */
char escapes[8] = "a\n\t\\\"'\033";
char padded[8] = "hi";
unsigned char ubytes[4] = { 0, 127, 128, 255 };
char runs[30] = "xaaaaaaaaaaaaaaaay";
char quote_char = '\'';
int zeros[16];
int mostly_ones[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 };
enum perm { P_R = 1, P_W = 2, P_X = 4 };
enum perm perm_rx = P_R | P_X;
enum perm perm_odd = (enum perm)9;
enum color color_odd = (enum color)7;
int *into = &arr[1];
struct flex {
	int len;
	short items[];
} flexed = { 2 };
__int128 wide_neg = -((__int128)1 << 100);
unsigned __int128 wide_top = ((unsigned __int128)1 << 127) + 5;
_Complex double cplx = 1.5 + 2.0i;
_Complex float cplx_f = -1.0f + 0.5if;
