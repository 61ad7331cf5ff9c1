/* render_deps.c: which render jobs a change can reach.
 *
 * A job's memo key (memo.h) is exact, but it costs the job's values: for a
 * one-page change, building and hashing the values of 14,000 outputs was
 * most of the rebuild. So a build leaves, with the writer's journal
 * (writer_set_inputs), a record of what it rendered from:
 *   - one digest of what any page may read: the generator and the templates
 *     (memo_base), the bytes of site.yaml and orgs.yaml, each language's
 *     common values (sealed: theme strings, assets, footer, contact URL),
 *     and the build's options;
 *   - per content file that became pages or a tree: its path, the XXH3 of
 *     its bytes (page.src, tree.src), its kind, language and id, and a
 *     page's face (its URL, kind, layout and aliases).
 * The next build compares its own with it (render_change). When the digest
 * differs, or there is no trusted record, every job is keyed as before.
 * Otherwise the files that changed, came or went decide which jobs are keyed:
 *   - a page: every page of its kind and id, in every language (they name
 *     each other's URLs; a stand-in copies its original), with their
 *     redirects;
 *   - a tip: also the step plans, and their ask pages, that list it; the
 *     home page and tip overview of its language (of every language when a
 *     tip came or went: stand-ins), and only then is that language's tip
 *     list built;
 *   - a page with the contact layout, or its translation: every ask page
 *     (it shows the page: a stand-in takes the place of one that went);
 *   - a tree: every question, plan and ask page (answers, "one step back"
 *     and the step counts cross trees);
 *   - a language's search index: when the file of one of its pages changed
 *     (a stand-in's is its original's), a page came or went, or a tree
 *     changed;
 *   - the sitemap and the manifest are keyed by the digest and, of each
 *     file, its path, kind, id, language, and a tree's bytes or a page's
 *     URL, kind and aliases (render_change.files_key): a page's text
 *     changes neither;
 *   - always: the plan, organisation and search overviews and the help
 *     index (they list trees and organisations).
 * Every other job keeps what the journal says the output holds, without
 * values or key (render.c).
 *
 * HHD_DEPS_CHECK=1 keys the kept jobs as well and fails the build when a
 * key differs from the journal's: a missing rule shows as an error. The
 * incremental tests run with it. */
#include "render_page.h"

#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "strmap.h"
#include "xalloc.h"

/* One content file in the record. */
struct dep {
	const char *path, *id;
	struct cache_key src;
	struct cache_key face;        /* a page's URL, kind and aliases: what the
				       * sitemap and manifest read of it */
	char kind;                    /* 'h' home, 'p' page, 't' tip, 'r' tree */
	unsigned char lang;
};

static char S_page_kind(const struct page *p)
{
	return p->kind == PAGE_HOME ? 'h' : p->kind == PAGE_TIP ? 't' : 'p';
}

static int S_cmp_dep(const void *x, const void *y)
{
	return strcmp(((const struct dep *)x)->path, ((const struct dep *)y)->path);
}

static struct cache_key S_face(const struct page *p)
{
	struct memo_hasher h;
	memo_hasher_init(&h);
	unsigned char kind[2] = { (unsigned char)p->kind, (unsigned char)p->layout_id };
	memo_hasher_put(&h, kind, sizeof kind);
	memo_hasher_put(&h, p->url, strlen(p->url) + 1);
	for (size_t i = 0; i < p->aliases.n; i++)
		memo_hasher_put(&h, p->aliases.items[i].s, strlen(p->aliases.items[i].s) + 1);
	return memo_hasher_done(&h);
}

/* This build's files (not the stand-ins: they copy a file listed), by path. */
static struct dep *S_deps(const struct model *m, size_t *n)
{
	struct dep *d = xcalloc(m->npages + m->ntrees + 1, sizeof *d);
	size_t k = 0;
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		if (!p->fallback)
			d[k++] = (struct dep){ p->path, p->id, p->src, S_face(p), S_page_kind(p), (unsigned char)p->lang };
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		if (!t->fallback)
			d[k++] = (struct dep){ t->path, t->id, t->src, { 0, 0 }, 'r', (unsigned char)t->lang };
	}
	qsort(d, k, sizeof *d, S_cmp_dep);
	*n = k;
	return d;
}

/* The record: the digest (16 bytes), the count (8), then per file its
 * src (16), face (16), kind (1), language (1), path and id with their NULs. */
