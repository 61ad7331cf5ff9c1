/* Unit tests for generator/value.c and generator/mustache.c: values,
 * escaping, truthiness, diagnostics with exact positions, every limit at
 * and past its edge, indentation beyond the spec's cases, mustache_check,
 * and rendering one compiled set from several threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "mustache.h"
#include "t.h"
#include "value.h"

static struct arena A;

/* Compile `src` as "t" into a fresh set, with optional partials given as
 * NULL-terminated name/source pairs. */
static struct mustache_set *S_set(const char *src, const char *const *partials, struct diags *d)
{
	struct mustache_set *set = mustache_set_new();
	for (; partials && partials[0]; partials += 2)
		T_CHECK(mustache_add(set, partials[0], partials[0], partials[1], strlen(partials[1]), d) == 0);
	if (mustache_add(set, "t", "t.mustache", src, strlen(src), d) != 0) {
		mustache_set_free(set);
		return NULL;
	}
	return set;
}

/* Render `src` with `ctx` and `partials`; returns the output (static,
 * overwritten by the next call) or "(error)". */
static const char *S_render(const char *src, const struct val *ctx, const char *const *partials)
{
	static struct buf out = BUF_INIT;
	struct diags d;
	diags_init(&d);
	buf_reset(&out);
	struct mustache_set *set = S_set(src, partials, &d);
	int rc = set ? mustache_render(set, mustache_get(set, "t"), ctx, &out) : -1;
	mustache_set_free(set);
	diags_free(&d);
	return rc == 0 ? out.ptr : "(error)";
}

/* Compile `src` and return its diagnostics, one formatted line each. */
static const char *S_errors(const char *src)
{
	static struct buf msgs = BUF_INIT;
	struct diags d;
	diags_init(&d);
	buf_reset(&msgs);
	struct mustache_set *set = S_set(src, NULL, &d);
	T_CHECK(set == NULL);
	mustache_set_free(set);
	for (size_t i = 0; i < d.n; i++) {
		char line[512];
		diag_format(&d.list[i], line, sizeof line);
		buf_addf(&msgs, "%s%s", i ? "\n" : "", line);
	}
	diags_free(&d);
	return msgs.ptr;
}

static void test_values(void)
{
	struct val *m = val_map(&A);
	val_map_str(&A, m, "a", "one");
	val_map_bool(&A, m, "b", 1);
	val_map_str(&A, m, "a", "two"); /* replaces */
	T_CHECK(m->n == 2);
	T_STREQ(val_map_get(m, "a")->s, "two");
	T_CHECK(val_map_get(m, "b")->type == VAL_BOOL && val_map_get(m, "b")->b == 1);
	T_CHECK(val_map_get(m, "c") == NULL);
	T_CHECK(val_map_get(val_null(&A), "a") == NULL);

	struct val *l = val_list(&A);
	for (int i = 0; i < 100; i++)
		val_list_push(&A, l, val_strn(&A, "xyz", (size_t)(i % 3)));
	T_CHECK(l->n == 100 && l->items[99]->len == 0 && l->items[98]->len == 2);
	T_STREQ(l->items[98]->s, "xy");

	const char keep[] = "borrowed";
	struct val *s = val_str_borrow(&A, keep, 3);
	T_CHECK(s->s == keep && s->len == 3);

	T_CHECK(!val_truthy(NULL));
	T_CHECK(!val_truthy(val_null(&A)));
	T_CHECK(!val_truthy(val_bool(&A, 0)));
	T_CHECK(val_truthy(val_bool(&A, 1)));
	T_CHECK(!val_truthy(val_str(&A, "")));
	T_CHECK(val_truthy(val_str(&A, "0")));
	T_CHECK(!val_truthy(val_list(&A)));
	T_CHECK(val_truthy(l));
	T_CHECK(val_truthy(val_map(&A)));
}

