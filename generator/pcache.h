/* pcache.h: `hhd build`'s parsed content files, kept between builds in the
 * cache file "<out>.hhd-cache/parse" (a cache file of cache.h).
 *
 * A new process that rebuilds a 10,000-page site after one saved file would
 * otherwise open, read and parse all 10,000 files again, which is most of
 * what that build costs. So the load stage (load.c) keeps each page and
 * tree it parsed here, and the next build takes a file from here instead
 * of reading it while the file's stat data (device, inode, size, and the
 * modification and change times in nanoseconds) are those it had then.
 * hhd serve keeps its parses in memory instead (loadcache.h).
 *
 * An entry holds the page's or tree's load-time fields (the model's fields
 * not marked "derived"), with positions as line and column in its own
 * file, and the XXH3 of the file's bytes (page.src). Markdown fields are
 * kept by their key in the Markdown cache (mdcache.h) and replayed from
 * it, so the HTML, links and word counts are kept once, and a replay that
 * the Markdown cache cannot serve means the file is parsed again. The
 * entries of files changed since the full file was written go into a small
 * second file (PCACHE_DELTA_SHARE), so one edit does not rewrite 6 MB.
 *
 * What is kept, and when it is trusted:
 *  - Only parses that reported nothing (no error, no warning): a file with
 *    a diagnostic is parsed again by every build, so its messages are
 *    printed as a parse prints them, in order.
 *  - The whole file is tied to hhd (its version, this format and the
 *    executable itself) and to what a parse depends on besides the file:
 *    the language list and allow_raw_html of site.yaml (a change of
 *    either starts anew).
 *  - Stat data taken before the file is read, so a file written while it
 *    was read has other stat data next time.
 *  - "Racy" entries: a file modified less than PCACHE_RACY_NS before the
 *    build that stat'ed it started may be written again within the same
 *    clock tick of the file system, keeping its stat data. Such an entry
 *    is trusted only after the file was read again and its XXH3 matched
 *    (as git treats racily clean index entries).
 *  - `hhd build --force` neither reads nor trusts the file; it writes it
 *    anew.
 *
 * Threads: pcache_open, pcache_begin, pcache_fork, pcache_save_start,
 * pcache_save and pcache_free run on the main thread; each load thread
 * works through its own handle (the file read is only read, so lookups take
 * no lock); the saver only reads what the load left, which nothing changes
 * until pcache_save joins it. */
#ifndef HHD_PCACHE_H
#define HHD_PCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "model.h"

#define PCACHE_NAME "parse"  /* the cache file's name in <out>.hhd-cache/ */
#define PCACHE_FORMAT 1      /* bump when an entry's layout or a parse's result changes */
/* A file modified less than this before the build started is checked by
 * its bytes, not by its stat data (2 s: FAT's timestamp granularity, and
 * well above the kernel's file-time tick). */
#define PCACHE_RACY_NS 2000000000LL
/* A build that changed few entries writes only those, into "parse-new"
 * (the delta, looked up first), and leaves the full file "parse" as it
 * is: at most the larger of PCACHE_DELTA_MIN and one in PCACHE_DELTA_SHARE
 * of its entries, with no more entries of it unused. Past that, "parse" is
 * written anew with everything and the delta removed. */
#define PCACHE_DELTA_MIN 64
#define PCACHE_DELTA_SHARE 16

struct pcache;
struct pcache_thread;
struct mdcache_thread;

/* The parse cache of the output `out` (`trust` 0: start with an empty
 * one, as hhd build --force) for a build that started at `started` (ns
 * since the epoch, pcache_clock(), taken before any file's stat data).
 * Returns the main thread's handle. */
struct pcache_thread *pcache_open(const char *out, int trust, int64_t started);
/* The wall clock in ns since the epoch. */
int64_t pcache_clock(void);
/* Read it for a site with the settings of `s` (load.c, once site.yaml is
 * loaded; a missing, foreign or damaged file gives an empty cache). */
void pcache_begin(struct pcache_thread *t, const struct site *s);
/* Another handle on t's cache, for a load thread (NULL for NULL). */
struct pcache_thread *pcache_fork(struct pcache_thread *t);

/* The file a load thread is about to read. */
struct pcache_file {
	const char *path, *id;       /* strings in the model's arena */
	int lang;
	enum page_kind kind;
	int is_tree;
	struct stat st;              /* taken before the file is read */
	int have_st;                 /* st is valid */
};

/* The kept parse of f when f's stat data match and its Markdown can be
 * replayed through md: the page or tree is built in `a` (its Markdown's
 * links and diagnostics as a parse makes them), returns 1. Returns 0 when
 * the file must be parsed; `src`, when the file had to be read to check a
 * racy entry, holds its bytes then (else it is left empty). */
int pcache_get(struct pcache_thread *t, const struct pcache_file *f, struct mdcache_thread *md, struct arena *a,
	       struct buf *src, struct page **p, struct tree **tr);
/* Keep the page or tree just parsed from f (one of them), when the parse
 * reported nothing (`reported` 0) and every Markdown field came through
 * md's log (mdcache_log_reset before the parse). */
void pcache_put(struct pcache_thread *t, const struct pcache_file *f, struct mdcache_thread *md, int reported,
		const struct page *p, const struct tree *tr);

struct pcache_stats {
	size_t entries;              /* in the files read */
	size_t delta;                /* of those, in "parse-new" */
	size_t hits, racy, misses;   /* racy: hits checked by the file's bytes */
	double read_ms, save_ms;
	size_t bytes;                /* of the file read */
};
void pcache_stats(struct pcache_thread *t, struct pcache_stats *s);
/* Renew the file so it holds exactly the entries this build used and put
 * (after the load threads ended; the model's paths must stay as they are
 * until then). 1 written, 0 nothing to change, -1 not written (only the
 * next build's time is lost). */
int pcache_save(struct pcache_thread *t);
/* Start pcache_save on a thread of its own, which pcache_save then joins:
 * the file is written while validation runs on the main thread and the
 * second core is idle (a failure to start one leaves the work to it). */
void pcache_save_start(struct pcache_thread *t);
/* Free the cache and its handles (after the model that points into it;
 * joins a saver still running). */
void pcache_free(struct pcache_thread *t);

#endif
