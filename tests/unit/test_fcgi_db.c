/* Unit tests for the storage module (fcgi/db.h): schema and migration,
 * durable contact inserts with duplicate suppression, counters, batches of
 * counters that are committed together or not at all, sketches merged
 * under a lock, and hhd-admin's reads.
 *
 *   test_fcgi_db            SQLite, in a temporary folder
 *   test_fcgi_db BASEURI    PostgreSQL: BASEURI ends in '/', a database name
 *                           is appended (tests/unit/pg_run.sh makes a
 *                           temporary cluster with the databases hhd_t,
 *                           hhd_old, hhd_v1 and hhd_v3)
 *
 * The same checks run on both engines; where a fault is injected the
 * engine's own way (a full disk on SQLite, a constraint on PostgreSQL) the
 * expected behaviour is still the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "db_test.h"
#include "fileio.h"
#include "policy.h"
#include "t.h"

static char dir[64], path[512], missing[512], p2[512], v1[512], v3[512];
static int pg;   /* the engine under test is PostgreSQL */

/* Run raw SQL on a fresh connection to `target`, outside the module (to
 * set up an old schema or a newer version). 0 or -1. */
static int S_raw(const char *target, const char *sql)
{
	int ok;

	if (pg) {
		PGconn *c = PQconnectdb(target);
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "raw: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *h;
		ok = sqlite3_open(target, &h) == SQLITE_OK && sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_close(h);
	}
	return ok ? 0 : -1;
}

static long long S_version(struct db *db)
{
	return db_test_int(db, pg ? "SELECT max(version) FROM schema_version" : "PRAGMA user_version");
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

	T_CHECK(db_open(missing, 0, err, sizeof err) == NULL);  /* no DB_CREATE: must exist */
	T_CHECK(strstr(err, pg ? "cannot connect to PostgreSQL" : "cannot open database") != NULL);
	db = db_open(path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "open: %s\n", err);
		return;
	}
	T_STREQ(db_engine_name(db), pg ? "postgresql" : "sqlite");
	T_CHECK(S_version(db) == DB_SCHEMA_VERSION);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact") == 0);
	if (pg) {
		/* hits commit locally; a submission sets its own level */
		T_CHECK(db_test_int(db, "SELECT (current_setting('synchronous_commit') = 'local')::int") == 1);
		T_CHECK(db_set_sync(db, "remote_apply", err, sizeof err) == 0);
		T_CHECK(db_set_sync(db, "sometimes", err, sizeof err) == -1);
		T_CHECK(strstr(err, "unknown --pg-sync 'sometimes'") != NULL);
		T_CHECK(db_set_sync(db, "on", err, sizeof err) == 0);
	} else {
		sqlite3_stmt *st;
		T_CHECK(db_test_int(db, "PRAGMA secure_delete") == 1);
		T_CHECK(db_test_int(db, "PRAGMA synchronous") == 1);  /* NORMAL between contact commits */
		sqlite3_prepare_v2(db_test_handle(db), "PRAGMA journal_mode", -1, &st, NULL);
		T_CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0);
		sqlite3_finalize(st);
		T_CHECK(db_set_sync(db, "on", err, sizeof err) == -1);   /* PostgreSQL's only */
	}
	db_close(db);
}

/* Copy a submission row's columns out of the callback. */
struct got {
	long long id, created;
	int done_null, sealed_null;
	char f[8][256];
};

static int S_got(const struct db_row *row, void *arg)
{
	static const char *const cols[8] = { "lang", "incident", "node", "name", "company", "email", "phone", "message" };
	struct got *g = arg;
	size_t len;
	int i;

	g->id = db_int(row, "id");
	g->created = db_int(row, "created");
	g->done_null = db_null(row, "done");
	g->sealed_null = db_blob(row, "sealed", &len) == NULL;
	for (i = 0; i < 8; i++)
		snprintf(g->f[i], sizeof g->f[i], "%s", db_text(row, cols[i]));
	return 0;
}

