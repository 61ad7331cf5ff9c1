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
 * not NULL, *files gets what the walk saw under `content`: each entry with
 * its stat data (stamp_stat, stamp_list), which the load stage uses instead
 * of listing and stat'ing every folder and file again (pcache.h). */
uint64_t stamp_compute(const char *content, const char *theme, const char *options, int threads,
		       struct stamp_files **files);
/* The stat data of the entry at `path` (as the walk spelt it: content
 * folder, '/', the names below it), or NULL when the walk did not see it
 * or could not stat it (f may be NULL). */
const struct stat *stamp_stat(const struct stamp_files *f, const char *path);
/* An entry of a folder the walk read: its name, and its stat data (NULL
 * when stat failed: a dangling link). */
struct stamp_entry {
	const char *name;
	const struct stat *st;
};
/* The entries of the content folder `dir` (spelt as above) whose names end
 * in `suffix` (NULL: all), as dir_names (fileio.h) lists them: dot names
 * left out, sorted with strcmp, folders and dangling links included. A
 * malloc'd array of *n entries that live as long as f (NULL when empty);
 * the load stage lists its folders so rather than reading them and
 * stat'ing their files again. */
struct stamp_entry *stamp_list(const struct stamp_files *f, const char *dir, const char *suffix, size_t *n);
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
