/* db_test.h: the unit tests' way into a struct db, to inject faults (a
 * full disk, a failing commit) and to look at what was stored. No fcgi/
 * file outside the storage module (db.c, db_sqlite.c, db_pg.c) includes
 * it, and it includes no fcgi/ header: unit.test_fcgi_layering checks the
 * first. */
#ifndef HHD_DB_TEST_H
#define HHD_DB_TEST_H

struct db;
struct sqlite3;

/* SQLite only: the connection (NULL for a PostgreSQL one). */
struct sqlite3 *db_test_handle(struct db *db);
/* Either engine: the first column of the first row of `sql` as a number
 * (-1 when there is none or the query fails), or run `sql` (0 or -1). */
long long db_test_int(struct db *db, const char *sql);
int db_test_exec(struct db *db, const char *sql);

#endif
