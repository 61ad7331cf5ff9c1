/* fileio.h: whole-file reads and atomic writes. */
#ifndef HHD_FILEIO_H
#define HHD_FILEIO_H

#include <stddef.h>
#include "buf.h"

enum file_status {
	FILE_OK = 0,
	FILE_ERR_IO = -1,       /* errno says why */
	FILE_ERR_TOO_BIG = -2,  /* larger than the given limit */
};

/* Read a whole file into `out` (appended). Refuses files over `max` bytes. */
enum file_status file_read(const char *path, size_t max, struct buf *out);
/* Write `len` bytes to `path` through a temporary file beside it, fsync and
 * rename: readers see the old or the new contents, never a mix. 0 or -1 (errno). */
int file_write_atomic(const char *path, const void *data, size_t len);
/* The same for the `nparts` pieces parts[i] (lens[i] bytes each), one after
 * the other; without `sync` the file is not fsynced (a cache: lost in a
 * crash, it is rebuilt). 0 or -1 (errno). */
int file_replace(const char *path, const void *const parts[], const size_t lens[], size_t nparts, int sync);
/* Write `len` bytes to a new file (O_EXCL is not used; it is truncated). 0 or -1. */
int file_write(const char *path, const void *data, size_t len);
/* The same, with `path` relative to the folder open as `dirfd` (openat). */
int file_write_at(int dirfd, const char *path, const void *data, size_t len);
/* mkdir -p with mode 0755. 0 or -1. */
int dir_make(const char *path);
/* rm -rf, not following symbolic links. 0 or -1. */
int dir_remove(const char *path);
/* The names in folder `dir` that end in `suffix` (NULL: all), dot names
 * left out, sorted with strcmp: a NULL-terminated, malloc'd list, empty
 * when the folder cannot be read. Free it with dir_names_free. */
char **dir_names(const char *dir, const char *suffix);
/* Does dir_names(…, suffix) list an entry called `name`? (Not a dot name;
 * with a suffix, longer than it and ending in it.) */
int dir_name_listed(const char *name, const char *suffix);
void dir_names_free(char **names);

#endif
