/* db.c: schema, migrations and the request loop's prepared statements. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "policy.h"
#include "xalloc.h"

/* migrations[i] takes the schema from user_version i to i + 1. Append only;
 * never edit a migration that has shipped. */
static const char *const migrations[DB_SCHEMA_VERSION] = {
	/* 0 -> 1 */
	"CREATE TABLE contact ("
	"  id INTEGER PRIMARY KEY,"
	"  created INTEGER NOT NULL,"          /* unix time */
	"  lang TEXT NOT NULL,"
	"  incident TEXT NOT NULL,"            /* tree id, or '' */
	"  node TEXT NOT NULL,"                /* node id, or '' */
	"  name TEXT NOT NULL,"
	"  company TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  consent INTEGER NOT NULL,"          /* 1: the visitor ticked the consent box */
	"  digest BLOB NOT NULL,"              /* db_contact_digest(), to drop double submits */
	"  done INTEGER"                       /* unix time marked done, NULL while open */
	");"
	"CREATE INDEX contact_created ON contact(created);"
	"CREATE INDEX contact_digest ON contact(digest);"
	"CREATE TABLE hit ("
	"  day TEXT NOT NULL,"                 /* YYYY-MM-DD, local time */
	"  path TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  via TEXT NOT NULL,"                 /* partner code, or '' */
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (day, path, event, via)"
	") WITHOUT ROWID;",
};

enum stmt {
	ST_SYNC_FULL,
	ST_SYNC_NORMAL,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_DUP,
	ST_INSERT,
	ST_HIT,
	ST__MAX
};

static const char *const stmt_sql[ST__MAX] = {
	[ST_SYNC_FULL] = "PRAGMA synchronous=FULL",
	[ST_SYNC_NORMAL] = "PRAGMA synchronous=NORMAL",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_DUP] = "SELECT id FROM contact WHERE digest = ?1 AND created >= ?2 LIMIT 1",
	[ST_INSERT] = "INSERT INTO contact (created, lang, incident, node, name, company, email,"
		" phone, message, consent, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)",
	[ST_HIT] = "INSERT INTO hit (day, path, event, via, n) VALUES (?1, ?2, ?3, ?4, 1)"
		" ON CONFLICT (day, path, event, via) DO UPDATE SET n = n + 1",
};

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST__MAX];
	int batch;   /* db_batch_begin() opened a transaction not yet ended */
	char err[200];  /* why the last write failed (cleanup after it may succeed) */
};

sqlite3 *db_sqlite(struct db *db)
{
	return db->h;
}

const char *db_errmsg(struct db *db)
{
	return db->err[0] ? db->err : sqlite3_errmsg(db->h);
}

/* Remember the error of the statement that just failed: a ROLLBACK or
 * PRAGMA run after it would otherwise replace the message. */
static void S_failed(struct db *db)
{
	snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(db->h));
}

void db_close(struct db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
}

/* Run one statement that returns at most one integer (a PRAGMA). */
static int S_pragma_int(sqlite3 *h, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Bring the schema to DB_SCHEMA_VERSION, one migration per transaction. */
static int S_migrate(sqlite3 *h, int readonly, char *err, size_t errsz)
{
	int v = 0;

	if (S_pragma_int(h, "PRAGMA user_version", &v) < 0) {
		snprintf(err, errsz, "cannot read the schema version: %s", sqlite3_errmsg(h));
		return -1;
	}
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errsz, "the database has schema version %d, newer than this program's %d",
			v, DB_SCHEMA_VERSION);
		return -1;
	}
	if (v < DB_SCHEMA_VERSION && readonly) {
		snprintf(err, errsz, "the database has schema version %d; open it read-write to migrate", v);
		return -1;
	}
	for (; v < DB_SCHEMA_VERSION; v++) {
		char sql[64];
		char *msg = NULL;

		snprintf(sql, sizeof sql, "PRAGMA user_version=%d; COMMIT", v + 1);
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK
		    || sqlite3_exec(h, migrations[v], NULL, NULL, &msg) != SQLITE_OK
		    || sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errsz, "migration to schema version %d failed: %s",
				v + 1, msg ? msg : sqlite3_errmsg(h));
			sqlite3_free(msg);
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

struct db *db_open(const char *path, unsigned flags, char *err, size_t errsz)
{
	struct db *db = xcalloc(1, sizeof *db);
	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	char *msg = NULL;
	size_t i;

