/* Unit tests for lib/manifest.c: the layout names table, the writer's exact
 * bytes, a round trip through the parser (of hand-made rows and of the
 * golden site's manifest, which must come back byte for byte), and the
 * parser's and writer's refusals at and past each limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fileio.h"
#include "manifest.h"
#include "t.h"

static struct arena A;

static int S_parse(const char *text, struct manifest_rows *r, char *err, size_t errsz)
{
	memset(r, 0, sizeof *r);
	err[0] = '\0';
	return manifest_rows_parse(r, &A, text, strlen(text), err, errsz);
}

/* Write rows back as the generator does. */
static void S_write(const struct manifest_rows *r, struct buf *out)
{
	manifest_put_header(out);
	for (size_t i = 0; i < r->npages; i++)
		T_CHECK(manifest_put_page(out, &r->pages[i]) == 0);
	for (size_t i = 0; i < r->nstarts; i++)
		T_CHECK(manifest_put_start(out, r->starts[i]) == 0);
	for (size_t i = 0; i < r->nedges; i++)
		T_CHECK(manifest_put_edge(out, r->edges[i].from, r->edges[i].to) == 0);
	for (size_t i = 0; i < r->npartners; i++)
		T_CHECK(manifest_put_partner(out, r->partners[i]) == 0);
	if (r->base_url)
		T_CHECK(manifest_put_base(out, r->base_url) == 0);
	for (size_t i = 0; i < r->nplans; i++)
		T_CHECK(manifest_put_plan(out, &r->plans[i]) == 0);
}

static void test_layouts(void)
{
	for (int i = 0; i < LAYOUT__MAX; i++) {
		T_CHECK(layout_names[i] && layout_find(layout_names[i]) == i);
		for (int j = 0; j < i; j++)
			T_CHECK(strcmp(layout_names[i], layout_names[j]) != 0);
	}
	T_CHECK(LAYOUT__CHOOSABLE == 6);
	T_STREQ(layout_names[LAYOUT_PAGE], "page");
	T_STREQ(layout_names[LAYOUT_CONTACT], "contact");
	T_STREQ(layout_names[LAYOUT_THANKS], "thanks");
	T_STREQ(layout_names[LAYOUT_FEEDBACK], "feedback");
	T_STREQ(layout_names[LAYOUT_EMERGENCY_CARD], "emergency-card");
	T_STREQ(layout_names[LAYOUT_INCIDENT_LOG], "incident-log");
	T_STREQ(layout_names[LAYOUT_OUTCOME], "outcome");
	T_STREQ(layout_names[LAYOUT_NOTFOUND], "notfound");
	T_CHECK(layout_find("fancy") == -1 && layout_find("") == -1 && layout_find("Page") == -1);
	T_CHECK(layout_has_node(LAYOUT_QUESTION) && layout_has_node(LAYOUT_OUTCOME));
	T_CHECK(!layout_has_node(LAYOUT_PAGE) && !layout_has_node(LAYOUT_CONTACT));
}

