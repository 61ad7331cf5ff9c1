/* write.h: the last stage: two trees, brought up to date and exchanged.
 *
 * Beside the output folder lives its spare, "<out>.hhd-spare": the tree the
 * build before last published. A build brings the spare up to date in place
 * and then exchanges it with the output in one atomic rename (renameat2
 * RENAME_EXCHANGE where the file system has it); the tree it replaces becomes
 * the next build's spare. Kernel work is therefore proportional to what
 * changed, not to the size of the site: no folder is created or removed
 * unless the site gained or lost it.
 *
 * Per file, writer_put():
 *   - the spare already holds these bytes (often the same inode as the
 *     output's file): nothing is written;
 *   - the output holds these bytes: the spare's entry becomes a hard link to
 *     the output's file, so it keeps its modification time (rsync sends only
 *     what changed) and the next comparison reads one file;
 *   - otherwise the bytes go to a new file that is renamed over the spare's
 *     entry.
 * A file is never written in place: the output may share its inode.
 * writer_keep() skips the bytes altogether: a page whose memo key (memo.h)
 * the last build recorded is kept as the output has it (docs/design.md,
 * "Render memo and the writer's journal").
 * writer_commit() removes what the spare holds that this build did not
 * write, syncs, exchanges, and writes the journal "<out>.hhd-cache/outputs". writer_abort() leaves the output exactly as it
 * was (the spare is a scratch tree; the next build checks every file of it
 * again, so a half-updated spare costs nothing but time). A lock file,
 * "<out>.hhd-lock", keeps two builds into the same output apart. Neither
 * the spare nor the lock is ever part of the site. Threads: writer_open,
 * writer_forget, writer_commit and writer_abort run on one thread at a
 * time; the rest as each says. */
#ifndef HHD_WRITE_H
#define HHD_WRITE_H

#include <stddef.h>
#include "cache.h"
#include "diag.h"

#define WRITE_SPARE_SUFFIX ".hhd-spare"
#define WRITE_LOCK_SUFFIX ".hhd-lock"
#define WRITE_JOURNAL_NAME "outputs" /* the journal, a cache file (cache.h) */

struct writer;

/* Start a build into `out`. Waits while another build into `out` runs.
 * Returns NULL after reporting a system error. The last build's journal is
 * read (and trusted when it names these two trees) but stays on disk until
 * the first writer_put, writer_keep or writer_commit changes the spare, so
 * a writer opened early and aborted before (the content had an error)
 * leaves the next build what it needs. */
struct writer *writer_open(const char *out, struct diags *d);
/* Trust no journal (hhd build --force: check every file of the output, as
 * if no build had been before). Before any put or keep. */
void writer_forget(struct writer *w);
/* Write `rel` (a path under the output, no leading '/'). Safe to call from
 * several threads at once; each rel at most once per build. 0 or -1
 * (reported). */
int writer_put(struct writer *w, const char *rel, const void *data, size_t len, struct diags *d);
/* The same, with the memo key the bytes were rendered from (memo.h), kept
 * in the journal for writer_keep. */
int writer_put_keyed(struct writer *w, const char *rel, const void *data, size_t len, struct cache_key key,
		     struct diags *d);
/* When the last build put `rel` from the same (nonzero) key and the
 * output still is the tree it wrote, keep the output's file: the spare
 * gets the same file (nothing to do when it has it already) and 1 is
 * returned; the caller neither renders nor puts it. Otherwise 0: render
 * and put it. Thread-safe like writer_put. */
int writer_keep(struct writer *w, const char *rel, struct cache_key key);
/* The key the last build put `rel` under (writer_put_keyed), when its
 * journal is trusted and it had one: 1 with *key; else 0. Thread-safe. */
int writer_last_key(const struct writer *w, const char *rel, struct cache_key *key);
/* The record the last build left with its journal (writer_set_inputs),
 * when the journal is trusted; else NULL. Valid until commit or abort. */
const void *writer_last_inputs(const struct writer *w, size_t *len);
/* What this build's journal keeps for the next build's writer_last_inputs
 * (the render stage's record of its inputs, render_deps.c); copied. */
void writer_set_inputs(struct writer *w, const void *data, size_t len);
/* Commit without syncing the files written: for a preview that is never
 * published and is rebuilt after a crash (hhd serve). */
void writer_nosync(struct writer *w);
int writer_commit(struct writer *w, struct diags *d);
void writer_abort(struct writer *w);
/* Files written, and of those, how many were unchanged (not rewritten). */
size_t writer_count(const struct writer *w, size_t *unchanged);
/* Of the unchanged, how many writer_keep kept (not rendered again). */
size_t writer_kept(const struct writer *w);

#endif
