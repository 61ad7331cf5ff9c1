/* Unit tests for hhd-admin's report (fcgi/stats.c) and output escaping
 * (fcgi/export.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "export.h"
#include "fileio.h"
#include "stats.h"
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

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_dates();
	test_escaping();
	test_report();
	return t_done();
}
