/* markdown.c: Markdown to HTML through cmark-gfm (markdown.h), with a
 * chunk allocator per thread for cmark, link collection and readability checks. */
#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static void *S_md_alloc(size_t n)
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

static void *S_md_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		abort();
	void *p = S_md_alloc(count * size);
	memset(p, 0, count * size);
	return p;
}

static void *S_md_realloc(void *p, size_t n)
{
	if (!p)
		return S_md_alloc(n);
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
	void *q = S_md_alloc(n);
	memcpy(q, p, h->size);
	return q;
}

static void S_md_free(void *p)
{
	(void)p; /* everything goes at once in S_md_reset */
}

/* Empty this thread's allocator, keeping one chunk for the next page. */
static void S_md_reset(void)
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

static cmark_mem md_mem = { S_md_calloc, S_md_realloc, S_md_free };

/* The extensions, looked up once (md_init) rather than for every text. */
static cmark_syntax_extension *md_exts[sizeof ext_names / sizeof *ext_names];

void md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < sizeof ext_names / sizeof *ext_names; i++)
		md_exts[i] = cmark_find_syntax_extension(ext_names[i]);
	const char *e = getenv("HHD_ARENA_DEBUG");
	md_system_alloc = e && *e && strcmp(e, "0") != 0;
}

/* Position of a node in the file: cmark counts lines from the start of the
 * text; the text starts at `at`. */
static struct pos S_node_pos(cmark_node *n, struct pos at, int flags)
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
static void S_slugify(struct buf *out, const char *s)
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

/* Byte classes for the sentence counter. */
enum { SC_SPACE = 1, SC_STOP = 2 };
static const unsigned char sc_class[256] = {
	[' '] = SC_SPACE, ['\t'] = SC_SPACE, ['\n'] = SC_SPACE,
	['.'] = SC_STOP, ['!'] = SC_STOP, ['?'] = SC_STOP, [':'] = SC_STOP,
};

#define SC_QUOTE 40 /* bytes of a long sentence quoted in its warning */

/* Warn about the sentence of `words` words starting at `s`, `n` bytes long
 * without its final stop (`stop`: 1 when it has one): quote all of it, or
 * its first SC_QUOTE bytes and "...". */
static void S_sc_report(const char *s, size_t n, int stop, int words, struct pos at, struct diags *d)
{
	char quote[64];
	if (n > SC_QUOTE) {
		n = SC_QUOTE;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* do not cut a UTF-8 sequence */
		snprintf(quote, sizeof quote, "%.*s...", (int)n, s);
	} else {
		snprintf(quote, sizeof quote, "%.*s", (int)n + stop, s);
	}
	diag_report(d, D_SENTENCE_LONG, at, words, MD_MAX_SENTENCE_WORDS, quote);
}

/* Count the words of a paragraph's or heading's text; with `d`, warn about
 * each sentence over the limit. A sentence ends at . ! ? or : followed by a
 * space or the end, so only the last byte of a word can end one. */
static int S_count_sentences(const char *text, size_t len, struct pos at, struct diags *d)
{
	const unsigned char *p = (const unsigned char *)text, *e = p + len, *start = p;
	int total = 0, words = 0;
	for (;;) {
		while (p < e && (sc_class[*p] & SC_SPACE))
			p++;
		if (p == e)
			break;
		total++;
		if (words++ == 0)
			start = p;
		while (p < e && !(sc_class[*p] & SC_SPACE))
			p++;
		if (sc_class[p[-1]] & SC_STOP) {
			if (d && words > MD_MAX_SENTENCE_WORDS)
				S_sc_report((const char *)start, (size_t)(p - 1 - start), 1, words, at, d);
			words = 0;
		}
	}
	if (d && words > MD_MAX_SENTENCE_WORDS)
		S_sc_report((const char *)start, (size_t)(e - start), 0, words, at, d);
	return total;
}

/* Dutch phone numbers in text that is not a link (a tel: link lets a
 * victim on a phone call with one tap). Recognised, between word bounds:
 *   0800, 0900, 0906, 0909 and 4 to 7 more digits   0900-8844
 *   0 and 9 more digits (not 00)                     088-123 45 67, 06-12345678
 *   +31 or 0031, an optional (0), and 8 or 9 digits  +31 (0)20 123 4567
 *   112 after a word like "bel" or "call"             Bel 112, belt u 112
 * Digit groups may be split by one '-' or ' '. Not a phone number: a date
 * (dd-dd-dddd), a time or an amount (a ':', '.' or ',' and a digit follow),
 * a part of an IBAN (after a word of four capitals), anything glued to a
 * letter, digit or '/', '.', ',', '€'. Returns the bytes matched, or 0. */
