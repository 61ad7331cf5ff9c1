/* render_files.c: the site-wide files, written after the pages: the root
 * language chooser, the 404 pages, robots.txt, the sitemap, the manifest
 * hhd-fcgi reads (hhd-manifest.tsv) and the theme's assets. (The search
 * indexes are written by the render threads, beside their pages.) */
#include "render_files.h"

#include <string.h>

#include "html.h"
#include "memo.h"
#include "org.h"

/* Render template `tpl` with `v` into `out` and write it as `file`; a
 * failure is reported at `url`. */
static int S_put_template(const struct render_ctx *c, struct writer *w, const char *tpl, struct val *v,
			  const char *url, const char *file, struct buf *out, struct diags *d)
{
	buf_reset(out);
	int st = mustache_render(c->t->tpl, mustache_get(c->t->tpl, tpl), v, out);
	if (st < 0) {
		render_report(d, url, st);
		return -1;
	}
	return writer_put(w, file, out->ptr, out->len, d);
}

/* The root page (a language chooser leading to the default language) and
 * the 404 pages: one per language (the web server picks it by path), and
 * the default language's at the root. */
static int S_root_and_404(const struct render_ctx *c, struct writer *w, struct buf *out, struct diags *d)
{
	const struct model *m = c->m;
	int def = m->site.deflang, rc = 0;
	const char *none[HHD_MAX_LANGS] = { 0 };
	struct val *all = val_list(c->a);
	for (int li = 0; li < m->site.nlangs; li++) {
		struct val *x = val_map(c->a);
		render_set(c->a, x, "code", m->site.langs[li].code);
		render_set(c->a, x, "name", m->site.langs[li].name);
		render_set(c->a, x, "dir", m->site.langs[li].rtl ? "rtl" : "ltr");
		render_set(c->a, x, "url", m->site.langs[li].home_url);
		val_list_push(c->a, all, x);
	}

	struct val *v = render_page_ctx(c, def, "/", m->site.langs[def].title, "view");
	render_set(c->a, v, "target", m->site.langs[def].home_url);
	render_alternates(c, v, def, none, 1);
	val_map_set(c->a, v, "all_languages", all);
	rc |= S_put_template(c, w, "root", v, "/", "index.html", out, d);

	for (int li = -1; li < m->site.nlangs; li++) {
		int lang = li < 0 ? def : li;
		const char *url = li < 0 ? "/404.html" : m->site.langs[li].notfound_url;
		v = render_page_ctx(c, lang, url, render_str(c, lang, "notfound_title"), "view");
		render_alternates(c, v, lang, none, 1);
		val_map_set(c->a, v, "all_languages", all);
		rc |= S_put_template(c, w, "notfound", v, url, url + 1, out, d);
	}
	return rc;
}

/* The error pages nginx shows when hhd-fcgi is down (502, 503: /50x.html)
 * or a client is past its rate limit (429: /429.html). An /api/ request
 * has no language in its path, so each page holds every language's text
 * and emergency block (the police numbers, from site.yaml), the police's
 * phone number from orgs.yaml and the helpdesk's from site.yaml's operator
 * block when it has one. Written only
 * when the theme has an "error" template (it is optional). */
