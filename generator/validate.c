/* validate.c: the cross-checks of validate.h. Derives URLs (languages,
 * pages, trees, nodes, "ask the helpdesk" pages), resolves answers and
 * translations, walks the trees, then checks aliases, links and policy. */
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "index.h"
#include "org.h"
#include "pool.h"
#include "strmap.h"
#include "suggest.h"
#include "tree.h"
#include "xalloc.h"

/* The language's fixed URLs; help_url waits for the trees' URLs. */
static void S_derive_lang_urls(struct model *m)
{
	for (int li = 0; li < m->site.nlangs; li++) {
		struct lang *l = &m->site.langs[li];
		l->home_url = arena_printf(m->arena, "/%s/", l->code);
		l->tips_url = arena_printf(m->arena, "/%s/%s/", l->code, l->sec_tips);
		l->plans_url = arena_printf(m->arena, "/%s/%s/", l->code, l->sec_plans);
		l->orgs_url = arena_printf(m->arena, "/%s/%s/", l->code, l->sec_orgs);
		l->help_index_url = arena_printf(m->arena, "/%s/%s/", l->code, l->sec_help);
		l->search_url = arena_printf(m->arena, "/%s/%s/", l->code, l->sec_search);
		l->search_index_url = arena_printf(m->arena, "/%s/%s/index.json", l->code, l->sec_search);
		l->notfound_url = arena_printf(m->arena, "/%s/404.html", l->code);
	}
}

/* The help button: the triage tree's start page in the language (or the
 * default language's), else the home page. */
static void S_derive_help_urls(struct model *m)
{
	for (int li = 0; li < m->site.nlangs; li++) {
		struct lang *l = &m->site.langs[li];
		const struct tree *t = NULL;
		if (m->site.triage.s) {
			t = tree_find(m, m->site.triage.s, li);
			if (!t)
				t = tree_find(m, m->site.triage.s, m->site.deflang);
		}
		l->help_url = t && t->url ? t->url : l->home_url;
	}
}

void validate_ask_urls(struct model *m, const struct theme *t)
{
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *tr = m->trees[i];
		const struct val *slug = t->strings[tr->lang] ? val_map_get(t->strings[tr->lang], "ask_slug") : NULL;
		const char *s = slug && slug->type == VAL_STR ? slug->s : "ask_slug";
		for (size_t k = 0; k < tr->nnodes; k++) {
			struct node *n = &tr->nodes[k];
			if (n->is_outcome && n->url)
				n->ask_url = arena_cat(m->arena, n->url, s, "/", NULL);
		}
	}
}

const struct page *page_with_layout(const struct model *m, int lang, enum layout layout)
{
	if (m->index)
		return index_get(m, IX_LAYOUT, lang, layout_names[layout]);
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->lang == lang && m->pages[i]->kind == PAGE_PAGE &&
		    m->pages[i]->layout_id == layout)
			return m->pages[i];
	return NULL;
}

const struct page *tip_find(const struct model *m, const char *id, int lang)
{
	if (m->index) {
		const struct page *p = index_get(m, IX_TIP, lang, id);
		return p ? p : index_get(m, IX_TIP, m->site.deflang, id);
	}
	const struct page *fallback = NULL;
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		if (p->kind != PAGE_TIP || strcmp(p->id, id))
			continue;
		if (p->lang == lang)
			return p;
		if (p->lang == m->site.deflang)
			fallback = p;
	}
	return fallback;
}

/* Whether file `a` counts as newer than `b` for a clash between them: the
 * later modification time, or on a tie (or when either cannot be read) the
 * later path in sort order. */
static int S_newer(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0) {
		if (sa.st_mtim.tv_sec != sb.st_mtim.tv_sec)
			return sa.st_mtim.tv_sec > sb.st_mtim.tv_sec;
		if (sa.st_mtim.tv_nsec != sb.st_mtim.tv_nsec)
			return sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec;
	}
	return strcmp(a, b) > 0;
}

/* Claim `url` for `owner` (a short description for messages, or the path
 * of the file at `at` when `file`). Two files with one URL: the error goes
 * on the one the editor changed last (S_newer), naming the other. */
static void S_claim(struct model *m, const char *url, const char *owner, int file, struct pos at,
		    struct diags *d)
{
	const char *prev = strmap_put(m->urls, url, (void *)owner);
	if (!prev) {
		if (file) {
			struct pos *p = arena_alloc(m->arena, sizeof *p);
			*p = at;
			strmap_put(m->claims, url, p);
		}
		return;
	}
	strmap_put(m->urls, url, (void *)prev);
	const struct pos *prev_at = strmap_get(m->claims, url);
	if (file && prev_at && prev_at->path && at.path && strcmp(prev_at->path, at.path) &&
	    S_newer(prev_at->path, at.path))
		diag_report(d, D_DUP_SLUG, *prev_at, url, owner);
	else
		diag_report(d, D_DUP_SLUG, at, url, prev);
}

/* The URL of a page of `kind` in language `lang` with this slug. */
static const char *S_page_url(const struct model *m, enum page_kind kind, int lang, const char *slug)
{
	const struct lang *l = &m->site.langs[lang];
	switch (kind) {
	case PAGE_HOME:
		return l->home_url;
	case PAGE_TIP:
		return arena_cat(m->arena, "/", l->code, "/", l->sec_tips, "/", slug, "/", NULL);
	case PAGE_PAGE:
	default:
		return arena_cat(m->arena, "/", l->code, "/", slug, "/", NULL);
	}
}

