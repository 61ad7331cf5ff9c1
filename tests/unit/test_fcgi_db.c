/* Unit tests for fcgi/db.c: schema and migration, durable contact inserts
 * with duplicate suppression, counters, and batches of counters that are
 * committed together or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "db_test.h"
#include "fileio.h"
#include "policy.h"
#include "t.h"

static char dir[64], path[128];

static long long S_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static const struct contact C1 = {
	.lang = "nl", .incident = "ransomware", .node = "start", .name = "Jan \"de Vries\"",
	.company = "Bakkerij 't Hoekje", .email = "jan@example.nl", .phone = "+31 6 1234 5678",
	.message = "Alles is versleuteld.\nWat nu?\t\xf0\x9f\x98\xa8 ; DROP TABLE contact; --",
};

static void test_open(void)
{
	char err[256] = "";
	struct db *db;

	T_CHECK(db_open(path, 0, err, sizeof err) == NULL);  /* no DB_CREATE: must exist */
	T_CHECK(strstr(err, "cannot open database") != NULL);
	db = db_open(path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db)
		return;
	T_CHECK(S_int(db_test_handle(db), "PRAGMA user_version") == DB_SCHEMA_VERSION);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM contact") == 0);
	T_CHECK(S_int(db_test_handle(db), "PRAGMA secure_delete") == 1);
	T_CHECK(S_int(db_test_handle(db), "PRAGMA synchronous") == 1);  /* NORMAL between contact commits */
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db_test_handle(db), "PRAGMA journal_mode", -1, &st, NULL);
		T_CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0);
		sqlite3_finalize(st);
	}
	db_close(db);
}

