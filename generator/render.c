#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "org.h"
#include "pool.h"
#include "tree.h"
#include "validate.h"
#include "xalloc.h"

/* One unit of work: a page to render at a URL. */
enum job_kind { J_PAGE, J_TIPS, J_PLANS, J_ORGS, J_NODE, J_ASK, J_REDIRECT, J_HELP_INDEX };

struct job {
	enum job_kind kind;
	int lang;
	const struct page *page;
	const struct node *node;
	const char *url;      /* where the output goes */
	const char *target;   /* J_REDIRECT: where it leads */
};

struct jobs {
	struct job *items;
	size_t n, cap;
};

/* What every page of one language shares; built once, read by all threads. */
struct shared {
	struct val *common[HHD_MAX_LANGS];
	struct val *tips[HHD_MAX_LANGS]; /* every tip, sorted: built once, read by every list */
};

struct ctx {
	const struct model *m;
	const struct theme *t;
	const struct shared *sh;
	struct arena *a;
};

static void push(struct jobs *js, struct job j)
{
	js->items = xgrow(js->items, &js->cap, js->n + 1, sizeof *js->items);
	js->items[js->n++] = j;
}

/* "/nl/tips/x/" -> "nl/tips/x/index.html" */
static char *out_path(struct arena *a, const char *url)
{
	size_t n = strlen(url);
	if (n && url[n - 1] == '/')
		return arena_cat(a, url + 1, "index.html", NULL);
	return arena_strdup(a, url + 1);
}

static struct val *str_or_null(struct arena *a, const char *s)
{
	return s ? val_str_borrow(a, s, strlen(s)) : val_null(a);
}

static void set(struct arena *a, struct val *map, const char *key, const char *s)
{
	val_map_set(a, map, key, str_or_null(a, s));
}

/* Set a list and, beside it, "has_KEY" (true when the list is not empty),
 * so templates can wrap a list in a heading without index tricks. */
static void set_list(struct arena *a, struct val *map, const char *key, struct val *list)
{
	val_map_set(a, map, key, list);
	val_map_bool(a, map, arena_cat(a, "has_", key, NULL), list->n > 0);
}

static struct val *slist_val(struct arena *a, const struct slist *l)
{
	struct val *v = val_list(a);
	for (size_t i = 0; i < l->n; i++)
		val_list_push(a, v, val_str_borrow(a, l->items[i].s, strlen(l->items[i].s)));
	return l->n ? v : val_list(a);
}

/* tel: link from a displayed number: digits and a leading '+'. A Dutch
 * number starting with one 0 gets the +31 country code, so it also works
 * from a foreign phone. */
static const char *tel_href(struct arena *a, const char *phone)
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

static const char *str(const struct ctx *c, int lang, const char *key)
{
	const struct val *v = val_map_get(c->t->strings[lang], key);
	return v && v->type == VAL_STR ? v->s : key;
}

static int cmp_pages(const void *x, const void *y)
{
	const struct page *a = *(const struct page *const *)x, *b = *(const struct page *const *)y;
	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	int r = strcmp(a->title.s ? a->title.s : "", b->title.s ? b->title.s : "");
	return r ? r : strcmp(a->id, b->id);
}

static struct val *build_common(const struct model *m, const struct theme *t, int li, struct arena *a)
{
	const struct lang *l = &m->site.langs[li];
	struct val *c = val_map(a);
	struct val *site = val_map(a);
	set(a, site, "title", l->title);
	set(a, site, "tagline", l->tagline);
	set(a, site, "base_url", m->site.base_url);
	val_map_set(a, c, "site", site);
	struct val *lang = val_map(a);
	set(a, lang, "code", l->code);
	set(a, lang, "name", l->name);
	val_map_set(a, c, "lang", lang);
	val_map_set(a, c, "t", t->strings[li]);
	val_map_set(a, c, "assets", t->asset_urls);
	set(a, c, "emergency", l->emergency_html);
	set(a, c, "home_url", l->home_url);
	set(a, c, "help_url", l->help_url);
	set(a, c, "tips_url", l->tips_url);
	set(a, c, "plans_url", l->plans_url);
	set(a, c, "orgs_url", l->orgs_url);
	const struct page *contact = page_with_layout(m, li, "contact");
	set(a, c, "contact_url", contact ? contact->url : NULL);
	/* footer: the language's plain pages (about, privacy, ...), by weight */
	const struct page **pages = arena_alloc(a, (m->npages + 1) * sizeof *pages);
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->lang == li && m->pages[i]->kind == PAGE_PAGE &&
		    (!strcmp(m->pages[i]->layout.s, "page") || !strcmp(m->pages[i]->layout.s, "contact")))
			pages[n++] = m->pages[i];
	qsort(pages, n, sizeof *pages, cmp_pages);
	struct val *footer = val_list(a);
	for (size_t i = 0; i < n; i++) {
		struct val *x = val_map(a);
		set(a, x, "title", pages[i]->title.s);
		set(a, x, "url", pages[i]->url);
		val_list_push(a, footer, x);
	}
	val_map_set(a, c, "footer", footer);
	return c;
}

