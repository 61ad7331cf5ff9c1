/* db_engine.h: what db.c asks of a storage engine. Private to the storage
 * module: db.c (the engine-neutral part and the dispatch), db_sqlite.c
 * (SQLite, the embedded default) and db_pg.c (PostgreSQL through libpq).
 * No other fcgi/ file includes it (unit.test_fcgi_layering checks).
 *
 * Every data statement has one name here (enum db_sql) and one row in each
 * engine's table (sqlite_sql[] in db_sqlite.c, pg_sql[] in db_pg.c), with
 * the same parameters in the same order: a new statement is one enum name
 * and one row in each table. Control statements (BEGIN, PRAGMA, set_config)
 * stay private to their engine.
 *
 * Include it after db.h: it includes no fcgi/ header itself, so db.c
 * (which includes it) and this header are no loop for scripts/check-layers. */
#ifndef HHD_DB_ENGINE_H
#define HHD_DB_ENGINE_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

enum db_sql {
	/* the request loop, prepared once at open (and after a reconnect) */
	SQL_DUP,              /* digest, since -> id */
	SQL_INSERT,           /* created, lang, incident, node, name, company, email, phone, message,
	                         digest, sealed, urgency -> id */
	SQL_HIT,              /* day, path, event, via, n: add n */
	SQL_SKETCH_GET,       /* day -> sketch */
	SQL_SKETCH_LOCK,      /* day -> sketch, locked until the transaction ends */
	SQL_SKETCH_PUT,       /* day, sketch */
	SQL_HEALTH,           /* -> version */
	/* hhd-admin */
	SQL_CONTACTS_OPEN,    /* the urgency that goes first (urgency_names[URG_ACUTE]) */
	SQL_CONTACTS_UNNOTIFIED,
	SQL_CONTACTS_ALL,
	SQL_CONTACTS_EXPORT,
	SQL_CONTACT_GET,      /* id */
	SQL_CONTACT_DONE,     /* id, now */
	SQL_PURGEABLE,        /* before, open */
	SQL_PURGE,            /* before, open */
	SQL_SET_SEALED,       /* id, sealed */
	SQL_CONTACT_NOTIFIED, /* id, now */
	SQL_REPORT_DAYS,      /* from, to (these six in enum db_report's order) */
	SQL_REPORT_PLANS,
	SQL_REPORT_PARTNERS,
	SQL_REPORT_HELP,
	SQL_REPORT_VISITORS,
	SQL_REPORT_PATHS,
	SQL__MAX
};

#define SQL_FIRST_PREPARED SQL_DUP
#define SQL_LAST_PREPARED SQL_HEALTH

/* The columns every submission read returns. */
#define DB_CONTACT_COLUMNS "id, created, done, lang, incident, node, name, company, email, phone, message, sealed," \
	" urgency, notified"

/* A parameter: a number, text, or a blob (NULL ptr: SQL NULL). */
enum db_ptype { DB_PNUM, DB_PTEXT, DB_PBLOB };

struct db_param {
	enum db_ptype type;
	long long num;
	const char *text;
	const void *blob;
	size_t len;
};

/* The part of a connection db.c sees; each engine's struct starts with it. */
struct db {
	const struct db_engine *e;
	int batch;        /* db_batch_begin() opened a transaction not yet ended */
	char err[256];    /* why the last call failed (cleanup after it may succeed) */
};

/* And of a row. */
struct db_row {
	const struct db_engine *e;
};

struct db_engine {
	const char *name;
	struct db *(*open)(const char *target, unsigned flags, char *err, size_t errsz);
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*set_sync)(struct db *db, const char *level, char *err, size_t errsz);
	/* dg: db_contact_digest(c) */
	enum db_add (*contact_add)(struct db *db, const struct contact *c, const unsigned char *dg, time_t now,
		long long *id);
	int (*hit_add)(struct db *db, const char *day, const char *path, const char *event, const char *via);
	int (*sketch_get)(struct db *db, const char *day, struct buf *out);
	int (*sketch_merge)(struct db *db, const char *day, db_merge_fn fn, void *arg);
	int (*health)(struct db *db, const char **why);
	int (*batch_begin)(struct db *db);
	int (*batch_commit)(struct db *db, char *err, size_t errsz);
	/* run statement s with p[0..np-1]: rows to fn (may be NULL) as in
	 * db_contacts(); *changes (may be NULL) how many rows it changed */
	int (*query)(struct db *db, enum db_sql s, const struct db_param *p, int np, db_row_fn fn, void *arg,
		long long *changes);
	int (*checkpoint)(struct db *db);
	int (*backup)(struct db *db, const char *file, char *err, size_t errsz);
	const char *(*text)(const struct db_row *row, const char *col);
	long long (*num)(const struct db_row *row, const char *col);
	int (*null)(const struct db_row *row, const char *col);
	const void *(*blob)(const struct db_row *row, const char *col, size_t *len);
	/* the unit tests' door (db_test.h): one number from raw SQL, or run it */
	long long (*test_int)(struct db *db, const char *sql);
	int (*test_exec)(struct db *db, const char *sql);
};

extern const struct db_engine db_sqlite_engine;
extern const struct db_engine db_pg_engine;

#endif