static size_t S_phone_at(const char *s, size_t i, size_t len, char *tel, size_t telsz)
{
	if (i > 0) {
		unsigned char b = (unsigned char)s[i - 1];
		if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '/' ||
		    b == '.' || b == ',' || b == '-' || b == '+' || b == '#' || b == '=' || b == 0xAC /* € */)
			return 0;
	}
	size_t p = i, nt = 0;
	int intl = 0;
	if (s[p] == '+') {
		if (p + 3 > len || s[p + 1] != '3' || s[p + 2] != '1')
			return 0;
		intl = 1;
		tel[nt++] = '+';
	} else if (s[p] < '0' || s[p] > '9') {
		return 0;
	}
	int digits = 0, groups = 0, glen[4] = { 0 }, dashes = 0, spaces = 0;
	size_t end = p;
	while (p < len) {
		if (s[p] >= '0' && s[p] <= '9') {
			if (nt + 1 >= telsz)
				return 0;
			tel[nt++] = s[p];
			digits++;
			if (groups < 4)
				glen[groups]++;
			p++;
			end = p;
			continue;
		}
		if (s[p] == '+' && p == i) {
			p++;
			continue;
		}
		/* a separator: one '-' or ' ' (or " - ") between digit groups,
		 * or "(0)" after +31 */
		size_t q = p;
		if (intl && s[q] == ' ' && q + 1 < len && s[q + 1] == '(')
			q++;
		if (intl && s[q] == '(' && q + 2 < len && s[q + 1] == '0' && s[q + 2] == ')') {
			p = q + 3;
			if (p < len && s[p] == ' ')
				p++;
			continue;
		}
		if (s[q] == ' ' && q + 2 < len && s[q + 1] == '-' && s[q + 2] == ' ')
			q += 3, dashes++;
		else if (s[q] == '-')
			q++, dashes++;
		else if (s[q] == ' ')
			q++, spaces++;
		else
			break;
		if (q >= len || s[q] < '0' || s[q] > '9')
			break;
		groups++;
		p = q;
	}
	tel[nt] = 0;
	/* what follows: a word bound, not ':', '.' or ',' with a digit */
	if (end < len) {
		unsigned char a = (unsigned char)s[end];
		if ((a >= '0' && a <= '9') || (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || a == '/' || a == '@')
			return 0;
		if ((a == ':' || a == '.' || a == ',') && end + 1 < len && s[end + 1] >= '0' && s[end + 1] <= '9')
			return 0;
	}
	const char *t = tel + intl;
	if (intl) {
		if (t[0] != '3' || t[1] != '1' || t[2] == '0' || digits - 2 < 8 || digits - 2 > 9)
			return 0;
	} else if (!strncmp(t, "0031", 4)) {
		if (t[4] == '0' || digits - 4 < 8 || digits - 4 > 9)
			return 0;
	} else if (!strncmp(t, "112", 3) && digits == 3) {
		/* only after "bel", "belt", "bellen", "call" or "dial" */
		size_t w = i;
		while (w > 0 && s[w - 1] == ' ')
			w--;
		size_t ws = w;
		while (ws > 0 && ((s[ws - 1] | 0x20) >= 'a' && (s[ws - 1] | 0x20) <= 'z'))
			ws--;
		if (w - ws == 1 && (s[ws] | 0x20) == 'u' && ws > 1 && s[ws - 1] == ' ') {
			/* "belt u 112": the verb before "u" */
			w = ws - 1;
			ws = w;
			while (ws > 0 && ((s[ws - 1] | 0x20) >= 'a' && (s[ws - 1] | 0x20) <= 'z'))
				ws--;
		}
		static const char *const verbs[] = { "bel", "belt", "bellen", "call", "dial", NULL };
		int ok = 0;
		for (const char *const *v = verbs; *v && w > ws; v++)
			ok |= strlen(*v) == w - ws && !strncasecmp(s + ws, *v, w - ws);
		if (!ok || w == i)
			return 0;
	} else if (t[0] != '0' || t[1] == '0') {
		return 0;
	} else if (!strncmp(t, "0800", 4) || !strncmp(t, "0900", 4) || !strncmp(t, "0906", 4) ||
		   !strncmp(t, "0909", 4)) {
		if (digits < 8 || digits > 11)
			return 0;
	} else if (digits != 10) {
		return 0;
	}
	/* a date: dd-dd-dddd */
	if (dashes >= 2 && glen[0] == 2 && glen[1] == 2 && glen[2] == 4)
		return 0;
	/* part of an IBAN: NL91 ABNA 0417 1643 00 */
	if (i >= 5 && s[i - 1] == ' ') {
		int caps = 0;
		size_t w = i - 1;
		while (w > 0 && s[w - 1] >= 'A' && s[w - 1] <= 'Z')
			w--, caps++;
		if (caps == 4)
			return 0;
	}
	(void)spaces;
	if (!strncmp(tel, "0031", 4)) /* the link dials +31 */
		memmove(tel + 1, tel + 2, strlen(tel + 2) + 1), tel[0] = '+', tel[1] = '3', tel[2] = '1';
	return end - i;
}

