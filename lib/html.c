/* html.c: escaping for HTML text, attributes and URLs (see html.h). */
#include "html.h"

#include <string.h>

/* The replacement of each byte html_escape changes; NULL for the rest. */
static const char *const html_rep[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

void html_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	buf_grow(out, len);
	for (;;) {
		const unsigned char *run = p;
		while (p < e && !html_rep[*p])
			p++;
		buf_add(out, run, (size_t)(p - run));
		if (p == e)
			return;
		buf_adds(out, html_rep[*p++]);
	}
}

void url_encode(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_addch(out, c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_add(out, e, 3);
		}
	}
}