static void S_derive_page_urls(struct model *m, struct diags *d)
{
	for (int li = 0; li < m->site.nlangs; li++) {
		struct pos at = m->site.langs[li].pos;
		int has_home = 0;
		for (size_t i = 0; i < m->npages; i++)
			has_home |= m->pages[i]->kind == PAGE_HOME && m->pages[i]->lang == li;
		const struct lang *l = &m->site.langs[li];
		if (!has_home)
			S_claim(m, l->home_url, "the home page", 0, at, d);
		S_claim(m, l->tips_url, "the tips overview", 0, at, d);
		S_claim(m, l->plans_url, "the step-plan overview", 0, at, d);
		S_claim(m, l->orgs_url, "the organisations page", 0, at, d);
		S_claim(m, l->help_index_url, "the help section", 0, at, d);
		S_claim(m, l->search_url, "the search page", 0, at, d);
	}
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		p->url = S_page_url(m, p->kind, p->lang, p->slug.s ? p->slug.s : p->id);
		S_claim(m, p->url, p->path, 1, p->slug.s ? p->slug.pos : p->pos, d);
	}
}

/* ---- "did you mean" for the names an editor types (lib/suggest.h) ---- */

#define HINT_MAX 160

/* A node id of `t`. */
static const char *S_hint_node(const struct tree *t, const char *typed, char *out)
{
	struct suggest s;
	suggest_init(&s, typed);
	for (size_t k = 0; k < t->nnodes; k++)
		suggest_add(&s, t->nodes[k].id.s);
	return suggest_hint(&s, out, HINT_MAX);
}

/* What `next:` may say in tree `t`: a node of `t`, another tree of its
 * language (or the default language's), or "tree#node". */
static const char *S_hint_next(const struct model *m, const struct tree *t, const char *typed, char *out)
{
	struct suggest s;
	suggest_init(&s, typed);
	int hash = strchr(typed, '#') != NULL;
	if (!hash)
		for (size_t k = 0; k < t->nnodes; k++)
			suggest_add(&s, t->nodes[k].id.s);
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *o = m->trees[i];
		if (o == t || (o->lang != t->lang && o->lang != m->site.deflang) || !o->id)
			continue;
		if (o->lang != t->lang && tree_find(m, o->id, t->lang))
			continue; /* the default language's tree is used only where this one has none */
		if (!hash) {
			suggest_add(&s, o->id);
			continue;
		}
		for (size_t k = 0; k < o->nnodes; k++)
			if (o->nodes[k].id.s)
				suggest_add(&s, arena_printf(m->arena, "%s#%s", o->id, o->nodes[k].id.s));
	}
	return suggest_hint(&s, out, HINT_MAX);
}

static const char *S_hint_org(const struct model *m, const char *typed, char *out)
{
	struct suggest s;
	suggest_init(&s, typed);
	for (size_t i = 0; i < m->norgs; i++)
		suggest_add(&s, m->orgs[i].id.s);
	return suggest_hint(&s, out, HINT_MAX);
}

static const char *S_hint_tip(const struct model *m, int lang, const char *typed, char *out)
{
	struct suggest s;
	suggest_init(&s, typed);
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->kind == PAGE_TIP && m->pages[i]->lang == lang)
			suggest_add(&s, m->pages[i]->id);
	return suggest_hint(&s, out, HINT_MAX);
}


static void S_derive_tree_urls(struct model *m, struct diags *d)
{
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		const struct lang *l = &m->site.langs[t->lang];
		t->url = arena_cat(m->arena, "/", l->code, "/", l->sec_help, "/", t->slug.s ? t->slug.s : t->id, "/", NULL);
		S_claim(m, t->url, t->path, 1, t->slug.s ? t->slug.pos : t->pos, d);
		t->start_node = t->start.s ? tree_node(t, t->start.s) : NULL;
		char hint[HINT_MAX];
		if (t->start.s && !t->start_node)
			diag_report(d, D_TREE_START, t->start.pos, t->start.s, S_hint_node(t, t->start.s, hint));
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			if (!n->id.s)
				continue;
			if (n == t->start_node) {
				n->url = t->url;
				continue;
			}
			n->url = arena_cat(m->arena, t->url, n->id.s, "/", NULL);
			S_claim(m, n->url, t->path, 1, n->id.pos, d);
		}
	}
}

/* Translations: pages of the same kind and id, trees of the same id, across
 * languages. A missing one is not a problem to report page by page: the
 * language shows a stand-in (S_add_fallbacks) and `hhd check --report` lists
 * the state per language. A tree marked sensitive in one language is
 * sensitive in all. */
static void S_link_translations(struct model *m)
{
	static const char *const kind_key[] = { [PAGE_HOME] = "h/", [PAGE_PAGE] = "p/", [PAGE_TIP] = "t/" };
	struct strmap *by_key = strmap_new_cap(m->npages);
	struct page ***groups = xcalloc(m->npages + 1, sizeof *groups);
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		char *key = arena_cat(m->arena, kind_key[p->kind], p->id, NULL);
		struct page **group = strmap_get(by_key, key);
		if (!group) {
			group = arena_zalloc(m->arena, HHD_MAX_LANGS * sizeof *group);
			strmap_put(by_key, key, group);
		}
		group[p->lang] = p;
		groups[i] = group;
	}
	for (size_t i = 0; i < m->npages; i++)
		memcpy(m->pages[i]->trans, groups[i], HHD_MAX_LANGS * sizeof *groups[i]);
	free(groups);
	strmap_free(by_key);
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		for (int li = 0; li < m->site.nlangs; li++) {
			t->trans[li] = tree_find(m, t->id, li);
			if (t->trans[li] && t->trans[li]->sensitive)
				t->sensitive = 1;
		}
	}
}

/* Resolve `next` of every answer: "node", "tree" or "tree#node". A tree
 * missing in this language falls back to the default language's tree. */
