#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

static const char *const ext_names[] = { "table", "strikethrough", "autolink", "tasklist", "tagfilter" };

/* cmark allocates a node, a buffer or a string for nearly everything and
 * frees it all again when a page is done: a quarter of a build's time went
 * to malloc and free. Each thread gets a bump allocator instead, emptied
 * after every page (md_render copies its result out first). With
 * HHD_ARENA_DEBUG=1 cmark keeps the system allocator, so ASan and valgrind
 * see each object. */
struct md_chunk {
	struct md_chunk *next;
	size_t size, used;
	max_align_t data[];
};

/* Each allocation is preceded by its size, so realloc can copy it. */
struct md_hdr {
	size_t size;
	size_t pad; /* keeps the data aligned like max_align_t on x86-64 */
};

#define MD_CHUNK_SIZE (256u << 10)
#define MD_ALIGN(n) (((n) + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1))

static __thread struct md_chunk *md_chunks; /* the chunk in use first */
static int md_system_alloc;

static void *md_alloc(size_t n)
{
	if (n > SIZE_MAX / 2)
		abort();
	size_t need = MD_ALIGN(sizeof(struct md_hdr) + n);
	struct md_chunk *c = md_chunks;
	if (!c || c->size - c->used < need) {
		size_t size = need > MD_CHUNK_SIZE ? need : MD_CHUNK_SIZE;
		struct md_chunk *nc = xmalloc(sizeof *nc + size);
		nc->size = size;
		nc->used = 0;
		nc->next = c;
		md_chunks = c = nc;
	}
	struct md_hdr *h = (struct md_hdr *)((char *)c->data + c->used);
	c->used += need;
	h->size = n;
	return h + 1;
}

static void *md_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		abort();
	void *p = md_alloc(count * size);
	memset(p, 0, count * size);
	return p;
}

static void *md_realloc(void *p, size_t n)
{
	if (!p)
		return md_alloc(n);
	struct md_hdr *h = (struct md_hdr *)p - 1;
	if (n <= h->size)
		return p;
	/* the newest allocation grows in place while its chunk has room */
	struct md_chunk *c = md_chunks;
	char *end = (char *)c->data + c->used;
	size_t have = MD_ALIGN(sizeof *h + h->size), need = MD_ALIGN(sizeof *h + n);
	if ((char *)h + have == end && c->size - c->used >= need - have) {
		c->used += need - have;
		h->size = n;
		return p;
	}
	void *q = md_alloc(n);
	memcpy(q, p, h->size);
	return q;
}

static void md_free(void *p)
{
	(void)p; /* everything goes at once in md_reset */
}

/* Empty this thread's allocator, keeping one chunk for the next page. */
static void md_reset(void)
{
	struct md_chunk *c = md_chunks;
	if (!c)
		return;
	while (c->next) {
		struct md_chunk *next = c->next;
		c->next = next->next;
		free(next);
	}
	c->used = 0;
}

void md_thread_done(void)
{
	while (md_chunks) {
		struct md_chunk *next = md_chunks->next;
		free(md_chunks);
		md_chunks = next;
	}
}

static cmark_mem md_mem = { md_calloc, md_realloc, md_free };

void md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	const char *e = getenv("HHD_ARENA_DEBUG");
	md_system_alloc = e && *e && strcmp(e, "0") != 0;
}

/* Position of a node in the file: cmark counts lines from the start of the
 * text; the text starts at `at`. */
static struct pos node_pos(cmark_node *n, struct pos at, int flags)
{
	int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
	for (cmark_node *p = n; line <= 0 && p; p = cmark_node_parent(p)) {
		line = cmark_node_get_start_line(p);
		col = cmark_node_get_start_column(p);
	}
	if (line <= 0)
		return at;
	struct pos r = at;
	r.line = at.line + (unsigned)line - 1;
	unsigned c = (unsigned)(col > 0 ? col : 1);
	r.col = line == 1 || (flags & MD_BLOCK) ? at.col + c - 1 : c;
	return r;
}

/* Heading id: lowercase letters and digits (any UTF-8 kept), runs of other
 * ASCII become one '-'. */
static void slugify(struct buf *out, const char *s)
{
	int dash = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
			if (dash && out->len)
				buf_addch(out, '-');
			dash = 0;
			buf_addch(out, c);
		} else {
			dash = 1;
		}
	}
	if (!out->len)
		buf_adds(out, "section");
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Count words; with `at`, warn about each sentence over the limit. A
 * sentence ends at . ! ? or : followed by a space or the end. */
static int check_sentences(const char *s, struct pos at, struct diags *d)
{
	int total = 0, words = 0, inword = 0;
	const char *start = s;
	for (const char *p = s;; p++) {
		int end = !*p;
		if (!end && !is_space(*p)) {
			if (!inword) {
				words++;
				total++;
				if (words == 1)
					start = p;
			}
			inword = 1;
		} else {
			inword = 0;
		}
		int stop = end || ((*p == '.' || *p == '!' || *p == '?' || *p == ':') && (is_space(p[1]) || !p[1]));
		if (stop) {
			if (d && words > MD_MAX_SENTENCE_WORDS) {
				char quote[64];
				size_t n = (size_t)(p - start);
				if (n > 40) {
					n = 40;
					while (n > 0 && ((unsigned char)start[n] & 0xC0) == 0x80)
						n--; /* do not cut a UTF-8 sequence */
					snprintf(quote, sizeof quote, "%.*s...", (int)n, start);
				} else {
					snprintf(quote, sizeof quote, "%.*s", (int)n + 1, start);
				}
				diag_report(d, D_SENTENCE_LONG, at, words, MD_MAX_SENTENCE_WORDS, quote);
			}
			words = 0;
		}
		if (end)
			break;
	}
	return total;
}

