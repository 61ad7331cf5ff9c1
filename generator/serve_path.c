/* serve_path.c: request path to an open file of the built site, refusing everything outside it. */
#include "serve_path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "manifest.h"   /* MANIFEST_NAME: the one file of the built site not for visitors */


static int S_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Check one finished segment of `clean`, from `start` to its end. */
static enum serve_path_status S_segment(const struct buf *clean, size_t start, int depth)
{
	const char *s = clean->ptr + start;
	size_t n = clean->len - start;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return SERVE_PATH_BAD;
	if (depth > SERVE_PATH_MAX_SEGMENTS)
		return SERVE_PATH_BAD;
	if (s[0] == '.')
		return SERVE_PATH_HIDDEN;
	if (depth == 1 && n == strlen(MANIFEST_NAME) && memcmp(s, MANIFEST_NAME, n) == 0)
		return SERVE_PATH_HIDDEN;
	return SERVE_PATH_OK;
}

enum serve_path_status serve_path_parse(const char *raw, size_t len, struct buf *clean, int *dir)
{
	buf_reset(clean);
	*dir = 0;
	if (len == 0 || raw[0] != '/')
		return SERVE_PATH_BAD;
	enum serve_path_status worst = SERVE_PATH_OK;
	size_t seg = 0;     /* where the current segment starts in `clean` */
	int depth = 0, in_seg = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || raw[i] == '/') {
			if (in_seg) {
				enum serve_path_status st = S_segment(clean, seg, ++depth);
				if (st == SERVE_PATH_BAD)
					return st;
				if (st < worst)
					worst = st;
			}
			in_seg = 0;
			if (i < len)
				*dir = 1;
			continue;
		}
		*dir = 0;
		int c = (unsigned char)raw[i];
		if (c == '%') {
			int hi = i + 2 < len ? S_hex(raw[i + 1]) : -1, lo = hi >= 0 ? S_hex(raw[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return SERVE_PATH_BAD;
			c = hi << 4 | lo;
			i += 2;
			if (c == '/')
				return SERVE_PATH_BAD; /* an encoded slash would hide a segment boundary */
		}
		if (c < 0x20 || c == 0x7f)
			return SERVE_PATH_BAD; /* NUL and control characters, raw or encoded */
		if (!in_seg) {
			if (clean->len)
				buf_addch(clean, '/');
			seg = clean->len;
			in_seg = 1;
		}
		buf_addch(clean, c);
		if (clean->len > SERVE_PATH_MAX)
			return SERVE_PATH_BAD;
	}
	if (!clean->len)
		*dir = 1; /* the root */
	return worst;
}

enum serve_open_status serve_path_open(const char *root, const char *clean, int dir, int *fd, struct stat *st,
				       const char **name)
{
	*fd = -1;
	int cur = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* the root itself may be a link */
	if (cur < 0)
		return errno == ENOENT ? SERVE_OPEN_MISSING : SERVE_OPEN_ERROR; /* no good build yet */
	const char *p = clean;
	*name = "index.html";
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char segment[SERVE_PATH_MAX + 1];
		memcpy(segment, p, n);
		segment[n] = '\0';
		int next = openat(cur, segment, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		int e = errno;
		close(cur);
		if (next < 0) {
			if (e == ELOOP)
				return SERVE_OPEN_SYMLINK;
			errno = e;
			return e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG ? SERVE_OPEN_MISSING : SERVE_OPEN_ERROR;
		}
		cur = next;
		*name = p;
		p += n;
		if (*p == '/')
			p++;
		if (fstat(cur, st) != 0) {
			close(cur);
			return SERVE_OPEN_ERROR;
		}
		if (*p && !S_ISDIR(st->st_mode)) {
			close(cur);
			return SERVE_OPEN_MISSING;
		}
	}
	if (fstat(cur, st) != 0) {
		close(cur);
		return SERVE_OPEN_ERROR;
	}
	if (S_ISDIR(st->st_mode)) {
		if (!dir) {
			close(cur);
			return SERVE_OPEN_REDIRECT;
		}
		int index = openat(cur, "index.html", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		int e = errno;
		close(cur);
		if (index < 0)
			return e == ELOOP ? SERVE_OPEN_SYMLINK : SERVE_OPEN_MISSING;
		cur = index;
		*name = "index.html";
		if (fstat(cur, st) != 0) {
			close(cur);
			return SERVE_OPEN_ERROR;
		}
	} else if (dir) {
		close(cur);
		return SERVE_OPEN_MISSING; /* "/page.html/" names no folder */
	}
	if (!S_ISREG(st->st_mode)) {
		close(cur);
		return SERVE_OPEN_MISSING;
	}
	*fd = cur;
	return SERVE_OPEN_OK;
}

/* Content types by extension, as nginx's mime.types gives them. */
static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "webmanifest", "application/manifest+json" },
	{ "xml", "application/xml; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "tsv", "text/tab-separated-values; charset=utf-8" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/x-icon" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "pdf", "application/pdf" },
	{ "map", "application/json" },
};

const char *serve_mime(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof mime_types / sizeof *mime_types; i++)
			if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
				return mime_types[i].type;
	return "application/octet-stream";
}

int serve_mime_is_html(const char *type)
{
	return strncmp(type, "text/html", 9) == 0;
}
