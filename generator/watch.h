/* watch.h: recursive inotify watches for `hhd serve`, with debounced batches.
 *
 * watch_add() watches a folder and every folder below it; folders created or
 * moved in later are watched as they appear, and the files already inside
 * them count as changed. watch_next() waits for the first change, then for a
 * quiet spell (`debounce_ms`, or WATCH_SETTLE_MS once every file written is
 * closed again; at most `max_wait_ms` after the first event, so a steady
 * stream of writes still ends in a batch), and hands back the
 * changed paths, sorted and unique, each as the watched folder's path joined
 * with the name below it ("content/nl/tips/a.md"). A folder created, moved
 * or removed appears as its own path too. If a watched root itself is
 * removed, it is no longer watched (the preview must then be restarted).
 *
 * Editors' scratch files are left out of batches: names starting with '.' or
 * '#', ending in '~', ".swp", ".swx" or ".tmp", and vim's probe file "4913".
 * When the kernel's event queue overflowed or a batch would hold more than
 * `max_paths` paths, the batch is marked `overflow` and its list is empty:
 * the caller rebuilds everything. */
#ifndef HHD_WATCH_H
#define HHD_WATCH_H

#include <stddef.h>

/* Defaults for the limits below (see serve.h for where they are used). */
#define WATCH_MAX_PATHS 4096      /* paths in one batch before it counts as "everything" */
#define WATCH_MAX_DEPTH 32        /* folder depth below a watched root */
#define WATCH_SETTLE_MS 10        /* quiet spell that ends a batch whose written files are all closed */

struct watch;

struct watch_batch {
	char **paths;   /* malloc'd, sorted, unique; NULL when n == 0 */
	size_t n;
	int overflow;   /* too many changes, or the kernel dropped events: rebuild all */
};

/* A watcher whose batches hold at most `max_paths` paths (0: WATCH_MAX_PATHS).
 * NULL with errno set when inotify is not available. */
struct watch *watch_open(size_t max_paths);
void watch_close(struct watch *w);
/* Watch `dir` and every folder below it (symbolic links are not followed).
 * 0, or -1 with errno set (ENOSPC past the kernel's max_user_watches).
 * Folders deeper than WATCH_MAX_DEPTH below `dir` are not watched. */
int watch_add(struct watch *w, const char *dir);
/* Number of folders watched now (for tests and the status page). */
size_t watch_count(const struct watch *w);
/* Wait for the next debounced batch: it ends after a quiet spell of
 * `debounce_ms` while a file of it is being written (modified or created,
 * and not closed since), and of WATCH_SETTLE_MS (if shorter) once every
 * such file is closed again, so a save is seen without the full wait;
 * at the latest `max_wait_ms` after its first event. Returns 1 with `*out` filled (free it
 * with watch_batch_free), 0 when `stop_fd` (if >= 0) became readable or
 * hung up, -1 on a system error (errno). */
int watch_next(struct watch *w, int stop_fd, unsigned debounce_ms, unsigned max_wait_ms,
	       struct watch_batch *out);
void watch_batch_free(struct watch_batch *b);
/* Whether `name` (one path component) is an editor's scratch file. */
int watch_ignored(const char *name);

#endif
