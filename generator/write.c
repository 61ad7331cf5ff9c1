/* write.c: the writer of write.h: the spare tree brought up to date in
 * place, then exchanged with the output. */
#include "write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"

/* Above this many files written anew, commit syncs the file system rather
 * than each file. */
#define WRITE_SYNC_EACH_MAX 256

struct writer {
	char *out, *spare;
	int sparefd, outfd; /* outfd -1 when there is no output yet */
	int lockfd;
	pthread_mutex_t lock; /* guards what follows */
	char **rels;          /* every rel put, for the pruning walk */
	size_t nrels, caprels;
	char **fresh;         /* the rels written anew, to sync at commit */
	size_t nfresh, capfresh;
	size_t files, unchanged;
};

static void S_join(struct buf *out, const char *dir, const char *rel)
{
	buf_adds(out, dir);
	buf_addch(out, '/');
	buf_adds(out, rel);
}

static void S_fail(struct diags *d, const char *dir, const char *rel, int err)
{
	struct buf full = BUF_INIT;
	if (rel)
		S_join(&full, dir, rel);
	else
		buf_adds(&full, dir);
	diag_at(d, D_WRITE, NULL, 0, 0, full.ptr, strerror(err));
	buf_free(&full);
}

static void S_writer_free(struct writer *w)
{
	size_t i;
	if (w->sparefd >= 0)
		close(w->sparefd);
	if (w->outfd >= 0)
		close(w->outfd);
	if (w->lockfd >= 0)
		close(w->lockfd); /* releases the lock */
	for (i = 0; i < w->nrels; i++)
		free(w->rels[i]);
	free(w->rels);
	free(w->fresh); /* its strings are rels' */
	pthread_mutex_destroy(&w->lock);
	free(w->out);
	free(w->spare);
	free(w);
}

struct writer *writer_open(const char *out, struct diags *d)
{
	struct writer *w = xcalloc(1, sizeof *w);
	struct buf s = BUF_INIT;
	struct stat st;
	size_t n = strlen(out);

