/* manifest.c: write and parse the site manifest (see manifest.h).
 *
 * The file comes from our own generator, but hhd-fcgi still treats it as
 * input it must not trust blindly: each field is checked for shape, so a
 * broken build cannot make the counters accept odd paths. The writer runs
 * the same checks, so it never writes a row the parser would refuse. */
#include "manifest.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

#define S_STR(x) #x
#define S_XSTR(x) S_STR(x)
#define HEADER "# hhd-manifest " S_XSTR(MANIFEST_VERSION)

const char *const layout_names[LAYOUT__MAX] = {
	[LAYOUT_PAGE] = "page",
	[LAYOUT_CONTACT] = "contact",
	[LAYOUT_THANKS] = "thanks",
	[LAYOUT_FEEDBACK] = "feedback",
	[LAYOUT_EMERGENCY_CARD] = "emergency-card",
	[LAYOUT_INCIDENT_LOG] = "incident-log",
	[LAYOUT_HOME] = "home",
	[LAYOUT_TIP] = "tip",
	[LAYOUT_TIPS] = "tips",
	[LAYOUT_PLANS] = "plans",
	[LAYOUT_ORGS] = "orgs",
	[LAYOUT_REDIRECT] = "redirect",
	[LAYOUT_QUESTION] = "question",
	[LAYOUT_OUTCOME] = "outcome",
	[LAYOUT_ROOT] = "root",
	[LAYOUT_NOTFOUND] = "notfound",
	[LAYOUT_SEARCH] = "search",
};

int layout_find(const char *name)
{
	for (int i = 0; i < LAYOUT__MAX; i++)
		if (strcmp(layout_names[i], name) == 0)
			return i;
	return -1;
}

const char *const urgency_names[URG__MAX] = {
	[URG_ACUTE] = "acute",
	[URG_TODAY] = "today",
	[URG_SOON] = "soon",
	[URG_NONE] = "none",
};

int urgency_find(const char *name)
{
	for (int i = 0; i < URG__MAX; i++)
		if (strcmp(urgency_names[i], name) == 0)
			return i;
	return -1;
}

int layout_has_node(enum layout l)
{
	return l == LAYOUT_QUESTION || l == LAYOUT_OUTCOME;
}

static int S_fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int S_fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, errsz, "line %u: ", line) : 0;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errsz)
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A path as the generator writes it: "/", "/seg/.../seg/" or "/seg/name.html", segments of
 * printable non-space characters, no "." or ".." segments, no '?' or '#'; at most
 * MANIFEST_MAX_FIELD bytes. */
static int S_path_ok(const char *p)
{
	size_t i, n = strlen(p), seg = 0;

	/* a folder ("/nl/tips/x/") or an HTML file ("/nl/404.html") */
	int dir = n > 0 && p[n - 1] == '/';
	int html = n > 6 && strcmp(p + n - 5, ".html") == 0;
	if (n == 0 || n > MANIFEST_MAX_FIELD || p[0] != '/' || !(dir || html) || !utf8_valid(p, n, NULL))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '\\')
			return 0;
		if (c == '/') {
			if (seg == 0)
				return 0;  /* "//" */
			if ((seg == 1 && p[i - 1] == '.') || (seg == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				return 0;
			seg = 0;
		} else {
			seg++;
		}
	}
	return 1;
}

/* [a-z0-9] first, then [a-z0-9_-]; max bytes. Used for languages, kinds,
 * tree and node ids. */
static int S_id_ok(const char *s, size_t max)
{
	size_t i;

	if (!*s || strlen(s) > max)
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_'))))
			return 0;
	}
	return 1;
}

/* Partner codes: letters, digits, '-' and '_', case kept, at most MANIFEST_MAX_ID. */
static int S_code_ok(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > MANIFEST_MAX_ID)
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* A text field (a title, a step, a name): non-empty UTF-8 without control
 * characters (C0, DEL, C1), at most MANIFEST_MAX_FIELD bytes. */
static int S_text_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > MANIFEST_MAX_FIELD || !utf8_valid(s, n, NULL))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0))
			return 0;
	}
	return 1;
}

/* The site's base URL: http:// or https://, then printable ASCII without
 * spaces, not ending in '/'. */
