/* render_page.c: the page contexts. For each kind of job, the values its
 * template sees, built from the validated model, the theme's strings and
 * the shared per-language values; then the template renders into a buffer.
 * Nothing here writes to the model: values go into the thread's arena. */
#include "render_page.h"

#include <stdlib.h>
#include <string.h>

#include "formlimits.h"
#include "html.h"
#include "memo.h"
#include "org.h"
#include "pool.h"
#include "search.h"
#include "tree.h"
#include "validate.h"
#include "xalloc.h"

static struct val *S_str_or_null(struct arena *a, const char *s)
{
	return s ? val_str_borrow(a, s, strlen(s)) : val_null(a);
}

void render_set(struct arena *a, struct val *map, const char *key, const char *s)
{
	val_map_set(a, map, key, S_str_or_null(a, s));
}

/* Set a list and, beside it, "has_KEY" (true when the list is not empty),
 * so templates can wrap a list in a heading without index tricks. */
static void S_set_list(struct arena *a, struct val *map, const char *key, struct val *list)
{
	val_map_set(a, map, key, list);
	val_map_bool(a, map, arena_cat(a, "has_", key, NULL), list->n > 0);
}

static struct val *S_slist_val(struct arena *a, const struct slist *l)
{
	struct val *v = val_list(a);
	for (size_t i = 0; i < l->n; i++)
		val_list_push(a, v, val_str_borrow(a, l->items[i].s, strlen(l->items[i].s)));
	return l->n ? v : val_list(a);
}

/* tel: link from a displayed number: digits and a leading '+'. A Dutch
 * number starting with one 0 gets the +31 country code, so it also works
 * from a foreign phone. */
const char *render_tel_href(struct arena *a, const char *phone)
{
	struct buf b = BUF_INIT;
	for (const char *c = phone; *c; c++)
		if ((*c >= '0' && *c <= '9') || (*c == '+' && c == phone))
			buf_addch(&b, *c);
	const char *r;
	if (b.len > 3 && b.ptr[0] == '0' && b.ptr[1] != '0' && strncmp(b.ptr, "0800", 4) && strncmp(b.ptr, "0900", 4))
		r = arena_printf(a, "tel:+31%s", b.ptr + 1);
	else
		r = arena_printf(a, "tel:%s", b.ptr);
	buf_free(&b);
	return r;
}

const char *render_str(const struct render_ctx *c, int lang, const char *key)
{
	const struct val *v = val_map_get(c->t->strings[lang], key);
	return v && v->type == VAL_STR ? v->s : key;
}

static int S_cmp_pages(const void *x, const void *y)
{
	const struct page *a = *(const struct page *const *)x, *b = *(const struct page *const *)y;
	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	int r = strcmp(a->title.s ? a->title.s : "", b->title.s ? b->title.s : "");
	return r ? r : strcmp(a->id, b->id);
}