	w->sparefd = w->outfd = w->lockfd = -1;
	pthread_mutex_init(&w->lock, NULL);
	while (n > 1 && out[n - 1] == '/')
		n--;
	w->out = xstrndup(out, n);
	/* the folder the output goes in; a failure shows at the lock file */
	char *slash = strrchr(w->out, '/');
	if (slash && slash != w->out) {
		*slash = '\0';
		dir_make(w->out);
		*slash = '/';
	}
	buf_addf(&s, "%s%s", w->out, WRITE_LOCK_SUFFIX);
	w->lockfd = open(s.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (w->lockfd < 0 || flock(w->lockfd, LOCK_EX) < 0) {
		S_fail(d, s.ptr, NULL, errno);
		buf_free(&s);
		S_writer_free(w);
		return NULL;
	}
	buf_reset(&s);
	buf_addf(&s, "%s%s", w->out, WRITE_SPARE_SUFFIX);
	w->spare = buf_detach(&s, NULL);
	if (lstat(w->spare, &st) == 0 && !S_ISDIR(st.st_mode))
		unlink(w->spare);
	if ((mkdir(w->spare, 0755) < 0 && errno != EEXIST)
	    || (w->sparefd = open(w->spare, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		S_fail(d, w->spare, NULL, errno);
		S_writer_free(w);
		return NULL;
	}
	w->outfd = open(w->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return w;
}

/* Does the regular file `rel` under dirfd, whose stat is `st`, hold exactly
 * these bytes? */
static int S_same(int dirfd, const char *rel, const struct stat *st, const void *data, size_t len)
{
	if (!S_ISREG(st->st_mode) || (size_t)st->st_size != len)
		return 0;
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char chunk[16384];
	ssize_t got;
	int same = 1;
	size_t at = 0;
	while (same && (got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			same = 0;
			break;
		}
		if (at + (size_t)got > len || memcmp((const char *)data + at, chunk, (size_t)got) != 0)
			same = 0;
		at += (size_t)got;
	}
	close(fd);
	return same && at == len;
}

/* Make every folder on the way to `rel` (a path ending in a file name) in
 * the spare, replacing anything that is not a folder where one must be.
 * Most folders exist or need one mkdir; only a missing parent costs more. */
static int S_make_parent(const struct writer *w, char *rel)
{
	char *slash = strrchr(rel, '/'), *p;
	struct stat st;
	int rc = 0;

	if (!slash)
		return 0;
	*slash = '\0';
	if (mkdirat(w->sparefd, rel, 0755) == 0
	    || (errno == EEXIST && fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))) {
		*slash = '/';
		return 0;
	}
	for (p = rel;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(w->sparefd, rel, 0755) < 0 && errno == EEXIST
		    && fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
			/* a file (or link) where the site now has a folder */
			if (unlinkat(w->sparefd, rel, 0) < 0 || mkdirat(w->sparefd, rel, 0755) < 0)
				rc = -1;
		}
		*p = c;
		if (c == '\0' || rc < 0)
			break;
	}
	if (rc == 0 && (fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
		rc = -1;
	*slash = '/';
	return rc;
}

/* Put `tmp` (a name in the spare) at `rel`, removing a folder that stands
 * where the site now has a file. */
static int S_rename_in(const struct writer *w, const char *tmp, const char *rel)
{
	if (renameat(w->sparefd, tmp, w->sparefd, rel) == 0)
		return 0;
	if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) {
		struct buf full = BUF_INIT;
		S_join(&full, w->spare, rel);
		dir_remove(full.ptr);
		buf_free(&full);
		if (renameat(w->sparefd, tmp, w->sparefd, rel) == 0)
			return 0;
	}
	int e = errno;
	unlinkat(w->sparefd, tmp, 0);
	errno = e;
	return -1;
}

/* The new bytes go to a temporary name beside `rel` and are renamed over
 * it: never written into the spare's file, which the output may share. */
static int S_write_new(const struct writer *w, const char *rel, const void *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.hhd-tmp", rel);
	int rc = file_write_at(w->sparefd, tmp.ptr, data, len);
	if (rc == 0)
		rc = S_rename_in(w, tmp.ptr, rel);
	else
		unlinkat(w->sparefd, tmp.ptr, 0);
	buf_free(&tmp);
	return rc;
}

/* Make the spare's `rel` a hard link to the output's. */
static int S_link_out(const struct writer *w, const char *rel)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.hhd-tmp", rel);
	unlinkat(w->sparefd, tmp.ptr, 0);
	int rc = linkat(w->outfd, rel, w->sparefd, tmp.ptr, 0);
	if (rc == 0)
		rc = S_rename_in(w, tmp.ptr, rel);
	buf_free(&tmp);
	return rc;
}

int writer_put(struct writer *w, const char *rel, const void *data, size_t len, struct diags *d)
{
	struct buf path = BUF_INIT;
	struct stat sst, ost;
	int unchanged = 0, rc = 0, fresh = 0;

	buf_adds(&path, rel);
	rc = S_make_parent(w, path.ptr);
	int have_spare = rc == 0 && fstatat(w->sparefd, rel, &sst, AT_SYMLINK_NOFOLLOW) == 0;
	int have_out = rc == 0 && w->outfd >= 0 && fstatat(w->outfd, rel, &ost, AT_SYMLINK_NOFOLLOW) == 0;
	if (rc < 0) {
		/* reported below */
	} else if (have_out && S_same(w->outfd, rel, &ost, data, len)) {
		unchanged = 1;
		if (!have_spare || sst.st_ino != ost.st_ino || sst.st_dev != ost.st_dev)
			rc = S_link_out(w, rel);
		if (rc < 0 && (errno == EXDEV || errno == EMLINK || errno == EPERM)) {
			unchanged = 0; /* no hard links here: a copy will do */
			rc = S_write_new(w, rel, data, len);
			fresh = 1;
		}
	} else if (have_spare && S_same(w->sparefd, rel, &sst, data, len)) {
		unchanged = 1; /* back to what the build before last wrote */
	} else {
		rc = S_write_new(w, rel, data, len);
		fresh = 1;
	}
	if (rc < 0)
		S_fail(d, w->spare, rel, errno);
	pthread_mutex_lock(&w->lock);
	if (w->nrels == w->caprels) {
		w->caprels = w->caprels ? 2 * w->caprels : 256;
		w->rels = xrealloc(w->rels, w->caprels * sizeof *w->rels);
	}
	w->rels[w->nrels++] = buf_detach(&path, NULL);
	if (fresh && rc == 0) {
		if (w->nfresh == w->capfresh) {
			w->capfresh = w->capfresh ? 2 * w->capfresh : 64;
			w->fresh = xrealloc(w->fresh, w->capfresh * sizeof *w->fresh);
		}
		w->fresh[w->nfresh++] = w->rels[w->nrels - 1];
	}
	w->files++;
	w->unchanged += unchanged;
	pthread_mutex_unlock(&w->lock);
	return rc;
}

static int S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove from the spare folder open as `fd` (at `prefix`, "" or "a/b/")
 * every entry this build did not write, and folders left empty. Returns
 * the number of entries that remain, or -1. */
static long S_prune(const struct writer *w, int fd, struct buf *prefix)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	long left = 0;

	if (!dir) {
		close(fd);
		return -1;
	}
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		size_t mark = prefix->len;
		buf_adds(prefix, e->d_name);
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			struct stat st;
			isdir = fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		}
		if (isdir) {
			int sub = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			buf_addch(prefix, '/');
			long n = sub < 0 ? -1 : S_prune(w, sub, prefix);
			if (n == 0 && unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR) == 0)
				left--;
			left++;
		} else {
			const char *key = prefix->ptr;
			if (!bsearch(&key, w->rels, w->nrels, sizeof *w->rels, S_cmp)
			    && unlinkat(dirfd(dir), e->d_name, 0) == 0)
				left--;
			left++;
		}
		prefix->len = mark;
		prefix->ptr[mark] = '\0';
	}
	closedir(dir);
	return left;
}

