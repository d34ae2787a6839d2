/* The corpus of the execution-control comparison with gdb: recursion, loops,
 * calls through pointers, inlined functions (one level and two deep) and a
 * tail call, each on its own lines so that a script can name them. Built at
 * -O0 and at -O2; control.py names lines by the markers in the comments
 * (a marker is the word after "L:"), so the file can change without
 * renumbering the scripts. */
#include <stdio.h>

/* Global, so that -O2 keeps them whole (a static one could become a clone
 * with another name). */
int factorial(int n);
int square(int x);
int twice(int x);
int tail_target(int x);
int tail_caller(int x);
int apply(int (*fn)(int), int x);
int loop_sum(int count);
int inlined_twice(int x);
int nested_inline(int x);

volatile int sink;

/* Keeps a value alive without letting the compiler fold it away. */
static void use(int v)
{
	sink = v; /* L:use_body */
}

__attribute__((noinline)) int factorial(int n)
{
	if (n <= 1) /* L:fact_test */
		return 1; /* L:fact_base */
	int rest = factorial(n - 1); /* L:fact_rec */
	sink = rest; /* keeps the recursion a recursion at -O2 */
	return n * rest; /* L:fact_mul */
}

__attribute__((noinline)) int square(int x)
{
	int r = x * x; /* L:square_body */
	sink = r; /* L:square_sink */
	return r; /* L:square_ret */
}

__attribute__((noinline)) int twice(int x)
{
	sink = x; /* L:twice_body */
	return x + x;
}

static inline __attribute__((always_inline)) int inl_leaf(int x)
{
	sink = x + 1; /* L:leaf_body */
	return sink * 3; /* L:leaf_ret */
}

static inline __attribute__((always_inline)) int inl_mid(int x)
{
	int t = inl_leaf(x); /* L:mid_call */
	return t + sink; /* L:mid_ret */
}

__attribute__((noinline)) int tail_target(int x)
{
	sink = x; /* L:tail_target_body */
	return x * 7;
}

__attribute__((noinline)) int tail_caller(int x)
{
	sink = x + 2; /* L:tail_caller_body */
	return tail_target(x + sink); /* L:tail_call */
}

__attribute__((noinline)) int apply(int (*fn)(int), int x)
{
	int r = fn(x); /* L:apply_call */
	return r + 1; /* L:apply_ret */
}

__attribute__((noinline)) int loop_sum(int count)
{
	int total = 0; /* L:loop_init */
	for (int i = 0; i < count; i++) { /* L:loop_head */
		total += square(i); /* L:loop_call */
		use(total); /* L:loop_use */
	}
	return total; /* L:loop_ret */
}

__attribute__((noinline)) int inlined_twice(int x)
{
	int a = inl_leaf(x); /* L:inl_first */
	int b = inl_leaf(a); /* L:inl_second */
	return a + b; /* L:inl_ret */
}

__attribute__((noinline)) int nested_inline(int x)
{
	int v = inl_mid(x); /* L:nest_call */
	return v - 1; /* L:nest_ret */
}

int main(void)
{
	int total = 0; /* L:main_start */
	total += factorial(5); /* L:main_fact */
	total += loop_sum(3); /* L:main_loop */
	total += apply(square, 4); /* L:main_apply_sq */
	total += apply(twice, 5); /* L:main_apply_tw */
	total += inlined_twice(2); /* L:main_inl */
	total += nested_inline(3); /* L:main_nest */
	total += tail_caller(4); /* L:main_tail */
	printf("%d\n", total); /* L:main_print */
	return 0; /* L:main_ret */
}
