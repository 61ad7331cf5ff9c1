/* memo.c: the render memo's keys (memo.h). */
#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* The library's state is made only once the input outgrows the buffer: a
 * short key (a page's face, most values) is hashed in one call at the end,
 * which gives the same XXH3 as streaming the same bytes. */
static void S_flush(struct memo_hasher *h)
{
	if (!h->st) {
		h->st = XXH3_createState();
		if (!h->st)
			abort(); /* out of memory, as xalloc.h */
		XXH3_128bits_reset(h->st);
	}
	if (h->n)
		XXH3_128bits_update(h->st, h->b, h->n);
	h->n = 0;
}

void memo_hasher_init(struct memo_hasher *h)
{
	h->st = NULL;
	h->n = 0;
}

void memo_hasher_put(struct memo_hasher *h, const void *p, size_t n)
{
	if (n > sizeof h->b - h->n) {
		S_flush(h);
		if (n >= sizeof h->b / 2) { /* long strings (a page's body) go straight in */
			XXH3_128bits_update(h->st, p, n);
			return;
		}
	}
	memcpy(h->b + h->n, p, n);
	h->n += n;
}

struct cache_key memo_hasher_done(struct memo_hasher *h)
{
	XXH128_hash_t k;
	if (!h->st) {
		k = XXH3_128bits(h->b, h->n);
	} else {
		S_flush(h);
		k = XXH3_128bits_digest(h->st);
		XXH3_freeState(h->st);
		h->st = NULL;
	}
	return (struct cache_key){ k.low64, k.high64 };
}

static void S_tag(struct memo_hasher *h, unsigned char tag, uint64_t n)
{
	unsigned char b[9];
	b[0] = tag;
	memcpy(b + 1, &n, sizeof n);
	memo_hasher_put(h, b, sizeof b);
}

static void S_hash(struct memo_hasher *h, const struct val *v)
{
	if (v->digest) {
		S_tag(h, 'D', 16);
		memo_hasher_put(h, v->digest, 16);
		return;
	}
	switch (v->type) {
	case VAL_NULL:
		S_tag(h, 'N', 0);
		break;
	case VAL_BOOL:
		S_tag(h, 'B', (uint64_t)v->b);
		break;
	case VAL_STR:
		S_tag(h, 'S', v->len);
		memo_hasher_put(h, v->s, v->len);
		break;
	case VAL_LIST:
		S_tag(h, 'L', v->n);
		for (size_t i = 0; i < v->n; i++)
			S_hash(h, v->items[i]);
		break;
	case VAL_MAP:
		S_tag(h, 'M', v->n);
		for (size_t i = 0; i < v->n; i++) {
			S_tag(h, 'K', v->pairs[i].klen);
			memo_hasher_put(h, v->pairs[i].key, v->pairs[i].klen);
			S_hash(h, v->pairs[i].val);
		}
		break;
	}
}

static struct cache_key S_digest(const struct val *v)
{
	struct memo_hasher h;
	memo_hasher_init(&h);
	S_hash(&h, v);
	return memo_hasher_done(&h);
}

void memo_seal(struct arena *a, struct val *v)
{
	if (v->digest || (v->type != VAL_LIST && v->type != VAL_MAP))
		return;
	/* children first, so this value's hash reads their 16 bytes */
	if (v->type == VAL_LIST)
		for (size_t i = 0; i < v->n; i++)
			memo_seal(a, v->items[i]);
	else
		for (size_t i = 0; i < v->n; i++)
			memo_seal(a, v->pairs[i].val);
	struct cache_key *k = arena_alloc(a, sizeof *k);
	*k = S_digest(v);
	v->digest = k;
}

struct cache_key memo_base(struct cache_key templates)
{
	struct cache_key k[2] = { cache_self(), templates };
	return cache_hash(k, sizeof k);
}

struct cache_key memo_key(struct cache_key base, const char *tpl, const struct val *v)
{
	struct memo_hasher h;
	memo_hasher_init(&h);
	memo_hasher_put(&h, &base, sizeof base);
	size_t n = strlen(tpl);
	S_tag(&h, 'T', n);
	memo_hasher_put(&h, tpl, n);
	S_hash(&h, v);
	return memo_hasher_done(&h);
}
