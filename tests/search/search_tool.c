/* search_tool.c: the build side of the search (generator/search.c) as a
 * filter, for the tests that compare it with search.js and for building an
 * index from a document list.
 *
 *   search_tool terms LANG     each input line -> its terms, space-separated
 *   search_tool words          each input line -> its words (normalised)
 *   search_tool split LANG VOCAB   each input word -> "HEAD TAIL" or "-", with
 *                              the terms in file VOCAB (one a line) as vocabulary
 *   search_tool build LANG     document lines -> index JSON on stdout
 *
 * Document lines for build, tab-separated:
 *   D <kind> <url> <title> <plan>      a new document (kind: plan, outcome, ...)
 *   F <field> <text>                   text for a field of the last document
 * Exit 0 on success, 1 when the builder refuses the input, 2 on usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search.h"
#include "strmap.h"
#include "xalloc.h"

static const char *const fields[SEARCH_FIELD__MAX] = {
	"title", "keywords", "summary", "question", "answer", "step", "heading", "body",
};

struct out {
	struct search_stemmer *st;
	struct buf line, term;
	int n;
	int terms; /* 0: print words */
};

static void S_word(void *arg, const char *word, size_t len, int part)
{
	struct out *o = arg;
	if (o->terms) {
		if (search_term(o->st, word, len, &o->term) != 0)
			return;
		word = o->term.ptr;
		len = o->term.len;
	}
	if (o->n++)
		buf_addch(&o->line, ' ');
	buf_add(&o->line, word, len);
}

static int S_find(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static int S_known(void *arg, const char *term, size_t len)
{
	return strmap_get(arg, term) != NULL;
}

static int S_split(enum search_lang lang, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 2;
	struct strmap *vocab = strmap_new();
	char **keep = NULL;
	size_t nkeep = 0, capkeep = 0, cap = 0;
	char *line = NULL;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		keep = xgrow(keep, &capkeep, nkeep + 1, sizeof *keep);
		keep[nkeep] = xstrdup(line);
		strmap_put(vocab, keep[nkeep], keep[nkeep]);
		nkeep++;
	}
	fclose(f);
	struct search_stemmer *st = search_stemmer_new(lang);
	struct buf a = BUF_INIT, b = BUF_INIT;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (search_split(st, line, (size_t)n, S_known, vocab, &a, &b) == 0)
			printf("%s %s\n", a.ptr, b.ptr);
		else
			printf("-\n");
	}
	buf_free(&a);
	buf_free(&b);
	search_stemmer_free(st);
	for (size_t i = 0; i < nkeep; i++)
		free(keep[i]);
	free(keep);
	free(line);
	strmap_free(vocab);
	return 0;
}

static int S_build(enum search_lang lang)
{
	struct search_index *ix = search_index_new(lang);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		char *f[5] = { 0 };
		int nf = 0;
		for (char *p = line; p && nf < 5; nf++) {
			f[nf] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		enum search_err e = SEARCH_OK;
		if (nf == 5 && strcmp(f[0], "D") == 0) {
			int kind = -1;
			for (int k = 0; k < SEARCH_KIND__MAX; k++)
				if (strcmp(search_kind_name(k), f[1]) == 0)
					kind = k;
			e = search_index_doc(ix, kind < 0 ? SEARCH_KIND__MAX : (enum search_kind)kind, f[2], f[3], f[4]);
		} else if (nf == 3 && strcmp(f[0], "F") == 0) {
			int field = S_find(fields, SEARCH_FIELD__MAX, f[1]);
			e = search_index_field(ix, field < 0 ? SEARCH_FIELD__MAX : (enum search_field)field, f[2],
			    strlen(f[2]));
		} else if (n > 0) {
			fprintf(stderr, "search_tool: bad line: %s\n", line);
			rc = 1;
		}
		if (e != SEARCH_OK) {
			fprintf(stderr, "search_tool: %s\n", search_err_text(e));
			rc = 1;
		}
	}
	free(line);
	if (rc == 0) {
		struct buf out = BUF_INIT;
		enum search_err e = search_index_write(ix, &out);
		if (e != SEARCH_OK) {
			fprintf(stderr, "search_tool: %s\n", search_err_text(e));
			rc = 1;
		} else {
			fwrite(out.ptr, 1, out.len, stdout);
		}
		buf_free(&out);
	}
	search_index_free(ix);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	int lang = argc > 2 ? search_lang_find(argv[2]) : -1;
	if (strcmp(argv[1], "split") == 0 && lang >= 0 && argc == 4)
		return S_split((enum search_lang)lang, argv[3]);
	if (strcmp(argv[1], "build") == 0 && lang >= 0)
		return S_build((enum search_lang)lang);
	struct out o = { 0 };
	buf_init(&o.line);
	buf_init(&o.term);
	if (strcmp(argv[1], "terms") == 0 && lang >= 0) {
		o.terms = 1;
		o.st = search_stemmer_new((enum search_lang)lang);
		if (!o.st)
			return 2;
	} else if (strcmp(argv[1], "words") != 0) {
		goto usage;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		buf_reset(&o.line);
		o.n = 0;
		search_words(line, (size_t)n, S_word, &o);
		buf_addch(&o.line, '\n');
		fwrite(o.line.ptr, 1, o.line.len, stdout);
	}
	free(line);
	buf_free(&o.line);
	buf_free(&o.term);
	search_stemmer_free(o.st);
	return 0;
usage:
	fprintf(stderr, "usage: search_tool terms LANG | words | split LANG VOCAB | build LANG\n");
	return 2;
}