/* Whether the engine has no transaction open on the connection. */
static int S_idle(struct db *db)
{
	if (pg)
		return db_test_int(db, "SELECT 1") == 1 && db_test_exec(db, "SAVEPOINT t_idle") < 0;
	return sqlite3_get_autocommit(db_test_handle(db));
}

static void test_contact(void)
{
	char err[256];
	struct db *db = db_open(path, DB_CREATE, err, sizeof err);
	struct contact c2 = C1, a = C1, b = C1;
	unsigned char da[DB_DIGEST_BYTES], dbb[DB_DIGEST_BYTES];
	struct got g;
	long long id = 0;
	time_t now = 1700000000;

	T_CHECK(db != NULL);
	if (!db)
		return;
	T_CHECK(db_contact_add(db, &C1, now, &id) == DB_STORED && id == 1);
	if (!pg)
		T_CHECK(db_test_int(db, "PRAGMA synchronous") == 1);  /* set back after the commit */
	T_CHECK(S_idle(db));
	/* a double click: acknowledged, not stored again */
	id = 0;
	T_CHECK(db_contact_add(db, &C1, now + 5, &id) == DB_DUPLICATE && id == 1);
	T_CHECK(db_contact_add(db, &C1, now + POLICY_DEDUP_SECONDS, &id) == DB_DUPLICATE);
	/* one character different: a new submission */
	c2.message = "Alles is versleuteld.\nWat nu?";
	T_CHECK(db_contact_add(db, &c2, now + 6, &id) == DB_STORED && id == 2);
	/* the same text after the window: stored again */
	T_CHECK(db_contact_add(db, &C1, now + POLICY_DEDUP_SECONDS + 6, &id) == DB_STORED && id == 3);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact") == 3);

	/* every field intact, byte for byte */
	memset(&g, 0, sizeof g);
	T_CHECK(db_contact_get(db, 1, S_got, &g) == 1);
	T_CHECK(g.id == 1 && g.created == now && g.done_null && g.sealed_null);
	T_STREQ(g.f[0], C1.lang);
	T_STREQ(g.f[1], C1.incident);
	T_STREQ(g.f[2], C1.node);
	T_STREQ(g.f[3], C1.name);
	T_STREQ(g.f[4], C1.company);
	T_STREQ(g.f[5], C1.email);
	T_STREQ(g.f[6], C1.phone);
	T_STREQ(g.f[7], C1.message);
	T_CHECK(db_test_int(db, "SELECT consent FROM contact WHERE id = 1") == 1);
	T_CHECK(db_contact_get(db, 99, S_got, &g) == 0);

	/* field boundaries are part of the digest */
	a.name = "ab", a.company = "c";
	b.name = "a", b.company = "bc";
	db_contact_digest(&a, da);
	db_contact_digest(&b, dbb);
	T_CHECK(memcmp(da, dbb, sizeof da) != 0);

	/* a failing insert acknowledges nothing and leaves no transaction open */
	c2.message = "another";
	if (pg) {
		T_CHECK(db_test_exec(db, "ALTER TABLE contact ADD CONSTRAINT t_fail CHECK (message <> 'another')") == 0);
		T_CHECK(db_contact_add(db, &c2, now + 7, &id) == DB_FAILED);
		T_CHECK(strstr(db_errmsg(db), "t_fail") != NULL);  /* the cause, not the cleanup's */
		T_CHECK(S_idle(db));
		T_CHECK(db_test_exec(db, "ALTER TABLE contact DROP CONSTRAINT t_fail") == 0);
	} else {
		sqlite3_exec(db_test_handle(db), "ALTER TABLE contact RENAME TO gone", NULL, NULL, NULL);
		T_CHECK(db_contact_add(db, &c2, now + 7, &id) == DB_FAILED);
		T_CHECK(strstr(db_errmsg(db), "no such table") != NULL);  /* the cause, not the cleanup's "not an error" */
		T_CHECK(S_idle(db));
		T_CHECK(db_test_int(db, "PRAGMA synchronous") == 1);
		sqlite3_exec(db_test_handle(db), "ALTER TABLE gone RENAME TO contact", NULL, NULL, NULL);
	}
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact") == 3);
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
	T_CHECK(db_test_int(db, "SELECT n FROM hit WHERE day = '2025-11-28' AND path = '/nl/'"
		" AND event = 'view' AND via = ''") == 5);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM hit") == 4);
	T_CHECK(db_test_int(db, "SELECT sum(n) FROM hit") == 8);
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
	char sql[160];

	snprintf(sql, sizeof sql, "SELECT coalesce(sum(n), 0) FROM hit WHERE path = '%s'", hitpath);
	return db_test_int(db, sql);
}

