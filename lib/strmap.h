/* strmap.h: a string-keyed hash map (open addressing).
 *
 * Keys are borrowed: they must outlive the map. Values are opaque pointers.
 * Iteration order is the hash order, so callers that need a stable order
 * sort what they take out. */
#ifndef HHD_STRMAP_H
#define HHD_STRMAP_H

#include <stddef.h>

struct strmap;

struct strmap *strmap_new(void);
/* A map with room for n keys before it grows (a caller that knows about
 * how many it will put saves the rehashes on the way). */
struct strmap *strmap_new_cap(size_t n);
void strmap_free(struct strmap *m);
/* Insert or replace; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *val);
void *strmap_get(const struct strmap *m, const char *key);
size_t strmap_count(const struct strmap *m);

#endif