/* The page context: the language's common values plus `page`-specific ones. */
static struct val *page_ctx(const struct ctx *c, int lang, const char *url, const char *title,
			    const char *event)
{
	struct val *v = val_map(c->a);
	const struct val *common = c->sh->common[lang];
	for (size_t i = 0; i < common->n; i++)
		val_map_set(c->a, v, common->pairs[i].key, common->pairs[i].val);
	set(c->a, v, "url", url);
	set(c->a, v, "title", title);
	set(c->a, v, "canonical", arena_cat(c->a, c->m->site.base_url, url, NULL));
	struct buf q = BUF_INIT;
	url_encode(&q, url, strlen(url));
	set(c->a, v, "hit_path", url);
	set(c->a, v, "hit_query", arena_cat(c->a, "p=", q.ptr, "&e=", event, NULL));
	set(c->a, v, "hit_event", event);
	buf_free(&q);
	return v;
}

/* Language switcher and hreflang: for each language, the translation's URL
 * or that language's home page. */
static void alternates(const struct ctx *c, struct val *v, int lang, const char *const urls[HHD_MAX_LANGS])
{
	const struct model *m = c->m;
	struct val *alts = val_list(c->a), *others = val_list(c->a);
	for (int li = 0; li < m->site.nlangs; li++) {
		struct val *x = val_map(c->a);
		set(c->a, x, "code", m->site.langs[li].code);
		set(c->a, x, "name", m->site.langs[li].name);
		set(c->a, x, "url", urls[li] ? urls[li] : m->site.langs[li].home_url);
		set(c->a, x, "abs_url", arena_cat(c->a, m->site.base_url, urls[li] ? urls[li] : "", NULL));
		val_map_bool(c->a, x, "current", li == lang);
		val_map_bool(c->a, x, "translated", urls[li] != NULL);
		if (urls[li])
			val_list_push(c->a, alts, x);
		if (li != lang)
			val_list_push(c->a, others, x);
	}
	val_map_set(c->a, v, "hreflang", alts->n > 1 ? alts : val_list(c->a));
	set_list(c->a, v, "languages", others);
}

static struct val *page_val(const struct ctx *c, const struct page *p)
{
	struct val *v = val_map(c->a);
	set(c->a, v, "title", p->title.s);
	set(c->a, v, "summary", p->summary.s);
	val_map_set(c->a, v, "body", val_str_borrow(c->a, p->body_html, p->body_len));
	set(c->a, v, "url", p->url);
	set(c->a, v, "reviewed", p->reviewed.s);
	val_map_set(c->a, v, "tags", slist_val(c->a, &p->tags));
	set_list(c->a, v, "sources", slist_val(c->a, &p->sources));
	return v;
}

static struct val *build_tips(const struct ctx *c, int lang)
{
	const struct model *m = c->m;
	const struct page **tips = arena_alloc(c->a, (m->npages + 1) * sizeof *tips);
	size_t n = 0;
	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i]->kind == PAGE_TIP && m->pages[i]->lang == lang)
			tips[n++] = m->pages[i];
	qsort(tips, n, sizeof *tips, cmp_pages);
	struct val *l = val_list(c->a);
	for (size_t i = 0; i < n; i++)
		val_list_push(c->a, l, page_val(c, tips[i]));
	return l;
}

