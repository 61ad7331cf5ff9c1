/* index.c: the id lookups of index.h, one hash map keyed by kind,
 * language and id. */
#include "index.h"

#include <string.h>

#include "strmap.h"

/* Keys are "<kind><lang>:<id>": the kind is one character, the language
 * its number. Written by hand: every page and every lookup makes one, and
 * snprintf's cost showed in hhd serve's rebuilds. Returns the length, or 0
 * when the key does not fit `cap` bytes. */
static size_t S_keyn(char *out, size_t cap, enum index_kind kind, int lang, const char *id)
{
	char num[12], *q = num + sizeof num;
	unsigned u = (unsigned)lang;
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	size_t nn = (size_t)(num + sizeof num - q), ni = strlen(id), n = 1 + nn + 1 + ni;
	if (n + 1 > cap)
		return 0;
	out[0] = (char)kind;
	memcpy(out + 1, q, nn);
	out[1 + nn] = ':';
	memcpy(out + 2 + nn, id, ni + 1);
	return n;
}

static char *S_key(struct arena *a, enum index_kind kind, int lang, const char *id)
{
	size_t cap = strlen(id) + 16;
	char *k = arena_alloc(a, cap);
	S_keyn(k, cap, kind, lang, id);
	return k;
}

static void S_put(struct model *m, enum index_kind kind, int lang, const char *id, void *v, int first)
{
	char *k = S_key(m->arena, kind, lang, id);
	if (first && strmap_get(m->index, k))
		return;
	strmap_put(m->index, k, v);
}

void index_build(struct model *m)
{
	if (m->index)
		strmap_free(m->index);
	m->index = strmap_new_cap(m->npages + m->ntrees + m->norgs);
	for (size_t i = 0; i < m->npages; i++) {
		struct page *p = m->pages[i];
		if (p->kind == PAGE_TIP)
			S_put(m, IX_TIP, p->lang, p->id, p, 0);
		else if (p->kind == PAGE_PAGE && p->layout.s)
			S_put(m, IX_LAYOUT, p->lang, p->layout.s, p, 1);
	}
	for (size_t i = 0; i < m->ntrees; i++)
		S_put(m, IX_TREE, m->trees[i]->lang, m->trees[i]->id, m->trees[i], 0);
	for (size_t i = 0; i < m->norgs; i++)
		if (m->orgs[i].id.s)
			S_put(m, IX_ORG, 0, m->orgs[i].id.s, &m->orgs[i], 1);
}

void *index_get(const struct model *m, enum index_kind kind, int lang, const char *id)
{
	if (!m->index)
		return NULL;
	char small[256];
	if (!S_keyn(small, sizeof small, kind, lang, id))
		return NULL; /* ids are slugs of at most 100 characters */
	return strmap_get(m->index, small);
}
