/* formlimits.h: the contact form's field limits, one definition for both programs.
 *
 * hhd-fcgi refuses a longer value (422) and the generator writes the same
 * numbers into the form as maxlength (the theme reads them as
 * {{form.max.message}} and so on), so a visitor who types within the form's
 * limits is never refused for length. Limits count code points; a browser's
 * maxlength counts UTF-16 code units, which are never fewer, so the form is
 * never more generous than the server. A textarea's line break is one
 * character in the browser and in hhd-fcgi (which turns CR LF into LF
 * before counting). fcgi/form.h's FORM_MAX_BODY must hold the encoded sum. */
#ifndef HHD_FORMLIMITS_H
#define HHD_FORMLIMITS_H

#define LIMIT_CONTACT_NAME 100      /* name and company */
#define LIMIT_CONTACT_EMAIL 254     /* RFC 5321's path limit */
#define LIMIT_CONTACT_PHONE 32
#define LIMIT_CONTACT_MESSAGE 3000

#endif
