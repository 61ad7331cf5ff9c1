/* utf8.c: strict UTF-8 validation and decoding for untrusted text. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Strict decoder after RFC 3629 table 3-7: each lead byte allows only the
 * continuation ranges that avoid overlongs, surrogates and > U+10FFFF. */
int utf8_valid(const char *str, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* fast path: eight ASCII bytes at a time */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned char c = s[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c == 0xE0) {
			n = 2; lo = 0xA0;
		} else if (c == 0xED) {
			n = 2; hi = 0x9F;
		} else if (c >= 0xE1 && c <= 0xEF) {
			n = 2;
		} else if (c == 0xF0) {
			n = 3; lo = 0x90;
		} else if (c >= 0xF1 && c <= 0xF3) {
			n = 3;
		} else if (c == 0xF4) {
			n = 3; hi = 0x8F;
		} else {
			goto invalid;
		}
		if (len - i <= n)
			goto invalid_tail;
		if (s[i + 1] < lo || s[i + 1] > hi)
			goto invalid;
		for (size_t k = 2; k <= n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				goto invalid;
		i += n + 1;
	}
	return 1;
invalid_tail:
	/* Truncated sequence at the end: the first missing byte is past len,
	 * so point at the lead byte. */
invalid:
	if (bad)
		*bad = i;
	return 0;
}

size_t utf8_count(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			n++;
	return n;
}