static void test_escaping(void)
{
	struct val *m = val_map(&A);
	val_map_str(&A, m, "x", "<a href=\"u\">&'</a>");
	T_STREQ(S_render("{{x}}", m, NULL), "&lt;a href=&quot;u&quot;&gt;&amp;&#39;&lt;/a&gt;");
	T_STREQ(S_render("{{{x}}}|{{& x }}", m, NULL), "<a href=\"u\">&'</a>|<a href=\"u\">&'</a>");
	T_STREQ(S_render("{{=<% %>=}}<%{x}%>", m, NULL), "<a href=\"u\">&'</a>");
	/* text of the template itself is never escaped */
	T_STREQ(S_render("<p>&amp;</p>", m, NULL), "<p>&amp;</p>");
}

static void test_truthiness(void)
{
	struct val *m = val_map(&A);
	val_map_str(&A, m, "empty", "");
	val_map_set(&A, m, "map", val_map(&A));
	val_map_set(&A, m, "list", val_list(&A));
	val_map_bool(&A, m, "yes", 1);
	val_map_bool(&A, m, "no", 0);
	val_map_set(&A, m, "nil", val_null(&A));
	T_STREQ(S_render("[{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}]", m, NULL), "[e]");
	T_STREQ(S_render("[{{#map}}M{{/map}}{{#list}}L{{/list}}{{^list}}l{{/list}}]", m, NULL), "[Ml]");
	T_STREQ(S_render("[{{#nil}}N{{/nil}}{{#missing}}X{{/missing}}{{^missing}}x{{/missing}}]", m, NULL), "[x]");
	T_STREQ(S_render("{{yes}} {{no}} {{#yes}}{{.}}{{/yes}} [{{map}}{{list}}{{nil}}]", m, NULL), "true false true []");
	/* a NULL context renders like an empty one */
	T_STREQ(S_render("[{{a}}{{.}}{{#a}}x{{/a}}{{^a}}y{{/a}}]", NULL, NULL), "[y]");
	/* names are compared in full, with no prefix matches */
	val_map_str(&A, m, "ab", "AB");
	T_STREQ(S_render("[{{a}}{{abc}}{{ab}}]", m, NULL), "[AB]");
}

/* Every syntax error, with the exact position of the offending tag. */
static void test_errors(void)
{
	T_STREQ(S_errors("a\n  {{name"), "t.mustache:2:3: error: tag is not closed by '}}'");
	T_STREQ(S_errors("x {{{name}}"), "t.mustache:1:3: error: tag is not closed by '}}}'");
	T_STREQ(S_errors("{{=<% %>=}}\n<%x"), "t.mustache:2:1: error: tag is not closed by '%>'");
	T_STREQ(S_errors("{{= | |}}"), "t.mustache:1:1: error: tag is not closed by '=}}'");
	T_STREQ(S_errors("{{#a}}\n  {{/b}}\n"),
		"t.mustache:2:3: error: closing tag '/b' does not match '#a' opened at line 1\n"
		"t.mustache:1:1: error: '#a' is not closed");
	T_STREQ(S_errors("x {{/a}}"), "t.mustache:1:3: error: closing tag '/a' has no opening tag");
	T_STREQ(S_errors("\n\n  {{^x}}\n{{#y}}{{/y}}"), "t.mustache:3:3: error: '^x' is not closed");
	T_STREQ(S_errors("{{<p}}{{$b}}\n"),
		"t.mustache:1:1: error: '<p' is not closed\n"
		"t.mustache:1:7: error: '$b' is not closed");
	T_STREQ(S_errors("{{=<% =}}"), "t.mustache:1:1: error: bad delimiters '<%' (expected two, separated by a space, without '=')");
	T_STREQ(S_errors("{{= a b c =}}"), "t.mustache:1:1: error: bad delimiters 'a b c' (expected two, separated by a space, without '=')");
	T_STREQ(S_errors("{{= a= b =}}"), "t.mustache:1:1: error: bad delimiters 'a= b' (expected two, separated by a space, without '=')");
	T_STREQ(S_errors("ab{{ }}"), "t.mustache:1:3: error: tag has no name");
	T_STREQ(S_errors("{{#}}{{/}}"),
		"t.mustache:1:1: error: tag has no name\n"
		"t.mustache:1:6: error: tag has no name");
	T_STREQ(S_errors("{{ first name }}"), "t.mustache:1:1: error: tag name 'first name' contains whitespace");
	/* columns count code points, not bytes */
	T_STREQ(S_errors("h\xc3\xa9 \xe2\x82\xac {{/x}}"), "t.mustache:1:6: error: closing tag '/x' has no opening tag");
	/* every error of a template is reported, not only the first */
	T_STREQ(S_errors("{{a b}}\n{{/c}}\n{{#d}}"),
		"t.mustache:1:1: error: tag name 'a b' contains whitespace\n"
		"t.mustache:2:1: error: closing tag '/c' has no opening tag\n"
		"t.mustache:3:1: error: '#d' is not closed");
	/* a failed template is not added to the set */
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	T_CHECK(mustache_add(set, "bad", NULL, "{{#a}}", 6, &d) == -1);
	T_CHECK(mustache_get(set, "bad") == NULL);
	T_CHECK(d.n == 1 && strcmp(d.list[0].path, "bad") == 0);
	T_CHECK(mustache_add(set, "ok", "ok.mustache", "x", 1, &d) == 0);
	T_CHECK(mustache_add(set, "ok", "again.mustache", "y", 1, &d) == -1);
	char line[256];
	diag_format(&d.list[1], line, sizeof line);
	T_STREQ(line, "again.mustache: error: template 'ok' is defined twice");
	mustache_set_free(set);
	diags_free(&d);
}