static struct val *S_build_common(const struct model *m, const struct theme *t, int li, struct arena *a)
{
	const struct lang *l = &m->site.langs[li];
	struct val *c = val_map(a);
	struct val *site = val_map(a);
	render_set(a, site, "title", l->title);
	render_set(a, site, "tagline", l->tagline);
	render_set(a, site, "base_url", m->site.base_url);
	val_map_set(a, c, "site", site);
	struct val *lang = val_map(a);
	render_set(a, lang, "code", l->code);
	render_set(a, lang, "name", l->name);
	render_set(a, lang, "dir", l->rtl ? "rtl" : "ltr");
	val_map_bool(a, lang, "rtl", l->rtl);
	val_map_set(a, c, "lang", lang);
	render_set(a, c, "quick_exit", m->site.quick_exit);
	val_map_set(a, c, "t", t->strings[li]);
	val_map_set(a, c, "assets", t->asset_urls);
	render_set(a, c, "emergency", l->emergency_html);
	/* who runs the site (the page layouts' operator partial) and the
	 * helpdesk's promise (contact and thank-you pages); absent values are null */
	const struct site *st = &m->site;
	struct val *op = val_map(a);
	render_set(a, op, "name", st->op.name);
	render_set(a, op, "address", st->op.address);
	render_set(a, op, "email", st->op.email);
	render_set(a, op, "mailto", st->op.email ? arena_cat(a, "mailto:", st->op.email, NULL) : NULL);
	render_set(a, op, "phone", st->op.phone);
	render_set(a, op, "tel", st->op.tel);
	render_set(a, op, "url", st->op.url);
	render_set(a, op, "kvk", st->op.kvk);
	val_map_bool(a, op, "has_details", st->op.address || st->op.email || st->op.phone || st->op.url || st->op.kvk);
	val_map_set(a, c, "operator", op);
	if (st->answer_within[li] && st->scope_html[li]) {
		struct val *hd = val_map(a);
		render_set(a, hd, "answer_within", st->answer_within[li]);
		render_set(a, hd, "scope", st->scope_html[li]);
		val_map_set(a, c, "helpdesk", hd);
	} else {
		val_map_set(a, c, "helpdesk", val_null(a));
	}
	render_set(a, c, "home_url", l->home_url);
	render_set(a, c, "help_url", l->help_url);
	render_set(a, c, "tips_url", l->tips_url);
	render_set(a, c, "plans_url", l->plans_url);
	render_set(a, c, "orgs_url", l->orgs_url);
	render_set(a, c, "search_url", l->search_url);
	const struct page *contact = page_with_layout(m, li, LAYOUT_CONTACT);
	render_set(a, c, "contact_url", contact ? contact->url : NULL);
	/* footer: the language's plain pages (about, privacy, ...), by weight */
	const struct page **pages = arena_alloc(a, (m->npages + 1) * sizeof *pages);
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->lang == li && m->pages[i]->kind == PAGE_PAGE &&
		    (m->pages[i]->layout_id == LAYOUT_PAGE || m->pages[i]->layout_id == LAYOUT_CONTACT))
			pages[n++] = m->pages[i];
	qsort(pages, n, sizeof *pages, S_cmp_pages);
	struct val *footer = val_list(a);
	for (size_t i = 0; i < n; i++) {
		struct val *x = val_map(a);
		render_set(a, x, "title", pages[i]->title.s);
		render_set(a, x, "url", pages[i]->url);
		val_list_push(a, footer, x);
	}
	val_map_set(a, c, "footer", footer);
	return c;
}

/* The page context: the language's common values plus `page`-specific ones. */
struct val *render_page_ctx(const struct render_ctx *c, int lang, const char *url, const char *title,
			    const char *event)
{
	/* the language's common values, then the page's own (a few dozen) */
	struct val *v = val_map_copy(c->a, c->sh->common[lang], 24);
	render_set(c->a, v, "url", url);
	render_set(c->a, v, "title", title);
	render_set(c->a, v, "canonical", arena_cat(c->a, c->m->site.base_url, url, NULL));
	struct buf q = BUF_INIT;
	url_encode(&q, url, strlen(url));
	render_set(c->a, v, "hit_path", url);
	render_set(c->a, v, "hit_query", arena_cat(c->a, "p=", q.ptr, "&e=", event, NULL));
	render_set(c->a, v, "hit_event", event);
	buf_free(&q);
	return v;
}

/* Language switcher and hreflang: the languages that have this page (a real
 * translation, not a stand-in); with `homes` (the root and the 404 pages)
 * every language, by its home page where it has no such page. */
void render_alternates(const struct render_ctx *c, struct val *v, int lang, const char *const urls[HHD_MAX_LANGS],
		       int homes)
{
	const struct model *m = c->m;
	struct val *alts = val_list(c->a), *others = val_list(c->a);
	for (int li = 0; li < m->site.nlangs; li++) {
		struct val *x = val_map(c->a);
		render_set(c->a, x, "code", m->site.langs[li].code);
		render_set(c->a, x, "name", m->site.langs[li].name);
		render_set(c->a, x, "dir", m->site.langs[li].rtl ? "rtl" : "ltr");
		render_set(c->a, x, "url", urls[li] ? urls[li] : m->site.langs[li].home_url);
		render_set(c->a, x, "abs_url", arena_cat(c->a, m->site.base_url, urls[li] ? urls[li] : "", NULL));
		val_map_bool(c->a, x, "current", li == lang);
		val_map_bool(c->a, x, "translated", urls[li] != NULL);
		if (urls[li])
			val_list_push(c->a, alts, x);
		if (li != lang && (urls[li] || homes))
			val_list_push(c->a, others, x);
	}
	val_map_set(c->a, v, "hreflang", alts->n > 1 ? alts : val_list(c->a));
	S_set_list(c->a, v, "languages", others);
}

