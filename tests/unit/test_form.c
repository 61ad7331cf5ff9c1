/* Unit tests for fcgi/form.c: the urlencoded parser that meets the public.
 *
 * Besides the table of hand-written cases, two property tests: random text
 * encoded with lib's url_encode must come back byte for byte, and random
 * bytes must never produce a value form.c calls good that breaks the rules
 * (invalid UTF-8, a refused character, over its limit). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "form.h"
#include "html.h"
#include "t.h"
#include "utf8.h"

static struct arena A;

enum { F_A, F_B, F_MSG, F_SHORT, F__N };

static const struct form_field spec[F__N] = {
	{ "a", 100, 0 },
	{ "b", 100, 0 },
	{ "msg", 100, FORM_MULTILINE },
	{ "short", 3, 0 },
};

static struct form_value V[F__N];
static size_t where;

static enum form_status P(const char *body)
{
	where = (size_t)-1;
	return form_parse(body, strlen(body), spec, F__N, V, &A, &where);
}

static void test_basic(void)
{
	T_CHECK(P("a=1&b=two&msg=x") == FORM_OK);
	T_STREQ(V[F_A].s, "1");
	T_STREQ(V[F_B].s, "two");
	T_STREQ(V[F_MSG].s, "x");
	T_CHECK(V[F_A].present && V[F_B].present && V[F_MSG].present && !V[F_SHORT].present);
	T_CHECK(V[F_SHORT].s && V[F_SHORT].len == 0 && V[F_SHORT].s[0] == '\0');
	T_CHECK(V[F_A].err == FORM_F_OK);

	/* order does not matter; empty values are present */
	T_CHECK(P("msg=&a=") == FORM_OK);
	T_CHECK(V[F_MSG].present && V[F_MSG].len == 0 && V[F_A].present && !V[F_B].present);

	/* an empty body is a form with no fields */
	T_CHECK(P("") == FORM_OK);
	T_CHECK(!V[F_A].present && !V[F_B].present && !V[F_MSG].present);
}

static void test_decoding(void)
{
	T_CHECK(P("a=hello+world&b=%41%62%2b%2B%25%26%3D") == FORM_OK);
	T_STREQ(V[F_A].s, "hello world");
	T_STREQ(V[F_B].s, "Ab++%&=");
	/* mixed-case hex, encoded names, raw printable bytes passed through */
	T_CHECK(P("%61=%c3%A9t%C3%A9&%62=x@y.nl/:;,!*'()~") == FORM_OK);
	T_STREQ(V[F_A].s, "\xc3\xa9t\xc3\xa9");
	T_STREQ(V[F_B].s, "x@y.nl/:;,!*'()~");
	T_CHECK(V[F_A].len == 5);
	/* raw UTF-8 (not what browsers send, but valid) */
	T_CHECK(P("a=caf\xc3\xa9") == FORM_OK && V[F_A].err == FORM_F_OK);
	T_STREQ(V[F_A].s, "caf\xc3\xa9");
	/* '=' inside a value belongs to the value */
	T_CHECK(P("a=x=y") == FORM_OK);
	T_STREQ(V[F_A].s, "x=y");
	/* four-byte UTF-8 (emoji) */
	T_CHECK(P("a=%F0%9F%98%80") == FORM_OK && V[F_A].err == FORM_F_OK && V[F_A].len == 4);
}

