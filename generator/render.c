/* render.c: the render stage's driver. Collects the job list (every page
 * of the site, in a fixed order) and runs it on a thread pool with one
 * arena and one buffer per thread: a page that nothing changed reaches
 * (render_deps.c) keeps its file; any other gets its values and memo key
 * (memo.h), and is rendered and handed to the writer unless the writer
 * keeps it; the search indexes, the tip lists and the site-wide files
 * (render_files.c) are jobs of the same pool. */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
							.url = p->aliases.items[k].s, .target = p->url, .from = p });
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

/* HHD_DEPS_CHECK: a job render_deps.c let keep its output had other
 * values after all (a dependency it does not know); -1. */
static int S_check_failed(const char *rel)
{
	fprintf(stderr, "hhd: HHD_DEPS_CHECK: '%s' was kept as the last build wrote it, but its input changed\n", rel);
	return -1;
}

/* When nothing output `rel` reads changed since the last build
 * (`affected` 0, render_deps.c) and the journal has its key: keep the file
 * without values or key and return 1. Under HHD_DEPS_CHECK return 0 with
 * *verify set instead: the caller keys it and compares the key with *last.
 * Otherwise 0: key it (and render it unless the writer keeps it). */
static int S_keep_unkeyed(const struct render_ctx *c, struct writer *w, const char *rel, int affected,
			  struct cache_key *last, int *verify)
{
	*verify = 0;
	if (!c->memo || affected || !writer_last_key(w, rel, last))
		return 0;
	if (c->check) {
		*verify = 1;
		return 0;
	}
	return writer_keep(w, rel, *last);
}

/* Render one job (`ask`: the ask page of the outcome j->node) and hand it
 * to the writer: 0; 1 when the output keeps the last build's file without
 * values or key (render_deps.c); -1 after a failure (reported). */
