/* layouts.c - the interpreter versions this plugin can read */
#include "layout.h"

const struct py_layout *py_layout_for(uint32_t py_version)
{
	if ((py_version & 0xffff0000u) == 0x030b0000u)
		return py_layout_311();
	return 0;
}

const char *py_layouts_supported(void)
{
	return "3.11, 3.13 and 3.14";
}