/* Warn about each phone number in a text node outside a link. */
static void S_check_phones(const char *s, struct pos at, int own_pos, struct diags *d)
{
	size_t len = strlen(s);
	char tel[40];
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '+' && (s[i] < '0' || s[i] > '9'))
			continue;
		size_t n = S_phone_at(s, i, len, tel, sizeof tel);
		if (!n) {
			while (i + 1 < len && ((s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 1] == '+'))
				i++; /* not in the middle of a longer number */
			continue;
		}
		struct pos p = at;
		if (own_pos)
			p.col += (unsigned)i;
		char shown[64];
		snprintf(shown, sizeof shown, "%.*s", (int)(n < 60 ? n : 60), s + i);
		diag_report(d, D_MD_PHONE, p, shown, shown, tel);
		i += n - 1;
	}
}

/* Whether the text holds "[^" (memchr is much faster than memmem here). */
static int S_has_footnote(const char *s, size_t len)
{
	const char *e = s + len;
	for (const char *p = s; (p = memchr(p, '[', (size_t)(e - p))); p++)
		if (p + 1 < e && p[1] == '^')
			return 1;
	return 0;
}

struct heading {
	cmark_node *node;
	char *id; /* its slug, made unique by S_heading_id */
};

/* Give heading i an id unique among the ones before it (a "-2", "-3" ...
 * suffix otherwise) and wrap its text in a custom block carrying that id. */
static void S_heading_id(struct heading *heads, size_t i, cmark_mem *mem)
{
	struct heading *h = &heads[i];
	struct buf id = BUF_INIT;
	buf_adds(&id, h->id);
	free(h->id);
	size_t base = id.len;
	for (int k = 2;; k++) {
		size_t j = 0;
		while (j < i && strcmp(heads[j].id, id.ptr) != 0)
			j++;
		if (j == i)
			break;
		char suffix[16];
		int n = snprintf(suffix, sizeof suffix, "-%d", k);
		buf_setlen(&id, base);
		buf_add(&id, suffix, (size_t)n);
	}
	char level = (char)('0' + cmark_node_get_heading_level(h->node)); /* 1 to 6 */
	struct buf open = BUF_INIT;
	buf_grow(&open, id.len + 12);
	buf_add(&open, "<h", 2);
	buf_addch(&open, level);
	buf_add(&open, " id=\"", 5);
	for (const char *c = id.ptr; *c; c++)
		if (*c != '"' && *c != '<' && *c != '&' && *c != '>')
			buf_addch(&open, *c);
	buf_add(&open, "\">", 2);
	char close[] = { '<', '/', 'h', level, '>', '\n', '\0' };
	cmark_node *cb = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
	cmark_node_set_on_enter(cb, open.ptr);
	cmark_node_set_on_exit(cb, close);
	/* move the heading's inline children into the custom block */
	cmark_node *c;
	while ((c = cmark_node_first_child(h->node))) {
		cmark_node_unlink(c);
		if (!cmark_node_append_child(cb, c))
			abort(); /* cmark lets a custom block hold inlines */
	}
	/* The moved text may point into the heading's own buffer: keep the
	 * detached heading alive until the HTML is rendered. */
	cmark_node_replace(h->node, cb);
	buf_free(&open);
	h->id = buf_detach(&id, NULL);
}

/* A phone number reads left to right in right-to-left text too ("+31 20"
 * must not become "20 31+"): tel: links get dir="ltr", which also isolates
 * them from the text around. */