static struct val *S_page_val(const struct render_ctx *c, const struct page *p)
{
	struct val *v = val_map(c->a);
	render_set(c->a, v, "title", p->title.s);
	render_set(c->a, v, "summary", p->summary.s);
	struct val *body = val_str_borrow(c->a, p->body_html, p->body_len);
	if (p->body_id.lo || p->body_id.hi)
		body->digest = &p->body_id; /* hashed as these 16 bytes, not the HTML (model.h) */
	val_map_set(c->a, v, "body", body);
	render_set(c->a, v, "url", p->url);
	render_set(c->a, v, "reviewed", p->reviewed.s);
	val_map_set(c->a, v, "tags", S_slist_val(c->a, &p->tags));
	S_set_list(c->a, v, "sources", S_slist_val(c->a, &p->sources));
	return v;
}

static struct val *S_build_tips(const struct render_ctx *c, int lang)
{
	const struct model *m = c->m;
	const struct page **tips = arena_alloc(c->a, (m->npages + 1) * sizeof *tips);
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->kind == PAGE_TIP && m->pages[i]->lang == lang)
			tips[n++] = m->pages[i];
	qsort(tips, n, sizeof *tips, S_cmp_pages);
	struct val *l = val_list(c->a);
	for (size_t i = 0; i < n; i++)
		val_list_push(c->a, l, S_page_val(c, tips[i]));
	return l;
}

/* The language's tip list: the shared one (waiting for the render_shared_tip
 * job that builds it), or, where none was queued (render_deps.c said no job
 * would read it, but a job could not keep its output after all), one of the
 * thread's own. */
static struct val *S_tips(const struct render_ctx *c, int lang)
{
	struct render_shared *sh = (struct render_shared *)c->sh;
	if (sh->need[lang]) {
		pthread_mutex_lock(&sh->lock);
		while (!sh->ready[lang])
			pthread_cond_wait(&sh->built, &sh->lock);
		pthread_mutex_unlock(&sh->lock);
		return sh->tips[lang];
	}
	struct val *l = S_build_tips(c, lang);
	if (c->memo)
		memo_seal(c->a, l);
	return l;
}

void render_shared_tip(struct render_shared *sh, const struct render_ctx *c, int lang)
{
	struct render_ctx lc = *c;
	lc.a = &sh->arenas[lang];
	struct val *l = S_build_tips(&lc, lang);
	if (lc.memo)
		memo_seal(lc.a, l); /* every list hashes it: once, here */
	pthread_mutex_lock(&sh->lock);
	sh->tips[lang] = l;
	sh->ready[lang] = 1;
	pthread_cond_broadcast(&sh->built);
	pthread_mutex_unlock(&sh->lock);
}

void render_shared_build(struct render_shared *sh, const struct render_ctx *c)
{
	int nl = c->m->site.nlangs;
	sh->arenas = xcalloc((size_t)nl, sizeof *sh->arenas);
	sh->narenas = (size_t)nl;
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->built, NULL);
	for (int li = 0; li < nl; li++)
		arena_init(&sh->arenas[li]);
	if (c->memo) {
		/* the theme's values, some shared by every language: sealed
		 * here, so the threads below only read their keys */
		memo_seal(c->a, c->t->asset_urls);
		for (int li = 0; li < nl; li++)
			if (c->t->strings[li])
				memo_seal(c->a, c->t->strings[li]);
	}
	for (int li = 0; li < nl; li++) {
		sh->common[li] = S_build_common(c->m, c->t, li, &sh->arenas[li]);
		if (c->memo)
			memo_seal(&sh->arenas[li], sh->common[li]); /* every page hashes it: once, here */
	}
}

