/* symindex.c - a module's symbols sorted by address, kept on disk by build-id */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbgcache.h"
#include "log.h"
#include "symindex.h"
#include "util.h"

/*
 * Sorting libc's 8,000 debug symbols is 0.7 ms and 40 fresh pages at
 * every attach; a backtrace then looks at a dozen of them. Kept in the
 * cache directory, the sorted keys are mapped and only the pages the
 * binary searches touch are read.
 */
#define SUFFIX ".symidx"
#define MAGIC  "LURKSYM1"

struct header {
	char magic[8];
	uint32_t nsymtab;
	uint32_t reserved;
	uint64_t nkeys;
	uint64_t nfar;
};

/* An LSD radix sort: qsort() spends a millisecond on libc's symbols in comparator calls alone. */
void symindex_sort(uint64_t *keys, size_t n)
{
	uint64_t *k = keys, *k2, *tk, maxkey = 0;

	if (n == 0)
		return;
	k2 = xmalloc(n * sizeof(*k2));
	for (size_t i = 0; i < n; i++)
		maxkey |= keys[i];
	for (unsigned shift = 0; shift < 64 && (maxkey >> shift); shift += 8) {
		size_t count[257] = { 0 };

		for (size_t i = 0; i < n; i++)
			count[((k[i] >> shift) & 0xff) + 1]++;
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			k2[count[(k[i] >> shift) & 0xff]++] = k[i];
		tk = k;
		k = k2;
		k2 = tk;
	}
	if (k != keys) {
		memcpy(keys, k, n * sizeof(*keys));
		free(k);
	} else {
		free(k2);
	}
}

bool symindex_load(const void *build_id, size_t id_len, uint32_t nsymtab, struct symindex *ix)
{
	int fd = dbgcache_open_entry(build_id, id_len, SUFFIX);
	const struct header *h;
	struct stat st;
	void *map;

	memset(ix, 0, sizeof(*ix));
	if (fd < 0)
		return false;
	map = fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(*h)
		      ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
		      : MAP_FAILED;
	close(fd);
	if (map == MAP_FAILED)
		return false;
	h = map;
	if (memcmp(h->magic, MAGIC, sizeof(h->magic)) != 0 || h->nsymtab != nsymtab ||
	    h->nkeys > nsymtab || h->nfar > nsymtab ||
	    (uint64_t)st.st_size != sizeof(*h) + h->nkeys * 8 + h->nfar * 4) {
		munmap(map, (size_t)st.st_size);
		return false;
	}
	ix->map = map;
	ix->map_len = (size_t)st.st_size;
	ix->keys = (const uint64_t *)(h + 1);
	ix->nkeys = h->nkeys;
	ix->far = (const uint32_t *)(ix->keys + h->nkeys);
	ix->nfar = h->nfar;
	return true;
}

void symindex_store(const void *build_id, size_t id_len, uint32_t nsymtab,
		    const struct symindex *ix)
{
	size_t len = sizeof(struct header) + ix->nkeys * 8 + ix->nfar * 4;
	char *buf;
	struct header h;

	if (!dbgcache_enabled() || !build_id || id_len == 0)
		return;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	h.nsymtab = nsymtab;
	h.nkeys = ix->nkeys;
	h.nfar = ix->nfar;
	buf = xmalloc(len);
	memcpy(buf, &h, sizeof(h));
	if (ix->nkeys)
		memcpy(buf + sizeof(h), ix->keys, ix->nkeys * 8);
	if (ix->nfar)
		memcpy(buf + sizeof(h) + ix->nkeys * 8, ix->far, ix->nfar * 4);
	dbgcache_store_entry(build_id, id_len, SUFFIX, buf, len);
	free(buf);
}

void symindex_free(struct symindex *ix)
{
	if (ix->map)
		munmap(ix->map, ix->map_len);
	else {
		free((void *)ix->keys);
		free((void *)ix->far);
	}
	memset(ix, 0, sizeof(*ix));
}
