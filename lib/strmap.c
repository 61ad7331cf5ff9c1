/* strmap.c: the string-keyed hash map (see strmap.h). */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct slot {
	const char *key;
	void *val;
	uint64_t hash;
};

struct strmap {
	struct slot *slots;
	size_t cap, n; /* cap is a power of two */
};

/* Eight bytes at a time (keys are URLs and paths, often 30 to 60 bytes),
 * each word mixed in by a multiply and a shift, the end by splitmix64's
 * finaliser, so the low bits a slot is chosen by depend on every byte. */
static uint64_t S_hash_str(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94D049BB133111EBull;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 32);
}

/* A zeroed table of cap slots, written before it is read: calloc's fresh
 * pages would map the zero page first and fault again on each first
 * write, which flushes the TLB of every CPU running one of the process's
 * threads. */
static struct slot *S_slots(size_t cap)
{
	struct slot *s = xmalloc(cap * sizeof *s);
	memset(s, 0, cap * sizeof *s);
	return s;
}

struct strmap *strmap_new(void)
{
	return strmap_new_cap(0);
}

struct strmap *strmap_new_cap(size_t n)
{
	struct strmap *m = xcalloc(1, sizeof *m);
	m->cap = 64;
	while (m->cap / 4 * 3 < n + 1) /* the load strmap_put grows at */
		m->cap *= 2;
	m->slots = S_slots(m->cap);
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static struct slot *S_find(struct slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = h & (cap - 1);
	for (;;) {
		struct slot *s = &slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static void S_grow(struct strmap *m)
{
	size_t ncap = m->cap * 2;
	struct slot *ns = S_slots(ncap);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*S_find(ns, ncap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

void *strmap_put(struct strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		S_grow(m);
	uint64_t h = S_hash_str(key);
	struct slot *s = S_find(m->slots, m->cap, key, h);
	void *old = s->key ? s->val : NULL;
	if (!s->key) {
		s->key = key;
		s->hash = h;
		m->n++;
	}
	s->val = val;
	return old;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	uint64_t h = S_hash_str(key);
	struct slot *s = S_find(m->slots, m->cap, key, h);
	return s->key ? s->val : NULL;
}

size_t strmap_count(const struct strmap *m)
{
	return m->n;
}
