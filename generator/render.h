/* render.h: model + theme -> pages, written through a writer.
 *
 * Each page is rendered by a pure function of the validated model and the
 * compiled templates into a buffer; the driver hands the bytes to the
 * writer. Pages are rendered on `jobs` threads; the output does not depend
 * on the number of threads (no timestamps, sorted walks). */
#ifndef HHD_RENDER_H
#define HHD_RENDER_H

#include "model.h"
#include "theme.h"
#include "write.h"

/* Render and write the whole site. `m` has passed validate_site() and
 * validate_ask_urls(); it is only read. Returns the number of files written, or
 * -1 after reporting errors. */
long render_site(const struct model *m, const struct theme *t, struct writer *w, int jobs, struct diags *d);

#endif
