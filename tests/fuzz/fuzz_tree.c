/* Fuzz target: a decision-tree YAML file through the tree parser and the
 * cross-checks (YAML with depth, alias and node limits; nodes, answers,
 * steps, Markdown fields), in memory: the input gets load_file's text check,
 * then tree_parse, as content/<lang>/trees/<id>.yaml would. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "load.h"
#include "markdown.h"
#include "model.h"
#include "tree.h"
#include "validate.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		md_init();
		init = 1;
	}
	if (size > 65536)
		return 0;
	static const char path[] = "content/nl/trees/t.yaml";
	const char *src = (const char *)data;
	struct arena a;
	arena_init(&a);
	struct model m = { .arena = &a };
	m.site.nlangs = 1;
	m.site.langs[0] = (struct lang){ .code = "nl", .sec_tips = "tips", .sec_help = "hulp",
					 .sec_plans = "plannen", .sec_orgs = "orgs" };
	struct diags d;
	diags_init(&d);
	struct tree *t = load_check_text(path, src, size, &d) == 0 ? tree_parse(&m, src, size, path, "t", 0, &d)
								   : NULL;
	if (t) {
		m.trees = xgrow(m.trees, &m.captrees, 1, sizeof *m.trees);
		m.trees[m.ntrees++] = t;
	}
	validate_site(&m, &d);
	model_free(&m);  /* frees the arena too */
	diags_free(&d);
	return 0;
}