static void test_write(void)
{
	static const struct manifest_row rows[] = {
		{ "/nl/", "nl", LAYOUT_HOME, NULL, NULL },
		{ "/nl/bedankt/", "nl", LAYOUT_THANKS, NULL, NULL },
		{ "/nl/hulp/ransomware/start/", "nl", LAYOUT_QUESTION, "ransomware", "start" },
		{ "/nl/hulp/ransomware/klaar/", "nl", LAYOUT_OUTCOME, "ransomware", "klaar" },
		{ "/404.html", "nl", LAYOUT_NOTFOUND, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	manifest_put_header(&out);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		T_CHECK(manifest_put_page(&out, &rows[i]) == 0);
	T_CHECK(manifest_put_start(&out, "/nl/hulp/ransomware/start/") == 0);
	T_CHECK(manifest_put_edge(&out, "/nl/hulp/ransomware/start/", "/nl/hulp/ransomware/klaar/") == 0);
	T_CHECK(manifest_put_partner(&out, "Partner_A") == 0);
	T_STREQ(out.ptr, "# hhd-manifest 3\n"
			 "P\t/nl/\tnl\thome\t-\t-\n"
			 "P\t/nl/bedankt/\tnl\tthanks\t-\t-\n"
			 "P\t/nl/hulp/ransomware/start/\tnl\tquestion\transomware\tstart\n"
			 "P\t/nl/hulp/ransomware/klaar/\tnl\toutcome\transomware\tklaar\n"
			 "P\t/404.html\tnl\tnotfound\t-\t-\n"
			 "T\t/nl/hulp/ransomware/start/\n"
			 "E\t/nl/hulp/ransomware/start/\t/nl/hulp/ransomware/klaar/\n"
			 "R\tPartner_A\n");

	/* and back: the same rows, strings and kinds */
	struct manifest_rows r;
	char err[200];
	T_CHECK(S_parse(out.ptr, &r, err, sizeof err) == 0);
	T_STREQ(err, "");
	T_CHECK(r.npages == 5 && r.npartners == 1 && r.nstarts == 1 && r.nedges == 1);
	T_STREQ(r.nstarts ? r.starts[0] : NULL, "/nl/hulp/ransomware/start/");
	T_STREQ(r.nedges ? r.edges[0].to : NULL, "/nl/hulp/ransomware/klaar/");
	for (size_t i = 0; i < r.npages && i < 5; i++) {
		T_STREQ(r.pages[i].path, rows[i].path);
		T_STREQ(r.pages[i].lang, rows[i].lang);
		T_CHECK(r.pages[i].kind == rows[i].kind);
		T_CHECK(rows[i].tree ? r.pages[i].tree && !strcmp(r.pages[i].tree, rows[i].tree) : !r.pages[i].tree);
		T_CHECK(rows[i].node ? r.pages[i].node && !strcmp(r.pages[i].node, rows[i].node) : !r.pages[i].node);
	}
	T_STREQ(r.npartners ? r.partners[0] : NULL, "Partner_A");
	struct buf again = BUF_INIT;
	S_write(&r, &again);
	T_CHECK(again.len == out.len && memcmp(again.ptr, out.ptr, out.len) == 0);
	manifest_rows_free(&r);
	buf_free(&again);

	/* refusals append nothing */
	static const struct manifest_row bad[] = {
		{ "nl/", "nl", LAYOUT_PAGE, NULL, NULL },            /* not from the root */
		{ "/nl", "nl", LAYOUT_PAGE, NULL, NULL },            /* neither a folder nor .html */
		{ "/a b/", "nl", LAYOUT_PAGE, NULL, NULL },
		{ "/a\tb/", "nl", LAYOUT_PAGE, NULL, NULL },         /* would split the line */
		{ "/a\nb/", "nl", LAYOUT_PAGE, NULL, NULL },
		{ "/a/../b/", "nl", LAYOUT_PAGE, NULL, NULL },
		{ "/x/", "NL", LAYOUT_PAGE, NULL, NULL },
		{ "/x/", "", LAYOUT_PAGE, NULL, NULL },
		{ "/x/", "nl", LAYOUT_PAGE, "t", "n" },              /* a tree for a plain page */
		{ "/x/", "nl", LAYOUT_PAGE, "-", "-" },
		{ "/x/", "nl", LAYOUT_OUTCOME, NULL, NULL },         /* an outcome without its node */
		{ "/x/", "nl", LAYOUT_QUESTION, "t", "N" },
		{ "/x/", "nl", LAYOUT__MAX, NULL, NULL },
		{ "/x/", "nl", (enum layout)-1, NULL, NULL },
		{ NULL, "nl", LAYOUT_PAGE, NULL, NULL },
		{ "/x/", NULL, LAYOUT_PAGE, NULL, NULL },
	};
	size_t len = out.len;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (manifest_put_page(&out, &bad[i]) != -1)
			fprintf(stderr, "  row %zu accepted\n", i);
		T_CHECK(out.len == len);
	}
	T_CHECK(manifest_put_partner(&out, "a b") == -1 && manifest_put_partner(&out, "") == -1);
	T_CHECK(manifest_put_partner(&out, "a\tb") == -1 && manifest_put_partner(&out, NULL) == -1);
	T_CHECK(manifest_put_start(&out, "/a b/") == -1 && manifest_put_start(&out, NULL) == -1);
	T_CHECK(manifest_put_edge(&out, "/x/", "/a/../b/") == -1 && manifest_put_edge(&out, "x/", "/y/") == -1);
	T_CHECK(manifest_put_edge(&out, "/x/", NULL) == -1);
	T_CHECK(out.len == len);
	/* an E record at the field limit on both sides fits a line; one byte more does not */
	char *lng = malloc(MANIFEST_MAX_FIELD + 2);
	lng[0] = '/';
	memset(lng + 1, 'a', MANIFEST_MAX_FIELD - 2);
	strcpy(lng + MANIFEST_MAX_FIELD - 1, "/");
	T_CHECK(strlen(lng) == MANIFEST_MAX_FIELD && manifest_put_edge(&out, lng, lng) == 0);
	struct buf hdr = BUF_INIT;
	manifest_put_header(&hdr);
	buf_add(&hdr, out.ptr + len, out.len - len);
	T_CHECK(S_parse(hdr.ptr, &r, err, sizeof err) == 0 && r.nedges == 1);
	manifest_rows_free(&r);
	strcpy(lng + MANIFEST_MAX_FIELD - 1, "a/");
	len = out.len;
	T_CHECK(manifest_put_edge(&out, lng, "/x/") == -1 && manifest_put_start(&out, lng) == -1 && out.len == len);
	free(lng);
	buf_free(&hdr);
	buf_free(&out);
}

/* The manifest a real build writes parses and writes back byte for byte. */
static void test_round_trip_file(const char *rel, size_t min_pages)
{
	const char *src = getenv("HHD_SRC");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
	struct buf text = BUF_INIT;
	T_CHECK(file_read(path, MANIFEST_MAX_BYTES, &text) == FILE_OK);
	if (!text.ptr) {
		fprintf(stderr, "  cannot read %s\n", path);
		return;
	}
	struct manifest_rows r = { 0 };
	char err[200] = "";
	T_CHECK(manifest_rows_parse(&r, &A, text.ptr, text.len, err, sizeof err) == 0);
	T_STREQ(err, "");
	T_CHECK(r.npages >= min_pages);
	struct buf out = BUF_INIT;
	S_write(&r, &out);
	T_CHECK(out.len == text.len && memcmp(out.ptr, text.ptr, text.len) == 0);
	manifest_rows_free(&r);
	buf_free(&out);
	buf_free(&text);
}

static void test_parse_bad(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "line 1: first line must be '# hhd-manifest 3'" },
		/* another version: a reader refuses what it may misread */
		{ "# hhd-manifest 1\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 2\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 10\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 3 \n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 3\r\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "P\t/\tnl\thome\t-\t-\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\n", "line 2: a P record has 6 fields, not 5" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\t-\n", "line 2: a P record has 6 fields, not 7" },
		{ "# hhd-manifest 3\nP\tx/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/x\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/.html\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a//b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a/./b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/x/\tNL\tpage\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\t\t-\t-\n", "line 2: malformed language or kind" },
		/* unknown kinds: shaped like a kind, or like a known one in another case */
		{ "# hhd-manifest 3\nP\t/x/\tnl\tfancy\t-\t-\n", "line 2: unknown kind 'fancy'" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpages\t-\t-\n", "line 2: unknown kind 'pages'" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tThanks\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\toutcome\t-\t-\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tquestion\tt\t\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\tt\tn\n", "line 2: tree and node must be '-' for this kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\r\n", "line 2: CR in line (LF line ends only)" },
		{ "# hhd-manifest 3\n\nR\n", "line 3: malformed R record" },
		{ "# hhd-manifest 3\nR\ta b\n", "line 2: malformed R record" },
		{ "# hhd-manifest 3\nR\ta\tb\n", "line 2: malformed R record" },
		{ "# hhd-manifest 3\nP\t/\xff/\tnl\tpage\t-\t-\n", "not valid UTF-8 text" },
		{ "# hhd-manifest 3\nT\n", "line 2: malformed T record" },
		{ "# hhd-manifest 3\nT\t/x\n", "line 2: malformed T record" },
		{ "# hhd-manifest 3\nT\t/x/\t/y/\n", "line 2: malformed T record" },
		{ "# hhd-manifest 3\nE\t/x/\n", "line 2: malformed E record" },
		{ "# hhd-manifest 3\nE\t/x/\t/y/\t/z/\n", "line 2: malformed E record" },
		{ "# hhd-manifest 3\nE\t/x/\ty/\n", "line 2: malformed E record" },
	};
	struct manifest_rows r;
	char err[200];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		T_CHECK(S_parse(cases[i].text, &r, err, sizeof err) == -1);
		T_STREQ(err, cases[i].err);
		T_CHECK(r.npages == 0 && r.npartners == 0 && !r.pages && !r.partners);  /* left empty */
		T_CHECK(r.nstarts == 0 && r.nedges == 0 && !r.starts && !r.edges);
	}
	/* an embedded NUL */
	memset(&r, 0, sizeof r);
	T_CHECK(manifest_rows_parse(&r, &A, "# hhd-manifest 3\n\0", 18, err, sizeof err) == -1);
	T_STREQ(err, "not valid UTF-8 text");
	/* rows before a bad line are dropped too */
	T_CHECK(S_parse("# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\nR\tok\nP\t/y/\tnl\tnope\t-\t-\n", &r, err,
			sizeof err) == -1);
	T_STREQ(err, "line 4: unknown kind 'nope'");
	T_CHECK(r.npages == 0 && r.npartners == 0);
	/* a short error buffer is cut, not overrun */
	char small[8];
	T_CHECK(S_parse("# hhd-manifest 3\nP\t/x/\tnl\tnope\t-\t-\n", &r, small, sizeof small) == -1);
	T_STREQ(small, "line 2:");
}