static void test_batch(void)
{
	char err[256] = "";
	struct db *db = db_open(path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	struct db *other = db_open(path, DB_READONLY, err, sizeof err);  /* another connection */
	struct contact c = C1;
	long long id = 0;
	int i;

	T_CHECK(db != NULL && other != NULL);
	if (!db || !other)
		return;
	T_CHECK(!db_batch_open(db));
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);  /* none open: nothing to do */

	/* several hits, one transaction: invisible to others until the commit */
	T_CHECK(db_batch_begin(db) == 0 && db_batch_open(db));
	T_CHECK(db_batch_begin(db) == 0);  /* already open: the same batch */
	for (i = 0; i < 7; i++)
		T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "help", "partner-a") == 0);
	T_CHECK(!S_idle(db));
	T_CHECK(db_test_int(other, "SELECT count(*) FROM hit WHERE path = '/b/'") == 0);
	/* a contact cannot share the batch: refused, the batch untouched */
	c.message = "during a batch";
	T_CHECK(db_contact_add(db, &c, 1700001000, &id) == DB_FAILED);
	T_CHECK(strstr(db_errmsg(db), "batch") != NULL);
	T_CHECK(db_batch_open(db) && !S_idle(db));
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);
	T_CHECK(!db_batch_open(db) && S_idle(db));
	T_CHECK(db_test_int(other, "SELECT sum(n) FROM hit WHERE path = '/b/'") == 8);
	T_CHECK(db_test_int(other, "SELECT n FROM hit WHERE path = '/b/' AND event = 'view'") == 7);
	if (!pg)
		T_CHECK(db_test_int(db, "PRAGMA synchronous") == 1);
	/* after the batch a contact is stored as always, durably */
	T_CHECK(db_contact_add(db, &c, 1700001000, &id) == DB_STORED);
	T_CHECK(db_test_int(other, "SELECT count(*) FROM contact WHERE message = 'during a batch'") == 1);

	/* a COMMIT that fails (a deferred foreign key left violated): nothing
	 * of the batch is stored and no transaction stays open */
	T_CHECK(db_test_exec(db, "CREATE TABLE t_parent (id INTEGER PRIMARY KEY);"
		" CREATE TABLE t_child (p INTEGER REFERENCES t_parent(id) DEFERRABLE INITIALLY DEFERRED)") == 0);
	T_CHECK(db_batch_begin(db) == 0);
	for (i = 0; i < 3; i++)
		T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_test_exec(db, "INSERT INTO t_child VALUES (42)") == 0);
	err[0] = '\0';
	T_CHECK(db_batch_commit(db, err, sizeof err) == -1);
	T_CHECK(strstr(err, "FOREIGN KEY") != NULL || strstr(err, "foreign key") != NULL);
	T_CHECK(!db_batch_open(db) && S_idle(db));
	T_CHECK(S_n(db, "/b/") == 8);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM t_child") == 0);
	T_CHECK(db_test_exec(db, "DROP TABLE t_child; DROP TABLE t_parent") == 0);

	/* a batch the engine rolls back by itself (SQLite: the disk is full;
	 * PostgreSQL: a statement failed, which aborts the transaction): the
	 * failing hit and every later one fail instead of committing on their
	 * own, and the commit reports that nothing was stored */
	T_CHECK(db_batch_begin(db) == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	if (pg)   /* a statement in the transaction failed: the server aborted it */
		T_CHECK(db_test_exec(db, "SELECT 1/0") == -1);
	else
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
	if (!pg) {
		T_CHECK(S_idle(db));  /* rolled back by SQLite */
		sqlite3_exec(db_test_handle(db), "PRAGMA max_page_count=1073741823", NULL, NULL, NULL);
	}
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == -1);
	T_CHECK(db_batch_commit(db, err, sizeof err) == -1);
	T_CHECK(strstr(err, "rolled back") != NULL);
	T_CHECK(S_idle(db));
	T_CHECK(S_n(db, "/b/") == 8);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM hit WHERE path LIKE '/full/%'") == 0);
	if (pg) {
		/* PostgreSQL writes a batch's counters at its commit, in key
		 * order, one statement per counter: a failure there stores none */
		T_CHECK(db_test_exec(db, "ALTER TABLE hit ADD CONSTRAINT t_full CHECK (path NOT LIKE '/full/%')") == 0);
		T_CHECK(db_batch_begin(db) == 0);
		T_CHECK(db_hit_add(db, "2025-12-01", "/z/", "view", "") == 0);
		T_CHECK(db_hit_add(db, "2025-12-01", "/full/1/", "view", "") == 0);
		T_CHECK(db_hit_add(db, "2025-12-01", "/z/", "view", "") == 0);
		T_CHECK(db_batch_commit(db, err, sizeof err) == -1);
		T_CHECK(strstr(err, "t_full") != NULL);
		T_CHECK(S_idle(db) && S_n(db, "/z/") == 0);
		T_CHECK(db_test_exec(db, "ALTER TABLE hit DROP CONSTRAINT t_full") == 0);
		T_CHECK(db_batch_begin(db) == 0);
		for (i = 0; i < 5; i++)
			T_CHECK(db_hit_add(db, "2025-12-01", i % 2 ? "/z/" : "/y/", "view", "") == 0);
		T_CHECK(db_test_int(other, "SELECT count(*) FROM hit WHERE path IN ('/y/', '/z/')") == 0);
		T_CHECK(db_batch_commit(db, err, sizeof err) == 0);
		T_CHECK(S_n(db, "/z/") == 2 && S_n(db, "/y/") == 3);
	}

	/* and the next batch works */
	T_CHECK(db_batch_begin(db) == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_batch_commit(db, err, sizeof err) == 0);
	T_CHECK(S_n(db, "/b/") == 9);
	/* outside a batch a hit is committed at once, or refused: never left
	 * in a transaction nobody will commit */
	T_CHECK(db_test_exec(db, "BEGIN") == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == -1);
	T_CHECK(db_test_exec(db, "ROLLBACK") == 0);
	T_CHECK(db_hit_add(db, "2025-12-01", "/b/", "view", "") == 0);
	T_CHECK(db_test_int(other, "SELECT sum(n) FROM hit WHERE path = '/b/'") == 10);
	db_close(other);
	db_close(db);
}

