/* report.c: `hhd check --report`: per language, missing and outdated
 * translations of pages and trees. */
#include "report.h"

#include <string.h>

#include "buf.h"

struct tally {
	size_t total, present, missing, older;
	struct buf list; /* "    missing: id\n" lines */
};

/* Count one item of the default language against its translation. */
static void S_tally_add(struct tally *t, const char *id, int present, const char *def_reviewed,
		        const char *reviewed)
{
	t->total++;
	if (!present) {
		t->missing++;
		buf_addf(&t->list, "    missing: %s\n", id);
		return;
	}
	t->present++;
	if (def_reviewed && (!reviewed || strcmp(reviewed, def_reviewed) < 0)) {
		t->older++;
		buf_addf(&t->list, "    older: %s\n", id);
	}
}

static void S_tally_print(struct tally *t, const char *what, const char *def, int list, FILE *out)
{
	fprintf(out, "  %-6s %zu of %zu present, %zu missing, %zu reviewed earlier than %s\n", what, t->present,
		t->total, t->missing, t->older, def);
	if (list)
		fputs(t->list.ptr, out);
	buf_free(&t->list);
}

/* For each language: which trees, tips and pages the default language has
 * that this one lacks, or has with an older `reviewed` date. */
void report_translations(const struct model *m, FILE *out)
{
	int def = m->site.deflang;
	const char *defcode = m->site.langs[def].code;
	static const struct {
		const char *name;
		enum page_kind kind;
	} kinds[] = { { "home", PAGE_HOME }, { "pages", PAGE_PAGE }, { "tips", PAGE_TIP } };
	for (int li = 0; li < m->site.nlangs; li++) {
		fprintf(out, "language %s%s\n", m->site.langs[li].code, li == def ? " (default)" : "");
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
			struct tally t = { .list = BUF_INIT };
			for (size_t i = 0; i < m->npages; i++) {
				const struct page *p = m->pages[i];
				if (p->kind != kinds[k].kind || p->lang != def)
					continue;
				const struct page *x = p->trans[li];
				S_tally_add(&t, p->id, x != NULL, p->reviewed.s, x ? x->reviewed.s : NULL);
			}
			S_tally_print(&t, kinds[k].name, defcode, li != def, out);
		}
		struct tally t = { .list = BUF_INIT };
		for (size_t i = 0; i < m->ntrees; i++) {
			const struct tree *tr = m->trees[i];
			if (tr->lang != def)
				continue;
			const struct tree *x = tr->trans[li];
			S_tally_add(&t, tr->id, x != NULL, tr->reviewed.s, x ? x->reviewed.s : NULL);
		}
		S_tally_print(&t, "trees", defcode, li != def, out);
	}
}