static void S_resolve_answers(struct model *m, struct diags *d)
{
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			for (size_t a = 0; a < n->nanswers; a++) {
				struct answer *an = &n->answers[a];
				if (!an->next.s)
					continue;
				const char *hash = strchr(an->next.s, '#');
				if (!hash) {
					an->target = tree_node(t, an->next.s);
					if (an->target) {
						an->target_tree = t;
						continue;
					}
				}
				char *tid = hash ? arena_strndup(m->arena, an->next.s, (size_t)(hash - an->next.s))
						 : (char *)an->next.s;
				struct tree *o = tree_find(m, tid, t->lang);
				if (!o)
					o = tree_find(m, tid, m->site.deflang);
				if (o && o != t) {
					an->target_tree = o;
					an->target = hash ? tree_node(o, hash + 1) : o->start_node;
				}
				char hint[HINT_MAX];
				/* a tree whose start node is missing is reported there, once */
				if (!o && (model_unloaded_ref(m, UNLOADED_TREE, t->lang, tid) ||
					   model_unloaded_ref(m, UNLOADED_TREE, m->site.deflang, tid)))
					continue; /* that tree's file did not load: reported there */
				if (!an->target && !(o && o != t && !hash && !o->start_node))
					diag_report(d, D_TREE_NEXT, an->next.pos, an->next.s,
						    S_hint_next(m, t, an->next.s, hint));
			}
		}
	}
}

/* Breadth-first from the start: reachability, shortest-path parent, depth. */
static void S_walk_tree(struct tree *t, struct diags *d)
{
	if (!t->start_node)
		return;
	struct node **queue = xcalloc(t->nnodes + 1, sizeof *queue);
	size_t head = 0, tail = 0;
	t->start_node->reachable = 1;
	t->start_node->depth = 1;
	queue[tail++] = t->start_node;
	while (head < tail) {
		struct node *n = queue[head++];
		for (size_t a = 0; a < n->nanswers; a++) {
			struct node *c = n->answers[a].target;
			if (!c || c->tree != t || c->reachable)
				continue;
			c->reachable = 1;
			c->parent = n;
			c->depth = n->depth + 1;
			queue[tail++] = c;
		}
	}
	free(queue);
	for (size_t k = 0; k < t->nnodes; k++)
		if (t->nodes[k].id.s && !t->nodes[k].reachable)
			diag_report(d, D_TREE_UNREACHABLE, t->nodes[k].id.pos, t->nodes[k].id.s);
}

/* Depth-first search for cycles over all answers of one language, across
 * trees. Colours: 0 unseen, 1 on the stack, 2 done. Also computes, per
 * node, the most questions on a path within its own tree (outcomes do not
 * count: a one-question tree says "Vraag 1 van 1"). */
struct dfs {
	struct strmap *colour; /* node url -> (void *)colour */
	struct diags *d;
	struct arena *a;
};

static int S_dfs_visit(struct dfs *s, struct node *n)
{
	strmap_put(s->colour, n->url, (void *)1);
	int self = n->is_outcome ? 0 : 1;
	int longest = self;
	for (size_t a = 0; a < n->nanswers; a++) {
		struct node *c = n->answers[a].target;
		if (!c || !c->url)
			continue;
		intptr_t col = (intptr_t)strmap_get(s->colour, c->url);
		if (col == 1) {
			diag_report(s->d, D_TREE_CYCLE, n->answers[a].next.pos,
				    c->tree == n->tree ? c->id.s : arena_printf(s->a, "%s#%s", c->tree->id, c->id.s));
			continue;
		}
		int sub = col == 0 ? S_dfs_visit(s, c) : (int)(col >> 2);
		if (c->tree == n->tree && sub + self > longest)
			longest = sub + self;
	}
	strmap_put(s->colour, n->url, (void *)(intptr_t)(2 | (longest << 2)));
	return longest;
}

static void S_check_cycles(struct model *m, struct diags *d)
{
	struct dfs s = { strmap_new(), d, m->arena };
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			if (n->url && !strmap_get(s.colour, n->url))
				S_dfs_visit(&s, n);
		}
		if (t->start_node)
			t->longest = (int)((intptr_t)strmap_get(s.colour, t->start_node->url) >> 2);
		t->offset = 0; /* S_count_path sets them for trees the triage reaches */
		t->total = t->longest;
	}
	strmap_free(s.colour);
}

static void S_check_outcomes(struct model *m, struct diags *d)
{
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			if (!n->is_outcome)
				continue;
			int public_org = 0;
			for (size_t c = 0; c < n->contacts.n; c++) {
				const struct org *o = org_find(m, n->contacts.items[c].s);
				char hint[HINT_MAX];
				if (!o && model_unloaded_ref(m, UNLOADED_ORGS, 0, NULL))
					continue;
				if (!o) {
					diag_report(d, D_TREE_ORG, n->contacts.items[c].pos, n->contacts.items[c].s,
						    S_hint_org(m, n->contacts.items[c].s, hint));
					continue;
				}
				if (o->kind == ORG_COMMERCIAL && !m->site.allow_commercial)
					diag_report(d, D_TREE_COMMERCIAL, n->contacts.items[c].pos, o->id.s);
				if (o->kind != ORG_COMMERCIAL && o->kind != ORG_ROLE)
					public_org = 1;
			}
			if (!public_org && n->id.s && !model_unloaded_ref(m, UNLOADED_ORGS, 0, NULL))
				diag_report(d, D_TREE_NO_PUBLIC_ORG, n->id.pos, n->id.s);
			for (size_t c = 0; c < n->tips.n; c++) {
				char hint[HINT_MAX];
				const struct page *draft = NULL;
				for (size_t x = 0; x < m->nskipped && !draft; x++)
					if (m->skipped[x]->kind == PAGE_TIP && m->skipped[x]->lang == t->lang &&
					    !strcmp(m->skipped[x]->id, n->tips.items[c].s))
						draft = m->skipped[x];
				if (draft && !tip_find(m, n->tips.items[c].s, t->lang))
					diag_report(d, D_TREE_TIP_DRAFT, n->tips.items[c].pos, n->tips.items[c].s, draft->path);
				else if (!tip_find(m, n->tips.items[c].s, t->lang) &&
				    !model_unloaded_ref(m, UNLOADED_TIP, t->lang, n->tips.items[c].s))
					diag_report(d, D_TREE_TIP, n->tips.items[c].pos, n->tips.items[c].s,
						    S_hint_tip(m, t->lang, n->tips.items[c].s, hint));
			}
		}
	}
}

