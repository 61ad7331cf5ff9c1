/* theme.h: a theme folder: Mustache templates, UI strings, assets.
 *
 *   themes/NAME/templates/NAME.mustache  layouts and partials, by file name
 *   themes/NAME/i18n/<lang>.yaml       the theme's own words, per language
 *   themes/NAME/assets/FILE            CSS, JS, images: written to /assets/
 *                                      with a content hash in the name
 */
#ifndef HHD_THEME_H
#define HHD_THEME_H

#include "buf.h"
#include "cache.h"
#include "model.h"
#include "mustache.h"
#include "value.h"

struct asset {
	const char *name;     /* site.css */
	const char *key;      /* site_css: the name templates use */
	const char *url;      /* /assets/site.1a2b3c4d.css */
	struct buf data;
};

struct theme {
	const char *dir;
	struct mustache_set *tpl;
	struct val *strings[HHD_MAX_LANGS]; /* i18n maps per site language */
	struct asset *assets;
	size_t nassets;
	struct val *asset_urls;             /* key -> url, for templates */
	struct cache_key tpl_digest;        /* every template's name and source (memo.h) */
};

/* Load the theme for the site's languages; reports every problem. 0 or -1. */
int theme_load(struct theme *t, const char *dir, struct model *m, struct diags *d);
/* The theme folder when none is given: the first that exists of
 * themes/default (in the working folder), themes/default beside the
 * content folder, and the installed default (HHD_THEME_INSTALLED); the
 * first when none does (its absence is then reported by theme_load).
 * The result is a literal or written to buf. */
const char *theme_default_dir(const char *content, char *buf, size_t n);
void theme_free(struct theme *t);

#endif
