/* scaffold.h: the files `hhd new tip|tree|page NAME` writes, ready to fill in.
 *
 * Every text an editor must still write is a string starting "TODO: "
 * followed by what to write; schema_str() warns about each one
 * (D_PLACEHOLDER), so `hhd check` passes with warnings that point at them.
 * Trees get the same node ids in every language, as translations must. */
#ifndef HHD_SCAFFOLD_H
#define HHD_SCAFFOLD_H

#include "buf.h"

enum scaffold_kind { SCAFFOLD_TIP, SCAFFOLD_TREE, SCAFFOLD_PAGE, SCAFFOLD__MAX };

/* "tip", "tree" or "page" to a kind; -1 for anything else. */
int scaffold_kind(const char *name);
/* The file's path under the content folder: "LANG/tips/NAME.md" and so on. */
void scaffold_path(enum scaffold_kind k, const char *lang, const char *name, struct buf *out);
/* The file's text, in Dutch for "nl" and English otherwise; `date` (YYYY-MM-DD)
 * goes into `reviewed`. */
void scaffold_text(enum scaffold_kind k, const char *lang, const char *date, struct buf *out);

/* ---- hhd new site DIR ----
 *
 * The starter site lives in generator/starter/ and is embedded at build time
 * (embed.cmake) as scaffold_starter[], ending with a NULL path:
 *   lang/CODE/content/PATH   written as content/CODE/PATH for each language
 *   lang/CODE/NAME           a fragment, used only by "@each NAME@"
 *   anything else            written at its own path (content/site.yaml, ...)
 * In every file written, "@default@" is the first language's code, "@date@"
 * the date, and a line "@each NAME@" the fragments lang/CODE/NAME of every
 * language in order. Languages with starter texts: those with
 * lang/CODE/language.yaml. */
struct scaffold_starter {
	const char *path;
	const char *data;        /* NUL-terminated */
	size_t len;
};
extern const struct scaffold_starter scaffold_starter[];

struct scaffold_file {
	char *path;              /* relative to the new site's folder */
	struct buf text;
};

/* Whether the starter has texts in language `code`. */
int scaffold_site_lang(const char *code);
/* The starter site's files for `langs` (known to scaffold_site_lang, the
 * first the default language) into a new array; returns how many. */
size_t scaffold_site(const char *const langs[], int nlangs, const char *date, struct scaffold_file **out);
void scaffold_files_free(struct scaffold_file *files, size_t n);

#endif
