/* validate.h: cross-checks over the whole loaded site.
 *
 * Works out each page's URL and the links between pages, trees and
 * organisations (the "derived" fields of model.h), then reports every
 * problem: duplicate URLs, broken links, colliding aliases, tree structure,
 * translations and the referral policy. Rendering only sees a model that
 * passed validation. */
#ifndef HHD_VALIDATE_H
#define HHD_VALIDATE_H

#include "model.h"
#include "theme.h"

void validate_site(struct model *m, struct diags *d);
/* The "ask the helpdesk" page of every outcome (node->ask_url): its slug is
 * the theme's ask_slug string, so this runs once the theme is loaded. */
void validate_ask_urls(struct model *m, const struct theme *t);
/* A page of the given layout ("contact", "thanks", ...) in `lang`, or NULL. */
const struct page *page_with_layout(const struct model *m, int lang, enum layout layout);
/* A tip by id in `lang`, falling back to the default language. */
const struct page *tip_find(const struct model *m, const char *id, int lang);

#endif
