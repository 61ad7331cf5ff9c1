/* schema.c: typed fields read from YAML mappings (see schema.h), each
 * reporting its own problems so one run reports every problem of a file. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "suggest.h"

int schema_keys(const struct ynode *map, const char *const *allowed, struct diags *d)
{
	int bad = 0;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->type != Y_SCALAR)
			continue; /* reported by the loader */
		int known = 0;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, k->str) == 0;
		if (known)
			continue;
		/* an unknown key: the nearest allowed one (the edit distances
		 * only now: every file's every key goes through here) */
		struct suggest s;
		suggest_init(&s, k->str);
		for (const char *const *a = allowed; *a; a++)
			suggest_add(&s, *a);
		char hint[512];
		suggest_hint(&s, hint, sizeof hint);
		if (!s.best) {
			/* nothing close: list what is allowed here */
			size_t len = (size_t)snprintf(hint, sizeof hint, "; allowed here:");
			for (const char *const *a = allowed; *a && len < sizeof hint; a++)
				len += (size_t)snprintf(hint + len, sizeof hint - len, "%s %s", a == allowed ? "" : ",", *a);
		}
		diag_report(d, D_KEY_UNKNOWN, k->pos, k->str, hint);
		bad++;
	}
	return bad;
}

static const struct ynode *S_get(const struct ynode *map, const char *key, int required, struct diags *d)
{
	const struct ynode *v = ymap_get(map, key);
	if (!v || yscalar_is_null(v)) {
		if (required)
			diag_report(d, D_KEY_MISSING, map->pos, key);
		return NULL;
	}
	return v;
}

struct sstr schema_str(const struct ynode *map, const char *key, int required, struct diags *d)
{
	struct sstr r = { NULL, map->pos };
	const struct ynode *v = S_get(map, key, required, d);
	if (!v)
		return r;
	r.pos = v->pos;
	if (v->type != Y_SCALAR) {
		diag_report(d, D_TYPE_STRING, v->pos, key);
		return r;
	}
	if (required && v->len == 0) {
		diag_report(d, D_EMPTY_STRING, v->pos, key);
		return r;
	}
	r.s = v->str;
	/* what `hhd new` left to write (scaffold.h) */
	if (!strncmp(v->str, "TODO: ", 6))
		diag_report(d, D_PLACEHOLDER, v->pos, key, v->str + 6);
	return r;
}

int schema_enum(const struct ynode *map, const char *key, const char *const *names, int n, int required,
		struct sstr *out, struct diags *d)
{
	struct sstr v = schema_str(map, key, required, d);
	if (out)
		*out = v;
	if (!v.s)
		return -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], v.s))
			return i;
	struct buf list = BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (i)
			buf_adds(&list, ", ");
		buf_adds(&list, names[i]);
	}
	diag_report(d, D_BAD_ENUM, v.pos, key, list.ptr ? list.ptr : "");
	buf_free(&list);
	return -1;
}

int schema_int(const struct ynode *map, const char *key, int dflt, struct diags *d)
{
	const struct ynode *v = S_get(map, key, 0, d);
	if (!v)
		return dflt;
	char *end;
	long n = 0;
	if (v->type == Y_SCALAR && v->plain && v->len)
		n = strtol(v->str, &end, 10);
	if (v->type != Y_SCALAR || !v->plain || !v->len || *end || n < -1000000 || n > 1000000) {
		diag_report(d, D_TYPE_INT, v->pos, key);
		return dflt;
	}
	return (int)n;
}

int schema_bool(const struct ynode *map, const char *key, int dflt, struct diags *d)
{
	const struct ynode *v = S_get(map, key, 0, d);
	if (!v)
		return dflt;
	if (v->type == Y_SCALAR && v->plain) {
		if (!strcmp(v->str, "true") || !strcmp(v->str, "True") || !strcmp(v->str, "TRUE"))
			return 1;
		if (!strcmp(v->str, "false") || !strcmp(v->str, "False") || !strcmp(v->str, "FALSE"))
			return 0;
	}
	diag_report(d, D_TYPE_BOOL, v->pos, key);
	return dflt;
}