static const char *S_tel_ltr(struct arena *a, const char *html, size_t n)
{
	static const char open[] = "<a href=\"tel:";
	if (!memmem(html, n, open, sizeof open - 1))
		return arena_strndup(a, html, n);
	struct buf b = BUF_INIT;
	const char *p = html, *end = html + n, *hit;
	while ((hit = memmem(p, (size_t)(end - p), open, sizeof open - 1))) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, "<a dir=\"ltr\" href=\"tel:");
		p = hit + sizeof open - 1;
	}
	buf_add(&b, p, (size_t)(end - p));
	const char *r = arena_strndup(a, b.ptr, b.len);
	buf_free(&b);
	return r;
}

const char *md_render(struct arena *a, const char *text, size_t len, struct pos at, int flags,
		      struct links *links, int *words, struct diags *d)
{
	/* Footnotes cost cmark a walk over the whole document; a text without
	 * "[^" cannot have one, so only texts with it pay. */
	int opts = CMARK_OPT_SMART | (S_has_footnote(text, len) ? CMARK_OPT_FOOTNOTES : 0);
	if (flags & MD_ALLOW_RAW_HTML)
		opts |= CMARK_OPT_UNSAFE;
	cmark_mem *mem = md_system_alloc ? cmark_get_default_mem_allocator() : &md_mem;
	cmark_parser *p = cmark_parser_new_with_mem(opts, mem);
	for (size_t i = 0; i < sizeof md_exts / sizeof *md_exts; i++)
		if (md_exts[i])
			cmark_parser_attach_syntax_extension(p, md_exts[i]);
	cmark_parser_feed(p, text, len);
	cmark_node *doc = cmark_parser_finish(p);

	/* One pass: check and collect; count words and sentences of each
	 * paragraph and heading as its text goes by; remember headings and
	 * their text for the ids. */
	struct heading *heads = NULL;
	size_t nheads = 0, capheads = 0;
	int total_words = 0, collecting = 0, in_link = 0;
	struct buf para = BUF_INIT; /* the paragraph or heading being walked */
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (type == CMARK_NODE_LINK)
				in_link--;
			if (type != CMARK_NODE_PARAGRAPH && type != CMARK_NODE_HEADING)
				continue;
			collecting = 0;
			total_words += S_count_sentences(para.ptr, para.len, S_node_pos(n, at, flags),
						       (flags & MD_CHECK_SENTENCES) ? d : NULL);
			if (type == CMARK_NODE_HEADING) {
				heads = xgrow(heads, &capheads, nheads + 1, sizeof *heads);
				struct buf slug = BUF_INIT;
				S_slugify(&slug, para.len ? para.ptr : "");
				heads[nheads++] = (struct heading){ n, buf_detach(&slug, NULL) };
			}
			continue;
		}
		switch (type) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (!(flags & MD_ALLOW_RAW_HTML))
				diag_report(d, D_RAW_HTML, S_node_pos(n, at, flags));
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (type == CMARK_NODE_LINK)
				in_link++;
			if (links) {
				links->items = xgrow(links->items, &links->cap, links->n + 1, sizeof *links->items);
				links->items[links->n++] = (struct link){ arena_strdup(a, cmark_node_get_url(n)),
									  S_node_pos(n, at, flags) };
			}
			break;
		case CMARK_NODE_HEADING:
		case CMARK_NODE_PARAGRAPH:
			buf_reset(&para);
			collecting = 1;
			break;
		case CMARK_NODE_TEXT:
			if (!in_link && d)
				S_check_phones(cmark_node_get_literal(n), S_node_pos(n, at, flags),
					       cmark_node_get_start_line(n) > 0, d);
			if (collecting)
				buf_adds(&para, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_CODE:
			if (collecting)
				buf_adds(&para, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			if (collecting)
				buf_addch(&para, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	buf_free(&para);

	/* Headings become custom blocks carrying an id, unique in the page. */
	for (size_t i = 0; i < nheads; i++)
		S_heading_id(heads, i, mem);

	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	for (size_t i = 0; i < nheads; i++)
		free(heads[i].id);
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
	const char *r = S_tel_ltr(a, html, n);
	if (mem == &md_mem) {
		/* All cmark allocated for this text is in this thread's bump
		 * allocator: emptying it frees the document, the detached
		 * headings and the parser at once, without cmark walking every
		 * node to free it (3% of a build). */
		S_md_reset();
	} else {
		for (size_t i = 0; i < nheads; i++)
			cmark_node_free(heads[i].node);
		mem->free(html);
		cmark_node_free(doc);
		cmark_parser_free(p);
	}
	free(heads);
	if (words)
		*words = total_words;
	return r;
}
