/* check.h - the unit tests' few assertions: report every failure, exit 1 if any */
#ifndef LURK_CHECK_H
#define LURK_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                                        \
		}                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                                      \
	do {                                                                                      \
		const char *g_ = (got), *w_ = (want);                                             \
		if (!g_ || strcmp(g_, w_) != 0) {                                                 \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
				#got, g_ ? g_ : "(null)", w_);                                    \
			check_failures++;                                                         \
		}                                                                                 \
	} while (0)

#define CHECK_U64(got, want)                                                                    \
	do {                                                                                    \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                           \
		if (g_ != w_) {                                                                 \
			fprintf(stderr,                                                         \
				"%s:%d: %s is %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64 "\n", \
				__FILE__, __LINE__, #got, g_, g_, w_);                          \
			check_failures++;                                                       \
		}                                                                               \
	} while (0)

/* The message must contain want (errors are checked by their meaning, not their letters). */
#define CHECK_CONTAINS(got, want)                                                           \
	do {                                                                                \
		const char *g_ = (got), *w_ = (want);                                       \
		if (!g_ || !strstr(g_, w_)) {                                               \
			fprintf(stderr, "%s:%d: %s is \"%s\", want it to contain \"%s\"\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);          \
			check_failures++;                                                   \
		}                                                                           \
	} while (0)

#define CHECK_DONE()                                                             \
	do {                                                                     \
		if (check_failures)                                              \
			fprintf(stderr, "%d check(s) failed\n", check_failures); \
		return check_failures ? 1 : 0;                                   \
	} while (0)

#endif