/* A translated tree must have the default language's node ids and edges. */
static void S_check_tree_translations(struct model *m, struct diags *d)
{
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		struct tree *base = t->trans[m->site.deflang];
		const char *bl = m->site.langs[m->site.deflang].code;
		if (t->lang == m->site.deflang || !base)
			continue;
		if (t->start.s && base->start.s && strcmp(t->start.s, base->start.s))
			diag_report(d, D_TREE_TRANS_NODES, t->start.pos, t->start.s, bl, "another start node");
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			if (!n->id.s)
				continue;
			struct node *b = tree_node(base, n->id.s);
			if (!b) {
				diag_report(d, D_TREE_TRANS_NODES, n->id.pos, n->id.s, bl, "no such node there");
				continue;
			}
			if (b->is_outcome != n->is_outcome) {
				diag_report(d, D_TREE_TRANS_NODES, n->id.pos, n->id.s, bl,
					    "a question in one, an outcome in the other");
				continue;
			}
			if (b->nanswers != n->nanswers) {
				diag_report(d, D_TREE_TRANS_NANSWERS, n->id.pos, n->id.s, n->nanswers, b->nanswers,
					    bl);
				continue;
			}
			/* answer by answer; an answer whose `next` does not resolve is
			 * reported where it is (D_TREE_NEXT), not blamed on the other file */
			for (size_t a = 0; a < n->nanswers; a++) {
				const struct answer *x = &n->answers[a], *y = &b->answers[a];
				if (!x->next.s || !y->next.s || !x->target || !y->target || !strcmp(x->next.s, y->next.s))
					continue;
				diag_report(d, D_TREE_TRANS_ANSWER, x->next.pos, a + 1, n->id.s, x->next.s, y->next.s,
					    bl);
			}
		}
		for (size_t k = 0; k < base->nnodes; k++)
			if (base->nodes[k].id.s && !tree_node(t, base->nodes[k].id.s))
				diag_report(d, D_TREE_TRANS_NODES, t->pos, base->nodes[k].id.s, bl,
					    "missing in this translation");
	}
}

static void S_check_aliases(struct model *m, struct diags *d)
{
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		for (size_t k = 0; k < p->aliases.n; k++) {
			struct sstr *al = &p->aliases.items[k];
			const char *s = al->s;
			int ok = s[0] == '/' && !strstr(s, "..") && !strstr(s, "//");
			for (const char *c = s; ok && *c; c++)
				ok = (unsigned char)*c > ' ' && *c != '"' && *c != '<' && *c != '>' && *c != '\\' &&
				     *c != '?' && *c != '#';
			if (!ok) {
				diag_report(d, D_ALIAS_BAD, al->pos, s);
				continue;
			}
			/* '/sitemap.xml' must collide with the file, '/old' with '/old/' */
			const char *prev = strmap_get(m->urls, s);
			size_t n = strlen(s);
			if (!prev && s[n - 1] != '/' && !(n > 5 && !strcmp(s + n - 5, ".html"))) {
				al->s = s = arena_printf(m->arena, "%s/", s);
				prev = strmap_get(m->urls, s);
			}
			if (prev) {
				diag_report(d, D_ALIAS_COLLIDES, al->pos, s, prev);
				continue;
			}
			strmap_put(m->urls, s, arena_printf(m->arena, "an alias in %s", p->path));
		}
	}
}

/* Resolve a link target against the page URL `base` into `out`, with
 * `path` as scratch (both reused from link to link); NULL for links that
 * leave the site (a scheme, or protocol-relative) or only name a fragment. */
static const char *S_resolve(struct buf *out, struct buf *path, const char *base, const char *url)
{
	if (!*url || url[0] == '#' || url[0] == '?')
		return NULL;
	if (url[0] == '/' && url[1] == '/')
		return NULL;
	for (const char *c = url; *c && *c != '/' && *c != '?' && *c != '#'; c++)
		if (*c == ':')
			return NULL; /* has a scheme: http:, mailto:, tel: */
	size_t n = strcspn(url, "?#");
	buf_reset(path);
	if (url[0] != '/')
		buf_adds(path, base); /* ends in '/' */
	buf_add(path, url, n);
	/* normalise . and .. segments (the result is at most 2 bytes longer) */
	buf_reset(out);
	buf_grow(out, path->len + 2);
	char *o = out->ptr;
	size_t k = 0;
	const char *p = path->ptr;
	while (*p) {
		while (*p == '/')
			p++;
		const char *seg = p;
		while (*p && *p != '/')
			p++;
		size_t sl = (size_t)(p - seg);
		if (sl == 0 || (sl == 1 && seg[0] == '.'))
			continue;
		if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			while (k > 0 && o[k - 1] != '/')
				k--;
			if (k > 0)
				k--;
			continue;
		}
		o[k++] = '/';
		memcpy(o + k, seg, sl);
		k += sl;
	}
	int dir = path->len && path->ptr[path->len - 1] == '/';
	if (!k || dir)
		o[k++] = '/';
	o[k] = '\0';
	out->len = k;
	return o;
}

/* Does the site have `u`, or it with "/" for "/index.html" or a "/"
 * added? `tmp` holds the variants (only reads the model: S_check_links's
 * threads call it). */
