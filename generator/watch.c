/* watch.c: recursive inotify watches with debounced batches (see watch.h). */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | \
		    IN_ATTRIB | IN_DELETE_SELF | IN_EXCL_UNLINK | IN_ONLYDIR | IN_DONT_FOLLOW)

struct watch {
	int fd;
	char **dirs;        /* indexed by watch descriptor; NULL when unused */
	size_t ndirs_cap;
	size_t live;        /* folders watched now */
	char **pending;     /* changed paths since the last batch, unsorted, may repeat */
	size_t npending, cap;
	size_t max_paths;
	int overflow;
	int dirty;          /* something worth a batch happened */
	unsigned long events; /* relevant events seen, for the quiet spell */
	char **writing;     /* files of this batch written to and not closed yet */
	size_t nwriting, capwriting;
};

/* Editors' scratch files: see watch.h. */
int watch_ignored(const char *name)
{
	static const char *const suffixes[] = { "~", ".swp", ".swx", ".tmp", NULL };
	size_t len = strlen(name);
	if (len == 0 || name[0] == '.' || name[0] == '#' || strcmp(name, "4913") == 0)
		return 1;
	for (const char *const *s = suffixes; *s; s++) {
		size_t sl = strlen(*s);
		if (len >= sl && memcmp(name + len - sl, *s, sl) == 0)
			return 1;
	}
	return 0;
}

struct watch *watch_open(size_t max_paths)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct watch *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	w->max_paths = max_paths ? max_paths : WATCH_MAX_PATHS;
	return w;
}

static void S_pending_clear(struct watch *w)
{
	for (size_t i = 0; i < w->npending; i++)
		free(w->pending[i]);
	w->npending = 0;
	for (size_t i = 0; i < w->nwriting; i++)
		free(w->writing[i]);
	w->nwriting = 0;
	w->overflow = 0;
	w->dirty = 0;
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	close(w->fd);
	for (size_t i = 0; i < w->ndirs_cap; i++)
		free(w->dirs[i]);
	free(w->dirs);
	S_pending_clear(w);
	free(w->pending);
	free(w->writing);
	free(w);
}

size_t watch_count(const struct watch *w)
{
	return w->live;
}

static int S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the pending paths and drop repeats. */
static void S_compact(struct watch *w)
{
	if (!w->npending)
		return;
	qsort(w->pending, w->npending, sizeof *w->pending, S_cmp);
	size_t k = 1;
	for (size_t i = 1; i < w->npending; i++) {
		if (strcmp(w->pending[k - 1], w->pending[i]) == 0)
			free(w->pending[i]);
		else
			w->pending[k++] = w->pending[i];
	}
	w->npending = k;
}

/* Record one changed path (copied); past the limit the batch overflows. */
static void S_record(struct watch *w, const char *path)
{
	w->dirty = 1;
	w->events++;
	if (w->overflow)
		return;
	if (w->npending && strcmp(w->pending[w->npending - 1], path) == 0)
		return; /* the usual repeat: one file's create, modify and close */
	if (w->npending >= w->max_paths) {
		/* Repeats do not count against the limit. */
		S_compact(w);
		if (bsearch(&path, w->pending, w->npending, sizeof *w->pending, S_cmp))
			return;
		if (w->npending >= w->max_paths) {
			S_pending_clear(w);
			w->overflow = w->dirty = 1;
			return;
		}
	}
	w->pending = xgrow(w->pending, &w->cap, w->npending + 1, sizeof *w->pending);
	w->pending[w->npending++] = xstrdup(path);
}

/* Watch `dir` and the folders below it; with `record`, every file found
 * counts as changed (a folder that appeared with files already inside). */
static int S_add_tree(struct watch *w, const char *dir, int depth, int record)
{
	if (depth > WATCH_MAX_DEPTH)
		return 0;
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1; /* gone or replaced meanwhile */
	if ((size_t)wd >= w->ndirs_cap) {
		size_t old = w->ndirs_cap;
		w->dirs = xgrow(w->dirs, &w->ndirs_cap, (size_t)wd + 1, sizeof *w->dirs);
		memset(w->dirs + old, 0, (w->ndirs_cap - old) * sizeof *w->dirs);
	}
	if (w->dirs[wd]) {
		free(w->dirs[wd]); /* the same folder reached again (re-added, or moved) */
		w->live--;
	}
	w->dirs[wd] = xstrdup(dir);
	w->live++;

	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (watch_ignored(e->d_name))
			continue;
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/%s", dir, e->d_name);
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			struct stat st;
			isdir = lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode);
		}
		if (isdir)
			rc = S_add_tree(w, p.ptr, depth + 1, record);
		else if (record)
			S_record(w, p.ptr);
		buf_free(&p);
	}
	closedir(d);
	return rc;
}

