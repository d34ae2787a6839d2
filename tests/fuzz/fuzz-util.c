/*
 * fuzz-util.c - lurk's small text parsers and encoders that see user or
 * target text. The first input byte picks one, the rest is its input:
 *   0 numbers   parse_u64 / parse_i64 (C literals) and proc_signum
 *   1 size      parse_size ("512K", "1.5G")
 *   2 words     split_args (shell-like words) with a round trip, next_word, trim_dup
 *   3 paths     path_join_clean(dir, file) into buffers of every size, path_base
 *   4 distance  edit_distance between two lines
 *   5 maps      procfs_maps_parse (the text of /proc/PID/maps)
 *   6 json      strings (keys and values) through rec_to_json: the line must be JSON
 *
 * The JSON must also be UTF-8 (json_str escapes bytes that are not);
 * LURK_FUZZ_JSON_UTF8=0 turns that check off.
 */
#include <ctype.h>
#include <signal.h>
#include <stdbool.h>

#include "fuzz.h"

#include "err.h"
#include "rec.h"
#include "proc.h"
#include "procfs.h"
#include "util.h"

static void fuzz_numbers(const char *s)
{
	uint64_t u;
	int64_t i;
	int ru = parse_u64(s, &u), ri = parse_i64(s, &i), sig;

	FUZZ_CHECK(ru == 0 || err_isset());
	if (ru == 0) {
		/* Only digits, letters of a 0x/0b prefix and hex digits get through. */
		for (const char *p = s; *p; p++)
			FUZZ_CHECK(isxdigit((unsigned char)*p) || *p == 'x' || *p == 'X');
		FUZZ_CHECK(s[0]);
		if (u <= INT64_MAX)
			FUZZ_CHECK(ri == 0 && (uint64_t)i == u);
		else
			FUZZ_CHECK(ri < 0);
	}
	if (s[0] == '-' && ri == 0) {
		FUZZ_CHECK(parse_u64(s + 1, &u) == 0);
		FUZZ_CHECK((uint64_t)0 - u == (uint64_t)i);
	}
	sig = proc_signum(s);
	FUZZ_CHECK(sig == -1 || (sig > 0 && sig < NSIG));
}

static void fuzz_size(const char *s)
{
	uint64_t v;

	if (parse_size(s, &v) == 0)
		FUZZ_CHECK(s[0]);
	else
		FUZZ_CHECK(err_isset());
}

/* A word written so that split_args gives it back: every byte escaped. */
static void quote_word(struct strbuf *sb, const char *w)
{
	if (!w[0]) {
		sb_add(sb, "''");
		return;
	}
	for (const char *p = w; *p; p++) {
		sb_addc(sb, '\\');
		sb_addc(sb, *p);
	}
}

static void fuzz_words(const char *s)
{
	int argc = -1, argc2 = -1;
	char **argv = split_args(s, &argc);
	const char *p = s, *w;
	size_t len, nwords = 0;
	char *trimmed = trim_dup(s);

	/* trim_dup: no white space at either end, and the middle is untouched. */
	if (trimmed[0]) {
		FUZZ_CHECK(!isspace((unsigned char)trimmed[0]));
		FUZZ_CHECK(!isspace((unsigned char)trimmed[strlen(trimmed) - 1]));
		FUZZ_CHECK(strstr(s, trimmed));
	}
	free(trimmed);
	while ((len = next_word(&p, &w)) > 0) {
		FUZZ_CHECK(w >= s && w + len <= s + strlen(s));
		for (size_t k = 0; k < len; k++)
			FUZZ_CHECK(!isspace((unsigned char)w[k]));
		nwords++;
	}
	if (!argv) {
		FUZZ_CHECK(err_isset());
		return;
	}
	FUZZ_CHECK(argc >= 0 && argv[argc] == NULL);
	/* Quoting only joins words: never more words than white-space separated runs. */
	FUZZ_CHECK((size_t)argc <= nwords);
	{
		struct strbuf sb = STRBUF_INIT;
		char **again;

		for (int k = 0; k < argc; k++) {
			if (k)
				sb_addc(&sb, ' ');
			quote_word(&sb, argv[k]);
		}
		again = split_args(sb_str(&sb), &argc2);
		FUZZ_CHECK(again && argc2 == argc);
		for (int k = 0; k < argc; k++)
			FUZZ_CHECK(!strcmp(again[k], argv[k]));
		free_argv(again);
		sb_free(&sb);
	}
	free_argv(argv);
}

