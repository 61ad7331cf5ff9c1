/* Unit tests for generator/schema.c: the typed readers (string, whole number,
 * true/false, date, list of strings, mapping, list, a value from an enum's
 * names table), unknown keys with their "did you mean" hint (alone and on a
 * node that must be a mapping), and the slug and URL checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "schema.h"
#include "t.h"
#include "t_diag.h"
#include "ydoc.h"

static struct arena A;
static struct diags D;

/* Every diagnostic as printed (sorted), one per line; "" when none. */
static const char *S_printed(void)
{
	return t_printed(&D);
}

/* Load a YAML mapping; drops earlier diagnostics. */
static const struct ynode *S_map(const char *src)
{
	diags_free(&D);
	struct ynode *r = yaml_load(&A, "m.yaml", src, strlen(src), 0, &D);
	T_CHECK(r && r->type == Y_MAP && D.n == 0);
	return r;
}

static void test_keys(void)
{
	static const char *const allowed[] = { "title", "summary", "weight", "tags", "reviewed", "slug", NULL };
	const struct ynode *m = S_map("title: a\nslug: b\n");
	T_CHECK(schema_keys(m, allowed, &D) == 0);
	T_STREQ(S_printed(), "");

	m = S_map("titel: a\nsummmary: b\ncolour: c\nTitle: d\ntgs: []\nslugs: x\nwieght: 1\n");
	T_CHECK(schema_keys(m, allowed, &D) == 7);
	T_STREQ(S_printed(), "m.yaml:1:1: error: unknown key 'titel' (did you mean 'title'?)\n"
			   "m.yaml:2:1: error: unknown key 'summmary' (did you mean 'summary'?)\n"
			   "m.yaml:3:1: error: unknown key 'colour'; allowed here: title, summary, weight, tags, reviewed, slug\n"
			   "m.yaml:4:1: error: unknown key 'Title' (did you mean 'title'?)\n"
			   "m.yaml:5:1: error: unknown key 'tgs' (did you mean 'tags'?)\n"
			   "m.yaml:6:1: error: unknown key 'slugs' (did you mean 'slug'?)\n"
			   "m.yaml:7:1: error: unknown key 'wieght' (did you mean 'weight'?)");

	/* the hint needs an edit distance of at most 2; without one, the allowed keys */
	m = S_map("reviewd: 1\nrevd: 2\nxyzzy: 3\n");
	T_CHECK(schema_keys(m, allowed, &D) == 3);
	T_STREQ(S_printed(), "m.yaml:1:1: error: unknown key 'reviewd' (did you mean 'reviewed'?)\n"
			   "m.yaml:2:1: error: unknown key 'revd'; allowed here: title, summary, weight, tags, reviewed, slug\n"
			   "m.yaml:3:1: error: unknown key 'xyzzy'; allowed here: title, summary, weight, tags, reviewed, slug");

	/* a very long key gets no hint (and no trouble) */
	char big[200];
	memset(big, 't', sizeof big - 20);
	snprintf(big + sizeof big - 20, 20, ": 1\n");
	m = S_map(big);
	T_CHECK(schema_keys(m, allowed, &D) == 1);
	T_CHECK(strstr(S_printed(), "did you mean") == NULL);

	/* an empty mapping has no unknown keys */
	m = S_map("{}");
	T_CHECK(schema_keys(m, allowed, &D) == 0);
}

static void test_str(void)
{
	const struct ynode *m = S_map("title: Hallo\nempty: \"\"\nlist: [a]\nnothing: ~\nquoted: \"~\"\n");
	struct sstr s = schema_str(m, "title", 1, &D);
	T_STREQ(s.s, "Hallo");
	T_CHECK(s.pos.line == 1 && s.pos.col == 8);
	/* absent: NULL, at the mapping; an error only when required */
	s = schema_str(m, "summary", 0, &D);
	T_CHECK(s.s == NULL && s.pos.line == 1 && s.pos.col == 1);
	T_STREQ(S_printed(), "");
	s = schema_str(m, "summary", 1, &D);
	T_CHECK(s.s == NULL);
	T_STREQ(S_printed(), "m.yaml:1:1: error: missing required key 'summary'");
	/* null counts as absent; a quoted "~" is text */
	diags_free(&D);
	s = schema_str(m, "nothing", 1, &D);
	T_CHECK(s.s == NULL);
	T_STREQ(S_printed(), "m.yaml:1:1: error: missing required key 'nothing'");
	diags_free(&D);
	T_STREQ(schema_str(m, "quoted", 1, &D).s, "~");
	/* empty: fine when optional, an error when required */
	T_STREQ(schema_str(m, "empty", 0, &D).s, "");
	T_STREQ(S_printed(), "");
	T_CHECK(schema_str(m, "empty", 1, &D).s == NULL);
	T_STREQ(S_printed(), "m.yaml:2:8: error: 'empty' must not be empty");
	/* not a scalar */
	diags_free(&D);
	s = schema_str(m, "list", 0, &D);
	T_CHECK(s.s == NULL && s.pos.line == 3 && s.pos.col == 7);
	T_STREQ(S_printed(), "m.yaml:3:7: error: 'list' must be a string");
	/* numbers and dates are text too */
	m = S_map("n: 10\nd: 2026-01-15\n");
	T_STREQ(schema_str(m, "n", 1, &D).s, "10");
	T_STREQ(schema_str(m, "d", 1, &D).s, "2026-01-15");
	T_STREQ(S_printed(), "");
}

