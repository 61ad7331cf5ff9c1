/* render_search.c: a language's search index (generator/search.c) from the
 * validated model: reads the model, writes into a buffer. For hhd build it
 * also reads and renews the language's kept word cache (below), which
 * changes how fast the index is built, never its bytes.
 *
 * What goes in (issue 12; tests/search/docs.py mirrors it for the tests
 * that run without hhd):
 *   plan     a tree's start page: title, summary, keywords, its questions
 *            and answer labels, and the triage answer labels that lead to it
 *   outcome  title, intro, step titles, with the tree's title as a heading
 *   tip      title, summary, keywords, tags, headings
 *   page     the same (the triage tree is a page: it leads everywhere, so
 *            it must not rank as a plan)
 *   org      name and what it does, in the language
 * Body text (step bodies, the text of tips and pages) stays out: the issue
 * lists what is indexed without it, and it would make the index of a large
 * site many times larger and its build slower for little gain (keywords
 * carry the victims' words). */
#include "render_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "search.h"
#include "tree.h"

/* Where the walk below sends what it finds: into the index, or (when `h`
 * is set) into a hash of exactly those inputs, the index's memo key
 * (memo.h): the same walk, so the key cannot miss an input. */
struct feed {
	struct search_index *ix;
	struct memo_hasher *h;
};

static void S_hash_str(struct memo_hasher *h, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0; /* NULL and "" differ */
	memo_hasher_put(h, &n, sizeof n);
	if (n)
		memo_hasher_put(h, s, n);
}

static void S_doc(struct feed *f, enum search_kind kind, const char *url, const char *title, const char *group)
{
	if (f->h) {
		unsigned k = 0x100u + (unsigned)kind;
		memo_hasher_put(f->h, &k, sizeof k);
		S_hash_str(f->h, url);
		S_hash_str(f->h, title);
		S_hash_str(f->h, group);
		return;
	}
	search_index_doc(f->ix, kind, url, title, group);
}

static void S_text(struct feed *f, enum search_field fld, const char *s)
{
	if (!s || !*s || fld == SEARCH_FIELD__MAX)
		return;
	if (f->h) {
		unsigned k = (unsigned)fld;
		memo_hasher_put(f->h, &k, sizeof k);
		S_hash_str(f->h, s);
		return;
	}
	search_index_field(f->ix, fld, s, strlen(s));
}

static void S_list(struct feed *f, enum search_field fld, const struct slist *l)
{
	for (size_t i = 0; i < l->n; i++)
		S_text(f, fld, l->items[i].s);
}

struct part {
	struct feed *f;
	enum search_field body;
};

static void S_part(void *arg, int heading, const char *text)
{
	struct part *pa = arg;
	S_text(pa->f, heading ? SEARCH_F_HEADING : pa->body, text);
}

/* The headings (<h1>..<h6>) of rendered Markdown, as heading text; with
 * body < SEARCH_FIELD__MAX the rest too, as `body`. */
static void S_html(struct feed *f, enum search_field body, const char *html)
{
	if (!html)
		return;
	if (f->h) {
		/* what comes out of it depends on these bytes alone */
		unsigned k = 0x200u + (unsigned)body;
		memo_hasher_put(f->h, &k, sizeof k);
		S_hash_str(f->h, html);
		return;
	}
	struct part pa = { f, body };
	search_html_parts(html, body != SEARCH_FIELD__MAX, S_part, &pa);
}

static int S_is_triage(const struct model *m, const struct tree *t)
{
	return m->site.triage.s && !strcmp(t->id, m->site.triage.s);
}

static void S_tree(const struct model *m, struct feed *ix, const struct tree *t)
{
	int triage = S_is_triage(m, t);
	S_doc(ix, triage ? SEARCH_PAGE : SEARCH_PLAN, t->url, t->title.s ? t->title.s : t->id,
	    triage ? NULL : t->id);
	S_text(ix, SEARCH_F_TITLE, t->title.s);
	S_text(ix, SEARCH_F_SUMMARY, t->summary.s);
	S_list(ix, SEARCH_F_KEYWORDS, &t->keywords);
	/* the triage answers that lead here describe the tree in a victim's words */
	for (size_t i = 0; !triage && i < m->ntrees; i++) {
		const struct tree *x = m->trees[i];
		if (x->lang != t->lang || !S_is_triage(m, x))
			continue;
		for (size_t k = 0; k < x->nnodes; k++)
			for (size_t a = 0; a < x->nodes[k].nanswers; a++)
				if (x->nodes[k].answers[a].target_tree == t)
					S_text(ix, SEARCH_F_ANSWER, x->nodes[k].answers[a].label.s);
	}
	for (size_t k = 0; k < t->nnodes; k++) {
		const struct node *n = &t->nodes[k];
		if (n->is_outcome)
			continue;
		S_text(ix, SEARCH_F_QUESTION, n->question.s);
		for (size_t a = 0; a < n->nanswers; a++)
			S_text(ix, SEARCH_F_ANSWER, n->answers[a].label.s);
	}
	if (triage)
		return;
	for (size_t k = 0; k < t->nnodes; k++) {
		const struct node *n = &t->nodes[k];
		if (!n->is_outcome || !n->url)
			continue;
		S_doc(ix, SEARCH_OUTCOME, n->url, n->title.s ? n->title.s : n->id.s, t->id);
		S_text(ix, SEARCH_F_TITLE, n->title.s);
		S_text(ix, SEARCH_F_HEADING, t->title.s);
		S_html(ix, SEARCH_F_SUMMARY, n->intro_html);
		for (size_t s = 0; s < n->nsteps; s++) {
			S_text(ix, SEARCH_F_STEP, n->steps[s].title.s);
		}
	}
}