static void fuzz_paths(char *s)
{
	char *lines[2];
	size_t n = fuzz_lines(s, lines, 2);
	const char *dir = lines[0], *file = n > 1 ? lines[1] : "";
	size_t full = strlen(dir) + strlen(file) + 3;

	(void)path_base(file);
	for (size_t len = 0; len <= full && len <= 64; len++) {
		/* On the heap, exactly len bytes: ASan sees a write one past the end. */
		char *buf = malloc(len ? len : 1);

		path_join_clean(dir, file, buf, len);
		if (len > 0) {
			FUZZ_CHECK(memchr(buf, '\0', len));
			if (len > 1) {
				FUZZ_CHECK(buf[0] == '/');
				FUZZ_CHECK(!strstr(buf, "//") && !strstr(buf, "/./"));
				FUZZ_CHECK(!strstr(buf, "/../") && strcmp(buf, "/.."));
			}
		}
		free(buf);
	}
	{
		char *buf = malloc(full);

		path_join_clean(dir, file, buf, full);
		FUZZ_CHECK(buf[0] == '/' && strlen(buf) < full);
		free(buf);
	}
}

static void fuzz_distance(char *s)
{
	char *lines[3];
	size_t n = fuzz_lines(s, lines, 3);
	const char *a = lines[0], *b = n > 1 ? lines[1] : "";
	unsigned limit = n > 2 ? (unsigned)strlen(lines[2]) % 8 : 2;
	unsigned d = edit_distance(a, b, limit), back = edit_distance(b, a, limit);

	FUZZ_CHECK(d <= limit + 1 && d == back);
	FUZZ_CHECK(edit_distance(a, a, limit) == (strlen(a) < 64 ? 0 : limit + 1));
	if (!strcmp(a, b))
		FUZZ_CHECK(d == 0 || strlen(a) >= 64);
}

static void fuzz_maps(const char *s)
{
	struct maps m;

	procfs_maps_parse(s, &m);
	for (size_t i = 0; i < m.n; i++) {
		FUZZ_CHECK(m.v[i].path);
		FUZZ_CHECK(memchr(m.v[i].perms, '\0', sizeof(m.v[i].perms)));
		FUZZ_CHECK(memchr(m.v[i].dev, '\0', sizeof(m.v[i].dev)));
	}
	procfs_maps_free(&m);
	FUZZ_CHECK(m.v == NULL && m.n == 0);
}

/* ---- a strict JSON reader for what rec_to_json writes ---------------------- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL; /* raw control characters, the end of the text included */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int k = 1; k <= 4; k++)
					if (!isxdigit((unsigned char)p[k]))
						return NULL;
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 16)
		return NULL;
	p = json_ws(p);
	if (*p == '"')
		return json_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = json_string(json_ws(p));
				if (!p || *(p = json_ws(p)) != ':')
					return NULL;
				p++;
			}
			p = json_value(p, depth + 1);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	}
	if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* Whether s is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s++, n, min, cp;

		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			n = 1, min = 0x80, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 2, min = 0x800, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 3, min = 0x10000, cp = c & 0x07;
		else
			return false;
		for (unsigned k = 0; k < n; k++, s++) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static void fuzz_json(char *s)
{
	static int strict_utf8 = -1;
	char *lines[8];
	size_t n = fuzz_lines(s, lines, 8);
	struct rec *rec = rec_obj();
	struct rec *arr = rec_set_arr(rec, n > 1 ? lines[1] : "");
	struct strbuf sb = STRBUF_INIT;
	const char *end;

	rec_set_str(rec, lines[0], n > 2 ? lines[2] : "");
	for (size_t i = 3; i < n; i++)
		rec_push_str(arr, lines[i]);
	rec_set_strf(rec_push_obj(arr), lines[0], "%s", n > 1 ? lines[1] : "");
	rec_set_addr(rec, "addr", strlen(lines[0]) * 0x1000001ull);
	rec_set_int(rec, "n", -(int64_t)n);
	rec_to_json(rec, &sb);
	end = json_value(sb_str(&sb), 0);
	if (!end || *end) {
		fprintf(stderr, "not JSON: %s\n", sb_str(&sb));
		FUZZ_CHECK(!"rec_to_json wrote something that is not one JSON value");
	}
	FUZZ_CHECK(!strchr(sb_str(&sb), '\n'));
	if (strict_utf8 < 0) {
		const char *env = getenv("LURK_FUZZ_JSON_UTF8");

		strict_utf8 = !env || env[0] != '0';
	}
	if (strict_utf8)
		FUZZ_CHECK(valid_utf8((const unsigned char *)sb_str(&sb)));
	/* What was put in comes back out unchanged (a key set twice keeps the first). */
	if (strcmp(lines[0], n > 1 ? lines[1] : ""))
		FUZZ_CHECK(!strcmp(rec_str(rec, lines[0]), n > 2 ? lines[2] : ""));
	sb_free(&sb);
	rec_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	text = fuzz_cstr(data + 1, size - 1);
	err_clear();
	switch (data[0] % 7) {
	case 0:
		fuzz_numbers(text);
		break;
	case 1:
		fuzz_size(text);
		break;
	case 2:
		fuzz_words(text);
		break;
	case 3:
		fuzz_paths(text);
		break;
	case 4:
		fuzz_distance(text);
		break;
	case 5:
		fuzz_maps(text);
		break;
	case 6:
		fuzz_json(text);
		break;
	}
	free(text);
	return 0;
}