/* Nested sections: MUSTACHE_MAX_DEPTH levels render, one more does not. */
static int S_nested(int levels, struct buf *out)
{
	struct buf src = BUF_INIT;
	for (int i = 0; i < levels; i++)
		buf_adds(&src, "{{#a}}");
	buf_adds(&src, "{{x}}");
	for (int i = 0; i < levels; i++)
		buf_adds(&src, "{{/a}}");
	struct val *m = val_map(&A);
	val_map_set(&A, m, "a", val_map(&A));
	val_map_str(&A, m, "x", "deep");
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	T_CHECK(mustache_add(set, "t", NULL, src.ptr, src.len, &d) == 0);
	buf_reset(out);
	int rc = mustache_render(set, mustache_get(set, "t"), m, out);
	mustache_set_free(set);
	diags_free(&d);
	buf_free(&src);
	return rc;
}

/* A chain of `levels` partials p1 -> p2 -> ... each including the next. */
static int S_chain(int levels, struct buf *out)
{
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	for (int i = 1; i <= levels; i++) {
		char name[16], src[32];
		snprintf(name, sizeof name, "p%d", i);
		if (i < levels)
			snprintf(src, sizeof src, "{{>p%d}}", i + 1);
		else
			snprintf(src, sizeof src, "end");
		T_CHECK(mustache_add(set, name, NULL, src, strlen(src), &d) == 0);
	}
	T_CHECK(mustache_add(set, "t", NULL, "{{>p1}}", 7, &d) == 0);
	buf_reset(out);
	int rc = mustache_render(set, mustache_get(set, "t"), NULL, out);
	mustache_set_free(set);
	diags_free(&d);
	return rc;
}

