/* value.c: the JSON-like values templates render (see value.h). */
#include "value.h"

#include <string.h>

static struct val *S_new(struct arena *a, enum val_type type)
{
	struct val *v = arena_zalloc(a, sizeof *v);
	v->type = type;
	return v;
}

struct val *val_null(struct arena *a)
{
	return S_new(a, VAL_NULL);
}

struct val *val_bool(struct arena *a, int b)
{
	struct val *v = S_new(a, VAL_BOOL);
	v->b = b != 0;
	return v;
}

struct val *val_str(struct arena *a, const char *s)
{
	return val_strn(a, s, strlen(s));
}

struct val *val_strn(struct arena *a, const char *s, size_t len)
{
	return val_str_borrow(a, arena_strndup(a, s, len), len);
}

struct val *val_str_borrow(struct arena *a, const char *s, size_t len)
{
	struct val *v = S_new(a, VAL_STR);
	v->s = s;
	v->len = len;
	return v;
}

struct val *val_list(struct arena *a)
{
	return S_new(a, VAL_LIST);
}

struct val *val_map(struct arena *a)
{
	return S_new(a, VAL_MAP);
}

/* Room for one more element in a list or map. Arena memory cannot be
 * resized, so the array is copied to a block twice the size; the old one
 * stays in the arena until it is reset (lists and maps are small). */
static void *S_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return old;
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p = arena_alloc(a, ncap * size);
	if (n)
		memcpy(p, old, n * size);
	*cap = ncap;
	return p;
}

void val_list_push(struct arena *a, struct val *list, struct val *item)
{
	list->items = S_grow(a, list->items, list->n, &list->cap, sizeof *list->items);
	list->items[list->n++] = item;
}

void val_map_set(struct arena *a, struct val *map, const char *key, struct val *v)
{
	size_t klen = strlen(key);
	struct val_pair *p = val_map_find(map, key, klen);
	if (p) {
		p->val = v;
		return;
	}
	map->pairs = S_grow(a, map->pairs, map->n, &map->cap, sizeof *map->pairs);
	map->pairs[map->n] = (struct val_pair){ key, klen, v };
	map->n++;
}

struct val *val_map_copy(struct arena *a, const struct val *src, size_t room)
{
	struct val *v = val_map(a);
	v->cap = src->n + room;
	v->pairs = arena_alloc(a, v->cap * sizeof *v->pairs);
	if (src->n)
		memcpy(v->pairs, src->pairs, src->n * sizeof *v->pairs);
	v->n = src->n;
	return v;
}

struct val_pair *val_map_find(const struct val *map, const char *key, size_t klen)
{
	if (!map || map->type != VAL_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		struct val_pair *p = &map->pairs[i];
		if (p->klen == klen && (!klen || p->key[0] == key[0]) && memcmp(p->key, key, klen) == 0)
			return p;
	}
	return NULL;
}

void val_map_str(struct arena *a, struct val *map, const char *key, const char *s)
{
	val_map_set(a, map, key, val_str(a, s));
}

void val_map_bool(struct arena *a, struct val *map, const char *key, int b)
{
	val_map_set(a, map, key, val_bool(a, b));
}

struct val *val_map_get(const struct val *map, const char *key)
{
	struct val_pair *p = val_map_find(map, key, strlen(key));
	return p ? p->val : NULL;
}

/* Falsey: a missing value, null, false, the empty string and the empty
 * list. Maps are truthy even when empty. */
int val_truthy(const struct val *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case VAL_NULL: return 0;
	case VAL_BOOL: return v->b;
	case VAL_STR: return v->len > 0;
	case VAL_LIST: return v->n > 0;
	case VAL_MAP: return 1;
	}
	return 0;
}
