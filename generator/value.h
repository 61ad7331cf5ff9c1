/* value.h: the data a template sees (a JSON-like tree).
 *
 * Values live in an arena and are immutable once built; renderers borrow
 * them. Maps keep insertion order and are looked up linearly (they are
 * small: a page's context has a few dozen keys). Strings are not escaped
 * here; the template engine escapes at output unless told otherwise. */
#ifndef HHD_VALUE_H
#define HHD_VALUE_H

#include <stddef.h>
#include "arena.h"

enum val_type { VAL_NULL, VAL_BOOL, VAL_STR, VAL_LIST, VAL_MAP };

struct val;

struct val_pair {
	const char *key;
	size_t klen;            /* strlen(key): lookups compare lengths first */
	struct val *val;
};

struct val {
	enum val_type type;
	int b;                  /* VAL_BOOL */
	const char *s;          /* VAL_STR: NUL-terminated, may be borrowed */
	size_t len;             /* VAL_STR: byte length */
	struct val **items;     /* VAL_LIST */
	struct val_pair *pairs; /* VAL_MAP */
	size_t n, cap;          /* VAL_LIST / VAL_MAP element count */
	const void *digest;     /* NULL, or the value's 16-byte memo key once it is
				 * sealed (memo.h): a shared value is hashed once */
};

struct val *val_null(struct arena *a);
struct val *val_bool(struct arena *a, int b);
/* A string value; `s` is copied into the arena. */
struct val *val_str(struct arena *a, const char *s);
struct val *val_strn(struct arena *a, const char *s, size_t len);
/* A string value that borrows `s` (it must outlive the value). */
struct val *val_str_borrow(struct arena *a, const char *s, size_t len);
struct val *val_list(struct arena *a);
struct val *val_map(struct arena *a);
void val_list_push(struct arena *a, struct val *list, struct val *item);
/* Set `key` (borrowed) in a map; a second set of the same key replaces it. */
void val_map_set(struct arena *a, struct val *map, const char *key, struct val *v);
/* Shorthands for map entries. */
void val_map_str(struct arena *a, struct val *map, const char *key, const char *s);
void val_map_bool(struct arena *a, struct val *map, const char *key, int b);
struct val *val_map_get(const struct val *map, const char *key);
/* A new map with the entries of map `src` (values shared, not copied) and
 * room for `room` more before it grows. */
struct val *val_map_copy(struct arena *a, const struct val *src, size_t room);
/* The entry of `key` (klen bytes, need not be NUL-terminated), or NULL;
 * NULL too when `map` is not a map. */
struct val_pair *val_map_find(const struct val *map, const char *key, size_t klen);
/* Mustache truthiness: null, false, "" ... see mustache.h. */
int val_truthy(const struct val *v);

#endif
