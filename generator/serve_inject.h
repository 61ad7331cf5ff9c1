/* serve_inject.h: what `hhd serve` adds to the HTML pages it serves, in
 * memory only: files on disk, and so the published site, never carry it.
 *
 *   - before the last </body>: <script src="/__hhd/reload.js" data-hhd-gen="N">,
 *     the live-reload client (N: the build generation the page belongs to);
 *   - right after <body ...>, when the last rebuild failed: a panel listing
 *     each diagnostic (HTML-escaped), above the last good version of the page;
 *   - right after <body ...>, when the page is a draft: a "concept" banner.
 *
 * The draft marker (agreed with the generator): the page's <head> holds
 *     <meta name="hhd-draft" content="">
 * exactly so spelled (attribute value in double quotes; case of the tag and
 * attribute names does not matter). Templates emit it only for drafts, and
 * only drafts built for the preview exist.
 *
 * The panel and banner speak the page's language (<html lang="en..."> gives
 * English, anything else Dutch). Their styles are a separate stylesheet,
 * /__hhd/preview.css, and the script a separate file, so the site's
 * Content-Security-Policy (script-src 'self'; style-src 'self') holds. */
#ifndef HHD_SERVE_INJECT_H
#define HHD_SERVE_INJECT_H

#include <stddef.h>
#include "buf.h"

#define SERVE_PANEL_MAX_DIAGS 50   /* diagnostics listed in the panel; the rest are counted */

enum serve_lang { SERVE_LANG_NL, SERVE_LANG_EN, SERVE_LANG__MAX };

struct serve_inject {
	unsigned long gen;        /* the build generation the page belongs to */
	const char *diags;        /* the failed build's diagnostics, one per line; NULL: it passed */
};

/* Append `html` to `out` with the additions above. */
void serve_inject_html(struct buf *out, const char *html, size_t len, const struct serve_inject *in);
int serve_html_is_draft(const char *html, size_t len);
enum serve_lang serve_html_lang(const char *html, size_t len);
/* The page /api/ answers (503) when no hhd-fcgi socket was given. */
void serve_api_off_page(struct buf *out);

extern const char serve_reload_js[];
extern const char serve_preview_css[];

#endif