/* db_sketch_merge()'s callback for the test: the stored blob with `arg`
 * appended (so a lost merge shows as a missing piece). */
static int S_append(const void *stored, size_t len, struct buf *out, void *arg)
{
	if (stored)
		buf_add(out, stored, len);
	buf_adds(out, arg);
	return 0;
}

static int S_refuse(const void *stored, size_t len, struct buf *out, void *arg)
{
	(void)stored, (void)len, (void)out, (void)arg;
	return -1;
}

static void test_sketch(void)
{
	char err[256];
	struct db *a = db_open(path, DB_CREATE, err, sizeof err);
	struct db *b = db_open(path, DB_CREATE, err, sizeof err);   /* a second node */
	struct buf got = BUF_INIT;

	T_CHECK(a != NULL && b != NULL);
	if (!a || !b)
		return;
	T_CHECK(db_sketch_get(a, "2025-12-02", &got) == 0);
	T_CHECK(db_sketch_merge(a, "2025-12-02", S_append, "A") == 0);
	T_CHECK(db_sketch_merge(b, "2025-12-02", S_append, "B") == 0);
	/* inside a batch: joins it, stored by its commit */
	T_CHECK(db_batch_begin(a) == 0);
	T_CHECK(db_sketch_merge(a, "2025-12-02", S_append, "C") == 0);
	T_CHECK(db_batch_commit(a, err, sizeof err) == 0);
	T_CHECK(db_sketch_get(b, "2025-12-02", &got) == 1);
	T_CHECK(got.len == 3 && memcmp(got.ptr, "ABC", 3) == 0);
	/* a merge that fails stores nothing */
	T_CHECK(db_sketch_merge(b, "2025-12-02", S_refuse, NULL) == -1);
	T_CHECK(S_idle(b));
	buf_reset(&got);
	T_CHECK(db_sketch_get(a, "2025-12-02", &got) == 1 && got.len == 3);
	buf_free(&got);
	db_close(a);
	db_close(b);
}

