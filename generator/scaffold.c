/* scaffold.c: the texts of `hhd new` (scaffold.h). Pure: no files. */
#include "scaffold.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

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

/* ---- hhd new site ---- */

static const struct scaffold_starter *S_starter(const char *path)
{
	for (const struct scaffold_starter *f = scaffold_starter; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}

int scaffold_site_lang(const char *code)
{
	struct buf p = BUF_INIT;
	buf_addf(&p, "lang/%s/language.yaml", code);
	int ok = strchr(code, '/') == NULL && S_starter(p.ptr) != NULL;
	buf_free(&p);
	return ok;
}

/* `src` with @default@, @date@ and "@each NAME@" lines replaced. */
static void S_expand(const char *src, const char *const langs[], int nlangs, const char *date, struct buf *out)
{
	while (*src) {
		const char *eol = strchr(src, '\n');
		size_t n = eol ? (size_t)(eol - src) + 1 : strlen(src);
		if (n > 8 && !strncmp(src, "@each ", 6) && src[n - (eol ? 2 : 1)] == '@') {
			struct buf p = BUF_INIT;
			for (int i = 0; i < nlangs; i++) {
				buf_reset(&p);
				buf_addf(&p, "lang/%s/", langs[i]);
				buf_add(&p, src + 6, n - 6 - (eol ? 2 : 1));
				const struct scaffold_starter *f = S_starter(p.ptr);
				if (f)
					S_expand(f->data, langs, nlangs, date, out);
			}
			buf_free(&p);
			src += n;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (!strncmp(src + i, "@default@", 9)) {
				buf_adds(out, langs[0]);
				i += 8;
			} else if (!strncmp(src + i, "@date@", 6)) {
				buf_adds(out, date);
				i += 5;
			} else {
				buf_addch(out, src[i]);
			}
		}
		src += n;
	}
}

size_t scaffold_site(const char *const langs[], int nlangs, const char *date, struct scaffold_file **out)
{
	size_t n = 0, cap = 0;
	struct scaffold_file *files = NULL;
	for (int li = -1; li < nlangs; li++) {
		for (const struct scaffold_starter *f = scaffold_starter; f->path; f++) {
			struct buf path = BUF_INIT;
			if (li < 0 && strncmp(f->path, "lang/", 5)) {
				buf_adds(&path, f->path);
			} else if (li >= 0) {
				size_t pl = strlen(langs[li]);
				if (strncmp(f->path, "lang/", 5) || strncmp(f->path + 5, langs[li], pl) ||
				    strncmp(f->path + 5 + pl, "/content/", 9))
					continue;
				buf_addf(&path, "content/%s/%s", langs[li], f->path + 5 + pl + 9);
			} else {
				continue;
			}
			if (n == cap)
				files = xrealloc(files, (cap = cap ? 2 * cap : 32) * sizeof *files);
			files[n].path = buf_detach(&path, NULL);
			files[n].text = (struct buf)BUF_INIT;
			S_expand(f->data, langs, nlangs, date, &files[n].text);
			n++;
		}
	}
	*out = files;
	return n;
}

void scaffold_files_free(struct scaffold_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		buf_free(&files[i].text);
	}
	free(files);
}
