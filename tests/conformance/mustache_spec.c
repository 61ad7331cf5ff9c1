/* mustache_spec.c: runs the official Mustache specification against
 * generator/mustache.c.
 *
 *   mustache_spec [DIR]
 *
 * Loads every *.yml in DIR (default: the spec folder CMake passes in), and
 * for each test builds `data` as a struct val, registers `partials`,
 * renders `template` and compares with `expected`. Lambdas and dynamic
 * names are not implemented, so their files (and any test whose data holds
 * a !code node) are skipped. Ends with "N passed, N failed[, N skipped]";
 * exits 1 on a failure, 77 (CTest's skip) when DIR does not exist. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "fileio.h"
#include "mustache.h"
#include "value.h"

#ifndef MUSTACHE_SPEC_DIR
#define MUSTACHE_SPEC_DIR "../shared/conformance/mustache"
#endif

/* The name the test template is registered under: it holds a space, so no
 * partial tag can name it. */
#define TEMPLATE_NAME "spec template"

static const char *const skipped_files[] = { "~lambdas.yml", "~dynamic-names.yml" };

struct counts {
	int passed, failed, skipped;
};

static yaml_node_t *S_node(yaml_document_t *doc, int i)
{
	return yaml_document_get_node(doc, i);
}

/* The value of `key` in a mapping node, or NULL. */
static yaml_node_t *S_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = S_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return S_node(doc, p->value);
	}
	return NULL;
}

static const char *S_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Does the node, or anything under it, carry the !code tag (a lambda)? */
static int S_has_code(yaml_document_t *doc, yaml_node_t *n)
{
	if (!n)
		return 0;
	if (n->tag && strcmp((char *)n->tag, "!code") == 0)
		return 1;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
			if (S_has_code(doc, S_node(doc, *i)))
				return 1;
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
			if (S_has_code(doc, S_node(doc, p->value)))
				return 1;
	}
	return 0;
}

/* A plain YAML number, written the way the spec expects it to render
 * ("85", 1.210 as "1.21"); NULL when `s` is not a number. */
static const char *S_number(struct arena *a, const char *s)
{
	int digits = 0, fraction = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = 1;
		else if (*p == '.' || *p == 'e' || *p == 'E')
			fraction = 1;
		else if (*p != '+' && *p != '-')
			return NULL;
	}
	if (!digits)
		return NULL;
	char *end;
	errno = 0;
	if (!fraction) {
		long long v = strtoll(s, &end, 10);
		return *end || errno ? NULL : arena_printf(a, "%lld", v);
	}
	double v = strtod(s, &end);
	return *end || errno ? NULL : arena_printf(a, "%.15g", v);
}

/* Build the data a test renders from a YAML node. Plain scalars are
 * resolved as YAML's core schema does (null, booleans, numbers); every
 * other scalar is a string. */
static struct val *S_val(struct arena *a, yaml_document_t *doc, yaml_node_t *n)
{
	if (!n)
		return val_null(a);
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)n->data.scalar.value;
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			const char *num;
			if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
				return val_null(a);
			if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
				return val_bool(a, 1);
			if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
				return val_bool(a, 0);
			if ((num = S_number(a, s)))
				return val_str(a, num);
		}
		return val_strn(a, s, n->data.scalar.length);
	}
	case YAML_SEQUENCE_NODE: {
		struct val *l = val_list(a);
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
			val_list_push(a, l, S_val(a, doc, S_node(doc, *i)));
		return l;
	}
	case YAML_MAPPING_NODE: {
		struct val *m = val_map(a);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			const char *k = S_scalar(S_node(doc, p->key));
			if (k)
				val_map_set(a, m, arena_strdup(a, k), S_val(a, doc, S_node(doc, p->value)));
		}
		return m;
	}
	default:
		return val_null(a);
	}
}

/* Print bytes with control characters made visible. */
static void S_show(const char *label, const char *s, size_t len)
{
	printf("  %s [", label);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("]\n");
}

static void S_show_diags(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char line[512];
		diag_format(&d->list[i], line, sizeof line);
		printf("  %s\n", line);
	}
}

