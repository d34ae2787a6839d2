/* test-opts.c - lurk's command line */
#include "check.h"
#include "err.h"
#include "opts.h"

static int parse(struct opts *o, const char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return opts_parse(argc, (char **)argv, o);
}

int main(void)
{
	struct opts o;

	{
		const char *a[] = { "lurk",   "-p",	"42",	  "--batch",	      "-ex",
				    "bt all", "-x",	"f.lurk", "-ex=info threads", "-q",
				    "-n",     "--json", NULL };

		CHECK(parse(&o, a) == 0);
		CHECK(o.pid == 42 && o.batch && o.quiet && o.nx && o.json);
		CHECK(o.ncmds == 3);
		CHECK(!o.cmds[0].is_file && !strcmp(o.cmds[0].text, "bt all"));
		CHECK(o.cmds[1].is_file && !strcmp(o.cmds[1].text, "f.lurk"));
		CHECK_STR(o.cmds[2].text, "info threads");
		CHECK(o.prog_argv == NULL);
		opts_free(&o);
	}
	{
		/* gdb's one-dash spellings, and everything after PROG is PROG's */
		const char *a[] = { "lurk", "-batch", "-nx", "--pid=7", NULL };

		CHECK(parse(&o, a) == 0 && o.batch && o.nx && o.pid == 7);
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "-q", "--", "./prog", "--batch", "-p", "1", NULL };

		CHECK(parse(&o, a) == 0);
		CHECK(o.prog_argc == 4 && !strcmp(o.prog_argv[0], "./prog"));
		CHECK_STR(o.prog_argv[1], "--batch");
		CHECK(!o.batch && o.pid == 0);
		opts_free(&o);
	}
	{
		/* --plugin is repeatable and keeps its order; --plugin=PATH works too */
		const char *a[] = { "lurk", "--plugin", "a.so", "--plugin=b.so", "-p", "3", NULL };

		CHECK(parse(&o, a) == 0 && o.pid == 3 && o.nplugins == 2);
		CHECK_STR(o.plugins[0], "a.so");
		CHECK_STR(o.plugins[1], "b.so");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "--plugin", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "needs a value");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "prog", "arg", NULL };

		CHECK(parse(&o, a) == 0 && o.prog_argc == 2);
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "--frobnicate", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "unknown option --frobnicate");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "-p", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "needs a value");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "-p", "12ab", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "not a process id");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "-p", "0", NULL };

		CHECK(parse(&o, a) < 0);
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "-p", "5", "prog", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "either -p PID or PROG");
		opts_free(&o);
	}
	{
		const char *a[] = { "lurk", "--batch=yes", NULL };

		CHECK(parse(&o, a) < 0);
		CHECK_CONTAINS(err_get(), "takes no value");
		opts_free(&o);
	}
	CHECK_DONE();
}