static int S_url_exists(const struct model *m, struct buf *tmp, const char *u)
{
	if (strmap_get(m->urls, u))
		return 1;
	size_t n = strlen(u);
	buf_reset(tmp);
	if (n > 11 && !strcmp(u + n - 11, "/index.html"))
		buf_add(tmp, u, n - 10);
	else if (u[n - 1] != '/')
		buf_add(tmp, u, n), buf_addch(tmp, '/');
	else
		return 0;
	return strmap_get(m->urls, tmp->ptr) != NULL;
}

/* Same URL, with or without a trailing "/" or "/index.html". */
static int S_same_url(struct arena *a, const char *u, const char *page_url)
{
	if (!strcmp(u, page_url))
		return 1;
	size_t n = strlen(u);
	if (n > 11 && !strcmp(u + n - 11, "/index.html"))
		return !strcmp(arena_strndup(a, u, n - 10), page_url);
	return u[n - 1] != '/' && !strcmp(arena_cat(a, u, "/", NULL), page_url);
}

/* A link `u` that names a page or tree by its file name where its slug
 * differs: " (did you mean 'URL'?)" with the URL the slug gives, else "". */
static const char *S_hint_link(const struct model *m, const char *u, char *out)
{
	*out = '\0';
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		if (p->kind == PAGE_HOME || !p->slug.s || !strcmp(p->slug.s, p->id) || !p->url)
			continue;
		if (S_same_url(m->arena, u, S_page_url(m, p->kind, p->lang, p->id))) {
			snprintf(out, HINT_MAX, " (did you mean '%s'?)", p->url);
			return out;
		}
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		if (!t->slug.s || !t->id || !t->url || !strcmp(t->slug.s, t->id))
			continue;
		const struct lang *l = &m->site.langs[t->lang];
		const char *by_id = arena_printf(m->arena, "/%s/%s/%s/", l->code, l->sec_help, t->id);
		size_t n = strlen(by_id);
		if (S_same_url(m->arena, u, by_id)) {
			snprintf(out, HINT_MAX, " (did you mean '%s'?)", t->url);
			return out;
		}
		if (!strncmp(u, by_id, n) && u[n]) { /* a node: keep its part of the path */
			snprintf(out, HINT_MAX, " (did you mean '%s%s'?)", t->url, u + n);
			return out;
		}
	}
	return out;
}

/* A link `u` that does not exist: to a draft (said so), to a file that did
 * not load (not reported again), or broken. */
static void S_link_missing(struct model *m, const char *u, const struct link *lk, struct diags *d)
{
	for (size_t i = 0; i < m->nskipped; i++) {
		const struct page *p = m->skipped[i];
		if (S_same_url(m->arena, u, S_page_url(m, p->kind, p->lang, p->slug.s ? p->slug.s : p->id))) {
			diag_report(d, D_LINK_DRAFT, lk->pos, lk->url, p->path);
			return;
		}
	}
	for (struct unloaded *x = m->unloaded; x; x = x->next) {
		const char *url = NULL;
		if (x->kind == UNLOADED_TIP || x->kind == UNLOADED_PAGE)
			url = S_page_url(m, x->kind == UNLOADED_TIP ? PAGE_TIP
					  : !strcmp(x->id, "index") ? PAGE_HOME : PAGE_PAGE, x->lang, x->id);
		else if (x->kind == UNLOADED_TREE)
			url = arena_printf(m->arena, "/%s/%s/%s/", m->site.langs[x->lang].code,
					   m->site.langs[x->lang].sec_help, x->id);
		if (url && (S_same_url(m->arena, u, url) ||
			    (x->kind == UNLOADED_TREE && !strncmp(u, url, strlen(url))))) {
			x->refs++;
			return;
		}
	}
	char hint[HINT_MAX];
	diag_report(d, D_LINK_BROKEN, lk->pos, lk->url, S_hint_link(m, u, hint));
}

/* An absolute link to the site itself ("https://base/nl/...") is checked
 * as the path it names. */
static const char *S_own(const struct model *m, const char *url)
{
	const char *b = m->site.base_url;
	size_t n = b ? strlen(b) : 0;
	while (n && b[n - 1] == '/')
		n--;
	if (!n || strncmp(url, b, n))
		return url;
	if (url[n] == '\0')
		return "/";
	return url[n] == '/' || url[n] == '?' || url[n] == '#' ? url + n : url;
}

/* Link checking, on the build's threads: every URL is known and nothing
 * changes the model until it ends, so each job resolves and looks up its
 * share of the links (only reading the model) and lists those that do not
 * exist; S_link_missing (which reports, and counts on the unloaded files)
 * then takes those on the main thread in the order one thread would have. */
#define LINK_JOBS 16 /* jobs the pages and the trees are cut into, each */
#define LINK_PAGES_MIN 500 /* pages a thread should have at least (pool.h) */

struct missing {
	const struct link *lk;
	char *u;                      /* resolved (malloc'd) */
};

struct link_job {
	struct missing *items;
	size_t n, cap;
};

struct link_check {
	const struct model *m;
	struct link_job jobs[2 * LINK_JOBS]; /* the pages' cuts, then the trees' */
};

struct link_state {
	struct link_check *lc;
	struct buf u, tmp;
};

static void S_link_one(struct link_state *st, struct link_job *job, const char *base, const struct link *lk)
{
	const struct model *m = st->lc->m;
	if (!S_resolve(&st->u, &st->tmp, base, S_own(m, lk->url)) || S_url_exists(m, &st->tmp, st->u.ptr))
		return;
	job->items = xgrow(job->items, &job->cap, job->n + 1, sizeof *job->items);
	job->items[job->n++] = (struct missing){ lk, xstrdup(st->u.ptr) };
}

