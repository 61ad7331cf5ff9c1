/* Fuzz target: a decision-tree YAML file through the tree loader (YAML with
 * depth, alias and node limits; nodes, answers, steps, Markdown fields). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "markdown.h"
#include "tree.h"
#include "fileio.h"
#include "strmap.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	static char dir[64];
	if (!init) {
		md_init();
		snprintf(dir, sizeof dir, "/tmp/hhd-fuzz-tree-%ld", (long)getpid());
		init = 1;
	}
	if (size > 65536)
		return 0;
	/* the loader reads files: write the input as the one tree of a folder */
	char path[128];
	snprintf(path, sizeof path, "%s/t.yaml", dir);
	dir_make(dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct arena a;
	arena_init(&a);
	struct model m = { .arena = &a };
	m.site.nlangs = 1;
	m.site.langs[0] = (struct lang){ .code = "nl", .sec_tips = "tips", .sec_help = "hulp",
					 .sec_plans = "plannen", .sec_orgs = "orgs" };
	struct diags d;
	diags_init(&d);
	trees_load_dir(&m, dir, 0, &d);
	validate_site(&m, &d);
	for (size_t i = 0; i < m.ntrees; i++)
		for (size_t k = 0; k < m.trees[i]->nnodes; k++)
			free(m.trees[i]->nodes[k].links.items);
	free(m.trees);
	if (m.urls)
		strmap_free(m.urls);
	if (m.index)
		strmap_free(m.index);
	diags_free(&d);
	arena_free(&a);
	unlink(path);
	return 0;
}
