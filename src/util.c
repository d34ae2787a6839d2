/* util.c - allocation that cannot fail, growable strings, number parsing */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

static void oom(void)
{
	fputs("lurk: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		oom();
	return d;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		oom();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb);
}

static void sb_reserve(struct strbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;

	if (need <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_addn(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	unsigned base = 10;
	uint64_t v = 0;

	if (!*p)
		goto bad;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p++;
	}
	if (!*p)
		goto bad;
	for (; *p; p++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			goto bad;
		if (d >= base)
			goto bad;
		if (v > (UINT64_MAX - d) / base) {
			err_set("\"%s\" is too large", s);
			return -1;
		}
		v = v * base + d;
	}
	*out = v;
	return 0;
bad:
	err_set("\"%s\" is not a number", s);
	return -1;
}

int parse_i64(const char *s, int64_t *out)
{
	uint64_t v;

	if (s[0] == '-') {
		if (parse_u64(s + 1, &v) < 0)
			return -1;
		if (v > (uint64_t)INT64_MAX + 1) {
			err_set("\"%s\" is too large", s);
			return -1;
		}
		*out = (int64_t)(0 - v);
		return 0;
	}
	if (parse_u64(s, &v) < 0)
		return -1;
	if (v > INT64_MAX) {
		err_set("\"%s\" is too large", s);
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	double mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		goto bad;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		mult = 1024.0;
		end++;
		break;
	case 'M':
		mult = 1024.0 * 1024;
		end++;
		break;
	case 'G':
		mult = 1024.0 * 1024 * 1024;
		end++;
		break;
	case '\0':
		break;
	default:
		goto bad;
	}
	if (toupper((unsigned char)*end) == 'B' || toupper((unsigned char)*end) == 'I') {
		/* accept "MB", "MiB" and friends */
		end += toupper((unsigned char)*end) == 'I' ? 1 : 0;
		if (toupper((unsigned char)*end) == 'B')
			end++;
	}
	if (*end)
		goto bad;
	/* 2^64 rounded down: what a uint64_t holds. */
	if (v * mult > 1.8e19) {
		err_set("\"%s\" is more than the limit of 2^64 bytes (16 EiB)", s);
		return -1;
	}
	*out = (uint64_t)(v * mult);
	return 0;
bad:
	err_set("\"%s\" is not a size (a number with an optional K, M or G suffix)", s);
	return -1;
}

const char *skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

size_t next_word(const char **p, const char **word)
{
	const char *s = skip_ws(*p);
	const char *e = s;

	while (*e && !isspace((unsigned char)*e))
		e++;
	*word = s;
	*p = e;
	return (size_t)(e - s);
}

char *trim_dup(const char *s)
{
	size_t n;

	s = skip_ws(s);
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

unsigned edit_distance(const char *a, const char *b, unsigned limit)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];
	unsigned best;

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb] > limit ? limit + 1 : row[lb];
}

const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int next_arg(const char **p, char **word)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q = skip_ws(*p);
	char quote = 0;

	if (!*q) {
		*p = q;
		return 0;
	}
	sb_add(&sb, "");
	for (; *q && (quote || !isspace((unsigned char)*q)); q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
			else if (*q == '\\' && quote == '"' && q[1])
				sb_addc(&sb, *++q);
			else
				sb_addc(&sb, *q);
		} else if (*q == '\'' || *q == '"') {
			quote = *q;
		} else if (*q == '\\' && q[1]) {
			sb_addc(&sb, *++q);
		} else {
			sb_addc(&sb, *q);
		}
	}
	if (quote) {
		sb_free(&sb);
		err_set("unterminated %c quote", quote);
		return -1;
	}
	*p = q;
	*word = sb_detach(&sb);
	return 1;
}

char **split_args(const char *s, int *argc)
{
	char **argv = NULL;
	size_t n = 0, cap = 0;
	const char *p = s;
	char *word;
	int r;

	while ((r = next_arg(&p, &word)) > 0) {
		VEC_GROW(argv, n, cap);
		argv[n++] = word;
	}
	argv = xrealloc(argv, (n + 1) * sizeof(*argv));
	argv[n] = NULL;
	if (r < 0) {
		free_argv(argv);
		return NULL;
	}
	if (argc)
		*argc = (int)n;
	return argv;
}

void free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

void path_join_clean(const char *dir, const char *file, char *buf, size_t len)
{
	char *joined = xasprintf("%s/%s", dir, file);
	size_t out = 0;
	const char *p = joined;

	if (len == 0) {
		free(joined);
		return;
	}
	/* Copy component by component; ".." drops the last one written. */
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > 0 && buf[out - 1] != '/')
				out--;
			if (out > 0)
				out--;
		} else if (out + 1 + n < len) {
			buf[out++] = '/';
			memcpy(buf + out, p, n);
			out += n;
		}
		p += n;
	}
	if (out == 0 && len > 1)
		buf[out++] = '/';
	buf[out] = '\0';
	free(joined);
}
