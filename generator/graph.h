/* graph.h: a decision tree as Graphviz DOT, for editors reviewing a flow. */
#ifndef HHD_GRAPH_H
#define HHD_GRAPH_H

#include <stdio.h>
#include "buf.h"
#include "model.h"

/* DOT text of tree `t` (pure). */
void graph_dot(const struct model *m, const struct tree *t, struct buf *out);
/* Print tree `id` in language `lang` (NULL: the default) to stdout, or as
 * SVG through dot(1) when `svg`. Returns an exit status. */
int graph_print(const struct model *m, const char *id, const char *lang, int svg, struct diags *d);

#endif
