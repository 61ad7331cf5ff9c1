/* db.h: hhd-fcgi's database: contact submissions and counters, on SQLite
 * (a file, the embedded default) or PostgreSQL (a connection URI).
 *
 * This header is the one API of both engines. The schema, and every SQL
 * text, is known to the storage module alone: db.c (engine-neutral: the
 * target, the digest, the dispatch), db_sqlite.c and db_pg.c (one table of
 * statements each, same names: db_engine.h). Callers get typed functions,
 * and rows of the admin reads (db_contacts(), db_report()) as a struct
 * db_row whose columns are read by name. No raw handle leaves the module
 * (the unit tests' fault injection uses db_test.h).
 *
 * One connection, opened at start-up, with every statement the request
 * loop needs prepared once in db_open() (nothing is prepared, and no SQL
 * text is built, while requests are served). The schema is created and
 * migrated through versioned migrations (SQLite: PRAGMA user_version;
 * PostgreSQL: the table schema_version), the same versions on both.
 *
 * PostgreSQL: a submission's transaction is committed with
 * synchronous_commit = db_set_sync()'s level (default "on": with
 * synchronous_standby_names set on the primary, the commit returns once the
 * standby has flushed it); hits with "local". A connection that breaks is
 * re-made, at most every DB_RECONNECT_MAX_MS and at first after
 * DB_RECONNECT_MIN_MS, doubling; calls in between fail at once (503).
 *
 * SQLite durability: a contact submission is committed with synchronous=FULL (the
 * WAL is fsynced before the commit returns), so once db_contact_add()
 * returns DB_STORED it survives kill -9 and power loss. Counters are
 * committed with synchronous=NORMAL, which in WAL mode survives a crash of
 * the process (not necessarily of the machine), usually several at once:
 * db_batch_begin(), db_hit_add() for each hit, db_batch_commit(). A hit
 * written in a batch is stored only if that commit succeeds. */
#ifndef HHD_DB_H
#define HHD_DB_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define DB_SCHEMA_VERSION 4
#define DB_BUSY_MS 5000        /* wait this long for a lock held by hhd-admin */
#define DB_DIGEST_BYTES 16
#define DB_TARGET_MAX 4096     /* longest --db-file content */
#define DB_RECONNECT_MIN_MS 100
#define DB_RECONNECT_MAX_MS 5000

struct db;

enum db_open_flags {
	DB_CREATE = 1 << 0,    /* create the file if missing (hhd-fcgi); hhd-admin does not */
	DB_READONLY = 1 << 1,  /* no writes, no migration (stats, inbox, export) */
	/* keep the -wal and -shm files when closing (hhd-fcgi: its system-call
	 * filter has no unlink, and the next start needs them anyway) */
	DB_KEEP_WAL = 1 << 2,
};

/* A submission, as validated by contact.c. All strings are UTF-8 and never
 * NULL. With `sealed` (seal_seal() of name, company, email, phone and
 * message) those five are stored only inside the blob; they are still
 * needed here for the duplicate check's digest. */
struct contact {
	const char *lang, *incident, *node, *name, *company, *email, *phone, *message;
	const char *urgency;   /* urgency_names[] of its outcome (siteindex_urgency), "none" without */
	const void *sealed;
	size_t sealed_len;
};

enum db_add {
	DB_STORED = 0,
	DB_DUPLICATE = 1,   /* identical to one stored within POLICY_DEDUP_SECONDS */
	DB_FAILED = -1,
};

/* Whether `target` is a PostgreSQL connection URI (postgresql:// or
 * postgres://); anything else is an SQLite file path. */
int db_is_uri(const char *target);
/* Read a target (a URI with its password, kept out of process lists and
 * unit files) from `file`: its first line, at most DB_TARGET_MAX bytes.
 * 0, or -1 with a message in err. */
int db_target_read(const char *file, char *out, size_t outsz, char *err, size_t errsz);
/* Open (and create/migrate) the database: `target` a file path or a URI.
 * NULL on failure, with a message in err (never the URI's password). */
