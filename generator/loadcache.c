/* loadcache.c: parsed content files kept between hhd serve's builds (loadcache.h).
 *
 * Each build's parses go into arenas of one generation; an entry names its
 * generation, which is freed once no entry names it any more (at the next
 * loadcache_begin, when no model can point into it). Entries are looked up by
 * path in a strmap whose keys they own; an entry whose file changed keeps its
 * key with no result (a strmap cannot delete). */
#include "loadcache.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strmap.h"
#include "xalloc.h"

struct lc_gen {
	struct arena **arenas;
	size_t narenas;
	size_t live;                 /* entries naming it */
	struct lc_gen *next;
};

struct lc_entry {
	char *path;                  /* the map's key (owned) */
	struct page *page;           /* as parsed; NULL with tree NULL: nothing kept */
	struct tree *tree;
	struct diag *reports;        /* the parse's diagnostics (owned copies) */
	size_t nreports;
	struct lc_gen *gen;
	unsigned long used;          /* the build that last listed the file */
};

struct loadcache {
	struct strmap *map;          /* path -> struct lc_entry * */
	struct lc_entry **entries;   /* every entry, for forget and sweep */
	size_t nentries, capentries;
	struct lc_gen *gens;
	struct lc_gen *cur;          /* this build's, from loadcache_begin */
	char *settings;              /* what parses depend on besides the file */
	unsigned long build;
	size_t reused, parsed;
};

struct loadcache *loadcache_new(void)
{
	struct loadcache *lc = xcalloc(1, sizeof *lc);
	lc->map = strmap_new();
	return lc;
}

static void S_gen_free(struct lc_gen *g)
{
	for (size_t i = 0; i < g->narenas; i++) {
		arena_free(g->arenas[i]);
		free(g->arenas[i]);
	}
	free(g->arenas);
	free(g);
}

/* Drop what e keeps (its key stays). */
static void S_drop(struct lc_entry *e)
{
	if (!e->page && !e->tree)
		return;
	if (e->page)
		free(e->page->links.items);
	if (e->tree)
		for (size_t k = 0; k < e->tree->nnodes; k++)
			free(e->tree->nodes[k].links.items);
	for (size_t i = 0; i < e->nreports; i++) {
		free(e->reports[i].path);
		free(e->reports[i].msg);
	}
	free(e->reports);
	e->reports = NULL;
	e->nreports = 0;
	e->page = NULL;
	e->tree = NULL;
	e->gen->live--;
	e->gen = NULL;
}

/* Free the generations no entry names (none of the model's copies point
 * into them: the model of the build before is freed by now). */
static void S_collect(struct loadcache *lc)
{
	struct lc_gen **pp = &lc->gens;
	while (*pp) {
		struct lc_gen *g = *pp;
		if (g->live == 0 && g != lc->cur) {
			*pp = g->next;
			S_gen_free(g);
		} else {
			pp = &g->next;
		}
	}
}

static void S_forget_all(struct loadcache *lc)
{
	for (size_t i = 0; i < lc->nentries; i++)
		S_drop(lc->entries[i]);
}

void loadcache_free(struct loadcache *lc)
{
	if (!lc)
		return;
	S_forget_all(lc);
	for (size_t i = 0; i < lc->nentries; i++) {
		free(lc->entries[i]->path);
		free(lc->entries[i]);
	}
	free(lc->entries);
	lc->cur = NULL;
	S_collect(lc);
	strmap_free(lc->map);
	free(lc->settings);
	free(lc);
}

void loadcache_forget(struct loadcache *lc, const char *const *paths, size_t n)
{
	if (n == 0) {
		S_forget_all(lc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct lc_entry *e = strmap_get(lc->map, paths[i]);
		if (e) {
			S_drop(e);
			continue;
		}
		/* not a kept file: maybe a folder above some (moved, removed) */
		size_t len = strlen(paths[i]);
		for (size_t k = 0; k < lc->nentries; k++) {
			const char *p = lc->entries[k]->path;
			if (!strncmp(p, paths[i], len) && p[len] == '/')
				S_drop(lc->entries[k]);
		}
	}
}

void loadcache_begin(struct loadcache *lc, const struct site *s)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "raw=%d", s->allow_raw_html);
	for (int i = 0; i < s->nlangs; i++)
		buf_addf(&b, " %s", s->langs[i].code);
	if (!lc->settings || strcmp(lc->settings, b.ptr)) {
		S_forget_all(lc);
		free(lc->settings);
		lc->settings = buf_detach(&b, NULL);
	}
	buf_free(&b);
	lc->build++;
	lc->reused = lc->parsed = 0;
	lc->cur = NULL;
	S_collect(lc);
	lc->cur = xcalloc(1, sizeof *lc->cur);
	lc->cur->next = lc->gens;
	lc->gens = lc->cur;
}