static void S_page(struct feed *ix, const struct page *p)
{
	S_doc(ix, p->kind == PAGE_TIP ? SEARCH_TIP : SEARCH_PAGE, p->url, p->title.s ? p->title.s : p->id,
	    NULL);
	S_text(ix, SEARCH_F_TITLE, p->title.s);
	S_text(ix, SEARCH_F_SUMMARY, p->summary.s);
	S_list(ix, SEARCH_F_KEYWORDS, &p->keywords);
	S_list(ix, SEARCH_F_KEYWORDS, &p->tags);
	/* its headings, taken from the body when it was loaded (page.c) */
	for (size_t k = 0; k < p->nheadings; k++)
		S_text(ix, SEARCH_F_HEADING, p->headings[k]);
}

/* Every document and field of language `lang`'s index, into `f`. */
static void S_walk(const struct model *m, int lang, struct arena *a, struct feed *f)
{
	const struct lang *l = &m->site.langs[lang];
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang && m->trees[i]->url)
			S_tree(m, f, m->trees[i]);
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		/* the home page is where the search starts, not a result */
		if (p->lang == lang && p->kind != PAGE_HOME && p->url)
			S_page(f, p);
	}
	for (size_t i = 0; i < m->norgs; i++) {
		const struct org *o = &m->orgs[i];
		if (o->kind == ORG_COMMERCIAL && !m->site.allow_commercial)
			continue;
		const char *url = arena_cat(a, l->orgs_url, "#", o->id.s, NULL);
		S_doc(f, SEARCH_ORG, url, o->name[lang] ? o->name[lang] : o->id.s, NULL);
		S_text(f, SEARCH_F_TITLE, o->name[lang]);
		S_html(f, SEARCH_F_SUMMARY, o->about_html[lang]);
	}
}

static enum search_lang S_lang(const struct model *m, int lang)
{
	int sl = search_lang_find(m->site.langs[lang].code);
	return sl < 0 ? SEARCH_FOLD : (enum search_lang)sl;
}

/* ---- hhd build's word cache on disk ----
 *
 * hhd serve keeps each language's search_wcache in memory; hhd build keeps
 * it in the cache file "words-<lang>" beside the output (cache.h): the
 * hhd executable's identity (cache_self: a rebuilt hhd may split words
 * differently), then search_wcache_encode's bytes. A build whose lookups
 * missed only a few texts (one page edited) does not write it again: those
 * few are split again next time, which costs less than writing it. */

#define WORDS_PREFIX "words-"

static void S_words_name(const struct model *m, int lang, char *name, size_t n)
{
	snprintf(name, n, "%s%s", WORDS_PREFIX, m->site.langs[lang].code);
}

/* The language's kept cache, or an empty one (*found 0). */
static struct search_wcache *S_words_load(const struct model *m, int lang, int *found)
{
	char name[64];
	S_words_name(m, lang, name, sizeof name);
	struct cache_map map;
	struct search_wcache *wc = NULL;
	struct cache_key self = cache_self(), kept;
	if (cache_map(m->cache_out, name, WORDS_FORMAT, &map) == 0) {
		if (map.len >= sizeof kept) {
			memcpy(&kept, map.data, sizeof kept);
			if (cache_key_eq(kept, self))
				wc = search_wcache_decode(map.data + sizeof kept, map.len - sizeof kept);
		}
		cache_unmap(&map);
	}
	*found = wc != NULL;
	return wc ? wc : search_wcache_new();
}

static void S_words_save(const struct model *m, int lang, const struct search_wcache *wc)
{
	char name[64];
	S_words_name(m, lang, name, sizeof name);
	struct buf b = BUF_INIT;
	struct cache_key self = cache_self();
	buf_add(&b, &self, sizeof self);
	search_wcache_encode(wc, &b);
	cache_write(m->cache_out, name, WORDS_FORMAT, b.ptr, b.len); /* lost: only time */
	buf_free(&b);
}

int render_search_index(const struct model *m, int lang, struct arena *a, struct buf *out)
{
	struct feed f = { search_index_new(S_lang(m, lang)), NULL };
	if (!f.ix)
		return SEARCH_E_STEMMER;
	struct search_wcache *kept = NULL;
	int found = 0;
	if (m->wcache)
		search_index_use(f.ix, m->wcache[lang]);
	else if (m->cache_out)
		search_index_use(f.ix, kept = S_words_load(m, lang, &found));
	S_walk(m, lang, a, &f);
	enum search_err rc = search_index_write(f.ix, out);
	search_index_free(f.ix);
	if (kept) {
		size_t builds, texts, hits, misses;
		search_wcache_stats(kept, &builds, &texts, &hits, &misses);
		int save = rc == SEARCH_OK && (!found || misses * WORDS_SAVE_SHARE > hits + misses);
		if (save)
			S_words_save(m, lang, kept);
		if (getenv("HHD_TIMING"))
			fprintf(stderr, "hhd: timing: search words of %s: %zu texts reused, %zu split (kept file %s)\n",
				m->site.langs[lang].code, hits, misses, save ? "written" : "unchanged");
		search_wcache_free(kept);
	}
	return rc == SEARCH_OK ? 0 : (int)rc;
}

struct cache_key render_search_key(const struct model *m, int lang, struct arena *a, struct cache_key base)
{
	struct memo_hasher h;
	memo_hasher_init(&h);
	struct feed f = { NULL, &h };
	memo_hasher_put(&h, "search-index", 12);
	memo_hasher_put(&h, &base, sizeof base);
	unsigned sl = (unsigned)S_lang(m, lang);
	memo_hasher_put(&h, &sl, sizeof sl);
	S_walk(m, lang, a, &f);
	return memo_hasher_done(&h);
}