static void S_link_job(void *state, size_t i)
{
	struct link_state *st = state;
	const struct model *m = st->lc->m;
	struct link_job *job = &st->lc->jobs[i];
	if (i < LINK_JOBS) {
		for (size_t k = i * m->npages / LINK_JOBS; k < (i + 1) * m->npages / LINK_JOBS; k++) {
			const struct page *p = m->pages[k];
			for (size_t l = 0; l < p->links.n; l++)
				S_link_one(st, job, p->url, &p->links.items[l]);
		}
		return;
	}
	i -= LINK_JOBS;
	for (size_t k = i * m->ntrees / LINK_JOBS; k < (i + 1) * m->ntrees / LINK_JOBS; k++) {
		const struct tree *t = m->trees[k];
		for (size_t x = 0; x < t->nnodes; x++) {
			const struct node *n = &t->nodes[x];
			for (size_t l = 0; n->url && l < n->links.n; l++)
				S_link_one(st, job, n->url, &n->links.items[l]);
		}
	}
}

static void S_check_links(struct model *m, struct diags *d)
{
	static const struct pool link_pool = { S_link_job, NULL };
	struct link_check *lc = xcalloc(1, sizeof *lc);
	lc->m = m;
	int nt = pool_threads(m->jobs, m->npages, LINK_PAGES_MIN);
	struct link_state *st = xcalloc((size_t)nt, sizeof *st);
	for (int i = 0; i < nt; i++)
		st[i] = (struct link_state){ lc, BUF_INIT, BUF_INIT };
	pool_run(&link_pool, 2 * LINK_JOBS, nt, st, sizeof *st);
	for (int i = 0; i < nt; i++) {
		buf_free(&st[i].u);
		buf_free(&st[i].tmp);
	}
	free(st);
	for (size_t j = 0; j < 2 * LINK_JOBS; j++) {
		for (size_t k = 0; k < lc->jobs[j].n; k++) {
			S_link_missing(m, lc->jobs[j].items[k].u, lc->jobs[j].items[k].lk, d);
			free(lc->jobs[j].items[k].u);
		}
		free(lc->jobs[j].items);
	}
	free(lc);
}

/* Every tree should be reachable from the triage tree behind the help
 * button, or visitors in a panic never find it. */
/* Progress across the whole path ("Vraag 2 van 3" goes on after the triage
 * hands over to a plan). queue[0..n) holds the trees the triage reaches, in
 * the order met: a tree's entry question lies in a tree met before it. A
 * tree's offset is its entry's place on the path (the entry tree's offset
 * plus the entry's depth); its total the longest path through it, or
 * through a tree it hands over to, whichever is longer. */
static void S_count_path(struct tree **queue, size_t n)
{
	for (size_t q = 0; q < n; q++) {
		struct tree *t = queue[q];
		const struct node *e = t->start_node ? t->start_node->entry : NULL;
		t->offset = e && e->tree != t ? e->tree->offset + e->depth : 0;
		t->total = t->offset + t->longest;
	}
	for (size_t q = n; q-- > 0;) {
		const struct tree *t = queue[q];
		const struct node *e = t->start_node ? t->start_node->entry : NULL;
		if (e && e->tree != t && t->total > e->tree->total)
			e->tree->total = t->total;
	}
}

static void S_check_triage_reach(struct model *m, struct diags *d)
{
	for (int li = 0; li < m->site.nlangs; li++) {
		struct tree *triage = tree_find(m, m->site.triage.s, li);
		if (!triage)
			continue;
		struct strmap *seen = strmap_new();
		struct tree **queue = xcalloc(m->ntrees + 1, sizeof *queue);
		size_t head = 0, tail = 0;
		queue[tail++] = triage;
		strmap_put(seen, triage->id, triage);
		while (head < tail) {
			struct tree *t = queue[head++];
			for (size_t k = 0; k < t->nnodes; k++)
				for (size_t a = 0; a < t->nodes[k].nanswers; a++) {
					struct tree *o = t->nodes[k].answers[a].target_tree;
					if (o && !strmap_get(seen, o->id)) {
						strmap_put(seen, o->id, o);
						queue[tail++] = o;
					}
				}
		}
		/* "one step back" from a tree's start leads to the question that
		 * handed over to it: the first one met walking from the triage */
		for (size_t q = 0; q < tail; q++) {
			struct tree *t = queue[q];
			for (size_t k = 0; k < t->nnodes; k++)
				for (size_t a = 0; a < t->nodes[k].nanswers; a++) {
					struct node *target = t->nodes[k].answers[a].target;
					struct tree *o = t->nodes[k].answers[a].target_tree;
					if (target && o && o != t && target == o->start_node && !target->entry)
						target->entry = &t->nodes[k];
				}
		}
		S_count_path(queue, tail);
		for (size_t i = 0; i < m->ntrees; i++)
			if (m->trees[i]->lang == li && !strmap_get(seen, m->trees[i]->id))
				diag_report(d, D_TREE_NOT_IN_TRIAGE, m->trees[i]->pos, m->trees[i]->id, triage->id);
		free(queue);
		strmap_free(seen);
	}
}

/* ---- stand-ins for untranslated pages and trees ----
 *
 * A language without its own version of a page or tree shows the fallback
 * language's (English, or the default language where English has none)
 * under its own URLs, named by the file name (the translation key; the
 * original's slug is in its own language): a copy whose `fallback` names the
 * original and whose trans[] are the original's, so hreflang, the sitemap
 * and the language switcher list only real translations. Made once
 * everything real is checked, so nothing is reported twice. */

/* The original a stand-in copies: the fallback language's, else the
 * default language's, else none. */
static int S_fallback_source(const struct model *m, int has_fallback_lang, int has_deflang)
{
	if (has_fallback_lang)
		return m->site.fallback_lang;
	if (has_deflang)
		return m->site.deflang;
	return -1;
}

