/* load.h: read content/ into a model (the first stage of a build). */
#ifndef HHD_LOAD_H
#define HHD_LOAD_H

#include "buf.h"
#include "model.h"

/* Load site.yaml, orgs.yaml and every language folder under `dir`.
 * Reports every problem; returns 0, -1 when site.yaml itself is unusable
 * (nothing else can be checked without it), or -2 when it cannot be read at
 * all (a system error: no such folder, no permission). */
int load_content(struct model *m, const char *dir, struct diags *d);
/* Read a content file whole, checking the size limit and UTF-8; reports
 * problems against `path`. Returns 0 or -1. */
int load_file(const char *path, struct buf *out, struct diags *d);
/* The text check of load_file on bytes already in memory: no NUL byte and
 * valid UTF-8, reported at the first bad byte's line and column. 0 or -1. */
int load_check_text(const char *path, const char *src, size_t len, struct diags *d);

#endif