static int S_count(const struct db_row *row, void *arg)
{
	(void)row;
	++*(int *)arg;
	return 0;
}

/* hhd-admin's reads and writes, the same on both engines. */
static void test_admin(void)
{
	char err[256];
	struct db *db = db_open(path, DB_CREATE, err, sizeof err);
	struct contact c = C1;
	long long id;
	int n = 0;

	T_CHECK(db != NULL);
	if (!db)
		return;
	T_CHECK(db_contacts(db, DB_CONTACTS_OPEN, S_count, &n) == 0 && n == 4);
	T_CHECK(db_contact_done(db, 2, 1700002000) == 1);
	T_CHECK(db_contact_done(db, 2, 1700002001) == 0);   /* done already */
	n = 0;
	T_CHECK(db_contacts(db, DB_CONTACTS_OPEN, S_count, &n) == 0 && n == 3);
	n = 0;
	T_CHECK(db_contacts(db, DB_CONTACTS_ALL, S_count, &n) == 0 && n == 4);
	n = 0;
	T_CHECK(db_contact_purgeable(db, 1700000100, 0, S_count, &n) == 0 && n == 1);
	T_CHECK(db_contact_purge(db, 1700000100, 0) == 1);
	T_CHECK(db_contact_purge(db, 1700000000, 1) == 1);   /* #1, open */
	n = 0;
	T_CHECK(db_contacts(db, DB_CONTACTS_EXPORT, S_count, &n) == 0 && n == 2);
	c.message = "to seal";
	T_CHECK(db_contact_add(db, &c, 1700003000, &id) == DB_STORED);
	T_CHECK(db_contact_set_sealed(db, id, "S\0B", 3) == 1);
	T_CHECK(db_contact_set_sealed(db, id, "AGAIN", 5) == 0);
	{
		struct got g;
		T_CHECK(db_contact_get(db, id, S_got, &g) == 1 && !g.sealed_null && g.f[7][0] == '\0');
	}
	n = 0;
	T_CHECK(db_report(db, DB_REPORT_DAYS, "2025-11-28", "2025-12-01", S_count, &n) == 0 && n == 5);
	T_CHECK(db_checkpoint(db) == 0);
	db_close(db);
}

