/* write.h: the last stage: a staging tree swapped in by rename.
 *
 * The site is written into a fresh folder beside the output ("<out>.new-PID").
 * A file whose bytes equal the file at the same path in the current output
 * is hard-linked instead of written, so it keeps its modification time (rsync
 * sends only what changed). writer_commit() swaps the staging folder in with
 * one atomic rename (renameat2 RENAME_EXCHANGE where the file system has it)
 * and removes the old tree; writer_abort() removes the staging folder and
 * leaves the output exactly as it was. */
#ifndef HHD_WRITE_H
#define HHD_WRITE_H

#include <stddef.h>
#include "diag.h"

struct writer;

/* Start a build into `out`. Returns NULL after reporting a system error. */
struct writer *writer_open(const char *out, struct diags *d);
/* Write `rel` (a path under the output, no leading '/'). Safe to call from
 * several threads at once. Returns 0 or -1 (reported). */
int writer_put(struct writer *w, const char *rel, const void *data, size_t len, struct diags *d);
int writer_commit(struct writer *w, struct diags *d);
void writer_abort(struct writer *w);
/* Files written, and of those, how many were unchanged (linked). */
size_t writer_count(const struct writer *w, size_t *unchanged);

#endif