static struct val *org_val(const struct ctx *c, const struct org *o, int lang)
{
	struct val *v = val_map(c->a);
	set(c->a, v, "id", o->id.s);
	set(c->a, v, "name", o->name[lang]);
	set(c->a, v, "kind", o->kind_s.s);
	set(c->a, v, "kind_label", str(c, lang, arena_cat(c->a, "org_kind_", org_kind_name(o->kind), NULL)));
	set(c->a, v, "phone", o->phone.s);
	set(c->a, v, "tel", o->phone.s ? tel_href(c->a, o->phone.s) : NULL);
	set(c->a, v, "url", o->url.s);
	set(c->a, v, "hours", o->hours[lang]);
	set(c->a, v, "about", o->about_html[lang]);
	struct val *h = val_list(c->a);
	for (size_t i = 0; i < o->handles.n; i++) {
		struct tree *t = tree_find(c->m, o->handles.items[i].s, lang);
		if (!t)
			t = tree_find(c->m, o->handles.items[i].s, c->m->site.deflang);
		struct val *x = val_map(c->a);
		set(c->a, x, "title", t ? t->title.s : o->handles.items[i].s);
		set(c->a, x, "url", t ? t->url : NULL);
		val_list_push(c->a, h, x);
	}
	set_list(c->a, v, "handles", h);
	return v;
}

static struct val *tree_val(const struct ctx *c, const struct tree *t)
{
	struct val *v = val_map(c->a);
	set(c->a, v, "id", t->id);
	set(c->a, v, "title", t->title.s);
	set(c->a, v, "summary", t->summary.s);
	set(c->a, v, "url", t->url);
	set(c->a, v, "reviewed", t->reviewed.s);
	return v;
}

static struct val *question_ctx(const struct ctx *c, const struct node *n, struct val *v)
{
	const struct tree *t = n->tree;
	struct val *q = val_map(c->a);
	set(c->a, q, "id", n->id.s);
	set(c->a, q, "question", n->question.s);
	set(c->a, q, "help", n->help_html);
	struct val *answers = val_list(c->a);
	for (size_t i = 0; i < n->nanswers; i++) {
		struct val *x = val_map(c->a);
		set(c->a, x, "label", n->answers[i].label.s);
		set(c->a, x, "url", n->answers[i].target ? n->answers[i].target->url : NULL);
		val_list_push(c->a, answers, x);
	}
	val_map_set(c->a, q, "answers", answers);
	const struct node *back = n->parent ? n->parent : n->entry;
	set(c->a, q, "back_url", back ? back->url : NULL);
	const char *triage = c->m->site.triage.s;
	val_map_bool(c->a, q, "is_start", n == t->start_node);
	val_map_bool(c->a, q, "is_triage_start", n == t->start_node && triage && !strcmp(t->id, triage));
	set(c->a, q, "step", arena_printf(c->a, "%d", n->depth));
	set(c->a, q, "steps", arena_printf(c->a, "%d", t->longest));
	val_map_set(c->a, v, "question", q);
	val_map_set(c->a, v, "tree", tree_val(c, t));
	return v;
}

static struct val *outcome_val(const struct ctx *c, const struct node *n)
{
	const struct tree *t = n->tree;
	int lang = t->lang;
	struct val *o = val_map(c->a);
	set(c->a, o, "id", n->id.s);
	set(c->a, o, "title", n->title.s);
	set(c->a, o, "urgency", urgency_name(n->urgency));
	set(c->a, o, "urgency_label", str(c, lang, arena_cat(c->a, "urgency_", urgency_name(n->urgency), NULL)));
	val_map_bool(c->a, o, "acute", n->urgency == URG_ACUTE);
	set(c->a, o, "intro", n->intro_html);
	set(c->a, o, "deadline", n->deadline_html);
	set(c->a, o, "report", n->report_html);
	set(c->a, o, "url", n->url);
	struct val *steps = val_list(c->a);
	for (size_t i = 0; i < n->nsteps; i++) {
		struct val *x = val_map(c->a);
		set(c->a, x, "n", arena_printf(c->a, "%zu", i + 1));
		set(c->a, x, "id", arena_printf(c->a, "step-%zu", i + 1));
		set(c->a, x, "title", n->steps[i].title.s);
		set(c->a, x, "body", n->steps[i].body_html);
		val_list_push(c->a, steps, x);
	}
	val_map_set(c->a, o, "steps", steps);
	struct val *contacts = val_list(c->a);
	for (size_t i = 0; i < n->contacts.n; i++) {
		const struct org *org = org_find(c->m, n->contacts.items[i].s);
		if (org)
			val_list_push(c->a, contacts, org_val(c, org, lang));
	}
	set_list(c->a, o, "contacts", contacts);
	struct val *tips = val_list(c->a);
	for (size_t i = 0; i < n->tips.n; i++) {
		const struct page *p = tip_find(c->m, n->tips.items[i].s, lang);
		if (p)
			val_list_push(c->a, tips, page_val(c, p));
	}
	set_list(c->a, o, "tips", tips);
	set_list(c->a, o, "sources", slist_val(c->a, &n->sources));
	set(c->a, o, "ask_url", n->ask_url);
	return o;
}

