/* db.c: the engine-neutral part of the storage module (see db.h): which
 * engine a target names, the duplicate digest, the day, and the public
 * functions, each passing on to the engine's (db_engine.h) with the
 * statement's name and parameters. SQL lives in db_sqlite.c and db_pg.c. */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db_engine.h"
#include "db_test.h"
#include "manifest.h"

int db_is_uri(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

int db_target_read(const char *file, char *out, size_t outsz, char *err, size_t errsz)
{
	FILE *f = fopen(file, "re");
	size_t n;

	if (!f) {
		snprintf(err, errsz, "cannot read '%s': %s", file, strerror(errno));
		return -1;
	}
	n = fread(out, 1, outsz, f);
	fclose(f);
	if (n == outsz) {
		snprintf(err, errsz, "'%s' is longer than %zu bytes", file, outsz - 1);
		return -1;
	}
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!*out) {
		snprintf(err, errsz, "'%s' is empty", file);
		return -1;
	}
	return 0;
}

struct db *db_open(const char *target, unsigned flags, char *err, size_t errsz)
{
	const struct db_engine *e = db_is_uri(target) ? &db_pg_engine : &db_sqlite_engine;

	return e->open(target, flags, err, errsz);
}

const char *db_engine_name(const struct db *db)
{
	return db->e->name;
}

void db_close(struct db *db)
{
	if (db)
		db->e->close(db);
}

const char *db_errmsg(struct db *db)
{
	return db->err[0] ? db->err : db->e->errmsg(db);
}

int db_set_sync(struct db *db, const char *level, char *err, size_t errsz)
{
	return db->e->set_sync(db, level, err, errsz);
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

	db_contact_digest(c, dg);
	db->err[0] = '\0';
	/* a submission's commit has its own durability: never inside a batch */
	if (db->batch) {
		snprintf(db->err, sizeof db->err, "a batch of hits is open");
		return DB_FAILED;
	}
	return db->e->contact_add(db, c, dg, now, id);
}

int db_hit_add(struct db *db, const char *day, const char *path, const char *event, const char *via)
{
	db->err[0] = '\0';
	return db->e->hit_add(db, day, path, event, via ? via : "");
}

int db_sketch_get(struct db *db, const char *day, struct buf *out)
{
	db->err[0] = '\0';
	return db->e->sketch_get(db, day, out);
}

int db_sketch_merge(struct db *db, const char *day, db_merge_fn fn, void *arg)
{
	db->err[0] = '\0';
	return db->e->sketch_merge(db, day, fn, arg);
}

int db_health(struct db *db, const char **why)
{
	return db->e->health(db, why);
}

int db_batch_begin(struct db *db)
{
	if (db->batch)
		return 0;
	db->err[0] = '\0';
	if (db->e->batch_begin(db) < 0)
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
	return db->e->batch_commit(db, err, errsz);
}

const char *db_text(const struct db_row *row, const char *col)
{
	return row->e->text(row, col);
}

long long db_int(const struct db_row *row, const char *col)
{
	return row->e->num(row, col);
}

int db_null(const struct db_row *row, const char *col)
{
	return row->e->null(row, col);
}

const void *db_blob(const struct db_row *row, const char *col, size_t *len)
{
	return row->e->blob(row, col, len);
}

/* hhd-admin's reads and maintenance: a statement and its parameters. */

static struct db_param S_num(long long v)
{
	struct db_param p = { DB_PNUM, v, NULL, NULL, 0 };

	return p;
}

static struct db_param S_text(const char *s)
{
	struct db_param p = { DB_PTEXT, 0, s, NULL, 0 };

	return p;
}

static int S_query(struct db *db, enum db_sql s, const struct db_param *p, int np, db_row_fn fn, void *arg,
	long long *changes)
{
	db->err[0] = '\0';
	return db->e->query(db, s, p, np, fn, arg, changes);
}

