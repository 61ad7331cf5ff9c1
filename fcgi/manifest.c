/* manifest.c: load and query the site manifest (see manifest.h).
 *
 * The file comes from our own generator, but hhd-fcgi still treats it as
 * input it must not trust blindly: each field is checked for shape, so a
 * broken build cannot make the counters accept odd paths. */
#include "manifest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "utf8.h"
#include "xalloc.h"

#define HEADER "# hhd-manifest 1"

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof *m);
	arena_init(&m->arena);
}

void manifest_free(struct manifest *m)
{
	free(m->pages);
	free(m->nodes);
	free(m->partners);
	arena_free(&m->arena);
	memset(m, 0, sizeof *m);
}

static int S_fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int S_fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, errsz, "line %u: ", line) : 0;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errsz)
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A path as the generator writes it: "/", "/seg/.../seg/" or "/seg/name.html", segments of
 * printable non-space characters, no "." or ".." segments, no '?' or '#'. */
static int S_path_ok(const char *p)
{
	size_t i, n = strlen(p), seg = 0;

	/* a folder ("/nl/tips/x/") or an HTML file ("/nl/404.html") */
	int dir = n > 0 && p[n - 1] == '/';
	int html = n > 6 && strcmp(p + n - 5, ".html") == 0;
	if (n == 0 || p[0] != '/' || !(dir || html) || !utf8_valid(p, n, NULL))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '\\')
			return 0;
		if (c == '/') {
			if (seg == 0)
				return 0;  /* "//" */
			if ((seg == 1 && p[i - 1] == '.') || (seg == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				return 0;
			seg = 0;
		} else {
			seg++;
		}
	}
	return 1;
}

/* [a-z0-9] first, then [a-z0-9_-]; max bytes. Used for languages, kinds,
 * tree and node ids. */
static int S_id_ok(const char *s, size_t max)
{
	size_t i;

	if (!*s || strlen(s) > max)
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'))))
			return 0;
	}
	return 1;
}

/* Partner codes: letters, digits, '-' and '_', case kept, at most 64. */
static int S_code_ok(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > 64)
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int S_cmp_page(const void *a, const void *b)
{
	return strcmp(((const struct man_page *)a)->path, ((const struct man_page *)b)->path);
}

static int S_cmp_node(const void *a, const void *b)
{
	const struct man_page *x = *(struct man_page *const *)a, *y = *(struct man_page *const *)b;
	int c = strcmp(x->tree, y->tree);
	return c ? c : strcmp(x->node, y->node);
}

static int S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Split line[0..n) at TABs into at most `max` fields copied into the arena.
 * Returns the field count, or -1 when a field is too long. */
static int S_split(struct arena *a, const char *line, size_t n, char **f, int max)
{
	int k = 0;
	const char *p = line, *end = line + n;

	while (k < max) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		const char *e = t ? t : end;
		if ((size_t)(e - p) > MANIFEST_MAX_FIELD)
			return -1;
		f[k++] = arena_strndup(a, p, (size_t)(e - p));
		if (!t)
			return k;
		p = t + 1;
	}
	return k + 1;  /* more fields than allowed */
}

/* Check one P record f[1..5] and append it. Returns 0, or -1 with err set. */
static int S_add_page(struct manifest *m, size_t *cap, char **f, unsigned line, char *err, size_t errsz)
{
	struct man_page pg = { f[1], f[2], f[3], f[4], f[5] };
	int tree = strcmp(pg.kind, "question") == 0 || strcmp(pg.kind, "outcome") == 0;

	if (!S_path_ok(pg.path))
		return S_fail(err, errsz, line, "malformed path");
	if (!S_id_ok(pg.lang, 16) || !S_id_ok(pg.kind, 32))
		return S_fail(err, errsz, line, "malformed language or kind");
	if (tree && (!S_id_ok(pg.tree, 64) || !S_id_ok(pg.node, 64)))
		return S_fail(err, errsz, line, "malformed tree or node id");
	if (!tree) {
		if (strcmp(pg.tree, "-") != 0 || strcmp(pg.node, "-") != 0)
			return S_fail(err, errsz, line, "tree and node must be '-' for this kind");
		pg.tree = pg.node = "";
	}
	m->pages = xgrow(m->pages, cap, m->npages + 1, sizeof *m->pages);
	m->pages[m->npages++] = pg;
	return 0;
}