/* The contact form's hidden fields. */
static struct val *form_val(const struct ctx *c, int lang, const struct node *n)
{
	struct val *f = val_map(c->a);
	set(c->a, f, "lang", c->m->site.langs[lang].code);
	set(c->a, f, "incident", n ? n->tree->id : "");
	set(c->a, f, "node", n ? n->id.s : "");
	return f;
}

static int cmp_outcomes(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;
	if (a->urgency != b->urgency)
		return a->urgency < b->urgency ? -1 : 1;
	if (a->tree->weight != b->tree->weight)
		return a->tree->weight < b->tree->weight ? -1 : 1;
	int r = strcmp(a->tree->id, b->tree->id);
	return r ? r : strcmp(a->url, b->url);
}

static struct val *plans_val(const struct ctx *c, int lang)
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
	qsort(all, n, sizeof *all, cmp_outcomes);
	struct val *groups = val_list(c->a);
	for (int u = 0; u < URG__MAX; u++) {
		struct val *g = val_map(c->a), *plans = val_list(c->a);
		for (size_t i = 0; i < n; i++) {
			if ((int)all[i]->urgency != u)
				continue;
			struct val *x = val_map(c->a);
			set(c->a, x, "title", all[i]->title.s);
			set(c->a, x, "url", all[i]->url);
			set(c->a, x, "tree", all[i]->tree->title.s);
			val_list_push(c->a, plans, x);
		}
		if (!plans->n)
			continue;
		set(c->a, g, "urgency", urgency_name((enum urgency)u));
		set(c->a, g, "label", str(c, lang, arena_printf(c->a, "urgency_%s", urgency_name((enum urgency)u))));
		val_map_set(c->a, g, "plans", plans);
		val_list_push(c->a, groups, g);
	}
	return groups;
}

static const char *layout_template(const struct page *p)
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
static void job_urls(const struct ctx *c, const struct job *j, const char *urls[HHD_MAX_LANGS])
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