static void test_parse_good(void)
{
	struct manifest_rows r;
	char err[200];

	/* comments, blank lines, unknown records; no final newline */
	T_CHECK(S_parse("# hhd-manifest 3\n# note\n\nX\tfrom\ta newer generator\nP\t/x/\ten\tpage\t-\t-", &r, err,
			sizeof err) == 0);
	T_CHECK(r.npages == 1 && r.pages[0].kind == LAYOUT_PAGE && !r.pages[0].tree);
	manifest_rows_free(&r);
	T_CHECK(S_parse("# hhd-manifest 3\n", &r, err, sizeof err) == 0 && r.npages == 0 && r.npartners == 0);
	manifest_rows_free(&r);
	T_CHECK(S_parse("# hhd-manifest 3", &r, err, sizeof err) == 0 && r.npages == 0);
	manifest_rows_free(&r);
	/* every kind parses to its enum value */
	for (int k = 0; k < LAYOUT__MAX; k++) {
		struct buf b = BUF_INIT;
		struct manifest_row row = { "/x/", "nl", (enum layout)k, NULL, NULL };
		if (layout_has_node(row.kind))
			row.tree = "t", row.node = "n";
		manifest_put_header(&b);
		T_CHECK(manifest_put_page(&b, &row) == 0);
		T_CHECK(S_parse(b.ptr, &r, err, sizeof err) == 0 && r.npages == 1 && r.pages[0].kind == row.kind);
		manifest_rows_free(&r);
		buf_free(&b);
	}
}

