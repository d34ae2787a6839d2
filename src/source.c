/* source.c - source file lines for showing where a frame is */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "procfs.h"
#include "source.h"
#include "util.h"

#define CACHED_FILES	4
#define MAX_SOURCE_SIZE (16u << 20)

struct src_file {
	char *path;
	char *text;
	char **lines;
	int nlines;
};

static struct src_file cache[CACHED_FILES];
static unsigned next_slot;

static void load(struct src_file *f, const char *path)
{
	size_t cap = 0, n = 0;
	char *p;

	free(f->path);
	free(f->text);
	free(f->lines);
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->text = procfs_read_file(path);
	err_clear();
	if (!f->text || strlen(f->text) > MAX_SOURCE_SIZE)
		return;
	for (p = f->text; *p;) {
		char *nl = strchr(p, '\n');

		VEC_GROW(f->lines, n, cap);
		f->lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	f->nlines = (int)n;
}

const char *source_line(const char *path, int lineno)
{
	struct src_file *f = NULL;

	if (!path || lineno < 1)
		return NULL;
	for (int i = 0; i < CACHED_FILES; i++)
		if (cache[i].path && strcmp(cache[i].path, path) == 0)
			f = &cache[i];
	if (!f) {
		f = &cache[next_slot++ % CACHED_FILES];
		load(f, path);
	}
	if (lineno > f->nlines)
		return NULL;
	return f->lines[lineno - 1];
}
