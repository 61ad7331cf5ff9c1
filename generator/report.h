/* report.h: `hhd check --report`: translation state per language. */
#ifndef HHD_REPORT_H
#define HHD_REPORT_H

#include "buf.h"
#include "model.h"

/* Per language and kind: translated, falling back, reviewed earlier than the
 * default language; with the items that are not translated or older. */
void report_translations(const struct model *m, struct buf *out);
/* The same as one self-contained HTML page for the editors. */
void report_translations_html(const struct model *m, struct buf *out);

#endif
