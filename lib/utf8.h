/* utf8.h: strict UTF-8 checks for untrusted text. */
#ifndef HHD_UTF8_H
#define HHD_UTF8_H

#include <stddef.h>

/* Return 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF). Otherwise return 0 and, when `bad` is not NULL, store the
 * offset of the first invalid byte. */
int utf8_valid(const char *s, size_t len, size_t *bad);
/* Number of code points in valid UTF-8 text (used for column numbers and length limits). */
size_t utf8_count(const char *s, size_t len);

#endif