/* What owns a stand-in's URL between S_reserve_fallbacks and S_add_fallbacks
 * (compared by address). */
static const char fallback_owner[] = "a page shown until it is translated";

/* Claim `url` for a stand-in; a real page there (or anything the site
 * writes) wins, except the placeholder of a language without a home page. */
static int S_claim_fallback(struct model *m, const char *url, const char *owner)
{
	const char *prev = strmap_get(m->urls, url);
	if (!prev || (prev != fallback_owner && strcmp(prev, "the home page")))
		return 0; /* not reserved: a real page is there, or see S_reserve_fallbacks */
	strmap_put(m->urls, url, (void *)owner);
	return 1;
}

/* No stand-in where the language's own version did not load (reported
 * there; counted as a reference not checked) or is a draft left out. */
static int S_no_standin(struct model *m, enum unloaded_kind kind, enum page_kind pkind, int li, const char *id)
{
	if (model_unloaded_ref(m, kind, li, id))
		return 1;
	for (size_t i = 0; kind != UNLOADED_TREE && i < m->nskipped; i++)
		if (m->skipped[i]->lang == li && m->skipped[i]->kind == pkind && !strcmp(m->skipped[i]->id, id))
			return 1;
	return 0;
}

/* Before links are checked: the URLs the stand-ins will have, so a link to
 * a page that is not translated yet resolves (to the stand-in). Only these
 * URLs (and a missing home page's) can be claimed by S_add_fallbacks. */
static void S_reserve_fallbacks(struct model *m)
{
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		if (S_fallback_source(m, p->trans[m->site.fallback_lang] != NULL, p->trans[m->site.deflang] != NULL) !=
		    p->lang)
			continue;
		for (int li = 0; li < m->site.nlangs; li++) {
			if (p->trans[li] ||
			    S_no_standin(m, p->kind == PAGE_TIP ? UNLOADED_TIP : UNLOADED_PAGE, p->kind, li, p->id))
				continue;
			const char *u = S_page_url(m, p->kind, li, p->id);
			if (!strmap_get(m->urls, u))
				strmap_put(m->urls, u, (void *)fallback_owner);
		}
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		if (S_fallback_source(m, t->trans[m->site.fallback_lang] != NULL, t->trans[m->site.deflang] != NULL) !=
		    t->lang)
			continue;
		for (int li = 0; li < m->site.nlangs; li++) {
			if (t->trans[li] || S_no_standin(m, UNLOADED_TREE, PAGE_PAGE, li, t->id))
				continue;
			const struct lang *l = &m->site.langs[li];
			const char *u = arena_printf(m->arena, "/%s/%s/%s/", l->code, l->sec_help, t->id);
			if (strmap_get(m->urls, u))
				continue; /* S_fallback_tree makes no stand-in then */
			strmap_put(m->urls, u, (void *)fallback_owner);
			for (size_t k = 0; k < t->nnodes; k++) {
				const char *nu = t->nodes[k].url && &t->nodes[k] != t->start_node
							 ? arena_printf(m->arena, "%s%s/", u, t->nodes[k].id.s)
							 : NULL;
				if (nu && !strmap_get(m->urls, nu))
					strmap_put(m->urls, nu, (void *)fallback_owner);
			}
		}
	}
}

static size_t S_fallback_pages(struct model *m, size_t counts[HHD_MAX_LANGS])
{
	size_t n = m->npages;
	for (size_t i = 0; i < n; i++) {
		struct page *p = m->pages[i];
		if (S_fallback_source(m, p->trans[m->site.fallback_lang] != NULL, p->trans[m->site.deflang] != NULL) != p->lang)
			continue;
		for (int li = 0; li < m->site.nlangs; li++) {
			if (p->trans[li])
				continue;
			struct page *c = arena_alloc(m->arena, sizeof *c);
			*c = *p;
			c->lang = li;
			c->fallback = p;
			c->links = (struct links){ 0 };
			c->aliases = (struct slist){ 0 };
			c->url = S_page_url(m, p->kind, li, p->id);
			if (!S_claim_fallback(m, c->url, p->path))
				continue;
			m->pages = xgrow(m->pages, &m->cappages, m->npages + 1, sizeof *m->pages);
			m->pages[m->npages++] = c;
			counts[li]++;
		}
	}
	return n;
}

static struct tree *S_fallback_tree(struct model *m, const struct tree *t, int li)
{
	const struct lang *l = &m->site.langs[li];
	struct tree *c = arena_alloc(m->arena, sizeof *c);
	*c = *t;
	c->lang = li;
	c->fallback = t;
	c->url = arena_printf(m->arena, "/%s/%s/%s/", l->code, l->sec_help, t->id);
	if (!S_claim_fallback(m, c->url, t->path))
		return NULL;
	c->nodes = arena_alloc(m->arena, (t->nnodes + 1) * sizeof *c->nodes);
	for (size_t k = 0; k < t->nnodes; k++) {
		const struct node *o = &t->nodes[k];
		struct node *n = &c->nodes[k];
		*n = *o;
		n->tree = c;
		n->links = (struct links){ 0 };
		n->ask_url = NULL;
		n->parent = o->parent ? &c->nodes[o->parent - t->nodes] : NULL;
		n->answers = arena_alloc(m->arena, (o->nanswers + 1) * sizeof *n->answers);
		if (o->nanswers) /* an outcome has none, and no array */
			memcpy(n->answers, o->answers, o->nanswers * sizeof *n->answers);
		if (o == t->start_node) {
			n->url = c->url;
		} else if (o->url) {
			n->url = arena_printf(m->arena, "%s%s/", c->url, o->id.s);
			if (!S_claim_fallback(m, n->url, t->path))
				n->url = NULL;
		}
	}
	c->start_node = t->start_node ? &c->nodes[t->start_node - t->nodes] : NULL;
	return c;
}

