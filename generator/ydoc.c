/* ydoc.c: load a YAML document with libyaml's event parser into a tree of
 * ynodes that remember their positions, enforcing the limits in ydoc.h. */
#include "ydoc.h"

#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "xalloc.h"

struct anchor {
	const char *name;
	struct ynode *node;
	size_t size; /* nodes in its subtree, counted again at each alias */
};

struct loader {
	const char *src;
	size_t len;
	struct arena *a;
	struct diags *d;
	const char *path;
	unsigned line_offset;
	size_t nodes, aliases;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	int failed;
};

static struct pos S_mark_pos(const struct loader *l, yaml_mark_t m)
{
	return (struct pos){ l->path, (unsigned)m.line + 1 + l->line_offset, (unsigned)m.column + 1 };
}

static struct ynode *S_new_node(struct loader *l, enum ynode_type t, yaml_mark_t m)
{
	struct ynode *n = arena_zalloc(l->a, sizeof *n);
	n->type = t;
	n->pos = S_mark_pos(l, m);
	return n;
}

static void S_add_item(struct loader *l, struct ynode *parent, struct ynode *item, size_t *cap)
{
	if (parent->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct ynode **items = arena_alloc(l->a, ncap * sizeof *items);
		if (parent->n)
			memcpy(items, parent->items, parent->n * sizeof *items);
		parent->items = items;
		*cap = ncap;
	}
	parent->items[parent->n++] = item;
}

static void S_remember_anchor(struct loader *l, const unsigned char *name, struct ynode *n, size_t size)
{
	if (!name)
		return;
	l->anchors = xgrow(l->anchors, &l->capanchors, l->nanchors + 1, sizeof *l->anchors);
	l->anchors[l->nanchors++] = (struct anchor){ arena_strdup(l->a, (const char *)name), n, size };
}

/* A block scalar's text starts on the first non-blank line after its
 * indicator, at that line's indentation. */
static void S_block_text_pos(const struct loader *l, yaml_mark_t m, struct pos *text)
{
	size_t i = m.index;
	unsigned line = (unsigned)m.line + 1 + l->line_offset;
	while (i < l->len && l->src[i] != '\n')
		i++;
	while (i < l->len) {
		i++; /* past '\n' */
		line++;
		unsigned indent = 0;
		while (i < l->len && l->src[i] == ' ') {
			i++;
			indent++;
		}
		if (i < l->len && l->src[i] != '\n' && l->src[i] != '\r') {
			text->line = line;
			text->col = indent + 1;
			return;
		}
		while (i < l->len && l->src[i] != '\n')
			i++;
	}
}

static int S_count_node(struct loader *l, size_t k, yaml_mark_t m)
{
	l->nodes += k;
	if (l->nodes > YAML_MAX_NODES) {
		diag_report(l->d, D_YAML_NODES, S_mark_pos(l, m), YAML_MAX_NODES);
		l->failed = 1;
		return -1;
	}
	return 0;
}

/* Report duplicate keys and non-scalar keys of a finished mapping. Small
 * maps are the rule in content; big ones (a tree's nodes) stay in the hundreds. */
static void S_check_map(struct loader *l, const struct ynode *map)
{
	for (size_t i = 0; i < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->type != Y_SCALAR) {
			diag_report(l->d, D_YAML_KEY_NOT_SCALAR, k->pos);
			l->failed = 1;
			continue;
		}
		for (size_t j = 0; j < i; j += 2) {
			const struct ynode *o = map->items[j];
			if (o->type == Y_SCALAR && o->len == k->len && memcmp(o->str, k->str, k->len) == 0) {
				diag_report(l->d, D_YAML_DUP_KEY, k->pos, k->str);
				l->failed = 1;
				break;
			}
		}
	}
}

/* Parse one node whose first event is `ev` (already taken); recursion depth
 * is bounded by YAML_MAX_DEPTH. Returns NULL on error; *size gets the number
 * of nodes in the subtree. */
