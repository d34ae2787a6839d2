/*
 * fuzz-pyexpr.c - the CPython plugin's parser of py print's Python subset
 * (plugins/cpython/pyexpr.c): any text gives a tree or a message, never a
 * crash, whatever its nesting (the parser bounds its own depth).
 */
#include "fuzz.h"

#include "py.h"

/* pyexpr.c reads nothing of the target; py.h declares the API pointer the plugin's other files use. */
const struct lurk_api *api;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), err[512] = "";
	struct py_node *n = py_expr_parse(text, err, sizeof err);

	FUZZ_CHECK(n || err[0]);
	py_expr_free(n);
	free(text);
	return 0;
}
