/* dbgcache.c - uncompressed copies of compressed debug files, kept by build-id */
#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbgcache.h"
#include "err.h"
#include "log.h"
#include "util.h"

/*
 * Debian's -dbg packages compress their DWARF, and libdw inflates every
 * debug section of a file the moment it opens it: 40 ms for libc alone,
 * on every run, before one line number is known. Keeping one inflated copy
 * per build-id makes every later look at that library cost a mmap. The
 * copies are plain ELF files that readelf and gdb read too; the directory
 * is trimmed to a size limit, oldest first.
 */

#define DEFAULT_LIMIT (1024ull << 20)

static bool enabled = true;
static char *cache_dir;
static uint64_t size_limit = DEFAULT_LIMIT;

void dbgcache_enable(bool on)
{
	enabled = on;
}

bool dbgcache_enabled(void)
{
	return enabled && dbgcache_dir();
}

const char *dbgcache_dir(void)
{
	const char *env;

	if (cache_dir)
		return cache_dir[0] ? cache_dir : NULL;
	env = getenv("LURK_CACHE_DIR");
	if (env)
		cache_dir = xstrdup(env); /* "" turns the cache off */
	else if ((env = getenv("XDG_CACHE_HOME")) && env[0] == '/')
		cache_dir = xasprintf("%s/lurk", env);
	else if ((env = getenv("HOME")) && env[0] == '/')
		cache_dir = xasprintf("%s/.cache/lurk", env);
	else
		cache_dir = xstrdup("");
	return cache_dir[0] ? cache_dir : NULL;
}

static bool has_compressed_debug(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && has_prefix(name, ".debug_") && (sh.sh_flags & SHF_COMPRESSED))
			return true;
	}
	return false;
}

static bool same_build_id(int fd, const void *id, size_t len)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *got;
	ssize_t n;
	bool same;

	if (!elf)
		return false;
	n = dwelf_elf_gnu_build_id(elf, &got);
	same = n == (ssize_t)len && memcmp(got, id, len) == 0;
	elf_end(elf);
	return same;
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		mkdir(p, 0700);
		*q = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST) {
		err_set("%s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

/* Remove the oldest copies until the directory fits the limit again. */
static void trim(const char *dir)
{
	struct entry {
		char *path;
		off_t size;
		time_t mtime;
	} *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		VEC_GROW(v, n, cap);
		v[n++] = (struct entry){ path, st.st_size, st.st_mtime };
		total += (uint64_t)st.st_size;
	}
	closedir(d);
	while (total > size_limit && n) {
		size_t oldest = 0;

		for (size_t i = 1; i < n; i++)
			if (v[i].mtime < v[oldest].mtime)
				oldest = i;
		unlink(v[oldest].path);
		total -= (uint64_t)v[oldest].size;
		free(v[oldest].path);
		v[oldest] = v[--n];
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* Copy src to a new file in dir with every compressed section inflated. */
static char *inflate_copy(int src_fd, const char *dir, const char *final)
{
	char *tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	int out = mkstemp(tmp);
	struct stat st;
	off_t off = 0; /* sendfile() with an offset leaves fd's own position alone */
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;

	if (out < 0 || fstat(src_fd, &st) < 0)
		goto fail;
	while (off < st.st_size)
		if (sendfile(out, src_fd, &off, (size_t)(st.st_size - off)) <= 0)
			goto fail;
	elf = elf_begin(out, ELF_C_RDWR, NULL);
	if (!elf)
		goto fail;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_COMPRESSED) &&
		    elf_compress(scn, 0, 0) < 0)
			goto fail;
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto fail;
	elf_end(elf);
	/*
	 * Pages written stay in the page cache as large folios, and a later
	 * mapping of the copy gets whole folios for each page it touches
	 * (3 MiB more RSS for a backtrace through libc). Written out and
	 * dropped, the copy is read back in the pieces that are used.
	 */
	if (fdatasync(out) == 0)
		posix_fadvise(out, 0, 0, POSIX_FADV_DONTNEED);
	close(out);
	if (rename(tmp, final) < 0)
		goto fail_unlink;
	free(tmp);
	return xstrdup(final);
fail:
	LOG(LOG_SYM, "cache: cannot inflate into %s: %s", dir, elf_errmsg(-1));
	if (elf)
		elf_end(elf);
	if (out >= 0)
		close(out);
fail_unlink:
	unlink(tmp);
	free(tmp);
	return NULL;
}

static char *entry_path(const void *build_id, size_t id_len, const char *suffix)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s/debug/", dbgcache_dir());
	for (size_t i = 0; i < id_len; i++)
		sb_addf(&sb, "%02x", ((const unsigned char *)build_id)[i]);
	sb_add(&sb, suffix);
	return sb_detach(&sb);
}

