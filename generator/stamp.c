/* stamp.c: the build stamp of stamp.h: a hash over the inputs, stored
 * with the diagnostics beside the output. */
#include "stamp.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "fileio.h"

static uint64_t S_mix(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Hash every entry below `dir` in sorted order (symbolic links followed by stat). */
static uint64_t S_walk(uint64_t h, const char *dir, int depth)
{
	if (depth > 16)
		return h;
	char **names = dir_names(dir, NULL);
	for (char **n = names; *n; n++) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/%s", dir, *n);
		struct stat st;
		if (stat(path.ptr, &st) == 0) {
			h = S_mix(h, path.ptr, path.len + 1);
			int64_t f[4] = { (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec,
					 (int64_t)st.st_ino };
			h = S_mix(h, f, sizeof f);
			if (S_ISDIR(st.st_mode))
				h = S_walk(h, path.ptr, depth + 1);
		}
		buf_free(&path);
	}
	dir_names_free(names);
	return h;
}

uint64_t stamp_compute(const char *content, const char *theme, const char *options)
{
	uint64_t h = 14695981039346656037ull;
	/* a rebuilt hhd may render differently: its own file is an input too */
	struct cache_key self = cache_self();
	h = S_mix(h, &self, sizeof self);
	h = S_mix(h, options, strlen(options) + 1);
	h = S_walk(h, content, 0);
	h = S_mix(h, "\0theme", 6);
	return S_walk(h, theme, 0);
}

void stamp_path(const char *out, struct buf *path)
{
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	buf_add(path, out, n);
	buf_adds(path, STAMP_SUFFIX);
}

/* The output folder's inode: the stamp belongs to the tree that build
 * swapped in, not to whatever is there now (or to nothing). */
static int S_out_inode(const char *out, unsigned long long *ino)
{
	struct stat st;
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

int stamp_matches(const char *out, uint64_t stamp, struct buf *diags)
{
	struct buf path = BUF_INIT, file = BUF_INIT;
	unsigned long long ino;
	if (S_out_inode(out, &ino) < 0)
		return 0;
	stamp_path(out, &path);
	int ok = 0;
	if (file_read(path.ptr, 1u << 20, &file) == FILE_OK) {
		char head[96];
		snprintf(head, sizeof head, "hhd-stamp 2 %016" PRIx64 " %llu\n", stamp, ino);
		size_t hl = strlen(head);
		if (file.len >= hl && memcmp(file.ptr, head, hl) == 0) {
			buf_add(diags, file.ptr + hl, file.len - hl);
			ok = 1;
		}
	}
	buf_free(&path);
	buf_free(&file);
	return ok;
}

int stamp_format(const char *out, uint64_t stamp, const char *diags, size_t len, struct buf *file)
{
	unsigned long long ino;
	if (S_out_inode(out, &ino) < 0)
		return -1;
	buf_addf(file, "hhd-stamp 2 %016" PRIx64 " %llu\n", stamp, ino);
	buf_add(file, diags, len);
	return 0;
}
