/* render_files.h: the site-wide files of a render (render_files.c). */
#ifndef HHD_RENDER_FILES_H
#define HHD_RENDER_FILES_H

#include "render_page.h"
#include "write.h"

/* Write root, 404s, robots.txt, sitemap, manifest and assets; `js` is the
 * page job list, in order. 0, or -1 after reporting. */
int render_files_write(const struct render_ctx *c, struct writer *w, const struct render_jobs *js, struct diags *d);

#endif