static void test_structure(void)
{
	T_CHECK(P("a") == FORM_E_SYNTAX && where == 0);
	T_CHECK(P("a=1&b") == FORM_E_SYNTAX && where == 4);
	T_CHECK(P("=1") == FORM_E_SYNTAX && where == 0);
	T_CHECK(P("&a=1") == FORM_E_SYNTAX && where == 0);
	T_CHECK(P("a=1&") == FORM_E_SYNTAX && where == 4);
	T_CHECK(P("a=1&&b=2") == FORM_E_SYNTAX && where == 4);
	T_CHECK(P("&") == FORM_E_SYNTAX);
	T_CHECK(P("=") == FORM_E_SYNTAX);
	/* bad escapes, in values and names, with the offset of the '%' */
	T_CHECK(P("a=%") == FORM_E_SYNTAX && where == 2);
	T_CHECK(P("a=%4") == FORM_E_SYNTAX && where == 2);
	T_CHECK(P("a=ab%4g") == FORM_E_SYNTAX && where == 4);
	T_CHECK(P("a=%G1") == FORM_E_SYNTAX);
	T_CHECK(P("a=%%41") == FORM_E_SYNTAX);
	T_CHECK(P("a=1&b=%-1") == FORM_E_SYNTAX && where == 6);
	T_CHECK(P("%zz=1") == FORM_E_SYNTAX && where == 0);
	T_CHECK(P("a%=1") == FORM_E_SYNTAX);
	/* unknown fields, even near misses */
	T_CHECK(P("a=1&c=2") == FORM_E_UNKNOWN && where == 4);
	T_CHECK(P("A=1") == FORM_E_UNKNOWN);
	T_CHECK(P("a+=1") == FORM_E_UNKNOWN);
	T_CHECK(P("a%00=1") == FORM_E_UNKNOWN);
	T_CHECK(P("ms=1") == FORM_E_UNKNOWN);
	T_CHECK(P("msgg=1") == FORM_E_UNKNOWN);
	T_CHECK(P("website=x") == FORM_E_UNKNOWN);
	/* a name longer than FORM_MAX_NAME is unknown, not a crash */
	{
		char body[400];
		memset(body, 'a', 300);
		strcpy(body + 300, "=1");
		T_CHECK(P(body) == FORM_E_UNKNOWN);
		memset(body, 0, sizeof body);
		for (int i = 0; i < 100; i++)
			memcpy(body + 3 * i, "%61", 3);
		strcat(body, "=1");
		T_CHECK(P(body) == FORM_E_UNKNOWN);
	}
	/* duplicates, also when spelled differently */
	T_CHECK(P("a=1&a=1") == FORM_E_DUPLICATE && where == 4);
	T_CHECK(P("a=1&b=2&%61=3") == FORM_E_DUPLICATE && where == 8);
	T_CHECK(P("a=&a=") == FORM_E_DUPLICATE);
	/* the first problem wins: a bad escape before an unknown field */
	T_CHECK(P("a=%x&zz=1") == FORM_E_SYNTAX);
	T_CHECK(P("zz=1&a=%x") == FORM_E_UNKNOWN);
}

static void test_limits(void)
{
	struct form_field many[40];
	char names[40][4];
	struct form_value vals[40];
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof names[i], "f%d", i);
		many[i].name = names[i];
		many[i].max_chars = 10;
		many[i].flags = 0;
	}
	for (i = 0; i < FORM_MAX_PAIRS; i++)
		buf_addf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	T_CHECK(form_parse(b.ptr, b.len, many, 40, vals, &A, NULL) == FORM_OK);
	T_STREQ(vals[FORM_MAX_PAIRS - 1].s, "31");
	buf_addf(&b, "&f%d=x", FORM_MAX_PAIRS);
	T_CHECK(form_parse(b.ptr, b.len, many, 40, vals, &A, &where) == FORM_E_TOO_MANY);

	/* the body limit, exactly */
	buf_reset(&b);
	buf_adds(&b, "a=");
	while (b.len < FORM_MAX_BODY)
		buf_addch(&b, 'x');
	T_CHECK(form_parse(b.ptr, b.len, spec, F__N, V, &A, NULL) == FORM_OK);
	T_CHECK(V[F_A].err == FORM_F_TOO_LONG);
	buf_addch(&b, 'x');
	T_CHECK(form_parse(b.ptr, b.len, spec, F__N, V, &A, NULL) == FORM_E_TOO_BIG);
	buf_free(&b);

	/* per-field limits count code points, not bytes */
	T_CHECK(P("short=abc") == FORM_OK && V[F_SHORT].err == FORM_F_OK);
	T_CHECK(P("short=abcd") == FORM_OK && V[F_SHORT].err == FORM_F_TOO_LONG);
	T_CHECK(P("short=%C3%A9%C3%A9%C3%A9") == FORM_OK && V[F_SHORT].err == FORM_F_OK);
	T_CHECK(P("short=%C3%A9%C3%A9%C3%A9%C3%A9") == FORM_OK && V[F_SHORT].err == FORM_F_TOO_LONG);
	T_CHECK(P("short=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80") == FORM_OK && V[F_SHORT].err == FORM_F_OK);
	/* other fields are still reported when one is too long */
	T_CHECK(P("short=toolong&a=fine") == FORM_OK && V[F_SHORT].err == FORM_F_TOO_LONG);
	T_STREQ(V[F_A].s, "fine");
}

