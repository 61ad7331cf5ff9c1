#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "org.h"
#include "page.h"
#include "site.h"
#include "tree.h"
#include "utf8.h"
#include "xalloc.h"
#include "ydoc.h"

int load_file(const char *path, struct buf *out, struct diags *d)
{
	enum file_status st = file_read(path, HHD_MAX_FILE, out);
	if (st == FILE_ERR_TOO_BIG) {
		diag_at(d, D_FILE_TOO_BIG, path, 0, 0, (size_t)HHD_MAX_FILE);
		return -1;
	}
	if (st != FILE_OK) {
		diag_at(d, D_IO, NULL, 0, 0, path, strerror(errno));
		return -1;
	}
	size_t bad;
	if (!utf8_valid(out->ptr, out->len, &bad)) {
		unsigned line = 1, col = 1;
		for (size_t i = 0; i < bad; i++) {
			if (out->ptr[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)out->ptr[i] & 0xC0) != 0x80) {
				col++;
			}
		}
		diag_at(d, D_BAD_UTF8, path, line, col, (unsigned char)out->ptr[bad]);
		return -1;
	}
	if (memchr(out->ptr, '\0', out->len)) {
		diag_at(d, D_BAD_UTF8, path, 0, 0, 0u);
		return -1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **load_names(const char *dir, const char *suffix)
{
	DIR *dp = opendir(dir);
	size_t n = 0, cap = 0;
	char **names = NULL;
	names = xgrow(names, &cap, 1, sizeof *names);
	if (dp) {
		struct dirent *e;
		size_t sl = suffix ? strlen(suffix) : 0;
		while ((e = readdir(dp))) {
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.')
				continue;
			if (suffix && (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0))
				continue;
			names = xgrow(names, &cap, n + 2, sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
		closedir(dp);
	}
	qsort(names, n, sizeof *names, cmp_names);
	names[n] = NULL;
	return names;
}

void load_names_free(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_page(struct model *m, struct page *p)
{
	if (!p || (p->draft && !m->drafts))
		return;
	m->pages = xgrow(m->pages, &m->cappages, m->npages + 1, sizeof *m->pages);
	m->pages[m->npages++] = p;
}

static void load_md(struct model *m, const char *path, const char *id, int lang, enum page_kind kind,
		    struct diags *d)
{
	struct buf src = BUF_INIT;
	if (load_file(path, &src, d) == 0)
		add_page(m, page_parse(m, path, id, lang, kind, src.ptr, src.len, d));
	buf_free(&src);
}

static void load_section(struct model *m, const char *langdir, const char *sub, int lang,
			 enum page_kind kind, struct diags *d)
{
	char *dir = arena_printf(m->arena, "%s/%s", langdir, sub);
	char **names = load_names(dir, ".md");
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		char *id = arena_strndup(m->arena, *n, strlen(*n) - 3);
		if (!schema_is_slug(id)) {
			diag_at(d, D_BAD_SLUG, path, 0, 0, id);
			continue;
		}
		load_md(m, path, id, lang, kind, d);
	}
	load_names_free(names);
}

int load_content(struct model *m, const char *dir, struct diags *d)
{
	m->content_dir = dir;
	struct buf src = BUF_INIT;
	const char *site_path = arena_printf(m->arena, "%s/site.yaml", dir);
	if (load_file(site_path, &src, d) < 0) {
		buf_free(&src);
		return -1;
	}
	struct ynode *root = yaml_load(m->arena, site_path, src.ptr, src.len, 0, d);
	buf_free(&src);
	if (!root || site_load(m, site_path, root, d) < 0)
		return -1;

	const char *orgs_path = arena_printf(m->arena, "%s/orgs.yaml", dir);
	orgs_load(m, orgs_path, d);

	for (int li = 0; li < m->site.nlangs; li++) {
		const char *code = m->site.langs[li].code;
		char *langdir = arena_printf(m->arena, "%s/%s", dir, code);
		char *home = arena_printf(m->arena, "%s/index.md", langdir);
		struct stat st;
		if (stat(home, &st) == 0)
			load_md(m, home, "index", li, PAGE_HOME, d);
		load_section(m, langdir, "tips", li, PAGE_TIP, d);
		load_section(m, langdir, "pages", li, PAGE_PAGE, d);
		trees_load_dir(m, arena_printf(m->arena, "%s/trees", langdir), li, d);
		/* anything else in the language folder is probably a mistake */
		char **names = load_names(langdir, NULL);
		for (char **n = names; *n; n++) {
			if (!strcmp(*n, "tips") || !strcmp(*n, "pages") || !strcmp(*n, "trees") ||
			    !strcmp(*n, "index.md"))
				continue;
			diag_at(d, D_PAGE_DIR_UNKNOWN, arena_printf(m->arena, "%s/%s", langdir, *n), 0, 0, *n);
		}
		load_names_free(names);
	}
	/* language folders that site.yaml does not list */
	char **names = load_names(dir, NULL);
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		if (is_dir(path) && site_lang(&m->site, *n) < 0)
			diag_at(d, D_PAGE_DIR_UNKNOWN, path, 0, 0, *n);
	}
	load_names_free(names);
	return 0;
}
