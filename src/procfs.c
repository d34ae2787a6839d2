/* procfs.c - facts about a process read from /proc */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"
#include "util.h"

char *procfs_read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_set("%s: %s", path, strerror(errno));
		return NULL;
	}
	/* /proc files report size 0: read until EOF. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_addn(&sb, buf, (size_t)n);
	if (n < 0) {
		err_set("%s: %s", path, strerror(errno));
		close(fd);
		sb_free(&sb);
		return NULL;
	}
	close(fd);
	return sb_detach(&sb);
}

char *procfs_maps_text(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	return procfs_read_file(path);
}

static int parse_map_line(char *line, struct map *m)
{
	int path_off = 0;
	static const char deleted[] = " (deleted)";

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %15s %" SCNu64 " %n", &m->start,
		   &m->end, m->perms, &m->offset, m->dev, &m->inode, &path_off) < 6)
		return -1;
	if (path_off > 0) {
		char *p = line + path_off;
		size_t n = strlen(p), dl = strlen(deleted);

		if (n >= dl && strcmp(p + n - dl, deleted) == 0) {
			m->deleted = true;
			p[n - dl] = '\0';
		}
		m->path = xstrdup(p);
	} else {
		m->path = xstrdup("");
	}
	return 0;
}

int procfs_maps_read(pid_t pid, struct maps *out)
{
	char *text = procfs_maps_text(pid);

	out->v = NULL;
	out->n = 0;
	if (!text)
		return -1;
	procfs_maps_parse(text, out);
	free(text);
	return 0;
}

void procfs_maps_parse(const char *text, struct maps *out)
{
	char *copy = xstrdup(text);
	size_t cap = 0;
	char *save = NULL;

	out->v = NULL;
	out->n = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct map m;

		if (parse_map_line(line, &m) < 0)
			continue;
		VEC_GROW(out->v, out->n, cap);
		out->v[out->n++] = m;
	}
	free(copy);
}

void procfs_maps_free(struct maps *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int procfs_tasks(pid_t pid, pid_t **tids)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	size_t n = 0, cap = 0;
	pid_t *v = NULL;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		err_set("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		VEC_GROW(v, n, cap);
		v[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_pid);
	*tids = v;
	return (int)n;
}

int procfs_status_field(pid_t pid, pid_t tid, const char *field, char *buf, size_t len)
{
	char path[80];
	char *text, *line, *save = NULL;
	size_t flen = strlen(field);
	int ret = -1;

	if (tid > 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = procfs_read_file(path);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			snprintf(buf, len, "%s", skip_ws(line + flen + 1));
			ret = 0;
			break;
		}
	}
	free(text);
	return ret;
}

void procfs_thread_name(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[80];
	char *text;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	text = procfs_read_file(path);
	buf[0] = '\0';
	if (!text)
		return;
	n = strcspn(text, "\n");
	text[n] = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
}

char procfs_state(pid_t pid)
{
	char path[64];
	char *text, *paren;
	char state = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	text = procfs_read_file(path);
	if (!text)
		return 0;
	/* The command name may contain spaces and parentheses; the state follows the last ')'. */
	paren = strrchr(text, ')');
	if (paren && paren[1] == ' ')
		state = paren[2];
	free(text);
	return state;
}

char procfs_thread_state(pid_t pid, pid_t tid)
{
	char path[64], text[512];
	const char *paren;
	ssize_t n;
	int fd;

	/* Read 99 times a second for every thread while profiling: no allocation. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	paren = strrchr(text, ')');
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

char *procfs_exe(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0) {
		err_set("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	return xstrdup(buf);
}

char *procfs_cmdline(pid_t pid)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_addn(&sb, buf, (size_t)n);
	close(fd);
	for (size_t i = 0; i + 1 < sb.len; i++)
		if (sb.buf[i] == '\0')
			sb.buf[i] = ' ';
	return sb_detach(&sb);
}
