#include "report.h"

#include <string.h>

/* For each language other than the default: which trees, tips and pages are
 * present, missing, or reviewed earlier than the default language's version. */
void report_translations(const struct model *m, FILE *out)
{
	int def = m->site.deflang;
	for (int li = 0; li < m->site.nlangs; li++) {
		const char *code = m->site.langs[li].code;
		fprintf(out, "language %s%s\n", code, li == def ? " (default)" : "");
		static const char *const kinds[] = { "home", "pages", "tips" };
		for (int k = 0; k <= 3; k++) {
			size_t present = 0, missing = 0, older = 0, total = 0;
			struct { const char *id; const char *what; } miss[512];
			size_t nmiss = 0;
			if (k < 3) {
				enum page_kind pk = k == 0 ? PAGE_HOME : k == 1 ? PAGE_PAGE : PAGE_TIP;
				for (size_t i = 0; i < m->npages; i++) {
					const struct page *p = m->pages[i];
					if (p->kind != pk || p->lang != def)
						continue;
					total++;
					const struct page *t = p->trans[li];
					if (!t) {
						missing++;
						if (nmiss < 512)
							miss[nmiss++] = (typeof(miss[0])){ p->id, "missing" };
					} else {
						present++;
						if (p->reviewed.s && (!t->reviewed.s || strcmp(t->reviewed.s, p->reviewed.s) < 0)) {
							older++;
							if (nmiss < 512)
								miss[nmiss++] = (typeof(miss[0])){ p->id, "older" };
						}
					}
				}
			} else {
				for (size_t i = 0; i < m->ntrees; i++) {
					const struct tree *t = m->trees[i];
					if (t->lang != def)
						continue;
					total++;
					const struct tree *x = t->trans[li];
					if (!x) {
						missing++;
						if (nmiss < 512)
							miss[nmiss++] = (typeof(miss[0])){ t->id, "missing" };
					} else {
						present++;
						if (t->reviewed.s && x->reviewed.s && strcmp(x->reviewed.s, t->reviewed.s) < 0) {
							older++;
							if (nmiss < 512)
								miss[nmiss++] = (typeof(miss[0])){ t->id, "older" };
						}
					}
				}
			}
			fprintf(out, "  %-6s %zu of %zu present, %zu missing, %zu reviewed earlier than %s\n",
				k < 3 ? kinds[k] : "trees", present, total, missing, older, m->site.langs[def].code);
			for (size_t i = 0; i < nmiss && li != def; i++)
				fprintf(out, "    %s: %s\n", miss[i].what, miss[i].id);
		}
	}
}