/* MANIFEST_MAX_FIELD and MANIFEST_MAX_LINE, at and one past the edge, for
 * the parser and the writer alike. */
static void test_limits(void)
{
	struct manifest_rows r;
	char err[200];
	struct buf t = BUF_INIT, w = BUF_INIT;
	char *path = malloc(MANIFEST_MAX_FIELD + 2);

	for (size_t n = MANIFEST_MAX_FIELD; n <= MANIFEST_MAX_FIELD + 1; n++) {
		/* a path of exactly n bytes: "/aaa...a/" */
		path[0] = '/';
		memset(path + 1, 'a', n - 2);
		path[n - 1] = '/';
		path[n] = '\0';
		buf_reset(&t);
		buf_addf(&t, "# hhd-manifest 3\nP\t%s\tnl\tpage\t-\t-\n", path);
		int ok = n == MANIFEST_MAX_FIELD;
		T_CHECK(S_parse(t.ptr, &r, err, sizeof err) == (ok ? 0 : -1));
		T_STREQ(err, ok ? "" : "line 2: field longer than 1024 bytes");
		T_CHECK(r.npages == (ok ? 1u : 0u));
		manifest_rows_free(&r);
		struct manifest_row row = { path, "nl", LAYOUT_PAGE, NULL, NULL };
		buf_reset(&w);
		T_CHECK(manifest_put_page(&w, &row) == (ok ? 0 : -1));
		T_CHECK(w.len == (ok ? n + 15 : 0));
	}
	for (size_t n = MANIFEST_MAX_LINE; n <= MANIFEST_MAX_LINE + 1; n++) {
		/* a comment line, and an unknown record of short fields, of exactly n bytes */
		for (int rec = 0; rec < 2; rec++) {
			buf_reset(&t);
			buf_adds(&t, "# hhd-manifest 3\n");
			size_t start = t.len;
			buf_adds(&t, rec ? "X" : "#");
			while (t.len - start < n)
				buf_addch(&t, rec && (t.len - start) % 1000 == 1 ? '\t' : 'a');
			buf_adds(&t, "\nP\t/x/\tnl\tpage\t-\t-\n");
			int ok = n == MANIFEST_MAX_LINE;
			T_CHECK(S_parse(t.ptr, &r, err, sizeof err) == (ok ? 0 : -1));
			T_STREQ(err, ok ? "" : "line 2: line longer than 4096 bytes");
			T_CHECK(r.npages == (ok ? 1u : 0u));
			manifest_rows_free(&r);
		}
	}
	/* partner codes: MANIFEST_MAX_ID bytes at most */
	char code[MANIFEST_MAX_ID + 2];
	memset(code, 'c', sizeof code - 1);
	code[MANIFEST_MAX_ID + 1] = '\0';
	T_CHECK(manifest_put_partner(&w, code) == -1);
	code[MANIFEST_MAX_ID] = '\0';
	T_CHECK(manifest_put_partner(&w, code) == 0);
	free(path);
	buf_free(&t);
	buf_free(&w);
}

