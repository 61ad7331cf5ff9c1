/* db_sqlite.c: the SQLite engine of the storage module (db.h,
 * db_engine.h): the schema and its migrations, the statements, and
 * hhd-admin's maintenance (checkpoint, backup). The only file that knows
 * SQLite. */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db_engine.h"
#include "db_test.h"
#include "manifest.h"
#include "policy.h"
#include "xalloc.h"

/* migrations[i] takes the schema from user_version i to i + 1 (`sql`, then
 * `version` records the step). Append only; never edit a migration that has
 * shipped. */
static const struct migration {
	const char *sql;
	const char *version;
} migrations[DB_SCHEMA_VERSION] = {
	/* 0 -> 1 */
	{ "CREATE TABLE contact ("
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
	  "PRAGMA user_version=1" },
	/* 1 -> 2: the personal fields sealed to the helpdesk's public key
	 * (fcgi/seal.h). A sealed row keeps '' in name, company, email, phone
	 * and message; a row from before (or from hhd-fcgi without
	 * --seal-key) has sealed NULL until `hhd-admin seal` seals it. */
	{ "ALTER TABLE contact ADD COLUMN sealed BLOB;",
	  "PRAGMA user_version=2" },
	/* 2 -> 3: unique visitors, one HyperLogLog sketch (fcgi/hll.h's stored
	 * form) per day; writers merge register-wise, never add */
	{ "CREATE TABLE visitors ("
	"  day TEXT PRIMARY KEY,"              /* YYYY-MM-DD, local time */
	"  sketch BLOB NOT NULL"
	") WITHOUT ROWID;",
	  "PRAGMA user_version=3" },
	/* 3 -> 4: the urgency of the outcome a submission came from
	 * (lib/manifest.h's urgency_names[], looked up in the site manifest;
	 * 'none' for rows from before, and for forms from no outcome), and when
	 * `hhd-admin notify` mailed it to the helpdesk (NULL: not yet) */
	{ "ALTER TABLE contact ADD COLUMN urgency TEXT NOT NULL DEFAULT 'none';"
	"ALTER TABLE contact ADD COLUMN notified INTEGER;",
	  "PRAGMA user_version=4" },
};

/* The engine's own control statements. */
enum stmt {
	ST_SYNC_FULL = SQL__MAX,
	ST_SYNC_NORMAL,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST__MAX
};

