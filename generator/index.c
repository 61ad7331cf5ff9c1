/* index.c: the id lookups of index.h, one hash map keyed by kind,
 * language and id. */
#include "index.h"

#include <stdio.h>
#include <string.h>

#include "strmap.h"

/* Keys are "<kind><lang>:<id>": kinds and languages are single characters. */
static char *S_key(struct arena *a, enum index_kind kind, int lang, const char *id)
{
	return arena_printf(a, "%c%d:%s", (char)kind, lang, id);
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
	m->index = strmap_new();
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
	int n = snprintf(small, sizeof small, "%c%d:%s", (char)kind, lang, id);
	if (n < 0 || (size_t)n >= sizeof small)
		return NULL; /* ids are slugs of at most 100 characters */
	return strmap_get(m->index, small);
}