void render_shared_free(struct render_shared *sh)
{
	for (size_t i = 0; i < sh->narenas; i++)
		arena_free(&sh->arenas[i]);
	free(sh->arenas);
	sh->arenas = NULL;
	sh->narenas = 0;
	pthread_mutex_destroy(&sh->lock);
	pthread_cond_destroy(&sh->built);
}

static struct val *S_org_val(const struct render_ctx *c, const struct org *o, int lang)
{
	struct val *v = val_map(c->a);
	render_set(c->a, v, "id", o->id.s);
	render_set(c->a, v, "name", o->name[lang]);
	render_set(c->a, v, "kind", o->kind_s.s);
	render_set(c->a, v, "kind_label", render_str(c, lang, arena_cat(c->a, "org_kind_", org_kind_name(o->kind), NULL)));
	render_set(c->a, v, "phone", o->phone.s);
	render_set(c->a, v, "tel", o->phone.s ? render_tel_href(c->a, o->phone.s) : NULL);
	render_set(c->a, v, "url", o->url.s);
	render_set(c->a, v, "hours", o->hours[lang]);
	render_set(c->a, v, "about", o->about_html[lang]);
	struct val *h = val_list(c->a);
	for (size_t i = 0; i < o->handles.n; i++) {
		struct tree *t = tree_find(c->m, o->handles.items[i].s, lang);
		if (!t)
			t = tree_find(c->m, o->handles.items[i].s, c->m->site.deflang);
		struct val *x = val_map(c->a);
		render_set(c->a, x, "title", t ? t->title.s : o->handles.items[i].s);
		render_set(c->a, x, "url", t ? t->url : NULL);
		val_list_push(c->a, h, x);
	}
	S_set_list(c->a, v, "handles", h);
	return v;
}

static struct val *S_tree_val(const struct render_ctx *c, const struct tree *t)
{
	struct val *v = val_map(c->a);
	render_set(c->a, v, "id", t->id);
	render_set(c->a, v, "title", t->title.s);
	render_set(c->a, v, "summary", t->summary.s);
	render_set(c->a, v, "url", t->url);
	render_set(c->a, v, "reviewed", t->reviewed.s);
	return v;
}

static struct val *S_question_ctx(const struct render_ctx *c, const struct node *n, struct val *v)
{
	const struct tree *t = n->tree;
	struct val *q = val_map(c->a);
	render_set(c->a, q, "id", n->id.s);
	render_set(c->a, q, "question", n->question.s);
	render_set(c->a, q, "help", n->help_html);
	struct val *answers = val_list(c->a);
	for (size_t i = 0; i < n->nanswers; i++) {
		struct val *x = val_map(c->a);
		render_set(c->a, x, "label", n->answers[i].label.s);
		render_set(c->a, x, "url", n->answers[i].target ? n->answers[i].target->url : NULL);
		val_list_push(c->a, answers, x);
	}
	val_map_set(c->a, q, "answers", answers);
	const struct node *back = n->parent ? n->parent : n->entry;
	render_set(c->a, q, "back_url", back ? back->url : NULL);
	const char *triage = c->m->site.triage.s;
	val_map_bool(c->a, q, "is_start", n == t->start_node);
	val_map_bool(c->a, q, "is_triage_start", n == t->start_node && triage && !strcmp(t->id, triage));
	/* counted from the triage's start, across the hand-over to a plan */
	render_set(c->a, q, "step", arena_printf(c->a, "%d", t->offset + n->depth));
	render_set(c->a, q, "steps", arena_printf(c->a, "%d", t->total));
	val_map_set(c->a, v, "question", q);
	val_map_set(c->a, v, "tree", S_tree_val(c, t));
	return v;
}

