/* render.c: the render stage's driver. Collects the job list (every page
 * of the site, in a fixed order) and runs it on a thread pool with one
 * arena and one buffer per thread: each page gets its values and memo key
 * (memo.h), and is rendered and handed to the writer unless the writer
 * keeps it; the search indexes and the site-wide files (render_files.c)
 * are jobs of the same pool. */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "pool.h"
#include "render_files.h"
#include "render_page.h"
#include "render_search.h"
#include "search.h"
#include "xalloc.h"

static void S_push(struct render_jobs *js, struct render_job j)
{
	js->items = xgrow(js->items, &js->cap, js->n + 1, sizeof *js->items);
	js->items[js->n++] = j;
}

/* "/nl/tips/x/" -> "nl/tips/x/index.html" */
static char *S_out_path(struct arena *a, const char *url)
{
	size_t n = strlen(url);
	if (n && url[n - 1] == '/')
		return arena_cat(a, url + 1, "index.html", NULL);
	return arena_strdup(a, url + 1);
}

static void S_collect_jobs(const struct model *m, struct render_jobs *js)
{
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		S_push(js, (struct render_job){ .kind = J_PAGE, .lang = p->lang, .page = p, .url = p->url });
		for (size_t k = 0; k < p->aliases.n; k++)
			S_push(js, (struct render_job){ .kind = J_REDIRECT, .lang = p->lang,
							.url = p->aliases.items[k].s, .target = p->url });
	}
	for (int li = 0; li < m->site.nlangs; li++) {
		const struct lang *l = &m->site.langs[li];
		S_push(js, (struct render_job){ .kind = J_TIPS, .lang = li, .url = l->tips_url });
		S_push(js, (struct render_job){ .kind = J_PLANS, .lang = li, .url = l->plans_url });
		S_push(js, (struct render_job){ .kind = J_ORGS, .lang = li, .url = l->orgs_url });
		S_push(js, (struct render_job){ .kind = J_SEARCH, .lang = li, .url = l->search_url });
		S_push(js, (struct render_job){ .kind = J_HELP_INDEX, .lang = li, .url = l->help_index_url,
						.target = l->help_url });
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		for (size_t k = 0; k < t->nnodes; k++) {
			const struct node *n = &t->nodes[k];
			if (!n->url)
				continue;
			S_push(js, (struct render_job){ .kind = J_NODE, .lang = t->lang, .node = n, .url = n->url });
		}
	}
}

/* Render one job and hand it to the writer; reports and returns -1 on failure. */
static int S_render_write(const struct render_ctx *c, const struct render_job *j, struct writer *w,
			  struct buf *out, struct diags *d)
{
	const char *rel = S_out_path(c->a, j->url), *tpl;
	struct val *v = render_page_val(c, j, &tpl);
	struct cache_key key = { 0, 0 };
	if (c->memo) {
		/* the same template and values as last time: the same bytes */
		key = memo_key(c->base, tpl, v);
		if (writer_keep(w, rel, key))
			return 0;
	}
	buf_reset(out);
	int rc = mustache_render(c->t->tpl, mustache_get(c->t->tpl, tpl), v, out);
	if (rc < 0) {
		render_report(d, j->url, rc);
		return -1;
	}
	return writer_put_keyed(w, rel, out->ptr, out->len, key, d);
}

/* In a worker's order: the site-wide files (render_files.c), as one job. */
#define FILES_JOB ((size_t)-1)

/* A render thread's state: the shared context with the thread's own arena. */
struct worker {
	struct render_ctx c;
	struct arena a;
	const struct render_jobs *js;
	const size_t *order;  /* the jobs in the order to run them */
	struct writer *w;
	struct buf out;
	struct diags d;
	int failed;
};

