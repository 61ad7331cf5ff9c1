/* page.h: Markdown pages with YAML front matter (tips, pages, home). */
#ifndef HHD_PAGE_H
#define HHD_PAGE_H

#include "buf.h"
#include "model.h"

/* Parse a page from `src` (the whole file, already checked for size and
 * UTF-8). Reports every problem; returns the page (possibly incomplete)
 * or NULL when nothing usable could be read. */
struct page *page_parse(struct model *m, const char *path, const char *id, int lang,
			enum page_kind kind, const char *src, size_t len, struct diags *d);

#endif
