/*
 * fuzz-core.c - core files through core.c: the ELF header, program headers,
 * notes (NT_PRSTATUS, NT_PRFPREG, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE)
 * and the memory of the segments.
 *
 * core_open() reads a path, so each input is written to a file of its own
 * under $TMPDIR (default /tmp) first. An input that opens is then read as
 * lurk reads a core: every thread, every mapped file, the /proc/PID/maps
 * text, and memory at the start, middle and end of every mapping, in reads
 * of several sizes. The mapped files named by an input are opened as the
 * core says (they usually do not exist); a sysroot under the scratch
 * directory keeps them inside it.
 */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"

#include "core.h"
#include "err.h"
#include "procfs.h"
#include "util.h"

static char path[4096], sysroot[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/lurk-fuzz-core.%d", tmp, (int)getpid());
	snprintf(sysroot, sizeof(sysroot), "%s/lurk-fuzz-core-root.%d", tmp, (int)getpid());
	return 0;
}

static void read_around(struct core *c, uint64_t start, uint64_t end)
{
	static unsigned char buf[3 * 4096];
	const uint64_t at[] = { start, start + (end - start) / 2, end - 1, end - 8 };
	const size_t sizes[] = { 1, 8, 4096, sizeof(buf) };

	for (size_t i = 0; i < ARRAY_SIZE(at); i++)
		for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
			ssize_t n = core_read(c, at[i], buf, sizes[k]);

			FUZZ_CHECK(n == -1 ? err_isset() : n > 0 && (size_t)n <= sizes[k]);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct core *c;
	struct maps maps;
	char *text, where[4400];

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	err_clear();
	c = core_open(path, sysroot);
	if (!c) {
		FUZZ_CHECK(err_isset());
		return 0;
	}
	FUZZ_CHECK(core_nthreads(c) > 0);
	for (size_t i = 0; i < core_nthreads(c); i++)
		FUZZ_CHECK(core_thread(c, i) && core_thread(c, i)->regs.len > 0);
	FUZZ_CHECK(strlen(core_psargs(c)) <= 80 && strlen(core_fname(c)) <= 16);
	for (size_t i = 0; i < core_nfiles(c); i++) {
		const struct core_file *f = core_file(c, i);

		core_file_location(c, f, where, sizeof(where));
		if (f->end > f->start)
			read_around(c, f->start, f->end);
	}
	text = core_maps_text(c);
	procfs_maps_parse(text, &maps);
	for (size_t i = 0; i < maps.n; i++)
		if (maps.v[i].end > maps.v[i].start)
			read_around(c, maps.v[i].start, maps.v[i].end);
	procfs_maps_free(&maps);
	free(text);
	if (core_exe(c))
		core_set_exe(c, "/nonexistent/prog");
	(void)core_has_memory(c);
	(void)core_missing_bytes(c);
	core_free(c);
	return 0;
}
