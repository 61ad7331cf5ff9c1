/* form.h: a strict parser for application/x-www-form-urlencoded bodies.
 *
 * The input is hostile: anyone can POST anything. The caller declares the
 * fields it accepts as a table of {name, limit, flags} (as kcgi does) and
 * form_parse() either refuses the body as a whole (a structural problem no
 * browser would produce: bad escapes, unknown or repeated fields, too many
 * pairs) or returns every declared field decoded, with a per-field verdict
 * for problems a person could fix (too long) or a client could cause
 * (bad UTF-8, control characters).
 *
 * Limits (all enforced before or while reading, never after allocating
 * something proportional to them):
 *   FORM_MAX_BODY   bytes of encoded body. 3000 characters of message in a
 *                   3-byte script, percent-encoded, are 27000 bytes; the
 *                   other fields fit in the rest. nginx's
 *                   client_max_body_size for /api/contact says the same.
 *   FORM_MAX_PAIRS  name=value pairs in one body.
 *   FORM_MAX_NAME   bytes of a decoded field name.
 * Per-field limits (code points after decoding) are in the caller's table. */
#ifndef HHD_FORM_H
#define HHD_FORM_H

#include <stddef.h>

struct arena;

#define FORM_MAX_BODY 32768
#define FORM_MAX_PAIRS 32
#define FORM_MAX_NAME 32

enum form_flags {
	/* Multi-line text (a textarea): TAB and LF are allowed; CR LF and a
	 * lone CR become LF. Without it, every control character is refused. */
	FORM_MULTILINE = 1 << 0,
};

/* One accepted field. `max_chars` counts code points after decoding. */
struct form_field {
	const char *name;
	size_t max_chars;
	unsigned flags;
};

/* A verdict on the body as a whole. */
enum form_status {
	FORM_OK = 0,
	FORM_E_TOO_BIG,    /* more than FORM_MAX_BODY bytes */
	FORM_E_SYNTAX,     /* empty pair, no '=', empty name, bad %-escape */
	FORM_E_UNKNOWN,    /* a field not in the table */
	FORM_E_DUPLICATE,  /* a field given twice */
	FORM_E_TOO_MANY,   /* more than FORM_MAX_PAIRS pairs */
	FORM_E__MAX
};

/* A verdict on one field's value; the first that applies is reported. */
enum form_ferr {
	FORM_F_OK = 0,
	FORM_F_UTF8,       /* not valid UTF-8 (overlong, surrogate, truncated...) */
	FORM_F_CONTROL,    /* C0/C1 control, DEL, U+2028/2029, bidi embedding/override/isolate */
	FORM_F_TOO_LONG,   /* more than max_chars code points */
	FORM_F__MAX
};

/* One field's outcome. `s` is NUL-terminated, allocated in the arena given
 * to form_parse (so it lives until the arena is reset); it is "" (len 0)
 * when the field was absent. Values with an error are kept for the caller
 * to count but must not be used as text. */
struct form_value {
	const char *s;
	size_t len;
	int present;
	enum form_ferr err;
};

/* Parse body[0..len) against spec[0..nspec); vals[i] receives spec[i]'s
 * value. On an error other than FORM_OK, `*where` (when not NULL) is the
 * byte offset in the body where the problem starts. An empty body is a form
 * with no fields. */
enum form_status form_parse(const char *body, size_t len,
	const struct form_field *spec, size_t nspec,
	struct form_value *vals, struct arena *a, size_t *where);

/* Stable lowercase names, for logs and JSON: "too_many", "utf8", ... */
const char *form_status_name(enum form_status st);
const char *form_ferr_name(enum form_ferr e);

/* Check decoded text in place: UTF-8, control characters (multi-line text
 * has its newlines normalised, so *len may shrink) and length. Exposed for
 * callers that decode text themselves, and for the tests. */
enum form_ferr form_check_text(char *s, size_t *len, size_t max_chars, unsigned flags);

#endif