static struct ynode *S_parse_node(struct loader *l, yaml_parser_t *p, yaml_event_t *ev, int depth, size_t *size)
{
	*size = 1;
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		if (++l->aliases > YAML_MAX_ALIASES) {
			diag_report(l->d, D_YAML_ALIASES, S_mark_pos(l, ev->start_mark), YAML_MAX_ALIASES);
			l->failed = 1;
			return NULL;
		}
		for (size_t i = l->nanchors; i-- > 0;) {
			if (strcmp(l->anchors[i].name, name) == 0) {
				*size = l->anchors[i].size;
				if (S_count_node(l, *size, ev->start_mark) < 0)
					return NULL;
				return l->anchors[i].node;
			}
		}
		diag_report(l->d, D_YAML_UNKNOWN_ANCHOR, S_mark_pos(l, ev->start_mark), name);
		l->failed = 1;
		return NULL;
	}
	case YAML_SCALAR_EVENT: {
		if (S_count_node(l, 1, ev->start_mark) < 0)
			return NULL;
		struct ynode *n = S_new_node(l, Y_SCALAR, ev->start_mark);
		n->str = arena_strndup(l->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->text = n->pos;
		if (ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
			n->text.col++;
		} else if (ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			   ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE) {
			n->block = 1;
			S_block_text_pos(l, ev->start_mark, &n->text);
		}
		S_remember_anchor(l, ev->data.scalar.anchor, n, 1);
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int is_map = ev->type == YAML_MAPPING_START_EVENT;
		if (depth >= YAML_MAX_DEPTH) {
			diag_report(l->d, D_YAML_DEPTH, S_mark_pos(l, ev->start_mark), YAML_MAX_DEPTH);
			l->failed = 1;
			return NULL;
		}
		if (S_count_node(l, 1, ev->start_mark) < 0)
			return NULL;
		struct ynode *n = S_new_node(l, is_map ? Y_MAP : Y_SEQ, ev->start_mark);
		const unsigned char *anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		char *anchor_copy = anchor ? xstrdup((const char *)anchor) : NULL;
		size_t cap = 0;
		for (;;) {
			yaml_event_t child;
			if (!yaml_parser_parse(p, &child)) {
				free(anchor_copy);
				return NULL; /* reported by the caller from parser state */
			}
			if (child.type == YAML_SEQUENCE_END_EVENT || child.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&child);
				break;
			}
			size_t sub;
			struct ynode *c = S_parse_node(l, p, &child, depth + 1, &sub);
			yaml_event_delete(&child);
			if (!c) {
				free(anchor_copy);
				return NULL;
			}
			*size += sub;
			S_add_item(l, n, c, &cap);
		}
		if (is_map)
			S_check_map(l, n);
		S_remember_anchor(l, (const unsigned char *)anchor_copy, n, *size);
		free(anchor_copy);
		return n;
	}
	default:
		return NULL;
	}
}

/* Line `line` (0-based) of the source: start and length, without the
 * newline; NULL past the end. */
