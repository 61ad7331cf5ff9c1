/* mdcache.h: md_render()'s results kept between builds, in the cache files
 * "<out>.hhd-cache/markdown" (the index, a cache file of cache.h) and
 * "markdown.blob" (the values, mapped; see mdcache.c).
 *
 * An entry's key is a 128-bit XXH3 hash of everything md_render's result
 * depends on: the text, its length, the flags, the position the text starts
 * at (diagnostics and links carry absolute positions) and which of links,
 * words and diagnostics the caller asked for. Its value is what md_render
 * gave: the HTML, the links it appended, the word count and each diagnostic
 * it reported, replayed on a hit in the same order, so a build prints and
 * writes the same bytes with and without the cache. The whole file is also
 * tied to the renderer: hhd's version, this format, cmark-gfm's version and
 * the hhd executable itself (a rebuilt hhd starts with an empty cache).
 *
 * Threads: mdcache_open() and mdcache_fork() run on the main thread before
 * the load threads start; each thread then renders through its own handle
 * (the table read from disk is only read, so lookups take no lock) and
 * mdcache_save() runs after they ended. */
#ifndef HHD_MDCACHE_H
#define HHD_MDCACHE_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"
#include "model.h"

#define MDCACHE_NAME "markdown" /* the cache file's name in <out>.hhd-cache/ */
#define MDCACHE_FORMAT 1        /* bump when an entry's layout or md_render's output changes */

struct mdcache;
struct mdcache_thread;

/* Read the cache of the output `out` (a missing, foreign or damaged file
 * gives an empty one; so does `trust` 0, for hhd build --force, whose
 * results then replace it). Returns the main thread's handle. */
struct mdcache_thread *mdcache_open(const char *out, int trust);
/* Another handle on t's cache, for another thread (NULL for NULL). */
struct mdcache_thread *mdcache_fork(struct mdcache_thread *t);
/* md_render() (markdown.h) through the cache: a hit replays the stored
 * result (its HTML and link URLs point into the cache, which must outlive
 * them), a miss renders and keeps the result for mdcache_save(): its HTML
 * by reference, so `a` must keep it until then. With t NULL, md_render()
 * itself. */
const char *mdcache_render(struct mdcache_thread *t, struct arena *a, const char *text, size_t len,
			   struct pos at, int flags, struct links *links, int *words, struct diags *d);

struct mdcache_stats {
	size_t entries;         /* in the file read */
	size_t hits, misses;    /* lookups so far */
	size_t unused;          /* entries read but not used */
	size_t bytes;           /* payload read */
	double read_ms, save_ms;
};
void mdcache_stats(struct mdcache_thread *t, struct mdcache_stats *s);

/* The key of t's last mdcache_render or mdcache_replay (zero before any). */
struct cache_key mdcache_last_key(const struct mdcache_thread *t);
/* An identity of the HTML that the entry `key` renders to: the same 16
 * bytes for the same text, flags and renderer (hhd and cmark-gfm), so the
 * render memo (memo.h) may hash it instead of the HTML itself (a tip list
 * holds 5,000 bodies). */
struct cache_key mdcache_html_id(const struct mdcache_thread *t, struct cache_key key);

/* ---- for the parse cache (pcache.h) ---- */

/* One mdcache_render call of a thread, logged while its log is on: the
 * HTML it returned and the key it was looked up by; `kept` is 0 when the
 * result will not be in the saved cache (a position in another file), so
 * the key cannot be replayed by the next build. */
struct mdcache_call {
	const char *html;
	struct cache_key key;
	int kept;
};
/* Empty t's log and keep logging its calls from now on (t not NULL). */
void mdcache_log_reset(struct mdcache_thread *t);
/* The calls logged since mdcache_log_reset, in order. */
const struct mdcache_call *mdcache_log(const struct mdcache_thread *t, size_t *n);
/* Replay the entry of `key` as mdcache_render would on a hit (the same
 * links, words and diagnostics, with positions in at.path): its HTML, or
 * NULL when the cache does not hold it (nothing is appended then). */
const char *mdcache_replay(struct mdcache_thread *t, struct cache_key key, struct pos at, struct links *links,
			   int *words, struct diags *d);
/* Renew the cache so it holds exactly the entries used since mdcache_open
 * (call after the threads ended, while the arenas the misses were rendered
 * into still hold them): the index names only those, the values'
 * file grows by the misses until its unused part would outweigh the rest,
 * and is then written anew. Returns 1 when written, 0 when nothing changed
 * (no miss, no unused entry: the files are left alone), -1 when they could
 * not be written (errno; only the next build's time is lost). */
int mdcache_save(struct mdcache_thread *t);
/* Free the cache and every handle (after the model that points into it). */
void mdcache_free(struct mdcache_thread *t);

#endif
