/* memo.h: the render memo's keys.
 *
 * A page's bytes are a pure function of the compiled templates and the
 * values its template sees (render.h). Its key is therefore a 128-bit hash
 * of the templates' sources, the generator binary, the template's name and
 * the whole value tree, in a form that tells every shape apart (a type tag
 * and a length before each part). Equal keys mean equal bytes, so a page
 * whose key the last build recorded (write.h, writer_keep) is neither
 * rendered nor written again.
 *
 * Values that many pages share (a language's common values, the tip list,
 * the theme's strings) are sealed once before the render threads start:
 * their key is stored in the value, and a page's key hashes those 16 bytes
 * instead of the whole subtree. */
#ifndef HHD_MEMO_H
#define HHD_MEMO_H

#include "arena.h"
#include "cache.h"
#include "value.h"

/* A 128-bit XXH3 hash fed through a buffer: a page's values are thousands
 * of pieces of a few bytes each, and XXH3's streaming update costs more
 * per call than per byte. The hash reads the same byte stream however it
 * is cut, so keys do not depend on the buffer. */
struct memo_hasher {
	void *st;               /* the library's state (its layout is not ABI), made
				 * once the input outgrows b; NULL until then */
	size_t n;
	unsigned char b[4096];
};
void memo_hasher_init(struct memo_hasher *h);
void memo_hasher_put(struct memo_hasher *h, const void *p, size_t n);
/* The key; frees the state. */
struct cache_key memo_hasher_done(struct memo_hasher *h);

/* Store the key of `v` and of every list and map below it in the values
 * (v->digest), from `a`. One thread, before the values are shared. */
void memo_seal(struct arena *a, struct val *v);
/* The key of rendering template `tpl` with `v`, where `base` is the key of
 * everything else the output depends on (memo_base). */
struct cache_key memo_key(struct cache_key base, const char *tpl, const struct val *v);
/* The key of what every output shares: the generator binary (a rebuilt hhd
 * may render differently) and the templates' digest (theme.h). */
struct cache_key memo_base(struct cache_key templates);

#endif
