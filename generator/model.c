/* model.c: the model's teardown (model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "strmap.h"

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->npages; i++)
		free(m->pages[i]->links.items);
	for (size_t i = 0; i < m->nskipped; i++)
		free(m->skipped[i]->links.items);
	for (size_t i = 0; i < m->ntrees; i++)
		for (size_t k = 0; k < m->trees[i]->nnodes; k++)
			free(m->trees[i]->nodes[k].links.items);
	free(m->pages);
	free(m->skipped);
	free(m->trees);
	for (size_t i = 0; i < m->narenas; i++) {
		arena_free(m->arenas[i]);
		free(m->arenas[i]);
	}
	free(m->arenas);
	if (m->urls)
		strmap_free(m->urls);
	if (m->claims)
		strmap_free(m->claims);
	if (m->index)
		strmap_free(m->index);
	if (m->arena)
		arena_free(m->arena);
	*m = (struct model){ 0 };
}

void model_unloaded_add(struct model *m, enum unloaded_kind kind, int lang, const char *id, const char *path)
{
	struct unloaded *u = arena_zalloc(m->arena, sizeof *u);
	*u = (struct unloaded){ kind, lang, id, path, 0, m->unloaded };
	m->unloaded = u;
}

struct unloaded *model_unloaded_ref(const struct model *m, enum unloaded_kind kind, int lang, const char *id)
{
	for (struct unloaded *u = m->unloaded; u; u = u->next)
		if (u->kind == kind && u->lang == lang && (!id || !u->id || !strcmp(u->id, id))) {
			u->refs++;
			return u;
		}
	return NULL;
}
