/* site.c: fill the model's site settings from the parsed site.yaml: base
 * URL, languages with their section names, triage tree, partners, policy,
 * the operator (who runs the site) and the helpdesk's promise per language. */
#include "site.h"

#include <string.h>

#include "markdown.h"
#include "mdcache.h"

static const char *const site_keys[] = { "base_url", "default_language", "languages", "triage",
					   "partners", "policy", "operator", "helpdesk", "quick_exit", NULL };
static const char *const lang_keys[] = { "code", "name", "title", "tagline", "sections", "emergency", "dir",
					   NULL };
/* Languages written right to left, when site.yaml gives no `dir` (ISO 639-1
 * where there is one, else 639-2/3; a regional code such as ar-ma counts by
 * its first part). */
static const char *const rtl_codes[] = { "ar", "arc", "ckb", "dv", "fa", "he", "ku-arab", "ps", "sd", "ug",
					   "ur", "yi", NULL };
static const char *const section_keys[] = { "tips", "help", "plans", "orgs", "search", NULL };
static const char *const policy_keys[] = { "allow_raw_html", "allow_commercial", NULL };
static const char *const operator_keys[] = { "name", "address", "email", "phone", "url", "kvk", NULL };
static const char *const helpdesk_keys[] = { "answer_within", "scope", NULL };

int site_lang(const struct site *s, const char *code)
{
	for (int i = 0; i < s->nlangs; i++)
		if (strcmp(s->langs[i].code, code) == 0)
			return i;
	return -1;
}

static int S_rtl_code(const char *code)
{
	for (const char *const *c = rtl_codes; *c; c++) {
		size_t n = strlen(*c);
		if (!strncmp(code, *c, n) && (code[n] == 0 || code[n] == '-'))
			return 1;
	}
	return 0;
}

static int S_valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t<>\"'"))
		return 0;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1];
}

/* tel: link for a displayed number, as the templates' org phones get it. */
static const char *S_tel(struct arena *a, const char *phone)
{
	char *t = arena_alloc(a, strlen(phone) + 4);
	size_t n = 0;
	for (const char *c = phone; *c; c++)
		if ((*c >= '0' && *c <= '9') || (*c == '+' && c == phone))
			t[n++] = *c;
	t[n] = 0;
	if (n > 3 && t[0] == '0' && t[1] != '0' && strncmp(t, "0800", 4) && strncmp(t, "0900", 4))
		return arena_printf(a, "tel:+31%s", t + 1);
	return arena_printf(a, "tel:%s", t);
}

static void S_load_operator(struct model *m, const struct ynode *root, struct diags *d)
{
	struct site *s = &m->site;
	const struct ynode *op = ymap_get(root, "operator");
	if (!op || yscalar_is_null(op)) {
		diag_report(d, D_SITE_NO_OPERATOR, root->pos);
		return;
	}
	if (op->type != Y_MAP) {
		diag_report(d, D_TYPE_MAP, op->pos, "operator");
		return;
	}
	schema_keys(op, operator_keys, d);
	s->op.name = schema_str(op, "name", 1, d).s;
	s->op.address = schema_str(op, "address", 0, d).s;
	struct sstr email = schema_str(op, "email", 0, d);
	if (email.s && !S_valid_email(email.s)) {
		diag_report(d, D_SITE_EMAIL, email.pos, email.s);
		email.s = NULL;
	}
	s->op.email = email.s;
	struct sstr phone = schema_str(op, "phone", 0, d);
	if (phone.s && !schema_is_phone(phone.s)) {
		diag_report(d, D_ORG_PHONE, phone.pos, phone.s);
		phone.s = NULL;
	}
	s->op.phone = phone.s;
	s->op.tel = phone.s ? S_tel(m->arena, phone.s) : NULL;
	struct sstr url = schema_str(op, "url", 0, d);
	if (url.s && !schema_is_http_url(url.s)) {
		diag_report(d, D_URL_FIELD, url.pos, "url", url.s);
		url.s = NULL;
	}
	s->op.url = url.s;
	struct sstr kvk = schema_str(op, "kvk", 0, d);
	if (kvk.s) {
		size_t i = 0;
		while (kvk.s[i] >= '0' && kvk.s[i] <= '9')
			i++;
		if (i != 8 || kvk.s[i]) {
			diag_report(d, D_SITE_KVK, kvk.pos, kvk.s);
			kvk.s = NULL;
		}
	}
	s->op.kvk = kvk.s;
}

