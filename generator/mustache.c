/* mustache.c: the Mustache engine (see mustache.h).
 *
 * mustache_add() compiles a template into a flat array of nodes. A node with
 * a body (section, inverted section, parent, block) is followed by its
 * body's `nbody` nodes, so a node's next sibling is always node + 1 + nbody.
 *
 * The whitespace rules are settled at compile time: standalone lines are cut
 * out of the text, and the node that starts each remaining line is marked
 * (`bol`; a line that starts inside a text node is found by its newline).
 * At render time a line start emits the indentation of the standalone
 * partials, parents and blocks being expanded (usually none), which is how
 * "each line of the partial is indented" works without re-parsing anything.
 *
 * Rendering keeps its whole state (context stack, indentation, overriding
 * parents) in fixed arrays on the C stack, bounded by MUSTACHE_MAX_DEPTH, so
 * it allocates nothing but the output and can share a set between threads. */
#include "mustache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "html.h"
#include "xalloc.h"

enum node_type {
	N_TEXT,     /* literal bytes */
	N_INDENT,   /* nothing but a line start: a closing tag began the line */
	N_VAR,      /* {{name}}: escaped */
	N_RAW,      /* {{{name}}} or {{&name}}: not escaped */
	N_SECTION,  /* {{#name}}body{{/name}} */
	N_INVERTED, /* {{^name}}body{{/name}} */
	N_PARTIAL,  /* {{>name}} */
	N_PARENT,   /* {{<name}}body{{/name}}: the body's direct N_BLOCKs override */
	N_BLOCK,    /* {{$name}}default{{/name}} */
};

struct node {
	unsigned char type;       /* enum node_type */
	unsigned char bol;        /* a line starts with this node: indent first */
	unsigned char standalone; /* partial, parent, block: the tag stood on its own line */
	unsigned char body_bol;   /* block: its body starts a line */
	unsigned line, col;       /* of the tag (0 for text), 1-based */
	const char *s;            /* N_TEXT: the bytes; tags: the name, NUL-terminated */
	size_t len;
	const char *ind;          /* standalone partial, parent, block: indentation added */
	size_t ind_len;
	size_t dedent;            /* N_TEXT: blanks dropped after each inner newline */
	size_t nbody;             /* nodes in the body, which follow this one */
};

struct mustache {
	const char *name;
	size_t name_len;
	const char *path;
	struct node *nodes;
	size_t n;
};

struct mustache_set {
	struct arena arena;     /* templates, their sources, names and nodes */
	struct mustache **list; /* sorted by name */
	size_t n, cap;
};

/* ---- the set ---- */

struct mustache_set *mustache_set_new(void)
{
	struct mustache_set *set = xcalloc(1, sizeof *set);
	arena_init(&set->arena);
	return set;
}

void mustache_set_free(struct mustache_set *set)
{
	if (!set)
		return;
	arena_free(&set->arena);
	free(set->list);
	free(set);
}

/* Order names as memcmp does, a shorter name before its extensions. */
static int S_namecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Index of `name` in the set, or where it would be inserted (*found = 0). */
static size_t S_search(const struct mustache_set *set, const char *name, size_t len, int *found)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mustache *t = set->list[mid];
		int c = S_namecmp(name, len, t->name, t->name_len);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

static const struct mustache *S_find(const struct mustache_set *set, const char *name, size_t len)
{
	int found;
	size_t i = S_search(set, name, len, &found);
	return found ? set->list[i] : NULL;
}

const struct mustache *mustache_get(const struct mustache_set *set, const char *name)
{
	return S_find(set, name, strlen(name));
}

/* ---- compiling ---- */

#define NONE SIZE_MAX

/* A section, parent or block whose closing tag has not been seen yet. */
struct open {
	size_t node;     /* its node's index */
	size_t body;     /* source offset where its body starts */
	size_t lead;     /* leading whitespace of a standalone tag: offset, length */
	size_t lead_len;
};

