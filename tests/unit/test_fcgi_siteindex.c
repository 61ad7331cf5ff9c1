/* Unit tests for fcgi/siteindex.c: the site manifest read into lookups. */
#include <stdlib.h>
#include <string.h>

#include "siteindex.h"
#include "t.h"

static const char good[] =
	"# hhd-manifest 3\n"
	"P\t/nl/\tnl\thome\t-\t-\n"
	"P\t/\tnl\tpage\t-\t-\n"
	"# a comment\n"
	"\n"
	"P\t/nl/bedankt/\tnl\tthanks\t-\t-\n"
	"P\t/en/thanks/\ten\tthanks\t-\t-\n"
	"P\t/nl/hulp/ransomware/\tnl\tquestion\transomware\tstart\n"
	"P\t/nl/hulp/ransomware/klaar/\tnl\toutcome\transomware\tklaar\n"
	"P\t/nl/hulp/phishing/\tnl\tquestion\tphishing\tstart\n"
	"P\t/nl/caf\xc3\xa9/\tnl\tpage\t-\t-\n"
	"X\tsomething\tfrom\ta newer generator\n"
	"R\tpartner-b\n"
	"R\tPartner_A\n";

static int S_parse(const char *text, struct siteindex *m, char *err)
{
	siteindex_init(m);
	return siteindex_parse(m, text, strlen(text), err, 200);
}

static void test_good(void)
{
	struct siteindex m;
	char err[200] = "";
	const struct manifest_row *p;

	T_CHECK(S_parse(good, &m, err) == 0);
	T_CHECK(m.rows.npages == 8 && m.rows.npartners == 2 && m.nnodes == 3);
	p = siteindex_page(&m, "/nl/hulp/ransomware/klaar/");
	T_CHECK(p && p->kind == LAYOUT_OUTCOME && strcmp(p->tree, "ransomware") == 0
		&& strcmp(p->node, "klaar") == 0 && strcmp(p->lang, "nl") == 0);
	p = siteindex_page(&m, "/nl/");
	T_CHECK(p && !p->tree && !p->node);
	T_CHECK(siteindex_page(&m, "/") != NULL);
	T_CHECK(siteindex_page(&m, "/nl/caf\xc3\xa9/") != NULL);
	T_CHECK(siteindex_page(&m, "/nl") == NULL);
	T_CHECK(siteindex_page(&m, "/nl/bedankt") == NULL);
	T_CHECK(siteindex_page(&m, "/NL/") == NULL);
	T_CHECK(siteindex_page(&m, "") == NULL);
	T_CHECK(siteindex_page(&m, NULL) == NULL);
	p = siteindex_find_kind(&m, "en", LAYOUT_THANKS);
	T_CHECK(p && strcmp(p->path, "/en/thanks/") == 0);
	T_CHECK(siteindex_find_kind(&m, "de", LAYOUT_THANKS) == NULL);
	T_CHECK(siteindex_find_kind(&m, "en", LAYOUT_FEEDBACK) == NULL);
	T_CHECK(siteindex_has_node(&m, "ransomware", "start"));
	T_CHECK(siteindex_has_node(&m, "ransomware", "klaar"));
	T_CHECK(siteindex_has_node(&m, "phishing", "start"));
	T_CHECK(!siteindex_has_node(&m, "phishing", "klaar"));
	T_CHECK(!siteindex_has_node(&m, "", ""));
	T_CHECK(!siteindex_has_node(&m, "-", "-"));
	T_CHECK(siteindex_has_partner(&m, "Partner_A"));
	T_CHECK(siteindex_has_partner(&m, "partner-b"));
	T_CHECK(!siteindex_has_partner(&m, "partner_a"));
	T_CHECK(!siteindex_has_partner(&m, ""));
	siteindex_free(&m);

	/* an HTML file, as the generator lists its "not found" pages */
	T_CHECK(S_parse("# hhd-manifest 3\nP\t/nl/404.html\tnl\tnotfound\t-\t-\n", &m, err) == 0 && m.rows.npages == 1);
	p = siteindex_page(&m, "/nl/404.html");
	T_CHECK(p && p->kind == LAYOUT_NOTFOUND);
	siteindex_free(&m);

	/* without a final newline; and the empty manifest */
	T_CHECK(S_parse("# hhd-manifest 3\nP\t/x/\ten\tpage\t-\t-", &m, err) == 0 && m.rows.npages == 1);
	siteindex_free(&m);
	T_CHECK(S_parse("# hhd-manifest 3\n", &m, err) == 0 && m.rows.npages == 0);
	T_CHECK(siteindex_page(&m, "/") == NULL && !siteindex_has_node(&m, "a", "b") && !siteindex_has_partner(&m, "a"));
	siteindex_free(&m);
}

