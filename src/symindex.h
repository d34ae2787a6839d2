/* symindex.h - a module's symbols sorted by address, kept on disk by build-id */
#ifndef LURK_SYMINDEX_H
#define LURK_SYMINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The index sym.c looks addresses up in: keys, sorted, each one
 * (address - module start) << 32 | rank << 28 | symbol table index; and the
 * symbols outside the module's first 4 GiB (TLS offsets), by symbol table
 * index, only ever looked up by name. Either malloc'd or, read back from
 * the cache, a read-only mapping of the file.
 */
struct symindex {
	const uint64_t *keys;
	size_t nkeys;
	const uint32_t *far;
	size_t nfar;
	void *map; /* the cache file's mapping, or NULL when keys and far are malloc'd */
	size_t map_len;
};

#define SYMINDEX_NDX_BITS 28
#define SYMINDEX_NDX_MASK ((1u << SYMINDEX_NDX_BITS) - 1)

/* Sort keys (unique: they end in the symbol table index). */
void symindex_sort(uint64_t *keys, size_t n);

/*
 * The index kept for the module with this build-id whose symbol table has
 * nsymtab entries: false when there is none, or it is not whole. The
 * caller checks a few entries against the symbol table before trusting it.
 */
bool symindex_load(const void *build_id, size_t id_len, uint32_t nsymtab, struct symindex *ix);
/* Keep ix for the next run (best effort). */
void symindex_store(const void *build_id, size_t id_len, uint32_t nsymtab,
		    const struct symindex *ix);
void symindex_free(struct symindex *ix);

#endif
