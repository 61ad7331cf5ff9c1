/* site.h: loading content/site.yaml. */
#ifndef HHD_SITE_H
#define HHD_SITE_H

#include "model.h"
#include "ydoc.h"

/* Fill m->site from the parsed site.yaml `root`. Returns 0 or -1 (reported). */
int site_load(struct model *m, const char *path, const struct ynode *root, struct diags *d);
/* Index of language `code`, or -1. */
int site_lang(const struct site *s, const char *code);

#endif
