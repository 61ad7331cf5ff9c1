/* cache.c: the cache files of cache.h. */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

int cache_read(const char *out, const char *name, unsigned format, struct buf *data)
{
	struct buf path = BUF_INIT, file = BUF_INIT, head = BUF_INIT;
	int rc = -1;
	S_path(out, name, &path);
	S_header(name, format, &head);
	if (file_read(path.ptr, CACHE_MAX_FILE, &file) != FILE_OK)
		goto out;
	size_t hl = head.len + sizeof(struct cache_key);
	if (file.len < hl || memcmp(file.ptr, head.ptr, head.len))
		goto out;
	struct cache_key want;
	memcpy(&want, file.ptr + head.len, sizeof want);
	if (!cache_key_eq(want, cache_hash(file.ptr + hl, file.len - hl)))
		goto out;
	buf_add(data, file.ptr + hl, file.len - hl);
	rc = 0;
out:
	buf_free(&path);
	buf_free(&file);
	buf_free(&head);
	return rc;
}

static int S_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

int cache_write(const char *out, const char *name, unsigned format, const void *data, size_t len)
{
	struct buf path = BUF_INIT, tmp = BUF_INIT, head = BUF_INIT;
	int rc = -1, fd = -1;
	cache_dir(out, &path);
	if (dir_make(path.ptr) < 0)
		goto out;
	S_path(out, name, &path);
	buf_addf(&tmp, "%s.tmp.%ld", path.ptr, (long)getpid());
	S_header(name, format, &head);
	struct cache_key k = cache_hash(data, len);
	buf_add(&head, &k, sizeof k);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (S_write_all(fd, head.ptr, head.len) < 0 || S_write_all(fd, data, len) < 0) {
		unlink(tmp.ptr);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		unlink(tmp.ptr);
		goto out;
	}
	fd = -1;
	if (rename(tmp.ptr, path.ptr) < 0) {
		unlink(tmp.ptr);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_free(&path);
	buf_free(&tmp);
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