/* Run one test (a mapping node); returns 1 when it passed. */
static int S_run(const char *file, yaml_document_t *doc, yaml_node_t *test)
{
	const char *name = S_scalar(S_get(doc, test, "name"));
	yaml_node_t *tpl = S_get(doc, test, "template");
	yaml_node_t *exp = S_get(doc, test, "expected");
	yaml_node_t *partials = S_get(doc, test, "partials");
	if (!name)
		name = "(unnamed)";
	if (!S_scalar(tpl) || !S_scalar(exp)) {
		printf("FAIL %s: %s: no template or expected output\n", file, name);
		return 0;
	}

	struct arena a;
	struct diags d;
	struct buf out = BUF_INIT;
	arena_init(&a);
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	struct val *data = S_val(&a, doc, S_get(doc, test, "data"));
	int ok = 1;
	if (partials && partials->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = partials->data.mapping.pairs.start; p < partials->data.mapping.pairs.top; p++) {
			const char *pname = S_scalar(S_node(doc, p->key));
			yaml_node_t *pv = S_node(doc, p->value);
			if (pname && S_scalar(pv) &&
			    mustache_add(set, pname, pname, S_scalar(pv), pv->data.scalar.length, &d) != 0)
				ok = 0;
		}
	}
	if (mustache_add(set, TEMPLATE_NAME, name, S_scalar(tpl), tpl->data.scalar.length, &d) != 0)
		ok = 0;
	int rc = ok ? mustache_render(set, mustache_get(set, TEMPLATE_NAME), data, &out) : -1;
	int passed = ok && rc == 0 && buf_eq(&out, exp->data.scalar.value, exp->data.scalar.length);
	if (!passed) {
		printf("FAIL %s: %s\n", file, name);
		S_show("template:", S_scalar(tpl), tpl->data.scalar.length);
		S_show("expected:", (const char *)exp->data.scalar.value, exp->data.scalar.length);
		S_show("got:     ", out.ptr, out.len);
		if (rc)
			printf("  render returned %d\n", rc);
		S_show_diags(&d);
	}
	buf_free(&out);
	mustache_set_free(set);
	diags_free(&d);
	arena_free(&a);
	return passed;
}

static int S_skipped_file(const char *name)
{
	for (size_t i = 0; i < sizeof skipped_files / sizeof *skipped_files; i++)
		if (strcmp(name, skipped_files[i]) == 0)
			return 1;
	return 0;
}

/* Run every test of one spec file; returns -1 when it cannot be read. */
static int S_file(const char *dir, const char *file, struct counts *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "mustache_spec: cannot read '%s': %s\n", path, strerror(errno));
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: error: %s\n", path, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	int rc = 0;
	yaml_node_t *tests = S_get(&doc, yaml_document_get_root_node(&doc), "tests");
	if (!tests || tests->type != YAML_SEQUENCE_NODE) {
		fprintf(stderr, "%s: error: no 'tests' list\n", path);
		rc = -1;
	} else {
		int skip_all = S_skipped_file(file);
		for (yaml_node_item_t *i = tests->data.sequence.items.start; i < tests->data.sequence.items.top; i++) {
			yaml_node_t *t = S_node(&doc, *i);
			if (skip_all || S_has_code(&doc, S_get(&doc, t, "data")))
				c->skipped++;
			else if (S_run(file, &doc, t))
				c->passed++;
			else
				c->failed++;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : MUSTACHE_SPEC_DIR;
	if (access(dir, R_OK | X_OK) != 0) {
		printf("mustache_spec: skipped: no spec folder at '%s' (%s)\n", dir, strerror(errno));
		return 77;
	}
	char **names = dir_names(dir, ".yml");

	struct counts c = { 0, 0, 0 };
	int broken = 0;
	size_t n = 0;
	for (; names[n]; n++)
		if (S_file(dir, names[n], &c) != 0)
			broken = 1;
	dir_names_free(names);
	if (n == 0) {
		fprintf(stderr, "mustache_spec: no *.yml files in '%s'\n", dir);
		broken = 1;
	}
	if (c.skipped)
		printf("%d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
	else
		printf("%d passed, %d failed\n", c.passed, c.failed);
	return c.failed || broken ? 1 : 0;
}
