/* contact.h: POST /api/contact, the contact form.
 *
 * The form (rendered by the theme) posts these fields, all of them
 * application/x-www-form-urlencoded, UTF-8:
 *   lang      the page's language; it must have a `thanks` page in the manifest
 *   incident  decision-tree id the visitor came from, or empty
 *   node      node id in that tree, or empty (both empty, or both present
 *             as a pair in the manifest)
 *   name, company          optional, one line each
 *   email, phone           at least one of them, each syntactically checked
 *   message   required, multi-line
 *   consent   required: "yes" (a checkbox with value="yes"; "on" is accepted)
 *   website   the honeypot: hidden from people, must stay empty. When it is
 *             filled the reply is the normal success, but nothing is stored.
 * Any other field, or any field given twice, refuses the whole form (400).
 *
 * Replies: 303 to the language's thanks page (JSON clients: 200 with
 * {"ok":true,"redirect":PATH}); 422 with a page in the visitor's language
 * listing each problem (JSON: {"ok":false,"errors":{field:{code,message}}});
 * 400, 405, 411, 413, 415, 429 and 503 as their names say. */
#ifndef HHD_CONTACT_H
#define HHD_CONTACT_H

#include "db.h"
#include "form.h"
#include "http.h"
#include "formlimits.h"
#include "siteindex.h"

struct app;

/* Field limits in code points; the encoded body is bounded by FORM_MAX_BODY. */
#define CONTACT_MAX_LANG 16
#define CONTACT_MAX_ID 64          /* incident and node */
/* The fields a visitor types: lib/formlimits.h, shared with the form's maxlength. */
#define CONTACT_MAX_NAME LIMIT_CONTACT_NAME          /* name and company */
#define CONTACT_MAX_EMAIL LIMIT_CONTACT_EMAIL
#define CONTACT_MAX_PHONE LIMIT_CONTACT_PHONE
#define CONTACT_MAX_MESSAGE LIMIT_CONTACT_MESSAGE
#define CONTACT_MAX_CONSENT 8
#define CONTACT_MAX_HONEYPOT 512

enum contact_field {
	CF_LANG, CF_INCIDENT, CF_NODE, CF_NAME, CF_COMPANY, CF_EMAIL, CF_PHONE,
	CF_MESSAGE, CF_CONSENT, CF_WEBSITE, CF__MAX
};

enum contact_err {
	CE_NONE = 0,
	CE_REQUIRED,     /* message */
	CE_CONSENT,      /* consent not given */
	CE_INVALID,      /* lang, incident/node: not in the site */
	CE_EMAIL,        /* not an e-mail address */
	CE_PHONE,        /* not a phone number */
	CE_REACH,        /* neither e-mail nor phone */
	CE_TOO_LONG,
	CE_UTF8,
	CE_CONTROL,
	CE__MAX
};

extern const struct form_field contact_fields[CF__MAX];

/* Check parsed values against the manifest. Fills `out` (strings borrowed
 * from vals, trimmed) and errs[field]; returns the number of errors. */
int contact_validate(const struct siteindex *m, struct form_value vals[CF__MAX],
	struct contact *out, enum contact_err errs[CF__MAX]);

int contact_email_ok(const char *s);
int contact_phone_ok(const char *s);
/* "nl", "en": the compiled string set for a language (others get "en"). */
const char *contact_ui_lang(const char *lang);
const char *contact_err_code(enum contact_err e);

/* Answer a POST to /api/contact (app.c has checked the method). */
void contact_handle(struct app *app, struct req *rq, struct reply *rp);

#endif
