/* db_test.h: the unit tests' way into a struct db's SQLite connection, to
 * inject faults (a full disk, a failing commit) and to look at what was
 * stored. No fcgi/ file but db.c (which defines it) includes it, and it
 * includes no fcgi/ header: unit.test_fcgi_layering checks the first. */
#ifndef HHD_DB_TEST_H
#define HHD_DB_TEST_H

#include <sqlite3.h>

struct db;

sqlite3 *db_test_handle(struct db *db);

#endif