static void S_render_one(void *state, size_t i)
{
	struct worker *wk = state;
	if (wk->order[i] == FILES_JOB) {
		if (render_files_write(&wk->c, wk->w, wk->js, &wk->d) < 0)
			wk->failed = 1;
		arena_reset(&wk->a);
		return;
	}
	const struct render_job *j = &wk->js->items[wk->order[i]];
	if (S_render_write(&wk->c, j, wk->w, &wk->out, &wk->d) < 0)
		wk->failed = 1;
	if (j->kind == J_NODE && j->node->is_outcome) {
		/* the outcome's own "ask the helpdesk" page */
		struct render_job ask = { .kind = J_ASK, .lang = j->lang, .node = j->node, .url = j->node->ask_url };
		if (S_render_write(&wk->c, &ask, wk->w, &wk->out, &wk->d) < 0)
			wk->failed = 1;
	}
	if (j->kind == J_SEARCH && !wk->c.m->no_search_index) {
		/* the search page's index, built on the same thread: pure, from
		 * the model, like the page */
		const struct lang *l = &wk->c.m->site.langs[j->lang];
		struct cache_key key = { 0, 0 };
		int rc = 0;
		if (wk->c.memo)
			key = render_search_key(wk->c.m, j->lang, wk->c.a, wk->c.index_base);
		if (!wk->c.memo || !writer_keep(wk->w, l->search_index_url + 1, key)) {
			buf_reset(&wk->out);
			rc = render_search_index(wk->c.m, j->lang, wk->c.a, &wk->out);
			if (rc) {
				diag_at(&wk->d, D_SEARCH_INDEX, l->search_index_url, 0, 0,
					search_err_text((enum search_err)rc));
				wk->failed = 1;
			} else if (writer_put_keyed(wk->w, l->search_index_url + 1, wk->out.ptr, wk->out.len, key,
						    &wk->d) < 0) {
				wk->failed = 1;
			}
		}
	}
	arena_reset(&wk->a);
}

long render_site(const struct model *m, const struct theme *t, struct writer *w, int jobs, struct diags *d)
{
	/* the values every page shares, and the site-wide files: built on
	 * this thread, in render's own arena (the model's is only read) */
	struct arena ra;
	arena_init(&ra);
	struct render_shared sh = { 0 };
	struct render_ctx base = { m, t, &sh, &ra, m->cache_out != NULL, memo_base(t->tpl_digest),
				   memo_base((struct cache_key){ 0, 0 }) };
	render_shared_build(&sh, &base, jobs);
	struct render_jobs js = { 0 };
	S_collect_jobs(m, &js);
	/* The search pages first: a language's index is the longest job (all
	 * its pages), so it runs while the other threads take the rest; then
	 * the site-wide files (the sitemap and manifest read the whole list,
	 * which keeps its order). */
	size_t *order = xcalloc(js.n + 2, sizeof *order), no = 0;
	for (size_t i = 0; i < js.n; i++)
		if (js.items[i].kind == J_SEARCH)
			order[no++] = i;
	order[no++] = FILES_JOB;
	for (size_t i = 0; i < js.n; i++)
		if (js.items[i].kind != J_SEARCH)
			order[no++] = i;
	static const struct pool render_pool = { S_render_one, NULL };
	int n = pool_threads(jobs, js.n + 1, 16);
	struct worker *wk = xcalloc((size_t)n, sizeof *wk);
	for (int i = 0; i < n; i++) {
		wk[i].c = base;
		arena_init(&wk[i].a);
		wk[i].c.a = &wk[i].a;
		wk[i].js = &js;
		wk[i].order = order;
		wk[i].w = w;
		wk[i].out = (struct buf)BUF_INIT;
		diags_init(&wk[i].d);
	}
	pool_run(&render_pool, no, n, wk, sizeof *wk);
	int failed = 0;
	for (int i = 0; i < n; i++) {
		failed |= wk[i].failed;
		diags_merge(d, &wk[i].d);
		buf_free(&wk[i].out);
		arena_free(&wk[i].a);
	}
	free(wk);
	free(js.items);
	free(order);
	render_shared_free(&sh);
	arena_free(&ra);
	if (failed)
		return -1;
	return (long)writer_count(w, NULL);
}
