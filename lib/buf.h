/* buf.h: a growable byte buffer, after git's strbuf.
 *
 * Invariants: `ptr` is never NULL and `ptr[len]` is always NUL, so a buf can
 * be handed to any function expecting a C string (though it may hold NULs).
 * A zeroed or BUF_INIT buf is empty and owns nothing. Memory leaves a buf
 * only through buf_detach(); buf_free() returns it to the empty state. */
#ifndef HHD_BUF_H
#define HHD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);            /* len = 0, memory kept */
void buf_grow(struct buf *b, size_t extra); /* room for `extra` more bytes */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_setlen(struct buf *b, size_t len); /* len <= current len */
/* Hand the bytes to the caller, who frees them; the buf is left empty.
 * Never returns NULL (an empty buf yields a fresh empty string). */
char *buf_detach(struct buf *b, size_t *len);
int buf_eq(const struct buf *b, const void *data, size_t len);

#endif
