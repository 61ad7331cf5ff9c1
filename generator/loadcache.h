/* loadcache.h: hhd serve's parsed content files, kept between its builds.
 *
 * Reading and parsing 10,000 pages is most of what a preview rebuild costs,
 * and after one saved file 9,999 of them parse to the same result. So the
 * load stage (load.c) keeps each page and tree it parsed here, with the
 * diagnostics parsing it reported, and the next build takes them from here
 * instead of reading the file again.
 *
 * What a parse depends on: the file's bytes, its path (which gives its id,
 * language and kind) and two settings of site.yaml (the language list and
 * allow_raw_html; loadcache_begin compares them and starts anew when they
 * differ). hhd serve learns which files changed from inotify (watch.h) and
 * calls loadcache_forget with the changed paths before each build; an
 * overflowing batch forgets everything. A file is reused until the watch
 * names it or a folder above it, so a change inotify cannot see (a network
 * file system) needs a restart of hhd serve; `hhd build` does not use this.
 *
 * Kept results are never handed to the model itself: validation fills a
 * page's and a tree's derived fields (URL, translations, answer targets) and
 * may rewrite some values (aliases). The model gets a copy whose derived
 * fields start empty, as a fresh parse leaves them; the strings, positions
 * and rendered Markdown are shared. Pages are parsed without the Markdown
 * cache (mdcache.h), whose results live only as long as one build.
 *
 * Threads: everything runs on the main thread except the parsing itself, which
 * writes only into the arenas loadcache_arena gave out. */
#ifndef HHD_LOADCACHE_H
#define HHD_LOADCACHE_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"
#include "model.h"

struct loadcache;
struct lc_entry;

struct loadcache *loadcache_new(void);
void loadcache_free(struct loadcache *lc);
/* Forget the files at each of `paths` or below it (a watch batch: files and
 * folders, as "content/nl/tips/a.md"); n == 0 forgets everything. */
void loadcache_forget(struct loadcache *lc, const char *const *paths, size_t n);

/* ---- for load.c ---- */

/* Start a build's load: frees what the last build dropped, and everything
 * when the parse settings in `s` differ from the last build's. */
void loadcache_begin(struct loadcache *lc, const struct site *s);
/* An arena for one load thread's parses in this build (owned by the cache). */
struct arena *loadcache_arena(struct loadcache *lc);
/* The kept result for `path`, or NULL; marks it used by this build. */
const struct lc_entry *loadcache_get(struct loadcache *lc, const char *path);
/* Keep a page or tree (one of them) parsed into a loadcache_arena from the
 * file `path` (a string in that arena), with the reports its parse made
 * (copied). Returns the entry, for loadcache_use. */
const struct lc_entry *loadcache_put(struct loadcache *lc, const char *path, struct page *p, struct tree *t,
		   const struct diags *reports);
/* Report e's diagnostics into `d` again and give a copy of its page or tree
 * in `a` (derived fields empty, link lists the caller's to free, as
 * model_free does). */
void loadcache_use(const struct lc_entry *e, struct arena *a, struct diags *d, struct page **p, struct tree **t);
/* End a build's load: forget the files this build did not list. */
void loadcache_sweep(struct loadcache *lc);

struct loadcache_stats {
	size_t reused, parsed;   /* by the last build */
};
void loadcache_stats(const struct loadcache *lc, struct loadcache_stats *s);

#endif