/* Every statement, ?N its parameters in db_engine.h's order. */
static const char *const sqlite_sql[ST__MAX] = {
	[SQL_DUP] = "SELECT id FROM contact WHERE digest = ?1 AND created >= ?2 LIMIT 1",
	[SQL_INSERT] = "INSERT INTO contact (created, lang, incident, node, name, company, email,"
		" phone, message, consent, digest, sealed, urgency)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12)",
	[SQL_HIT] = "INSERT INTO hit (day, path, event, via, n) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT (day, path, event, via) DO UPDATE SET n = n + excluded.n",
	[SQL_SKETCH_GET] = "SELECT sketch FROM visitors WHERE day = ?1",
	/* SQLite has one writer: the write transaction is the lock */
	[SQL_SKETCH_LOCK] = "SELECT sketch FROM visitors WHERE day = ?1",
	[SQL_SKETCH_PUT] = "INSERT INTO visitors (day, sketch) VALUES (?1, ?2)"
		" ON CONFLICT (day) DO UPDATE SET sketch = excluded.sketch",
	[SQL_HEALTH] = "PRAGMA user_version",
	[SQL_CONTACTS_OPEN] = "SELECT " DB_CONTACT_COLUMNS " FROM contact WHERE done IS NULL"
		" ORDER BY urgency = ?1 DESC, created, id",
	[SQL_CONTACTS_UNNOTIFIED] = "SELECT " DB_CONTACT_COLUMNS " FROM contact WHERE done IS NULL AND notified IS NULL"
		" ORDER BY created, id",
	[SQL_CONTACT_NOTIFIED] = "UPDATE contact SET notified = ?2 WHERE id = ?1 AND notified IS NULL",
	[SQL_CONTACTS_ALL] = "SELECT " DB_CONTACT_COLUMNS " FROM contact ORDER BY id DESC",
	[SQL_CONTACTS_EXPORT] = "SELECT " DB_CONTACT_COLUMNS " FROM contact ORDER BY id",
	[SQL_CONTACT_GET] = "SELECT " DB_CONTACT_COLUMNS " FROM contact WHERE id = ?1",
	[SQL_CONTACT_DONE] = "UPDATE contact SET done = ?2 WHERE id = ?1 AND done IS NULL",
	[SQL_PURGEABLE] = "SELECT id, created, done, lang, incident, node FROM contact"
		" WHERE created <= ?1 AND (?2 OR done IS NOT NULL) ORDER BY id",
	[SQL_PURGE] = "DELETE FROM contact WHERE created <= ?1 AND (?2 OR done IS NOT NULL)",
	[SQL_SET_SEALED] = "UPDATE contact SET sealed = ?2, name = '', company = '', email = '',"
		" phone = '', message = '' WHERE id = ?1 AND sealed IS NULL",
	[SQL_REPORT_DAYS] = "SELECT day, event, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY day, event",
	[SQL_REPORT_PLANS] = "SELECT path, SUM(CASE WHEN event = 'view' THEN n ELSE 0 END) AS view,"
		" SUM(CASE WHEN event = 'outcome' THEN n ELSE 0 END) AS outcome,"
		" SUM(CASE WHEN event = 'yes' THEN n ELSE 0 END) AS yes,"
		" SUM(CASE WHEN event = 'no' THEN n ELSE 0 END) AS no FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY path HAVING SUM(CASE WHEN event IN ('outcome', 'yes', 'no') THEN n ELSE 0 END) > 0"
		" ORDER BY 3 DESC, path LIMIT 1000",
	[SQL_REPORT_PARTNERS] = "SELECT via, SUM(n) AS hits, SUM(CASE WHEN event = 'view' THEN n ELSE 0 END) AS views"
		" FROM hit WHERE day BETWEEN ?1 AND ?2 AND via <> '' GROUP BY via ORDER BY 2 DESC, via LIMIT 1000",
	[SQL_REPORT_HELP] = "SELECT path, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2 AND event = 'help'"
		" GROUP BY path ORDER BY 2 DESC, path LIMIT 20",
	[SQL_REPORT_VISITORS] = "SELECT day, sketch FROM visitors WHERE day BETWEEN ?1 AND ?2 ORDER BY day",
	[SQL_REPORT_PATHS] = "SELECT path, event, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY path, event ORDER BY path LIMIT 200000",
	[ST_SYNC_FULL] = "PRAGMA synchronous=FULL",
	[ST_SYNC_NORMAL] = "PRAGMA synchronous=NORMAL",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
};

/* Prepared once at open: the request loop's statements and the controls. */
static int S_prepared(int i)
{
	return (i >= SQL_FIRST_PREPARED && i <= SQL_LAST_PREPARED) || i >= SQL__MAX;
}

struct sdb {
	struct db db;    /* first: a struct db * is a struct sdb * */
	sqlite3 *h;
	sqlite3_stmt *st[ST__MAX];
	char *path;      /* as opened, and the file it named then (db_health) */
	dev_t dev;
	ino_t ino;
};

#define SDB(d) ((struct sdb *)(d))

sqlite3 *db_test_handle(struct db *d)
{
	return d->e == &db_sqlite_engine ? SDB(d)->h : NULL;
}

static const char *S_errmsg(struct db *d)
{
	return sqlite3_errmsg(SDB(d)->h);
}

/* Remember the error of the statement that just failed: a ROLLBACK or
 * PRAGMA run after it would otherwise replace the message. */
