/* fileio.c: whole-file reads with a size limit, atomic and plain writes,
 * mkdir -p, rm -rf and sorted folder listings (see fileio.h). */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

enum file_status file_read(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FILE_ERR_IO;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return FILE_ERR_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return FILE_ERR_IO;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		close(fd);
		return FILE_ERR_TOO_BIG;
	}
	size_t start = out->len;
	buf_grow(out, S_ISREG(st.st_mode) ? (size_t)st.st_size : 4096);
	for (;;) {
		if (out->len - start > max) {
			close(fd);
			buf_setlen(out, start);
			return FILE_ERR_TOO_BIG;
		}
		buf_grow(out, 4096);
		ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buf_setlen(out, start);
			errno = e;
			return FILE_ERR_IO;
		}
		if (n == 0)
			break;
		size_t asked = out->cap - out->len - 1;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		/* A regular file's read comes back short only at its end: no
		 * second read to be told so. */
		if (S_ISREG(st.st_mode) && (size_t)n < asked && out->len - start == (size_t)st.st_size)
			break;
	}
	close(fd);
	if (out->len - start > max) {
		buf_setlen(out, start);
		return FILE_ERR_TOO_BIG;
	}
	return FILE_OK;
}

static int S_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
	return file_write_at(AT_FDCWD, path, data, len);
}

int file_write_at(int dirfd, const char *path, const void *data, size_t len)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (S_write_all(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
	const void *parts[1] = { data };
	size_t lens[1] = { len };
	return file_replace(path, parts, lens, 1, 1);
}

int file_replace(const char *path, const void *const parts[], const size_t lens[], size_t nparts, int sync)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		abort();
	snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int rc = fchmod(fd, 0644);
	for (size_t i = 0; rc == 0 && i < nparts; i++)
		rc = S_write_all(fd, parts[i], lens[i]);
	if (rc < 0 || (sync && fsync(fd) < 0)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	return 0;
}

int dir_make(const char *path)
{
	char *p = strdup(path);
	if (!p)
		abort();
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			errno = e;
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755);
	int e = errno;
	free(p);
	if (rc < 0 && e != EEXIST) {
		errno = e;
		return -1;
	}
	return 0;
}

static int S_remove_at(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (S_remove_at(fd, e->d_name) < 0)
			rc = -1;
	}
	closedir(d);
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		rc = -1;
	return rc;
}

int dir_remove(const char *path)
{
	return S_remove_at(AT_FDCWD, path);
}

static int S_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_name_listed(const char *name, const char *suffix)
{
	if (name[0] == '.')
		return 0;
	size_t l = strlen(name), sl = suffix ? strlen(suffix) : 0;
	return !suffix || (l > sl && strcmp(name + l - sl, suffix) == 0);
}

char **dir_names(const char *dir, const char *suffix)
{
	DIR *dp = opendir(dir);
	size_t n = 0, cap = 0;
	char **names = NULL;
	names = xgrow(names, &cap, 1, sizeof *names);
	if (dp) {
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (!dir_name_listed(e->d_name, suffix))
				continue;
			names = xgrow(names, &cap, n + 2, sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
		closedir(dp);
	}
	qsort(names, n, sizeof *names, S_cmp_names);
	names[n] = NULL;
	return names;
}

void dir_names_free(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}
