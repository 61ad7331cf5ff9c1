/* org.h: the organisations directory, content/orgs.yaml. */
#ifndef HHD_ORG_H
#define HHD_ORG_H

#include "model.h"

/* Parse orgs.yaml from src[0..len) (the whole file, already checked for
 * size and UTF-8) into m->orgs; `path` is borrowed for positions. Reports
 * every problem; organisations that cannot be read are left out. */
void orgs_parse(struct model *m, const char *src, size_t len, const char *path, struct diags *d);
const struct org *org_find(const struct model *m, const char *id);

#endif
