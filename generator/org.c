/* org.c: parse the organisations directory (content/orgs.yaml) from its
 * bytes into the model, texts per language; and look organisations up. */
#include "org.h"

#include <string.h>

#include "index.h"
#include "markdown.h"
#include "mdcache.h"
#include "site.h"

static const char *const org_keys[] = { "id", "name", "kind", "phone", "url", "hours", "handles",
					  "about", "sources", NULL };
static const char *const kind_names[ORG__MAX] = { "police", "government", "nonprofit", "role", "commercial" };

const char *org_kind_name(enum org_kind k)
{
	return kind_names[k];
}

/* A text that is either one string for every language or a mapping per
 * language; fills out[lang]. Missing languages are reported when required. */
static void S_localized(struct model *m, const struct ynode *map, const char *key, int required,
			const char *out[HHD_MAX_LANGS], struct diags *d)
{
	const struct ynode *v = ymap_get(map, key);
	if (!v || yscalar_is_null(v)) {
		if (required)
			diag_report(d, D_KEY_MISSING, map->pos, key);
		return;
	}
	if (v->type == Y_SCALAR) {
		for (int i = 0; i < m->site.nlangs; i++)
			out[i] = v->str;
		return;
	}
	if (v->type != Y_MAP) {
		diag_report(d, D_TYPE_STRING, v->pos, key);
		return;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *t = v->items[i + 1];
		int li = site_lang(&m->site, k->str);
		if (li < 0) {
			diag_report(d, D_LANG_UNKNOWN, k->pos, k->str);
			continue;
		}
		if (t->type != Y_SCALAR) {
			diag_report(d, D_TYPE_STRING, t->pos, key);
			continue;
		}
		out[li] = t->str;
	}
	for (int i = 0; i < m->site.nlangs; i++)
		if (!out[i] && required)
			diag_report(d, D_LANG_MISSING, v->pos, m->site.langs[i].code);
}

void orgs_parse(struct model *m, const char *src, size_t len, const char *path, struct diags *d)
{
	struct ynode *root = yaml_load(m->arena, path, src, len, 0, d);
	if (!root)
		return;
	static const char *const top_keys[] = { "orgs", NULL };
	if (schema_object(root, "orgs.yaml", top_keys, d) < 0)
		return;
	const struct ynode *list = schema_seq(root, "orgs", 1, d);
	if (!list)
		return;
	m->orgs = arena_zalloc(m->arena, (list->n ? list->n : 1) * sizeof *m->orgs);
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *n = list->items[i];
		if (schema_object(n, "orgs", org_keys, d) < 0)
			continue;
		struct org *o = &m->orgs[m->norgs];
		o->pos = n->pos;
		o->id = schema_str(n, "id", 1, d);
		if (!o->id.s)
			continue;
		if (!schema_is_slug(o->id.s))
			diag_report(d, D_BAD_SLUG, o->id.pos, o->id.s);
		for (size_t j = 0; j < m->norgs; j++)
			if (!strcmp(m->orgs[j].id.s, o->id.s))
				diag_report(d, D_ORG_DUP, o->id.pos, o->id.s);
		int kind = schema_enum(n, "kind", kind_names, ORG__MAX, 1, &o->kind_s, d);
		/* unknown kinds are treated as the strictest */
		o->kind = kind < 0 ? ORG_COMMERCIAL : (enum org_kind)kind;
		o->phone = schema_str(n, "phone", 0, d);
		if (o->phone.s && !schema_is_phone(o->phone.s))
			diag_report(d, D_ORG_PHONE, o->phone.pos, o->phone.s);
		o->url = schema_str(n, "url", 0, d);
		if (o->url.s && !schema_is_http_url(o->url.s))
			diag_report(d, D_URL_FIELD, o->url.pos, "url", o->url.s);
		S_localized(m, n, "name", 1, o->name, d);
		S_localized(m, n, "hours", 0, o->hours, d);
		const char *about[HHD_MAX_LANGS] = { 0 };
		S_localized(m, n, "about", 1, about, d);
		const struct ynode *an = ymap_get(n, "about");
		for (int li = 0; li < m->site.nlangs; li++) {
			if (!about[li])
				continue;
			struct pos p = an ? an->pos : n->pos;
			if (an && an->type == Y_MAP) {
				const struct ynode *t = ymap_get(an, m->site.langs[li].code);
				if (t)
					p = t->pos;
			}
			o->about_html[li] = mdcache_render(m->md, m->arena, about[li], strlen(about[li]), p,
							   MD_CHECK_SENTENCES, NULL, NULL, d);
		}
		o->handles = schema_strlist(m->arena, n, "handles", d);
		o->sources = schema_sources(m->arena, n, d);
		m->norgs++;
	}
}

const struct org *org_find(const struct model *m, const char *id)
{
	if (m->index)
		return index_get(m, IX_ORG, 0, id);
	for (size_t i = 0; i < m->norgs; i++)
		if (!strcmp(m->orgs[i].id.s, id))
			return &m->orgs[i];
	return NULL;
}