static int S_error_pages(const struct render_ctx *c, struct writer *w, struct buf *out, struct diags *d)
{
	static const struct {
		const char *url, *key;
	} pages[] = { { "/50x.html", "unavailable" }, { "/429.html", "busy" } };
	const struct model *m = c->m;
	int rc = 0;

	if (!mustache_get(c->t->tpl, "error"))
		return 0;
	/* the police's number (the first organisation of kind police with a
	 * phone) and the helpdesk's (the operator's), when site.yaml has one */
	const struct org *police = NULL;
	for (size_t i = 0; i < m->norgs && !police; i++)
		if (m->orgs[i].kind == ORG_POLICE && m->orgs[i].phone.s)
			police = &m->orgs[i];
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		struct val *v = val_map(c->a), *langs = val_list(c->a);
		const char *title = arena_cat(c->a, pages[i].key, "_title", NULL);
		const char *text = arena_cat(c->a, pages[i].key, "_text", NULL);
		for (int li = 0; li < m->site.nlangs; li++) {
			int lang = li == 0 ? m->site.deflang : li <= m->site.deflang ? li - 1 : li;
			struct val *x = val_map(c->a);
			render_set(c->a, x, "code", m->site.langs[lang].code);
			render_set(c->a, x, "name", m->site.langs[lang].name);
			render_set(c->a, x, "dir", m->site.langs[lang].rtl ? "rtl" : "ltr");
			render_set(c->a, x, "home", m->site.langs[lang].home_url);
			render_set(c->a, x, "title", render_str(c, lang, title));
			render_set(c->a, x, "text", render_str(c, lang, text));
			render_set(c->a, x, "emergency", m->site.langs[lang].emergency_html);
			if (police) {
				struct val *pv = val_map(c->a);
				render_set(c->a, pv, "label", render_str(c, lang, "error_police"));
				render_set(c->a, pv, "phone", police->phone.s);
				render_set(c->a, pv, "tel", render_tel_href(c->a, police->phone.s));
				val_map_set(c->a, x, "police", pv);
			}
			if (m->site.op.phone) {
				struct val *hv = val_map(c->a);
				render_set(c->a, hv, "label", render_str(c, lang, "error_helpdesk"));
				render_set(c->a, hv, "name", m->site.op.name);
				render_set(c->a, hv, "phone", m->site.op.phone);
				render_set(c->a, hv, "tel", m->site.op.tel);
				val_map_set(c->a, x, "helpdesk", hv);
			}
			val_list_push(c->a, langs, x);
		}
		render_set(c->a, v, "lang", m->site.langs[m->site.deflang].code);
		render_set(c->a, v, "title", render_str(c, m->site.deflang, title));
		val_map_set(c->a, v, "languages", langs);
		rc |= S_put_template(c, w, "error", v, pages[i].url, pages[i].url + 1, out, d);
	}
	return rc;
}

/* base URL + path, escaped for XML */
static void S_abs_url(struct buf *out, const struct model *m, const char *path)
{
	html_escape(out, m->site.base_url, strlen(m->site.base_url));
	html_escape(out, path, strlen(path));
}

/* The sitemap: every page with its translations as hreflang alternates. */
static void S_sitemap(const struct render_ctx *c, const struct render_jobs *js, struct buf *out)
{
	const struct model *m = c->m;
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
		      "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	for (size_t i = 0; i < js->n; i++) {
		const struct render_job *j = &js->items[i];
		if (j->kind == J_REDIRECT || j->kind == J_HELP_INDEX)
			continue;
		/* a stand-in for an untranslated page is not a page of its own */
		if ((j->kind == J_PAGE && j->page->fallback) || (j->kind == J_NODE && j->node->tree->fallback))
			continue;
		const char *urls[HHD_MAX_LANGS];
		render_job_urls(c, j, urls);
		buf_adds(out, "<url><loc>");
		S_abs_url(out, m, j->url);
		buf_adds(out, "</loc>");
		int n = 0;
		for (int li = 0; li < m->site.nlangs; li++)
			n += urls[li] != NULL;
		for (int li = 0; n > 1 && li < m->site.nlangs; li++) {
			if (!urls[li])
				continue;
			buf_addf(out, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"", m->site.langs[li].code);
			S_abs_url(out, m, urls[li]);
			buf_adds(out, "\"/>");
		}
		buf_adds(out, "</url>\n");
	}
	buf_adds(out, "</urlset>\n");
}

/* One P row of the manifest; a row that would not parse back is reported
 * (it cannot happen for URLs this build made, but the writer checks). */
