/* scaffold.c: the texts of `hhd new` (scaffold.h). Pure: no files. */
#include "scaffold.h"

#include <string.h>

static const char *const kind_names[SCAFFOLD__MAX] = { "tip", "tree", "page" };

/* Placeholders, [0] Dutch, [1] English. */
enum { P_TIP_TITLE, P_TIP_SUMMARY, P_TIP_BODY, P_PAGE_TITLE, P_PAGE_SUMMARY, P_PAGE_BODY, P_TREE_TITLE,
       P_QUESTION, P_ANSWER1, P_ANSWER2, P_OUTCOME, P_STEP, P__MAX };
static const char *const texts[P__MAX][2] = {
	[P_TIP_TITLE] = { "de titel van de tip, in een paar woorden", "the tip's title, in a few words" },
	[P_TIP_SUMMARY] = { "een zin over wat de lezer hier leert", "one sentence on what the reader learns here" },
	[P_TIP_BODY] = { "schrijf hier de tip.", "write the tip here." },
	[P_PAGE_TITLE] = { "de titel van de pagina", "the page's title" },
	[P_PAGE_SUMMARY] = { "een zin over wat op deze pagina staat", "one sentence on what this page holds" },
	[P_PAGE_BODY] = { "schrijf hier de tekst van de pagina.", "write the page's text here." },
	[P_TREE_TITLE] = { "de titel van de beslisboom, in een paar woorden",
			   "the decision tree's title, in a few words" },
	[P_QUESTION] = { "de eerste vraag aan de lezer", "the first question to the reader" },
	[P_ANSWER1] = { "het eerste antwoord", "the first answer" },
	[P_ANSWER2] = { "het tweede antwoord", "the second answer" },
	[P_OUTCOME] = { "wat de lezer nu moet doen", "what the reader must do now" },
	[P_STEP] = { "de eerste stap", "the first step" },
};

int scaffold_kind(const char *name)
{
	for (int k = 0; k < SCAFFOLD__MAX; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}

void scaffold_path(enum scaffold_kind k, const char *lang, const char *name, struct buf *out)
{
	static const char *const dirs[SCAFFOLD__MAX] = { "tips", "trees", "pages" };
	buf_addf(out, "%s/%s/%s%s", lang, dirs[k], name, k == SCAFFOLD_TREE ? ".yaml" : ".md");
}

void scaffold_text(enum scaffold_kind k, const char *lang, const char *date, struct buf *out)
{
	int en = strcmp(lang, "nl") != 0;
#define T(p) texts[p][en]
	switch (k) {
	case SCAFFOLD_TIP:
	case SCAFFOLD_PAGE: {
		int tip = k == SCAFFOLD_TIP;
		buf_addf(out, "---\ntitle: \"TODO: %s\"\nsummary: \"TODO: %s\"\n", T(tip ? P_TIP_TITLE : P_PAGE_TITLE),
			 T(tip ? P_TIP_SUMMARY : P_PAGE_SUMMARY));
		if (tip)
			buf_addf(out, "reviewed: %s\n", date);
		buf_addf(out, "---\nTODO: %s\n", T(tip ? P_TIP_BODY : P_PAGE_BODY));
		break;
	}
	case SCAFFOLD_TREE:
		buf_addf(out,
			 "title: \"TODO: %s\"\n"
			 "reviewed: %s\n"
			 "start: start\n"
			 "nodes:\n"
			 "  start:\n"
			 "    question: \"TODO: %s\"\n"
			 "    answers:\n"
			 "      - label: \"TODO: %s\"\n"
			 "        next: outcome-1\n"
			 "      - label: \"TODO: %s\"\n"
			 "        next: outcome-2\n",
			 T(P_TREE_TITLE), date, T(P_QUESTION), T(P_ANSWER1), T(P_ANSWER2));
		for (int i = 1; i <= 2; i++)
			buf_addf(out,
				 "  outcome-%d:\n"
				 "    title: \"TODO: %s\"\n"
				 "    urgency: soon\n"
				 "    steps:\n"
				 "      - title: \"TODO: %s\"\n"
				 "    contacts: []\n",
				 i, T(P_OUTCOME), T(P_STEP));
		break;
	default:
		break;
	}
#undef T
}
