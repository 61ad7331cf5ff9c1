/* report.c: `hhd check --report`: per language, which pages, tips and trees
 * it has translated, which it shows in another language until they are
 * translated (the stand-ins of validate.c), and which were reviewed earlier
 * than the default language's. As text, or (--html FILE) as one page for
 * the editors. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "xalloc.h"

enum state { ST_TRANSLATED, ST_FALLBACK };

/* One item of the default language, seen from one language. */
struct row {
	const char *kind, *id, *title;
	enum state state;
	const char *reviewed, *def_reviewed; /* this language's, the default's */
	const char *shown;                   /* ST_FALLBACK: the language shown */
	int older;
};

struct rows {
	struct row *items;
	size_t n, cap;
};

static const char *const kind_names[] = { "home", "pages", "tips", "trees" };
#define NKINDS (sizeof kind_names / sizeof *kind_names)

/* The language a default-language item is shown in where it has no
 * translation: the fallback language's version where there is one (as
 * validate.c's stand-ins), else the default language's own. */
static const char *S_shown(const struct model *m, int has_fallback_lang)
{
	return m->site.langs[has_fallback_lang ? m->site.fallback_lang : m->site.deflang].code;
}

static void S_push(struct rows *r, struct row row)
{
	r->items = xgrow(r->items, &r->cap, r->n + 1, sizeof *r->items);
	row.older = row.state == ST_TRANSLATED && row.def_reviewed &&
		    (!row.reviewed || strcmp(row.reviewed, row.def_reviewed) < 0);
	r->items[r->n++] = row;
}

/* Every default-language item as language `li` has it, kind by kind. */
static void S_rows(const struct model *m, int li, struct rows *r)
{
	static const enum page_kind kinds[] = { PAGE_HOME, PAGE_PAGE, PAGE_TIP };
	int def = m->site.deflang;
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < m->npages; i++) {
			const struct page *p = m->pages[i];
			if (p->kind != kinds[k] || p->lang != def || p->fallback)
				continue;
			const struct page *x = p->trans[li];
			S_push(r, (struct row){ kind_names[k], p->id, p->title.s, x ? ST_TRANSLATED : ST_FALLBACK,
						 x ? x->reviewed.s : NULL, p->reviewed.s,
						 x ? NULL : S_shown(m, p->trans[m->site.fallback_lang] != NULL), 0 });
		}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		if (t->lang != def || t->fallback)
			continue;
		const struct tree *x = t->trans[li];
		S_push(r, (struct row){ kind_names[3], t->id, t->title.s, x ? ST_TRANSLATED : ST_FALLBACK,
					 x ? x->reviewed.s : NULL, t->reviewed.s,
					 x ? NULL : S_shown(m, t->trans[m->site.fallback_lang] != NULL), 0 });
	}
}

void report_translations(const struct model *m, struct buf *out)
{
	int def = m->site.deflang;
	const char *defcode = m->site.langs[def].code;
	for (int li = 0; li < m->site.nlangs; li++) {
		struct rows r = { 0 };
		S_rows(m, li, &r);
		buf_addf(out, "language %s%s\n", m->site.langs[li].code, li == def ? " (default)" : "");
		for (size_t k = 0; k < NKINDS; k++) {
			size_t total = 0, done = 0, fb = 0, older = 0;
			struct buf list = BUF_INIT;
			for (size_t i = 0; i < r.n; i++) {
				const struct row *x = &r.items[i];
				if (strcmp(x->kind, kind_names[k]))
					continue;
				total++;
				done += x->state == ST_TRANSLATED;
				fb += x->state != ST_TRANSLATED;
				older += x->older;
				if (x->state == ST_FALLBACK)
					buf_addf(&list, "    falling back: %s (shown in %s)\n", x->id, x->shown);
				else if (x->older)
					buf_addf(&list, "    older: %s (reviewed %s, %s %s)\n", x->id,
						 x->reviewed ? x->reviewed : "never", defcode, x->def_reviewed);
			}
			buf_addf(out, "  %-6s %zu of %zu translated, %zu falling back, %zu reviewed earlier than %s\n",
				 kind_names[k], done, total, fb, older, defcode);
			if (li != def && list.len)
				buf_add(out, list.ptr, list.len);
			buf_free(&list);
		}
		free(r.items);
	}
}