/* Sort the tables and build the node index; refuse duplicate paths. */
static int S_index(struct manifest *m, char *err, size_t errsz)
{
	size_t i;

	if (m->npages)
		qsort(m->pages, m->npages, sizeof *m->pages, S_cmp_page);
	for (i = 1; i < m->npages; i++)
		if (strcmp(m->pages[i - 1].path, m->pages[i].path) == 0)
			return S_fail(err, errsz, 0, "duplicate path '%.200s'", m->pages[i].path);
	m->nodes = xcalloc(m->npages ? m->npages : 1, sizeof *m->nodes);
	for (i = 0; i < m->npages; i++)
		if (*m->pages[i].tree)
			m->nodes[m->nnodes++] = &m->pages[i];
	if (m->nnodes)
		qsort(m->nodes, m->nnodes, sizeof *m->nodes, S_cmp_node);
	if (m->npartners)
		qsort(m->partners, m->npartners, sizeof *m->partners, S_cmp_str);
	return 0;
}

int manifest_parse(struct manifest *m, const char *text, size_t len, char *err, size_t errsz)
{
	const char *p = text, *end = text + len;
	size_t cap_pages = 0, cap_partners = 0;
	unsigned line = 0;
	int rc = 0;

	if (memchr(text, '\0', len) || !utf8_valid(text, len, NULL)) {
		rc = S_fail(err, errsz, 0, "not valid UTF-8 text");
		goto out;
	}
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *f[7];
		int k;

		line++;
		if (line == 1) {
			if (n != strlen(HEADER) || memcmp(p, HEADER, n) != 0)
				rc = S_fail(err, errsz, 1, "first line must be '%s'", HEADER);
		} else if (n == 0 || p[0] == '#') {
			/* blank or comment */
		} else if (memchr(p, '\r', n)) {
			rc = S_fail(err, errsz, line, "CR in line (LF line ends only)");
		} else if ((k = S_split(&m->arena, p, n, f, 7)) < 0) {
			rc = S_fail(err, errsz, line, "field longer than %d bytes", MANIFEST_MAX_FIELD);
		} else if (strcmp(f[0], "P") == 0) {
			rc = k == 6 ? S_add_page(m, &cap_pages, f, line, err, errsz)
				: S_fail(err, errsz, line, "a P record has 6 fields, not %d", k);
		} else if (strcmp(f[0], "R") == 0) {
			if (k != 2 || !S_code_ok(f[1])) {
				rc = S_fail(err, errsz, line, "malformed R record");
			} else {
				m->partners = xgrow(m->partners, &cap_partners, m->npartners + 1, sizeof *m->partners);
				m->partners[m->npartners++] = f[1];
			}
		} /* other records come from a newer generator: skipped */
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && line == 0)
		rc = S_fail(err, errsz, 1, "first line must be '%s'", HEADER);
	if (rc == 0)
		rc = S_index(m, err, errsz);
out:
	if (rc) {
		manifest_free(m);
		manifest_init(m);
	}
	return rc;
}

int manifest_load(struct manifest *m, const char *path, char *err, size_t errsz)
{
	struct buf b = BUF_INIT;
	enum file_status st = file_read(path, MANIFEST_MAX_BYTES, &b);
	int rc;

	if (st == FILE_ERR_IO) {
		snprintf(err, errsz, "cannot read '%s': %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (st == FILE_ERR_TOO_BIG) {
		snprintf(err, errsz, "'%s' is larger than %u bytes", path, MANIFEST_MAX_BYTES);
		buf_free(&b);
		return -1;
	}
	rc = manifest_parse(m, b.ptr, b.len, err, errsz);
	buf_free(&b);
	return rc;
}

const struct man_page *manifest_page(const struct manifest *m, const char *path)
{
	struct man_page key = { .path = path };

	if (!path || !m->npages)
		return NULL;
	return bsearch(&key, m->pages, m->npages, sizeof *m->pages, S_cmp_page);
}

const struct man_page *manifest_find_kind(const struct manifest *m, const char *lang, const char *kind)
{
	size_t i;

	for (i = 0; i < m->npages; i++)
		if (strcmp(m->pages[i].kind, kind) == 0 && strcmp(m->pages[i].lang, lang) == 0)
			return &m->pages[i];
	return NULL;
}

int manifest_has_node(const struct manifest *m, const char *tree, const char *node)
{
	struct man_page key = { .tree = tree, .node = node }, *kp = &key;

	if (!m->nnodes)
		return 0;
	return bsearch(&kp, m->nodes, m->nnodes, sizeof *m->nodes, S_cmp_node) != NULL;
}

int manifest_has_partner(const struct manifest *m, const char *code)
{
	if (!m->npartners)
		return 0;
	return bsearch(&code, m->partners, m->npartners, sizeof *m->partners, S_cmp_str) != NULL;
}
