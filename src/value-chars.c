/* value-chars.c - characters and strings escaped, quoted and folded as gdb prints them */
#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "value-int.h"

/*
 * One byte as gdb writes it between quote marks: itself when printable
 * (with a backslash before the quote mark and the backslash), C's escape
 * for the seven control characters that have one, three octal digits for
 * the rest. gdb's host character set in a plain C locale is ASCII, so every
 * byte from 128 up is octal too.
 */
static void escape(unsigned char ch, char quote, struct strbuf *out)
{
	static const char named[] = "\aa\bb\ff\nn\rr\tt\vv";

	if (ch >= 32 && ch < 127) {
		if (ch == (unsigned char)quote || ch == '\\')
			sb_addc(out, '\\');
		sb_addc(out, (char)ch);
		return;
	}
	for (size_t i = 0; ch && named[i]; i += 2)
		if ((unsigned char)named[i] == ch) {
			sb_addc(out, '\\');
			sb_addc(out, named[i + 1]);
			return;
		}
	sb_addf(out, "\\%03o", ch);
}

void vchar_format(unsigned char ch, struct strbuf *out)
{
	sb_addc(out, '\'');
	escape(ch, '\'', out);
	sb_addc(out, '\'');
}

/*
 * gdb's generic_printstr: the bytes cut into runs of one byte; a run longer
 * than the repeat threshold is written 'c' <repeats N times>, the others
 * go into quoted pieces, all joined by ", ". Runs are taken until the
 * elements limit is reached; a run counts its whole length, so a long run
 * is never cut.
 */
void vchars_format(const unsigned char *s, size_t n, bool more, struct strbuf *out)
{
	bool in_quotes = false;
	size_t i = 0, shown = 0;

	if (!n) {
		sb_add(out, more ? "\"\"..." : "\"\"");
		return;
	}
	while (i < n && shown < vprint_elements()) {
		size_t run = 1;

		while (i + run < n && s[i + run] == s[i])
			run++;
		if (run > vprint_repeats()) {
			if (in_quotes)
				sb_addc(out, '"');
			if (i)
				sb_add(out, ", ");
			in_quotes = false;
			vchar_format(s[i], out);
			sb_addf(out, " <repeats %zu times>", run);
		} else {
			if (!in_quotes && i)
				sb_add(out, ", ");
			if (!in_quotes)
				sb_addc(out, '"');
			in_quotes = true;
			for (size_t j = 0; j < run; j++)
				escape(s[i], '"', out);
		}
		i += run;
		shown += run;
	}
	if (in_quotes)
		sb_addc(out, '"');
	if (more || i < n)
		sb_add(out, "...");
}
