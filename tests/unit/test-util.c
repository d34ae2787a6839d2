/* test-util.c - number, size and argument parsing */
#include <stdlib.h>

#include "check.h"
#include "err.h"
#include "util.h"

static void numbers(void)
{
	uint64_t v;
	int64_t i;

	CHECK(parse_u64("0", &v) == 0 && v == 0);
	CHECK(parse_u64("42", &v) == 0 && v == 42);
	CHECK(parse_u64("0x7fff0010", &v) == 0 && v == 0x7fff0010);
	CHECK(parse_u64("0X1F", &v) == 0 && v == 31);
	CHECK(parse_u64("017", &v) == 0 && v == 15);
	CHECK(parse_u64("0b101", &v) == 0 && v == 5);
	CHECK(parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", &v) < 0);
	CHECK_CONTAINS(err_get(), "too large");
	CHECK(parse_u64("12q", &v) < 0);
	CHECK_CONTAINS(err_get(), "\"12q\" is not a number");
	CHECK(parse_u64("", &v) < 0);
	CHECK(parse_u64("0x", &v) < 0);
	CHECK(parse_u64("08", &v) < 0);
	CHECK(parse_u64("-1", &v) < 0);
	CHECK(parse_i64("-5", &i) == 0 && i == -5);
	CHECK(parse_i64("-9223372036854775808", &i) == 0 && i == INT64_MIN);
	CHECK(parse_i64("9223372036854775808", &i) < 0);
}

static void sizes(void)
{
	uint64_t v;

	CHECK(parse_size("100", &v) == 0 && v == 100);
	CHECK(parse_size("4K", &v) == 0 && v == 4096);
	CHECK(parse_size("100M", &v) == 0 && v == 100ull << 20);
	CHECK(parse_size("1.5G", &v) == 0 && v == 3ull << 29);
	CHECK(parse_size("2MiB", &v) == 0 && v == 2ull << 20);
	CHECK(parse_size("2mb", &v) == 0 && v == 2ull << 20);
	CHECK(parse_size("10X", &v) < 0);
	CHECK(parse_size("lots", &v) < 0);
	CHECK(parse_size("-1M", &v) < 0);
}

static void args(void)
{
	int argc;
	char **argv = split_args("  a 'b c' \"d \\\" e\" f\\ g  ", &argc);

	CHECK(argv && argc == 4);
	if (argv && argc == 4) {
		CHECK_STR(argv[0], "a");
		CHECK_STR(argv[1], "b c");
		CHECK_STR(argv[2], "d \" e");
		CHECK_STR(argv[3], "f g");
		CHECK(argv[4] == NULL);
	}
	free_argv(argv);
	argv = split_args("", &argc);
	CHECK(argv && argc == 0 && argv[0] == NULL);
	free_argv(argv);
	CHECK(split_args("'open", &argc) == NULL);
	CHECK_CONTAINS(err_get(), "unterminated");
}

static void strings(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *t;

	CHECK_STR(sb_str(&sb), "");
	sb_addf(&sb, "%d-%s", 7, "x");
	sb_addc(&sb, '!');
	CHECK_STR(sb_str(&sb), "7-x!");
	t = sb_detach(&sb);
	CHECK_STR(t, "7-x!");
	free(t);
	CHECK(edit_distance("backtrace", "backtrase", 2) == 1);
	CHECK(edit_distance("quit", "continue", 2) == 3);
	CHECK_STR(path_base("/usr/lib/libc.so.6"), "libc.so.6");
	CHECK_STR(path_base("plain"), "plain");
	{
		char buf[64];

		path_join_clean("/src/build", "../tests/a.c", buf, sizeof(buf));
		CHECK_STR(buf, "/src/tests/a.c");
		path_join_clean("/src/./build/", "./x/../y.c", buf, sizeof(buf));
		CHECK_STR(buf, "/src/build/y.c");
		path_join_clean("/", "../../a.c", buf, sizeof(buf));
		CHECK_STR(buf, "/a.c");
		path_join_clean("/a", "..", buf, sizeof(buf));
		CHECK_STR(buf, "/");
	}
	t = trim_dup("  x y \t\n");
	CHECK_STR(t, "x y");
	free(t);
}

int main(void)
{
	numbers();
	sizes();
	args();
	strings();
	CHECK_DONE();
}
