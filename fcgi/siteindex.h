/* siteindex.h: the site's pages as hhd-fcgi looks them up.
 *
 * `hhd build` writes the site manifest (lib/manifest.h: the format, its
 * writer and parser). hhd-fcgi reads it into this index: pages sorted by
 * path, decision-tree nodes sorted by (tree, node), partner codes sorted,
 * duplicate paths refused. hhd-fcgi counts only hits on these paths and
 * accepts only incident/node pairs found here. */
#ifndef HHD_SITEINDEX_H
#define HHD_SITEINDEX_H

#include <stddef.h>

#include "arena.h"
#include "manifest.h"

/* All strings live in the index's own arena, which lives as long as the
 * index (across requests; replaced whole when the file changes). A page's
 * tree and node are NULL unless layout_has_node(kind). */
struct siteindex {
	struct arena arena;
	struct manifest_rows rows;          /* rows.pages sorted by path; rows.partners sorted */
	const struct manifest_row **nodes;  /* pages with a tree, sorted by (tree, node) */
	size_t nnodes;
};

void siteindex_init(struct siteindex *m);   /* an empty index: nothing exists */
void siteindex_free(struct siteindex *m);
/* Parse manifest text[0..len) into m (which must be freshly initialised). On
 * error returns -1 with "line N: why" (or "why") in err, and m is left empty. */
int siteindex_parse(struct siteindex *m, const char *text, size_t len, char *err, size_t errsz);
/* Read (at most MANIFEST_MAX_BYTES) and parse a file; on error returns -1
 * with a message in err. */
int siteindex_load(struct siteindex *m, const char *path, char *err, size_t errsz);

const struct manifest_row *siteindex_page(const struct siteindex *m, const char *path);
/* The first page (in path order) of `kind` in `lang`, e.g. LAYOUT_THANKS. */
const struct manifest_row *siteindex_find_kind(const struct siteindex *m, const char *lang, enum layout kind);
int siteindex_has_node(const struct siteindex *m, const char *tree, const char *node);
int siteindex_has_partner(const struct siteindex *m, const char *code);
/* The outcome (tree, node) in `lang`, or in another language when `lang`
 * has none of that name; NULL when it is no outcome (a question, or not in
 * the manifest). A linear walk: called once per stored submission. */
const struct manifest_plan *siteindex_plan(const struct siteindex *m, const char *lang, const char *tree,
	const char *node);
/* The urgency a submission from (tree, node) gets: its outcome's, or
 * URG_NONE (no tree, a question, an unknown pair). Never what was posted. */
enum urgency siteindex_urgency(const struct siteindex *m, const char *lang, const char *tree, const char *node);
/* The path of a plan's page (the P record of its outcome), or NULL. */
const char *siteindex_plan_path(const struct siteindex *m, const struct manifest_plan *p);

#endif
