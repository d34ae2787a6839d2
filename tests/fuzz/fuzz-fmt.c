/* fuzz-fmt.c - the x/FMT suffix parser (fmt_parse_x): the input is the text after '/' */
#include "fuzz.h"

#include "err.h"
#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);
	struct xfmt f;

	err_clear();
	if (fmt_parse_x(spec, &f) == 0) {
		FUZZ_CHECK(f.count >= 1 && f.count <= 1000000);
		FUZZ_CHECK(f.has_count || f.count == 1);
		FUZZ_CHECK(f.format == 0 || strchr(FMT_X_FORMATS, f.format));
		FUZZ_CHECK(f.unit == 0 || f.unit == 1 || f.unit == 2 || f.unit == 4 || f.unit == 8);
		/* Accepted text is digits then letters only. */
		for (const char *p = spec; *p; p++)
			FUZZ_CHECK((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'));
	} else {
		FUZZ_CHECK(err_isset());
	}
	/* No spec at all is the defaults. */
	FUZZ_CHECK(fmt_parse_x(NULL, &f) == 0 && f.count == 1 && !f.format && !f.unit);
	free(spec);
	return 0;
}