struct cstate {
	struct arena *a;
	struct diags *d;
	const char *path;
	const char *src;  /* the arena's copy of the source */
	size_t len;
	const char *otag, *ctag; /* current delimiters */
	size_t olen, clen;
	struct node *nodes;
	size_t n, cap;
	struct open *open;
	size_t nopen, capopen;
	int at_bol;       /* the next node starts a line */
	size_t pair_at;   /* start of the second tag of a standalone pair, or NONE */
	int pair_skip;    /* that pair also takes the rest of its line */
	int failed;
	size_t lc_pos;    /* line and column of offset lc_pos (moves forward) */
	unsigned lc_line, lc_col;
};

/* A tag as scanned. */
struct tag {
	size_t start, end;     /* the whole tag, delimiters included */
	char kind;             /* '\0' for a variable, else # ^ / > < $ & ! = { */
	size_t name, name_len; /* the trimmed content (for '=': the new delimiters) */
};

static int S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int S_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Line and column (in code points) of source offset `off`. Offsets are
 * asked for in increasing order, so the count runs once over the source. */
static void S_where(struct cstate *cs, size_t off, unsigned *line, unsigned *col)
{
	if (off < cs->lc_pos) {
		cs->lc_pos = 0;
		cs->lc_line = cs->lc_col = 1;
	}
	for (; cs->lc_pos < off; cs->lc_pos++) {
		unsigned char c = (unsigned char)cs->src[cs->lc_pos];
		if (c == '\n') {
			cs->lc_line++;
			cs->lc_col = 1;
		} else if ((c & 0xC0) != 0x80) {
			cs->lc_col++;
		}
	}
	*line = cs->lc_line;
	*col = cs->lc_col;
}

/* Copy source bytes into a NUL-terminated string for a message or a name. */
static const char *S_str(struct cstate *cs, size_t off, size_t len)
{
	return arena_strndup(cs->a, cs->src + off, len);
}