static void test_bad(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 1\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 2\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 3\r\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "P\t/\tnl\thome\t-\t-\n", "line 1: first line must be '# hhd-manifest 3'" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\n", "line 2: a P record has 6 fields, not 5" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\t-\n", "line 2: a P record has 6 fields, not 7" },
		{ "# hhd-manifest 3\nP\tx/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/x\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/x.htm\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/.html\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t//\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a//b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a/../b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a/./b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/a?b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 3\nP\t/x/\tNL\tpage\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\t\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\toutcome\t-\t-\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tquestion\tt\t\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\tt\tn\n", "line 2: tree and node must be '-' for this kind" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\r\n", "line 2: CR in line (LF line ends only)" },
		{ "# hhd-manifest 3\nR\n", "line 2: malformed R record" },
		{ "# hhd-manifest 3\nR\ta b\n", "line 2: malformed R record" },
		{ "# hhd-manifest 3\nR\ta\tb\n", "line 2: malformed R record" },
		{ "# hhd-manifest 3\nP\t/x/\tnl\tpage\t-\t-\nP\t/x/\ten\tpage\t-\t-\n", "duplicate path '/x/'" },
		{ "# hhd-manifest 3\nP\t/\xff/\tnl\tpage\t-\t-\n", "not valid UTF-8 text" },
	};
	struct siteindex m;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		err[0] = '\0';
		T_CHECK(S_parse(cases[i].text, &m, err) == -1);
		T_STREQ(err, cases[i].err);
		T_CHECK(m.rows.npages == 0 && m.rows.npartners == 0);  /* left empty */
		siteindex_free(&m);
	}
	/* an embedded NUL */
	siteindex_init(&m);
	T_CHECK(siteindex_parse(&m, "# hhd-manifest 3\n\0", 18, err, sizeof err) == -1);
	siteindex_free(&m);
	/* a field over MANIFEST_MAX_FIELD */
	{
		size_t n = MANIFEST_MAX_FIELD + 100;
		char *big = malloc(n + 64);
		strcpy(big, "# hhd-manifest 3\nP\t/");
		memset(big + strlen(big), 'a', n);
		strcpy(big + 20 + n, "/\tnl\tpage\t-\t-\n");
		T_CHECK(S_parse(big, &m, err) == -1);
		T_STREQ(err, "line 2: field longer than 1024 bytes");
		siteindex_free(&m);
		free(big);
	}
}

static void test_load(void)
{
	struct siteindex m;
	char err[300];
	const char *src = getenv("HHD_SRC");
	char path[512];

	siteindex_init(&m);
	T_CHECK(siteindex_load(&m, "/nonexistent/hhd-manifest.tsv", err, sizeof err) == -1);
	T_CHECK(strstr(err, "cannot read") != NULL);
	siteindex_free(&m);
	if (src) {
		snprintf(path, sizeof path, "%s/tests/e2e/fcgi/fixtures/site/hhd-manifest.tsv", src);
		siteindex_init(&m);
		T_CHECK(siteindex_load(&m, path, err, sizeof err) == 0);
		T_CHECK(m.rows.npages == 17 && m.rows.npartners == 2 && m.rows.nstarts == 2 && m.rows.nedges == 6);
		siteindex_free(&m);
	}
}

int main(void)
{
	test_good();
	test_bad();
	test_load();
	return t_done();
}
