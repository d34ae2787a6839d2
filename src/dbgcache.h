/* dbgcache.h - uncompressed copies of compressed debug files, kept by build-id */
#ifndef LURK_DBGCACHE_H
#define LURK_DBGCACHE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The directory: $LURK_CACHE_DIR (empty: no cache), else
 * $XDG_CACHE_HOME/lurk, else ~/.cache/lurk. NULL when there is none.
 */
const char *dbgcache_dir(void);
void dbgcache_enable(bool on);
bool dbgcache_enabled(void);

/*
 * The inflated copy of the debug file with this build-id: its descriptor,
 * with *path set (caller frees); -1 when there is none.
 */
int dbgcache_lookup(const void *build_id, size_t id_len, char **path);
/*
 * Keep an inflated copy of the debug file open on fd when its debug
 * sections are compressed. Best effort: failures only mean no copy.
 */
void dbgcache_store(int fd, const void *build_id, size_t id_len);

/*
 * Other files kept by build-id beside the copies (BUILDID + suffix),
 * trimmed with them: the entry's descriptor, or -1 when there is none;
 * and storing one (best effort, written whole or not at all).
 */
int dbgcache_open_entry(const void *build_id, size_t id_len, const char *suffix);
void dbgcache_store_entry(const void *build_id, size_t id_len, const char *suffix, const void *data,
			  size_t len);

#endif