static int S_manifest_row(struct buf *out, const struct manifest_row *r, struct diags *d)
{
	if (manifest_put_page(out, r) == 0)
		return 0;
	diag_at(d, D_MANIFEST_ROW, NULL, 0, 0, r->path);
	return -1;
}

/* An outcome's O, S and C records: its urgency and title, its steps' titles
 * and whom to call (the organisations in its contacts, in their order). */
static int S_manifest_plan(const struct render_ctx *c, const struct render_job *j, struct buf *out, struct diags *d)
{
	const struct node *n = j->node;
	const char **steps = arena_zalloc(c->a, (n->nsteps + 1) * sizeof *steps);
	struct manifest_contact *who = arena_zalloc(c->a, (n->contacts.n + 1) * sizeof *who);
	struct manifest_plan p = { c->m->site.langs[j->lang].code, n->tree->id, n->id.s, n->urgency, n->title.s,
				   steps, 0, who, 0 };

	for (size_t i = 0; i < n->nsteps; i++)
		if (n->steps[i].title.s)
			steps[p.nsteps++] = n->steps[i].title.s;
	for (size_t i = 0; i < n->contacts.n; i++) {
		const struct org *o = org_find(c->m, n->contacts.items[i].s);
		if (o && o->name[j->lang])
			who[p.ncontacts++] = (struct manifest_contact){ o->name[j->lang], o->phone.s, o->url.s };
	}
	if (manifest_put_plan(out, &p) == 0)
		return 0;
	diag_at(d, D_MANIFEST_ROW, NULL, 0, 0, n->url);
	return -1;
}

/* The manifest hhd-fcgi reads: which paths exist, of what kind, the
 * partner referrers, the site's base URL and each outcome's urgency, steps
 * and contacts, written through lib/manifest (the format's one
 * definition). A row that would not parse back is a build error. */
static int S_manifest(const struct render_ctx *c, const struct render_jobs *js, struct buf *out, struct diags *d)
{
	const struct model *m = c->m;
	int rc = 0;
	manifest_put_header(out);
	for (size_t i = 0; i < js->n; i++) {
		const struct render_job *j = &js->items[i];
		const char *lang = m->site.langs[j->lang].code;
		struct manifest_row r = { .path = j->url, .lang = lang, .kind = LAYOUT_PAGE };
		switch (j->kind) {
		case J_PAGE:
			r.kind = j->page->kind == PAGE_HOME ? LAYOUT_HOME
				 : j->page->kind == PAGE_TIP ? LAYOUT_TIP : j->page->layout_id;
			break;
		case J_TIPS: r.kind = LAYOUT_TIPS; break;
		case J_PLANS: r.kind = LAYOUT_PLANS; break;
		case J_ORGS: r.kind = LAYOUT_ORGS; break;
		case J_SEARCH: r.kind = LAYOUT_SEARCH; break;
		case J_REDIRECT:
		case J_HELP_INDEX: r.kind = LAYOUT_REDIRECT; break;
		case J_ASK:
		case J_NODE:
			r.kind = j->node->is_outcome ? LAYOUT_OUTCOME : LAYOUT_QUESTION;
			r.tree = j->node->tree->id;
			r.node = j->node->id.s;
			break;
		}
		rc |= S_manifest_row(out, &r, d);
		if (j->kind == J_NODE && j->node->is_outcome)
			rc |= S_manifest_row(out, &(struct manifest_row){ j->node->ask_url, lang, LAYOUT_CONTACT, NULL, NULL }, d);
	}
	const char *def = m->site.langs[m->site.deflang].code;
	rc |= S_manifest_row(out, &(struct manifest_row){ "/", def, LAYOUT_ROOT, NULL, NULL }, d);
	rc |= S_manifest_row(out, &(struct manifest_row){ "/404.html", def, LAYOUT_NOTFOUND, NULL, NULL }, d);
	for (int li = 0; li < m->site.nlangs; li++)
		rc |= S_manifest_row(out, &(struct manifest_row){ m->site.langs[li].notfound_url, m->site.langs[li].code,
								  LAYOUT_NOTFOUND, NULL, NULL }, d);
	/* the trees' shape, for the funnels in hhd-admin stats: the T records,
	 * then the E records */
	for (size_t i = 0; i < js->n; i++) {
		const struct render_job *j = &js->items[i];
		if (j->kind == J_NODE && j->node == j->node->tree->start_node && !j->node->is_outcome
		    && manifest_put_start(out, j->node->url) < 0) {
			diag_at(d, D_MANIFEST_ROW, NULL, 0, 0, j->node->url);
			rc = -1;
		}
	}
	for (size_t i = 0; i < js->n; i++) {
		const struct render_job *j = &js->items[i];
		if (j->kind != J_NODE || j->node->is_outcome)
			continue;
		for (size_t a = 0; a < j->node->nanswers; a++) {
			const struct node *to = j->node->answers[a].target;
			if (to && to->url && manifest_put_edge(out, j->node->url, to->url) < 0) {
				diag_at(d, D_MANIFEST_ROW, NULL, 0, 0, j->node->url);
				rc = -1;
			}
		}
	}
	for (size_t i = 0; i < m->site.partners.n; i++) {
		if (manifest_put_partner(out, m->site.partners.items[i].s) < 0) {
			diag_report(d, D_MANIFEST_ROW, m->site.partners.items[i].pos, m->site.partners.items[i].s);
			rc = -1;
		}
	}
	if (manifest_put_base(out, m->site.base_url) < 0) {
		diag_at(d, D_MANIFEST_ROW, NULL, 0, 0, m->site.base_url);
		rc = -1;
	}
	for (size_t i = 0; i < js->n; i++)
		if (js->items[i].kind == J_NODE && js->items[i].node->is_outcome)
			rc |= S_manifest_plan(c, &js->items[i], out, d);
	return rc;
}

