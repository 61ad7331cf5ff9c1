/* page.c: parse one Markdown page (tip, page or home) from its bytes: the
 * YAML front matter's fields, then the body through markdown.c. */
#include "page.h"

#include <string.h>

#include "manifest.h"
#include "markdown.h"
#include "mdcache.h"
#include "search.h"
#include "ydoc.h"

static const char *const fm_keys[] = { "title", "summary", "weight", "tags", "reviewed", "sources",
					 "draft", "slug", "aliases", "layout", "keywords", NULL };

/* Length of the line starting at p (without its newline). */
static size_t S_line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return (size_t)((nl ? nl : end) - p);
}

static int S_is_fence(const char *p, size_t n, int closing)
{
	if (n && p[n - 1] == '\r')
		n--;
	while (n > 3 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == 3 && (!memcmp(p, "---", 3) || (closing && !memcmp(p, "...", 3)));
}

struct headings {
	struct arena *a;
	const char **items;
	size_t n, cap;
};

static void S_heading(void *arg, int heading, const char *text)
{
	struct headings *h = arg;
	if (!heading || !*text)
		return;
	if (h->n == h->cap) {
		/* in the arena: the page (and its copies) point at the list */
		size_t cap = h->cap ? 2 * h->cap : 4;
		const char **items = arena_alloc(h->a, cap * sizeof *items);
		if (h->n)
			memcpy(items, h->items, h->n * sizeof *items);
		h->items = items;
		h->cap = cap;
	}
	h->items[h->n++] = arena_strdup(h->a, text);
}

/* The body's headings for the search index, taken once here: the load
 * threads share the work, and hhd serve keeps them with the page. */
static void S_headings(struct arena *a, struct page *pg)
{
	struct headings h = { a, NULL, 0, 0 };
	search_html_parts(pg->body_html, 0, S_heading, &h);
	pg->headings = h.items;
	pg->nheadings = h.n;
}

struct page *page_parse(struct model *m, const char *path, const char *id, int lang,
			enum page_kind kind, const char *src, size_t len, struct diags *d)
{
	struct arena *a = m->arena;
	const char *end = src + len;
	size_t first = S_line_len(src, end);
	if (!S_is_fence(src, first, 0)) {
		diag_at(d, D_FM_MISSING, path, 1, 1);
		return NULL;
	}
	/* find the closing fence */
	const char *fm = src + first + (src + first < end);
	const char *p = fm, *body = NULL;
	unsigned line = 2, body_line = 0;
	while (p < end) {
		size_t n = S_line_len(p, end);
		if (S_is_fence(p, n, 1)) {
			body = p + n + (p + n < end);
			body_line = line + 1;
			break;
		}
		p += n + (p + n < end);
		line++;
	}
	if (!body) {
		diag_at(d, D_FM_UNCLOSED, path, 1, 1);
		return NULL;
	}
	struct ynode *root = yaml_load(a, path, fm, (size_t)(p - fm), 1, d);
	if (!root)
		return NULL;
	if (schema_object(root, "front matter", fm_keys, d) < 0)
		return NULL;
	struct page *pg = arena_zalloc(a, sizeof *pg);
	pg->path = path;
	pg->id = id;
	pg->lang = lang;
	pg->kind = kind;
	pg->pos = (struct pos){ path, 1, 1 };
	pg->title = schema_str(root, "title", 1, d);
	pg->summary = schema_str(root, "summary", 0, d);
	pg->weight = schema_int(root, "weight", 0, d);
	pg->tags = schema_strlist(a, root, "tags", d);
	pg->keywords = schema_keywords(a, root, d);
	pg->reviewed = schema_date(root, "reviewed", 0, d);
	pg->sources = schema_sources(a, root, d);
	pg->draft = schema_bool(root, "draft", 0, d);
	pg->slug = schema_str(root, "slug", 0, d);
	if (pg->slug.s && !schema_is_slug(pg->slug.s)) {
		diag_report(d, D_BAD_SLUG, pg->slug.pos, pg->slug.s);
		pg->slug.s = NULL;
	}
	pg->aliases = schema_strlist(a, root, "aliases", d);
	if (kind == PAGE_PAGE) {
		/* the layouts a page in pages/ may choose; tips and the home page have "page" */
		int l = schema_enum(root, "layout", layout_names, LAYOUT__CHOOSABLE, 0, &pg->layout, d);
		pg->layout_id = l < 0 ? LAYOUT_PAGE : (enum layout)l;
		pg->layout.s = layout_names[pg->layout_id];
	} else {
		pg->layout = schema_str(root, "layout", 0, d);
		if (pg->layout.s)
			diag_report(d, D_LAYOUT_PAGES_ONLY, pg->layout.pos, "layout", layout_names[LAYOUT_PAGE]);
		pg->layout_id = LAYOUT_PAGE;
		pg->layout.s = layout_names[LAYOUT_PAGE];
	}
	int flags = MD_CHECK_SENTENCES | (m->site.allow_raw_html ? MD_ALLOW_RAW_HTML : 0);
	pg->body_html = mdcache_render(m->md, a, body, (size_t)(end - body), (struct pos){ path, body_line, 1 },
				       flags, &pg->links, NULL, d);
	pg->body_len = strlen(pg->body_html);
	if (m->md)
		pg->body_id = mdcache_html_id(m->md, mdcache_last_key(m->md));
	S_headings(a, pg);
	return pg;
}
