/* Unit tests for generator/ydoc.c: YAML loading with positions and limits
 * (nesting depth, aliases, nodes after alias expansion), duplicate keys,
 * anchors and aliases, and the helpers ymap_get and yscalar_is_null. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
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

/* Load `src`; diagnostics of earlier loads are dropped first. */
static struct ynode *S_load_off(const char *src, unsigned line_offset)
{
	diags_free(&D);
	return yaml_load(&A, "t.yaml", src, strlen(src), line_offset, &D);
}

static struct ynode *S_load(const char *src)
{
	return S_load_off(src, 0);
}

/* "[" + n copies of "x" separated by ", " + "]" */
static char *S_flow_seq(size_t n)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, i ? ", x" : "x");
	buf_addch(&b, ']');
	return buf_detach(&b, NULL);
}

/* n nested flow mappings: {a: {a: ... x}} */
static char *S_nested_maps(int n)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_adds(&b, "{a: ");
	buf_addch(&b, 'x');
	for (int i = 0; i < n; i++)
		buf_addch(&b, '}');
	return buf_detach(&b, NULL);
}

static void test_basics_and_positions(void)
{
	struct ynode *r = S_load("title: Hallo\nlist:\n  - een\n  - \"twee\"\nmap: {k: v}\n");
	T_CHECK(r && r->type == Y_MAP && r->n == 6);
	T_STREQ(S_printed(), "");
	T_CHECK(r->pos.line == 1 && r->pos.col == 1);
	T_STREQ(r->pos.path, "t.yaml");
	struct ynode *t = ymap_get(r, "title");
	T_CHECK(t && t->type == Y_SCALAR && t->plain && t->len == 5);
	T_STREQ(t->str, "Hallo");
	T_CHECK(t->pos.line == 1 && t->pos.col == 8);
	struct ynode *l = ymap_get(r, "list");
	T_CHECK(l && l->type == Y_SEQ && l->n == 2);
	T_CHECK(l->pos.line == 3 && l->pos.col == 3);
	T_CHECK(l->items[1]->pos.line == 4 && l->items[1]->pos.col == 5);
	T_CHECK(!l->items[1]->plain); /* quoted */
	T_STREQ(l->items[1]->str, "twee");
	struct ynode *m = ymap_get(r, "map");
	T_CHECK(m && m->type == Y_MAP && m->pos.line == 5 && m->pos.col == 6);
	T_STREQ(ymap_get(m, "k")->str, "v");
	/* keys are nodes with positions too */
	T_CHECK(r->items[2]->pos.line == 2 && r->items[2]->pos.col == 1);
	T_CHECK(ymap_get(r, "nope") == NULL);
	T_CHECK(ymap_get(l, "een") == NULL); /* not a mapping */
	T_CHECK(ymap_get(NULL, "x") == NULL);

	/* line_offset: front matter after a '---' line */
	r = S_load_off("a: 1\nb: 2\n", 1);
	T_CHECK(r && ymap_get(r, "b")->pos.line == 3 && ymap_get(r, "b")->pos.col == 4);

	/* multi-byte text before a value: libyaml counts characters */
	r = S_load("é: x\n");
	T_CHECK(r && r->items[1]->pos.col == 4);

	/* a scalar with an embedded NUL keeps its length */
	r = S_load("a: \"x\\0y\"\n");
	T_CHECK(r && ymap_get(r, "a")->len == 3);
}

static void test_empty_documents(void)
{
	struct ynode *r = S_load("");
	T_CHECK(r && r->type == Y_MAP && r->n == 0 && r->pos.line == 1 && r->pos.col == 1);
	r = S_load_off("# only a comment\n", 4);
	T_CHECK(r && r->type == Y_MAP && r->n == 0 && r->pos.line == 5);
	r = S_load("~\n");
	T_CHECK(r && r->type == Y_MAP && r->n == 0);
	r = S_load("---\nnull\n...\n");
	T_CHECK(r && r->type == Y_MAP && r->n == 0);
	/* a root that is a scalar or a list stays one */
	r = S_load("just text\n");
	T_CHECK(r && r->type == Y_SCALAR);
	T_STREQ(r->str, "just text");
	r = S_load("- a\n- b\n");
	T_CHECK(r && r->type == Y_SEQ && r->n == 2);
	T_STREQ(S_printed(), "");
}

static void test_null_scalars(void)
{
	struct ynode *r = S_load("a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: \"null\"\ng: ''\nh: nul\n");
	T_CHECK(r != NULL);
	const char *nulls[] = { "a", "b", "c", "d", "e" };
	for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
		T_CHECK(yscalar_is_null(ymap_get(r, nulls[i])));
	T_CHECK(!yscalar_is_null(ymap_get(r, "f"))); /* quoted: the text "null" */
	T_CHECK(!yscalar_is_null(ymap_get(r, "g"))); /* quoted empty string */
	T_CHECK(!yscalar_is_null(ymap_get(r, "h")));
	T_CHECK(!yscalar_is_null(r));
}