const char *md_render(struct arena *a, const char *text, size_t len, struct pos at, int flags,
		      struct links *links, int *words, struct diags *d)
{
	int opts = CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES;
	if (flags & MD_ALLOW_RAW_HTML)
		opts |= CMARK_OPT_UNSAFE;
	cmark_mem *mem = md_system_alloc ? cmark_get_default_mem_allocator() : &md_mem;
	cmark_parser *p = cmark_parser_new_with_mem(opts, mem);
	for (size_t i = 0; i < sizeof ext_names / sizeof *ext_names; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(ext_names[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, text, len);
	cmark_node *doc = cmark_parser_finish(p);

	/* One pass: check and collect; gather each paragraph's and heading's
	 * text as the walk goes (sentence check at its exit); remember headings
	 * and their text for the ids. */
	cmark_node **heads = NULL;
	const char **head_text = NULL;
	size_t nheads = 0, capheads = 0, captext = 0;
	int total_words = 0, collecting = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	struct buf tmp = BUF_INIT;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (type != CMARK_NODE_PARAGRAPH && type != CMARK_NODE_HEADING)
				continue;
			collecting = 0;
			total_words += check_sentences(tmp.ptr, node_pos(n, at, flags),
						       (flags & MD_CHECK_SENTENCES) ? d : NULL);
			if (type == CMARK_NODE_HEADING) {
				heads = xgrow(heads, &capheads, nheads + 1, sizeof *heads);
				head_text = xgrow(head_text, &captext, nheads + 1, sizeof *head_text);
				head_text[nheads] = arena_strndup(a, tmp.ptr, tmp.len);
				heads[nheads++] = n;
			}
			continue;
		}
		switch (type) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!(flags & MD_ALLOW_RAW_HTML))
				diag_report(d, D_RAW_HTML, node_pos(n, at, flags));
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (links) {
				links->items = xgrow(links->items, &links->cap, links->n + 1, sizeof *links->items);
				links->items[links->n++] = (struct link){ arena_strdup(a, cmark_node_get_url(n)),
									  node_pos(n, at, flags) };
			}
			break;
		case CMARK_NODE_HEADING:
		case CMARK_NODE_PARAGRAPH:
			buf_reset(&tmp);
			collecting = 1;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if (collecting)
				buf_adds(&tmp, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			if (collecting)
				buf_addch(&tmp, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);

	/* Headings become custom blocks carrying an id, unique in the page. */
	struct buf ids = BUF_INIT; /* "\n"-separated ids seen so far */
	for (size_t i = 0; i < nheads; i++) {
		cmark_node *h = heads[i];
		struct buf id = BUF_INIT;
		slugify(&id, head_text[i]);
		size_t base = id.len;
		for (int k = 2;; k++) {
			struct buf probe = BUF_INIT;
			buf_addf(&probe, "\n%s\n", id.ptr);
			int seen = strstr(ids.len ? ids.ptr : "", probe.ptr) != NULL;
			buf_free(&probe);
			if (!seen)
				break;
			buf_setlen(&id, base);
			buf_addf(&id, "-%d", k);
		}
		if (!ids.len)
			buf_addch(&ids, '\n');
		buf_addf(&ids, "%s\n", id.ptr);
		int level = cmark_node_get_heading_level(h);
		struct buf open = BUF_INIT, close = BUF_INIT;
		buf_addf(&open, "<h%d id=\"", level);
		for (const char *c = id.ptr; *c; c++) {
			if (*c == '"' || *c == '<' || *c == '&' || *c == '>')
				continue;
			buf_addch(&open, *c);
		}
		buf_adds(&open, "\">");
		buf_addf(&close, "</h%d>\n", level);
		cmark_node *cb = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
		cmark_node_set_on_enter(cb, open.ptr);
		cmark_node_set_on_exit(cb, close.ptr);
		/* move the heading's inline children into the custom block */
		cmark_node *c;
		while ((c = cmark_node_first_child(h))) {
			cmark_node_unlink(c);
			if (!cmark_node_append_child(cb, c))
				abort(); /* cmark lets a custom block hold inlines */
		}
		/* The moved text may point into the heading's own buffer: keep
		 * the detached heading alive until the HTML is rendered. */
		cmark_node_replace(h, cb);
		buf_free(&open);
		buf_free(&close);
		buf_free(&id);
	}
	buf_free(&ids);
	buf_free(&tmp);

	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	for (size_t i = 0; i < nheads; i++)
		cmark_node_free(heads[i]);
	free(heads);
	free(head_text);
	size_t n = strlen(html);
	if (flags & MD_INLINE) {
		/* one paragraph: strip the wrapper so the text can sit in a heading or list item */
		if (n >= 8 && !strncmp(html, "<p>", 3) && !strcmp(html + n - 5, "</p>\n") &&
		    !memmem(html + 3, n - 8, "<p>", 3)) {
			memmove(html, html + 3, n - 8);
			n -= 8;
			html[n] = '\0';
		}
	}
	const char *r = arena_strndup(a, html, n);
	mem->free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	if (mem == &md_mem)
		md_reset();
	if (words)
		*words = total_words;
	return r;
}
