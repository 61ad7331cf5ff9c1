/* db.c: hhd-fcgi's SQLite database (see db.h): the schema and its
 * migrations, the request loop's prepared statements, and hhd-admin's reads
 * and maintenance. The only file that knows a table or column name. */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

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

enum stmt {
	ST_SYNC_FULL,
	ST_SYNC_NORMAL,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_DUP,
	ST_INSERT,
	ST_HIT,
	ST_SKETCH_GET,
	ST_SKETCH_PUT,
	ST_HEALTH,
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
		" phone, message, consent, digest, sealed, urgency)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12)",
	[ST_SKETCH_GET] = "SELECT sketch FROM visitors WHERE day = ?1",
	[ST_SKETCH_PUT] = "INSERT INTO visitors (day, sketch) VALUES (?1, ?2)"
		" ON CONFLICT (day) DO UPDATE SET sketch = excluded.sketch",
	[ST_HIT] = "INSERT INTO hit (day, path, event, via, n) VALUES (?1, ?2, ?3, ?4, 1)"
		" ON CONFLICT (day, path, event, via) DO UPDATE SET n = n + 1",
	[ST_HEALTH] = "PRAGMA user_version",
};

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST__MAX];
	int batch;   /* db_batch_begin() opened a transaction not yet ended */
	char *path;  /* as opened, and the file it named then (db_health) */
	dev_t dev;
	ino_t ino;
	char err[200];  /* why the last write failed (cleanup after it may succeed) */
};

sqlite3 *db_test_handle(struct db *db)
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
	free(db->path);
	free(db);
}

struct db_row {
	sqlite3_stmt *st;
};

/* A query's parameter ?N: text, or (text NULL) a number. */
struct param {
	const char *text;
	long long num;
};

/* The one query helper: prepare `sql`, bind p[0..np-1] to ?1.., and call
 * fn (may be NULL) for each row until it returns nonzero. Returns 0 after
 * the last row, fn's nonzero value, or -1 on an error (kept for
 * db_errmsg()). */
