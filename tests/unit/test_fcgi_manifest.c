/* Unit tests for fcgi/manifest.c: parsing hhd-manifest.tsv and lookups. */
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "t.h"

static const char good[] =
	"# hhd-manifest 1\n"
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

static int S_parse(const char *text, struct manifest *m, char *err)
{
	manifest_init(m);
	return manifest_parse(m, text, strlen(text), err, 200);
}

static void test_good(void)
{
	struct manifest m;
	char err[200] = "";
	const struct man_page *p;

	T_CHECK(S_parse(good, &m, err) == 0);
	T_CHECK(m.npages == 8 && m.npartners == 2 && m.nnodes == 3);
	p = manifest_page(&m, "/nl/hulp/ransomware/klaar/");
	T_CHECK(p && strcmp(p->kind, "outcome") == 0 && strcmp(p->tree, "ransomware") == 0
		&& strcmp(p->node, "klaar") == 0 && strcmp(p->lang, "nl") == 0);
	p = manifest_page(&m, "/nl/");
	T_CHECK(p && strcmp(p->tree, "") == 0 && strcmp(p->node, "") == 0);
	T_CHECK(manifest_page(&m, "/") != NULL);
	T_CHECK(manifest_page(&m, "/nl/caf\xc3\xa9/") != NULL);
	T_CHECK(manifest_page(&m, "/nl") == NULL);
	T_CHECK(manifest_page(&m, "/nl/bedankt") == NULL);
	T_CHECK(manifest_page(&m, "/NL/") == NULL);
	T_CHECK(manifest_page(&m, "") == NULL);
	T_CHECK(manifest_page(&m, NULL) == NULL);
	p = manifest_find_kind(&m, "en", "thanks");
	T_CHECK(p && strcmp(p->path, "/en/thanks/") == 0);
	T_CHECK(manifest_find_kind(&m, "de", "thanks") == NULL);
	T_CHECK(manifest_find_kind(&m, "en", "feedback") == NULL);
	T_CHECK(manifest_has_node(&m, "ransomware", "start"));
	T_CHECK(manifest_has_node(&m, "ransomware", "klaar"));
	T_CHECK(manifest_has_node(&m, "phishing", "start"));
	T_CHECK(!manifest_has_node(&m, "phishing", "klaar"));
	T_CHECK(!manifest_has_node(&m, "", ""));
	T_CHECK(!manifest_has_node(&m, "-", "-"));
	T_CHECK(manifest_has_partner(&m, "Partner_A"));
	T_CHECK(manifest_has_partner(&m, "partner-b"));
	T_CHECK(!manifest_has_partner(&m, "partner_a"));
	T_CHECK(!manifest_has_partner(&m, ""));
	manifest_free(&m);

	/* an HTML file, as the generator lists its "not found" pages */
	T_CHECK(S_parse("# hhd-manifest 1\nP\t/nl/404.html\tnl\tnotfound\t-\t-\n", &m, err) == 0 && m.npages == 1);
	p = manifest_page(&m, "/nl/404.html");
	T_CHECK(p && strcmp(p->kind, "notfound") == 0);
	manifest_free(&m);

	/* without a final newline; and the empty manifest */
	T_CHECK(S_parse("# hhd-manifest 1\nP\t/x/\ten\tpage\t-\t-", &m, err) == 0 && m.npages == 1);
	manifest_free(&m);
	T_CHECK(S_parse("# hhd-manifest 1\n", &m, err) == 0 && m.npages == 0);
	T_CHECK(manifest_page(&m, "/") == NULL && !manifest_has_node(&m, "a", "b") && !manifest_has_partner(&m, "a"));
	manifest_free(&m);
}

static void test_bad(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "line 1: first line must be '# hhd-manifest 1'" },
		{ "# hhd-manifest 2\n", "line 1: first line must be '# hhd-manifest 1'" },
		{ "# hhd-manifest 1\r\n", "line 1: first line must be '# hhd-manifest 1'" },
		{ "P\t/\tnl\thome\t-\t-\n", "line 1: first line must be '# hhd-manifest 1'" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tpage\t-\n", "line 2: a P record has 6 fields, not 5" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tpage\t-\t-\t-\n", "line 2: a P record has 6 fields, not 7" },
		{ "# hhd-manifest 1\nP\tx/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/x\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/x.htm\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/.html\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t//\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/a//b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/a/../b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/a/./b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/a b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/a?b/\tnl\tpage\t-\t-\n", "line 2: malformed path" },
		{ "# hhd-manifest 1\nP\t/x/\tNL\tpage\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\t\t-\t-\n", "line 2: malformed language or kind" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\toutcome\t-\t-\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tquestion\tt\t\n", "line 2: malformed tree or node id" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tpage\tt\tn\n", "line 2: tree and node must be '-' for this kind" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tpage\t-\t-\r\n", "line 2: CR in line (LF line ends only)" },
		{ "# hhd-manifest 1\nR\n", "line 2: malformed R record" },
		{ "# hhd-manifest 1\nR\ta b\n", "line 2: malformed R record" },
		{ "# hhd-manifest 1\nR\ta\tb\n", "line 2: malformed R record" },
		{ "# hhd-manifest 1\nP\t/x/\tnl\tpage\t-\t-\nP\t/x/\ten\tpage\t-\t-\n", "duplicate path '/x/'" },
		{ "# hhd-manifest 1\nP\t/\xff/\tnl\tpage\t-\t-\n", "not valid UTF-8 text" },
	};
	struct manifest m;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		err[0] = '\0';
		T_CHECK(S_parse(cases[i].text, &m, err) == -1);
		T_STREQ(err, cases[i].err);
		T_CHECK(m.npages == 0 && m.npartners == 0);  /* left empty */
		manifest_free(&m);
	}
	/* an embedded NUL */
	manifest_init(&m);
	T_CHECK(manifest_parse(&m, "# hhd-manifest 1\n\0", 18, err, sizeof err) == -1);
	manifest_free(&m);
	/* a field over MANIFEST_MAX_FIELD */
	{
		size_t n = MANIFEST_MAX_FIELD + 100;
		char *big = malloc(n + 64);
		strcpy(big, "# hhd-manifest 1\nP\t/");
		memset(big + strlen(big), 'a', n);
		strcpy(big + 20 + n, "/\tnl\tpage\t-\t-\n");
		T_CHECK(S_parse(big, &m, err) == -1);
		T_STREQ(err, "line 2: field longer than 1024 bytes");
		manifest_free(&m);
		free(big);
	}
}

static void test_load(void)
{
	struct manifest m;
	char err[300];
	const char *src = getenv("HHD_SRC");
	char path[512];

	manifest_init(&m);
	T_CHECK(manifest_load(&m, "/nonexistent/hhd-manifest.tsv", err, sizeof err) == -1);
	T_CHECK(strstr(err, "cannot read") != NULL);
	manifest_free(&m);
	if (src) {
		snprintf(path, sizeof path, "%s/tests/e2e/fcgi/fixtures/site/hhd-manifest.tsv", src);
		manifest_init(&m);
		T_CHECK(manifest_load(&m, path, err, sizeof err) == 0);
		T_CHECK(m.npages == 14 && m.npartners == 2);
		manifest_free(&m);
	}
}

int main(void)
{
	test_good();
	test_bad();
	test_load();
	return t_done();
}
