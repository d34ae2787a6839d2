/* script.c - command lines from files and strings, as line sources */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "procfs.h"
#include "script.h"
#include "util.h"

struct text_source {
	struct line_source base;
	char *text;
	char *pos;
	char *name;
};

static char *text_next(struct line_source *src, const char *prompt)
{
	struct text_source *ts = (struct text_source *)src;
	char *line, *nl;

	(void)prompt;
	if (!ts->pos || !*ts->pos)
		return NULL;
	nl = strchr(ts->pos, '\n');
	if (nl) {
		line = xstrndup(ts->pos, (size_t)(nl - ts->pos));
		ts->pos = nl + 1;
	} else {
		line = xstrdup(ts->pos);
		ts->pos += strlen(ts->pos);
	}
	/* Files written on other systems end lines with \r\n. */
	if (line[0] && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	src->lineno++;
	return line;
}

static struct line_source *text_source(char *text, const char *name)
{
	struct text_source *ts = xcalloc(1, sizeof(*ts));

	ts->text = text;
	ts->pos = text;
	ts->name = xstrdup(name);
	ts->base.next = text_next;
	ts->base.name = ts->name;
	return &ts->base;
}

struct line_source *script_open_file(const char *path)
{
	/* procfs_read_file explains a failure as "PATH: reason". */
	char *text = procfs_read_file(path);

	return text ? text_source(text, path) : NULL;
}

struct line_source *script_from_string(const char *text, const char *name)
{
	return text_source(xstrdup(text), name);
}

void script_close(struct line_source *src)
{
	struct text_source *ts = (struct text_source *)src;

	if (!src)
		return;
	free(ts->text);
	free(ts->name);
	free(ts);
}
