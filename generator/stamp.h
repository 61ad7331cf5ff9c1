/* stamp.h: skip a build when nothing it reads has changed.
 *
 * The stamp is a hash over the generator's version, its options, and the
 * path, size, modification time and inode of every file under the content
 * and theme folders, and the hhd binary itself. A successful build writes it,
 * with the diagnostics it printed, beside the output (public.hhd-stamp for
 * public/, so it is never deployed); the next build with the same stamp
 * prints those diagnostics again and stops. Any change means a full build
 * (whose writer still keeps unchanged files as they were). The stamp is
 * removed before the output is swapped and written after, so a build that
 * dies between the two leaves no stamp, and the next build is a full one. */
#ifndef HHD_STAMP_H
#define HHD_STAMP_H

#include <stdint.h>
#include "buf.h"

#define STAMP_SUFFIX ".hhd-stamp"

/* <out>.hhd-stamp */
void stamp_path(const char *out, struct buf *path);

uint64_t stamp_compute(const char *content, const char *theme, const char *options);
/* When <out>.hhd-stamp holds `stamp`, append its stored diagnostics to
 * `diags` and return 1; otherwise 0. */
int stamp_matches(const char *out, uint64_t stamp, struct buf *diags);
/* The stamp file's bytes: a header line (the stamp and the inode of the
 * output folder just swapped in), then the diagnostics as printed. A stamp
 * only matches while that same folder is there: after `rm -rf public` the
 * next build is a full one. Returns -1 when `out` is not a folder. */
int stamp_format(const char *out, uint64_t stamp, const char *diags, size_t len, struct buf *file);

#endif