/* The same node in the tree of that id in language `lang` (real or a
 * stand-in), or `n` itself. */
static struct node *S_node_in(const struct model *m, struct node *n, int lang)
{
	if (!n || n->tree->lang == lang)
		return n;
	struct tree *t = tree_find(m, n->tree->id, lang);
	struct node *x = t && n->id.s ? tree_node(t, n->id.s) : NULL;
	return x ? x : n;
}

static void S_add_fallbacks(struct model *m, struct diags *d)
{
	size_t pages[HHD_MAX_LANGS] = { 0 }, trees[HHD_MAX_LANGS] = { 0 };
	size_t npages = S_fallback_pages(m, pages), ntrees = m->ntrees;
	for (size_t i = 0; i < ntrees; i++) {
		struct tree *t = m->trees[i];
		if (S_fallback_source(m, t->trans[m->site.fallback_lang] != NULL, t->trans[m->site.deflang] != NULL) != t->lang)
			continue;
		for (int li = 0; li < m->site.nlangs; li++) {
			if (t->trans[li])
				continue;
			struct tree *c = S_fallback_tree(m, t, li);
			if (!c)
				continue;
			m->trees = xgrow(m->trees, &m->captrees, m->ntrees + 1, sizeof *m->trees);
			m->trees[m->ntrees++] = c;
			trees[li]++;
		}
	}
	if (npages == m->npages && ntrees == m->ntrees)
		return;
	index_build(m);
	/* answers and "one step back" that left the language (to another
	 * language's tree, or inside a stand-in's original) now stay in it */
	for (size_t i = 0; i < m->ntrees; i++) {
		struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			struct node *n = &t->nodes[k];
			n->entry = S_node_in(m, n->entry, t->lang);
			for (size_t a = 0; a < n->nanswers; a++) {
				struct answer *an = &n->answers[a];
				an->target = S_node_in(m, an->target, t->lang);
				if (an->target)
					an->target_tree = an->target->tree;
			}
		}
	}
	S_derive_help_urls(m);
	/* one note per language, not one per page: a partly translated
	 * language is normal; the report lists what is missing */
	size_t reals[HHD_MAX_LANGS] = { 0 }, realt[HHD_MAX_LANGS] = { 0 };
	for (size_t i = 0; i < npages; i++)
		reals[m->pages[i]->lang]++;
	for (size_t i = 0; i < ntrees; i++)
		realt[m->trees[i]->lang]++;
	for (int li = 0; li < m->site.nlangs; li++) {
		if (!pages[li] && !trees[li])
			continue;
		int src = li == m->site.fallback_lang ? m->site.deflang : m->site.fallback_lang;
		diag_report(d, D_LANG_FALLBACK, m->site.langs[li].pos, m->site.langs[li].code, pages[li],
			    pages[li] + reals[li], trees[li], trees[li] + realt[li], m->site.langs[src].code);
	}
}

/* The quick exit: needed once a tree is sensitive; a path must be a page. */
static void S_check_quick_exit(struct model *m, struct diags *d)
{
	const char *qe = m->site.quick_exit;
	if (qe && qe[0] == '/' && !strmap_get(m->urls, qe))
		diag_report(d, D_QUICK_EXIT_MISSING, m->site.quick_exit_pos, qe);
	for (size_t i = 0; i < m->ntrees && !qe; i++)
		if (m->trees[i]->sensitive && m->trees[i]->sensitive_pos.path)
			diag_report(d, D_SITE_NO_QUICK_EXIT, m->trees[i]->sensitive_pos);
}

void validate_site(struct model *m, struct diags *d)
{
	/* a URL per page, node and ask page, and the aliases and fixed files */
	size_t urls = 2 * m->npages + 64;
	for (size_t i = 0; i < m->ntrees; i++)
		urls += 2 * m->trees[i]->nnodes;
	if (!m->urls)
		m->urls = strmap_new_cap(urls);
	if (!m->claims)
		m->claims = strmap_new_cap(urls);
	index_build(m);
	S_derive_lang_urls(m);
	S_derive_page_urls(m, d);
	S_derive_tree_urls(m, d);
	S_derive_help_urls(m);
	/* the site's own fixed files */
	static const char *const fixed[] = { "/", "/404.html", "/sitemap.xml", "/robots.txt", NULL };
	for (const char *const *f = fixed; *f; f++)
		strmap_put(m->urls, *f, "a file the generator writes");
	for (int li = 0; li < m->site.nlangs; li++)
		strmap_put(m->urls, m->site.langs[li].notfound_url, "a file the generator writes");
	S_link_translations(m);
	S_resolve_answers(m, d);
	for (size_t i = 0; i < m->ntrees; i++)
		S_walk_tree(m->trees[i], d);
	S_check_cycles(m, d);
	S_check_outcomes(m, d);
	S_check_tree_translations(m, d);
	S_reserve_fallbacks(m);
	S_check_aliases(m, d);
	S_check_links(m, d);
	char hint[HINT_MAX];
	if (m->site.triage.s && !tree_find(m, m->site.triage.s, m->site.deflang) &&
	    !model_unloaded_ref(m, UNLOADED_TREE, m->site.deflang, m->site.triage.s))
		diag_report(d, D_TRIAGE_MISSING, m->site.triage.pos, m->site.triage.s,
			    tree_hint(m, m->site.deflang, m->site.triage.s, hint, sizeof hint));
	else if (m->site.triage.s)
		S_check_triage_reach(m, d);
	S_check_quick_exit(m, d);
	S_add_fallbacks(m, d);
	/* once per file that did not load, what was not checked because of it */
	for (const struct unloaded *u = m->unloaded; u; u = u->next)
		if (u->refs)
			diag_at(d, D_NOT_CHECKED, u->path, 0, 0, u->refs, u->refs == 1 ? "" : "s");
}
