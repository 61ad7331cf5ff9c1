/* mustache.h: a Mustache template engine (spec v1.3: interpolation,
 * sections, inverted sections, comments, partials, set delimiters and
 * inheritance with {{<parent}} and {{$block}}; no lambdas, no dynamic names).
 *
 * Templates are compiled once and rendered many times; rendering is pure
 * (no I/O, no global state) and thread-safe for a shared, compiled set.
 * {{name}} is HTML-escaped; {{{name}}} and {{&name}} are not.
 *
 * Falsey for sections: a missing name, null, false, "" and the empty list
 * (val_truthy); everything else, an empty map included, is truthy. A bool
 * interpolates as "true" or "false", a list or map as nothing. */
#ifndef HHD_MUSTACHE_H
#define HHD_MUSTACHE_H

#include <stddef.h>
#include "buf.h"
#include "diag.h"
#include "value.h"

/* Limits, each named and tested at and past its edge. */
#define MUSTACHE_MAX_DEPTH 64        /* nested sections, partials, parents and blocks while rendering */
#define MUSTACHE_MAX_TEMPLATE (1u << 20) /* bytes of one template source */
/* Bounds on one render, so that work that grows exponentially (30 nested
 * loops over a list of two, a partial included twice at each of 60 levels)
 * stops instead of running for hours. */
#define MUSTACHE_MAX_STEPS (1u << 24)  /* tags and text pieces visited */
#define MUSTACHE_MAX_OUTPUT (1u << 26) /* bytes appended to the output */

/* What mustache_render() returns: 0, or the limit it stopped at. */
enum mustache_status {
	MUSTACHE_OK = 0,
	MUSTACHE_TOO_DEEP = -1,  /* MUSTACHE_MAX_DEPTH */
	MUSTACHE_TOO_LONG = -2,  /* MUSTACHE_MAX_STEPS */
	MUSTACHE_TOO_BIG = -3,   /* MUSTACHE_MAX_OUTPUT */
};

struct mustache;      /* one compiled template */
struct mustache_set;  /* named templates, resolving partials and parents by name */

struct mustache_set *mustache_set_new(void);
void mustache_set_free(struct mustache_set *set);
/* Compile `src` under `name` (e.g. "page" for page.mustache) into the set.
 * `path` is the file name used in diagnostics (may equal name). Syntax
 * errors are reported to `d` with line and column; returns 0 or -1. */
int mustache_add(struct mustache_set *set, const char *name, const char *path,
		 const char *src, size_t len, struct diags *d);
const struct mustache *mustache_get(const struct mustache_set *set, const char *name);
/* Report every {{>partial}} and {{<parent}} naming a template that is not in
 * the set (a missing partial renders as empty, per the spec, but a theme
 * should not ship one). Returns the number reported. */
int mustache_check(const struct mustache_set *set, struct diags *d);
/* Render `t` with the context stack starting at `ctx`, appending to `out`.
 * Partials and parents are looked up in `set`. Returns 0, or -1 when the
 * render went deeper than MUSTACHE_MAX_DEPTH, -2 or -3 when it passed
 * MUSTACHE_MAX_STEPS or MUSTACHE_MAX_OUTPUT (enum mustache_status); the
 * output is then incomplete. */
int mustache_render(const struct mustache_set *set, const struct mustache *t,
		    const struct val *ctx, struct buf *out);

#endif
