/* load.c: the load stage's file side. It alone lists content folders and
 * reads files (size limit, UTF-8 check); site.c, org.c, tree.c and page.c
 * parse the bytes it hands them into the model. */
#include "load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "loadcache.h"
#include "markdown.h"
#include "mdcache.h"
#include "org.h"
#include "page.h"
#include "pcache.h"
#include "pool.h"
#include "site.h"
#include "stamp.h"
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
	return load_check_text(path, out->ptr, out->len, d);
}

int load_check_text(const char *path, const char *src, size_t len, struct diags *d)
{
	size_t bad;
	int valid = utf8_valid(src, len, &bad);
	const char *nul = memchr(src, '\0', len);
	if (nul && (valid || (size_t)(nul - src) < bad)) {
		bad = (size_t)(nul - src);
		valid = 0;
	}
	if (valid)
		return 0;
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < bad; i++) {
		if (src[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	diag_at(d, D_BAD_UTF8, path, line, col, (unsigned char)src[bad]);
	return -1;
}

static int S_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One content file to parse: a page (Markdown) or a tree (YAML). */
struct md_job {
	const char *path, *id;
	int lang;
	enum page_kind kind;
	int is_tree;
	const struct stat *st; /* the file's stat data as the stamp's walk took them, or NULL */
	const struct lc_entry *kept; /* m->lc: the file's parse kept from a build before */
	struct diags d;       /* m->lc: this file's reports, kept with its parse */
	struct page *page;    /* result */
	struct tree *tree;    /* result */
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

/* Read, check and parse one file into the worker's arena; the page or
 * tree goes back by job index, so the model's order does not depend on
 * the threads. */
static void S_md_job(void *state, size_t i)
{
	struct md_worker *w = state;
	struct md_job *j = &w->js->items[i];
	struct diags *d = &w->d;
	if (j->kept)
		return;
	if (w->m.lc) {
		/* to be kept: the result's strings must live in the cache's arena */
		j->path = arena_strdup(w->m.arena, j->path);
		j->id = arena_strdup(w->m.arena, j->id);
		d = &j->d;
	}
	buf_reset(&w->src);
	struct pcache_file f = { j->path, j->id, j->lang, j->kind, j->is_tree, { 0 }, 0 };
	if (w->m.pc) {
		/* stat data first: a file written while it is read differs next time */
		if (j->st)
			f.st = *j->st;
		f.have_st = j->st || stat(j->path, &f.st) == 0;
		if (pcache_get(w->m.pc, &f, w->m.md, w->m.arena, &w->src, &j->page, &j->tree))
			return;
		mdcache_log_reset(w->m.md);
	}
	/* a racy entry's check may have read the bytes already */
	if (w->src.len ? load_check_text(j->path, w->src.ptr, w->src.len, d) < 0 : load_file(j->path, &w->src, d) < 0)
		return;
	size_t nd0 = d->n;
	if (j->is_tree)
		j->tree = tree_parse(&w->m, w->src.ptr, w->src.len, j->path, j->id, j->lang, d);
	else
		j->page = page_parse(&w->m, j->path, j->id, j->lang, j->kind, w->src.ptr, w->src.len, d);
	/* what the render stage compares with the last build (render_deps.c) */
	if (j->tree)
		j->tree->src = cache_hash(w->src.ptr, w->src.len);
	if (j->page)
		j->page->src = cache_hash(w->src.ptr, w->src.len);
	if (w->m.pc)
		pcache_put(w->m.pc, &f, w->m.md, d->n != nd0, j->page, j->tree);
}

/* m->lc: keep each new parse, and give the model a copy of every parse,
 * new or kept, with the reports it made. */
static void S_keep(struct model *m, struct md_jobs *js, struct diags *d)
{
	for (size_t i = 0; i < js->n; i++) {
		struct md_job *j = &js->items[i];
		const struct lc_entry *e = j->kept;
		if (!e && (j->page || j->tree))
			e = loadcache_put(m->lc, j->path, j->page, j->tree, &j->d);
		if (e) {
			loadcache_use(e, m->arena, d, &j->page, &j->tree);
			diags_free(&j->d);
		} else {
			diags_merge(d, &j->d);
		}
	}
	loadcache_sweep(m->lc);
}

/* The main thread keeps its cmark allocator for the trees. */
static void S_md_thread_end(void *state)
{
	md_thread_done();
}

/* Parse the listed pages and trees on the load threads. */
static void S_parse_files(struct model *m, struct md_jobs *js, struct diags *d)
{
	static const struct pool md_pool = { S_md_job, S_md_thread_end };
	int n = pool_threads(m->jobs, js->n, 8);
	struct md_worker *w = xcalloc((size_t)n, sizeof *w);
	if (!m->lc) /* hhd serve's parses live in the load cache's arenas */
		m->arenas = xrealloc(m->arenas, (m->narenas + (size_t)n) * sizeof *m->arenas);
	for (int i = 0; i < n; i++) {
		struct arena *a;
		if (m->lc) {
			a = loadcache_arena(m->lc);
		} else {
			a = xmalloc(sizeof *a);
			arena_init_large(a);
			m->arenas[m->narenas++] = a;
		}
		w[i].m = *m;
		w[i].m.arena = a;
		w[i].m.md = mdcache_fork(m->md);
		w[i].m.pc = pcache_fork(m->pc);
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
	if (m->lc)
		S_keep(m, js, d);
	/* the trees first, in the order they were listed (as when the main
	 * thread parsed them), then the pages */
	for (size_t i = 0; i < js->n; i++) {
		const struct md_job *j = &js->items[i];
		if (!j->is_tree)
			continue;
		if (!j->tree) {
			model_unloaded_add(m, UNLOADED_TREE, j->lang, j->id, j->path);
			continue;
		}
		m->trees = xgrow(m->trees, &m->captrees, m->ntrees + 1, sizeof *m->trees);
		m->trees[m->ntrees++] = j->tree;
	}
	for (size_t i = 0; i < js->n; i++) {
		if (js->items[i].is_tree)
			continue;
		struct page *p = js->items[i].page;
		if (!p) {
			const struct md_job *j = &js->items[i];
			model_unloaded_add(m, j->kind == PAGE_TIP ? UNLOADED_TIP : UNLOADED_PAGE, j->lang, j->id, j->path);
			continue;
		}
		if (p->draft && !m->drafts) {
			m->skipped = xgrow(m->skipped, &m->capskipped, m->nskipped + 1, sizeof *m->skipped);
			m->skipped[m->nskipped++] = p;
			continue;
		}
		m->pages = xgrow(m->pages, &m->cappages, m->npages + 1, sizeof *m->pages);
		m->pages[m->npages++] = p;
	}
}

static void S_add_job(struct md_jobs *js, const char *path, const char *id, int lang, enum page_kind kind,
		      int is_tree, const struct stat *st)
{
	js->items = xgrow(js->items, &js->cap, js->n + 1, sizeof *js->items);
	js->items[js->n++] = (struct md_job){ .path = path, .id = id, .lang = lang, .kind = kind, .is_tree = is_tree,
					      .st = st };
	diags_init(&js->items[js->n - 1].d);
}

/* A content file found in a folder: its path, its id (the file name
 * without its suffix) and, when the stamp's walk listed the folder, its
 * stat data. */
struct entry {
	const char *path, *id;
	const struct stat *st;
};

/* The files in `dir` (absent folder: none) ending in `suffix`, in name
 * order, whose ids are slugs; the others are reported. Returns a malloc'd
 * array of *n entries whose strings live in m's arena. */
static struct entry *S_list(struct model *m, const char *dir, const char *suffix, size_t *n, struct diags *d)
{
	/* the build stamp's walk has read the folder already */
	size_t nlisted = 0;
	struct stamp_entry *listed = m->stats ? stamp_list(m->stats, dir, suffix, &nlisted) : NULL;
	char **names = m->stats ? NULL : dir_names(dir, suffix);
	size_t count = 0, cap = 0;
	struct entry *e = NULL;
	for (size_t k = 0; names ? names[k] != NULL : k < nlisted; k++) {
		const char *nm = names ? names[k] : listed[k].name;
		char *path = arena_cat(m->arena, dir, "/", nm, NULL);
		char *id = arena_strndup(m->arena, nm, strlen(nm) - strlen(suffix));
		if (!schema_is_slug(id)) {
			diag_at(d, D_BAD_SLUG, path, 0, 0, id);
			continue;
		}
		e = xgrow(e, &cap, count + 1, sizeof *e);
		e[count++] = (struct entry){ path, id, names ? NULL : listed[k].st };
	}
	dir_names_free(names);
	free(listed);
	*n = count;
	return e;
}

static void S_list_section(struct model *m, struct md_jobs *js, const char *langdir, const char *sub,
			   int lang, enum page_kind kind, struct diags *d)
{
	size_t n;
	struct entry *e = S_list(m, arena_printf(m->arena, "%s/%s", langdir, sub), ".md", &n, d);
	for (size_t i = 0; i < n; i++)
		S_add_job(js, e[i].path, e[i].id, lang, kind, 0, e[i].st);
	free(e);
}

/* Every tree in `dir` (absent folder: none), to be parsed with the pages
 * (the load threads put them into m->trees). */
static void S_list_trees(struct model *m, struct md_jobs *js, const char *dir, int lang, struct diags *d)
{
	size_t n;
	struct entry *e = S_list(m, dir, ".yaml", &n, d);
	for (size_t i = 0; i < n; i++)
		S_add_job(js, e[i].path, e[i].id, lang, PAGE_PAGE, 1, e[i].st);
	free(e);
}

/* Read and parse orgs.yaml when present (an absent file means no organisations). */
static void S_load_orgs(struct model *m, const char *path, struct diags *d)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return;
	struct buf src = BUF_INIT;
	if (load_file(path, &src, d) == 0) {
		m->orgs_src = cache_hash(src.ptr, src.len);
		orgs_parse(m, src.ptr, src.len, path, d);
	}
	if (!m->orgs)
		model_unloaded_add(m, UNLOADED_ORGS, 0, NULL, path);
	buf_free(&src);
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
	m->site_src = cache_hash(src.ptr, src.len);
	struct ynode *root = yaml_load(m->arena, site_path, src.ptr, src.len, 0, d);
	buf_free(&src);
	if (!root || site_load(m, site_path, root, d) < 0)
		return -1;
	if (m->lc)
		loadcache_begin(m->lc, &m->site);
	if (m->pc)
		pcache_begin(m->pc, &m->site);

	const char *orgs_path = arena_printf(m->arena, "%s/orgs.yaml", dir);
	S_load_orgs(m, orgs_path, d);

	struct md_jobs js = { 0 };
	for (int li = 0; li < m->site.nlangs; li++) {
		const char *code = m->site.langs[li].code;
		char *langdir = arena_printf(m->arena, "%s/%s", dir, code);
		char *home = arena_printf(m->arena, "%s/index.md", langdir);
		struct stat st;
		if (stat(home, &st) == 0)
			S_add_job(&js, home, "index", li, PAGE_HOME, 0, stamp_stat(m->stats, home));
		S_list_section(m, &js, langdir, "tips", li, PAGE_TIP, d);
		S_list_section(m, &js, langdir, "pages", li, PAGE_PAGE, d);
		S_list_trees(m, &js, arena_printf(m->arena, "%s/trees", langdir), li, d);
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
	if (m->lc)
		for (size_t i = 0; i < js.n; i++)
			js.items[i].kept = loadcache_get(m->lc, js.items[i].path);
	S_parse_files(m, &js, d);
	free(js.items);
	/* language folders that site.yaml does not list */
	char **names = dir_names(dir, NULL);
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		if (S_is_dir(path) && site_lang(&m->site, *n) < 0)
			diag_at(d, D_PAGE_DIR_UNKNOWN, path, 0, 0, *n);
	}
	dir_names_free(names);
	return 0;
}