static struct node *S_push(struct cstate *cs, enum node_type type)
{
	cs->nodes = xgrow(cs->nodes, &cs->cap, cs->n + 1, sizeof *cs->nodes);
	struct node *n = &cs->nodes[cs->n++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

/* Push a node that is output where it stands, so it takes a pending line
 * start. */
static struct node *S_push_inline(struct cstate *cs, enum node_type type)
{
	struct node *n = S_push(cs, type);
	n->bol = (unsigned char)cs->at_bol;
	cs->at_bol = 0;
	return n;
}

/* Literal text [a, b). */
static void S_text(struct cstate *cs, size_t a, size_t b)
{
	if (a >= b)
		return;
	struct node *n = S_push_inline(cs, N_TEXT);
	n->s = cs->src + a;
	n->len = b - a;
	cs->at_bol = cs->src[b - 1] == '\n';
}

/* Offset of the closing delimiter at or after `from`; with `lead` set, the
 * offset of `lead` right before it (as in "}}}" or "=}}"). NONE if absent. */
static size_t S_find_close(const struct cstate *cs, size_t from, char lead)
{
	size_t at = from;
	while (at < cs->len) {
		const char *m = memmem(cs->src + at, cs->len - at, cs->ctag, cs->clen);
		if (!m)
			return NONE;
		size_t off = (size_t)(m - cs->src);
		if (!lead)
			return off;
		if (off > from && cs->src[off - 1] == lead)
			return off - 1;
		at = off + 1;
	}
	return NONE;
}

/* Scan the tag whose opening delimiter is at `start`. Returns D__MAX when
 * it is well formed, else the diagnostic to report (nothing is reported
 * here, so this also serves to look ahead). */
static enum diag_id S_scan_tag(const struct cstate *cs, size_t start, struct tag *t)
{
	const char *src = cs->src;
	size_t p = start + cs->olen;
	char lead = 0;
	memset(t, 0, sizeof *t);
	t->start = start;
	if (p < cs->len && (src[p] == '{' || src[p] == '=')) {
		t->kind = src[p];
		lead = src[p] == '{' ? '}' : '=';
		p++;
	} else {
		size_t s = p;
		while (s < cs->len && S_space(src[s]))
			s++;
		if (s < cs->len && src[s] && strchr("#^/><$&!", src[s])) {
			t->kind = src[s];
			p = s + 1;
		}
	}
	size_t q = S_find_close(cs, p, lead);
	if (q == NONE)
		return D_TPL_UNCLOSED_TAG;
	t->end = q + (lead ? 1 : 0) + cs->clen;
	size_t a = p, b = q;
	while (a < b && S_space(src[a]))
		a++;
	while (b > a && S_space(src[b - 1]))
		b--;
	t->name = a;
	t->name_len = b - a;
	if (t->kind == '!' || t->kind == '=')
		return D__MAX;
	if (a == b)
		return D_TPL_EMPTY_NAME;
	for (size_t i = a; i < b; i++)
		if (S_space(src[i]))
			return D_TPL_BAD_NAME;
	return D__MAX;
}

/* Is the tag at `start` preceded only by blanks since its line began? The
 * text since the last tag starts at `pos`. Sets *lead to the line start. */
static int S_ws_before(const struct cstate *cs, size_t pos, size_t start, size_t *lead)
{
	size_t i = start;
	while (i > pos && S_blank(cs->src[i - 1]))
		i--;
	if (i == 0 || cs->src[i - 1] == '\n') {
		*lead = i;
		return 1;
	}
	return 0;
}

/* Is the tag ending at `end` followed only by blanks up to a line end (or
 * the end of the template)? Sets *line_end past the newline. */
static int S_ws_after(const struct cstate *cs, size_t end, size_t *line_end)
{
	size_t i = end;
	while (i < cs->len && S_blank(cs->src[i]))
		i++;
	if (i == cs->len) {
		*line_end = i;
		return 1;
	}
	if (cs->src[i] == '\n') {
		*line_end = i + 1;
		return 1;
	}
	if (cs->src[i] == '\r' && i + 1 < cs->len && cs->src[i + 1] == '\n') {
		*line_end = i + 2;
		return 1;
	}
	return 0;
}

static int S_same_name(const struct cstate *cs, const struct tag *a, const struct tag *b)
{
	return a->name_len == b->name_len &&
	       memcmp(cs->src + a->name, cs->src + b->name, a->name_len) == 0;
}

/* Inheritance lets two adjacent tags share a standalone line (spec
 * ~inheritance, "Standalone parent/block"): {{<p}}{{/p}}, {{$b}}{{/b}},
 * {{<p}}{{$b}} and {{/b}}{{/p}}. If `t` starts such a pair, scan the second
 * tag into *t2 and say in *skip whether the pair takes the rest of its line
 * (all but {{$b}}{{/b}}, whose newline stays after the block's content). */
static int S_pair(const struct cstate *cs, const struct tag *t, struct tag *t2, int *skip)
{
	if (t->kind != '<' && t->kind != '$' && t->kind != '/')
		return 0;
	if (cs->len - t->end < cs->olen || memcmp(cs->src + t->end, cs->otag, cs->olen) != 0)
		return 0;
	if (S_scan_tag(cs, t->end, t2) != D__MAX)
		return 0;
	*skip = 1;
	if (t->kind == '<' && t2->kind == '/' && S_same_name(cs, t, t2))
		return 1;
	if (t->kind == '<' && t2->kind == '$')
		return 1;
	if (t->kind == '$' && t2->kind == '/' && S_same_name(cs, t, t2)) {
		*skip = 0;
		return 1;
	}
	if (t->kind == '/' && t2->kind == '/' && cs->nopen >= 2) {
		const struct node *blk = &cs->nodes[cs->open[cs->nopen - 1].node];
		const struct node *par = &cs->nodes[cs->open[cs->nopen - 2].node];
		return blk->type == N_BLOCK && par->type == N_PARENT &&
		       blk->len == t->name_len && memcmp(blk->s, cs->src + t->name, t->name_len) == 0 &&
		       par->len == t2->name_len && memcmp(par->s, cs->src + t2->name, t2->name_len) == 0;
	}
	return 0;
}

static void S_error(struct cstate *cs, size_t off, enum diag_id id, const char *arg)
{
	unsigned line, col;
	S_where(cs, off, &line, &col);
	diag_at(cs->d, id, cs->path, line, col, arg);
	cs->failed = 1;
}

/* {{=open close=}}: switch delimiters for the rest of this template. */
static void S_set_delims(struct cstate *cs, const struct tag *t)
{
	const char *src = cs->src;
	size_t a = t->name, e = t->name + t->name_len, x = a, y;
	while (x < e && !S_space(src[x]))
		x++;
	y = x;
	while (y < e && S_space(src[y]))
		y++;
	int ok = x > a && y < e && !memchr(src + a, '=', x - a) && !memchr(src + y, '=', e - y);
	for (size_t i = y; ok && i < e; i++)
		if (S_space(src[i]))
			ok = 0;
	if (!ok) {
		S_error(cs, t->start, D_TPL_BAD_DELIMS, S_str(cs, t->name, t->name_len));
		return;
	}
	cs->otag = S_str(cs, a, x - a);
	cs->olen = x - a;
	cs->ctag = S_str(cs, y, e - y);
	cs->clen = e - y;
}

/* The common leading blanks of the non-blank source lines in [a, b). */
static size_t S_common_indent(const struct cstate *cs, size_t a, size_t b, size_t *prefix)
{
	size_t k = 0;
	int any = 0;
	while (a < b) {
		size_t ls = a;
		while (a < b && S_blank(cs->src[a]))
			a++;
		const char *nl = memchr(cs->src + a, '\n', b - a);
		size_t eol = nl ? (size_t)(nl - cs->src) : b;
		int blank = a == eol || (cs->src[a] == '\r' && a + 1 == eol);
		if (!blank) {
			size_t w = a - ls;
			if (!any) {
				*prefix = ls;
				k = w;
				any = 1;
			} else {
				size_t j = 0;
				while (j < k && j < w && cs->src[*prefix + j] == cs->src[ls + j])
					j++;
				k = j;
			}
		}
		a = nl ? eol + 1 : b;
	}
	return k;
}

/* Take `k` bytes of indentation away from the nodes [from, to): from text
 * at each line start (now for a node that starts a source line, at render
 * time for lines inside a node), and from the indentation that standalone
 * partials, parents and blocks add. Standalone blocks inside were dedented
 * on their own already. */
static void S_dedent(struct cstate *cs, size_t from, size_t to, size_t k)
{
	for (size_t i = from; i < to; i++) {
		struct node *x = &cs->nodes[i];
		if (x->type == N_TEXT) {
			if (x->s > cs->src && x->s[-1] == '\n') {
				size_t m = 0;
				while (m < k && m < x->len && S_blank(x->s[m]))
					m++;
				x->s += m;
				x->len -= m;
			}
			x->dedent = k;
		} else if (x->type == N_PARTIAL || x->type == N_PARENT || x->type == N_BLOCK) {
			if (x->standalone) {
				size_t m = k < x->ind_len ? k : x->ind_len;
				x->ind += m;
				x->ind_len -= m;
			}
			if (x->type == N_BLOCK && x->standalone)
				i += x->nbody;
		}
	}
}

/* A standalone block's body loses its common indentation, which becomes
 * the indentation the block adds where it is expanded; without any, the
 * block adds the blanks before its tag ("Block reindentation" in the spec). */
static void S_block_indent(struct cstate *cs, const struct open *o, size_t body_end)
{
	struct node *b = &cs->nodes[o->node];
	size_t prefix = 0, k = S_common_indent(cs, o->body, body_end, &prefix);
	if (k) {
		b->ind = cs->src + prefix;
		b->ind_len = k;
		S_dedent(cs, o->node + 1, o->node + 1 + b->nbody, k);
	} else {
		b->ind = cs->src + o->lead;
		b->ind_len = o->lead_len;
	}
}

/* An opening tag as written, without delimiters, for messages: "#name". */
static const char *S_opener(struct cstate *cs, const struct node *n)
{
	char c = n->type == N_SECTION ? '#' : n->type == N_INVERTED ? '^' : n->type == N_PARENT ? '<' : '$';
	return arena_printf(cs->a, "%c%s", c, n->s);
}

/* A closing tag as written, for messages: "/name". */
static const char *S_closer(struct cstate *cs, const struct tag *t)
{
	return arena_printf(cs->a, "/%s", S_str(cs, t->name, t->name_len));
}

static void S_close(struct cstate *cs, const struct tag *t, size_t body_end)
{
	if (!cs->nopen) {
		S_error(cs, t->start, D_TPL_CLOSE_UNOPENED, S_closer(cs, t));
		return;
	}
	const struct open *o = &cs->open[cs->nopen - 1];
	struct node *n = &cs->nodes[o->node];
	if (n->len != t->name_len || memcmp(n->s, cs->src + t->name, n->len) != 0) {
		unsigned line, col;
		S_where(cs, t->start, &line, &col);
		diag_at(cs->d, D_TPL_CLOSE_MISMATCH, cs->path, line, col, S_closer(cs, t), S_opener(cs, n), n->line);
		cs->failed = 1;
		return;
	}
	n->nbody = cs->n - o->node - 1;
	if (n->type == N_BLOCK && n->standalone)
		S_block_indent(cs, o, body_end);
	cs->nopen--;
}

/* Turn a scanned tag into nodes. `lead` is where a standalone tag's line
 * starts; `after` is where the source continues. */
static void S_tag(struct cstate *cs, const struct tag *t, int standalone, size_t lead, size_t after)
{
	static const enum node_type types[] = {
		['#'] = N_SECTION, ['^'] = N_INVERTED, ['<'] = N_PARENT, ['$'] = N_BLOCK,
		['>'] = N_PARTIAL, ['&'] = N_RAW, ['{'] = N_RAW, ['\0'] = N_VAR,
	};
	switch (t->kind) {
	case '!':
		return;
	case '=':
		S_set_delims(cs, t);
		return;
	case '/':
		/* a closing tag that begins a line: the line starts in the body */
		if (!standalone && cs->at_bol)
			S_push_inline(cs, N_INDENT);
		S_close(cs, t, standalone ? lead : t->start);
		return;
	default:
		break;
	}
	enum node_type type = types[(unsigned char)t->kind];
	struct node *n = standalone ? S_push(cs, type) : S_push_inline(cs, type);
	S_where(cs, t->start, &n->line, &n->col);
	n->s = S_str(cs, t->name, t->name_len);
	n->len = t->name_len;
	n->standalone = (unsigned char)standalone;
	n->body_bol = (unsigned char)cs->at_bol;
	n->ind = cs->src + lead;
	n->ind_len = standalone ? t->start - lead : 0;
	if (n->type == N_SECTION || n->type == N_INVERTED || n->type == N_PARENT || n->type == N_BLOCK) {
		cs->open = xgrow(cs->open, &cs->capopen, cs->nopen + 1, sizeof *cs->open);
		struct open *o = &cs->open[cs->nopen++];
		o->node = cs->n - 1;
		o->body = after;
		o->lead = lead;
		o->lead_len = n->ind_len;
	}
}

/* The compiler's main loop: text up to the next tag, the tag, and so on.
 * After an error it goes on to the next tag (so that one run reports every
 * problem it can) unless the tag has no end, which leaves nothing to trust. */
static void S_compile(struct cstate *cs)
{
	size_t pos = 0;
	while (pos < cs->len) {
		const char *m = memmem(cs->src + pos, cs->len - pos, cs->otag, cs->olen);
		if (!m)
			break;
		size_t start = (size_t)(m - cs->src);
		struct tag t;
		enum diag_id e = S_scan_tag(cs, start, &t);
		if (e == D_TPL_UNCLOSED_TAG) {
			const char *want = cs->ctag;
			if (t.kind == '{' || t.kind == '=')
				want = arena_printf(cs->a, "%c%s", t.kind == '{' ? '}' : '=', cs->ctag);
			S_error(cs, start, e, want);
			return;
		}
		if (e != D__MAX) {
			S_error(cs, start, e, S_str(cs, t.name, t.name_len));
			pos = t.end;
			continue;
		}

		int standalone = 0, skip = 0, second = 0;
		size_t lead = start, line_end = t.end, le;
		if (start == cs->pair_at) {
			standalone = second = 1;
			skip = cs->pair_skip && S_ws_after(cs, t.end, &line_end);
			cs->pair_at = NONE;
		} else if (t.kind && strchr("#^/!=><$", t.kind) && S_ws_before(cs, pos, start, &lead)) {
			struct tag t2;
			int pskip;
			if (S_pair(cs, &t, &t2, &pskip)) {
				if (S_ws_after(cs, t2.end, &le)) {
					standalone = 1;
					cs->pair_at = t2.start;
					cs->pair_skip = pskip;
				}
			} else if (S_ws_after(cs, t.end, &line_end)) {
				standalone = skip = 1;
			}
		}
		if (!standalone)
			lead = start;

		S_text(cs, pos, lead);
		S_tag(cs, &t, standalone, lead, skip ? line_end : t.end);
		pos = skip ? line_end : t.end;
		if (second && !skip)
			cs->at_bol = 0; /* {{$b}}{{/b}}: the rest of the line follows */
	}
	S_text(cs, pos, cs->len);
	for (size_t i = 0; i < cs->nopen; i++) {
		const struct node *n = &cs->nodes[cs->open[i].node];
		diag_at(cs->d, D_TPL_UNCLOSED, cs->path, n->line, n->col, S_opener(cs, n));
		cs->failed = 1;
	}
}

int mustache_add(struct mustache_set *set, const char *name, const char *path,
		 const char *src, size_t len, struct diags *d)
{
	if (!path)
		path = name;
	if (len > MUSTACHE_MAX_TEMPLATE) {
		diag_at(d, D_TPL_TOO_BIG, path, 0, 0, (unsigned)MUSTACHE_MAX_TEMPLATE);
		return -1;
	}
	int found;
	size_t at = S_search(set, name, strlen(name), &found);
	if (found) {
		diag_at(d, D_TPL_DUPLICATE, path, 0, 0, name);
		return -1;
	}

	struct cstate cs = {
		.a = &set->arena,
		.d = d,
		.path = path,
		.src = arena_strndup(&set->arena, len ? src : "", len),
		.len = len,
		.otag = "{{", .olen = 2,
		.ctag = "}}", .clen = 2,
		.at_bol = 1,
		.pair_at = NONE,
		.lc_line = 1, .lc_col = 1,
	};
	S_compile(&cs);
	if (cs.failed) {
		free(cs.nodes);
		free(cs.open);
		return -1;
	}

	struct mustache *t = arena_zalloc(&set->arena, sizeof *t);
	t->name = arena_strdup(&set->arena, name);
	t->name_len = strlen(name);
	t->path = arena_strdup(&set->arena, path);
	t->n = cs.n;
	t->nodes = arena_alloc(&set->arena, (cs.n ? cs.n : 1) * sizeof *t->nodes);
	if (cs.n)
		memcpy(t->nodes, cs.nodes, cs.n * sizeof *t->nodes);
	free(cs.nodes);
	free(cs.open);

	set->list = xgrow(set->list, &set->cap, set->n + 1, sizeof *set->list);
	memmove(set->list + at + 1, set->list + at, (set->n - at) * sizeof *set->list);
	set->list[at] = t;
	set->n++;
	return 0;
}

int mustache_check(const struct mustache_set *set, struct diags *d)
{
	int missing = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct mustache *t = set->list[i];
		for (size_t j = 0; j < t->n; j++) {
			const struct node *n = &t->nodes[j];
			if ((n->type == N_PARTIAL || n->type == N_PARENT) && !S_find(set, n->s, n->len)) {
				diag_at(d, D_TPL_PARTIAL_MISSING, t->path, n->line, n->col, n->s);
				missing++;
			}
		}
	}
	return missing;
}

/* ---- rendering ---- */

struct seg {
	const char *s;
	size_t len;
};

struct rstate {
	const struct mustache_set *set;
	struct buf *out;
	size_t out0;       /* out->len when the render began */
	size_t steps;
	int depth;
	int status;        /* enum mustache_status */
	size_t nctx;       /* the context stack, innermost last */
	const struct val *ctx[MUSTACHE_MAX_DEPTH + 1];
	size_t nind, ind_base; /* indentation emitted at line starts: ind[ind_base..nind) */
	struct seg ind[MUSTACHE_MAX_DEPTH + 1];
	size_t novr;       /* parents being expanded, outermost first */
	const struct node *ovr[MUSTACHE_MAX_DEPTH + 1];
};

/* The value of key [k, k + klen) in `map`, comparing without strlen (and
 * never reading past the key's NUL, even if the name holds one). */
static const struct val *S_get(const struct val *map, const char *k, size_t klen)
{
	const struct val_pair *p = val_map_find(map, k, klen);
	return p ? p->val : NULL;
}

/* Resolve a name as the spec says: "." is the top of the context stack; the
 * first part of a dotted name is looked up from the top of the stack down,
 * and each further part only in the value found before it. */
static const struct val *S_lookup(const struct rstate *r, const struct node *n)
{
	const char *p = n->s, *e = n->s + n->len;
	if (n->len == 1 && p[0] == '.')
		return r->ctx[r->nctx - 1];
	const char *dot = memchr(p, '.', n->len);
	size_t plen = (size_t)((dot ? dot : e) - p);
	const struct val *v = NULL;
	for (size_t i = r->nctx; i-- > 0 && !v;)
		v = S_get(r->ctx[i], p, plen);
	while (v && dot) {
		p = dot + 1;
		dot = memchr(p, '.', (size_t)(e - p));
		v = S_get(v, p, (size_t)((dot ? dot : e) - p));
	}
	return v;
}

static void S_put(struct rstate *r, const struct val *v, int escape)
{
	if (!v)
		return;
	if (v->type == VAL_STR) {
		if (escape)
			html_escape(r->out, v->s, v->len);
		else
			buf_add(r->out, v->s, v->len);
	} else if (v->type == VAL_BOOL) {
		buf_adds(r->out, v->b ? "true" : "false");
	}
}

static void S_indent(struct rstate *r)
{
	for (size_t i = r->ind_base; i < r->nind; i++)
		buf_add(r->out, r->ind[i].s, r->ind[i].len);
}

/* Text whose inner lines need indenting or dedenting (the slow path): after
 * each newline that is not the node's last byte, emit the indentation and
 * drop up to n->dedent blanks. */
static void S_text_lines(struct rstate *r, const struct node *n)
{
	const char *p = n->s, *e = n->s + n->len;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl) {
			buf_add(r->out, p, (size_t)(e - p));
			return;
		}
		buf_add(r->out, p, (size_t)(nl + 1 - p));
		p = nl + 1;
		if (p == e)
			return;
		S_indent(r);
		for (size_t m = 0; m < n->dedent && p < e && S_blank(*p); m++)
			p++;
	}
}