static struct val *S_outcome_val(const struct render_ctx *c, const struct node *n)
{
	const struct tree *t = n->tree;
	int lang = t->lang;
	struct val *o = val_map(c->a);
	render_set(c->a, o, "id", n->id.s);
	render_set(c->a, o, "title", n->title.s);
	render_set(c->a, o, "urgency", urgency_names[n->urgency]);
	render_set(c->a, o, "urgency_label", render_str(c, lang, arena_cat(c->a, "urgency_", urgency_names[n->urgency], NULL)));
	val_map_bool(c->a, o, "acute", n->urgency == URG_ACUTE);
	render_set(c->a, o, "intro", n->intro_html);
	render_set(c->a, o, "deadline", n->deadline_html);
	render_set(c->a, o, "report", n->report_html);
	render_set(c->a, o, "url", n->url);
	struct val *steps = val_list(c->a);
	for (size_t i = 0; i < n->nsteps; i++) {
		struct val *x = val_map(c->a);
		render_set(c->a, x, "n", arena_printf(c->a, "%zu", i + 1));
		render_set(c->a, x, "id", arena_printf(c->a, "step-%zu", i + 1));
		render_set(c->a, x, "title", n->steps[i].title.s);
		render_set(c->a, x, "body", n->steps[i].body_html);
		val_list_push(c->a, steps, x);
	}
	val_map_set(c->a, o, "steps", steps);
	struct val *contacts = val_list(c->a);
	for (size_t i = 0; i < n->contacts.n; i++) {
		const struct org *org = org_find(c->m, n->contacts.items[i].s);
		if (org)
			val_list_push(c->a, contacts, S_org_val(c, org, lang));
	}
	S_set_list(c->a, o, "contacts", contacts);
	struct val *tips = val_list(c->a);
	for (size_t i = 0; i < n->tips.n; i++) {
		const struct page *p = tip_find(c->m, n->tips.items[i].s, lang);
		if (p)
			val_list_push(c->a, tips, S_page_val(c, p));
	}
	S_set_list(c->a, o, "tips", tips);
	S_set_list(c->a, o, "sources", S_slist_val(c->a, &n->sources));
	render_set(c->a, o, "ask_url", n->ask_url);
	return o;
}

/* The contact form's field limits (lib/formlimits.h, as hhd-fcgi checks them). */
static struct val *S_form_max_val(struct arena *a)
{
	static const struct { const char *key; int max; } lim[] = {
		{ "name", LIMIT_CONTACT_NAME }, { "company", LIMIT_CONTACT_NAME },
		{ "email", LIMIT_CONTACT_EMAIL }, { "phone", LIMIT_CONTACT_PHONE },
		{ "message", LIMIT_CONTACT_MESSAGE },
	};
	struct val *v = val_map(a);
	for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
		render_set(a, v, lim[i].key, arena_printf(a, "%d", lim[i].max));
	return v;
}

/* The contact form's hidden fields and limits. */
static struct val *S_form_val(const struct render_ctx *c, int lang, const struct node *n)
{
	struct val *f = val_map(c->a);
	val_map_set(c->a, f, "max", S_form_max_val(c->a));
	render_set(c->a, f, "lang", c->m->site.langs[lang].code);
	render_set(c->a, f, "incident", n ? n->tree->id : "");
	render_set(c->a, f, "node", n ? n->id.s : "");
	return f;
}

static int S_cmp_outcomes(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;
	if (a->urgency != b->urgency)
		return a->urgency < b->urgency ? -1 : 1;
	if (a->tree->weight != b->tree->weight)
		return a->tree->weight < b->tree->weight ? -1 : 1;
	int r = strcmp(a->tree->id, b->tree->id);
	return r ? r : strcmp(a->url, b->url);
}

