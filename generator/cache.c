/* cache.c: the cache files of cache.h. */
#include "cache.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "fileio.h"

void cache_dir(const char *out, struct buf *path)
{
	buf_reset(path);
	buf_addf(path, "%s%s", out, CACHE_SUFFIX);
}

static void S_path(const char *out, const char *name, struct buf *path)
{
	cache_dir(out, path);
	buf_addf(path, "/%s", name);
}

/* "hhd-cache NAME FORMAT VERSION\n", then 16 bytes of XXH3-128 over the payload. */
static void S_header(const char *name, unsigned format, struct buf *h)
{
	buf_addf(h, "hhd-cache %s %u %s\n", name, format, HHD_VERSION);
}

struct cache_key cache_hash(const void *data, size_t len)
{
	XXH128_hash_t h = XXH3_128bits(data, len);
	return (struct cache_key){ h.low64, h.high64 };
}

struct cache_key cache_self(void)
{
	struct {
		char version[sizeof HHD_VERSION];
		int64_t f[5];
	} self = { HHD_VERSION, { 0 } };
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0) {
		self.f[0] = (int64_t)st.st_size;
		self.f[1] = (int64_t)st.st_mtim.tv_sec;
		self.f[2] = (int64_t)st.st_mtim.tv_nsec;
		self.f[3] = (int64_t)st.st_ino;
		self.f[4] = (int64_t)st.st_dev;
	}
	return cache_hash(&self, sizeof self);
}

int cache_read(const char *out, const char *name, unsigned format, struct buf *data)
{
	struct buf path = BUF_INIT, head = BUF_INIT;
	int rc = -1;
	size_t base = data->len;
	S_path(out, name, &path);
	S_header(name, format, &head);
	/* read in place and moved down over the header: one copy of a file
	 * that may be megabytes (the parse cache, the journal) */
	if (file_read(path.ptr, CACHE_MAX_FILE, data) != FILE_OK)
		goto out;
	char *file = data->ptr + base;
	size_t len = data->len - base, hl = head.len + sizeof(struct cache_key);
	if (len < hl || memcmp(file, head.ptr, head.len))
		goto out;
	struct cache_key want;
	memcpy(&want, file + head.len, sizeof want);
	if (!cache_key_eq(want, cache_hash(file + hl, len - hl)))
		goto out;
	memmove(file, file + hl, len - hl);
	buf_setlen(data, base + len - hl);
	rc = 0;
out:
	if (rc < 0 && data->len > base)
		buf_setlen(data, base);
	buf_free(&path);
	buf_free(&head);
	return rc;
}

int cache_write(const char *out, const char *name, unsigned format, const void *data, size_t len)
{
	struct buf path = BUF_INIT, head = BUF_INIT;
	int rc = -1;
	cache_dir(out, &path);
	if (dir_make(path.ptr) == 0) {
		S_path(out, name, &path);
		S_header(name, format, &head);
		struct cache_key k = cache_hash(data, len);
		buf_add(&head, &k, sizeof k);
		const void *parts[2] = { head.ptr, data };
		size_t lens[2] = { head.len, len };
		rc = file_replace(path.ptr, parts, lens, 2, 0);
	}
	buf_free(&path);
	buf_free(&head);
	return rc;
}

void cache_remove(const char *out, const char *name)
{
	struct buf path = BUF_INIT;
	S_path(out, name, &path);
	unlink(path.ptr);
	buf_free(&path);
}