static void test_depth_limit(void)
{
	/* YAML_MAX_DEPTH levels: the root and YAML_MAX_DEPTH - 1 inside it */
	char *ok = S_nested_maps(YAML_MAX_DEPTH);
	struct ynode *r = S_load(ok);
	T_CHECK(r != NULL);
	T_STREQ(S_printed(), "");
	int depth = 0;
	for (struct ynode *n = r; n && n->type == Y_MAP; n = ymap_get(n, "a"))
		depth++;
	T_CHECK(depth == YAML_MAX_DEPTH);
	free(ok);

	/* one more level: refused where that level starts (column 1 + 4 * 32) */
	char *bad = S_nested_maps(YAML_MAX_DEPTH + 1);
	T_CHECK(S_load(bad) == NULL);
	T_STREQ(S_printed(), "t.yaml:1:129: error: YAML nesting deeper than the limit of 32 levels");
	free(bad);

	/* block style and sequences count alike */
	struct buf b = BUF_INIT;
	for (int i = 0; i < YAML_MAX_DEPTH; i++) {
		for (int k = 0; k < i; k++)
			buf_adds(&b, "  ");
		buf_adds(&b, "- \n");
	}
	r = S_load(b.ptr); /* 32 nested sequences, the last holding a null */
	T_CHECK(r != NULL);
	T_STREQ(S_printed(), "");
	buf_reset(&b);
	for (int i = 0; i <= YAML_MAX_DEPTH; i++) {
		for (int k = 0; k < i; k++)
			buf_adds(&b, "  ");
		buf_adds(&b, "- \n");
	}
	r = S_load(b.ptr);
	T_CHECK(r == NULL);
	T_STREQ(S_printed(), "t.yaml:33:65: error: YAML nesting deeper than the limit of 32 levels");
	buf_free(&b);
}

static void test_alias_limit(void)
{
	/* YAML_MAX_ALIASES aliases pass; they share the anchored node */
	struct buf b = BUF_INIT;
	buf_adds(&b, "[&a x");
	for (int i = 0; i < YAML_MAX_ALIASES; i++)
		buf_adds(&b, ", *a");
	buf_adds(&b, "]");
	struct ynode *r = S_load(b.ptr);
	T_CHECK(r && r->type == Y_SEQ && r->n == YAML_MAX_ALIASES + 1);
	T_STREQ(S_printed(), "");
	T_CHECK(r && r->items[1] == r->items[0] && r->items[YAML_MAX_ALIASES] == r->items[0]);

	/* one more: refused at that alias (column 8 + 4 * 64) */
	buf_setlen(&b, b.len - 1);
	buf_adds(&b, ", *a]");
	T_CHECK(S_load(b.ptr) == NULL);
	T_STREQ(S_printed(), "t.yaml:1:264: error: more than the limit of 64 YAML aliases");
	buf_free(&b);
}

static void test_node_limit(void)
{
	/* A root list of YAML_MAX_NODES - 1 scalars: exactly the limit */
	char *s = S_flow_seq(YAML_MAX_NODES - 1);
	struct ynode *r = S_load(s);
	T_CHECK(r && r->n == YAML_MAX_NODES - 1);
	T_STREQ(S_printed(), "");
	free(s);
	/* one more node: refused at the scalar that passes it (the 10000th item,
	 * at column 2 + 3 * 9999) */
	s = S_flow_seq(YAML_MAX_NODES);
	T_CHECK(S_load(s) == NULL);
	T_STREQ(S_printed(), "t.yaml:1:29999: error: YAML document expands to more than the limit of 10000 nodes");
	free(s);

	/* Aliases count their whole subtree again: a list of 1110 scalars (1111
	 * nodes) aliased 8 times in a root list is 1 + 9 * 1111 = 10000 nodes. */
	struct buf b = BUF_INIT;
	char *inner = S_flow_seq(1110);
	buf_addf(&b, "- &a %s\n", inner);
	for (int i = 0; i < 8; i++)
		buf_adds(&b, "- *a\n");
	r = S_load(b.ptr);
	T_CHECK(r && r->n == 9 && r->items[8] == r->items[0]);
	T_STREQ(S_printed(), "");
	buf_adds(&b, "- *a\n"); /* the ninth alias: 11111 nodes */
	T_CHECK(S_load(b.ptr) == NULL);
	T_STREQ(S_printed(), "t.yaml:10:3: error: YAML document expands to more than the limit of 10000 nodes");
	free(inner);
	buf_free(&b);

	/* an alias bomb stops early, with one message */
	r = S_load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		 "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		 "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		 "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n");
	T_CHECK(r == NULL);
	T_STREQ(S_printed(), "t.yaml:4:36: error: YAML document expands to more than the limit of 10000 nodes");
}