static void test_utf8(void)
{
	static const char *const bad[] = {
		"a=%C3%28",             /* continuation missing */
		"a=%C0%AF",             /* overlong '/' */
		"a=%E0%80%AF",          /* overlong, three bytes */
		"a=%ED%A0%80",          /* surrogate U+D800 */
		"a=%E2%82",             /* truncated at the end */
		"a=%E2%82x",            /* truncated in the middle */
		"a=%F4%90%80%80",       /* above U+10FFFF */
		"a=%FF",
		"a=%80",                /* lone continuation */
		"a=\xff",               /* raw */
		"a=x%C3",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		T_CHECK(P(bad[i]) == FORM_OK);
		if (V[F_A].err != FORM_F_UTF8)
			fprintf(stderr, "  case %s\n", bad[i]);
		T_CHECK(V[F_A].err == FORM_F_UTF8);
	}
	/* the worst problem is reported: bad UTF-8 before control before length */
	T_CHECK(P("short=%01%01%01%01%FF") == FORM_OK && V[F_SHORT].err == FORM_F_UTF8);
	T_CHECK(P("short=%01%01%01%01") == FORM_OK && V[F_SHORT].err == FORM_F_CONTROL);
	/* and the other fields stay usable */
	T_CHECK(P("a=%FF&b=ok") == FORM_OK && V[F_A].err == FORM_F_UTF8 && V[F_B].err == FORM_F_OK);
}

static void test_controls(void)
{
	static const char *const refused[] = {
		"%00", "%01", "%07", "%08", "%0B", "%0C", "%1B", "%1F", "%7F",
		"%C2%80", "%C2%85", "%C2%9F",             /* C1 */
		"%E2%80%A8", "%E2%80%A9",                 /* line and paragraph separators */
		"%E2%80%AA", "%E2%80%AB", "%E2%80%AC", "%E2%80%AD", "%E2%80%AE", /* embeddings, overrides */
		"%E2%81%A6", "%E2%81%A7", "%E2%81%A8", "%E2%81%A9",              /* isolates */
		"x%1B%5B31mred",                          /* a terminal escape sequence */
	};
	static const char *const allowed[] = {
		"%C2%A0",        /* no-break space */
		"%C2%A9",        /* (c) */
		"%E2%80%8E", "%E2%80%8F",  /* LRM, RLM: ordinary in right-to-left text */
		"%E2%80%8D",     /* zero-width joiner, in emoji */
		"%E2%80%A7", "%E2%80%AF", "%E2%81%A5", "%E2%81%AA",  /* neighbours of the refused ranges */
		"%EF%BB%BF",     /* BOM */
		"%D8%B3%D9%84%D8%A7%D9%85",  /* Arabic */
		"%E4%BD%A0%E5%A5%BD",        /* Chinese */
	};
	char body[64];
	size_t i;

	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		snprintf(body, sizeof body, "a=%s", refused[i]);
		T_CHECK(P(body) == FORM_OK);
		if (V[F_A].err != FORM_F_CONTROL)
			fprintf(stderr, "  single-line case %s\n", body);
		T_CHECK(V[F_A].err == FORM_F_CONTROL);
		snprintf(body, sizeof body, "msg=%s", refused[i]);
		T_CHECK(P(body) == FORM_OK);
		if (V[F_MSG].err != FORM_F_CONTROL)
			fprintf(stderr, "  multi-line case %s\n", body);
		T_CHECK(V[F_MSG].err == FORM_F_CONTROL);
	}
	for (i = 0; i < sizeof allowed / sizeof *allowed; i++) {
		snprintf(body, sizeof body, "a=%s", allowed[i]);
		T_CHECK(P(body) == FORM_OK);
		if (V[F_A].err != FORM_F_OK)
			fprintf(stderr, "  allowed case %s\n", body);
		T_CHECK(V[F_A].err == FORM_F_OK);
	}
	/* TAB and newlines: only in multi-line fields */
	T_CHECK(P("a=x%09y") == FORM_OK && V[F_A].err == FORM_F_CONTROL);
	T_CHECK(P("a=x%0Ay") == FORM_OK && V[F_A].err == FORM_F_CONTROL);
	T_CHECK(P("a=x%0Dy") == FORM_OK && V[F_A].err == FORM_F_CONTROL);
	T_CHECK(P("a=x\ty") == FORM_OK && V[F_A].err == FORM_F_CONTROL);  /* raw, too */
	T_CHECK(P("msg=x%09y%0Az") == FORM_OK && V[F_MSG].err == FORM_F_OK);
	T_STREQ(V[F_MSG].s, "x\ty\nz");
	/* CR LF and lone CR become LF; the length follows */
	T_CHECK(P("msg=one%0D%0Atwo%0Dthree%0A%0D%0Afour%0D") == FORM_OK && V[F_MSG].err == FORM_F_OK);
	T_STREQ(V[F_MSG].s, "one\ntwo\nthree\n\nfour\n");
	T_CHECK(V[F_MSG].len == strlen("one\ntwo\nthree\n\nfour\n"));
	T_CHECK(P("msg=%0D%0D%0A") == FORM_OK);
	T_STREQ(V[F_MSG].s, "\n\n");
}