struct db *db_open(const char *target, unsigned flags, char *err, size_t errsz);
/* "sqlite" or "postgresql". */
const char *db_engine_name(const struct db *db);
/* PostgreSQL: the synchronous_commit of a submission's commit: one of
 * remote_apply, on, remote_write, local, off. 0, or -1 (an unknown level,
 * or SQLite, whose submissions are always synchronous=FULL). */
int db_set_sync(struct db *db, const char *level, char *err, size_t errsz);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);   /* why the last call failed, for logs */

/* Store a submission in its own transaction under synchronous=FULL, unless
 * an identical one was stored since now - POLICY_DEDUP_SECONDS. */
enum db_add db_contact_add(struct db *db, const struct contact *c, time_t now, long long *id);
/* Add one to the (day, path, event, via) counter; via "" when none. 0 or -1.
 * Inside a batch the row is written but not committed (PostgreSQL: kept
 * in memory and written by db_batch_commit(), one statement per counter
 * in key order, so batches of several nodes never deadlock); outside one
 * it is committed on its own. */
int db_hit_add(struct db *db, const char *day, const char *path, const char *event, const char *via);

/* The unique-visitor sketch of `day` (hll.h's stored form): appended to
 * out, 1; 0 when the day has none; -1. */
int db_sketch_get(struct db *db, const char *day, struct buf *out);
/* Merge into `day`'s stored sketch: fn gets the stored blob (NULL, 0 when
 * there is none) and appends the merged one to out (0), or fails (-1).
 * The stored row is locked from the read to the write (SQLite: the write
 * transaction; PostgreSQL: SELECT ... FOR UPDATE), so nodes writing the
 * same day concurrently lose nothing. Inside an open batch it joins the
 * batch, else it is a transaction of its own. 0 or -1. */
typedef int (*db_merge_fn)(const void *stored, size_t len, struct buf *out, void *arg);
int db_sketch_merge(struct db *db, const char *day, db_merge_fn fn, void *arg);
/* For /api/health: 0 when the database answers a read through the open
 * connection and (SQLite) its path still names that file, readable and
 * writable by this process, or (PostgreSQL) the server is a primary, not a
 * read-only standby; -1 with a short reason (a string literal) in *why.
 * Needs a database opened for writing (hhd-fcgi's). */
int db_health(struct db *db, const char **why);

/* Open a batch: one write transaction (BEGIN IMMEDIATE, synchronous=NORMAL)
 * for the db_hit_add() calls until db_batch_commit(). 0 (also when one is
 * already open), or -1 when it cannot be opened (db_errmsg() says why).
 * No db_contact_add() while a batch is open: it fails (DB_FAILED), since
 * it needs synchronous=FULL and a transaction of its own. */
int db_batch_begin(struct db *db);
/* Whether a batch is open. */
int db_batch_open(const struct db *db);
/* Commit the open batch; 0 when none is open. On failure (-1, the reason
 * in err) nothing written in the batch is stored and no transaction is
 * left open. */
int db_batch_commit(struct db *db, char *err, size_t errsz);

/* The digest that identifies duplicates: BLAKE2b over every field, each
 * length-prefixed so field boundaries cannot shift. */
void db_contact_digest(const struct contact *c, unsigned char out[DB_DIGEST_BYTES]);

/* hhd-admin's reads. A row is only valid inside the callback; its columns
 * are read by name (a name the query does not have aborts: a bug). The
 * callback returns 0 to go on, or a value that stops the walk and becomes
 * the function's result. The functions return 0 after the last row, that
 * value, or -1 on a database error (db_errmsg() says which). */
struct db_row;
typedef int (*db_row_fn)(const struct db_row *row, void *arg);
const char *db_text(const struct db_row *row, const char *col);  /* "" for NULL */
long long db_int(const struct db_row *row, const char *col);
int db_null(const struct db_row *row, const char *col);
const void *db_blob(const struct db_row *row, const char *col, size_t *len);  /* NULL for NULL */

