/* db_test.h: the unit tests' way into a struct db's SQLite connection, to
 * inject faults (a full disk, a failing commit) and to look at what was
 * stored. No program file includes it: the fcgi.layering test checks. */
#ifndef HHD_DB_TEST_H
#define HHD_DB_TEST_H

#include <sqlite3.h>

#include "db.h"

sqlite3 *db_test_handle(struct db *db);

#endif