static void S_encode(struct cache_key global, const struct dep *d, size_t n, struct buf *out)
{
	uint64_t count = n;
	buf_add(out, &global, sizeof global);
	buf_add(out, &count, sizeof count);
	for (size_t i = 0; i < n; i++) {
		buf_add(out, &d[i].src, sizeof d[i].src);
		buf_add(out, &d[i].face, sizeof d[i].face);
		buf_addch(out, d[i].kind);
		buf_addch(out, (char)d[i].lang);
		buf_add(out, d[i].path, strlen(d[i].path) + 1);
		buf_add(out, d[i].id, strlen(d[i].id) + 1);
	}
}

/* The last build's record: 0 with its files in *d (strings into `data`),
 * or -1 when it is damaged or its digest is not `global`. */
static int S_decode(const char *data, size_t len, struct cache_key global, struct dep **dp, size_t *np)
{
	const char *p = data, *end = data + len;
	struct cache_key g;
	uint64_t count;
	if (len < sizeof g + sizeof count)
		return -1;
	memcpy(&g, p, sizeof g);
	memcpy(&count, p + sizeof g, sizeof count);
	p += sizeof g + sizeof count;
	if (!cache_key_eq(g, global) || count > len)
		return -1;
	struct dep *d = xcalloc((size_t)count + 1, sizeof *d);
	const size_t head = 2 * sizeof(struct cache_key) + 2; /* src, face, kind, language */
	for (uint64_t i = 0; i < count; i++) {
		const char *nul, *nul2;
		if ((size_t)(end - p) < head + 1 || !(nul = memchr(p + head, '\0', (size_t)(end - p) - head))
		    || !(nul2 = memchr(nul + 1, '\0', (size_t)(end - nul - 1)))) {
			free(d);
			return -1;
		}
		memcpy(&d[i].src, p, sizeof d[i].src);
		memcpy(&d[i].face, p + sizeof d[i].src, sizeof d[i].face);
		d[i].kind = p[head - 2];
		d[i].lang = (unsigned char)p[head - 1];
		d[i].path = p + head;
		d[i].id = nul + 1;
		if (d[i].lang >= HHD_MAX_LANGS || (i && strcmp(d[i - 1].path, d[i].path) >= 0)) {
			free(d);
			return -1; /* not written by S_encode */
		}
		p = nul2 + 1;
	}
	if (p != end) {
		free(d);
		return -1;
	}
	*dp = d;
	*np = (size_t)count;
	return 0;
}

/* Is the group of pages of this kind and id in ch->groups (keys: the
 * kind's letter, then the id)? */
static int S_group_changed(const struct render_change *ch, char kind, const char *id)
{
	char k[128], *key = k;
	size_t n = strlen(id);
	if (n + 2 > sizeof k)
		key = xmalloc(n + 2);
	key[0] = kind;
	memcpy(key + 1, id, n + 1);
	int r = strmap_get(ch->groups, key) != NULL;
	if (key != k)
		free(key);
	return r;
}

/* A file that changed (`moved` 0), or came or went (1). */
static void S_changed(struct render_change *ch, const struct dep *d, int moved)
{
	if (d->kind == 'r') {
		ch->trees = 1;
		return;
	}
	char k[2] = { d->kind, '\0' };
	strmap_put(ch->groups, arena_cat(&ch->a, k, d->id, NULL), (void *)1);
	strmap_put(ch->paths, arena_strdup(&ch->a, d->path), (void *)1);
	if (d->kind == 't') {
		strmap_put(ch->tipids, arena_strdup(&ch->a, d->id), (void *)1);
		if (moved) /* it makes or drops stand-ins in every list */
			memset(ch->tips, 1, sizeof ch->tips);
	}
	/* a page that comes or goes also makes or drops stand-ins in the
	 * other languages: each language's search index may change */
	if (moved)
		memset(ch->langs, 1, sizeof ch->langs);
}

struct cache_key render_global(const struct render_ctx *c)
{
	const struct model *m = c->m;
	struct memo_hasher h;
	memo_hasher_init(&h);
	memo_hasher_put(&h, &c->base, sizeof c->base);
	memo_hasher_put(&h, &m->site_src, sizeof m->site_src);
	memo_hasher_put(&h, &m->orgs_src, sizeof m->orgs_src);
	int opts[4] = { m->site.nlangs, m->drafts, m->preview, m->no_search_index };
	memo_hasher_put(&h, opts, sizeof opts);
	/* the assets' bytes (their URLs carry only 32 bits of a hash) */
	for (size_t i = 0; i < c->t->nassets; i++) {
		const struct asset *as = &c->t->assets[i];
		memo_hasher_put(&h, as->url, strlen(as->url) + 1);
		memo_hasher_put(&h, as->data.ptr, as->data.len);
	}
	for (int li = 0; li < m->site.nlangs; li++) {
		const void *k = c->sh->common[li]->digest;
		if (k)
			memo_hasher_put(&h, k, sizeof(struct cache_key));
	}
	return memo_hasher_done(&h);
}