static void S_esc(struct buf *out, const char *s)
{
	if (s)
		html_escape(out, s, strlen(s));
}

void report_translations_html(const struct model *m, struct buf *out)
{
	static const char *const state_names[] = { "translated", "falling back" };
	int def = m->site.deflang;
	const char *defcode = m->site.langs[def].code;
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>Translations: ");
	S_esc(out, m->site.langs[def].title);
	buf_adds(out, "</title>\n<style>\n"
		      "body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}\n"
		      "table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.5rem}\n"
		      "th,td{border:1px solid #c8ced6;padding:0.3rem 0.5rem;text-align:start}\n"
		      ".falling-back{background:#fff4d6}.older{background:#e8eefc}\n"
		      "</style>\n</head>\n<body>\n<h1>Translations</h1>\n<p>Every page, tip and tree of the default "
		      "language (");
	S_esc(out, defcode);
	buf_adds(out, "), per language: translated, falling back (shown in another language until it is "
		      "translated), and when each was last reviewed.</p>\n<h2>Summary</h2>\n"
		      "<table>\n<thead><tr><th scope=\"col\">Language</th><th scope=\"col\">Translated</th>"
		      "<th scope=\"col\">Falling back</th><th scope=\"col\">Reviewed earlier than ");
	S_esc(out, defcode);
	buf_adds(out, "</th></tr></thead>\n<tbody>\n");
	struct rows all[HHD_MAX_LANGS] = { 0 };
	for (int li = 0; li < m->site.nlangs; li++) {
		const struct lang *l = &m->site.langs[li];
		S_rows(m, li, &all[li]);
		size_t done = 0, older = 0;
		for (size_t i = 0; i < all[li].n; i++) {
			done += all[li].items[i].state == ST_TRANSLATED;
			older += all[li].items[i].older;
		}
		buf_adds(out, "<tr><th scope=\"row\"><a href=\"#lang-");
		S_esc(out, l->code);
		buf_adds(out, "\">");
		S_esc(out, l->code);
		buf_adds(out, "</a> <span lang=\"");
		S_esc(out, l->code);
		buf_addf(out, "\" dir=\"%s\">", l->rtl ? "rtl" : "ltr");
		S_esc(out, l->name);
		buf_addf(out, "</span></th><td>%zu of %zu</td><td>%zu</td><td>%zu</td></tr>\n", done, all[li].n,
			 all[li].n - done, older);
	}
	buf_adds(out, "</tbody>\n</table>\n");
	for (int li = 0; li < m->site.nlangs; li++) {
		const struct lang *l = &m->site.langs[li];
		buf_adds(out, "<h2 id=\"lang-");
		S_esc(out, l->code);
		buf_adds(out, "\">");
		S_esc(out, l->code);
		buf_adds(out, li == def ? " (default)" : "");
		buf_adds(out, "</h2>\n<table>\n<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Id</th>"
			      "<th scope=\"col\">Title</th><th scope=\"col\">State</th><th scope=\"col\">Reviewed</th>"
			      "<th scope=\"col\">Reviewed (");
		S_esc(out, defcode);
		buf_adds(out, ")</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < all[li].n; i++) {
			const struct row *x = &all[li].items[i];
			const char *cls = x->state == ST_FALLBACK ? "falling-back" : x->older ? "older" : NULL;
			buf_adds(out, "<tr");
			if (cls)
				buf_addf(out, " class=\"%s\"", cls);
			buf_addf(out, "><td>%s</td><td>", x->kind);
			S_esc(out, x->id);
			buf_adds(out, "</td><td>");
			S_esc(out, x->title);
			buf_addf(out, "</td><td>%s", state_names[x->state]);
			if (x->shown) {
				buf_adds(out, " (shown in ");
				S_esc(out, x->shown);
				buf_adds(out, ")");
			}
			if (x->older)
				buf_adds(out, ", reviewed earlier");
			buf_adds(out, "</td><td>");
			S_esc(out, x->reviewed ? x->reviewed : "");
			buf_adds(out, "</td><td>");
			S_esc(out, x->def_reviewed ? x->def_reviewed : "");
			buf_adds(out, "</td></tr>\n");
		}
		buf_adds(out, "</tbody>\n</table>\n");
		free(all[li].items);
	}
	buf_adds(out, "</body>\n</html>\n");
}