static void test_check_text(void)
{
	char s[32];
	size_t n;

	strcpy(s, "a\r\nb");
	n = strlen(s);
	T_CHECK(form_check_text(s, &n, 10, FORM_MULTILINE) == FORM_F_OK && n == 3 && strcmp(s, "a\nb") == 0);
	strcpy(s, "a\r\nb");
	n = strlen(s);
	T_CHECK(form_check_text(s, &n, 10, 0) == FORM_F_CONTROL);
	/* the newline normalisation happens before counting */
	strcpy(s, "ab\r\n");
	n = strlen(s);
	T_CHECK(form_check_text(s, &n, 3, FORM_MULTILINE) == FORM_F_OK);
	n = 0;
	T_CHECK(form_check_text(s, &n, 0, 0) == FORM_F_OK);
	strcpy(s, "x");
	n = 1;
	T_CHECK(form_check_text(s, &n, 0, 0) == FORM_F_TOO_LONG);
	/* an embedded NUL is a control character, never a terminator */
	memcpy(s, "ab\0cd", 5);
	n = 5;
	T_CHECK(form_check_text(s, &n, 10, FORM_MULTILINE) == FORM_F_CONTROL);
}

static void test_names(void)
{
	T_STREQ(form_status_name(FORM_OK), "ok");
	T_STREQ(form_status_name(FORM_E_DUPLICATE), "duplicate_field");
	T_STREQ(form_status_name(FORM_E__MAX), "?");
	T_STREQ(form_ferr_name(FORM_F_UTF8), "invalid_utf8");
	T_STREQ(form_ferr_name(FORM_F__MAX), "?");
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t S_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Append one random code point that form.c allows in multi-line text. */
static void S_add_cp(struct buf *b)
{
	static const char *const pool[] = { "a", "Z", "0", " ", "+", "%", "&", "=", "\n", "\t", "\"", "<",
		"\xc3\xa9", "\xc2\xa0", "\xe2\x82\xac", "\xe4\xbd\xa0", "\xf0\x9f\x98\x80", "\xd8\xb3", "~", "*" };
	buf_adds(b, pool[S_rand() % (sizeof pool / sizeof *pool)]);
}

/* Text encoded the way a browser would (lib's url_encode) decodes to itself. */
static void test_roundtrip(void)
{
	struct buf text = BUF_INIT, body = BUF_INIT;
	int i, k, fails = 0;

	for (i = 0; i < 2000; i++) {
		buf_reset(&text);
		buf_reset(&body);
		for (k = (int)(S_rand() % 90); k > 0; k--)
			S_add_cp(&text);
		buf_adds(&body, "msg=");
		url_encode(&body, text.ptr, text.len);
		if (form_parse(body.ptr, body.len, spec, F__N, V, &A, NULL) != FORM_OK
		    || V[F_MSG].err != FORM_F_OK || V[F_MSG].len != text.len
		    || memcmp(V[F_MSG].s, text.ptr, text.len) != 0)
			fails++;
		arena_reset(&A);
	}
	T_CHECK(fails == 0);
	buf_free(&text);
	buf_free(&body);
}

/* Whatever the bytes, a value reported good obeys every rule. */
static void test_random_bytes(void)
{
	static const char alphabet[] = "ab=&%+0123456789ABCDEFmsghort\xc3\xa9\xe2\x80\xa8\r\n\t\x01\x7f\xff";
	char body[96];
	int i, k, f, bad = 0, ok = 0;

	for (i = 0; i < 20000; i++) {
		size_t n = S_rand() % sizeof body;
		for (k = 0; k < (int)n; k++)
			body[k] = alphabet[S_rand() % (sizeof alphabet - 1)];
		if (form_parse(body, n, spec, F__N, V, &A, NULL) == FORM_OK) {
			ok++;
			for (f = 0; f < F__N; f++) {
				const char *s = V[f].s;
				size_t j;
				if (!V[f].present || V[f].err != FORM_F_OK)
					continue;
				if (!utf8_valid(s, V[f].len, NULL) || utf8_count(s, V[f].len) > spec[f].max_chars
				    || s[V[f].len] != '\0')
					bad++;
				for (j = 0; j < V[f].len; j++) {
					unsigned char c = (unsigned char)s[j];
					if ((c < 0x20 && !(f == F_MSG && (c == '\n' || c == '\t'))) || c == 0x7f || c == '\r')
						bad++;
				}
			}
		}
		arena_reset(&A);
	}
	T_CHECK(bad == 0);
	T_CHECK(ok > 100);  /* the alphabet does produce valid forms */
}

int main(void)
{
	arena_init(&A);
	test_basic();
	test_decoding();
	test_structure();
	test_limits();
	test_utf8();
	test_controls();
	test_check_text();
	test_names();
	test_roundtrip();
	test_random_bytes();
	arena_free(&A);
	return t_done();
}