/* Render one job into `out`. Pure: reads the model and templates only. */
static int render_job(const struct ctx *c, const struct job *j, struct buf *out)
{
	const struct model *m = c->m;
	const char *urls[HHD_MAX_LANGS] = { 0 };
	const char *tpl = NULL;
	struct val *v = NULL;
	int lang = j->lang;
	switch (j->kind) {
	case J_PAGE: {
		const struct page *p = j->page;
		v = page_ctx(c, lang, p->url, p->title.s, "view");
		val_map_set(c->a, v, "page", page_val(c, p));
		if (p->kind == PAGE_HOME) {
			val_map_set(c->a, v, "tips", c->sh->tips[lang]);
		}
		if (!strcmp(p->layout.s, "contact"))
			val_map_set(c->a, v, "form", form_val(c, lang, NULL));
		tpl = layout_template(p);
		break;
	}
	case J_TIPS:
		v = page_ctx(c, lang, j->url, str(c, lang, "tips_title"), "view");
		val_map_set(c->a, v, "tips", c->sh->tips[lang]);
		tpl = "tips";
		break;
	case J_PLANS:
		v = page_ctx(c, lang, j->url, str(c, lang, "plans_title"), "view");
		val_map_set(c->a, v, "groups", plans_val(c, lang));
		tpl = "plans";
		break;
	case J_ORGS: {
		v = page_ctx(c, lang, j->url, str(c, lang, "orgs_title"), "view");
		struct val *orgs = val_list(c->a);
		for (size_t i = 0; i < m->norgs; i++)
			if (m->orgs[i].kind != ORG_COMMERCIAL || m->site.allow_commercial)
				val_list_push(c->a, orgs, org_val(c, &m->orgs[i], lang));
		val_map_set(c->a, v, "orgs", orgs);
		tpl = "orgs";
		break;
	}
	case J_NODE: {
		const struct node *n = j->node;
		if (n->is_outcome) {
			v = page_ctx(c, lang, n->url, n->title.s, "outcome");
			val_map_set(c->a, v, "outcome", outcome_val(c, n));
			val_map_set(c->a, v, "tree", tree_val(c, n->tree));
			tpl = "outcome";
		} else {
			/* The help button leads to the triage's first question: a
			 * visit there is a help press, counted with or without
			 * JavaScript (the noscript image carries the event too). */
			const char *tri = m->site.triage.s;
			int help = tri && n == n->tree->start_node && !strcmp(n->tree->id, tri);
			v = page_ctx(c, lang, n->url, n->question.s, help ? "help" : "view");
			question_ctx(c, n, v);
			tpl = "question";
		}
		break;
	}
	case J_ASK: {
		const struct node *n = j->node;
		const struct page *contact = page_with_layout(m, lang, "contact");
		v = page_ctx(c, lang, j->url, contact && contact->title.s ? contact->title.s : str(c, lang, "ask_title"), "view");
		if (contact)
			val_map_set(c->a, v, "page", page_val(c, contact));
		val_map_set(c->a, v, "form", form_val(c, lang, n));
		val_map_set(c->a, v, "outcome", outcome_val(c, n));
		tpl = "contact";
		break;
	}
	case J_REDIRECT:
	case J_HELP_INDEX:
		v = page_ctx(c, lang, j->url, str(c, lang, "redirect_title"), "view");
		set(c->a, v, "target", j->target);
		set(c->a, v, "target_abs", arena_printf(c->a, "%s%s", m->site.base_url, j->target));
		tpl = "redirect";
		break;
	}
	if (j->kind != J_REDIRECT && j->kind != J_HELP_INDEX) {
		job_urls(c, j, urls);
		alternates(c, v, lang, urls);
	}
	return mustache_render(c->t->tpl, mustache_get(c->t->tpl, tpl), v, out);
}

static void collect_jobs(const struct model *m, struct jobs *js)
{
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		push(js, (struct job){ .kind = J_PAGE, .lang = p->lang, .page = p, .url = p->url });
		for (size_t k = 0; k < p->aliases.n; k++)
			push(js, (struct job){ .kind = J_REDIRECT, .lang = p->lang, .url = p->aliases.items[k].s,
					       .target = p->url });
	}
	for (int li = 0; li < m->site.nlangs; li++) {
		const struct lang *l = &m->site.langs[li];
		push(js, (struct job){ .kind = J_TIPS, .lang = li, .url = l->tips_url });
		push(js, (struct job){ .kind = J_PLANS, .lang = li, .url = l->plans_url });
		push(js, (struct job){ .kind = J_ORGS, .lang = li, .url = l->orgs_url });
		push(js, (struct job){ .kind = J_HELP_INDEX, .lang = li, .url = l->help_index_url,
				       .target = l->help_url });
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			const struct node *n = &t->nodes[k];
			if (!n->url)
				continue;
			push(js, (struct job){ .kind = J_NODE, .lang = t->lang, .node = n, .url = n->url });
		}
	}
}

/* Report a failed render of `url` with the limit it hit. */
static void report_render(struct diags *d, const char *url, int status)
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

/* Render one job and hand it to the writer; reports and returns -1 on failure. */
static int render_write(const struct ctx *c, const struct job *j, struct writer *w, struct buf *out,
			struct diags *d)
{
	buf_reset(out);
	int rc = render_job(c, j, out);
	if (rc < 0) {
		report_render(d, j->url, rc);
		return -1;
	}
	return writer_put(w, out_path(c->a, j->url), out->ptr, out->len, d);
}