static void test_versions(void)
{
	char err[256] = "";
	struct db *db;

	/* read-only opens see the data but never migrate */
	db = db_open(path, DB_READONLY, err, sizeof err);
	T_CHECK(db != NULL);
	if (db) {
		T_CHECK(db_test_int(db, "SELECT count(*) FROM contact") == 3);
		T_CHECK(db_test_exec(db, "DELETE FROM contact") != 0);
		db_close(db);
	}
	T_CHECK(S_raw(p2, "CREATE TABLE unrelated(x integer)") == 0);
	T_CHECK(db_open(p2, DB_READONLY, err, sizeof err) == NULL);
	T_CHECK(strstr(err, "schema version 0") != NULL);
	db = db_open(p2, 0, err, sizeof err);  /* read-write: migrated */
	T_CHECK(db && S_version(db) == DB_SCHEMA_VERSION);
	db_close(db);

	/* a database from a newer program is refused, not damaged */
	T_CHECK(S_raw(p2, pg ? "INSERT INTO schema_version (version) VALUES (99)" : "PRAGMA user_version=99") == 0);
	T_CHECK(db_open(p2, DB_CREATE, err, sizeof err) == NULL);
	T_STREQ(err, "the database has schema version 99, newer than this program's 4");
}

/* A database written by the first release (schema 1, plaintext rows)
 * migrates with its rows intact; db_contact_set_sealed() then replaces a
 * row's text by a blob, once. A new sealed row stores the five personal
 * columns empty. */
