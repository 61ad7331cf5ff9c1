/* site.c: fill the model's site settings from the parsed site.yaml: base
 * URL, languages with their section names, triage tree, partners, policy. */
#include "site.h"

#include <string.h>

#include "markdown.h"

static const char *const site_keys[] = { "base_url", "default_language", "languages", "triage",
					   "partners", "policy", NULL };
static const char *const lang_keys[] = { "code", "name", "title", "tagline", "sections", "emergency", NULL };
static const char *const section_keys[] = { "tips", "help", "plans", "orgs", NULL };
static const char *const policy_keys[] = { "allow_raw_html", "allow_commercial", NULL };

int site_lang(const struct site *s, const char *code)
{
	for (int i = 0; i < s->nlangs; i++)
		if (strcmp(s->langs[i].code, code) == 0)
			return i;
	return -1;
}

static const char *S_section(const struct ynode *secs, const char *key, struct diags *d)
{
	struct sstr v = schema_str(secs, key, 1, d);
	if (v.s && !schema_is_slug(v.s)) {
		diag_report(d, D_BAD_SLUG, v.pos, v.s);
		return key;
	}
	return v.s ? v.s : key;
}

static int S_load_lang(struct model *m, struct lang *l, const struct ynode *n, struct diags *d)
{
	memset(l, 0, sizeof *l);
	l->pos = n->pos;
	schema_keys(n, lang_keys, d);
	struct sstr code = schema_str(n, "code", 1, d);
	if (!code.s)
		return -1;
	if (strlen(code.s) < 2 || strlen(code.s) > 8 || !schema_is_slug(code.s)) {
		diag_report(d, D_BAD_SLUG, code.pos, code.s);
		return -1; /* checking pages against a language that cannot exist only adds noise */
	}
	l->code = code.s;
	l->name = schema_str(n, "name", 1, d).s;
	l->title = schema_str(n, "title", 1, d).s;
	l->tagline = schema_str(n, "tagline", 0, d).s;
	if (!l->name)
		l->name = l->code;
	if (!l->title)
		l->title = "";
	struct sstr em = schema_str(n, "emergency", 1, d);
	l->emergency_html = em.s ? md_render(m->arena, em.s, strlen(em.s), em.pos,
					     m->site.allow_raw_html ? MD_ALLOW_RAW_HTML : 0, NULL, NULL, d)
				 : "";
	const struct ynode *secs = schema_map(n, "sections", 1, d);
	if (secs) {
		schema_keys(secs, section_keys, d);
		l->sec_tips = S_section(secs, "tips", d);
		l->sec_help = S_section(secs, "help", d);
		l->sec_plans = S_section(secs, "plans", d);
		l->sec_orgs = S_section(secs, "orgs", d);
		const char *all[] = { l->sec_tips, l->sec_help, l->sec_plans, l->sec_orgs };
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < i; j++)
				if (!strcmp(all[i], all[j]))
					diag_report(d, D_SITE_SECTION_CLASH, secs->pos, all[i], l->code);
	} else {
		l->sec_tips = "tips";
		l->sec_help = "help";
		l->sec_plans = "plans";
		l->sec_orgs = "orgs";
	}
	return 0;
}

int site_load(struct model *m, const char *path, const struct ynode *root, struct diags *d)
{
	struct site *s = &m->site;
	s->path = path;
	if (schema_object(root, "site.yaml", site_keys, d) < 0)
		return -1;
	const struct ynode *pol = schema_map(root, "policy", 0, d);
	if (pol) {
		schema_keys(pol, policy_keys, d);
		s->allow_raw_html = schema_bool(pol, "allow_raw_html", 0, d);
		s->allow_commercial = schema_bool(pol, "allow_commercial", 0, d);
	}
	struct sstr base = schema_str(root, "base_url", 1, d);
	if (base.s && !schema_is_http_url(base.s))
		diag_report(d, D_URL_FIELD, base.pos, "base_url", base.s);
	if (base.s) {
		size_t n = strlen(base.s);
		while (n && base.s[n - 1] == '/')
			n--;
		s->base_url = arena_strndup(m->arena, base.s, n);
	} else {
		s->base_url = "";
	}
	const struct ynode *langs = schema_seq(root, "languages", 1, d);
	if (langs) {
		for (size_t i = 0; i < langs->n; i++) {
			const struct ynode *ln = langs->items[i];
			if (ln->type != Y_MAP) {
				diag_report(d, D_TYPE_MAP, ln->pos, "languages");
				continue;
			}
			if (s->nlangs == HHD_MAX_LANGS) {
				diag_report(d, D_SITE_TOO_MANY_LANGS, ln->pos, HHD_MAX_LANGS);
				break;
			}
			struct lang *l = &s->langs[s->nlangs];
			if (S_load_lang(m, l, ln, d) < 0)
				continue;
			if (site_lang(s, l->code) >= 0) {
				diag_report(d, D_SITE_DUP_LANG, ln->pos, l->code);
				continue;
			}
			s->nlangs++;
		}
	}
	struct sstr def = schema_str(root, "default_language", 1, d);
	s->deflang = 0;
	if (def.s) {
		int i = site_lang(s, def.s);
		if (i < 0)
			diag_report(d, D_SITE_NO_DEFAULT, def.pos, def.s);
		else
			s->deflang = i;
	}
	s->triage = schema_str(root, "triage", 0, d);
	s->partners = schema_strlist(m->arena, root, "partners", d);
	for (size_t i = 0; i < s->partners.n; i++)
		if (!schema_is_slug(s->partners.items[i].s))
			diag_report(d, D_BAD_SLUG, s->partners.items[i].pos, s->partners.items[i].s);
	/* Other problems are reported and checking goes on; without a language
	 * there is nothing to check. */
	return s->nlangs ? 0 : -1;
}