/* The block that overrides `site`: the outermost parent being expanded
 * with a direct block of that name wins. NULL if none does. */
static const struct node *S_override(struct rstate *r, const struct node *site)
{
	for (size_t i = 0; i < r->novr; i++) {
		const struct node *p = r->ovr[i], *c = p + 1, *e = p + 1 + p->nbody;
		for (; c < e; c += 1 + c->nbody) {
			r->steps++;
			if (c->type == N_BLOCK && c->len == site->len && memcmp(c->s, site->s, c->len) == 0)
				return c;
		}
	}
	return NULL;
}

static int S_fail(struct rstate *r, int status)
{
	r->status = status;
	return -1;
}

static int S_render(struct rstate *r, const struct node *n, const struct node *end);

/* Render a body one level deeper. */
static int S_body(struct rstate *r, const struct node *n)
{
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return S_fail(r, MUSTACHE_TOO_DEEP);
	r->depth++;
	int rc = S_render(r, n + 1, n + 1 + n->nbody);
	r->depth--;
	return rc;
}

/* {{#name}}: once per list item, or once with a truthy value on top of
 * the context stack. */
static int S_section(struct rstate *r, const struct node *n)
{
	const struct val *v = S_lookup(r, n);
	if (!val_truthy(v))
		return 0;
	size_t count = v->type == VAL_LIST ? v->n : 1;
	for (size_t i = 0; i < count; i++) {
		if (r->nctx > MUSTACHE_MAX_DEPTH)
			return S_fail(r, MUSTACHE_TOO_DEEP);
		r->ctx[r->nctx++] = v->type == VAL_LIST ? v->items[i] : v;
		int rc = S_body(r, n);
		r->nctx--;
		if (rc)
			return rc;
	}
	return 0;
}

