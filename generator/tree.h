/* tree.h: decision trees, content/<lang>/trees/<id>.yaml. */
#ifndef HHD_TREE_H
#define HHD_TREE_H

#include "model.h"

/* Parse the tree `id` in language `lang` from src[0..len) (a whole file,
 * already checked for size and UTF-8); `path` is borrowed for positions.
 * Reports every problem; returns the tree (possibly incomplete, in m's
 * arena) or NULL when nothing usable could be read. */
struct tree *tree_parse(struct model *m, const char *src, size_t len, const char *path, const char *id,
			int lang, struct diags *d);
struct tree *tree_find(const struct model *m, const char *id, int lang);
struct node *tree_node(const struct tree *t, const char *id);
/* " (did you mean 'ID'?)" for a tree id typed for language `lang`, into
 * out[0..outsz), or "" (lib/suggest.h). */
const char *tree_hint(const struct model *m, int lang, const char *typed, char *out, size_t outsz);

#endif