static struct val *S_plans_val(const struct render_ctx *c, int lang)
{
	const struct model *m = c->m;
	size_t n = 0;
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang)
			n += m->trees[i]->nnodes;
	const struct node **all = arena_alloc(c->a, (n + 1) * sizeof *all);
	n = 0;
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang)
			for (size_t k = 0; k < m->trees[i]->nnodes; k++)
				if (m->trees[i]->nodes[k].is_outcome && m->trees[i]->nodes[k].url)
					all[n++] = &m->trees[i]->nodes[k];
	qsort(all, n, sizeof *all, S_cmp_outcomes);
	struct val *groups = val_list(c->a);
	for (int u = 0; u < URG__CHOOSABLE; u++) {
		struct val *g = val_map(c->a), *plans = val_list(c->a);
		for (size_t i = 0; i < n; i++) {
			if ((int)all[i]->urgency != u)
				continue;
			struct val *x = val_map(c->a);
			render_set(c->a, x, "title", all[i]->title.s);
			render_set(c->a, x, "url", all[i]->url);
			render_set(c->a, x, "tree", all[i]->tree->title.s);
			val_list_push(c->a, plans, x);
		}
		if (!plans->n)
			continue;
		render_set(c->a, g, "urgency", urgency_names[u]);
		render_set(c->a, g, "label", render_str(c, lang, arena_printf(c->a, "urgency_%s", urgency_names[u])));
		val_map_set(c->a, g, "plans", plans);
		val_list_push(c->a, groups, g);
	}
	return groups;
}

/* The search page's A-Z of every step plan (outcome) in the language, by
 * folded title (the search's own folding): what it shows without
 * JavaScript or when nothing matches. */
struct az {
	const char *key;
	const struct node *n;
};

static int S_cmp_az(const void *x, const void *y)
{
	const struct az *a = x, *b = y;
	int r = strcmp(a->key, b->key);
	return r ? r : strcmp(a->n->url, b->n->url);
}

static struct val *S_search_plans(const struct render_ctx *c, int lang)
{
	const struct model *m = c->m;
	size_t n = 0;
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang)
			n += m->trees[i]->nnodes;
	struct az *all = arena_alloc(c->a, (n + 1) * sizeof *all);
	struct buf k = BUF_INIT;
	n = 0;
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		for (size_t j = 0; t->lang == lang && j < t->nnodes; j++) {
			const struct node *nd = &t->nodes[j];
			if (!nd->is_outcome || !nd->url || !nd->title.s)
				continue;
			buf_reset(&k);
			search_normalise(nd->title.s, strlen(nd->title.s), &k);
			/* punctuation is a separator there: one space for each run,
			 * so "x, maar" sorts as "x maar" (after "x en") */
			char *key = arena_strndup(c->a, k.ptr ? k.ptr : "", k.len), *o = key;
			for (const char *p = key; *p; p++)
				if (*p != ' ' || (o > key && o[-1] != ' '))
					*o++ = *p;
			*o = '\0';
			all[n++] = (struct az){ key, nd };
		}
	}
	buf_free(&k);
	qsort(all, n, sizeof *all, S_cmp_az);
	struct val *l = val_list(c->a);
	for (size_t i = 0; i < n; i++) {
		struct val *x = val_map(c->a);
		render_set(c->a, x, "title", all[i].n->title.s);
		render_set(c->a, x, "url", all[i].n->url);
		render_set(c->a, x, "tree", all[i].n->tree->title.s);
		val_list_push(c->a, l, x);
	}
	return l;
}

static const char *S_layout_template(const struct page *p)
{
	if (p->kind == PAGE_HOME)
		return "home";
	if (p->kind == PAGE_TIP)
		return "tip";
	return p->layout.s; /* page, contact, thanks, feedback */
}

/* The same page in every language, for the language switcher, hreflang and
 * the sitemap; NULL where a language has none (the switcher then offers
 * that language's home page instead). */