/* {{>name}} and {{<name}}: another template, indented when the tag was
 * standalone, and without indentation otherwise (its lines are not ours). */
static int S_include(struct rstate *r, const struct node *n)
{
	const struct mustache *t = S_find(r->set, n->s, n->len);
	if (!t)
		return 0;
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return S_fail(r, MUSTACHE_TOO_DEEP);
	size_t nind = r->nind, base = r->ind_base, novr = r->novr;
	if (!n->standalone)
		r->ind_base = r->nind;
	else if (n->ind_len)
		r->ind[r->nind++] = (struct seg){ n->ind, n->ind_len };
	if (n->type == N_PARENT)
		r->ovr[r->novr++] = n;
	r->depth++;
	int rc = S_render(r, t->nodes, t->nodes + t->n);
	r->depth--;
	r->nind = nind;
	r->ind_base = base;
	r->novr = novr;
	return rc;
}

/* {{$name}}: the overriding block's content, or the default. */
static int S_block(struct rstate *r, const struct node *n)
{
	const struct node *b = S_override(r, n);
	if (!b)
		b = n;
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return S_fail(r, MUSTACHE_TOO_DEEP);
	size_t nind = r->nind;
	if (n->standalone && n->ind_len)
		r->ind[r->nind++] = (struct seg){ n->ind, n->ind_len };
	/* A standalone site starts a line even if the content did not. */
	if (n->standalone && b->nbody && !b->body_bol)
		S_indent(r);
	int rc = S_body(r, b);
	r->nind = nind;
	return rc;
}