void render_change(struct render_change *ch, const struct render_ctx *c, const void *last, size_t len,
		   struct buf *record)
{
	const struct model *m = c->m;
	memset(ch, 0, sizeof *ch);
	arena_init(&ch->a);
	/* these hold what changed: a few entries after an edit */
	ch->groups = strmap_new();
	ch->tipids = strmap_new();
	ch->paths = strmap_new();
	struct cache_key global = render_global(c);
	size_t n, nold = 0;
	struct dep *now = S_deps(m, &n), *old = NULL;
	S_encode(global, now, n, record);
	/* what the sitemap and manifest read: the global inputs, and of each
	 * file its place, its kind and id, a tree's bytes and a page's face */
	struct memo_hasher h;
	memo_hasher_init(&h);
	memo_hasher_put(&h, &global, sizeof global);
	for (size_t i = 0; i < n; i++) {
		memo_hasher_put(&h, now[i].path, strlen(now[i].path) + 1);
		memo_hasher_put(&h, now[i].id, strlen(now[i].id) + 1);
		memo_hasher_put(&h, &now[i].kind, 1);
		memo_hasher_put(&h, &now[i].lang, 1);
		memo_hasher_put(&h, now[i].kind == 'r' ? &now[i].src : &now[i].face, sizeof now[i].src);
	}
	ch->files_key = memo_hasher_done(&h);
	if (!last || S_decode(last, len, global, &old, &nold) < 0) {
		ch->all = 1;
		free(now);
		return;
	}
	/* both sorted by path: one merge */
	size_t i = 0, k = 0;
	while (i < n || k < nold) {
		int r = i == n ? 1 : k == nold ? -1 : strcmp(now[i].path, old[k].path);
		if (r < 0) {
			S_changed(ch, &now[i++], 1); /* came */
		} else if (r > 0) {
			S_changed(ch, &old[k++], 1); /* went */
		} else {
			if (!cache_key_eq(now[i].src, old[k].src) || now[i].kind != old[k].kind
			    || now[i].lang != old[k].lang || strcmp(now[i].id, old[k].id)) {
				S_changed(ch, &now[i], 0);
				S_changed(ch, &old[k], 0);
			}
			i++;
			k++;
		}
	}
	free(now);
	free(old);
	if (ch->trees)
		memset(ch->langs, 1, sizeof ch->langs);
	for (size_t p = 0; p < m->npages; p++) {
		const struct page *pg = m->pages[p];
		/* the languages with a page whose file changed (a stand-in
		 * has its original's path) */
		if (strmap_get(ch->paths, pg->path)) {
			ch->langs[pg->lang] = 1;
			if (pg->kind == PAGE_TIP)
				ch->tips[pg->lang] = 1;
		}
		/* a contact page of a group that changed: also one whose
		 * translation went, so that a stand-in shows in its place */
		if (pg->layout_id == LAYOUT_CONTACT && pg->kind == PAGE_PAGE && S_group_changed(ch, 'p', pg->id))
			ch->contact = 1;
	}
}

/* Does the outcome list a tip that changed? */
static int S_lists_changed_tip(const struct render_change *ch, const struct node *n)
{
	for (size_t i = 0; i < n->tips.n; i++)
		if (strmap_get(ch->tipids, n->tips.items[i].s))
			return 1;
	return 0;
}

int render_affected(const struct render_change *ch, const struct render_job *j, int ask)
{
	if (ch->all)
		return 1;
	switch (j->kind) {
	case J_PAGE:
	case J_REDIRECT: {
		const struct page *p = j->kind == J_PAGE ? j->page : j->from;
		if (p->kind == PAGE_HOME && j->kind == J_PAGE && ch->tips[j->lang])
			return 1; /* it lists the tips */
		return S_group_changed(ch, S_page_kind(p), p->id);
	}
	case J_NODE:
	case J_ASK:
		if (ch->trees || (ask && ch->contact))
			return 1;
		return j->node->is_outcome && S_lists_changed_tip(ch, j->node);
	case J_TIPS:
		return ch->tips[j->lang];
	case J_SEARCH:
		return 1; /* its A-Z lists the plans; the index: render_index_affected */
	default:
		return 1; /* the overviews and the help index list */
	}
}

int render_index_affected(const struct render_change *ch, int lang)
{
	return ch->all || ch->langs[lang];
}

void render_change_free(struct render_change *ch)
{
	if (ch->groups)
		strmap_free(ch->groups);
	if (ch->tipids)
		strmap_free(ch->tipids);
	if (ch->paths)
		strmap_free(ch->paths);
	arena_free(&ch->a);
	memset(ch, 0, sizeof *ch);
}
