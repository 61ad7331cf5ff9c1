/* serve_path.h: from a request path to an open file of the built site,
 * refusing everything outside it.
 *
 * The raw request path (as the client sent it, before any decoding) is
 * percent-decoded here, once, with these rules:
 *   - a bad escape, NUL, a control character, or an encoded '/' ("%2f"):
 *     SERVE_PATH_BAD (400);
 *   - a "." or ".." segment, encoded or not: SERVE_PATH_BAD (no resolving:
 *     browsers send clean paths, only hand-made requests carry dots);
 *   - a segment starting with '.' (dot files) or the site manifest:
 *     SERVE_PATH_HIDDEN (404, as nginx answers them in deploy/nginx/hhd.conf).
 * Files are then opened one segment at a time below the root with
 * openat(O_NOFOLLOW): a symbolic link anywhere below the root is refused
 * (the generator writes none; so none can lead out). */
#ifndef HHD_SERVE_PATH_H
#define HHD_SERVE_PATH_H

#include <stddef.h>
#include <sys/stat.h>
#include "buf.h"

#define SERVE_PATH_MAX 2048        /* bytes of a decoded path */
#define SERVE_PATH_MAX_SEGMENTS 32 /* folders deep */

enum serve_path_status {
	SERVE_PATH_OK = 0,
	SERVE_PATH_BAD = -1,
	SERVE_PATH_HIDDEN = -2,
};

/* Decode `raw` (up to `len` bytes, starting with '/', without the query)
 * into `clean`: segments joined by '/', no leading or trailing slash (the
 * root is ""). `*dir` is set when the path ends in '/'. */
enum serve_path_status serve_path_parse(const char *raw, size_t len, struct buf *clean, int *dir);

enum serve_open_status {
	SERVE_OPEN_OK = 0,
	SERVE_OPEN_MISSING = -1,   /* 404 (also when `root` does not exist) */
	SERVE_OPEN_SYMLINK = -2,   /* 403: a symbolic link on the way */
	SERVE_OPEN_REDIRECT = -3,  /* a folder asked for without its trailing '/' */
	SERVE_OPEN_ERROR = -4,     /* 500; errno says why */
};

/* Open `clean` (from serve_path_parse) below folder `root`; for a folder,
 * its index.html. On SERVE_OPEN_OK, `*fd` is the open regular file (the
 * caller closes it), `*st` its stat and `*name` the last segment actually
 * opened (borrowed from `clean`, or "index.html"), for serve_mime(). */
enum serve_open_status serve_path_open(const char *root, const char *clean, int dir, int *fd, struct stat *st,
				       const char **name);

/* The Content-Type for a file name, by its extension; text types carry
 * charset=utf-8; unknown: application/octet-stream. */
const char *serve_mime(const char *name);
/* Whether that type is HTML (the pages the preview injects into). */
int serve_mime_is_html(const char *type);

#endif
