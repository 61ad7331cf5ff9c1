/* form.c: strict application/x-www-form-urlencoded parsing (see form.h).
 *
 * Everything in here handles bytes straight from the network. The rules:
 * nothing is allocated before the body length is known to be within
 * FORM_MAX_BODY; every value is decoded into a fresh arena buffer no longer
 * than its encoded form; a value is only ever looked at as text after
 * form_check_text() has accepted it. */
#include "form.h"

#include <string.h>

#include "arena.h"
#include "utf8.h"

static const char *const status_names[FORM_E__MAX] = {
	[FORM_OK] = "ok",
	[FORM_E_TOO_BIG] = "too_big",
	[FORM_E_SYNTAX] = "syntax",
	[FORM_E_UNKNOWN] = "unknown_field",
	[FORM_E_DUPLICATE] = "duplicate_field",
	[FORM_E_TOO_MANY] = "too_many_fields",
};

static const char *const ferr_names[FORM_F__MAX] = {
	[FORM_F_OK] = "ok",
	[FORM_F_UTF8] = "invalid_utf8",
	[FORM_F_CONTROL] = "control_character",
	[FORM_F_TOO_LONG] = "too_long",
};

const char *form_status_name(enum form_status st)
{
	return (unsigned)st < FORM_E__MAX ? status_names[st] : "?";
}

const char *form_ferr_name(enum form_ferr e)
{
	return (unsigned)e < FORM_F__MAX ? ferr_names[e] : "?";
}

static int S_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one urlencoded component s[0..n) into dst, which has room for `cap`
 * bytes: '+' is a space, %XX is the byte XX, anything else is itself (raw
 * bytes are checked later, as text). Returns the decoded length; -1 on a bad
 * escape (with *bad set to its offset in s), -2 when dst is too small. */
static long S_decode(const char *s, size_t n, char *dst, size_t cap, size_t *bad)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (o == cap)
			return -2;
		if (c == '%') {
			int hi, lo;
			if (n - i < 3 || (hi = S_hex((unsigned char)s[i + 1])) < 0
			    || (lo = S_hex((unsigned char)s[i + 2])) < 0) {
				*bad = i;
				return -1;
			}
			dst[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			dst[o++] = c == '+' ? ' ' : (char)c;
			i++;
		}
	}
	return (long)o;
}

/* Multi-line text: CR LF and lone CR become LF, in place. Returns the new length. */
static size_t S_newlines(char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r') {
			s[o++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

/* Whether the code point starting at s[i] (valid UTF-8, at least 1 byte
 * left) is one we refuse in submitted text. C0 controls other than the
 * allowed TAB/LF, DEL and the C1 block can corrupt terminals and CSV; the
 * line/paragraph separators and the bidi embedding, override and isolate
 * controls can make text in the inbox read differently from what it is. */
static int S_refused(const unsigned char *s, size_t len, size_t i, unsigned flags)
{
	unsigned char c = s[i];

	if (c < 0x20)
		return !((flags & FORM_MULTILINE) && (c == '\t' || c == '\n'));
	if (c == 0x7f)
		return 1;
	if (c == 0xc2 && i + 1 < len)
		return s[i + 1] >= 0x80 && s[i + 1] <= 0x9f;          /* U+0080..U+009F */
	if (c == 0xe2 && i + 2 < len) {
		if (s[i + 1] == 0x80)
			return s[i + 2] >= 0xa8 && s[i + 2] <= 0xae;  /* U+2028..U+202E */
		if (s[i + 1] == 0x81)
			return s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9;  /* U+2066..U+2069 */
	}
	return 0;
}

enum form_ferr form_check_text(char *s, size_t *len, size_t max_chars, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	if (!utf8_valid(s, *len, NULL))
		return FORM_F_UTF8;
	if (flags & FORM_MULTILINE)
		*len = S_newlines(s, *len);
	for (i = 0; i < *len; i++)
		if (S_refused(u, *len, i, flags))
			return FORM_F_CONTROL;
	if (utf8_count(s, *len) > max_chars)
		return FORM_F_TOO_LONG;
	return FORM_F_OK;
}

/* Index of the field named name[0..n) in spec, or -1. Decoded names may hold
 * any byte, NUL included, so compare lengths before bytes. */
static long S_find(const struct form_field *spec, size_t nspec, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nspec; i++)
		if (strlen(spec[i].name) == n && memcmp(spec[i].name, name, n) == 0)
			return (long)i;
	return -1;
}

enum form_status form_parse(const char *body, size_t len,
	const struct form_field *spec, size_t nspec,
	struct form_value *vals, struct arena *a, size_t *where)
{
	const char *end = body + len, *p = body;
	size_t i, pairs = 0, off = 0;
	enum form_status st = FORM_OK;

	for (i = 0; i < nspec; i++) {
		vals[i].s = "";
		vals[i].len = 0;
		vals[i].present = 0;
		vals[i].err = FORM_F_OK;
	}
	if (len > FORM_MAX_BODY)
		return FORM_E_TOO_BIG;
	if (len == 0)
		return FORM_OK;

	for (;;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		char name[FORM_MAX_NAME];
		size_t bad = 0;
		long n, k;
		char *v;

		off = (size_t)(p - body);
		if (++pairs > FORM_MAX_PAIRS) {
			st = FORM_E_TOO_MANY;
			goto fail;
		}
		/* "a&b=1", "&x=1", "x=1&" and "=v" are not what a browser sends */
		if (!eq || eq == p) {
			st = FORM_E_SYNTAX;
			goto fail;
		}
		n = S_decode(p, (size_t)(eq - p), name, sizeof name, &bad);
		if (n == -1) {
			off += bad;
			st = FORM_E_SYNTAX;
			goto fail;
		}
		k = n < 0 ? -1 : S_find(spec, nspec, name, (size_t)n);
		if (k < 0) {
			st = FORM_E_UNKNOWN;
			goto fail;
		}
		if (vals[k].present) {
			st = FORM_E_DUPLICATE;
			goto fail;
		}
		/* decoding never lengthens, so the encoded length bounds the buffer */
		v = arena_alloc(a, (size_t)(stop - eq));
		n = S_decode(eq + 1, (size_t)(stop - eq - 1), v, (size_t)(stop - eq - 1), &bad);
		if (n < 0) {
			off = (size_t)(eq + 1 - body) + bad;
			st = FORM_E_SYNTAX;
			goto fail;
		}
		v[n] = '\0';
		vals[k].s = v;
		vals[k].len = (size_t)n;
		vals[k].present = 1;
		vals[k].err = form_check_text(v, &vals[k].len, spec[k].max_chars, spec[k].flags);
		if (!amp)
			break;
		p = amp + 1;
	}
	return FORM_OK;
fail:
	if (where)
		*where = off;
	return st;
}
