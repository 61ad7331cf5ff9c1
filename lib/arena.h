/* arena.h: a bump allocator for objects that live and die together.
 *
 * hhd keeps its whole model in one arena per build; hhd-fcgi uses one per
 * request and resets it after the response. Memory from an arena is never
 * freed one object at a time. With HHD_ARENA_DEBUG=1 in the environment
 * (read by arena_init) each object is its own malloc(), so ASan and valgrind
 * still see every overrun and use after reset. */
#ifndef HHD_ARENA_H
#define HHD_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size;
	int debug;
	int large;    /* arena_init_large: blocks double up to ARENA_LARGE_BLOCK */
	void **objs;  /* debug mode: every object */
	size_t nobjs, capobjs;
};

void arena_init(struct arena *a);
/* For an arena that grows to many megabytes (hhd's model): each new block
 * is twice the last, up to ARENA_LARGE_BLOCK, and blocks that size are
 * mapped on their own and offered to the kernel as transparent huge pages,
 * so filling them costs one page fault per 2 MiB instead of one per 4 KiB. */
#define ARENA_LARGE_BLOCK (2u << 20)
void arena_init_large(struct arena *a);
void arena_reset(struct arena *a); /* frees all objects, keeps the first block */
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);  /* aligned for any type, never NULL */
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Concatenate the NULL-terminated list of strings (cheaper than printf in hot paths). */
char *arena_cat(struct arena *a, ...) __attribute__((sentinel));

#endif
