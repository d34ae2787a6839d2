/* inlines - a corpus program of the differential test: always-inlined
 * calls nested two deep, whose frames lurk and gdb both show with their own
 * arguments and variables. The program prints nothing: its output would mix
 * with the debuggers'.
 */
struct pair {
	int a;
	double b;
};

static inline __attribute__((always_inline)) double inner_calc(struct pair p, int scale)
{
	double r = p.b * scale;
	int bump = p.a + scale;

	return r + bump;
}

static inline __attribute__((always_inline)) double outer_calc(int n)
{
	struct pair p = { n, n / 4.0 };
	double got = inner_calc(p, 3);

	return got * 2;
}

__attribute__((noinline)) double compute(int n);

__attribute__((noinline)) double compute(int n)
{
	int twice = n * 2;
	double v = outer_calc(twice);

	return v;
}

int main(void)
{
	return compute(5) > 0 ? 0 : 1;
}