static void test_limits(void)
{
	struct buf out = BUF_INIT;
	T_CHECK(S_nested(MUSTACHE_MAX_DEPTH, &out) == MUSTACHE_OK);
	T_STREQ(out.ptr, "deep");
	T_CHECK(S_nested(MUSTACHE_MAX_DEPTH + 1, &out) == MUSTACHE_TOO_DEEP);
	T_CHECK(S_chain(MUSTACHE_MAX_DEPTH, &out) == MUSTACHE_OK);
	T_STREQ(out.ptr, "end");
	T_CHECK(S_chain(MUSTACHE_MAX_DEPTH + 1, &out) == MUSTACHE_TOO_DEEP);
	T_CHECK(MUSTACHE_TOO_DEEP == -1);

	/* a template that includes itself stops at the depth limit */
	static const char *const self[] = { "r", "x{{>r}}", NULL };
	T_STREQ(S_render("{{>r}}", NULL, self), "(error)");
	/* a block overridden by a block of the same name inside it */
	static const char *const par[] = { "p", "{{$b}}{{/b}}", NULL };
	T_STREQ(S_render("{{<p}}{{$b}}[{{$b}}{{/b}}]{{/b}}{{/p}}", NULL, par), "(error)");

	/* 30 nested loops over two items would take 2^30 steps */
	struct diags d;
	diags_init(&d);
	struct val *two = val_map(&A), *l2 = val_list(&A);
	val_map_set(&A, two, "l", l2);
	val_list_push(&A, l2, val_null(&A));
	val_list_push(&A, l2, val_null(&A));
	struct buf src2 = BUF_INIT;
	for (int i = 0; i < 30; i++)
		buf_adds(&src2, "{{#l}}");
	buf_adds(&src2, "x");
	for (int i = 0; i < 30; i++)
		buf_adds(&src2, "{{/l}}");
	struct mustache_set *set = mustache_set_new();
	T_CHECK(mustache_add(set, "t", NULL, src2.ptr, src2.len, &d) == 0);
	buf_reset(&out);
	T_CHECK(mustache_render(set, mustache_get(set, "t"), two, &out) == MUSTACHE_TOO_LONG);
	T_CHECK(out.len > 0 && out.len < MUSTACHE_MAX_STEPS);
	mustache_set_free(set);
	buf_free(&src2);

	/* output: 17 copies of 4 MiB pass MUSTACHE_MAX_OUTPUT, 16 do not */
	size_t big = (size_t)MUSTACHE_MAX_OUTPUT / 16;
	char *s = malloc(big);
	memset(s, 'x', big);
	struct val *m = val_map(&A), *l = val_list(&A);
	val_map_set(&A, m, "s", val_str_borrow(&A, s, big));
	val_map_set(&A, m, "l", l);
	for (int i = 0; i < 16; i++)
		val_list_push(&A, l, val_null(&A));
	set = mustache_set_new();
	T_CHECK(mustache_add(set, "t", NULL, "{{#l}}{{{s}}}{{/l}}", 19, &d) == 0);
	buf_reset(&out);
	T_CHECK(mustache_render(set, mustache_get(set, "t"), m, &out) == MUSTACHE_OK);
	T_CHECK(out.len == (size_t)MUSTACHE_MAX_OUTPUT);
	val_list_push(&A, l, val_null(&A));
	buf_reset(&out);
	T_CHECK(mustache_render(set, mustache_get(set, "t"), m, &out) == MUSTACHE_TOO_BIG);
	mustache_set_free(set);
	free(s);

	/* template size: the limit itself is fine, one byte more is not */
	char *src = malloc((size_t)MUSTACHE_MAX_TEMPLATE + 1);
	memset(src, 'a', (size_t)MUSTACHE_MAX_TEMPLATE + 1);
	set = mustache_set_new();
	T_CHECK(mustache_add(set, "max", "max.mustache", src, MUSTACHE_MAX_TEMPLATE, &d) == 0);
	T_CHECK(mustache_add(set, "over", "over.mustache", src, (size_t)MUSTACHE_MAX_TEMPLATE + 1, &d) == -1);
	T_CHECK(d.n == 1);
	if (d.n == 1) {
		char line[256];
		diag_format(&d.list[0], line, sizeof line);
		T_STREQ(line, "over.mustache: error: template is larger than the limit of 1048576 bytes");
	}
	buf_reset(&out);
	T_CHECK(mustache_render(set, mustache_get(set, "max"), NULL, &out) == 0 && out.len == MUSTACHE_MAX_TEMPLATE);
	mustache_set_free(set);
	free(src);
	diags_free(&d);
	buf_free(&out);
}

