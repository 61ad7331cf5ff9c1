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

struct stat;
struct stamp_files;

/* The stamp, walking the folders on up to `threads` threads; with `files`
 * not NULL, *files gets the stat data the walk took of each regular file
 * under `content` (stamp_stat), which the load stage uses instead of
 * stat'ing every file again (pcache.h). */
uint64_t stamp_compute(const char *content, const char *theme, const char *options, int threads,
		       struct stamp_files **files);
/* The stat data of the file at `path` (as the walk spelt it: content
 * folder, '/', the names below it), or NULL when the walk did not see a
 * regular file there (f may be NULL). */
const struct stat *stamp_stat(const struct stamp_files *f, const char *path);
void stamp_files_free(struct stamp_files *f);
/* When <out>.hhd-stamp holds `stamp`, append its stored diagnostics to
 * `diags` and return 1; otherwise 0. */
int stamp_matches(const char *out, uint64_t stamp, struct buf *diags);
/* The stamp file's bytes: a header line (the stamp and the inode of the
 * output folder just swapped in), then the diagnostics as printed. A stamp
 * only matches while that same folder is there: after `rm -rf public` the
 * next build is a full one. Returns -1 when `out` is not a folder. */
int stamp_format(const char *out, uint64_t stamp, const char *diags, size_t len, struct buf *file);

#endif
