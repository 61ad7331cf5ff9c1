/* arena.c: the bump allocator (see arena.h), with a malloc-per-object debug mode for ASan. */
#include "arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xalloc.h"

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	size_t mapped; /* bytes mapped by S_map_block, 0 when malloc'd */
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK 65536u
#define ALIGN (alignof(max_align_t))

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof *a);
	a->block_size = ARENA_BLOCK;
	const char *e = getenv("HHD_ARENA_DEBUG");
	a->debug = e && *e && strcmp(e, "0") != 0;
}

void arena_init_large(struct arena *a)
{
	arena_init(a);
	a->large = 1;
}

/* A block of `total` bytes (a multiple of ARENA_LARGE_BLOCK) on huge-page
 * boundaries: map one huge page more, then unmap the ends around the
 * aligned part. NULL when the kernel says no (the caller uses malloc). */
static struct arena_block *S_map_block(size_t total)
{
	size_t align = ARENA_LARGE_BLOCK;
	char *p = mmap(NULL, total + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	char *start = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	munmap(start + total, (size_t)(p + align - start));
#ifdef MADV_HUGEPAGE
	madvise(start, total, MADV_HUGEPAGE); /* a hint: without THP the pages are small */
#endif
	struct arena_block *b = (struct arena_block *)start;
	b->mapped = total;
	return b;
}

static struct arena_block *S_new_block(struct arena *a, size_t size)
{
	struct arena_block *b = NULL;
	if (a->large && sizeof *b + size >= ARENA_LARGE_BLOCK) {
		size_t total = (sizeof *b + size + ARENA_LARGE_BLOCK - 1) & ~(size_t)(ARENA_LARGE_BLOCK - 1);
		b = S_map_block(total);
		if (b)
			size = total - sizeof *b;
	}
	if (!b) {
		b = xmalloc(sizeof *b + size);
		b->mapped = 0;
	}
	b->size = size;
	b->used = 0;
	/* the next block twice this one, until a block fills a huge page */
	size_t most = ARENA_LARGE_BLOCK - sizeof *b;
	if (a->large && a->block_size < most)
		a->block_size = a->block_size * 2 < most ? a->block_size * 2 : most;
	return b;
}

static void S_free_block(struct arena_block *b)
{
	if (b && b->mapped)
		munmap(b, b->mapped);
	else
		free(b);
}

static void S_free_objs(struct arena *a)
{
	for (size_t i = 0; i < a->nobjs; i++)
		free(a->objs[i]);
	a->nobjs = 0;
}

void arena_reset(struct arena *a)
{
	S_free_objs(a);
	if (!a->head)
		return;
	/* Keep the most recent block (usually the biggest), free the rest. */
	struct arena_block *keep = a->head, *b = keep->next;
	while (b) {
		struct arena_block *next = b->next;
		S_free_block(b);
		b = next;
	}
	keep->next = NULL;
	keep->used = 0;
}

void arena_free(struct arena *a)
{
	arena_reset(a);
	S_free_block(a->head);
	free(a->objs);
	int debug = a->debug, large = a->large;
	arena_init(a);
	a->debug = debug;
	a->large = large;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (a->debug) {
		void *p = xmalloc(n);
		a->objs = xgrow(a->objs, &a->capobjs, a->nobjs + 1, sizeof *a->objs);
		a->objs[a->nobjs++] = p;
		return p;
	}
	if (n > SIZE_MAX - ALIGN)
		abort();
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < need) {
		int oversized = need > a->block_size;
		struct arena_block *nb = S_new_block(a, oversized ? need : a->block_size);
		if (b && oversized) {
			/* An oversized object gets its own block behind the current one. */
			nb->next = b->next;
			b->next = nb;
			nb->used = need;
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n ? n : 1);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

char *arena_cat(struct arena *a, ...)
{
	va_list ap;
	size_t n = 0;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));)
		n += strlen(s);
	va_end(ap);
	char *p = arena_alloc(a, n + 1), *o = p;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));) {
		size_t l = strlen(s);
		memcpy(o, s, l);
		o += l;
	}
	va_end(ap);
	*o = '\0';
	return p;
}
