/* admin.h: what hhd-admin's commands share with its stats report. */
#ifndef HHD_ADMIN_H
#define HHD_ADMIN_H

#include <stdio.h>

#include "buf.h"
#include "db.h"

enum stats_format { STATS_TEXT, STATS_CSV, STATS_JSON, STATS_HTML };

/* Build the report for days from..to (YYYY-MM-DD, inclusive) into out.
 * 0, or -1 with a message on stderr. */
int stats_report(struct db *db, const char *from, const char *to, enum stats_format fmt, struct buf *out);

/* Whether s is a real calendar date written YYYY-MM-DD. */
int stats_date_ok(const char *s);
/* The date `days` days after (or before, negative) `date`, into out[11]. */
void stats_date_add(const char *date, int days, char out[11]);

/* Append s with C0/C1 controls, DEL and the bidi controls shown as \xNN
 * (LF and TAB kept when `multiline`): safe to print on a terminal. */
void admin_safe(struct buf *out, const char *s, int multiline);
/* Append s as one CSV cell (RFC 4180 quoting). A cell starting with = + -
 * @ TAB or CR gets a leading ' so spreadsheets never run it as a formula. */
void admin_csv_cell(struct buf *out, const char *s);

#endif
