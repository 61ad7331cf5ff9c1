/* export.h: escaping submitted text for hhd-admin's terminal and CSV
 * output (see export.c). */
#ifndef HHD_EXPORT_H
#define HHD_EXPORT_H

#include "buf.h"

/* Append s with C0/C1 controls, DEL and the bidi controls shown as \xNN
 * (LF and TAB kept when `multiline`): safe to print on a terminal. */
void export_safe(struct buf *out, const char *s, int multiline);
/* Append s as one CSV cell (RFC 4180 quoting). A cell starting with = + -
 * @ TAB or CR gets a leading ' so spreadsheets never run it as a formula. */
void export_csv_cell(struct buf *out, const char *s);
/* Append how long something has waited, in words a person reads at a
 * glance: "12 min" under an hour, "3 h 20 min" (or "3 h") under a day,
 * "2 d 5 h" (or "2 d") from a day on. Negative counts as 0. */
void export_waited(struct buf *out, long long seconds);

#endif