int writer_commit(struct writer *w, struct diags *d)
{
	struct buf prefix = BUF_INIT;
	int fd;

	qsort(w->rels, w->nrels, sizeof *w->rels, S_cmp);
	buf_adds(&prefix, "");
	fd = openat(w->sparefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || S_prune(w, fd, &prefix) < 0) {
		S_fail(d, w->spare, NULL, errno);
		buf_free(&prefix);
		writer_abort(w);
		return -1;
	}
	buf_free(&prefix);
	/* The data written must be on disk before it becomes the site (the
	 * renames are metadata, which the file system's journal keeps in
	 * order). A few files: each one; many: the whole file system, which
	 * costs one call but waits for every other writer's data too. */
	if (w->nfresh > WRITE_SYNC_EACH_MAX) {
		syncfs(w->sparefd);
	} else {
		size_t i;
		for (i = 0; i < w->nfresh; i++) {
			int ffd = openat(w->sparefd, w->fresh[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (ffd < 0 || fdatasync(ffd) < 0) {
				S_fail(d, w->spare, w->fresh[i], errno);
				if (ffd >= 0)
					close(ffd);
				writer_abort(w);
				return -1;
			}
			close(ffd);
		}
	}
	if (w->outfd < 0) {
		if (rename(w->spare, w->out) < 0) {
			S_fail(d, w->out, NULL, errno);
			writer_abort(w);
			return -1;
		}
		S_writer_free(w);
		return 0;
	}
	if (renameat2(AT_FDCWD, w->spare, AT_FDCWD, w->out, RENAME_EXCHANGE) == 0) {
		S_writer_free(w);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS) {
		S_fail(d, w->out, NULL, errno);
		writer_abort(w);
		return -1;
	}
	/* No RENAME_EXCHANGE here: three renames, a moment without a site. */
	struct buf old = BUF_INIT;
	buf_addf(&old, "%s.old-%ld", w->out, (long)getpid());
	if (rename(w->out, old.ptr) < 0 || rename(w->spare, w->out) < 0) {
		S_fail(d, w->out, NULL, errno);
		rename(old.ptr, w->out);
		buf_free(&old);
		writer_abort(w);
		return -1;
	}
	if (rename(old.ptr, w->spare) < 0)
		dir_remove(old.ptr); /* only costs the next build time */
	buf_free(&old);
	S_writer_free(w);
	return 0;
}

void writer_abort(struct writer *w)
{
	if (w)
		S_writer_free(w);
}

size_t writer_count(const struct writer *w, size_t *unchanged)
{
	if (unchanged)
		*unchanged = w->unchanged;
	return w->files;
}
