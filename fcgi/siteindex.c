/* siteindex.c: load and query the site's pages (see siteindex.h).
 *
 * The manifest comes from our own generator, but hhd-fcgi still treats it
 * as input it must not trust blindly: lib/manifest's parser checks every
 * field for shape, so a broken build cannot make the counters accept odd
 * paths; this file adds the lookups and refuses duplicate paths. */
#include "siteindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"

void siteindex_init(struct siteindex *m)
{
	memset(m, 0, sizeof *m);
	arena_init(&m->arena);
}

void siteindex_free(struct siteindex *m)
{
	manifest_rows_free(&m->rows);
	free(m->nodes);
	arena_free(&m->arena);
	memset(m, 0, sizeof *m);
}

static int S_cmp_page(const void *a, const void *b)
{
	return strcmp(((const struct manifest_row *)a)->path, ((const struct manifest_row *)b)->path);
}

static int S_cmp_node(const void *a, const void *b)
{
	const struct manifest_row *x = *(const struct manifest_row *const *)a;
	const struct manifest_row *y = *(const struct manifest_row *const *)b;
	int c = strcmp(x->tree, y->tree);
	return c ? c : strcmp(x->node, y->node);
}

static int S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the tables and build the node index; refuse duplicate paths. */
static int S_index(struct siteindex *m, char *err, size_t errsz)
{
	struct manifest_rows *r = &m->rows;

	if (r->npages)
		qsort(r->pages, r->npages, sizeof *r->pages, S_cmp_page);
	for (size_t i = 1; i < r->npages; i++) {
		if (strcmp(r->pages[i - 1].path, r->pages[i].path) == 0) {
			snprintf(err, errsz, "duplicate path '%.200s'", r->pages[i].path);
			return -1;
		}
	}
	m->nodes = xcalloc(r->npages ? r->npages : 1, sizeof *m->nodes);
	for (size_t i = 0; i < r->npages; i++)
		if (r->pages[i].tree)
			m->nodes[m->nnodes++] = &r->pages[i];
	if (m->nnodes)
		qsort(m->nodes, m->nnodes, sizeof *m->nodes, S_cmp_node);
	if (r->npartners)
		qsort(r->partners, r->npartners, sizeof *r->partners, S_cmp_str);
	return 0;
}

int siteindex_parse(struct siteindex *m, const char *text, size_t len, char *err, size_t errsz)
{
	int rc = manifest_rows_parse(&m->rows, &m->arena, text, len, err, errsz);

	if (rc == 0)
		rc = S_index(m, err, errsz);
	if (rc) {
		siteindex_free(m);
		siteindex_init(m);
	}
	return rc;
}

int siteindex_load(struct siteindex *m, const char *path, char *err, size_t errsz)
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
	rc = siteindex_parse(m, b.ptr, b.len, err, errsz);
	buf_free(&b);
	return rc;
}

const struct manifest_row *siteindex_page(const struct siteindex *m, const char *path)
{
	struct manifest_row key = { .path = path };

	if (!path || !m->rows.npages)
		return NULL;
	return bsearch(&key, m->rows.pages, m->rows.npages, sizeof *m->rows.pages, S_cmp_page);
}

const struct manifest_row *siteindex_find_kind(const struct siteindex *m, const char *lang, enum layout kind)
{
	for (size_t i = 0; i < m->rows.npages; i++)
		if (m->rows.pages[i].kind == kind && strcmp(m->rows.pages[i].lang, lang) == 0)
			return &m->rows.pages[i];
	return NULL;
}

int siteindex_has_node(const struct siteindex *m, const char *tree, const char *node)
{
	struct manifest_row key = { .tree = tree, .node = node };
	const struct manifest_row *kp = &key;

	if (!m->nnodes)
		return 0;
	return bsearch(&kp, m->nodes, m->nnodes, sizeof *m->nodes, S_cmp_node) != NULL;
}

const struct manifest_plan *siteindex_plan(const struct siteindex *m, const char *lang, const char *tree,
	const char *node)
{
	const struct manifest_plan *other = NULL;

	if (!tree || !node)
		return NULL;
	for (size_t i = 0; i < m->rows.nplans; i++) {
		const struct manifest_plan *p = &m->rows.plans[i];
		if (strcmp(p->tree, tree) != 0 || strcmp(p->node, node) != 0)
			continue;
		if (lang && strcmp(p->lang, lang) == 0)
			return p;
		if (!other)
			other = p;
	}
	return other;
}

enum urgency siteindex_urgency(const struct siteindex *m, const char *lang, const char *tree, const char *node)
{
	const struct manifest_plan *p = siteindex_plan(m, lang, tree, node);

	return p ? p->urgency : URG_NONE;
}

const char *siteindex_plan_path(const struct siteindex *m, const struct manifest_plan *p)
{
	for (size_t i = 0; i < m->rows.npages; i++) {
		const struct manifest_row *r = &m->rows.pages[i];
		if (r->kind == LAYOUT_OUTCOME && strcmp(r->lang, p->lang) == 0 && strcmp(r->tree, p->tree) == 0
		    && strcmp(r->node, p->node) == 0)
			return r->path;
	}
	return NULL;
}

int siteindex_has_partner(const struct siteindex *m, const char *code)
{
	if (!m->rows.npartners)
		return 0;
	return bsearch(&code, m->rows.partners, m->rows.npartners, sizeof *m->rows.partners, S_cmp_str) != NULL;
}
