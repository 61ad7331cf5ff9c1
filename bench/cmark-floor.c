/* cmark-floor: the cost of Markdown alone, the floor `hhd build` is measured against.
 *
 *     cmark-floor DIR
 *
 * Reads every *.md file under DIR, skips its front matter, and parses and
 * renders the body with cmark-gfm the way hhd does (smart punctuation, GFM
 * extensions: table, strikethrough, autolink, tasklist, tagfilter; safe mode),
 * in one process: no templates, no validation, no writes. Prints the number of
 * files and bytes in and out. Built by bench/ssg with
 *     cc -O2 cmark-floor.c $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

static const char *const ext_names[] = { "table", "strikethrough", "autolink", "tasklist", "tagfilter" };
static const int options = CMARK_OPT_SMART;

static size_t n_files, bytes_in, bytes_out;

/* The body of a page: what follows the closing '---' line of the front matter. */
static const char *S_body(const char *s, size_t len, size_t *blen)
{
	const char *end = s + len, *p;
	*blen = len;
	if (len < 4 || strncmp(s, "---\n", 4) != 0)
		return s;
	for (p = s + 4; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l == 3 && memcmp(p, "---", 3) == 0) {
			p = nl ? nl + 1 : end;
			*blen = (size_t)(end - p);
			return p;
		}
		p = nl ? nl + 1 : end;
	}
	return s;
}

static void S_render(const char *md, size_t len)
{
	cmark_parser *parser = cmark_parser_new(options);
	for (size_t i = 0; i < sizeof ext_names / sizeof *ext_names; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(ext_names[i]);
		if (!e) {
			fprintf(stderr, "cmark-floor: no cmark-gfm extension '%s'\n", ext_names[i]);
			exit(2);
		}
		cmark_parser_attach_syntax_extension(parser, e);
	}
	cmark_parser_feed(parser, md, len);
	cmark_node *doc = cmark_parser_finish(parser);
	char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	bytes_out += strlen(html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

static int S_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	size_t l = strlen(path);
	if (type != FTW_F || l < 3 || strcmp(path + l - 3, ".md") != 0)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	char *buf = malloc((size_t)st->st_size + 1);
	size_t got = buf ? fread(buf, 1, (size_t)st->st_size, f) : 0;
	fclose(f);
	if (!buf || got != (size_t)st->st_size) {
		fprintf(stderr, "cmark-floor: cannot read '%s'\n", path);
		free(buf);
		return 1;
	}
	size_t blen;
	const char *body = S_body(buf, got, &blen);
	S_render(body, blen);
	n_files++;
	bytes_in += blen;
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: cmark-floor DIR\n");
		return 2;
	}
	cmark_gfm_core_extensions_ensure_registered();
	if (nftw(argv[1], S_visit, 32, FTW_PHYS) != 0) {
		fprintf(stderr, "cmark-floor: cannot walk '%s'\n", argv[1]);
		return 2;
	}
	printf("cmark-floor: %zu files, %zu bytes of Markdown, %zu bytes of HTML\n", n_files, bytes_in, bytes_out);
	return 0;
}
