/* manifest.h: the site's path manifest, written by `hhd build`.
 *
 * <site>/hhd-manifest.tsv says which pages exist, in which language and of
 * which kind, and which partner codes may appear in `via=`. hhd-fcgi counts
 * only hits on these paths and accepts only incident/node pairs found here.
 * Format (UTF-8, LF lines, TAB-separated):
 *   # hhd-manifest 1
 *   P <path> <lang> <kind> <tree> <node>   one per page; tree/node are "-"
 *                                          unless kind is question or outcome
 *   R <code>                               an allowed partner code
 * Lines starting with '#' after the first are comments; unknown record
 * letters are skipped so a newer generator can add records. */
#ifndef HHD_MANIFEST_H
#define HHD_MANIFEST_H

#include <stddef.h>

#include "arena.h"

#define MANIFEST_NAME "hhd-manifest.tsv"
#define MANIFEST_MAX_BYTES (16u << 20)   /* refused beyond this */
#define MANIFEST_MAX_FIELD 1024          /* bytes of one field */

struct man_page {
	const char *path;   /* "/nl/hulp/x/" or "/" */
	const char *lang;   /* "nl" */
	const char *kind;   /* "home", "page", "tip", ..., "outcome" */
	const char *tree;   /* "" unless kind is question or outcome */
	const char *node;
};

/* All strings live in the manifest's own arena, which lives as long as the
 * manifest (across requests; replaced whole when the file changes). */
struct manifest {
	struct arena arena;
	struct man_page *pages;     /* sorted by path */
	size_t npages;
	struct man_page **nodes;    /* pages with a tree, sorted by (tree, node) */
	size_t nnodes;
	const char **partners;      /* sorted */
	size_t npartners;
};

void manifest_init(struct manifest *m);   /* an empty manifest: nothing exists */
void manifest_free(struct manifest *m);
/* Parse text[0..len) into m (which must be freshly initialised). On error
 * returns -1 with "line N: why" in err, and m is left empty. */
int manifest_parse(struct manifest *m, const char *text, size_t len, char *err, size_t errsz);
/* Read and parse a file; on error returns -1 with a message in err. */
int manifest_load(struct manifest *m, const char *path, char *err, size_t errsz);

const struct man_page *manifest_page(const struct manifest *m, const char *path);
/* The first page (in path order) of `kind` in `lang`, e.g. a "thanks" page. */
const struct man_page *manifest_find_kind(const struct manifest *m, const char *lang, const char *kind);
int manifest_has_node(const struct manifest *m, const char *tree, const char *node);
int manifest_has_partner(const struct manifest *m, const char *code);

#endif
