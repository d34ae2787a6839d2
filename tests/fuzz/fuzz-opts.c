/* fuzz-opts.c - lurk's command line (opts_parse): the input is argv, one word per line */
#include "fuzz.h"

#include "err.h"
#include "opts.h"

#define MAX_ARGS 64

/* Whether p points into one of the argv strings (values are borrowed from argv). */
static int in_argv(const char *p, char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *words[MAX_ARGS];
	char *argv[MAX_ARGS + 2];
	size_t n = size ? fuzz_lines(text, words, MAX_ARGS) : 0;
	int argc = 0;
	struct opts o;

	argv[argc++] = (char *)"lurk";
	for (size_t i = 0; i < n; i++)
		argv[argc++] = words[i];
	argv[argc] = NULL;

	err_clear();
	if (opts_parse(argc, argv, &o) == 0) {
		FUZZ_CHECK(o.pid >= 0);
		FUZZ_CHECK(!(o.pid && o.prog_argv));
		FUZZ_CHECK(o.ncmds <= (size_t)argc && o.nplugins <= (size_t)argc);
		if (o.prog_argv) {
			FUZZ_CHECK(o.prog_argv > argv && o.prog_argv < argv + argc);
			FUZZ_CHECK(o.prog_argc == argc - (int)(o.prog_argv - argv));
			FUZZ_CHECK(o.prog_argc > 0);
		} else {
			FUZZ_CHECK(o.prog_argc == 0);
		}
		for (size_t i = 0; i < o.ncmds; i++)
			FUZZ_CHECK(o.cmds[i].text && in_argv(o.cmds[i].text, argv, argc));
		for (size_t i = 0; i < o.nplugins; i++)
			FUZZ_CHECK(o.plugins[i] && in_argv(o.plugins[i], argv, argc));
	} else {
		/* A usage error always explains itself. */
		FUZZ_CHECK(err_isset() && err_get()[0]);
	}
	opts_free(&o);
	FUZZ_CHECK(o.cmds == NULL && o.plugins == NULL);
	FUZZ_CHECK(opts_usage()[0]);
	free(text);
	return 0;
}