static void test_int(void)
{
	const struct ynode *m = S_map("a: 10\nb: -5\nc: +7\nd: 1000000\ne: -1000000\nf: 010\nn:\n");
	T_CHECK(schema_int(m, "a", 0, &D) == 10);
	T_CHECK(schema_int(m, "b", 0, &D) == -5);
	T_CHECK(schema_int(m, "c", 0, &D) == 7);
	T_CHECK(schema_int(m, "d", 0, &D) == 1000000);
	T_CHECK(schema_int(m, "e", 0, &D) == -1000000);
	T_CHECK(schema_int(m, "f", 0, &D) == 10); /* decimal, not octal */
	T_CHECK(schema_int(m, "n", 42, &D) == 42); /* null: the default */
	T_CHECK(schema_int(m, "absent", 42, &D) == 42);
	T_STREQ(S_printed(), "");

	m = S_map("a: ten\nb: \"10\"\nc: 1.5\nd: 1000001\ne: 0x10\nf: [1]\ng: 99999999999999999999\nh: 1e3\n");
	const char *keys[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		T_CHECK(schema_int(m, keys[i], -3, &D) == -3);
	T_STREQ(S_printed(), "m.yaml:1:4: error: 'a' must be a whole number\n"
			   "m.yaml:2:4: error: 'b' must be a whole number\n"
			   "m.yaml:3:4: error: 'c' must be a whole number\n"
			   "m.yaml:4:4: error: 'd' must be a whole number\n"
			   "m.yaml:5:4: error: 'e' must be a whole number\n"
			   "m.yaml:6:4: error: 'f' must be a whole number\n"
			   "m.yaml:7:4: error: 'g' must be a whole number\n"
			   "m.yaml:8:4: error: 'h' must be a whole number");
}

static void test_bool(void)
{
	const struct ynode *m = S_map("a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\n");
	T_CHECK(schema_bool(m, "a", 0, &D) == 1);
	T_CHECK(schema_bool(m, "b", 0, &D) == 1);
	T_CHECK(schema_bool(m, "c", 0, &D) == 1);
	T_CHECK(schema_bool(m, "d", 1, &D) == 0);
	T_CHECK(schema_bool(m, "e", 1, &D) == 0);
	T_CHECK(schema_bool(m, "f", 1, &D) == 0);
	T_CHECK(schema_bool(m, "absent", 1, &D) == 1);
	T_STREQ(S_printed(), "");
	m = S_map("a: yes\nb: \"true\"\nc: 1\nd: [true]\ne: tRUE\n");
	T_CHECK(schema_bool(m, "a", 0, &D) == 0);
	T_CHECK(schema_bool(m, "b", 1, &D) == 1);
	T_CHECK(schema_bool(m, "c", 0, &D) == 0);
	T_CHECK(schema_bool(m, "d", 0, &D) == 0);
	T_CHECK(schema_bool(m, "e", 0, &D) == 0);
	T_STREQ(S_printed(), "m.yaml:1:4: error: 'a' must be true or false\n"
			   "m.yaml:2:4: error: 'b' must be true or false\n"
			   "m.yaml:3:4: error: 'c' must be true or false\n"
			   "m.yaml:4:4: error: 'd' must be true or false\n"
			   "m.yaml:5:4: error: 'e' must be true or false");
}

static void test_date(void)
{
	const char *good[] = { "2026-01-15", "2024-02-29", "2000-02-29", "1900-01-01", "2026-12-31",
			       "2026-04-30", "\"2026-01-15\"" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		char src[64];
		snprintf(src, sizeof src, "d: %s\n", good[i]);
		const struct ynode *m = S_map(src);
		struct sstr s = schema_date(m, "d", 1, &D);
		T_CHECK(s.s != NULL && s.pos.col == 4);
		if (D.n)
			fprintf(stderr, "  date %s refused\n", good[i]);
		T_STREQ(S_printed(), "");
	}
	const char *bad[] = { "2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
			      "2026-01-00", "2026-01-32", "1899-12-31", "2026-1-15", "2026/01/15", "2026-01-15x",
			      "26-01-15", "2026-01-1a", "\"\"", "[2026-01-15]", "20260115" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char src[64];
		snprintf(src, sizeof src, "d: %s\n", bad[i]);
		const struct ynode *m = S_map(src);
		T_CHECK(schema_date(m, "d", 0, &D).s == NULL);
		if (strcmp(S_printed(), "m.yaml:1:4: error: 'd' must be a date as YYYY-MM-DD") != 0)
			fprintf(stderr, "  date %s: [%s]\n", bad[i], S_printed());
		T_STREQ(S_printed(), "m.yaml:1:4: error: 'd' must be a date as YYYY-MM-DD");
	}
	const struct ynode *m = S_map("x: 1\n");
	T_CHECK(schema_date(m, "reviewed", 0, &D).s == NULL);
	T_STREQ(S_printed(), "");
	T_CHECK(schema_date(m, "reviewed", 1, &D).s == NULL);
	T_STREQ(S_printed(), "m.yaml:1:1: error: missing required key 'reviewed'");
}

static void test_lists(void)
{
	const struct ynode *m = S_map("tags: [a, b]\nempty: []\nnone:\none: a\nmixed:\n  - a\n  - [b]\n  - \"\"\n  - {c: d}\n  - e\n");
	struct slist l = schema_strlist(&A, m, "tags", &D);
	T_CHECK(l.n == 2 && !strcmp(l.items[0].s, "a") && !strcmp(l.items[1].s, "b"));
	T_CHECK(l.items[1].pos.line == 1 && l.items[1].pos.col == 11);
	l = schema_strlist(&A, m, "empty", &D);
	T_CHECK(l.n == 0);
	l = schema_strlist(&A, m, "none", &D);
	T_CHECK(l.n == 0 && l.items == NULL);
	l = schema_strlist(&A, m, "absent", &D);
	T_CHECK(l.n == 0);
	T_STREQ(S_printed(), "");
	/* a single string is not a list */
	l = schema_strlist(&A, m, "one", &D);
	T_CHECK(l.n == 0);
	T_STREQ(S_printed(), "m.yaml:4:6: error: 'one' must be a list");
	/* bad items are reported one by one; the good ones are kept */
	diags_free(&D);
	l = schema_strlist(&A, m, "mixed", &D);
	T_CHECK(l.n == 2 && !strcmp(l.items[0].s, "a") && !strcmp(l.items[1].s, "e"));
	T_STREQ(S_printed(), "m.yaml:7:5: error: 'mixed' must be a string\n"
			   "m.yaml:8:5: error: 'mixed' must be a string\n"
			   "m.yaml:9:5: error: 'mixed' must be a string");

	/* schema_map / schema_seq */
	m = S_map("m: {a: 1}\ns: [1]\nx: text\n");
	T_CHECK(schema_map(m, "m", 1, &D) != NULL);
	T_CHECK(schema_seq(m, "s", 1, &D) != NULL);
	T_CHECK(schema_map(m, "absent", 0, &D) == NULL);
	T_STREQ(S_printed(), "");
	T_CHECK(schema_map(m, "s", 1, &D) == NULL);
	T_CHECK(schema_map(m, "x", 0, &D) == NULL);
	T_CHECK(schema_seq(m, "m", 0, &D) == NULL);
	T_CHECK(schema_seq(m, "absent", 1, &D) == NULL);
	T_STREQ(S_printed(), "m.yaml:1:1: error: missing required key 'absent'\n"
			   "m.yaml:1:4: error: 'm' must be a list\n"
			   "m.yaml:2:4: error: 's' must be a mapping\n"
			   "m.yaml:3:4: error: 'x' must be a mapping");
}

static void test_slug(void)
{
	const char *good[] = { "a", "back-ups", "a1", "2fa", "a--b", "x-1-y" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		T_CHECK(schema_is_slug(good[i]));
	const char *bad[] = { "", "-a", "a-", "-", "A", "Back-ups", "a_b", "a b", "a.b", "a/b", "é", "caf\xc3\xa9",
			      "a\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (schema_is_slug(bad[i]))
			fprintf(stderr, "  slug [%s] accepted\n", bad[i]);
		T_CHECK(!schema_is_slug(bad[i]));
	}
	/* at most 100 characters */
	char s[102];
	memset(s, 'a', 100);
	s[100] = '\0';
	T_CHECK(schema_is_slug(s));
	s[100] = 'a';
	s[101] = '\0';
	T_CHECK(!schema_is_slug(s));
}

static void test_url(void)
{
	const char *good[] = { "https://www.example.nl/", "http://example.nl", "https://x", "https://www.example.nl/a?b=c#d",
			       "https://example.nl:8443/pad", "https://[::1]/" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (!schema_is_http_url(good[i]))
			fprintf(stderr, "  url [%s] refused\n", good[i]);
		T_CHECK(schema_is_http_url(good[i]));
	}
	const char *bad[] = { "", "https://", "http://", "https:///pad", "https://.example.nl", "ftp://example.nl",
			      "mailto:a@example.nl", "//example.nl", "/nl/tips/", "www.example.nl", "https:/example.nl",
			      "https://example.nl/met spatie", "https://example.nl/\"q\"", "https://example.nl/<a>",
			      "https://example.nl\\pad", "https://example.nl/\ttab", "javascript:alert(1)",
			      " https://example.nl/" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (schema_is_http_url(bad[i]))
			fprintf(stderr, "  url [%s] accepted\n", bad[i]);
		T_CHECK(!schema_is_http_url(bad[i]));
	}
}

static void test_enum(void)
{
	static const char *const names[] = { "acute", "today", "soon" };
	struct sstr out;
	const struct ynode *m = S_map("a: acute\nb: soon\nc: Soon\nd: [x]\ne: ''\n");
	T_CHECK(schema_enum(m, "a", names, 3, 1, &out, &D) == 0);
	T_STREQ(out.s, "acute");
	T_CHECK(out.pos.line == 1 && out.pos.col == 4);
	T_CHECK(schema_enum(m, "b", names, 3, 1, NULL, &D) == 2);
	T_STREQ(S_printed(), "");

	/* not in the table: the message lists the table in its order */
	T_CHECK(schema_enum(m, "c", names, 3, 1, &out, &D) == -1);
	T_STREQ(out.s, "Soon"); /* the string is still given, with its place */
	T_CHECK(out.pos.line == 3);
	T_STREQ(S_printed(), "m.yaml:3:4: error: 'c' must be one of acute, today, soon");
	/* only the first n names count */
	m = S_map("a: soon\n");
	T_CHECK(schema_enum(m, "a", names, 2, 1, NULL, &D) == -1);
	T_STREQ(S_printed(), "m.yaml:1:4: error: 'a' must be one of acute, today");
	T_CHECK(schema_enum(m, "a", names, 1, 1, NULL, &D) == -1);
	T_STREQ(S_printed(), "m.yaml:1:4: error: 'a' must be one of acute, today\n"
			   "m.yaml:1:4: error: 'a' must be one of acute");

	/* absent: reported only when required; wrong types as schema_str */
	m = S_map("d: [x]\ne: ''\n");
	T_CHECK(schema_enum(m, "x", names, 3, 0, &out, &D) == -1 && out.s == NULL);
	T_STREQ(S_printed(), "");
	T_CHECK(schema_enum(m, "x", names, 3, 1, NULL, &D) == -1);
	T_CHECK(schema_enum(m, "d", names, 3, 1, NULL, &D) == -1);
	T_CHECK(schema_enum(m, "e", names, 3, 1, NULL, &D) == -1);
	T_STREQ(S_printed(), "m.yaml:1:1: error: missing required key 'x'\n"
			   "m.yaml:1:4: error: 'd' must be a string\n"
			   "m.yaml:2:4: error: 'e' must not be empty");
}

static void test_object(void)
{
	static const char *const allowed[] = { "label", "next", NULL };
	const struct ynode *m = S_map("a: {label: x, nxt: y}\nb: [x]\nc: x\n");
	T_CHECK(schema_object(ymap_get(m, "a"), "answers", allowed, &D) == 0);
	T_STREQ(S_printed(), "m.yaml:1:15: error: unknown key 'nxt' (did you mean 'next'?)");
	m = S_map("a: {label: x, nxt: y}\nb: [x]\nc: x\n");
	T_CHECK(schema_object(ymap_get(m, "b"), "answers", allowed, &D) == -1);
	T_CHECK(schema_object(ymap_get(m, "c"), "steps", allowed, &D) == -1);
	T_STREQ(S_printed(), "m.yaml:2:4: error: 'answers' must be a mapping\n"
			   "m.yaml:3:4: error: 'steps' must be a mapping");
}

int main(void)
{
	arena_init(&A);
	diags_init(&D);
	test_keys();
	test_str();
	test_int();
	test_bool();
	test_date();
	test_lists();
	test_slug();
	test_url();
	test_enum();
	test_object();
	diags_free(&D);
	arena_free(&A);
	return t_done();
}