int watch_add(struct watch *w, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return S_add_tree(w, dir, 0, 0);
}

/* A file is being written from its first create or modify event until its
 * close-after-write; while one is, a batch waits for the full quiet spell.
 * The list is short (files open at once), so it is searched in order. */
static void S_writing(struct watch *w, const char *path, uint32_t mask)
{
	size_t i = 0;
	while (i < w->nwriting && strcmp(w->writing[i], path))
		i++;
	if (mask & IN_CLOSE_WRITE) {
		if (i < w->nwriting) {
			free(w->writing[i]);
			w->writing[i] = w->writing[--w->nwriting];
		}
	} else if ((mask & (IN_CREATE | IN_MODIFY)) && i == w->nwriting) {
		w->writing = xgrow(w->writing, &w->capwriting, w->nwriting + 1, sizeof *w->writing);
		w->writing[w->nwriting++] = xstrdup(path);
	}
}

/* Read every queued event. 0, or -1 on a read error. */
static int S_drain(struct watch *w)
{
	char chunk[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, chunk, sizeof chunk);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			return 0;
		for (char *p = chunk; p < chunk + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				S_pending_clear(w);
				w->overflow = w->dirty = 1;
				w->events++;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= w->ndirs_cap || !w->dirs[ev->wd])
				continue;
			if (ev->mask & IN_IGNORED) {
				free(w->dirs[ev->wd]);
				w->dirs[ev->wd] = NULL;
				w->live--;
				continue;
			}
			if (!ev->len || watch_ignored(ev->name))
				continue;
			struct buf path = BUF_INIT;
			buf_addf(&path, "%s/%s", w->dirs[ev->wd], ev->name);
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
				S_record(w, path.ptr);
				/* A full table leaves the new folder unwatched; its files
				 * still count once, through the scan. */
				S_add_tree(w, path.ptr, 1, 1);
			} else {
				S_record(w, path.ptr);
				if (!(ev->mask & IN_ISDIR))
					S_writing(w, path.ptr, ev->mask);
			}
			buf_free(&path);
		}
	}
}

static long long S_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Hand the pending paths over as a sorted, unique batch. */
static void S_take(struct watch *w, struct watch_batch *out)
{
	memset(out, 0, sizeof *out);
	out->overflow = w->overflow;
	if (!w->overflow && w->npending) {
		S_compact(w);
		out->paths = w->pending;
		out->n = w->npending;
		w->pending = NULL;
		w->cap = 0;
		w->npending = 0;
	}
	S_pending_clear(w);
}

int watch_next(struct watch *w, int stop_fd, unsigned debounce_ms, unsigned max_wait_ms,
	       struct watch_batch *out)
{
	long long first = 0, last = 0;
	if (w->dirty)
		first = last = S_now_ms();
	for (;;) {
		int timeout = -1;
		if (w->dirty) {
			/* every file written is closed again: a save is complete,
			 * and only a short spell waits for the rest of it (an
			 * editor's rename after the write) */
			unsigned quiet = w->nwriting || debounce_ms < WATCH_SETTLE_MS ? debounce_ms : WATCH_SETTLE_MS;
			long long now = S_now_ms(), due = last + quiet;
			if (due > first + max_wait_ms)
				due = first + max_wait_ms;
			if (now >= due) {
				S_take(w, out);
				return 1;
			}
			timeout = (int)(due - now);
		}
		struct pollfd pfd[2] = { { w->fd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		int r = poll(pfd, stop_fd >= 0 ? 2 : 1, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (stop_fd >= 0 && pfd[1].revents)
			return 0;
		if (pfd[0].revents & POLLIN) {
			int was = w->dirty;
			unsigned long before = w->events;
			if (S_drain(w) != 0)
				return -1;
			if (w->events != before) {
				last = S_now_ms();
				if (!was)
					first = last;
			}
		}
	}
}

void watch_batch_free(struct watch_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->paths[i]);
	free(b->paths);
	memset(b, 0, sizeof *b);
}
