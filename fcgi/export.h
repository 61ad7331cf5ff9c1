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

#endif