static int S_render_write(const struct render_ctx *c, const struct render_job *j, int ask, struct writer *w,
			  struct buf *out, struct diags *d)
{
	const char *rel = S_out_path(c->a, j->url), *tpl;
	struct cache_key key = { 0, 0 }, last;
	int verify;
	if (S_keep_unkeyed(c, w, rel, render_affected(c->ch, j, ask), &last, &verify))
		return 1;
	struct val *v = render_page_val(c, j, &tpl);
	if (c->memo) {
		/* the same template and values as last time: the same bytes */
		key = memo_key(c->base, tpl, v);
		if (verify && !cache_key_eq(key, last))
			return S_check_failed(rel);
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

/* In a worker's order: the site-wide files (render_files.c), as one job;
 * a language's tip list (render_shared_tip), as one job each. */
#define FILES_JOB ((size_t)-1)
#define TIPS_JOB(lang) ((size_t)-2 - (size_t)(lang))
#define TIPS_LANG(i) ((int)((size_t)-2 - (i)))

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
	size_t unkeyed;       /* jobs kept without values or key (render_deps.c) */
};

static void S_render_one(void *state, size_t i)
{
	struct worker *wk = state;
	if (wk->order[i] >= TIPS_JOB(HHD_MAX_LANGS - 1) && wk->order[i] != FILES_JOB) {
		render_shared_tip((struct render_shared *)wk->c.sh, &wk->c, TIPS_LANG(wk->order[i]));
		return;
	}
	if (wk->order[i] == FILES_JOB) {
		if (render_files_write(&wk->c, wk->w, wk->js, &wk->d) < 0)
			wk->failed = 1;
		arena_reset(&wk->a);
		return;
	}
	const struct render_job *j = &wk->js->items[wk->order[i]];
	int rc = S_render_write(&wk->c, j, 0, wk->w, &wk->out, &wk->d);
	wk->failed |= rc < 0;
	wk->unkeyed += rc > 0;
	if (j->kind == J_NODE && j->node->is_outcome) {
		/* the outcome's own "ask the helpdesk" page */
		struct render_job ask = { .kind = J_ASK, .lang = j->lang, .node = j->node, .url = j->node->ask_url };
		rc = S_render_write(&wk->c, &ask, 1, wk->w, &wk->out, &wk->d);
		wk->failed |= rc < 0;
		wk->unkeyed += rc > 0;
	}
	if (j->kind == J_SEARCH && !wk->c.m->no_search_index) {
		/* the search page's index, built on the same thread: pure, from
		 * the model, like the page */
		const struct lang *l = &wk->c.m->site.langs[j->lang];
		const char *rel = l->search_index_url + 1;
		struct cache_key key = { 0, 0 }, last;
		int verify;
		int kept = S_keep_unkeyed(&wk->c, wk->w, rel, render_index_affected(wk->c.ch, j->lang), &last, &verify);
		wk->unkeyed += (size_t)kept;
		if (wk->c.memo && !kept) {
			key = render_search_key(wk->c.m, j->lang, wk->c.a, wk->c.index_base);
			if (verify && !cache_key_eq(key, last)) {
				S_check_failed(rel);
				wk->failed = 1;
			}
			kept = writer_keep(wk->w, rel, key);
		}
		if (!kept) {
			buf_reset(&wk->out);
			rc = render_search_index(wk->c.m, j->lang, wk->c.a, &wk->out);
			if (rc) {
				diag_at(&wk->d, D_SEARCH_INDEX, l->search_index_url, 0, 0,
					search_err_text((enum search_err)rc));
				wk->failed = 1;
			} else if (writer_put_keyed(wk->w, rel, wk->out.ptr, wk->out.len, key,
						    &wk->d) < 0) {
				wk->failed = 1;
			}
		}
	}
	arena_reset(&wk->a);
}

static double S_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

long render_site(const struct model *m, const struct theme *t, struct writer *w, int jobs, struct diags *d)
{
	double t0 = S_ms(), t1;
	/* the values every page shares, and the site-wide files: built on
	 * this thread, in render's own arena (the model's is only read) */
	struct arena ra;
	arena_init(&ra);
	struct render_shared sh = { 0 };
	struct render_ctx base = { m, t, &sh, &ra, m->cache_out != NULL, memo_base(t->tpl_digest),
				   memo_base((struct cache_key){ 0, 0 }), NULL, 0 };
	render_shared_build(&sh, &base);
	/* what changed since the last build (render_deps.c), and the record
	 * the next build compares with; without the memo every job is keyed
	 * and rendered, and no record is left */
	struct render_change ch = { .all = 1 };
	if (base.memo) {
		struct buf record = BUF_INIT;
		size_t nlast = 0;
		const void *last = writer_last_inputs(w, &nlast);
		render_change(&ch, &base, last, nlast, &record);
		writer_set_inputs(w, record.ptr, record.len);
		buf_free(&record);
	}
	base.ch = &ch;
	const char *check = getenv("HHD_DEPS_CHECK");
	base.check = check && *check && strcmp(check, "0");
	/* the tip lists the jobs to key read: built by the pool's jobs */
	for (int li = 0; li < m->site.nlangs; li++)
		sh.need[li] = !base.memo || base.check || ch.all || ch.tips[li];
	t1 = S_ms();
	int timing = getenv("HHD_TIMING") != NULL;
	size_t wbuilds[HHD_MAX_LANGS] = { 0 }; /* HHD_TIMING: which word caches this build used */
	for (int li = 0; timing && m->wcache && li < m->site.nlangs; li++) {
		size_t texts, hits, misses;
		search_wcache_stats(m->wcache[li], &wbuilds[li], &texts, &hits, &misses);
	}
	struct render_jobs js = { 0 };
	S_collect_jobs(m, &js);
	/* The search pages first: a language's index is the longest job (all
	 * its pages), so it runs while the other threads take the rest; then
	 * the tip lists, before the jobs that wait for them; then the
	 * site-wide files (the sitemap and manifest read the whole list, which
	 * keeps its order). */
	size_t *order = xcalloc(js.n + 2 + HHD_MAX_LANGS, sizeof *order), no = 0;
	for (size_t i = 0; i < js.n; i++)
		if (js.items[i].kind == J_SEARCH)
			order[no++] = i;
	for (int li = 0; li < m->site.nlangs; li++)
		if (sh.need[li])
			order[no++] = TIPS_JOB(li);
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
	size_t unkeyed = 0;
	for (int i = 0; i < n; i++) {
		failed |= wk[i].failed;
		unkeyed += wk[i].unkeyed;
		diags_merge(d, &wk[i].d);
		buf_free(&wk[i].out);
		arena_free(&wk[i].a);
	}
	free(wk);
	if (timing) {
		fprintf(stderr, "hhd: timing: render: changes %.1f ms, jobs %.1f ms (%zu kept unkeyed)\n", t1 - t0,
			S_ms() - t1, unkeyed);
		for (int li = 0; m->wcache && li < m->site.nlangs; li++) {
			size_t builds, texts, hits, misses;
			search_wcache_stats(m->wcache[li], &builds, &texts, &hits, &misses);
			if (builds != wbuilds[li])
				fprintf(stderr, "hhd: timing: search words of %s: %zu texts reused, %zu split (%zu kept)\n",
					m->site.langs[li].code, hits, misses, texts);
		}
	}
	free(js.items);
	free(order);
	render_shared_free(&sh);
	render_change_free(&ch);
	arena_free(&ra);
	if (failed)
		return -1;
	return (long)writer_count(w, NULL);
}