static void S_failed(struct sdb *db)
{
	snprintf(db->db.err, sizeof db->db.err, "%s", sqlite3_errmsg(db->h));
}

static void S_close(struct db *d)
{
	struct sdb *db = SDB(d);
	size_t i;

	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

struct srow {
	struct db_row row;   /* first */
	sqlite3_stmt *st;
};

static void S_bind(sqlite3_stmt *st, const struct db_param *p, int np)
{
	int i;

	for (i = 0; i < np; i++) {
		switch (p[i].type) {
		case DB_PNUM:
			sqlite3_bind_int64(st, i + 1, p[i].num);
			break;
		case DB_PTEXT:
			sqlite3_bind_text(st, i + 1, p[i].text, -1, SQLITE_STATIC);
			break;
		case DB_PBLOB:
			if (p[i].blob)
				sqlite3_bind_blob(st, i + 1, p[i].blob, (int)p[i].len, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		}
	}
}

/* The one query helper: prepare `sql`, bind p[0..np-1] to ?1.., and call
 * fn (may be NULL) for each row until it returns nonzero. Returns 0 after
 * the last row, fn's nonzero value, or -1 on an error (kept for
 * db_errmsg()). */
static int S_run(struct sdb *db, const char *sql, const struct db_param *p, int np, db_row_fn fn, void *arg,
	long long *changes)
{
	struct srow row = { { &db_sqlite_engine }, NULL };
	int rc, stop = 0;

	if (sqlite3_prepare_v2(db->h, sql, -1, &row.st, NULL) != SQLITE_OK) {
		S_failed(db);
		return -1;
	}
	S_bind(row.st, p, np);
	while ((rc = sqlite3_step(row.st)) == SQLITE_ROW)
		if (fn && (stop = fn(&row.row, arg)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_finalize(row.st);
	if (changes)
		*changes = rc == SQLITE_DONE ? sqlite3_changes(db->h) : 0;
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int S_query(struct db *d, enum db_sql s, const struct db_param *p, int np, db_row_fn fn, void *arg,
	long long *changes)
{
	return S_run(SDB(d), sqlite_sql[s], p, np, fn, arg, changes);
}

/* The index of the row's column `col`; a name the query lacks is a bug. */
static int S_column(const struct db_row *r, const char *col)
{
	const struct srow *row = (const struct srow *)r;
	int i, n = sqlite3_column_count(row->st);

	for (i = 0; i < n; i++)
		if (strcmp(sqlite3_column_name(row->st, i), col) == 0)
			return i;
	abort();
}

static const char *S_text(const struct db_row *r, const char *col)
{
	const unsigned char *t = sqlite3_column_text(((const struct srow *)r)->st, S_column(r, col));

	return t ? (const char *)t : "";
}

static long long S_num(const struct db_row *r, const char *col)
{
	return sqlite3_column_int64(((const struct srow *)r)->st, S_column(r, col));
}

static const void *S_blob(const struct db_row *r, const char *col, size_t *len)
{
	sqlite3_stmt *st = ((const struct srow *)r)->st;
	int i = S_column(r, col);
	const void *p = sqlite3_column_blob(st, i);

	*len = p ? (size_t)sqlite3_column_bytes(st, i) : 0;
	return p;
}

static int S_null(const struct db_row *r, const char *col)
{
	return sqlite3_column_type(((const struct srow *)r)->st, S_column(r, col)) == SQLITE_NULL;
}

/* Row callbacks for the PRAGMAs S_open() reads. */
static int S_user_version(const struct db_row *row, void *arg)
{
	*(int *)arg = (int)S_num(row, "user_version");
	return 0;
}

static int S_is_wal(const struct db_row *row, void *arg)
{
	*(int *)arg = sqlite3_stricmp(S_text(row, "journal_mode"), "wal") == 0;
	return 0;
}

/* Bring the schema to DB_SCHEMA_VERSION, one migration per transaction. */
static int S_migrate(struct sdb *db, int readonly, char *err, size_t errsz)
{
	sqlite3 *h = db->h;
	int v = 0;

	if (S_run(db, "PRAGMA user_version", NULL, 0, S_user_version, &v, NULL) < 0) {
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
		char *msg = NULL;

		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK
		    || sqlite3_exec(h, migrations[v].sql, NULL, NULL, &msg) != SQLITE_OK
		    || sqlite3_exec(h, migrations[v].version, NULL, NULL, &msg) != SQLITE_OK
		    || sqlite3_exec(h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errsz, "migration to schema version %d failed: %s",
				v + 1, msg ? msg : sqlite3_errmsg(h));
			sqlite3_free(msg);
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

static struct db *S_open(const char *path, unsigned flags, char *err, size_t errsz)
{
	struct sdb *db = xcalloc(1, sizeof *db);
	struct stat st;
	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	char *msg = NULL;
	size_t i;

	db->db.e = &db_sqlite_engine;
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
		int wal = 0;
		S_run(db, "PRAGMA journal_mode=WAL", NULL, 0, S_is_wal, &wal, NULL);
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
	if (S_migrate(db, !!(flags & DB_READONLY), err, errsz) < 0)
		goto fail;
	if (flags & DB_READONLY)
		return &db->db;
	db->path = xstrdup(path);
	if (stat(path, &st) == 0) {
		db->dev = st.st_dev;
		db->ino = st.st_ino;
	}
	for (i = 0; i < ST__MAX; i++) {
		if (!S_prepared((int)i))
			continue;
		if (sqlite3_prepare_v3(db->h, sqlite_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL)
				!= SQLITE_OK) {
			snprintf(err, errsz, "cannot prepare statement %zu: %s", i, sqlite3_errmsg(db->h));
			goto fail;
		}
	}
	return &db->db;
fail:
	S_close(&db->db);
	return NULL;
}

static int S_set_sync(struct db *d, const char *level, char *err, size_t errsz)
{
	(void)d;
	(void)level;
	snprintf(err, errsz, "--pg-sync is for PostgreSQL; SQLite commits a submission with synchronous=FULL");
	return -1;
}

/* Step one of the prepared statements once, keep the error if it failed,
 * then reset it and clear its bindings. Returns sqlite3_step()'s code. */
static int S_step(struct sdb *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* The health check: a read through the open connection (the schema
 * version, which takes a read lock and checks the WAL index), then whether
 * the path still names the file opened and this process may still read and
 * write it (a file moved, replaced or made unreadable on disk goes unseen
 * by an open handle until it is too late). */
static int S_health(struct db *d, const char **why)
{
	struct sdb *db = SDB(d);
	sqlite3_stmt *st = db->st[SQL_HEALTH];
	struct stat sb;
	int rc, version;

	if (!st) {
		*why = "database not open for writing";
		return -1;
	}
	rc = sqlite3_step(st);
	version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		*why = "database cannot be read";
		return -1;
	}
	if (version != DB_SCHEMA_VERSION) {
		*why = "database has another schema version";
		return -1;
	}
	if (stat(db->path, &sb) < 0) {
		*why = "database file is gone";
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_dev != db->dev || sb.st_ino != db->ino) {
		*why = "database file was replaced";
		return -1;
	}
	if (access(db->path, R_OK | W_OK) < 0) {
		*why = "database file is not readable and writable";
		return -1;
	}
	*why = NULL;
	return 0;
}

/* Step a statement that returns no rows, and reset it. */
static int S_exec(struct sdb *db, int s)
{
	int rc = sqlite3_step(db->st[s]);

	if (rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_reset(db->st[s]);
	return rc == SQLITE_DONE ? 0 : -1;
}

static enum db_add S_contact_add(struct db *d, const struct contact *c, const unsigned char *dg, time_t now,
	long long *id)
{
	struct sdb *db = SDB(d);
	sqlite3_stmt *st;
	const char *text[8];
	enum db_add result = DB_FAILED;
	int rc, i;

	/* synchronous can only change outside a transaction */
	if (S_exec(db, ST_SYNC_FULL) < 0)
		return DB_FAILED;
	if (S_exec(db, ST_BEGIN) < 0)
		goto restore;

	st = db->st[SQL_DUP];
	sqlite3_bind_blob(st, 1, dg, DB_DIGEST_BYTES, SQLITE_STATIC);
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

	st = db->st[SQL_INSERT];
	text[0] = c->lang, text[1] = c->incident, text[2] = c->node, text[3] = c->name;
	text[4] = c->company, text[5] = c->email, text[6] = c->phone, text[7] = c->message;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	for (i = 0; i < 8; i++)
		/* sealed: the personal fields (name on) are only in the blob */
		sqlite3_bind_text(st, i + 2, c->sealed && i >= 3 ? "" : text[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, dg, DB_DIGEST_BYTES, SQLITE_STATIC);
	if (c->sealed)
		sqlite3_bind_blob(st, 11, c->sealed, (int)c->sealed_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, c->urgency ? c->urgency : urgency_names[URG_NONE], -1, SQLITE_STATIC);
	if (S_step(db, st) != SQLITE_DONE)
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

static int S_batch_begin(struct db *d)
{
	return S_exec(SDB(d), ST_BEGIN);
}

static int S_batch_commit(struct db *d, char *err, size_t errsz)
{
	struct sdb *db = SDB(d);

	/* SQLite rolls a transaction back by itself after some failures (a
	 * full disk, an I/O error): then there is nothing left to commit */
	if (sqlite3_get_autocommit(db->h)) {
		snprintf(err, errsz, "the transaction was rolled back after an earlier error");
		return -1;
	}
	if (S_exec(db, ST_COMMIT) == 0)
		return 0;
	snprintf(err, errsz, "%s", db->db.err);
	/* a failed COMMIT may leave the transaction open: end it */
	if (!sqlite3_get_autocommit(db->h))
		S_exec(db, ST_ROLLBACK);
	return -1;
}

/* Read `day`'s sketch with statement s into out: 1, 0 (none), -1. */
static int S_sketch_read(struct sdb *db, int s, const char *day, struct buf *out)
{
	sqlite3_stmt *st = db->st[s];
	int rc;

	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		buf_add(out, p ? p : "", (size_t)sqlite3_column_bytes(st, 0));
	} else if (rc != SQLITE_DONE) {
		S_failed(db);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int S_sketch_get(struct db *d, const char *day, struct buf *out)
{
	return S_sketch_read(SDB(d), SQL_SKETCH_GET, day, out);
}

static int S_sketch_merge(struct db *d, const char *day, db_merge_fn fn, void *arg)
{
	struct sdb *db = SDB(d);
	struct buf stored = BUF_INIT, merged = BUF_INIT;
	sqlite3_stmt *st = db->st[SQL_SKETCH_PUT];
	int own = !db->db.batch, rc;

	if (own && S_exec(db, ST_BEGIN) < 0)
		return -1;
	if (db->db.batch && sqlite3_get_autocommit(db->h)) {
		snprintf(db->db.err, sizeof db->db.err, "the batch was rolled back after an earlier error");
		return -1;
	}
	rc = S_sketch_read(db, SQL_SKETCH_LOCK, day, &stored);
	if (rc >= 0 && fn(rc ? stored.ptr : NULL, rc ? stored.len : 0, &merged, arg) < 0) {
		snprintf(db->db.err, sizeof db->db.err, "the sketch could not be merged");
		rc = -1;
	}
	if (rc >= 0) {
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, merged.ptr ? (const void *)merged.ptr : "", (int)merged.len, SQLITE_STATIC);
		rc = S_step(db, st) == SQLITE_DONE ? 0 : -1;
	}
	if (own && rc >= 0)
		rc = S_exec(db, ST_COMMIT);
	if (own && rc < 0 && !sqlite3_get_autocommit(db->h))
		S_exec(db, ST_ROLLBACK);
	buf_free(&stored);
	buf_free(&merged);
	return rc < 0 ? -1 : 0;
}

static int S_hit_add(struct db *d, const char *day, const char *path, const char *event, const char *via)
{
	struct sdb *db = SDB(d);
	sqlite3_stmt *st = db->st[SQL_HIT];

	/* a hit is stored by its batch's COMMIT or, outside a batch, at once:
	 * not as a single autocommit inside a batch SQLite rolled back by
	 * itself (its reply waits for a COMMIT that will fail), nor inside a
	 * transaction left open by a failed ROLLBACK (nobody would commit it) */
	if (db->db.batch && sqlite3_get_autocommit(db->h)) {
		snprintf(db->db.err, sizeof db->db.err, "the batch was rolled back after an earlier error");
		return -1;
	}
	if (!db->db.batch && !sqlite3_get_autocommit(db->h)) {
		snprintf(db->db.err, sizeof db->db.err, "a transaction is open outside any batch");
		return -1;
	}
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, via, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, 1);
	return S_step(db, st) == SQLITE_DONE ? 0 : -1;
}

static int S_checkpoint(struct db *d)
{
	struct sdb *db = SDB(d);

	if (sqlite3_wal_checkpoint_v2(db->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) == SQLITE_OK)
		return 0;
	S_failed(db);
	return -1;
}

static int S_backup(struct db *d, const char *file, char *err, size_t errsz)
{
	struct sdb *db = SDB(d);
	char tmp[PATH_MAX];
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	mode_t old;
	int rc;

	if (access(file, F_OK) == 0) {
		snprintf(err, errsz, "'%s' exists; not overwriting it", file);
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", file, (long)getpid()) >= sizeof tmp) {
		snprintf(err, errsz, "path too long");
		return -2;
	}
	old = umask(077);  /* the copy holds personal data: owner only */
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot create '%s': %s", tmp, dst ? sqlite3_errmsg(dst) : "?");
		sqlite3_close(dst);
		return -1;
	}
	bk = sqlite3_backup_init(dst, "main", db->h, "main");
	if (!bk) {
		snprintf(err, errsz, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		unlink(tmp);
		return -1;
	}
	/* copy in steps, yielding to hhd-fcgi's writes in between */
	do {
		rc = sqlite3_backup_step(bk, 64);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "backup failed: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(tmp);
		return -1;
	}
	if (sqlite3_close(dst) != SQLITE_OK || rename(tmp, file) < 0) {
		snprintf(err, errsz, "cannot finish '%s': %s", file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int S_test_first(const struct db_row *r, void *arg)
{
	*(long long *)arg = sqlite3_column_int64(((const struct srow *)r)->st, 0);
	return 1;
}

static long long S_test_int(struct db *d, const char *sql)
{
	long long v = -1;

	if (S_run(SDB(d), sql, NULL, 0, S_test_first, &v, NULL) != 1)
		return -1;
	return v;
}

static int S_test_exec(struct db *d, const char *sql)
{
	return sqlite3_exec(SDB(d)->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

const struct db_engine db_sqlite_engine = {
	.name = "sqlite",
	.open = S_open,
	.close = S_close,
	.errmsg = S_errmsg,
	.set_sync = S_set_sync,
	.contact_add = S_contact_add,
	.hit_add = S_hit_add,
	.sketch_get = S_sketch_get,
	.sketch_merge = S_sketch_merge,
	.health = S_health,
	.batch_begin = S_batch_begin,
	.batch_commit = S_batch_commit,
	.query = S_query,
	.checkpoint = S_checkpoint,
	.backup = S_backup,
	.text = S_text,
	.num = S_num,
	.null = S_null,
	.blob = S_blob,
	.test_int = S_test_int,
	.test_exec = S_test_exec,
};
