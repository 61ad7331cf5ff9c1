/* render_search.h: the site search's part of render: a language's index,
 * built by the render threads beside the search page (render.c). */
#ifndef HHD_RENDER_SEARCH_H
#define HHD_RENDER_SEARCH_H

#include "buf.h"
#include "cache.h"
#include "model.h"

#define WORDS_FORMAT 1       /* the kept word caches' format (render_search.c) */
/* A build writes its kept word cache again when more than 1 in this many
 * of its texts missed (were split anew). */
#define WORDS_SAVE_SHARE 64

/* The search index of language `lang` as JSON into `out` (replacing it),
 * from the validated model (only read); `a` holds scratch strings. 0, or an
 * enum search_err (search.h) when the builder refused. The words of its
 * texts come from hhd serve's cache (m->wcache) or, for hhd build
 * (m->cache_out), from the cache file "words-<lang>", which it renews when
 * more than one text in WORDS_SAVE_SHARE missed; the bytes are those of a
 * build without either. Each language's index is one job: its file has one
 * thread at a time. */
int render_search_index(const struct model *m, int lang, struct arena *a, struct buf *out);
/* The memo key (memo.h) of that index: a hash of `base` and of every input
 * render_search_index reads, found by the same walk. */
struct cache_key render_search_key(const struct model *m, int lang, struct arena *a, struct cache_key base);

#endif
