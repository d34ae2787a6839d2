/* fmt.c - parse /FMT suffixes */
#include <ctype.h>
#include <string.h>

#include "err.h"
#include "fmt.h"

#define MAX_COUNT 1000000u

int fmt_parse_x(const char *spec, struct xfmt *f)
{
	const char *p = spec ? spec : "";

	memset(f, 0, sizeof(*f));
	f->count = 1;
	if (isdigit((unsigned char)*p)) {
		unsigned long n = 0;

		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (unsigned long)(*p++ - '0');
			if (n > MAX_COUNT) {
				err_set("count in /%s is too large (at most %u)", spec, MAX_COUNT);
				return -1;
			}
		}
		if (n == 0) {
			err_set("count in /%s must be at least 1", spec);
			return -1;
		}
		f->count = (unsigned)n;
		f->has_count = true;
	}
	for (; *p; p++) {
		unsigned unit = 0;

		switch (*p) {
		case 'b':
			unit = 1;
			break;
		case 'h':
			unit = 2;
			break;
		case 'w':
			unit = 4;
			break;
		case 'g':
			unit = 8;
			break;
		default:
			if (!strchr(FMT_X_FORMATS, *p) || !isalpha((unsigned char)*p)) {
				err_set("unknown format letter '%c' in /%s (formats: x d u o t f c "
					"s a i; units: b h w g)",
					*p, spec);
				return -1;
			}
			if (f->format) {
				err_set("two format letters in /%s", spec);
				return -1;
			}
			f->format = *p;
			continue;
		}
		if (f->unit) {
			err_set("two unit letters in /%s", spec);
			return -1;
		}
		f->unit = unit;
	}
	return 0;
}

char fmt_unit_letter(unsigned unit)
{
	return unit == 1 ? 'b' : unit == 2 ? 'h' : unit == 8 ? 'g' : 'w';
}