/* Version 3: the urgency table, the B record and an outcome's O, S and C
 * records, written and parsed back, and each refusal. */
static void test_plans(void)
{
	static const char *const steps[] = { "Trek de kabel uit", "Bel de politie \xc3\xa9" };
	static const struct manifest_contact who[] = { { "Politie", "0900-8844", "https://politie.example/" },
						       { "Uw bank", NULL, NULL } };
	struct manifest_plan p = { "nl", "ransomware", "klaar", URG_ACUTE, "Versleuteld", steps, 2, who, 2 };
	struct manifest_rows r;
	struct buf out = BUF_INIT;
	char err[200];
	size_t len;

	for (int i = 0; i < URG__MAX; i++)
		T_CHECK(urgency_names[i] && urgency_find(urgency_names[i]) == i);
	T_CHECK(urgency_find("urgent") == -1 && URG__CHOOSABLE == URG_NONE);
	manifest_put_header(&out);
	T_CHECK(manifest_put_base(&out, "https://hhd.example") == 0);
	T_CHECK(manifest_put_plan(&out, &p) == 0);
	p.node = "start", p.urgency = URG_NONE, p.nsteps = 0, p.ncontacts = 0;
	T_CHECK(manifest_put_plan(&out, &p) == 0);
	T_STREQ(out.ptr, "# hhd-manifest 3\nB\thttps://hhd.example\n"
		"O\tnl\transomware\tklaar\tacute\tVersleuteld\n"
		"S\tnl\transomware\tklaar\tTrek de kabel uit\n"
		"S\tnl\transomware\tklaar\tBel de politie \xc3\xa9\n"
		"C\tnl\transomware\tklaar\tPolitie\t0900-8844\thttps://politie.example/\n"
		"C\tnl\transomware\tklaar\tUw bank\t-\t-\n"
		"O\tnl\transomware\tstart\tnone\tVersleuteld\n");
	T_CHECK(S_parse(out.ptr, &r, err, sizeof err) == 0);
	T_STREQ(err, "");
	T_CHECK(r.base_url && strcmp(r.base_url, "https://hhd.example") == 0);
	T_CHECK(r.nplans == 2 && r.plans[0].urgency == URG_ACUTE && r.plans[1].urgency == URG_NONE);
	T_CHECK(r.plans[0].nsteps == 2 && strcmp(r.plans[0].steps[1], steps[1]) == 0);
	T_CHECK(r.plans[0].ncontacts == 2 && strcmp(r.plans[0].contacts[0].phone, "0900-8844") == 0);
	T_CHECK(r.plans[0].contacts[1].phone == NULL && r.plans[0].contacts[1].url == NULL);
	T_CHECK(r.plans[1].nsteps == 0 && r.plans[1].ncontacts == 0);
	manifest_rows_free(&r);

	/* the writer refuses, appending nothing */
	len = out.len;
	p.node = "klaar";
	const char *bad_base[] = { "ftp://x.nl", "https://", "https://x.nl/", "https://x y.nl", "x.nl", NULL };
	for (size_t i = 0; i < sizeof bad_base / sizeof *bad_base; i++)
		T_CHECK(manifest_put_base(&out, bad_base[i]) == -1);
	const char *bad_text[] = { "", "a\tb", "a\nb", "a\x7f", "a\xc2\x85", "\xff" };
	for (size_t i = 0; i < sizeof bad_text / sizeof *bad_text; i++) {
		struct manifest_plan q = p;
		q.title = bad_text[i];
		T_CHECK(manifest_put_plan(&out, &q) == -1);
		const char *st[] = { bad_text[i] };
		q = p, q.steps = st, q.nsteps = 1;
		T_CHECK(manifest_put_plan(&out, &q) == -1);
		struct manifest_contact c[] = { { bad_text[i], NULL, NULL } };
		q = p, q.contacts = c, q.ncontacts = 1;
		T_CHECK(manifest_put_plan(&out, &q) == -1);
	}
	struct manifest_contact dash[] = { { "x", "-", NULL } };
	struct manifest_plan q = p;
	q.contacts = dash, q.ncontacts = 1;
	T_CHECK(manifest_put_plan(&out, &q) == -1);   /* "-" would read back as none */
	q = p, q.urgency = URG__MAX;
	T_CHECK(manifest_put_plan(&out, &q) == -1);
	q = p, q.tree = "Ransomware";
	T_CHECK(manifest_put_plan(&out, &q) == -1);
	char big[MANIFEST_MAX_FIELD + 2];
	memset(big, 'x', sizeof big);
	big[MANIFEST_MAX_FIELD] = '\0';
	q = p, q.title = big;
	T_CHECK(manifest_put_plan(&out, &q) == 0);    /* at the limit */
	len = out.len;
	big[MANIFEST_MAX_FIELD] = 'x', big[MANIFEST_MAX_FIELD + 1] = '\0';
	T_CHECK(manifest_put_plan(&out, &q) == -1);   /* past it */
	T_CHECK(out.len == len);
	buf_free(&out);

	/* the parser's refusals */
	static const char *const bad[][2] = {
		{ "# hhd-manifest 3\nS\tnl\tt\tn\tstep\n", "line 2: a S record must follow its outcome's O record" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\tsoon\tT\nC\tnl\tt\tm\tx\t-\t-\n",
		  "line 3: a C record must follow its outcome's O record" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\turgent\tT\n", "line 2: unknown urgency 'urgent'" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\tsoon\n", "line 2: an O record has 6 fields, not 5" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\tsoon\t\n", "line 2: malformed title" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\tsoon\tT\nS\tnl\tt\tn\n", "line 3: a S record has 5 fields, not 4" },
		{ "# hhd-manifest 3\nO\tnl\tt\tn\tsoon\tT\nC\tnl\tt\tn\tx\t-\n", "line 3: a C record has 7 fields, not 6" },
		{ "# hhd-manifest 3\nB\thttps://a.nl\nB\thttps://b.nl\n", "line 3: a second B record" },
		{ "# hhd-manifest 3\nB\thttps://a.nl/\n", "line 2: malformed B record" },
		{ "# hhd-manifest 2\n", "line 1: first line must be '# hhd-manifest 3'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		T_CHECK(S_parse(bad[i][0], &r, err, sizeof err) == -1);
		T_STREQ(err, bad[i][1]);
		T_CHECK(r.nplans == 0 && r.base_url == NULL);
	}
}

int main(void)
{
	arena_init(&A);
	test_layouts();
	test_write();
	test_round_trip_file("tests/golden/expected/" MANIFEST_NAME, 40);
	test_round_trip_file("tests/e2e/fcgi/fixtures/site/" MANIFEST_NAME, 10);
	test_parse_bad();
	test_parse_good();
	test_limits();
	test_plans();
	arena_free(&A);
	return t_done();
}