static int S_query(struct db *db, const char *sql, const struct param *p, int np, db_row_fn fn, void *arg)
{
	struct db_row row;
	int rc, i, stop = 0;

	if (sqlite3_prepare_v2(db->h, sql, -1, &row.st, NULL) != SQLITE_OK) {
		S_failed(db);
		return -1;
	}
	for (i = 0; i < np; i++) {
		if (p[i].text)
			sqlite3_bind_text(row.st, i + 1, p[i].text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(row.st, i + 1, p[i].num);
	}
	while ((rc = sqlite3_step(row.st)) == SQLITE_ROW)
		if (fn && (stop = fn(&row, arg)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_finalize(row.st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The index of the row's column `col`; a name the query lacks is a bug. */
static int S_column(const struct db_row *row, const char *col)
{
	int i, n = sqlite3_column_count(row->st);

	for (i = 0; i < n; i++)
		if (strcmp(sqlite3_column_name(row->st, i), col) == 0)
			return i;
	abort();
}

const char *db_text(const struct db_row *row, const char *col)
{
	const unsigned char *t = sqlite3_column_text(row->st, S_column(row, col));

	return t ? (const char *)t : "";
}

long long db_int(const struct db_row *row, const char *col)
{
	return sqlite3_column_int64(row->st, S_column(row, col));
}

const void *db_blob(const struct db_row *row, const char *col, size_t *len)
{
	int i = S_column(row, col);
	const void *p = sqlite3_column_blob(row->st, i);

	*len = p ? (size_t)sqlite3_column_bytes(row->st, i) : 0;
	return p;
}

int db_null(const struct db_row *row, const char *col)
{
	return sqlite3_column_type(row->st, S_column(row, col)) == SQLITE_NULL;
}

/* Row callbacks for the PRAGMAs db_open() reads. */
static int S_user_version(const struct db_row *row, void *arg)
{
	*(int *)arg = (int)db_int(row, "user_version");
	return 0;
}

static int S_is_wal(const struct db_row *row, void *arg)
{
	*(int *)arg = sqlite3_stricmp(db_text(row, "journal_mode"), "wal") == 0;
	return 0;
}

/* Bring the schema to DB_SCHEMA_VERSION, one migration per transaction. */
static int S_migrate(struct db *db, int readonly, char *err, size_t errsz)
{
	sqlite3 *h = db->h;
	int v = 0;

	if (S_query(db, "PRAGMA user_version", NULL, 0, S_user_version, &v) < 0) {
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

struct db *db_open(const char *path, unsigned flags, char *err, size_t errsz)
{
	struct db *db = xcalloc(1, sizeof *db);
	struct stat st;
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
		int wal = 0;
		S_query(db, "PRAGMA journal_mode=WAL", NULL, 0, S_is_wal, &wal);
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
		return db;
	db->path = xstrdup(path);
	if (stat(path, &st) == 0) {
		db->dev = st.st_dev;
		db->ino = st.st_ino;
	}
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

/* Step one of the prepared statements once, keep the error if it failed,
 * then reset it and clear its bindings. Returns sqlite3_step()'s code. */
static int S_step(struct db *db, sqlite3_stmt *st)
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
int db_health(struct db *db, const char **why)
{
	sqlite3_stmt *st = db->st[ST_HEALTH];
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
		/* sealed: the personal fields (name on) are only in the blob */
		sqlite3_bind_text(st, i + 2, c->sealed && i >= 3 ? "" : text[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, dg, sizeof dg, SQLITE_STATIC);
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

int db_sketch_get(struct db *db, const char *day, struct buf *out)
{
	sqlite3_stmt *st = db->st[ST_SKETCH_GET];
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

int db_sketch_put(struct db *db, const char *day, const void *sketch, size_t len)
{
	sqlite3_stmt *st = db->st[ST_SKETCH_PUT];

	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sketch, (int)len, SQLITE_STATIC);
	return S_step(db, st) == SQLITE_DONE ? 0 : -1;
}

int db_hit_add(struct db *db, const char *day, const char *path, const char *event, const char *via)
{
	sqlite3_stmt *st = db->st[ST_HIT];

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
	return S_step(db, st) == SQLITE_DONE ? 0 : -1;
}

/* hhd-admin's reads and maintenance. */

#define CONTACT_COLUMNS "id, created, done, lang, incident, node, name, company, email, phone, message, sealed," \
	" urgency, notified"

int db_contacts(struct db *db, enum db_contacts which, db_row_fn fn, void *arg)
{
	struct param all = { NULL, which != DB_CONTACTS_OPEN };
	struct param acute = { urgency_names[URG_ACUTE], 0 };

	if (which == DB_CONTACTS_EXPORT)
		return S_query(db, "SELECT " CONTACT_COLUMNS " FROM contact ORDER BY id", NULL, 0, fn, arg);
	if (which == DB_CONTACTS_OPEN)
		return S_query(db, "SELECT " CONTACT_COLUMNS " FROM contact WHERE done IS NULL"
			" ORDER BY urgency = ?1 DESC, created, id", &acute, 1, fn, arg);
	if (which == DB_CONTACTS_UNNOTIFIED)
		return S_query(db, "SELECT " CONTACT_COLUMNS " FROM contact WHERE done IS NULL AND notified IS NULL"
			" ORDER BY created, id", NULL, 0, fn, arg);
	return S_query(db, "SELECT " CONTACT_COLUMNS " FROM contact WHERE ?1 OR done IS NULL ORDER BY id DESC",
		&all, 1, fn, arg);
}

/* Stop at the first row, passing it on. */
struct first {
	db_row_fn fn;
	void *arg;
};

static int S_first(const struct db_row *row, void *arg)
{
	struct first *f = arg;

	f->fn(row, f->arg);
	return 1;
}

int db_contact_get(struct db *db, long long id, db_row_fn fn, void *arg)
{
	struct param p = { NULL, id };
	struct first f = { fn, arg };

	return S_query(db, "SELECT " CONTACT_COLUMNS " FROM contact WHERE id = ?1", &p, 1, S_first, &f);
}

int db_contact_done(struct db *db, long long id, time_t now)
{
	struct param p[] = { { NULL, id }, { NULL, (long long)now } };

	if (S_query(db, "UPDATE contact SET done = ?2 WHERE id = ?1 AND done IS NULL", p, 2, NULL, NULL) < 0)
		return -1;
	return sqlite3_changes(db->h) > 0;
}

long long db_contact_notified(struct db *db, const long long *ids, size_t n, time_t now)
{
	long long marked = 0;
	size_t i;

	if (S_query(db, "BEGIN IMMEDIATE", NULL, 0, NULL, NULL) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct param p[] = { { NULL, ids[i] }, { NULL, (long long)now } };
		if (S_query(db, "UPDATE contact SET notified = ?2 WHERE id = ?1 AND notified IS NULL", p, 2,
			NULL, NULL) < 0) {
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		marked += sqlite3_changes(db->h);
	}
	if (S_query(db, "COMMIT", NULL, 0, NULL, NULL) < 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return marked;
}

int db_contact_purgeable(struct db *db, time_t before, int open, db_row_fn fn, void *arg)
{
	struct param p[] = { { NULL, (long long)before }, { NULL, open != 0 } };

	return S_query(db, "SELECT id, created, done, lang, incident, node FROM contact"
		" WHERE created <= ?1 AND (?2 OR done IS NOT NULL) ORDER BY id", p, 2, fn, arg);
}

long long db_contact_purge(struct db *db, time_t before, int open)
{
	struct param p[] = { { NULL, (long long)before }, { NULL, open != 0 } };

	if (S_query(db, "DELETE FROM contact WHERE created <= ?1 AND (?2 OR done IS NOT NULL)", p, 2, NULL, NULL) < 0)
		return -1;
	return sqlite3_changes(db->h);
}

int db_contact_set_sealed(struct db *db, long long id, const void *blob, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->h, "UPDATE contact SET sealed = ?2, name = '', company = '', email = '',"
		" phone = '', message = '' WHERE id = ?1 AND sealed IS NULL", -1, &st, NULL) != SQLITE_OK) {
		S_failed(db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		S_failed(db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? sqlite3_changes(db->h) : -1;
}

int db_checkpoint(struct db *db)
{
	if (sqlite3_wal_checkpoint_v2(db->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) == SQLITE_OK)
		return 0;
	S_failed(db);
	return -1;
}

int db_backup(struct db *db, const char *file, char *err, size_t errsz)
{
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

/* The stats report's queries, ?1 and ?2 the first and last day. */
static const char *const report_sql[DB_REPORT__MAX] = {
	[DB_REPORT_DAYS] = "SELECT day, event, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY day, event",
	[DB_REPORT_PLANS] = "SELECT path, SUM(CASE WHEN event = 'view' THEN n ELSE 0 END) AS view,"
		" SUM(CASE WHEN event = 'outcome' THEN n ELSE 0 END) AS outcome,"
		" SUM(CASE WHEN event = 'yes' THEN n ELSE 0 END) AS yes,"
		" SUM(CASE WHEN event = 'no' THEN n ELSE 0 END) AS no FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY path HAVING SUM(CASE WHEN event IN ('outcome', 'yes', 'no') THEN n ELSE 0 END) > 0"
		" ORDER BY 3 DESC, path LIMIT 1000",
	[DB_REPORT_PARTNERS] = "SELECT via, SUM(n) AS hits, SUM(CASE WHEN event = 'view' THEN n ELSE 0 END) AS views"
		" FROM hit WHERE day BETWEEN ?1 AND ?2 AND via <> '' GROUP BY via ORDER BY 2 DESC, via LIMIT 1000",
	[DB_REPORT_HELP] = "SELECT path, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2 AND event = 'help'"
		" GROUP BY path ORDER BY 2 DESC, path LIMIT 20",
	[DB_REPORT_VISITORS] = "SELECT day, sketch FROM visitors WHERE day BETWEEN ?1 AND ?2 ORDER BY day",
	[DB_REPORT_PATHS] = "SELECT path, event, SUM(n) AS n FROM hit WHERE day BETWEEN ?1 AND ?2"
		" GROUP BY path, event ORDER BY path LIMIT 200000",
};

int db_report(struct db *db, enum db_report report, const char *from, const char *to, db_row_fn fn, void *arg)
{
	struct param p[] = { { from, 0 }, { to, 0 } };

	return S_query(db, report_sql[report], p, 2, fn, arg);
}

void db_day(time_t now, char out[11])
{
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}
