#include "load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "markdown.h"
#include "org.h"
#include "page.h"
#include "pool.h"
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
	int valid = utf8_valid(out->ptr, out->len, &bad);
	const char *nul = memchr(out->ptr, '\0', out->len);
	if (nul && (valid || (size_t)(nul - out->ptr) < bad)) {
		bad = (size_t)(nul - out->ptr);
		valid = 0;
	}
	if (!valid) {
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
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One Markdown file to parse. */
struct md_job {
	const char *path, *id;
	int lang;
	enum page_kind kind;
	struct page *page;    /* result */
};

struct md_jobs {
	struct md_job *items;
	size_t n, cap;
};

/* A load thread's state: a model copy whose arena is the thread's own. */
struct md_worker {
	struct model m;
	struct md_jobs *js;
	struct buf src;
	struct diags d;
};

/* Read, check and parse one Markdown file into the worker's arena; the
 * page goes back by job index, so the model's page order does not depend
 * on the threads. */
static void S_md_job(void *state, size_t i)
{
	struct md_worker *w = state;
	struct md_job *j = &w->js->items[i];
	buf_reset(&w->src);
	if (load_file(j->path, &w->src, &w->d) == 0)
		j->page = page_parse(&w->m, j->path, j->id, j->lang, j->kind, w->src.ptr, w->src.len, &w->d);
}

/* The main thread keeps its cmark allocator for the trees. */
static void S_md_thread_end(void *state)
{
	md_thread_done();
}

static void S_parse_pages(struct model *m, struct md_jobs *js, struct diags *d)
{
	static const struct pool md_pool = { S_md_job, S_md_thread_end };
	int n = pool_threads(m->jobs, js->n, 8);
	struct md_worker *w = xcalloc((size_t)n, sizeof *w);
	m->arenas = xrealloc(m->arenas, (m->narenas + (size_t)n) * sizeof *m->arenas);
	for (int i = 0; i < n; i++) {
		struct arena *a = xmalloc(sizeof *a);
		arena_init_large(a);
		m->arenas[m->narenas++] = a;
		w[i].m = *m;
		w[i].m.arena = a;
		w[i].js = js;
		w[i].src = (struct buf)BUF_INIT;
		diags_init(&w[i].d);
	}
	pool_run(&md_pool, js->n, n, w, sizeof *w);
	for (int i = 0; i < n; i++) {
		buf_free(&w[i].src);
		diags_merge(d, &w[i].d);
	}
	free(w);
	for (size_t i = 0; i < js->n; i++) {
		struct page *p = js->items[i].page;
		if (!p || (p->draft && !m->drafts))
			continue;
		m->pages = xgrow(m->pages, &m->cappages, m->npages + 1, sizeof *m->pages);
		m->pages[m->npages++] = p;
	}
}

static void add_job(struct md_jobs *js, const char *path, const char *id, int lang, enum page_kind kind)
{
	js->items = xgrow(js->items, &js->cap, js->n + 1, sizeof *js->items);
	js->items[js->n++] = (struct md_job){ path, id, lang, kind, NULL };
}

static void list_section(struct model *m, struct md_jobs *js, const char *langdir, const char *sub,
			 int lang, enum page_kind kind, struct diags *d)
{
	char *dir = arena_printf(m->arena, "%s/%s", langdir, sub);
	char **names = dir_names(dir, ".md");
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		char *id = arena_strndup(m->arena, *n, strlen(*n) - 3);
		if (!schema_is_slug(id)) {
			diag_at(d, D_BAD_SLUG, path, 0, 0, id);
			continue;
		}
		add_job(js, path, id, lang, kind);
	}
	dir_names_free(names);
}

int load_content(struct model *m, const char *dir, struct diags *d)
{
	m->content_dir = dir;
	struct buf src = BUF_INIT;
	const char *site_path = arena_printf(m->arena, "%s/site.yaml", dir);
	if (load_file(site_path, &src, d) < 0) {
		buf_free(&src);
		return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? -2 : -1;
	}
	struct ynode *root = yaml_load(m->arena, site_path, src.ptr, src.len, 0, d);
	buf_free(&src);
	if (!root || site_load(m, site_path, root, d) < 0)
		return -1;

	const char *orgs_path = arena_printf(m->arena, "%s/orgs.yaml", dir);
	orgs_load(m, orgs_path, d);

	struct md_jobs js = { 0 };
	for (int li = 0; li < m->site.nlangs; li++) {
		const char *code = m->site.langs[li].code;
		char *langdir = arena_printf(m->arena, "%s/%s", dir, code);
		char *home = arena_printf(m->arena, "%s/index.md", langdir);
		struct stat st;
		if (stat(home, &st) == 0)
			add_job(&js, home, "index", li, PAGE_HOME);
		list_section(m, &js, langdir, "tips", li, PAGE_TIP, d);
		list_section(m, &js, langdir, "pages", li, PAGE_PAGE, d);
		trees_load_dir(m, arena_printf(m->arena, "%s/trees", langdir), li, d);
		/* anything else in the language folder is probably a mistake */
		char **names = dir_names(langdir, NULL);
		for (char **n = names; *n; n++) {
			if (!strcmp(*n, "tips") || !strcmp(*n, "pages") || !strcmp(*n, "trees") ||
			    !strcmp(*n, "index.md"))
				continue;
			diag_at(d, D_PAGE_DIR_UNKNOWN, arena_printf(m->arena, "%s/%s", langdir, *n), 0, 0, *n);
		}
		dir_names_free(names);
	}
	S_parse_pages(m, &js, d);
	free(js.items);
	/* language folders that site.yaml does not list */
	char **names = dir_names(dir, NULL);
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		if (is_dir(path) && site_lang(&m->site, *n) < 0)
			diag_at(d, D_PAGE_DIR_UNKNOWN, path, 0, 0, *n);
	}
	dir_names_free(names);
	return 0;
}