/* The memo key of site-wide file `rel` (zero without the memo). */
static struct cache_key S_key(const struct render_ctx *c, const char *rel)
{
	if (!c->memo)
		return (struct cache_key){ 0, 0 };
	struct memo_hasher h;
	memo_hasher_init(&h);
	memo_hasher_put(&h, &c->ch->files_key, sizeof c->ch->files_key);
	memo_hasher_put(&h, rel, strlen(rel) + 1);
	return memo_hasher_done(&h);
}

int render_files_write(const struct render_ctx *c, struct writer *w, const struct render_jobs *js, struct diags *d)
{
	struct buf out = BUF_INIT;
	int rc = S_root_and_404(c, w, &out, d);

	rc |= S_error_pages(c, w, &out, d);

	buf_reset(&out);
	buf_addf(&out, "User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: %s/sitemap.xml\n", c->m->site.base_url);
	rc |= writer_put(w, "robots.txt", out.ptr, out.len, d);

	/* the sitemap and the manifest: kept when what they read did not
	 * change (render_deps.c); they list every page */
	struct cache_key key = S_key(c, "sitemap.xml");
	if (!c->memo || !writer_keep(w, "sitemap.xml", key)) {
		buf_reset(&out);
		S_sitemap(c, js, &out);
		rc |= writer_put_keyed(w, "sitemap.xml", out.ptr, out.len, key, d);
	}
	key = S_key(c, MANIFEST_NAME);
	if (!c->memo || !writer_keep(w, MANIFEST_NAME, key)) {
		buf_reset(&out);
		rc |= S_manifest(c, js, &out, d);
		rc |= writer_put_keyed(w, MANIFEST_NAME, out.ptr, out.len, key, d);
	}

	for (size_t i = 0; i < c->t->nassets; i++) {
		const struct asset *as = &c->t->assets[i];
		rc |= writer_put(w, as->url + 1, as->data.ptr, as->data.len, d);
	}
	buf_free(&out);
	return rc ? -1 : 0;
}