static const char *S_line(const struct loader *l, size_t line, size_t *len)
{
	const char *p = l->src, *end = l->src + l->len;
	for (size_t i = 0; i < line; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

/* The byte at character column `col` (0-based, as libyaml counts) of a line. */
static size_t S_col_byte(const char *line, size_t len, size_t col)
{
	size_t i = 0;
	for (size_t c = 0; c < col && i < len; c++) {
		i++;
		while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

static size_t S_indent(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	return i;
}

/* The source line of mark `m` and a '^' under its column, as compilers print
 * them (tabs before the column are kept, so the marker lines up). */
static void S_excerpt(const struct loader *l, yaml_mark_t m, struct buf *out)
{
	size_t len;
	const char *line = S_line(l, m.line, &len);
	if (!line)
		return;
	if (len > 200)
		len = 200;
	buf_adds(out, "\n  ");
	buf_add(out, line, len);
	buf_adds(out, "\n  ");
	size_t at = S_col_byte(line, len, m.column);
	for (size_t i = 0; i < at; i++) {
		if (((unsigned char)line[i] & 0xC0) == 0x80)
			continue;
		buf_addch(out, line[i] == '\t' ? '\t' : ' ');
	}
	buf_addch(out, '^');
}

/* libyaml's problem, in words an editor can act on; the mark the message
 * is about in *at (libyaml's problem mark unless the context's start says
 * more). NULL: no plain wording known, libyaml's own is used. */
static const char *S_plain(const struct loader *l, const yaml_parser_t *p, yaml_mark_t *at, char *tmp, size_t tmpsz)
{
	const char *pr = p->problem ? p->problem : "", *cx = p->context ? p->context : "";
	yaml_mark_t m = p->problem_mark, c = p->context_mark;
	size_t len = 0;
	const char *line = S_line(l, m.line, &len);
	size_t b = line ? S_col_byte(line, len, m.column) : 0;
	if (strstr(pr, "tab character") || (line && b < len && line[b] == '\t')) {
		/* point at the tab itself */
		if (line) {
			const char *tab = memchr(line, '\t', len);
			if (tab) {
				size_t col = 0;
				for (const char *q = line; q < tab; q++)
					col += ((unsigned char)*q & 0xC0) != 0x80;
				at->column = col;
			}
		}
		return "a tab character is not allowed here; use spaces";
	}
	/* indented further than the line above (blank and comment lines skipped) */
	int further = 0;
	if (line) {
		size_t plen;
		for (size_t k = m.line; k-- > 0;) {
			const char *prev = S_line(l, k, &plen);
			size_t pi = prev ? S_indent(prev, plen) : 0;
			if (prev && pi < plen && prev[pi] != '#') {
				further = S_indent(line, len) > pi;
				break;
			}
		}
	}
	if (further && (!strcmp(pr, "mapping values are not allowed in this context") ||
			(!strcmp(pr, "did not find expected key") && b == S_indent(line, len)))) {
		at->column = S_indent(line, len);
		return "this line is indented further than the one above";
	}
	if (!strcmp(pr, "mapping values are not allowed in this context")) {
		return "a ':' followed by a space cannot stand inside a value; put the whole value in quotes";
	}
	if (strstr(pr, "end of stream") && strstr(cx, "quoted scalar")) {
		*at = c;
		return "this quoted value has no closing quote";
	}
	if (!strcmp(pr, "could not find expected ':'") && strstr(cx, "simple key")) {
		*at = c;
		return "a ':' is missing: write 'key: value'";
	}
	if (strstr(pr, "did not find expected ',' or ']'") || strstr(pr, "did not find expected ',' or '}'")) {
		*at = c;
		snprintf(tmp, tmpsz, "this list is not closed: a '%c' is missing (or a ',' between its items)",
			 strchr(pr, ']') ? ']' : '}');
		return tmp;
	}
	if (!strcmp(pr, "did not find expected key") && strstr(cx, "block mapping")) {
		if (line && b > S_indent(line, len))
			return "text after a quoted value; put all of it inside the quotes";
		if (line && b < len && line[b] == '-')
			return "this list item does not line up with the lines above it; check its indentation";
		return "this line does not line up with the keys above it; check its indentation";
	}
	if (!strcmp(pr, "did not find expected '-' indicator"))
		return "this line does not line up with the list items above it; check its indentation";
	if (!strcmp(pr, "did not find expected <document start>"))
		return "this line is indented less than the first line; start every key at the same column";
	return NULL;
}

static void S_report_parser_error(struct loader *l, yaml_parser_t *p)
{
	yaml_mark_t at = p->problem_mark;
	struct buf msg = BUF_INIT;
	char tmp[128];
	const char *plain = S_plain(l, p, &at, tmp, sizeof tmp);
	if (plain) {
		buf_adds(&msg, plain);
	} else {
		buf_adds(&msg, "YAML syntax error: ");
		buf_adds(&msg, p->problem ? p->problem : "unknown problem");
		if (p->context) {
			buf_adds(&msg, " ");
			buf_adds(&msg, p->context);
		}
	}
	S_excerpt(l, at, &msg);
	diag_report(l->d, D_YAML_SYNTAX, S_mark_pos(l, at), msg.ptr);
	buf_free(&msg);
	l->failed = 1;
}

struct ynode *yaml_load(struct arena *a, const char *path, const char *src, size_t len,
			unsigned line_offset, struct diags *d)
{
	struct loader l = { .src = src, .len = len, .a = a, .d = d, .path = path, .line_offset = line_offset };
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)src, len);
	struct ynode *root = NULL;
	int docs = 0, done = 0;
	while (!done && !l.failed) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			S_report_parser_error(&l, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				diag_report(d, D_YAML_MULTI_DOC, S_mark_pos(&l, ev.start_mark));
				l.failed = 1;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_ALIAS_EVENT: {
			size_t size;
			root = S_parse_node(&l, &p, &ev, 0, &size);
			if (!root && !l.failed)
				S_report_parser_error(&l, &p);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	free(l.anchors);
	if (l.failed)
		return NULL;
	if (!root || (root->type == Y_SCALAR && yscalar_is_null(root))) {
		root = arena_zalloc(a, sizeof *root);
		root->type = Y_MAP;
		root->pos = (struct pos){ path, 1 + line_offset, 1 };
	}
	return root;
}

struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->type == Y_SCALAR && strcmp(k->str, key) == 0)
			return map->items[i + 1];
	}
	return NULL;
}

int yscalar_is_null(const struct ynode *n)
{
	return n->type == Y_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
		strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}
