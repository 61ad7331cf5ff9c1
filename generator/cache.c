/* cache.c: the cache files of cache.h. */
#include "cache.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

/* The payload of the file image p[0..len) when its header is name's in
 * `format` and its checksum matches; NULL otherwise. */
static const char *S_check(const char *p, size_t len, const char *name, unsigned format, size_t *payload)
{
	struct buf head = BUF_INIT;
	S_header(name, format, &head);
	size_t hl = head.len + sizeof(struct cache_key);
	const char *r = NULL;
	if (len >= hl && !memcmp(p, head.ptr, head.len)) {
		struct cache_key want;
		memcpy(&want, p + head.len, sizeof want);
		if (cache_key_eq(want, cache_hash(p + hl, len - hl))) {
			r = p + hl;
			*payload = len - hl;
		}
	}
	buf_free(&head);
	return r;
}

int cache_read(const char *out, const char *name, unsigned format, struct buf *data)
{
	struct buf path = BUF_INIT;
	size_t base = data->len, len = 0;
	S_path(out, name, &path);
	/* read in place and moved down over the header: one copy of a file
	 * that may be megabytes (the journal) */
	int rc = -1;
	if (file_read(path.ptr, CACHE_MAX_FILE, data) == FILE_OK) {
		const char *p = S_check(data->ptr + base, data->len - base, name, format, &len);
		if (p) {
			memmove(data->ptr + base, p, len);
			buf_setlen(data, base + len);
			rc = 0;
		}
	}
	if (rc < 0 && data->len > base)
		buf_setlen(data, base);
	buf_free(&path);
	return rc;
}

int cache_map(const char *out, const char *name, unsigned format, struct cache_map *m)
{
	*m = (struct cache_map){ NULL, 0, NULL, 0 };
	struct buf path = BUF_INIT;
	S_path(out, name, &path);
	int fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return -1;
	struct stat st;
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= CACHE_MAX_FILE)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	m->base = map;
	m->size = (size_t)st.st_size;
	m->data = S_check(map, m->size, name, format, &m->len);
	if (!m->data) {
		cache_unmap(m);
		return -1;
	}
	return 0;
}

void cache_unmap(struct cache_map *m)
{
	if (m->base)
		munmap(m->base, m->size);
	*m = (struct cache_map){ NULL, 0, NULL, 0 };
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
