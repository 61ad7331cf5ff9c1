/* cache.h: the build caches beside the output, "<out>.hhd-cache/".
 *
 * A cache file holds what an earlier build computed from inputs that have
 * not changed, so a build does only the work its change needs. Each file
 * starts with a header naming the cache, its format and hhd's version, and
 * a checksum of the rest: a missing, foreign, truncated or damaged cache is
 * read as absent (the build does the full work), never as an error. The
 * folder is never part of the site; `hhd build --force` neither reads nor
 * trusts it. Files are replaced by rename, without fsync: a cache lost in a
 * crash only costs the next build time.
 *
 * Keys are 128-bit XXH3 hashes (libxxhash) of everything the cached value
 * depends on. */
#ifndef HHD_CACHE_H
#define HHD_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

#define CACHE_SUFFIX ".hhd-cache"
#define CACHE_MAX_FILE ((size_t)1 << 31) /* bytes in one cache file; a larger one is not read */

struct cache_key {
	uint64_t lo, hi;
};

static inline int cache_key_eq(struct cache_key a, struct cache_key b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

/* <out>.hhd-cache */
void cache_dir(const char *out, struct buf *path);
/* Read the cache file `name` of the output `out`, written in `format`:
 * 0 with its payload appended to `data`, or -1 when it is missing, of
 * another format or version, or damaged. */
int cache_read(const char *out, const char *name, unsigned format, struct buf *data);
/* A cache file mapped rather than read (cache_map): a large one whose
 * bytes are only looked at, not kept (pcache.h). */
struct cache_map {
	void *base;                   /* the mapping, size bytes */
	size_t size;
	const char *data;             /* its payload, len bytes (not aligned) */
	size_t len;
};
/* Map the cache file `name` of `out` read-only and check it as cache_read
 * does: 0 with m set, or -1 (m empty). The file must not be changed in
 * place while it is mapped: cache_write replaces it by rename. */
int cache_map(const char *out, const char *name, unsigned format, struct cache_map *m);
void cache_unmap(struct cache_map *m);
/* Replace the cache file `name` by `len` bytes of payload (creates the
 * folder). 0 or -1 (errno). */
int cache_write(const char *out, const char *name, unsigned format, const void *data, size_t len);
/* Remove the cache file `name` (no error when it is absent). */
void cache_remove(const char *out, const char *name);

/* The key of `len` bytes. */
struct cache_key cache_hash(const void *data, size_t len);
/* The key of the running generator: hhd's version and its own file's size,
 * modification time, inode and device. A rebuilt hhd may render
 * differently, so whatever an older one worked out must not be trusted. */
struct cache_key cache_self(void);

#endif
