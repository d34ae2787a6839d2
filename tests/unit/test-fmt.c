/* test-fmt.c - x/NFU format parsing */
#include "check.h"
#include "err.h"
#include "fmt.h"

int main(void)
{
	struct xfmt f;

	CHECK(fmt_parse_x(NULL, &f) == 0 && f.count == 1 && f.format == 0 && f.unit == 0);
	CHECK(fmt_parse_x("4xg", &f) == 0 && f.count == 4 && f.format == 'x' && f.unit == 8);
	CHECK(fmt_parse_x("gx", &f) == 0 && f.count == 1 && f.format == 'x' && f.unit == 8);
	CHECK(fmt_parse_x("10c", &f) == 0 && f.count == 10 && f.format == 'c' && f.unit == 0);
	CHECK(fmt_parse_x("s", &f) == 0 && f.format == 's');
	CHECK(fmt_parse_x("3dw", &f) == 0 && f.format == 'd' && f.unit == 4 && f.has_count);
	CHECK(fmt_parse_x("2bt", &f) == 0 && f.format == 't' && f.unit == 1);
	CHECK(fmt_parse_x("h", &f) == 0 && f.unit == 2 && f.format == 0);
	CHECK(fmt_parse_x("a", &f) == 0 && f.format == 'a');
	CHECK(fmt_parse_x("4q", &f) < 0);
	CHECK_CONTAINS(err_get(), "unknown format letter 'q'");
	CHECK(fmt_parse_x("xd", &f) < 0);
	CHECK_CONTAINS(err_get(), "two format letters");
	CHECK(fmt_parse_x("bg", &f) < 0);
	CHECK_CONTAINS(err_get(), "two unit letters");
	CHECK(fmt_parse_x("0x", &f) < 0);
	CHECK(fmt_parse_x("99999999999x", &f) < 0);
	CHECK_CONTAINS(err_get(), "too large");
	CHECK_DONE();
}
