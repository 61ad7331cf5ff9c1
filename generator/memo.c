/* memo.c: the render memo's keys (memo.h). */
#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>


static void S_tag(XXH3_state_t *st, unsigned char tag, uint64_t n)
{
	unsigned char b[9];
	b[0] = tag;
	memcpy(b + 1, &n, sizeof n);
	XXH3_128bits_update(st, b, sizeof b);
}

static void S_hash(XXH3_state_t *st, const struct val *v)
{
	if (v->digest) {
		S_tag(st, 'D', 16);
		XXH3_128bits_update(st, v->digest, 16);
		return;
	}
	switch (v->type) {
	case VAL_NULL:
		S_tag(st, 'N', 0);
		break;
	case VAL_BOOL:
		S_tag(st, 'B', (uint64_t)v->b);
		break;
	case VAL_STR:
		S_tag(st, 'S', v->len);
		XXH3_128bits_update(st, v->s, v->len);
		break;
	case VAL_LIST:
		S_tag(st, 'L', v->n);
		for (size_t i = 0; i < v->n; i++)
			S_hash(st, v->items[i]);
		break;
	case VAL_MAP:
		S_tag(st, 'M', v->n);
		for (size_t i = 0; i < v->n; i++) {
			S_tag(st, 'K', v->pairs[i].klen);
			XXH3_128bits_update(st, v->pairs[i].key, v->pairs[i].klen);
			S_hash(st, v->pairs[i].val);
		}
		break;
	}
}

/* A hashing state from the library (its layout is not part of the ABI). */
static XXH3_state_t *S_state(void)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		abort(); /* out of memory, as xalloc.h */
	XXH3_128bits_reset(st);
	return st;
}

static struct cache_key S_done(XXH3_state_t *st)
{
	XXH128_hash_t h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	return (struct cache_key){ h.low64, h.high64 };
}

static struct cache_key S_digest(const struct val *v)
{
	XXH3_state_t *st = S_state();
	S_hash(st, v);
	return S_done(st);
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
	XXH3_state_t *st = S_state();
	XXH3_128bits_update(st, &base, sizeof base);
	size_t n = strlen(tpl);
	S_tag(st, 'T', n);
	XXH3_128bits_update(st, tpl, n);
	S_hash(st, v);
	return S_done(st);
}