void render_job_urls(const struct render_ctx *c, const struct render_job *j, const char *urls[HHD_MAX_LANGS])
{
	const struct model *m = c->m;
	for (int li = 0; li < m->site.nlangs; li++) {
		const char *u = NULL;
		switch (j->kind) {
		case J_PAGE:
			u = j->page->trans[li] ? j->page->trans[li]->url : NULL;
			break;
		case J_TIPS:
			u = m->site.langs[li].tips_url;
			break;
		case J_PLANS:
			u = m->site.langs[li].plans_url;
			break;
		case J_ORGS:
			u = m->site.langs[li].orgs_url;
			break;
		case J_SEARCH:
			u = m->site.langs[li].search_url;
			break;
		case J_NODE:
		case J_ASK: {
			const struct tree *t = j->node->tree->trans[li];
			const struct node *x = t ? tree_node(t, j->node->id.s) : NULL;
			if (x)
				u = j->kind == J_NODE ? x->url : x->ask_url;
			break;
		}
		case J_REDIRECT:
		case J_HELP_INDEX:
			break;
		}
		urls[li] = u;
	}
}

/* A stand-in for an untranslated page or tree: `fallback` says so in the
 * visitor's language and names the language shown and the original in the
 * default language; the canonical URL is the page shown. */
static void S_fallback_ctx(const struct render_ctx *c, const struct render_job *j, struct val *v)
{
	const struct model *m = c->m;
	const char *shown = NULL, *original = NULL;
	int from = -1, def = m->site.deflang;
	if (j->kind == J_PAGE && j->page->fallback) {
		const struct page *p = j->page->fallback;
		from = p->lang;
		shown = p->url;
		original = p->trans[def] ? p->trans[def]->url : NULL;
	} else if ((j->kind == J_NODE || j->kind == J_ASK) && j->node->tree->fallback) {
		const struct tree *t = j->node->tree->fallback;
		const struct node *n = tree_node(t, j->node->id.s);
		const struct node *o = t->trans[def] ? tree_node(t->trans[def], j->node->id.s) : NULL;
		from = t->lang;
		shown = n ? (j->kind == J_ASK ? n->ask_url : n->url) : NULL;
		original = o ? (j->kind == J_ASK ? o->ask_url : o->url) : NULL;
	}
	if (from < 0) {
		val_map_set(c->a, v, "fallback", val_null(c->a));
		return;
	}
	const struct lang *fl = &m->site.langs[from];
	struct val *f = val_map(c->a);
	render_set(c->a, f, "code", fl->code);
	render_set(c->a, f, "dir", fl->rtl ? "rtl" : "ltr");
	render_set(c->a, f, "name", fl->name);
	render_set(c->a, f, "original_url", original);
	render_set(c->a, f, "original_code", m->site.langs[def].code);
	render_set(c->a, f, "original_name", m->site.langs[def].name);
	val_map_set(c->a, v, "fallback", f);
	/* not a page of its own: no alternates (they would not list it back) */
	val_map_set(c->a, v, "hreflang", val_list(c->a));
	if (shown)
		render_set(c->a, v, "canonical", arena_cat(c->a, m->site.base_url, shown, NULL));
}

