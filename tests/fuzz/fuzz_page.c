/* Fuzz target: a Markdown page with YAML front matter, as an editor (or a
 * merge gone wrong) might write it: front matter split, YAML parse with
 * limits, typed fields, cmark-gfm with our checks and heading rewrite. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "page.h"
#include "utf8.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		md_init();
		init = 1;
	}
	if (size > HHD_MAX_FILE || !utf8_valid((const char *)data, size, NULL) || memchr(data, 0, size))
		return 0; /* the loader refuses these before parsing */
	struct arena a;
	arena_init(&a);
	struct model m = { .arena = &a };
	m.site.nlangs = 1;
	m.site.allow_raw_html = size > 0 && data[0] == '-' && size % 2;
	struct diags d;
	diags_init(&d);
	struct page *p = page_parse(&m, "fuzz.md", "fuzz", 0, PAGE_TIP, (const char *)data, size, &d);
	if (p) {
		m.pages = xcalloc(1, sizeof *m.pages);
		m.pages[m.npages++] = p;
	}
	diags_free(&d);
	model_free(&m);
	return 0;
}
