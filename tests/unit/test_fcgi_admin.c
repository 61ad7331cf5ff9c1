/* Unit tests for hhd-admin's report (fcgi/stats.c) and output escaping
 * (fcgi/export.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "export.h"
#include "fileio.h"
#include "funnel.h"
#include "hll.h"
#include "siteindex.h"
#include "stats.h"
#include "xalloc.h"
#include "t.h"

static void test_dates(void)
{
	char out[11];

	T_CHECK(stats_date_ok("2025-11-28"));
	T_CHECK(stats_date_ok("2024-02-29"));
	T_CHECK(!stats_date_ok("2025-02-29"));
	T_CHECK(!stats_date_ok("2025-13-01"));
	T_CHECK(!stats_date_ok("2025-1-01"));
	T_CHECK(!stats_date_ok("2025-11-28x"));
	T_CHECK(!stats_date_ok("2025/11/28"));
	T_CHECK(!stats_date_ok("+025-11-28"));
	T_CHECK(!stats_date_ok(""));
	stats_date_add("2025-02-27", 2, out);
	T_STREQ(out, "2025-03-01");
	stats_date_add("2025-01-01", -1, out);
	T_STREQ(out, "2024-12-31");
	stats_date_add("2025-03-29", 1, out);  /* across a DST change */
	T_STREQ(out, "2025-03-30");
}

static void test_escaping(void)
{
	struct buf b = BUF_INIT;

	export_safe(&b, "ok \xc3\xa9 \x1b]0;pwned\x07 a\nb\tc \xc2\x85 \xe2\x80\xae \xe2\x81\xa6", 0);
	T_STREQ(b.ptr, "ok \xc3\xa9 \\x1b]0;pwned\\x07 a\\x0ab\\x09c \\xc2\\x85 \\xe2\\x80\\xae \\xe2\\x81\\xa6");
	buf_reset(&b);
	export_safe(&b, "a\nb\tc\r", 1);
	T_STREQ(b.ptr, "a\nb\tc\\x0d");
	buf_reset(&b);
	/* a truncated sequence at the end is not read past */
	export_safe(&b, "x\xe2", 0);
	T_STREQ(b.ptr, "x\xe2");
	buf_reset(&b);
	/* how long a submission waited, at each unit's edge */
	static const struct { long long s; const char *want; } waited[] = {
		{ -5, "0 min" }, { 59, "0 min" }, { 60, "1 min" }, { 3599, "59 min" }, { 3600, "1 h" },
		{ 3 * 3600 + 20 * 60, "3 h 20 min" }, { 86399, "23 h 59 min" }, { 86400, "1 d" },
		{ 2 * 86400, "2 d" }, { 2 * 86400 + 3 * 3600 + 59 * 60, "2 d 3 h" }, { 400 * 86400LL, "400 d" },
	};
	for (size_t i = 0; i < sizeof waited / sizeof *waited; i++) {
		buf_reset(&b);
		export_waited(&b, waited[i].s);
		T_STREQ(b.ptr, waited[i].want);
	}
	buf_reset(&b);
	export_csv_cell(&b, "plain");
	buf_addch(&b, ',');
	export_csv_cell(&b, "say \"hi\", ok\nnext");
	buf_addch(&b, ',');
	export_csv_cell(&b, "=HYPERLINK(\"x\")");
	buf_addch(&b, ',');
	export_csv_cell(&b, "+31 6 1234");
	buf_addch(&b, ',');
	export_csv_cell(&b, "");
	T_STREQ(b.ptr, "\"plain\",\"say \"\"hi\"\", ok\nnext\",\"'=HYPERLINK(\"\"x\"\")\",\"'+31 6 1234\",\"\"");
	buf_free(&b);
}

