/* xalloc.h: allocation that never returns NULL.
 *
 * Allocation failure is not an error the program can handle usefully, so
 * these wrappers abort with a message instead; error paths then exist only
 * for real errors (bad input, I/O). */
#ifndef HHD_XALLOC_H
#define HHD_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `size` bytes; `*cap` is updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