int db_contacts(struct db *db, enum db_contacts which, db_row_fn fn, void *arg)
{
	static const enum db_sql sql[] = {
		[DB_CONTACTS_OPEN] = SQL_CONTACTS_OPEN,
		[DB_CONTACTS_UNNOTIFIED] = SQL_CONTACTS_UNNOTIFIED,
		[DB_CONTACTS_ALL] = SQL_CONTACTS_ALL,
		[DB_CONTACTS_EXPORT] = SQL_CONTACTS_EXPORT,
	};
	/* the work queue: acute first, then oldest first */
	struct db_param acute[] = { S_text(urgency_names[URG_ACUTE]) };

	if (which == DB_CONTACTS_OPEN)
		return S_query(db, sql[which], acute, 1, fn, arg, NULL);
	return S_query(db, sql[which], NULL, 0, fn, arg, NULL);
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
	struct db_param p[] = { S_num(id) };
	struct first f = { fn, arg };

	return S_query(db, SQL_CONTACT_GET, p, 1, S_first, &f, NULL);
}

int db_contact_done(struct db *db, long long id, time_t now)
{
	struct db_param p[] = { S_num(id), S_num((long long)now) };
	long long n = 0;

	if (S_query(db, SQL_CONTACT_DONE, p, 2, NULL, NULL, &n) < 0)
		return -1;
	return n > 0;
}

long long db_contact_notified(struct db *db, const long long *ids, size_t n, time_t now)
{
	long long marked = 0, changed;
	char err[256];
	size_t i;

	if (db_batch_begin(db) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct db_param p[] = { S_num(ids[i]), S_num((long long)now) };
		changed = 0;
		if (S_query(db, SQL_CONTACT_NOTIFIED, p, 2, NULL, NULL, &changed) < 0) {
			db_batch_commit(db, err, sizeof err); /* ends the transaction; -1 says it went wrong */
			return -1;
		}
		marked += changed;
	}
	if (db_batch_commit(db, err, sizeof err) < 0) {
		snprintf(db->err, sizeof db->err, "%s", err);
		return -1;
	}
	return marked;
}

int db_contact_purgeable(struct db *db, time_t before, int open, db_row_fn fn, void *arg)
{
	struct db_param p[] = { S_num((long long)before), S_num(open != 0) };

	return S_query(db, SQL_PURGEABLE, p, 2, fn, arg, NULL);
}

long long db_contact_purge(struct db *db, time_t before, int open)
{
	struct db_param p[] = { S_num((long long)before), S_num(open != 0) };
	long long n = 0;

	if (S_query(db, SQL_PURGE, p, 2, NULL, NULL, &n) < 0)
		return -1;
	return n;
}

int db_contact_set_sealed(struct db *db, long long id, const void *blob, size_t len)
{
	struct db_param p[] = { S_num(id), { DB_PBLOB, 0, NULL, blob, len } };
	long long n = 0;

	if (S_query(db, SQL_SET_SEALED, p, 2, NULL, NULL, &n) < 0)
		return -1;
	return n > 0;
}

int db_checkpoint(struct db *db)
{
	db->err[0] = '\0';
	return db->e->checkpoint(db);
}

int db_backup(struct db *db, const char *file, char *err, size_t errsz)
{
	return db->e->backup(db, file, err, errsz);
}

int db_report(struct db *db, enum db_report report, const char *from, const char *to, db_row_fn fn, void *arg)
{
	struct db_param p[] = { S_text(from), S_text(to) };

	return S_query(db, (enum db_sql)(SQL_REPORT_DAYS + report), p, 2, fn, arg, NULL);
}

void db_day(time_t now, char out[11])
{
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

/* The unit tests' door (db_test.h). */

long long db_test_int(struct db *db, const char *sql)
{
	return db->e->test_int(db, sql);
}

int db_test_exec(struct db *db, const char *sql)
{
	return db->e->test_exec(db, sql);
}