static void test_report(void)
{
	char dir[64] = "/tmp/hhd-test-admin-XXXXXX", path[128], err[256];
	struct buf out = BUF_INIT;
	struct db *db;
	int i;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/hhd.db", dir);
	db = db_open(path, DB_CREATE, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db)
		return;
	for (i = 0; i < 7; i++)
		db_hit_add(db, "2025-11-01", "/nl/", "view", "");
	for (i = 0; i < 3; i++)
		db_hit_add(db, "2025-11-03", "/nl/", "view", "partner-a");
	db_hit_add(db, "2025-11-03", "/nl/", "help", "");
	db_hit_add(db, "2025-11-03", "/nl/hulp/r/klaar/", "outcome", "");
	db_hit_add(db, "2025-11-03", "/nl/hulp/r/klaar/", "outcome", "");
	for (i = 0; i < 3; i++)
		db_hit_add(db, "2025-11-03", "/nl/hulp/r/klaar/", "yes", "");
	db_hit_add(db, "2025-11-03", "/nl/hulp/r/klaar/", "no", "");
	db_hit_add(db, "2025-11-03", "/en/<x>/", "outcome", "");
	db_hit_add(db, "2025-10-31", "/nl/", "view", "");  /* outside the period */
	db_hit_add(db, "2025-11-02", "/nl/", "someday", "");  /* an event from a newer version */

	T_CHECK(stats_report(db, NULL, "2025-11-01", "2025-11-03", STATS_JSON, &out) == 0);
	T_CHECK(strstr(out.ptr, "\"totals\":{\"view\":10,\"help\":1,\"outcome\":3,\"yes\":3,\"no\":1,\"search\":0,") != NULL);
	T_CHECK(strstr(out.ptr, "{\"day\":\"2025-11-02\",\"view\":0,\"help\":0") != NULL);  /* empty days listed */
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/hulp/r/klaar/\",\"view\":0,\"outcome\":2,\"yes\":3,\"no\":1,\"reasons\":{") != NULL);
	T_CHECK(strstr(out.ptr, "\"helped\":null") != NULL);
	T_CHECK(strstr(out.ptr, "{\"via\":\"partner-a\",\"hits\":3,\"view\":3}") != NULL);

	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2025-11-01", "2025-11-03", STATS_CSV, &out) == 0);
	T_CHECK(strncmp(out.ptr, "section,key,metric,value\r\n", 26) == 0);
	T_CHECK(strstr(out.ptr, "day,2025-11-01,view,7\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "plan,\"/nl/hulp/r/klaar/\",yes,3\r\n") != NULL);

	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2025-11-01", "2025-11-03", STATS_TEXT, &out) == 0);
	T_CHECK(strstr(out.ptr, "visits 10, help-button presses 1, step plans reached 3") != NULL);
	T_CHECK(strstr(out.ptr, "75%         0/0/0/0         0/0/0/0  /nl/hulp/r/klaar/") != NULL);

	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2025-11-01", "2025-11-03", STATS_HTML, &out) == 0);
	T_CHECK(strncmp(out.ptr, "<!DOCTYPE html>", 15) == 0);
	T_CHECK(strstr(out.ptr, "<svg") != NULL);
	T_CHECK(strstr(out.ptr, "<script") == NULL);
	T_CHECK(strstr(out.ptr, "src=") == NULL && strstr(out.ptr, "href=") == NULL);  /* self-contained */
	T_CHECK(strstr(out.ptr, "/en/&lt;x&gt;/") != NULL && strstr(out.ptr, "/en/<x>/") == NULL);
	T_CHECK(strstr(out.ptr, "75% (3/4)") != NULL);

	/* an empty period still renders */
	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2020-01-01", "2020-01-01", STATS_HTML, &out) == 0);
	T_CHECK(strstr(out.ptr, "</html>") != NULL);
	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2025-11-03", "2025-11-01", STATS_TEXT, &out) == -1);
	T_CHECK(stats_report(db, NULL, "2000-01-01", "2025-11-01", STATS_TEXT, &out) == -1);

	buf_free(&out);
	db_close(db);
	dir_remove(dir);
}

static void S_add(struct db *db, const char *day, const char *path, const char *event, int n)
{
	for (int i = 0; i < n; i++)
		T_CHECK(db_hit_add(db, day, path, event, "") == 0);
}

/* The new aggregates: reasons, "Ik ben", search, languages, weeks, and a
 * funnel (a node with two parents shares its count between them). */

/* db_sketch_merge()'s callback: store the sketch in `arg` (a struct buf). */
static int S_replace(const void *stored, size_t len, struct buf *out, void *arg)
{
	const struct buf *b = arg;

	(void)stored;
	(void)len;
	buf_add(out, b->ptr, b->len);
	return 0;
}