/* The values of one job's template, and the template's name. */
struct val *render_page_val(const struct render_ctx *c, const struct render_job *j, const char **tplp)
{
	const struct model *m = c->m;
	const char *urls[HHD_MAX_LANGS] = { 0 };
	const char *tpl = NULL;
	struct val *v = NULL;
	int lang = j->lang;
	switch (j->kind) {
	case J_PAGE: {
		const struct page *p = j->page;
		v = render_page_ctx(c, lang, p->url, p->title.s, "view");
		val_map_set(c->a, v, "page", S_page_val(c, p));
		/* the draft marker of serve_inject.h, only in hhd serve's preview */
		val_map_bool(c->a, v, "preview_draft", m->preview && p->draft);
		if (p->kind == PAGE_HOME) {
			val_map_set(c->a, v, "tips", S_tips(c, lang));
		}
		if (p->layout_id == LAYOUT_CONTACT)
			val_map_set(c->a, v, "form", S_form_val(c, lang, NULL));
		tpl = S_layout_template(p);
		break;
	}
	case J_TIPS:
		v = render_page_ctx(c, lang, j->url, render_str(c, lang, "tips_title"), "view");
		val_map_set(c->a, v, "tips", S_tips(c, lang));
		tpl = "tips";
		break;
	case J_PLANS:
		v = render_page_ctx(c, lang, j->url, render_str(c, lang, "plans_title"), "view");
		val_map_set(c->a, v, "groups", S_plans_val(c, lang));
		tpl = "plans";
		break;
	case J_ORGS: {
		v = render_page_ctx(c, lang, j->url, render_str(c, lang, "orgs_title"), "view");
		struct val *orgs = val_list(c->a);
		for (size_t i = 0; i < m->norgs; i++)
			if (m->orgs[i].kind != ORG_COMMERCIAL || m->site.allow_commercial)
				val_list_push(c->a, orgs, S_org_val(c, &m->orgs[i], lang));
		val_map_set(c->a, v, "orgs", orgs);
		tpl = "orgs";
		break;
	}
	case J_SEARCH: {
		v = render_page_ctx(c, lang, j->url, render_str(c, lang, "search_title"), "view");
		struct val *s = val_map(c->a);
		render_set(c->a, s, "index_url", m->site.langs[lang].search_index_url);
		val_map_set(c->a, s, "plans", S_search_plans(c, lang));
		val_map_set(c->a, v, "search", s);
		tpl = "search";
		break;
	}
	case J_NODE: {
		const struct node *n = j->node;
		if (n->is_outcome) {
			v = render_page_ctx(c, lang, n->url, n->title.s, "outcome");
			val_map_set(c->a, v, "outcome", S_outcome_val(c, n));
			val_map_set(c->a, v, "tree", S_tree_val(c, n->tree));
			tpl = "outcome";
		} else {
			/* The help button leads to the triage's first question: a
			 * visit there is a help press, counted with or without
			 * JavaScript (the noscript image carries the event too). */
			const char *tri = m->site.triage.s;
			int help = tri && n == n->tree->start_node && !strcmp(n->tree->id, tri);
			v = render_page_ctx(c, lang, n->url, n->question.s, help ? "help" : "view");
			S_question_ctx(c, n, v);
			tpl = "question";
		}
		break;
	}
	case J_ASK: {
		const struct node *n = j->node;
		const struct page *contact = page_with_layout(m, lang, LAYOUT_CONTACT);
		const char *title = contact && contact->title.s ? contact->title.s : render_str(c, lang, "ask_title");
		v = render_page_ctx(c, lang, j->url, title, "view");
		if (contact)
			val_map_set(c->a, v, "page", S_page_val(c, contact));
		val_map_set(c->a, v, "form", S_form_val(c, lang, n));
		val_map_set(c->a, v, "outcome", S_outcome_val(c, n));
		tpl = "contact";
		break;
	}
	case J_REDIRECT:
	case J_HELP_INDEX:
		v = render_page_ctx(c, lang, j->url, render_str(c, lang, "redirect_title"), "view");
		render_set(c->a, v, "target", j->target);
		render_set(c->a, v, "target_abs", arena_printf(c->a, "%s%s", m->site.base_url, j->target));
		tpl = "redirect";
		break;
	}
	if (j->kind != J_REDIRECT && j->kind != J_HELP_INDEX) {
		render_job_urls(c, j, urls);
		render_alternates(c, v, lang, urls, 0);
		S_fallback_ctx(c, j, v);
	}
	/* a sensitive tree: the quick exit on every page, and no counters */
	const struct tree *tr = j->kind == J_NODE || j->kind == J_ASK ? j->node->tree : NULL;
	val_map_bool(c->a, v, "sensitive", tr && tr->sensitive);
	*tplp = tpl;
	return v;
}

/* Report a failed render of `url` with the limit it hit. */
void render_report(struct diags *d, const char *url, int status)
{
	switch (status) {
	case MUSTACHE_TOO_LONG:
		diag_at(d, D_TPL_STEPS, url, 0, 0, (unsigned)MUSTACHE_MAX_STEPS);
		break;
	case MUSTACHE_TOO_BIG:
		diag_at(d, D_TPL_OUTPUT, url, 0, 0, (unsigned)MUSTACHE_MAX_OUTPUT);
		break;
	default:
		diag_at(d, D_TPL_DEPTH, url, 0, 0, MUSTACHE_MAX_DEPTH);
		break;
	}
}