/* A text per site language: a mapping from every language code to a string. */
static void S_per_lang(struct model *m, const struct ynode *map, const char *key, const char *out[HHD_MAX_LANGS],
		       struct pos *pos, struct diags *d)
{
	const struct ynode *v = schema_map(map, key, 1, d);
	if (!v)
		return;
	*pos = v->pos;
	int seen[HHD_MAX_LANGS] = { 0 }; /* a bad text is reported once, not as missing too */
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *t = v->items[i + 1];
		int li = site_lang(&m->site, k->str);
		if (li < 0) {
			diag_report(d, D_LANG_UNKNOWN, k->pos, k->str);
			continue;
		}
		seen[li] = 1;
		if (t->type != Y_SCALAR || !t->str[0]) {
			diag_report(d, t->type != Y_SCALAR ? D_TYPE_STRING : D_EMPTY_STRING, t->pos, key);
			continue;
		}
		out[li] = t->str;
	}
	for (int i = 0; i < m->site.nlangs; i++)
		if (!seen[i])
			diag_report(d, D_LANG_MISSING, v->pos, m->site.langs[i].code);
}

/* helpdesk: optional; when given, both texts in every site language. */
static void S_load_helpdesk(struct model *m, const struct ynode *root, struct diags *d)
{
	struct site *s = &m->site;
	const struct ynode *h = schema_map(root, "helpdesk", 0, d);
	if (!h)
		return;
	schema_keys(h, helpdesk_keys, d);
	struct pos pos = h->pos;
	S_per_lang(m, h, "answer_within", s->answer_within, &pos, d);
	const char *scope[HHD_MAX_LANGS] = { 0 };
	S_per_lang(m, h, "scope", scope, &pos, d);
	for (int i = 0; i < s->nlangs; i++)
		if (scope[i])
			s->scope_html[i] = mdcache_render(m->md, m->arena, scope[i], strlen(scope[i]), pos,
							  s->allow_raw_html ? MD_ALLOW_RAW_HTML : 0, NULL, NULL, d);
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
	struct sstr dir = schema_str(n, "dir", 0, d);
	l->rtl = S_rtl_code(l->code);
	if (dir.s && strcmp(dir.s, "ltr") && strcmp(dir.s, "rtl"))
		diag_report(d, D_SITE_DIR, dir.pos, dir.s);
	else if (dir.s)
		l->rtl = !strcmp(dir.s, "rtl");
	struct sstr em = schema_str(n, "emergency", 1, d);
	l->emergency_html = em.s ? mdcache_render(m->md, m->arena, em.s, strlen(em.s), em.pos,
						  m->site.allow_raw_html ? MD_ALLOW_RAW_HTML : 0, NULL, NULL, d)
				 : "";
	const struct ynode *secs = schema_map(n, "sections", 1, d);
	if (secs) {
		schema_keys(secs, section_keys, d);
		l->sec_tips = S_section(secs, "tips", d);
		l->sec_help = S_section(secs, "help", d);
		l->sec_plans = S_section(secs, "plans", d);
		l->sec_orgs = S_section(secs, "orgs", d);
		/* optional: a site written before the search has none */
		l->sec_search = ymap_get(secs, "search") ? S_section(secs, "search", d) : "search";
		const char *all[] = { l->sec_tips, l->sec_help, l->sec_plans, l->sec_orgs, l->sec_search };
		for (int i = 0; i < 5; i++)
			for (int j = 0; j < i; j++)
				if (!strcmp(all[i], all[j]))
					diag_report(d, D_SITE_SECTION_CLASH, secs->pos, all[i], l->code);
	} else {
		l->sec_tips = "tips";
		l->sec_help = "help";
		l->sec_plans = "plans";
		l->sec_orgs = "orgs";
		l->sec_search = "search";
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
	s->fallback_lang = site_lang(s, "en");
	if (s->fallback_lang < 0)
		s->fallback_lang = s->deflang;
	s->triage = schema_str(root, "triage", 0, d);
	/* a neutral page to leave a sensitive plan for: an https:// address, or a
	 * path here (validate.c checks that it is a page) */
	struct sstr qe = schema_str(root, "quick_exit", 0, d);
	s->quick_exit_pos = qe.pos;
	if (qe.s && !(schema_is_http_url(qe.s) && !strncmp(qe.s, "https://", 8)) &&
	    !(qe.s[0] == '/' && qe.s[1] != '/' && !strpbrk(qe.s, " \t\"<>\\")))
		diag_report(d, D_SITE_QUICK_EXIT, qe.pos, qe.s);
	else
		s->quick_exit = qe.s;
	s->partners = schema_strlist(m->arena, root, "partners", d);
	for (size_t i = 0; i < s->partners.n; i++)
		if (!schema_is_slug(s->partners.items[i].s))
			diag_report(d, D_BAD_SLUG, s->partners.items[i].pos, s->partners.items[i].s);
	S_load_operator(m, root, d);
	S_load_helpdesk(m, root, d);
	/* Other problems are reported and checking goes on; without a language
	 * there is nothing to check. */
	return s->nlangs ? 0 : -1;
}