static int S_base_ok(const char *s)
{
	size_t i, n = strlen(s), k = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;

	if (!k || n == k || n > MANIFEST_MAX_FIELD || s[n - 1] == '/')
		return 0;
	for (i = k; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* A contact's phone or url: "-" stands for none; otherwise a text field. */
static int S_opt_ok(const char *s)
{
	return !s || (strcmp(s, "-") != 0 && S_text_ok(s));
}

#define LANG_MAX 16
#define KIND_MAX 32
#define ID_MAX MANIFEST_MAX_ID

void manifest_put_header(struct buf *out)
{
	buf_adds(out, HEADER "\n");
}

/* the field limits keep every P record within the line limit */
_Static_assert(2 + MANIFEST_MAX_FIELD + 1 + LANG_MAX + 1 + KIND_MAX + 2 * (1 + ID_MAX) <= MANIFEST_MAX_LINE,
	       "a P record fits in MANIFEST_MAX_LINE");
_Static_assert(2 + 2 * MANIFEST_MAX_FIELD + 1 <= MANIFEST_MAX_LINE, "an E record fits in MANIFEST_MAX_LINE");

int manifest_put_page(struct buf *out, const struct manifest_row *r)
{
	int kind = (int)r->kind;
	if (kind < 0 || kind >= LAYOUT__MAX || !r->path || !r->lang || !S_path_ok(r->path) ||
	    !S_id_ok(r->lang, LANG_MAX))
		return -1;
	int node = layout_has_node(r->kind);
	if (node ? !r->tree || !r->node || !S_id_ok(r->tree, ID_MAX) || !S_id_ok(r->node, ID_MAX)
		 : r->tree || r->node)
		return -1;
	buf_addf(out, "P\t%s\t%s\t%s\t%s\t%s\n", r->path, r->lang, layout_names[kind], node ? r->tree : "-",
		 node ? r->node : "-");
	return 0;
}

int manifest_put_partner(struct buf *out, const char *code)
{
	if (!code || !S_code_ok(code))
		return -1;
	buf_addf(out, "R\t%s\n", code);
	return 0;
}

int manifest_put_base(struct buf *out, const char *url)
{
	if (!url || !S_base_ok(url))
		return -1;
	buf_addf(out, "B\t%s\n", url);
	return 0;
}

_Static_assert(2 + LANG_MAX + 2 * (1 + ID_MAX) + 3 * (1 + MANIFEST_MAX_FIELD) <= MANIFEST_MAX_LINE,
	       "a C record fits in MANIFEST_MAX_LINE");

int manifest_put_plan(struct buf *out, const struct manifest_plan *p)
{
	size_t i;

	if (!p->lang || !p->tree || !p->node || !p->title || !S_id_ok(p->lang, LANG_MAX) || !S_id_ok(p->tree, ID_MAX)
	    || !S_id_ok(p->node, ID_MAX) || (int)p->urgency < 0 || p->urgency >= URG__MAX || !S_text_ok(p->title))
		return -1;
	for (i = 0; i < p->nsteps; i++)
		if (!p->steps[i] || !S_text_ok(p->steps[i]))
			return -1;
	for (i = 0; i < p->ncontacts; i++) {
		const struct manifest_contact *c = &p->contacts[i];
		if (!c->name || !S_text_ok(c->name) || !S_opt_ok(c->phone) || !S_opt_ok(c->url))
			return -1;
	}
	buf_addf(out, "O\t%s\t%s\t%s\t%s\t%s\n", p->lang, p->tree, p->node, urgency_names[p->urgency], p->title);
	for (i = 0; i < p->nsteps; i++)
		buf_addf(out, "S\t%s\t%s\t%s\t%s\n", p->lang, p->tree, p->node, p->steps[i]);
	for (i = 0; i < p->ncontacts; i++) {
		const struct manifest_contact *c = &p->contacts[i];
		buf_addf(out, "C\t%s\t%s\t%s\t%s\t%s\t%s\n", p->lang, p->tree, p->node, c->name,
			 c->phone ? c->phone : "-", c->url ? c->url : "-");
	}
	return 0;
}

int manifest_put_start(struct buf *out, const char *path)
{
	if (!path || !S_path_ok(path))
		return -1;
	buf_addf(out, "T\t%s\n", path);
	return 0;
}

int manifest_put_edge(struct buf *out, const char *from, const char *to)
{
	if (!from || !to || !S_path_ok(from) || !S_path_ok(to))
		return -1;
	buf_addf(out, "E\t%s\t%s\n", from, to);
	return 0;
}

/* Split line[0..n) at TABs into at most `max` fields copied into the arena.
 * Returns the field count (max + 1 when there are more), or -1 when a field
 * is too long. */
static int S_split(struct arena *a, const char *line, size_t n, char **f, int max)
{
	int k = 0;
	const char *p = line, *end = line + n;

	while (k < max) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		const char *e = t ? t : end;
		if ((size_t)(e - p) > MANIFEST_MAX_FIELD)
			return -1;
		f[k++] = arena_strndup(a, p, (size_t)(e - p));
		if (!t)
			return k;
		p = t + 1;
	}
	return k + 1;  /* more fields than allowed */
}

/* Check one P record f[1..5] and append it. Returns 0, or -1 with err set. */
static int S_add_page(struct manifest_rows *r, char **f, unsigned line, char *err, size_t errsz)
{
	struct manifest_row row = { f[1], f[2], LAYOUT_PAGE, f[4], f[5] };
	int kind;

	if (!S_path_ok(row.path))
		return S_fail(err, errsz, line, "malformed path");
	if (!S_id_ok(row.lang, LANG_MAX) || !S_id_ok(f[3], KIND_MAX))
		return S_fail(err, errsz, line, "malformed language or kind");
	if ((kind = layout_find(f[3])) < 0)
		return S_fail(err, errsz, line, "unknown kind '%s'", f[3]);
	row.kind = (enum layout)kind;
	if (layout_has_node(row.kind) && (!S_id_ok(row.tree, ID_MAX) || !S_id_ok(row.node, ID_MAX)))
		return S_fail(err, errsz, line, "malformed tree or node id");
	if (!layout_has_node(row.kind)) {
		if (strcmp(row.tree, "-") != 0 || strcmp(row.node, "-") != 0)
			return S_fail(err, errsz, line, "tree and node must be '-' for this kind");
		row.tree = row.node = NULL;
	}
	r->pages = xgrow(r->pages, &r->cappages, r->npages + 1, sizeof *r->pages);
	r->pages[r->npages++] = row;
	return 0;
}

/* An O record f[1..5]. Its steps and contacts are counted in by the S and C
 * records after it; their pointers are set once the whole text is read. */
static int S_add_plan(struct manifest_rows *r, char **f, unsigned line, char *err, size_t errsz)
{
	struct manifest_plan p = { .lang = f[1], .tree = f[2], .node = f[3], .title = f[5] };
	int u;

	if (!S_id_ok(p.lang, LANG_MAX) || !S_id_ok(p.tree, ID_MAX) || !S_id_ok(p.node, ID_MAX))
		return S_fail(err, errsz, line, "malformed language, tree or node id");
	if ((u = urgency_find(f[4])) < 0)
		return S_fail(err, errsz, line, "unknown urgency '%s'", f[4]);
	if (!S_text_ok(p.title))
		return S_fail(err, errsz, line, "malformed title");
	p.urgency = (enum urgency)u;
	/* until the fix-up: the index of the first step and contact */
	p.steps = (const char *const *)(uintptr_t)r->nsteps;
	p.contacts = (const struct manifest_contact *)(uintptr_t)r->ncontacts;
	r->plans = xgrow(r->plans, &r->capplans, r->nplans + 1, sizeof *r->plans);
	r->plans[r->nplans++] = p;
	return 0;
}

/* An S (k == 5) or C (k == 7) record: it belongs to the O record just before. */
static int S_add_plan_part(struct manifest_rows *r, char **f, int k, unsigned line, char *err, size_t errsz)
{
	struct manifest_plan *p = r->nplans ? &r->plans[r->nplans - 1] : NULL;

	if (!p || strcmp(p->lang, f[1]) != 0 || strcmp(p->tree, f[2]) != 0 || strcmp(p->node, f[3]) != 0)
		return S_fail(err, errsz, line, "a %s record must follow its outcome's O record", f[0]);
	if (k == 5) {
		if (!S_text_ok(f[4]))
			return S_fail(err, errsz, line, "malformed step text");
		r->steps = xgrow(r->steps, &r->capsteps, r->nsteps + 1, sizeof *r->steps);
		r->steps[r->nsteps++] = f[4];
		p->nsteps++;
		return 0;
	}
	struct manifest_contact c = { f[4], strcmp(f[5], "-") ? f[5] : NULL, strcmp(f[6], "-") ? f[6] : NULL };
	if (!S_text_ok(c.name) || !S_opt_ok(c.phone) || !S_opt_ok(c.url))
		return S_fail(err, errsz, line, "malformed contact");
	r->contacts = xgrow(r->contacts, &r->capcontacts, r->ncontacts + 1, sizeof *r->contacts);
	r->contacts[r->ncontacts++] = c;
	p->ncontacts++;
	return 0;
}

/* One line after the header, p[0..n) without its LF. 0, or -1 with err set. */
static int S_line(struct manifest_rows *r, struct arena *a, const char *p, size_t n, unsigned line, char *err,
		  size_t errsz)
{
	char *f[7];
	int k;

	if (n > MANIFEST_MAX_LINE)
		return S_fail(err, errsz, line, "line longer than %d bytes", MANIFEST_MAX_LINE);
	if (n == 0 || p[0] == '#')
		return 0;  /* blank or comment */
	if (memchr(p, '\r', n))
		return S_fail(err, errsz, line, "CR in line (LF line ends only)");
	if ((k = S_split(a, p, n, f, 7)) < 0)
		return S_fail(err, errsz, line, "field longer than %d bytes", MANIFEST_MAX_FIELD);
	if (strcmp(f[0], "P") == 0)
		return k == 6 ? S_add_page(r, f, line, err, errsz)
			      : S_fail(err, errsz, line, "a P record has 6 fields, not %d", k);
	if (strcmp(f[0], "R") == 0) {
		if (k != 2 || !S_code_ok(f[1]))
			return S_fail(err, errsz, line, "malformed R record");
		r->partners = xgrow(r->partners, &r->cappartners, r->npartners + 1, sizeof *r->partners);
		r->partners[r->npartners++] = f[1];
		return 0;
	}
	if (strcmp(f[0], "B") == 0) {
		if (k != 2 || !S_base_ok(f[1]))
			return S_fail(err, errsz, line, "malformed B record");
		if (r->base_url)
			return S_fail(err, errsz, line, "a second B record");
		r->base_url = f[1];
		return 0;
	}
	if (strcmp(f[0], "O") == 0)
		return k == 6 ? S_add_plan(r, f, line, err, errsz)
			      : S_fail(err, errsz, line, "an O record has 6 fields, not %d", k);
	if (strcmp(f[0], "S") == 0 || strcmp(f[0], "C") == 0) {
		int want = f[0][0] == 'S' ? 5 : 7;
		return k == want ? S_add_plan_part(r, f, k, line, err, errsz)
				 : S_fail(err, errsz, line, "a %s record has %d fields, not %d", f[0], want, k);
	}
	if (strcmp(f[0], "T") == 0) {
		if (k != 2 || !S_path_ok(f[1]))
			return S_fail(err, errsz, line, "malformed T record");
		r->starts = xgrow(r->starts, &r->capstarts, r->nstarts + 1, sizeof *r->starts);
		r->starts[r->nstarts++] = f[1];
	}
	if (strcmp(f[0], "E") == 0) {
		if (k != 3 || !S_path_ok(f[1]) || !S_path_ok(f[2]))
			return S_fail(err, errsz, line, "malformed E record");
		r->edges = xgrow(r->edges, &r->capedges, r->nedges + 1, sizeof *r->edges);
		r->edges[r->nedges++] = (struct manifest_edge){ f[1], f[2] };
	}
	return 0;  /* other records come from a newer generator: skipped */
}

int manifest_rows_parse(struct manifest_rows *r, struct arena *a, const char *text, size_t len, char *err,
			size_t errsz)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int rc = 0;

	if (memchr(text, '\0', len) || !utf8_valid(text, len, NULL))
		rc = S_fail(err, errsz, 0, "not valid UTF-8 text");
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (line == 1) {
			if (n != strlen(HEADER) || memcmp(p, HEADER, n) != 0)
				rc = S_fail(err, errsz, 1, "first line must be '%s'", HEADER);
		} else {
			rc = S_line(r, a, p, n, line, err, errsz);
		}
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && line == 0)
		rc = S_fail(err, errsz, 1, "first line must be '%s'", HEADER);
	/* the plans' steps and contacts, now that the arrays have stopped moving */
	for (size_t i = 0; rc == 0 && i < r->nplans; i++) {
		struct manifest_plan *pl = &r->plans[i];
		pl->steps = r->steps ? r->steps + (uintptr_t)pl->steps : NULL;
		pl->contacts = r->contacts ? r->contacts + (uintptr_t)pl->contacts : NULL;
	}
	if (rc)
		manifest_rows_free(r);
	return rc;
}

void manifest_rows_free(struct manifest_rows *r)
{
	free(r->pages);
	free(r->partners);
	free(r->plans);
	free(r->steps);
	free(r->contacts);
	free(r->starts);
	free(r->edges);
	memset(r, 0, sizeof *r);
}
