/* scaffold.h: the files `hhd new tip|tree|page NAME` writes, ready to fill in.
 *
 * Every text an editor must still write is a string starting "TODO: "
 * followed by what to write; schema_str() warns about each one
 * (D_PLACEHOLDER), so `hhd check` passes with warnings that point at them.
 * Trees get the same node ids in every language, as translations must. */
#ifndef HHD_SCAFFOLD_H
#define HHD_SCAFFOLD_H

#include "buf.h"

enum scaffold_kind { SCAFFOLD_TIP, SCAFFOLD_TREE, SCAFFOLD_PAGE, SCAFFOLD__MAX };

/* "tip", "tree" or "page" to a kind; -1 for anything else. */
int scaffold_kind(const char *name);
/* The file's path under the content folder: "LANG/tips/NAME.md" and so on. */
void scaffold_path(enum scaffold_kind k, const char *lang, const char *name, struct buf *out);
/* The file's text, in Dutch for "nl" and English otherwise; `date` (YYYY-MM-DD)
 * goes into `reviewed`. */
void scaffold_text(enum scaffold_kind k, const char *lang, const char *date, struct buf *out);

#endif