struct arena *loadcache_arena(struct loadcache *lc)
{
	struct lc_gen *g = lc->cur;
	struct arena *a = xmalloc(sizeof *a);
	arena_init(a);
	g->arenas = xrealloc(g->arenas, (g->narenas + 1) * sizeof *g->arenas);
	g->arenas[g->narenas++] = a;
	return a;
}

const struct lc_entry *loadcache_get(struct loadcache *lc, const char *path)
{
	struct lc_entry *e = strmap_get(lc->map, path);
	if (!e || (!e->page && !e->tree))
		return NULL;
	e->used = lc->build;
	lc->reused++;
	return e;
}

const struct lc_entry *loadcache_put(struct loadcache *lc, const char *path, struct page *p, struct tree *t,
		   const struct diags *reports)
{
	struct lc_entry *e = strmap_get(lc->map, path);
	if (!e) {
		e = xcalloc(1, sizeof *e);
		e->path = xstrdup(path);
		strmap_put(lc->map, e->path, e);
		lc->entries = xgrow(lc->entries, &lc->capentries, lc->nentries + 1, sizeof *lc->entries);
		lc->entries[lc->nentries++] = e;
	}
	S_drop(e);
	e->page = p;
	e->tree = t;
	e->gen = lc->cur;
	e->gen->live++;
	e->used = lc->build;
	if (reports->n) {
		e->reports = xcalloc(reports->n, sizeof *e->reports);
		for (size_t i = 0; i < reports->n; i++) {
			e->reports[i] = reports->list[i];
			e->reports[i].path = xstrdup(reports->list[i].path);
			e->reports[i].msg = xstrdup(reports->list[i].msg);
		}
		e->nreports = reports->n;
	}
	lc->parsed++;
	return e;
}

static void *S_dup(struct arena *a, const void *p, size_t n, size_t size)
{
	void *c = arena_zalloc(a, (n ? n : 1) * size);
	if (n)
		memcpy(c, p, n * size);
	return c;
}

static struct links S_links_dup(const struct links *l)
{
	struct links c = { NULL, l->n, l->n };
	if (l->n) {
		c.items = xmalloc(l->n * sizeof *c.items);
		memcpy(c.items, l->items, l->n * sizeof *c.items);
	}
	return c;
}

void loadcache_use(const struct lc_entry *e, struct arena *a, struct diags *d, struct page **pp, struct tree **tp)
{
	for (size_t i = 0; i < e->nreports; i++) {
		const struct diag *g = &e->reports[i];
		diag_add(d, g->id, g->path, g->line, g->col, g->msg);
	}
	*pp = NULL;
	*tp = NULL;
	if (e->page) {
		struct page *c = arena_alloc(a, sizeof *c);
		*c = *e->page;
		c->links = S_links_dup(&e->page->links);
		/* validation completes aliases ("/old" -> "/old/") in place */
		c->aliases.items = S_dup(a, e->page->aliases.items, e->page->aliases.n, sizeof *c->aliases.items);
		*pp = c;
		return;
	}
	const struct tree *t = e->tree;
	struct tree *c = arena_alloc(a, sizeof *c);
	*c = *t;
	c->nodes = arena_zalloc(a, (t->nnodes + 1) * sizeof *c->nodes);
	for (size_t k = 0; k < t->nnodes; k++) {
		struct node *n = &c->nodes[k];
		*n = t->nodes[k];
		n->tree = c;
		n->links = S_links_dup(&t->nodes[k].links);
		/* answers get their targets in validation */
		n->answers = S_dup(a, t->nodes[k].answers, n->nanswers, sizeof *n->answers);
	}
	*tp = c;
}

void loadcache_sweep(struct loadcache *lc)
{
	for (size_t i = 0; i < lc->nentries; i++)
		if (lc->entries[i]->used != lc->build)
			S_drop(lc->entries[i]);
}

void loadcache_stats(const struct loadcache *lc, struct loadcache_stats *s)
{
	*s = (struct loadcache_stats){ lc->reused, lc->parsed };
}
