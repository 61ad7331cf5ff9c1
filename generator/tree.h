/* tree.h: decision trees, content/<lang>/trees/<id>.yaml. */
#ifndef HHD_TREE_H
#define HHD_TREE_H

#include "model.h"

/* Load every tree in `dir` (absent folder: none). */
void trees_load_dir(struct model *m, const char *dir, int lang, struct diags *d);
struct tree *tree_find(const struct model *m, const char *id, int lang);
struct node *tree_node(const struct tree *t, const char *id);

#endif
