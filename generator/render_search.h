/* render_search.h: the site search's part of render: a language's index,
 * built by the render threads beside the search page (render.c). */
#ifndef HHD_RENDER_SEARCH_H
#define HHD_RENDER_SEARCH_H

#include "buf.h"
#include "cache.h"
#include "model.h"

/* The search index of language `lang` as JSON into `out` (replacing it),
 * from the validated model (only read); `a` holds scratch strings. 0, or an
 * enum search_err (search.h) when the builder refused. */
int render_search_index(const struct model *m, int lang, struct arena *a, struct buf *out);
/* The memo key (memo.h) of that index: a hash of `base` and of every input
 * render_search_index reads, found by the same walk. */
struct cache_key render_search_key(const struct model *m, int lang, struct arena *a, struct cache_key base);

#endif
