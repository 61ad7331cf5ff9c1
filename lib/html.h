/* html.h: escaping for HTML text and attributes, and for URLs. */
#ifndef HHD_HTML_H
#define HHD_HTML_H

#include <stddef.h>
#include "buf.h"

/* Escape & < > " ' for use in text or a quoted attribute value. */
void html_escape(struct buf *out, const char *s, size_t len);
/* Percent-encode everything but unreserved characters (RFC 3986), e.g. for a query value. */
void url_encode(struct buf *out, const char *s, size_t len);

#endif