static void test_migrate_sealed(void)
{
	static const char v1_sqlite[] =
		"CREATE TABLE contact (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
		" lang TEXT NOT NULL, incident TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL,"
		" company TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, message TEXT NOT NULL,"
		" consent INTEGER NOT NULL, digest BLOB NOT NULL, done INTEGER);"
		"CREATE INDEX contact_created ON contact(created);CREATE INDEX contact_digest ON contact(digest);"
		"CREATE TABLE hit (day TEXT NOT NULL, path TEXT NOT NULL, event TEXT NOT NULL, via TEXT NOT NULL,"
		" n INTEGER NOT NULL, PRIMARY KEY (day, path, event, via)) WITHOUT ROWID;"
		"INSERT INTO contact VALUES (7, 1700000000, 'nl', '', '', 'Old Name', 'Old Co', 'old@example.nl',"
		" '', 'old message', 1, x'00', NULL);"
		"PRAGMA user_version=1";
	static const char v1_pg[] =
		"CREATE TABLE schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now());"
		"INSERT INTO schema_version (version) VALUES (1);"
		"CREATE TABLE contact (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, created bigint NOT NULL,"
		" lang text NOT NULL, incident text NOT NULL, node text NOT NULL, name text NOT NULL,"
		" company text NOT NULL, email text NOT NULL, phone text NOT NULL, message text NOT NULL,"
		" consent integer NOT NULL, digest bytea NOT NULL, done bigint);"
		"CREATE TABLE hit (day text NOT NULL, path text NOT NULL, event text NOT NULL, via text NOT NULL,"
		" n bigint NOT NULL, PRIMARY KEY (day, path, event, via));"
		"INSERT INTO contact VALUES (7, 1700000000, 'nl', '', '', 'Old Name', 'Old Co', 'old@example.nl',"
		" '', 'old message', 1, '\\x00', NULL);"
		"SELECT setval(pg_get_serial_sequence('contact', 'id'), 7)";
	char err[256];
	struct contact c = C1;
	struct db *db;
	long long id = 0;

	T_CHECK(S_raw(v1, pg ? v1_pg : v1_sqlite) == 0);
	db = db_open(v1, 0, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "v1: %s\n", err);
		return;
	}
	T_CHECK(S_version(db) == DB_SCHEMA_VERSION);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact WHERE id = 7 AND name = 'Old Name' AND sealed IS NULL") == 1);
	T_CHECK(db_contact_set_sealed(db, 7, "BLOB", 4) == 1);
	T_CHECK(db_test_int(db, pg
		? "SELECT count(*) FROM contact WHERE id = 7 AND name = '' AND company = '' AND email = ''"
		  " AND phone = '' AND message = '' AND sealed = 'BLOB'::bytea"
		: "SELECT count(*) FROM contact WHERE id = 7 AND name = '' AND company = '' AND email = ''"
		  " AND phone = '' AND message = '' AND sealed = CAST('BLOB' AS BLOB)") == 1);
	T_CHECK(db_contact_set_sealed(db, 7, "AGAIN", 5) == 0);  /* sealed already */
	T_CHECK(db_contact_set_sealed(db, 99, "BLOB", 4) == 0);
	c.sealed = "SEALED";
	c.sealed_len = 6;
	T_CHECK(db_contact_add(db, &c, 1700000100, &id) == DB_STORED && id == 8);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact WHERE name = '' AND company = '' AND email = ''"
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
	static const char v3_sqlite[] =
		"CREATE TABLE contact (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
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
		"PRAGMA user_version=3";
	static const char v3_pg[] =
		"CREATE TABLE schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now());"
		"INSERT INTO schema_version (version) VALUES (1), (2), (3);"
		"CREATE TABLE contact (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, created bigint NOT NULL,"
		" lang text NOT NULL, incident text NOT NULL, node text NOT NULL, name text NOT NULL,"
		" company text NOT NULL, email text NOT NULL, phone text NOT NULL, message text NOT NULL,"
		" consent integer NOT NULL, digest bytea NOT NULL, done bigint, sealed bytea);"
		"CREATE TABLE hit (day text NOT NULL, path text NOT NULL, event text NOT NULL, via text NOT NULL,"
		" n bigint NOT NULL, PRIMARY KEY (day, path, event, via));"
		"CREATE TABLE visitors (day text PRIMARY KEY, sketch bytea NOT NULL);"
		"INSERT INTO contact VALUES (1, 1700000000, 'nl', '', '', '', '', '', '', '', 1, '\\x01', NULL, '\\xAA');"
		"INSERT INTO contact VALUES (2, 1700000050, 'en', 'x', 'y', '', '', '', '', '', 1, '\\x02', 1700000060,"
		" '\\xBB');"
		"SELECT setval(pg_get_serial_sequence('contact', 'id'), 2)";
	char err[256];
	struct contact c = C1;
	struct buf b = BUF_INIT;
	struct db *db;
	long long id = 0, ids[3];

	T_CHECK(S_raw(v3, pg ? v3_pg : v3_sqlite) == 0);
	db = db_open(v3, 0, err, sizeof err);
	T_CHECK(db != NULL);
	if (!db) {
		fprintf(stderr, "v3: %s\n", err);
		return;
	}
	T_CHECK(S_version(db) == 4);
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact WHERE urgency = 'none' AND notified IS NULL") == 2);
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
	T_CHECK(db_test_int(db, "SELECT count(*) FROM contact WHERE notified = 1700000400") == 2);
	buf_reset(&b);
	T_CHECK(db_contacts(db, DB_CONTACTS_UNNOTIFIED, S_ids, &b) == 0);
	T_STREQ(b.ptr, "1:none 5:none ");
	buf_free(&b);
	db_close(db);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc > 1) {
		pg = 1;
		snprintf(path, sizeof path, "%shhd_t", argv[1]);
		snprintf(missing, sizeof missing, "%shhd_missing", argv[1]);
		snprintf(p2, sizeof p2, "%shhd_old", argv[1]);
		snprintf(v1, sizeof v1, "%shhd_v1", argv[1]);
		snprintf(v3, sizeof v3, "%shhd_v3", argv[1]);
	} else {
		snprintf(dir, sizeof dir, "/tmp/hhd-test-db-XXXXXX");
		if (!mkdtemp(dir))
			return 1;
		snprintf(path, sizeof path, "%s/hhd.db", dir);
		snprintf(missing, sizeof missing, "%s/missing.db", dir);
		snprintf(p2, sizeof p2, "%s/old.db", dir);
		snprintf(v1, sizeof v1, "%s/v1.db", dir);
		snprintf(v3, sizeof v3, "%s/v3.db", dir);
	}
	test_open();
	test_contact();
	test_hits();
	test_versions();
	test_batch();
	test_sketch();
	test_admin();
	test_migrate_sealed();
	test_migrate_urgency();
	if (!pg)
		dir_remove(dir);
	return t_done();
}