static void test_check(void)
{
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	const char *page = "{{<layout}}\n  {{$main}}{{>nav}} {{>missing}}{{/main}}\n{{/layout}}\n";
	T_CHECK(mustache_add(set, "page", "themes/x/page.mustache", page, strlen(page), &d) == 0);
	T_CHECK(mustache_add(set, "nav", "themes/x/nav.mustache", "\n\t{{> gone }}", 13, &d) == 0);
	T_CHECK(mustache_check(set, &d) == 3);
	T_CHECK(d.n == 3);
	const char *want[] = {
		"themes/x/nav.mustache:2:2: error: template 'gone' not found",
		"themes/x/page.mustache:1:1: error: template 'layout' not found",
		"themes/x/page.mustache:2:21: error: template 'missing' not found",
	};
	for (size_t i = 0; i < d.n && i < 3; i++) {
		char line[256];
		diag_format(&d.list[i], line, sizeof line);
		T_STREQ(line, want[i]);
	}
	diags_free(&d);
	T_CHECK(mustache_add(set, "layout", NULL, "<main>{{$main}}{{/main}}</main>", 31, &d) == 0);
	T_CHECK(mustache_add(set, "missing", NULL, "", 0, &d) == 0);
	T_CHECK(mustache_add(set, "gone", NULL, "!", 1, &d) == 0);
	T_CHECK(mustache_check(set, &d) == 0 && d.n == 0);
	/* a missing partial renders as nothing (the spec), which check reports */
	struct buf out = BUF_INIT;
	T_CHECK(mustache_render(set, mustache_get(set, "page"), NULL, &out) == 0);
	T_STREQ(out.ptr, "<main>\n\t! </main>");
	buf_free(&out);
	mustache_set_free(set);
	diags_free(&d);
}

/* Indentation cases the spec leaves out: nested standalone partials,
 * sections inside an indented partial, a layout with an indented block. */
static void test_indentation(void)
{
	struct val *m = val_map(&A), *l = val_list(&A);
	val_map_set(&A, m, "items", l);
	val_list_push(&A, l, val_str(&A, "a"));
	val_list_push(&A, l, val_str(&A, "b"));
	static const char *const parts[] = {
		"outer", "<ul>\n  {{>inner}}\n</ul>\n",
		"inner", "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n",
		"inline", "[\n]",
		NULL,
	};
	T_STREQ(S_render("<nav>\n  {{>outer}}\n</nav>\n", m, parts),
		"<nav>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n  </ul>\n</nav>\n");
	/* an inline partial is not indented, even inside an indented one */
	static const char *const parts2[] = { "p", "a{{>inline}}b\nc\n", "inline", "[\n]", NULL };
	T_STREQ(S_render("  {{>p}}\n", m, parts2), "  a[\n]b\n  c\n");
	/* a section that repeats a line keeps the indentation on every pass */
	static const char *const parts3[] = { "p", "{{#items}}\n-{{.}}{{/items}}\n", NULL };
	T_STREQ(S_render("\t{{>p}}\n", m, parts3), "\t-a\t-b\n");
	/* a layout whose block is indented: each line of the page's content is */
	const char *page = "{{<layout}}\n{{$main}}\n<h1>T</h1>\n{{#items}}\n<p>{{.}}</p>\n{{/items}}\n{{/main}}\n{{/layout}}\n";
	static const char *const layout[] = {
		"layout", "<body>\n  <main>\n    {{$main}}\n    {{/main}}\n  </main>\n</body>\n",
		NULL,
	};
	T_STREQ(S_render(page, m, layout),
		"<body>\n  <main>\n    <h1>T</h1>\n    <p>a</p>\n    <p>b</p>\n  </main>\n</body>\n");
	/* {{$main}}{{/main}} on one line keeps its newline after the content
	 * (spec: "Standalone block"), so content ending in one leaves a blank line */
	static const char *const layout1[] = {
		"layout", "<main>\n  {{$main}}{{/main}}\n</main>\n",
		NULL,
	};
	T_STREQ(S_render("{{<layout}}{{$main}}\nx\ny{{/main}}{{/layout}}", m, layout1), "<main>\n  x\n  y\n</main>\n");
	T_STREQ(S_render(page, m, layout1), "<main>\n  <h1>T</h1>\n  <p>a</p>\n  <p>b</p>\n\n</main>\n");
	/* a closing tag that starts a line: its indentation belongs to each pass */
	static const char *const parts4[] = { "p", "{{#items}}\n-{{.}}\n{{/items}}!\n", NULL };
	T_STREQ(S_render("  {{>p}}\n", m, parts4), "  -a\n    -b\n  !\n");
	/* every line is indented, blank ones too, as the spec's "each line" says */
	static const char *const parts5[] = { "p", "a\n\n\tb\n", NULL };
	T_STREQ(S_render("  {{>p}}\n", m, parts5), "  a\n  \n  \tb\n");
	/* a block's content loses its common indentation and takes the site's */
	static const char *const layout2[] = { "l", "<div>\n\t{{$c}}\n\t{{/c}}\n</div>\n", NULL };
	T_STREQ(S_render("{{<l}}\n{{$c}}\n    <p>\n\n      {{#items}}{{.}}{{/items}}\n    </p>\n{{/c}}\n{{/l}}\n", m, layout2),
		"<div>\n\t<p>\n\t\n\t  ab\n\t</p>\n</div>\n");
	/* CRLF line ends stay as they are */
	T_STREQ(S_render("a\r\n  {{#items}}\r\n{{.}}\r\n  {{/items}}\r\nz", m, NULL), "a\r\na\r\nb\r\nz");
}