	if (flags & DB_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE | ((flags & DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot open database '%s': %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, DB_BUSY_MS);
	/* WAL: readers (hhd-admin) never block the writer. secure_delete: a
	 * purged submission is overwritten, not left in free pages. */
	if (!(flags & DB_READONLY)) {
		sqlite3_stmt *st;
		int wal = 0;
		if (sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				wal = sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
			sqlite3_finalize(st);
		}
		if (!wal) {
			snprintf(err, errsz, "cannot switch '%s' to WAL mode: %s", path, sqlite3_errmsg(db->h));
			goto fail;
		}
	}
	if (sqlite3_exec(db->h, "PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
			" PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "cannot configure '%s': %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	if (flags & DB_KEEP_WAL) {
		int one = 1;
		sqlite3_file_control(db->h, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	}
	if (S_migrate(db->h, !!(flags & DB_READONLY), err, errsz) < 0)
		goto fail;
	if (flags & DB_READONLY)
		return db;
	for (i = 0; i < ST__MAX; i++) {
		if (sqlite3_prepare_v3(db->h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errsz, "cannot prepare statement %zu: %s", i, sqlite3_errmsg(db->h));
			goto fail;
		}
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

/* Step a statement that returns no rows, and reset it. */
static int S_exec(struct db *db, enum stmt s)
{
	int rc = sqlite3_step(db->st[s]);

	if (rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_reset(db->st[s]);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void S_digest_field(crypto_generichash_state *h, const char *s)
{
	size_t n = strlen(s);
	unsigned char len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof len);
	crypto_generichash_update(h, (const unsigned char *)s, n);
}

void db_contact_digest(const struct contact *c, unsigned char out[DB_DIGEST_BYTES])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, DB_DIGEST_BYTES);
	S_digest_field(&h, c->lang);
	S_digest_field(&h, c->incident);
	S_digest_field(&h, c->node);
	S_digest_field(&h, c->name);
	S_digest_field(&h, c->company);
	S_digest_field(&h, c->email);
	S_digest_field(&h, c->phone);
	S_digest_field(&h, c->message);
	crypto_generichash_final(&h, out, DB_DIGEST_BYTES);
}

enum db_add db_contact_add(struct db *db, const struct contact *c, time_t now, long long *id)
{
	unsigned char dg[DB_DIGEST_BYTES];
	sqlite3_stmt *st;
	const char *text[8];
	enum db_add result = DB_FAILED;
	int rc, i;

	db_contact_digest(c, dg);
	/* synchronous can only change outside a transaction */
	if (db->batch) {
		snprintf(db->err, sizeof db->err, "a batch of hits is open");
		return DB_FAILED;
	}
	if (S_exec(db, ST_SYNC_FULL) < 0)
		return DB_FAILED;
	if (S_exec(db, ST_BEGIN) < 0)
		goto restore;

	st = db->st[ST_DUP];
	sqlite3_bind_blob(st, 1, dg, sizeof dg, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now - POLICY_DEDUP_SECONDS);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(st, 0);
		result = DB_DUPLICATE;
	} else if (rc != SQLITE_DONE) {
		S_failed(db);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto rollback;
	if (result == DB_DUPLICATE) {
		S_exec(db, ST_ROLLBACK);
		goto restore;
	}

	st = db->st[ST_INSERT];
	text[0] = c->lang, text[1] = c->incident, text[2] = c->node, text[3] = c->name;
	text[4] = c->company, text[5] = c->email, text[6] = c->phone, text[7] = c->message;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	for (i = 0; i < 8; i++)
		sqlite3_bind_text(st, i + 2, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, dg, sizeof dg, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		goto rollback;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	/* the commit fsyncs the WAL: only now is the submission acknowledged */
	if (S_exec(db, ST_COMMIT) < 0)
		goto rollback;
	result = DB_STORED;
	goto restore;
rollback:
	result = DB_FAILED;
	S_exec(db, ST_ROLLBACK);
restore:
	S_exec(db, ST_SYNC_NORMAL);
	return result;
}

int db_batch_begin(struct db *db)
{
	if (db->batch)
		return 0;
	if (S_exec(db, ST_BEGIN) < 0)
		return -1;
	db->batch = 1;
	return 0;
}

int db_batch_open(const struct db *db)
{
	return db->batch;
}

int db_batch_commit(struct db *db, char *err, size_t errsz)
{
	if (!db->batch)
		return 0;
	db->batch = 0;
	/* SQLite rolls a transaction back by itself after some failures (a
	 * full disk, an I/O error): then there is nothing left to commit */
	if (sqlite3_get_autocommit(db->h)) {
		snprintf(err, errsz, "the transaction was rolled back after an earlier error");
		return -1;
	}
	if (S_exec(db, ST_COMMIT) == 0)
		return 0;
	snprintf(err, errsz, "%s", db->err);
	/* a failed COMMIT may leave the transaction open: end it */
	if (!sqlite3_get_autocommit(db->h))
		S_exec(db, ST_ROLLBACK);
	return -1;
}

int db_hit_add(struct db *db, const char *day, const char *path, const char *event, const char *via)
{
	sqlite3_stmt *st = db->st[ST_HIT];
	int rc;

	/* a hit is stored by its batch's COMMIT or, outside a batch, at once:
	 * not as a single autocommit inside a batch SQLite rolled back by
	 * itself (its reply waits for a COMMIT that will fail), nor inside a
	 * transaction left open by a failed ROLLBACK (nobody would commit it) */
	if (db->batch && sqlite3_get_autocommit(db->h)) {
		snprintf(db->err, sizeof db->err, "the batch was rolled back after an earlier error");
		return -1;
	}
	if (!db->batch && !sqlite3_get_autocommit(db->h)) {
		snprintf(db->err, sizeof db->err, "a transaction is open outside any batch");
		return -1;
	}
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, via ? via : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void db_day(time_t now, char out[11])
{
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}
