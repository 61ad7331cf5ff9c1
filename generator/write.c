/* write.c: the writer of write.h: a staging folder, hard links for
 * unchanged files, one atomic swap. */
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"

struct writer {
	char *out, *stage;
	int stagefd; /* files are created relative to it: shorter path walks */
	int have_old;
	pthread_mutex_t lock; /* guards the counters */
	size_t files, unchanged;
};

struct writer *writer_open(const char *out, struct diags *d)
{
	struct writer *w = xcalloc(1, sizeof *w);
	w->stagefd = -1;
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	w->out = xstrndup(out, n);
	struct buf s = BUF_INIT;
	buf_addf(&s, "%s.new-%ld", w->out, (long)getpid());
	w->stage = buf_detach(&s, NULL);
	pthread_mutex_init(&w->lock, NULL);
	struct stat st;
	w->have_old = stat(w->out, &st) == 0 && S_ISDIR(st.st_mode);
	dir_remove(w->stage); /* left over from a killed build with our pid */
	if (dir_make(w->stage) < 0 || (w->stagefd = open(w->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		diag_at(d, D_WRITE, NULL, 0, 0, w->stage, strerror(errno));
		writer_abort(w);
		return NULL;
	}
	return w;
}

/* Does the old output hold exactly these bytes at `rel`? */
static int S_same_as_old(const struct writer *w, const char *old, const void *data, size_t len)
{
	struct stat st;
	if (!w->have_old || stat(old, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	struct buf b = BUF_INIT;
	int same = file_read(old, len, &b) == FILE_OK && buf_eq(&b, data, len);
	buf_free(&b);
	return same;
}

/* dir + "/" + rel into the empty buf `out`. */
static void S_join(struct buf *out, const char *dir, const char *rel)
{
	buf_adds(out, dir);
	buf_addch(out, '/');
	buf_adds(out, rel);
}

/* Create the folder holding `rel` (a path under the staging folder that
 * ends in a file name). Most folders exist or need one mkdir; only a
 * missing parent costs more. */
static int S_make_parent(const struct writer *w, char *rel)
{
	char *slash = strrchr(rel, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	int rc = mkdirat(w->stagefd, rel, 0755);
	if (rc < 0 && errno == EEXIST) {
		rc = 0;
	} else if (rc < 0 && errno == ENOENT) {
		struct buf full = BUF_INIT;
		S_join(&full, w->stage, rel);
		rc = dir_make(full.ptr);
		buf_free(&full);
	}
	*slash = '/';
	return rc;
}

int writer_put(struct writer *w, const char *rel, const void *data, size_t len, struct diags *d)
{
	struct buf path = BUF_INIT;
	buf_adds(&path, rel);
	int linked = 0, rc = 0;
	/* pretty URLs put nearly every page in a folder of its own: make it first */
	size_t rl = path.len;
	if (rl > 11 && !strcmp(rel + rl - 11, "/index.html"))
		S_make_parent(w, path.ptr);
	if (w->have_old) {
		struct buf old = BUF_INIT;
		S_join(&old, w->out, rel);
		if (S_same_as_old(w, old.ptr, data, len)) {
			linked = linkat(AT_FDCWD, old.ptr, w->stagefd, rel, 0) == 0;
			if (!linked && errno == ENOENT && S_make_parent(w, path.ptr) == 0)
				linked = linkat(AT_FDCWD, old.ptr, w->stagefd, rel, 0) == 0;
		}
		buf_free(&old);
	}
	if (!linked) {
		rc = file_write_at(w->stagefd, rel, data, len);
		if (rc < 0 && errno == ENOENT && S_make_parent(w, path.ptr) == 0)
			rc = file_write_at(w->stagefd, rel, data, len);
	}
	if (rc < 0) {
		const char *why = strerror(errno);
		struct buf full = BUF_INIT;
		S_join(&full, w->stage, rel);
		diag_at(d, D_WRITE, NULL, 0, 0, full.ptr, why);
		buf_free(&full);
	}
	pthread_mutex_lock(&w->lock);
	w->files++;
	w->unchanged += linked;
	pthread_mutex_unlock(&w->lock);
	buf_free(&path);
	return rc;
}

static void S_writer_free(struct writer *w)
{
	if (w->stagefd >= 0)
		close(w->stagefd);
	pthread_mutex_destroy(&w->lock);
	free(w->out);
	free(w->stage);
	free(w);
}

int writer_commit(struct writer *w, struct diags *d)
{
	/* The staging tree's data must be on disk before it becomes the site. */
	syncfs(w->stagefd);
	if (w->have_old) {
		if (renameat2(AT_FDCWD, w->stage, AT_FDCWD, w->out, RENAME_EXCHANGE) == 0) {
			dir_remove(w->stage); /* now the old site */
			S_writer_free(w);
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS) {
			diag_at(d, D_WRITE, NULL, 0, 0, w->out, strerror(errno));
			writer_abort(w);
			return -1;
		}
		/* No RENAME_EXCHANGE here: two renames, a moment without a site. */
		struct buf old = BUF_INIT;
		buf_addf(&old, "%s.old-%ld", w->out, (long)getpid());
		if (rename(w->out, old.ptr) < 0 || rename(w->stage, w->out) < 0) {
			diag_at(d, D_WRITE, NULL, 0, 0, w->out, strerror(errno));
			rename(old.ptr, w->out);
			buf_free(&old);
			writer_abort(w);
			return -1;
		}
		dir_remove(old.ptr);
		buf_free(&old);
		S_writer_free(w);
		return 0;
	}
	if (rename(w->stage, w->out) < 0) {
		diag_at(d, D_WRITE, NULL, 0, 0, w->out, strerror(errno));
		writer_abort(w);
		return -1;
	}
	S_writer_free(w);
	return 0;
}

void writer_abort(struct writer *w)
{
	if (!w)
		return;
	dir_remove(w->stage);
	S_writer_free(w);
}

size_t writer_count(const struct writer *w, size_t *unchanged)
{
	if (unchanged)
		*unchanged = w->unchanged;
	return w->files;
}