static void test_anchors(void)
{
	/* an anchored mapping reused; a later anchor of the same name wins */
	struct ynode *r = S_load("base: &b {x: 1}\nuse: *b\nagain: &b [2]\nlast: *b\n");
	T_CHECK(r != NULL);
	T_STREQ(S_printed(), "");
	T_CHECK(ymap_get(r, "use") == ymap_get(r, "base"));
	T_CHECK(ymap_get(r, "last") == ymap_get(r, "again"));
	T_CHECK(ymap_get(r, "last")->type == Y_SEQ);

	/* an alias to an anchor that is not defined (yet) */
	T_CHECK(S_load("a: *later\nb: &later x\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:4: error: unknown YAML anchor 'later'");
	T_CHECK(S_load("a: [*nope]\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:5: error: unknown YAML anchor 'nope'");
	/* an alias as the whole document */
	T_CHECK(S_load("*x\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:1: error: unknown YAML anchor 'x'");
}

static void test_duplicate_keys(void)
{
	/* reported at the second key; every duplicate of the file in one run */
	T_CHECK(S_load("title: a\nsummary: b\ntitle: c\nmap:\n  k: 1\n  \"k\": 2\n  j: 3\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:3:1: error: duplicate key 'title'\n"
			   "t.yaml:6:3: error: duplicate key 'k'");
	/* a key three times is reported twice; keys differing in case are distinct */
	T_CHECK(S_load("{a: 1, a: 2, a: 3}") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:8: error: duplicate key 'a'\n"
			   "t.yaml:1:14: error: duplicate key 'a'");
	T_CHECK(S_load("a: 1\nA: 2\n") != NULL);
	T_STREQ(S_printed(), "");
	/* the same key in different mappings is fine */
	T_CHECK(S_load("a: {x: 1}\nb: {x: 2}\n") != NULL);
	T_STREQ(S_printed(), "");
	/* a key that is not a scalar */
	T_CHECK(S_load("? [a, b]\n: c\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:3: error: mapping key must be a plain string");
	T_CHECK(S_load("{x: 1, {y: 2}: 3}") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:8: error: mapping key must be a plain string");
}

static void test_syntax_errors(void)
{
	T_CHECK(S_load("a: [1, 2\nb: 3\n") == NULL);
	T_CHECK(D.n == 1 && D.list[0].id == D_YAML_SYNTAX);
	T_CHECK(strncmp(S_printed(), "t.yaml:", 7) == 0);
	/* at the '[' that opened the list */
	T_STREQ(S_printed(), "t.yaml:1:4: error: this list is not closed: a ']' is missing (or a ',' between its items)\n"
			     "  a: [1, 2\n"
			     "     ^");

	T_CHECK(S_load("a: b: c\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:5: error: a ':' followed by a space cannot stand inside a value; put the whole "
			     "value in quotes\n  a: b: c\n      ^");

	/* the offset applies to syntax errors too; the excerpt is still the right line */
	T_CHECK(S_load_off("a: 1\n  b: 2\n", 1) == NULL);
	T_STREQ(S_printed(), "t.yaml:3:3: error: this line is indented further than the one above\n    b: 2\n    ^");
	/* blank and comment lines above do not count as "the one above" */
	T_CHECK(S_load("a: 1\n\n# note\n  b: 2\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:4:3: error: this line is indented further than the one above\n    b: 2\n    ^");

	T_CHECK(S_load("a: \"open\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:4: error: this quoted value has no closing quote\n  a: \"open\n     ^");

	/* a tab for indentation: the marker under the tab, the tab kept */
	T_CHECK(S_load("a:\n\t- b\n") == NULL);
	T_CHECK(D.n == 1 && D.list[0].id == D_YAML_SYNTAX && D.list[0].line == 2);
	T_STREQ(S_printed(), "t.yaml:2:1: error: a tab character is not allowed here; use spaces\n  \t- b\n  ^");
	/* columns count characters: the marker under the second ':' after two-byte letters */
	T_CHECK(S_load("\xc3\xa9: \xc3\xa9: c\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:1:5: error: a ':' followed by a space cannot stand inside a value; put the whole "
			     "value in quotes\n  \xc3\xa9: \xc3\xa9: c\n      ^");
	/* a problem libyaml words in a way hhd has no plain words for keeps libyaml's */
	T_CHECK(S_load("a: *\n") == NULL);
	T_CHECK(strstr(S_printed(), "error: YAML syntax error: ") != NULL);

	/* more than one document */
	T_CHECK(S_load("a: 1\n---\nb: 2\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:2:1: error: more than one YAML document in one file");
	T_CHECK(S_load("---\na: 1\n...\n---\nb: 2\n") == NULL);
	T_STREQ(S_printed(), "t.yaml:4:1: error: more than one YAML document in one file");
	/* one explicit document is fine */
	T_CHECK(S_load("---\na: 1\n...\n") != NULL);
	T_STREQ(S_printed(), "");
}

int main(void)
{
	arena_init(&A);
	diags_init(&D);
	test_basics_and_positions();
	test_empty_documents();
	test_null_scalars();
	test_depth_limit();
	test_alias_limit();
	test_node_limit();
	test_anchors();
	test_duplicate_keys();
	test_syntax_errors();
	diags_free(&D);
	arena_free(&A);
	return t_done();
}