/* The output is appended to what the buffer holds. */
static void test_append(void)
{
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	T_CHECK(mustache_add(set, "t", NULL, "b", 1, &d) == 0);
	struct buf out = BUF_INIT;
	buf_adds(&out, "a");
	T_CHECK(mustache_render(set, mustache_get(set, "t"), NULL, &out) == 0);
	T_CHECK(mustache_render(set, mustache_get(set, "t"), NULL, &out) == 0);
	T_STREQ(out.ptr, "abb");
	T_CHECK(mustache_get(set, "nope") == NULL);
	buf_free(&out);
	mustache_set_free(set);
	diags_free(&d);
}

struct job {
	const struct mustache_set *set;
	const struct val *ctx;
	struct buf out;
	int rc;
};

static void *S_job(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < 200 && j->rc == 0; i++) {
		buf_reset(&j->out);
		j->rc = mustache_render(j->set, mustache_get(j->set, "page"), j->ctx, &j->out);
	}
	return NULL;
}

/* One compiled set, rendered by four threads at once (run under TSan or
 * ASan to catch shared state). */
static void test_threads(void)
{
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	const char *layout = "<h1>{{$title}}none{{/title}}</h1>\n  {{$body}}\n  {{/body}}\n";
	const char *page = "{{<layout}}\n{{$title}}{{title}}{{/title}}\n{{$body}}\n{{#items}}\n<p>{{.}}</p>\n{{/items}}\n{{/body}}\n{{/layout}}\n";
	T_CHECK(mustache_add(set, "layout", NULL, layout, strlen(layout), &d) == 0);
	T_CHECK(mustache_add(set, "page", NULL, page, strlen(page), &d) == 0);
	struct job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		struct val *m = val_map(&A), *l = val_list(&A);
		val_map_set(&A, m, "title", val_str(&A, arena_printf(&A, "T%d", i)));
		val_map_set(&A, m, "items", l);
		val_list_push(&A, l, val_str(&A, "x<y"));
		jobs[i] = (struct job){ set, m, BUF_INIT, 0 };
		T_CHECK(pthread_create(&th[i], NULL, S_job, &jobs[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		char want[64];
		snprintf(want, sizeof want, "<h1>T%d</h1>\n  <p>x&lt;y</p>\n", i);
		T_CHECK(jobs[i].rc == 0);
		T_STREQ(jobs[i].out.ptr, want);
		buf_free(&jobs[i].out);
	}
	mustache_set_free(set);
	diags_free(&d);
}

int main(void)
{
	arena_init(&A);
	test_values();
	test_escaping();
	test_truthiness();
	test_errors();
	test_limits();
	test_check();
	test_indentation();
	test_append();
	test_threads();
	arena_free(&A);
	return t_done();
}