/* A render thread's state: the shared context with the thread's own arena. */
struct worker {
	struct ctx c;
	struct arena a;
	const struct jobs *js;
	struct writer *w;
	struct buf out;
	struct diags d;
	int failed;
};

static void S_render_one(void *state, size_t i)
{
	struct worker *wk = state;
	const struct job *j = &wk->js->items[i];
	if (render_write(&wk->c, j, wk->w, &wk->out, &wk->d) < 0)
		wk->failed = 1;
	if (j->kind == J_NODE && j->node->is_outcome) {
		/* the outcome's own "ask the helpdesk" page */
		struct job ask = { .kind = J_ASK, .lang = j->lang, .node = j->node, .url = j->node->ask_url };
		if (render_write(&wk->c, &ask, wk->w, &wk->out, &wk->d) < 0)
			wk->failed = 1;
	}
	arena_reset(&wk->a);
}

/* Files outside the page jobs: root, 404, robots.txt, sitemap, manifest, assets. */
static int write_site_files(struct ctx *c, struct writer *w, const struct jobs *js, struct diags *d)
{
	const struct model *m = c->m;
	int rc = 0;
	struct buf out = BUF_INIT;
	int def = m->site.deflang;
	const char *none[HHD_MAX_LANGS] = { 0 };

	struct val *v = page_ctx(c, def, "/", m->site.langs[def].title, "view");
	set(c->a, v, "target", m->site.langs[def].home_url);
	alternates(c, v, def, none);
	struct val *all = val_list(c->a);
	for (int li = 0; li < m->site.nlangs; li++) {
		struct val *x = val_map(c->a);
		set(c->a, x, "code", m->site.langs[li].code);
		set(c->a, x, "name", m->site.langs[li].name);
		set(c->a, x, "url", m->site.langs[li].home_url);
		val_list_push(c->a, all, x);
	}
	val_map_set(c->a, v, "all_languages", all);
	int st = mustache_render(c->t->tpl, mustache_get(c->t->tpl, "root"), v, &out);
	if (st < 0)
		report_render(d, "/", st);
	rc |= st < 0 ? -1 : writer_put(w, "index.html", out.ptr, out.len, d);

	/* 404 pages: one per language (the web server picks it by path), and
	 * the default language's at the root */
	for (int li = -1; li < m->site.nlangs; li++) {
		int lang = li < 0 ? def : li;
		const char *url = li < 0 ? "/404.html" : m->site.langs[li].notfound_url;
		buf_reset(&out);
		v = page_ctx(c, lang, url, str(c, lang, "notfound_title"), "view");
		alternates(c, v, lang, none);
		val_map_set(c->a, v, "all_languages", all);
		st = mustache_render(c->t->tpl, mustache_get(c->t->tpl, "notfound"), v, &out);
		if (st < 0)
			report_render(d, url, st);
		rc |= st < 0 ? -1 : writer_put(w, url + 1, out.ptr, out.len, d);
	}

	buf_reset(&out);
	buf_addf(&out, "User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: %s/sitemap.xml\n", m->site.base_url);
	rc |= writer_put(w, "robots.txt", out.ptr, out.len, d);

	/* sitemap: every page with its translations as hreflang alternates */
	buf_reset(&out);
	buf_adds(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
		       "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	for (size_t i = 0; i < js->n; i++) {
		const struct job *j = &js->items[i];
		if (j->kind == J_REDIRECT || j->kind == J_HELP_INDEX)
			continue;
		const char *urls[HHD_MAX_LANGS];
		job_urls(c, j, urls);
		buf_adds(&out, "<url><loc>");
		html_escape(&out, m->site.base_url, strlen(m->site.base_url));
		html_escape(&out, j->url, strlen(j->url));
		buf_adds(&out, "</loc>");
		int n = 0;
		for (int li = 0; li < m->site.nlangs; li++)
			n += urls[li] != NULL;
		for (int li = 0; n > 1 && li < m->site.nlangs; li++) {
			if (!urls[li])
				continue;
			buf_addf(&out, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"", m->site.langs[li].code);
			html_escape(&out, m->site.base_url, strlen(m->site.base_url));
			html_escape(&out, urls[li], strlen(urls[li]));
			buf_adds(&out, "\"/>");
		}
		buf_adds(&out, "</url>\n");
	}
	buf_adds(&out, "</urlset>\n");
	rc |= writer_put(w, "sitemap.xml", out.ptr, out.len, d);

	/* the manifest hhd-fcgi reads: which paths exist, of what kind */
	buf_reset(&out);
	buf_adds(&out, "# hhd-manifest 1\n");
	for (size_t i = 0; i < js->n; i++) {
		const struct job *j = &js->items[i];
		const char *kind = "page", *tree = "-", *node = "-";
		switch (j->kind) {
		case J_PAGE:
			kind = j->page->kind == PAGE_HOME ? "home" : j->page->kind == PAGE_TIP ? "tip" : j->page->layout.s;
			break;
		case J_TIPS: kind = "tips"; break;
		case J_PLANS: kind = "plans"; break;
		case J_ORGS: kind = "orgs"; break;
		case J_REDIRECT:
		case J_HELP_INDEX: kind = "redirect"; break;
		case J_ASK:
		case J_NODE:
			kind = j->node->is_outcome ? "outcome" : "question";
			tree = j->node->tree->id;
			node = j->node->id.s;
			break;
		}
		buf_addf(&out, "P\t%s\t%s\t%s\t%s\t%s\n", j->url, m->site.langs[j->lang].code, kind, tree, node);
		if (j->kind == J_NODE && j->node->is_outcome)
			buf_addf(&out, "P\t%s\t%s\tcontact\t-\t-\n", j->node->ask_url, m->site.langs[j->lang].code);
	}
	buf_addf(&out, "P\t/\t%s\troot\t-\t-\n", m->site.langs[def].code);
	buf_addf(&out, "P\t/404.html\t%s\tnotfound\t-\t-\n", m->site.langs[def].code);
	for (int li = 0; li < m->site.nlangs; li++)
		buf_addf(&out, "P\t/%s/404.html\t%s\tnotfound\t-\t-\n", m->site.langs[li].code, m->site.langs[li].code);
	for (size_t i = 0; i < m->site.partners.n; i++)
		buf_addf(&out, "R\t%s\n", m->site.partners.items[i].s);
	rc |= writer_put(w, "hhd-manifest.tsv", out.ptr, out.len, d);

	for (size_t i = 0; i < c->t->nassets; i++) {
		const struct asset *as = &c->t->assets[i];
		rc |= writer_put(w, as->url + 1, as->data.ptr, as->data.len, d);
	}
	buf_free(&out);
	return rc ? -1 : 0;
}