static void test_report_funnels(void)
{
	static const char man[] =
		"# hhd-manifest 3\n"
		"P\t/nl/h/r/\tnl\tquestion\tr\tstart\n"
		"P\t/nl/h/r/q/\tnl\tquestion\tr\tq\n"
		"P\t/nl/h/r/a/\tnl\toutcome\tr\ta\n"
		"P\t/nl/h/r/b/\tnl\toutcome\tr\tb\n"
		"P\t/nl/h/x/\tnl\tquestion\tx\tstart\n"
		"P\t/nl/zoeken/\tnl\tpage\t-\t-\n"
		"P\t/en/h/r/\ten\tquestion\tr\tstart\n"
		"P\t/en/h/r/a/\ten\toutcome\tr\ta\n"
		"T\t/nl/h/r/\nT\t/en/h/r/\nT\t/nl/zoeken/\n"   /* the last is no question: skipped */
		"E\t/nl/h/r/\t/nl/h/r/q/\nE\t/nl/h/r/\t/nl/h/r/a/\n"
		"E\t/nl/h/r/q/\t/nl/h/r/a/\nE\t/nl/h/r/q/\t/nl/h/r/b/\nE\t/nl/h/r/q/\t/nl/h/x/\n"
		"E\t/nl/h/r/q/\t/nl/gone/\n"                    /* a page not in the manifest: left out */
		"E\t/en/h/r/\t/en/h/r/a/\n";
	char dir[64] = "/tmp/hhd-test-funnel-XXXXXX", path[128], err[256];
	struct buf out = BUF_INIT, sk = BUF_INIT;
	struct siteindex site;
	struct db *db;
	struct hll *h;
	long long e;
	char want[200];

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/hhd.db", dir);
	db = db_open(path, DB_CREATE, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db)
		return;
	siteindex_init(&site);
	T_CHECK(siteindex_parse(&site, man, strlen(man), err, sizeof err) == 0);
	S_add(db, "2025-11-03", "/nl/h/r/", "help", 100);
	S_add(db, "2025-11-03", "/nl/h/r/q/", "view", 60);
	S_add(db, "2025-11-03", "/nl/h/r/a/", "outcome", 50);
	S_add(db, "2025-11-04", "/nl/h/r/b/", "outcome", 10);
	S_add(db, "2025-11-04", "/nl/h/x/", "view", 5);
	S_add(db, "2025-11-03", "/nl/h/r/a/", "yes", 30);
	S_add(db, "2025-11-03", "/nl/h/r/a/", "no", 10);
	S_add(db, "2025-11-03", "/nl/h/r/b/", "yes", 2);
	S_add(db, "2025-11-03", "/nl/h/r/b/", "no", 6);
	S_add(db, "2025-11-03", "/nl/h/r/b/", "no-complex", 3);
	S_add(db, "2025-11-03", "/nl/h/r/b/", "no-person", 2);
	S_add(db, "2025-11-03", "/nl/h/r/a/", "who-zzp", 4);
	S_add(db, "2025-11-03", "/nl/h/r/a/", "who-employer", 1);
	S_add(db, "2025-11-03", "/en/h/r/a/", "outcome", 10);
	S_add(db, "2025-11-03", "/en/h/r/a/", "yes", 1);
	S_add(db, "2025-11-03", "/en/h/r/a/", "no", 1);
	S_add(db, "2025-11-03", "/nl/zoeken/", "search", 7);
	S_add(db, "2025-11-03", "/nl/h/r/", "pick", 4);
	S_add(db, "2025-11-10", "/nl/h/r/a/", "pick", 6);
	/* 200 distinct visitors on 2025-11-03 and 2025-11-10 each: weeks 200 and 200 */
	h = xmalloc(sizeof *h);
	hll_init(h);
	for (uint64_t i = 1; i <= 200; i++)
		hll_add(h, i * 0x9E3779B97F4A7C15ull);
	hll_serialise(h, &sk);
	e = (long long)(hll_estimate(h) + 0.5);
	T_CHECK(e >= 194 && e <= 206);
	T_CHECK(db_sketch_merge(db, "2025-11-03", S_replace, &sk) == 0);
	T_CHECK(db_sketch_merge(db, "2025-11-10", S_replace, &sk) == 0);
	free(h);

	T_CHECK(stats_report(db, &site, "2025-11-03", "2025-11-16", STATS_JSON, &out) == 0);
	T_CHECK(strstr(out.ptr, "\"reasons\":{\"no-complex\":3,\"no-missing\":0,\"no-person\":2,\"no-other\":0}") != NULL);
	T_CHECK(strstr(out.ptr, "\"who\":{\"who-employer\":1,\"who-zzp\":4,\"who-private\":0,\"who-other\":0}") != NULL);
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/h/r/b/\",\"view\":0,\"outcome\":10,\"yes\":2,\"no\":6,\"reasons\":{\"no-complex\":3,"
		"\"no-missing\":0,\"no-person\":2,\"no-other\":0},\"who\":{\"who-employer\":0,") != NULL);
	T_CHECK(strstr(out.ptr, "\"search\":{\"searches\":7,\"picks\":10,\"picked\":[\n{\"path\":\"/nl/h/r/a/\",\"pick\":6},\n"
		"{\"path\":\"/nl/h/r/\",\"pick\":4}]}") != NULL);
	T_CHECK(strstr(out.ptr, "{\"lang\":\"en\",\"view\":0,\"outcome\":10,\"yes\":1,\"no\":1,\"helped\":0.5000}") != NULL);
	T_CHECK(strstr(out.ptr, "{\"lang\":\"nl\",\"view\":165,\"outcome\":60,\"yes\":32,\"no\":16,\"helped\":0.6667}") != NULL);
	snprintf(want, sizeof want, "\"weeks\":[{\"week\":\"2025-11-03\",\"unique\":%lld},{\"week\":\"2025-11-10\","
		"\"unique\":%lld}]", e, e);
	T_CHECK(strstr(out.ptr, want) != NULL);
	snprintf(want, sizeof want, "\"unique\":%lld,\"reached_plan_share\":%.4f", 2 * e, 70.0 / (double)(2 * e));
	T_CHECK(strstr(out.ptr, want) != NULL);
	/* the funnel: 100 entered; the start passes 60 on to q and half of a's 50 */
	T_CHECK(strstr(out.ptr, "{\"tree\":\"r\",\"lang\":\"nl\",\"start\":\"/nl/h/r/\",\"entered\":100,\"outcomes\":60,"
		"\"truncated\":false,\"nodes\":[") != NULL);
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/h/r/\",\"node\":\"start\",\"kind\":\"question\",\"depth\":0,\"reached\":100,\"left\":15,") != NULL);
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/h/r/q/\",\"node\":\"q\",\"kind\":\"question\",\"depth\":1,\"reached\":60,\"left\":20,") != NULL);
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/h/r/b/\",\"node\":\"b\",\"kind\":\"outcome\",\"depth\":2,\"reached\":10,\"left\":10,\"yes\":2,\"no\":6}") != NULL);
	T_CHECK(strstr(out.ptr, "{\"path\":\"/nl/h/x/\",\"node\":\"start\",\"kind\":\"other-tree\",\"depth\":2,\"reached\":5,\"left\":0,") != NULL);
	T_CHECK(strstr(out.ptr, "/nl/gone/") == NULL && strstr(out.ptr, "\"tree\":\"x\"") == NULL);
	T_CHECK(strstr(out.ptr, "{\"tree\":\"r\",\"lang\":\"en\",\"start\":\"/en/h/r/\",\"entered\":0,\"outcomes\":10,") != NULL);

	/* the CSV carries the same numbers */
	buf_reset(&out);
	T_CHECK(stats_report(db, &site, "2025-11-03", "2025-11-16", STATS_CSV, &out) == 0);
	T_CHECK(strstr(out.ptr, "total,2025-11-03..2025-11-16,no-complex,3\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "total,2025-11-03..2025-11-16,who-zzp,4\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "total,2025-11-03..2025-11-16,search,7\r\n") != NULL);
	snprintf(want, sizeof want, "total,2025-11-03..2025-11-16,reached_plan_share,%.4f\r\n", 70.0 / (double)(2 * e));
	T_CHECK(strstr(out.ptr, want) != NULL);
	snprintf(want, sizeof want, "week,2025-11-10,unique,%lld\r\n", e);
	T_CHECK(strstr(out.ptr, want) != NULL);
	T_CHECK(strstr(out.ptr, "lang,nl,helped,0.6667\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "plan,\"/nl/h/r/b/\",no-person,2\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "pick,\"/nl/h/r/a/\",pick,6\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "funnel,nl/r,entered,100\r\n") != NULL);
	T_CHECK(strstr(out.ptr, "node nl/r,\"/nl/h/r/q/\",left,20\r\n") != NULL);

	/* the HTML: the first screen, then a drawing per tree with a table */
	buf_reset(&out);
	T_CHECK(stats_report(db, &site, "2025-11-03", "2025-11-16", STATS_HTML, &out) == 0);
	{
		const char *first = strstr(out.ptr, "<div class=\"first\">"), *all = strstr(out.ptr, "<h2>All counts</h2>");
		T_CHECK(first && all && first < all);
		T_CHECK(first && strstr(first, "Unique visitors per week") && strstr(first, "Why not helped")
			&& strstr(first, "Who visits") && strstr(first, "Search") && strstr(first, "Partner referrals")
			&& strstr(first, "Helped, per language") && strstr(first, "Reached a step plan"));
	}
	T_CHECK(strstr(out.ptr, "<svg class=\"funnel\"") != NULL);
	T_CHECK(strstr(out.ptr, "aria-labelledby=\"f0-t f0-d\"><title id=\"f0-t\">Funnel of the tree r (nl)</title>") != NULL);
	T_CHECK(strstr(out.ptr, "<desc id=\"f0-d\">100 entered at /nl/h/r/; step plans reached 60 times; most left at "
		"question q (20 of 60).") != NULL);
	T_CHECK(strstr(out.ptr, "<td>/nl/h/r/q/</td><td>question</td><td class=\"num\">2</td><td class=\"num\">60</td>"
		"<td class=\"num\">20</td>") != NULL);
	T_CHECK(strstr(out.ptr, "<script") == NULL && strstr(out.ptr, "href=") == NULL);

	/* without the manifest: no funnels, languages from the paths */
	buf_reset(&out);
	T_CHECK(stats_report(db, NULL, "2025-11-03", "2025-11-16", STATS_JSON, &out) == 0);
	T_CHECK(strstr(out.ptr, "\"funnels\":[]") != NULL);
	T_CHECK(strstr(out.ptr, "{\"lang\":\"nl\",\"view\":165,") != NULL);

	siteindex_free(&site);
	buf_free(&out);
	buf_free(&sk);
	db_close(db);
	dir_remove(dir);
}

static void S_count_one(const char *path, long long *reached, long long *yes, long long *no, void *arg)
{
	(void)path;
	(void)arg;
	*reached = 1;
	*yes = *no = 0;
}

/* FUNNEL_MAX_NODES: a tree of exactly that many nodes is drawn whole; one
 * more and the last is left out, and the funnel says so. */
static void test_funnel_limit(void)
{
	for (int extra = 0; extra <= 1; extra++) {
		struct buf m = BUF_INIT, svg = BUF_INIT;
		struct siteindex site;
		struct funnel_set fs = { 0 };
		char err[200];
		int n = FUNNEL_MAX_NODES - 1 + extra;   /* outcomes below the start */

		buf_adds(&m, "# hhd-manifest 3\nP\t/s/\tnl\tquestion\tt\ts\nT\t/s/\n");
		for (int i = 0; i < n; i++)
			buf_addf(&m, "P\t/o%d/\tnl\toutcome\tt\to%d\nE\t/s/\t/o%d/\n", i, i, i);
		siteindex_init(&site);
		T_CHECK(siteindex_parse(&site, m.ptr, m.len, err, sizeof err) == 0);
		funnel_build(&site, S_count_one, NULL, &fs);
		T_CHECK(fs.n == 1);
		if (fs.n == 1) {
			T_CHECK(fs.items[0].nnodes == FUNNEL_MAX_NODES && fs.items[0].truncated == extra);
			T_CHECK(fs.items[0].levels == 2 && fs.items[0].widest == FUNNEL_MAX_NODES - 1);
			T_CHECK(fs.items[0].outcomes == FUNNEL_MAX_NODES - 1 && fs.items[0].nodes[0].left == 0);
			funnel_svg(&fs.items[0], 0, &svg);
			T_CHECK(svg.len > 0 && strstr(svg.ptr, "</svg>") != NULL);
		}
		funnel_free(&fs);
		siteindex_free(&site);
		buf_free(&m);
		buf_free(&svg);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_dates();
	test_escaping();
	test_report();
	test_report_funnels();
	test_funnel_limit();
	return t_done();
}
