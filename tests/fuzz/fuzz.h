/* fuzz.h - what every libFuzzer target in tests/fuzz shares */
#ifndef LURK_FUZZ_H
#define LURK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A harness invariant that does not hold: abort, so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                   \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* The input as a C string; bytes after an embedded NUL are dropped, as lurk would see them. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Split the input at newlines in place into at most max strings (the last one
 * keeps the rest, newlines included). Returns how many; s must stay alive.
 */
static inline size_t fuzz_lines(char *s, char **out, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	out[n++] = s;
	while (n < max && (s = strchr(s, '\n'))) {
		*s++ = '\0';
		out[n++] = s;
	}
	return n;
}

#endif