/* Submissions, with the columns id, created (unix time), done (unix time,
 * NULL while open), lang, incident, node, name, company, email, phone,
 * message, sealed (a blob, NULL for a row stored in plaintext; when
 * present the five personal columns are ''), urgency (urgency_names[]) and
 * notified (unix time mailed to the helpdesk, NULL while not). */
enum db_contacts {
	DB_CONTACTS_OPEN,     /* not done, acute first, then oldest first: the work queue */
	DB_CONTACTS_UNNOTIFIED, /* not done and not yet notified, oldest first */
	DB_CONTACTS_ALL,      /* newest first */
	DB_CONTACTS_EXPORT,   /* all, oldest first */
};
int db_contacts(struct db *db, enum db_contacts which, db_row_fn fn, void *arg);
/* The submission `id` (the same columns): 1 when found, 0 when not, -1. */
int db_contact_get(struct db *db, long long id, db_row_fn fn, void *arg);
/* Mark submission `id` done at `now`: 1, 0 when there is no open one, -1. */
int db_contact_done(struct db *db, long long id, time_t now);
/* Mark the submissions ids[0..n) as notified at `now`, in one transaction
 * (after sendmail took them): how many were marked (those already marked
 * are left as they are), or -1 with nothing marked. */
long long db_contact_notified(struct db *db, const long long *ids, size_t n, time_t now);
/* Delete the submissions created at or before `before` that are done, and
 * with `open` the open ones too: how many, or -1. */
long long db_contact_purge(struct db *db, time_t before, int open);
/* The rows db_contact_purge() would delete, oldest first, with the columns
 * id, created, done, lang, incident and node (nothing personal). */
int db_contact_purgeable(struct db *db, time_t before, int open, db_row_fn fn, void *arg);
/* Seal an old plaintext row: store `blob` and empty its personal columns
 * (secure_delete zeroes the old text; checkpoint after). 1, 0 when there is
 * no unsealed row `id`, or -1. */
int db_contact_set_sealed(struct db *db, long long id, const void *blob, size_t len);
/* Move everything out of the write-ahead log and truncate it (after a
 * purge, so deleted text leaves the log too). 0, or -1 when incomplete.
 * PostgreSQL: a no-op (VACUUM is the server's; see deploy.md). */
int db_checkpoint(struct db *db);
/* Copy the database to a new file `file` (mode 0600, written beside it and
 * renamed), safe while hhd-fcgi writes. 0, -1 (reason in err) or -2 when
 * the name is too long. An existing `file` is never overwritten.
 * PostgreSQL: -1, "use pg_dump". */
int db_backup(struct db *db, const char *file, char *err, size_t errsz);

/* The counters between two days (YYYY-MM-DD, inclusive), for the stats
 * report. Columns per report:
 *   DB_REPORT_DAYS      day, event, n: one row per day and event
 *   DB_REPORT_PLANS     path, view, outcome, yes, no: pages with an outcome
 *                       or an answer, most reached first (at most 1000)
 *   DB_REPORT_PARTNERS  via, hits, views: per partner code, most first
 *                       (at most 1000)
 *   DB_REPORT_HELP      path, n: where the help button was pressed most (20)
 *   DB_REPORT_VISITORS  day, sketch: the unique-visitor sketch per day
 *   DB_REPORT_PATHS     path, event, n: every page's count per event, by
 *                       path (at most 200000 rows: the manifest's pages
 *                       times the events) */
enum db_report { DB_REPORT_DAYS, DB_REPORT_PLANS, DB_REPORT_PARTNERS, DB_REPORT_HELP, DB_REPORT_VISITORS,
	DB_REPORT_PATHS, DB_REPORT__MAX };
int db_report(struct db *db, enum db_report report, const char *from, const char *to, db_row_fn fn, void *arg);

/* "YYYY-MM-DD" of `now` in local time (set TZ for the service). */
void db_day(time_t now, char out[11]);

#endif