/* Whether there is a cache and a build-id to name an entry by. */
static bool usable(const void *build_id, size_t id_len)
{
	return dbgcache_enabled() && build_id && id_len > 0 && id_len <= 64;
}

/* The entry's descriptor and path (the caller frees), marked used for trimming; -1 if none. */
static int open_entry(const void *build_id, size_t id_len, const char *suffix, char **path)
{
	char *file = entry_path(build_id, id_len, suffix);
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		free(file);
		return -1;
	}
	utimensat(AT_FDCWD, file, NULL, 0);
	*path = file;
	return fd;
}

int dbgcache_open_entry(const void *build_id, size_t id_len, const char *suffix)
{
	char *file;
	int fd;

	if (!usable(build_id, id_len))
		return -1;
	fd = open_entry(build_id, id_len, suffix, &file);
	if (fd >= 0)
		free(file);
	return fd;
}

void dbgcache_store_entry(const void *build_id, size_t id_len, const char *suffix, const void *data,
			  size_t len)
{
	char *dir, *file, *tmp;
	int fd;
	bool ok;

	if (!usable(build_id, id_len))
		return;
	dir = xasprintf("%s/debug", dbgcache_dir());
	file = entry_path(build_id, id_len, suffix);
	tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	fd = mkdirs(dir) == 0 ? mkstemp(tmp) : -1;
	ok = fd >= 0 && write_all(fd, data, len) == 0;
	if (fd >= 0)
		close(fd);
	/* Readers see the old file or the whole new one, never a part. */
	if (ok && rename(tmp, file) == 0) {
		LOG(LOG_SYM, "cache: wrote %s", file);
		trim(dir);
	} else if (fd >= 0) {
		unlink(tmp);
	}
	err_clear();
	free(tmp);
	free(file);
	free(dir);
}

int dbgcache_lookup(const void *build_id, size_t id_len, char **path)
{
	char *file;
	int fd;

	*path = NULL;
	if (!usable(build_id, id_len) || (fd = open_entry(build_id, id_len, ".debug", &file)) < 0)
		return -1;
	if (!same_build_id(fd, build_id, id_len)) {
		close(fd);
		unlink(file);
		free(file);
		return -1;
	}
	LOG(LOG_SYM, "cache: using %s", file);
	*path = file;
	return fd;
}

void dbgcache_store(int fd, const void *build_id, size_t id_len)
{
	Elf *elf;
	bool compressed;
	char *dir, *file, *made;

	if (!usable(build_id, id_len))
		return;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return;
	compressed = has_compressed_debug(elf);
	elf_end(elf);
	if (!compressed)
		return;
	dir = xasprintf("%s/debug", dbgcache_dir());
	file = entry_path(build_id, id_len, ".debug");
	made = mkdirs(dir) == 0 ? inflate_copy(fd, dir, file) : NULL;
	if (made) {
		LOG(LOG_SYM, "cache: inflated copy %s", made);
		trim(dir);
	}
	free(made);
	free(file);
	free(dir);
}
