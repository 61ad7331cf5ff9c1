/* org.h: the organisations directory, content/orgs.yaml. */
#ifndef HHD_ORG_H
#define HHD_ORG_H

#include "model.h"

/* Load orgs.yaml when present (an absent file means no organisations). */
void orgs_load(struct model *m, const char *path, struct diags *d);
const struct org *org_find(const struct model *m, const char *id);

#endif