/* Render the sibling nodes [n, end). Returns 0 or -1 (r->status says why). */
static int S_render(struct rstate *r, const struct node *n, const struct node *end)
{
	for (; n < end; n += 1 + n->nbody) {
		int rc = 0;
		if (++r->steps > MUSTACHE_MAX_STEPS)
			return S_fail(r, MUSTACHE_TOO_LONG);
		if (n->bol)
			S_indent(r);
		switch (n->type) {
		case N_TEXT:
			if (n->dedent || r->nind > r->ind_base)
				S_text_lines(r, n);
			else
				buf_add(r->out, n->s, n->len);
			break;
		case N_INDENT:
			break;
		case N_VAR:
		case N_RAW:
			S_put(r, S_lookup(r, n), n->type == N_VAR);
			break;
		case N_SECTION:
			rc = S_section(r, n);
			break;
		case N_INVERTED:
			if (!val_truthy(S_lookup(r, n)))
				rc = S_body(r, n);
			break;
		case N_PARTIAL:
		case N_PARENT:
			rc = S_include(r, n);
			break;
		case N_BLOCK:
			rc = S_block(r, n);
			break;
		}
		if (rc)
			return rc;
		if (r->out->len - r->out0 > MUSTACHE_MAX_OUTPUT)
			return S_fail(r, MUSTACHE_TOO_BIG);
	}
	return 0;
}

int mustache_render(const struct mustache_set *set, const struct mustache *t,
		    const struct val *ctx, struct buf *out)
{
	struct rstate r;
	if (!t)
		return MUSTACHE_OK;
	r.set = set;
	r.out = out;
	r.out0 = out->len;
	r.steps = 0;
	r.depth = 0;
	r.status = MUSTACHE_OK;
	r.nctx = 1;
	r.ctx[0] = ctx;
	r.nind = r.ind_base = 0;
	r.novr = 0;
	if (S_render(&r, t->nodes, t->nodes + t->n))
		return r.status;
	return MUSTACHE_OK;
}