static int S_is_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), day = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	if (m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

struct sstr schema_date(const struct ynode *map, const char *key, int required, struct diags *d)
{
	struct sstr r = { NULL, map->pos };
	const struct ynode *v = S_get(map, key, required, d);
	if (!v)
		return r;
	r.pos = v->pos;
	if (v->type != Y_SCALAR || !S_is_date(v->str)) {
		diag_report(d, D_TYPE_DATE, v->pos, key);
		return r;
	}
	r.s = v->str;
	return r;
}

struct slist schema_strlist(struct arena *a, const struct ynode *map, const char *key, struct diags *d)
{
	struct slist r = { NULL, 0 };
	const struct ynode *v = S_get(map, key, 0, d);
	if (!v)
		return r;
	if (v->type != Y_SEQ) {
		diag_report(d, D_TYPE_LIST, v->pos, key);
		return r;
	}
	r.items = arena_alloc(a, (v->n ? v->n : 1) * sizeof *r.items);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		if (it->type != Y_SCALAR || it->len == 0) {
			diag_report(d, D_TYPE_STRING, it->pos, key);
			continue;
		}
		r.items[r.n++] = (struct sstr){ it->str, it->pos };
	}
	return r;
}

/* A value that must be of `type` (reported as `id` otherwise); NULL when absent. */
static const struct ynode *S_typed(const struct ynode *map, const char *key, int required,
				   enum ynode_type type, enum diag_id id, struct diags *d)
{
	const struct ynode *v = S_get(map, key, required, d);
	if (v && v->type != type) {
		diag_report(d, id, v->pos, key);
		return NULL;
	}
	return v;
}

const struct ynode *schema_map(const struct ynode *map, const char *key, int required, struct diags *d)
{
	return S_typed(map, key, required, Y_MAP, D_TYPE_MAP, d);
}

const struct ynode *schema_seq(const struct ynode *map, const char *key, int required, struct diags *d)
{
	return S_typed(map, key, required, Y_SEQ, D_TYPE_LIST, d);
}

int schema_object(const struct ynode *n, const char *what, const char *const *allowed, struct diags *d)
{
	if (n->type != Y_MAP) {
		diag_report(d, D_TYPE_MAP, n->pos, what);
		return -1;
	}
	schema_keys(n, allowed, d);
	return 0;
}

int schema_is_slug(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return s[n - 1] != '-' && n <= SCHEMA_MAX_SLUG;
}

int schema_is_phone(const char *s)
{
	int digits = 0;
	for (const char *c = s; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digits++;
		else if (!(*c == ' ' || *c == '-' || (*c == '+' && c == s) || *c == '(' || *c == ')'))
			return 0;
	}
	return digits >= 3 && digits <= 15;
}

int schema_is_http_url(const char *s)
{
	const char *rest;
	if (!strncmp(s, "https://", 8))
		rest = s + 8;
	else if (!strncmp(s, "http://", 7))
		rest = s + 7;
	else
		return 0;
	if (!*rest || *rest == '/' || *rest == '.')
		return 0;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
			return 0;
	return 1;
}

struct slist schema_sources(struct arena *a, const struct ynode *map, struct diags *d)
{
	struct slist l = schema_strlist(a, map, "sources", d);
	for (size_t i = 0; i < l.n; i++)
		if (!schema_is_http_url(l.items[i].s))
			diag_report(d, D_BAD_URL, l.items[i].pos, l.items[i].s);
	return l;
}

/* keywords are compared without ASCII case, as the search folds them */
static int S_same_keyword(const char *x, const char *y)
{
	for (; *x && *y; x++, y++) {
		int a = *x >= 'A' && *x <= 'Z' ? *x + 32 : *x, b = *y >= 'A' && *y <= 'Z' ? *y + 32 : *y;
		if (a != b)
			return 0;
	}
	return *x == *y;
}

struct slist schema_keywords(struct arena *a, const struct ynode *map, struct diags *d)
{
	struct slist l = schema_strlist(a, map, "keywords", d);
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++) {
		const struct sstr *k = &l.items[i];
		size_t cps = 0;
		for (const char *c = k->s; *c; c++)
			cps += ((unsigned char)*c & 0xC0) != 0x80;
		if (cps > SCHEMA_MAX_KEYWORD) {
			diag_report(d, D_KEYWORD_LONG, k->pos, k->s, SCHEMA_MAX_KEYWORD);
			continue;
		}
		int dup = 0;
		for (size_t j = 0; j < n && !dup; j++)
			dup = S_same_keyword(l.items[j].s, k->s);
		if (dup) {
			diag_report(d, D_KEYWORD_DUP, k->pos, k->s);
			continue;
		}
		if (n == SCHEMA_MAX_KEYWORDS) {
			diag_report(d, D_KEYWORDS_MANY, k->pos, SCHEMA_MAX_KEYWORDS);
			break;
		}
		l.items[n++] = *k;
	}
	l.n = n;
	return l;
}