static void test_contact(void)
{
	char err[256];
	struct db *db = db_open(path, DB_CREATE, err, sizeof err);
	struct contact c2 = C1, a = C1, b = C1;
	unsigned char da[DB_DIGEST_BYTES], dbb[DB_DIGEST_BYTES];
	long long id = 0;
	time_t now = 1700000000;
	sqlite3_stmt *st;

	T_CHECK(db != NULL);
	if (!db)
		return;
	T_CHECK(db_contact_add(db, &C1, now, &id) == DB_STORED && id == 1);
	T_CHECK(S_int(db_test_handle(db), "PRAGMA synchronous") == 1);  /* set back after the commit */
	T_CHECK(sqlite3_get_autocommit(db_test_handle(db)));
	/* a double click: acknowledged, not stored again */
	id = 0;
	T_CHECK(db_contact_add(db, &C1, now + 5, &id) == DB_DUPLICATE && id == 1);
	T_CHECK(db_contact_add(db, &C1, now + POLICY_DEDUP_SECONDS, &id) == DB_DUPLICATE);
	/* one character different: a new submission */
	c2.message = "Alles is versleuteld.\nWat nu?";
	T_CHECK(db_contact_add(db, &c2, now + 6, &id) == DB_STORED && id == 2);
	/* the same text after the window: stored again */
	T_CHECK(db_contact_add(db, &C1, now + POLICY_DEDUP_SECONDS + 6, &id) == DB_STORED && id == 3);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM contact") == 3);

	/* every field intact, byte for byte */
	sqlite3_prepare_v2(db_test_handle(db), "SELECT created, lang, incident, node, name, company, email, phone,"
		" message, consent, done FROM contact WHERE id = 1", -1, &st, NULL);
	T_CHECK(sqlite3_step(st) == SQLITE_ROW);
	T_CHECK(sqlite3_column_int64(st, 0) == now);
	T_STREQ((const char *)sqlite3_column_text(st, 1), C1.lang);
	T_STREQ((const char *)sqlite3_column_text(st, 2), C1.incident);
	T_STREQ((const char *)sqlite3_column_text(st, 3), C1.node);
	T_STREQ((const char *)sqlite3_column_text(st, 4), C1.name);
	T_STREQ((const char *)sqlite3_column_text(st, 5), C1.company);
	T_STREQ((const char *)sqlite3_column_text(st, 6), C1.email);
	T_STREQ((const char *)sqlite3_column_text(st, 7), C1.phone);
	T_STREQ((const char *)sqlite3_column_text(st, 8), C1.message);
	T_CHECK(sqlite3_column_int(st, 9) == 1);
	T_CHECK(sqlite3_column_type(st, 10) == SQLITE_NULL);
	sqlite3_finalize(st);

	/* field boundaries are part of the digest */
	a.name = "ab", a.company = "c";
	b.name = "a", b.company = "bc";
	db_contact_digest(&a, da);
	db_contact_digest(&b, dbb);
	T_CHECK(memcmp(da, dbb, sizeof da) != 0);

	/* a failing insert acknowledges nothing and leaves no transaction open */
	sqlite3_exec(db_test_handle(db), "ALTER TABLE contact RENAME TO gone", NULL, NULL, NULL);
	c2.message = "another";
	T_CHECK(db_contact_add(db, &c2, now + 7, &id) == DB_FAILED);
	T_CHECK(strstr(db_errmsg(db), "no such table") != NULL);  /* the cause, not the cleanup's "not an error" */
	T_CHECK(sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(S_int(db_test_handle(db), "PRAGMA synchronous") == 1);
	sqlite3_exec(db_test_handle(db), "ALTER TABLE gone RENAME TO contact", NULL, NULL, NULL);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM contact") == 3);
	db_close(db);
}

static void test_hits(void)
{
	char err[256], day[11];
	struct db *db = db_open(path, DB_CREATE, err, sizeof err);
	int i;

	T_CHECK(db != NULL);
	if (!db)
		return;
	for (i = 0; i < 5; i++)
		T_CHECK(db_hit_add(db, "2025-11-28", "/nl/", "view", "") == 0);
	T_CHECK(db_hit_add(db, "2025-11-28", "/nl/", "view", "partner-a") == 0);
	T_CHECK(db_hit_add(db, "2025-11-28", "/nl/", "help", NULL) == 0);
	T_CHECK(db_hit_add(db, "2025-11-29", "/nl/", "view", "") == 0);
	T_CHECK(S_int(db_test_handle(db), "SELECT n FROM hit WHERE day = '2025-11-28' AND path = '/nl/'"
		" AND event = 'view' AND via = ''") == 5);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM hit") == 4);
	T_CHECK(S_int(db_test_handle(db), "SELECT sum(n) FROM hit") == 8);
	db_close(db);

	db_day(0, day);
	T_CHECK(strlen(day) == 10 && day[4] == '-' && day[7] == '-');
	setenv("TZ", "UTC", 1);
	tzset();
	db_day(1700000000, day);
	T_STREQ(day, "2023-11-14");
}

static long long S_n(struct db *db, const char *hitpath)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db_test_handle(db), "SELECT coalesce(sum(n), 0) FROM hit WHERE path = ?1",
			-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, hitpath, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static void test_batch(void)
{
	char err[256] = "";
	struct db *db = db_open(path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	struct contact c = C1;
	sqlite3 *other;
	long long id = 0;
	int i;

	T_CHECK(db != NULL);
	if (!db)
		return;
	T_CHECK(sqlite3_open_v2(path, &other, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	T_CHECK(!db_batch_open(db));
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);  /* none open: nothing to do */

	/* several hits, one transaction: invisible to others until the commit */
	T_CHECK(db_batch_begin(db) == 0 && db_batch_open(db));
	T_CHECK(db_batch_begin(db) == 0);  /* already open: the same batch */
	for (i = 0; i < 7; i++)
		T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "help", "partner-a") == 0);
	T_CHECK(!sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(S_int(other, "SELECT count(*) FROM hit WHERE path = '/b/'") == 0);
	/* a contact cannot share the batch: refused, the batch untouched */
	c.message = "during a batch";
	T_CHECK(db_contact_add(db, &c, 1700001000, &id) == DB_FAILED);
	T_CHECK(strstr(db_errmsg(db), "batch") != NULL);
	T_CHECK(db_batch_open(db) && !sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);
	T_CHECK(!db_batch_open(db) && sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(S_int(other, "SELECT sum(n) FROM hit WHERE path = '/b/'") == 8);
	T_CHECK(S_int(other, "SELECT n FROM hit WHERE path = '/b/' AND event = 'view'") == 7);
	T_CHECK(S_int(db_test_handle(db), "PRAGMA synchronous") == 1);
	/* after the batch a contact is stored as always, durably */
	T_CHECK(db_contact_add(db, &c, 1700001000, &id) == DB_STORED);
	T_CHECK(S_int(other, "SELECT count(*) FROM contact WHERE message = 'during a batch'") == 1);

	/* a COMMIT that fails (a deferred foreign key left violated): nothing
	 * of the batch is stored and no transaction stays open */
	T_CHECK(sqlite3_exec(db_test_handle(db), "CREATE TABLE t_parent (id INTEGER PRIMARY KEY);"
		" CREATE TABLE t_child (p INTEGER REFERENCES t_parent(id) DEFERRABLE INITIALLY DEFERRED)",
		NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(db_batch_begin(db) == 0);
	for (i = 0; i < 3; i++)
		T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(sqlite3_exec(db_test_handle(db), "INSERT INTO t_child VALUES (42)", NULL, NULL, NULL) == SQLITE_OK);
	err[0] = '\0';
	T_CHECK(db_batch_commit(db, err, sizeof err) == -1);
	T_CHECK(strstr(err, "FOREIGN KEY") != NULL);
	T_CHECK(!db_batch_open(db) && sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(S_n(db, "/b/") == 8);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM t_child") == 0);

	/* a batch SQLite rolls back by itself (the disk is full): the failing
	 * hit and every later one fail instead of committing on their own, and
	 * the commit reports that nothing was stored */
	T_CHECK(db_batch_begin(db) == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	sqlite3_exec(db_test_handle(db), "PRAGMA max_page_count=1", NULL, NULL, NULL);
	{
		char p[64];
		int failed = 0;
		for (i = 0; i < 200 && !failed; i++) {
			snprintf(p, sizeof p, "/full/%03d/%s", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			failed = db_hit_add(db, "2025-12-01", p, "view", "") < 0;
		}
		T_CHECK(failed);
	}
	T_CHECK(sqlite3_get_autocommit(db_test_handle(db)));  /* rolled back by SQLite */
	sqlite3_exec(db_test_handle(db), "PRAGMA max_page_count=1073741823", NULL, NULL, NULL);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == -1);
	T_CHECK(db_batch_commit(db, err, sizeof err) == -1);
	T_CHECK(strstr(err, "rolled back") != NULL);
	T_CHECK(S_n(db, "/b/") == 8);
	T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM hit WHERE path LIKE '/full/%'") == 0);

	/* and the next batch works */
	T_CHECK(db_batch_begin(db) == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);
	T_CHECK(S_n(db, "/b/") == 9);
	/* outside a batch a hit is committed at once, or refused: never left
	 * in a transaction nobody will commit */
	T_CHECK(sqlite3_exec(db_test_handle(db), "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == -1);
	sqlite3_exec(db_test_handle(db), "ROLLBACK", NULL, NULL, NULL);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(S_int(other, "SELECT sum(n) FROM hit WHERE path = '/b/'") == 10);
	sqlite3_close(other);
	db_close(db);
}

static void test_versions(void)
{
	char err[256] = "", p2[160];
	struct db *db;
	sqlite3 *h;

	/* read-only opens see the data but never migrate */
	db = db_open(path, DB_READONLY, err, sizeof err);
	T_CHECK(db != NULL);
	if (db) {
		T_CHECK(S_int(db_test_handle(db), "SELECT count(*) FROM contact") == 3);
		T_CHECK(sqlite3_exec(db_test_handle(db), "DELETE FROM contact", NULL, NULL, NULL) != SQLITE_OK);
		db_close(db);
	}
	snprintf(p2, sizeof p2, "%s/old.db", dir);
	sqlite3_open(p2, &h);
	sqlite3_exec(h, "CREATE TABLE unrelated(x)", NULL, NULL, NULL);
	sqlite3_close(h);
	T_CHECK(db_open(p2, DB_READONLY, err, sizeof err) == NULL);
	T_CHECK(strstr(err, "schema version 0") != NULL);
	db = db_open(p2, 0, err, sizeof err);  /* read-write: migrated */
	T_CHECK(db && S_int(db_test_handle(db), "PRAGMA user_version") == DB_SCHEMA_VERSION);
	db_close(db);

	/* a database from a newer program is refused, not damaged */
	sqlite3_open(p2, &h);
	sqlite3_exec(h, "PRAGMA user_version=99", NULL, NULL, NULL);
	sqlite3_close(h);
	T_CHECK(db_open(p2, DB_CREATE, err, sizeof err) == NULL);
	T_STREQ(err, "the database has schema version 99, newer than this program's 4");
}

/* A database written by the first release (schema 1, plaintext rows)
 * migrates to schema 2 with its rows intact; db_contact_set_sealed()
 * then replaces a row's text by a blob, once. A new sealed row stores
 * the five personal columns empty. */
static void test_migrate_sealed(void)
{
	char p[192], err[256];
	struct contact c = C1;
	struct db *db;
	sqlite3 *h;
	long long id = 0;

	snprintf(p, sizeof p, "%s/v1.db", dir);
	T_CHECK(sqlite3_open(p, &h) == SQLITE_OK);
	T_CHECK(sqlite3_exec(h, "CREATE TABLE contact (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
		" lang TEXT NOT NULL, incident TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,"
		" company TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, message TEXT NOT NULL,"
		" consent INTEGER NOT NULL, digest BLOB NOT NULL, done INTEGER);"
		"CREATE INDEX contact_created ON contact(created);CREATE INDEX contact_digest ON contact(digest);"
		"CREATE TABLE hit (day TEXT NOT NULL, path TEXT NOT NULL, event TEXT NOT NULL, via TEXT NOT NULL,"
		" n INTEGER NOT NULL, PRIMARY KEY (day, path, event, via)) WITHOUT ROWID;"
		"INSERT INTO contact VALUES (7, 1700000000, 'nl', '', '', 'Old Name', 'Old Co', 'old@example.nl',"
		" '', 'old message', 1, x'00', NULL);"
		"PRAGMA user_version=1", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	db = db_open(p, 0, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db)
		return;
	h = db_test_handle(db);
	T_CHECK(S_int(h, "PRAGMA user_version") == DB_SCHEMA_VERSION);
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE id = 7 AND name = 'Old Name' AND sealed IS NULL") == 1);
	T_CHECK(db_contact_set_sealed(db, 7, "BLOB", 4) == 1);
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE id = 7 AND name = '' AND company = '' AND email = ''"
		" AND phone = '' AND message = '' AND sealed = CAST('BLOB' AS BLOB)") == 1);
	T_CHECK(db_contact_set_sealed(db, 7, "AGAIN", 5) == 0);  /* sealed already */
	T_CHECK(db_contact_set_sealed(db, 99, "BLOB", 4) == 0);
	c.sealed = "SEALED";
	c.sealed_len = 6;
	T_CHECK(db_contact_add(db, &c, 1700000100, &id) == DB_STORED);
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE name = '' AND company = '' AND email = ''"
		" AND phone = '' AND message = '' AND length(sealed) = 6 AND lang = 'nl'") == 1);
	/* the duplicate check still sees the fields */
	T_CHECK(db_contact_add(db, &c, 1700000200, &id) == DB_DUPLICATE);
	db_close(db);
}

/* Collect the ids of a db_contacts() walk, in order, as "id:urgency ". */
static int S_ids(const struct db_row *row, void *arg)
{
	struct buf *b = arg;

	buf_addf(b, "%lld:%s ", db_int(row, "id"), db_text(row, "urgency"));
	return 0;
}

/* A database at schema 3 (sealed rows, visitors) migrates to 4: its rows
 * get urgency 'none' and are not notified; new rows keep the urgency they
 * are given; the work queue lists acute first, then oldest first; notified
 * rows leave the notify queue, and marking twice marks nothing. */
static void test_migrate_urgency(void)
{
	char p[192], err[256];
	struct contact c = C1;
	struct buf b = BUF_INIT;
	struct db *db;
	sqlite3 *h;
	long long id = 0, ids[3];

	snprintf(p, sizeof p, "%s/v3.db", dir);
	T_CHECK(sqlite3_open(p, &h) == SQLITE_OK);
	T_CHECK(sqlite3_exec(h, "CREATE TABLE contact (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
		" lang TEXT NOT NULL, incident TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,"
		" company TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, message TEXT NOT NULL,"
		" consent INTEGER NOT NULL, digest BLOB NOT NULL, done INTEGER, sealed BLOB);"
		"CREATE INDEX contact_created ON contact(created);CREATE INDEX contact_digest ON contact(digest);"
		"CREATE TABLE hit (day TEXT NOT NULL, path TEXT NOT NULL, event TEXT NOT NULL, via TEXT NOT NULL,"
		" n INTEGER NOT NULL, PRIMARY KEY (day, path, event, via)) WITHOUT ROWID;"
		"CREATE TABLE visitors (day TEXT PRIMARY KEY, sketch BLOB NOT NULL) WITHOUT ROWID;"
		"INSERT INTO contact VALUES (1, 1700000000, 'nl', '', '', '', '', '', '', '', 1, x'01', NULL, x'AA');"
		"INSERT INTO contact VALUES (2, 1700000050, 'en', 'x', 'y', '', '', '', '', '', 1, x'02', 1700000060,"
		" x'BB');"
		"PRAGMA user_version=3", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	T_CHECK(db_open(p, DB_READONLY, err, sizeof err) == NULL);   /* read-only does not migrate */
	T_CHECK(strstr(err, "schema version 3") != NULL);
	db = db_open(p, 0, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db)
		return;
	h = db_test_handle(db);
	T_CHECK(S_int(h, "PRAGMA user_version") == 4);
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE urgency = 'none' AND notified IS NULL") == 2);
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE sealed = x'AA' AND created = 1700000000") == 1);
	c.urgency = "soon";
	T_CHECK(db_contact_add(db, &c, 1700000100, &id) == DB_STORED && id == 3);
	c.message = "second";
	c.urgency = "acute";
	T_CHECK(db_contact_add(db, &c, 1700000200, &id) == DB_STORED && id == 4);
	c.message = "third";
	c.urgency = NULL;   /* none given: none */
	T_CHECK(db_contact_add(db, &c, 1700000300, &id) == DB_STORED && id == 5);
	T_CHECK(db_contacts(db, DB_CONTACTS_OPEN, S_ids, &b) == 0);
	T_STREQ(b.ptr, "4:acute 1:none 3:soon 5:none ");
	buf_reset(&b);
	T_CHECK(db_contacts(db, DB_CONTACTS_UNNOTIFIED, S_ids, &b) == 0);
	T_STREQ(b.ptr, "1:none 3:soon 4:acute 5:none ");   /* #2 is done */
	ids[0] = 3, ids[1] = 4, ids[2] = 99;
	T_CHECK(db_contact_notified(db, ids, 3, 1700000400) == 2);
	T_CHECK(db_contact_notified(db, ids, 2, 1700000500) == 0);   /* marked already */
	T_CHECK(S_int(h, "SELECT count(*) FROM contact WHERE notified = 1700000400") == 2);
	buf_reset(&b);
	T_CHECK(db_contacts(db, DB_CONTACTS_UNNOTIFIED, S_ids, &b) == 0);
	T_STREQ(b.ptr, "1:none 5:none ");
	buf_free(&b);
	db_close(db);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/hhd-test-db-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/hhd.db", dir);
	test_open();
	test_contact();
	test_hits();
	test_versions();
	test_batch();
	test_migrate_sealed();
	test_migrate_urgency();
	dir_remove(dir);
	return t_done();
}