long render_site(const struct model *m, const struct theme *t, struct writer *w, int jobs, struct diags *d)
{
	/* the values every page shares, and the site-wide files: built on
	 * this thread, in render's own arena (the model's is only read) */
	struct arena ra;
	arena_init(&ra);
	struct shared sh = { 0 };
	struct ctx base = { m, t, &sh, &ra };
	for (int li = 0; li < m->site.nlangs; li++) {
		sh.common[li] = build_common(m, t, li, &ra);
		sh.tips[li] = build_tips(&base, li);
	}
	struct jobs js = { 0 };
	collect_jobs(m, &js);
	static const struct pool render_pool = { S_render_one, NULL };
	int n = pool_threads(jobs, js.n, 16);
	struct worker *wk = xcalloc((size_t)n, sizeof *wk);
	for (int i = 0; i < n; i++) {
		wk[i].c = base;
		arena_init(&wk[i].a);
		wk[i].c.a = &wk[i].a;
		wk[i].js = &js;
		wk[i].w = w;
		wk[i].out = (struct buf)BUF_INIT;
		diags_init(&wk[i].d);
	}
	pool_run(&render_pool, js.n, n, wk, sizeof *wk);
	int failed = 0;
	for (int i = 0; i < n; i++) {
		failed |= wk[i].failed;
		diags_merge(d, &wk[i].d);
		buf_free(&wk[i].out);
		arena_free(&wk[i].a);
	}
	free(wk);
	if (write_site_files(&base, w, &js, d) < 0)
		failed = 1;
	free(js.items);
	arena_free(&ra);
	if (failed)
		return -1;
	return (long)writer_count(w, NULL);
}
