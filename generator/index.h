/* index.h: lookups by id over the loaded model, so that validation and
 * rendering stay linear in the size of the site (a 50,000-page site looks
 * up tips, trees and organisations hundreds of thousands of times). */
#ifndef HHD_INDEX_H
#define HHD_INDEX_H

#include "model.h"

enum index_kind {
	IX_TIP = 't',     /* tip id in a language -> struct page */
	IX_LAYOUT = 'l',  /* page layout in a language -> first struct page with it */
	IX_TREE = 'T',    /* tree id in a language -> struct tree */
	IX_ORG = 'o',     /* organisation id (lang 0) -> struct org */
};

/* Build (or rebuild) m->index from the loaded pages, trees and organisations. */
void index_build(struct model *m);
/* The object for (kind, lang, id), or NULL. Without an index, NULL. */
void *index_get(const struct model *m, enum index_kind kind, int lang, const char *id);

#endif
