/* render_page.h: what render's files share (not for other modules).
 *
 *   render.c        the job list and the thread driver (render_site)
 *   render_deps.c   which jobs a change since the last build can reach
 *   render_page.c   the page contexts: model + theme strings -> values for
 *                   one page's template, rendered into a buffer
 *   render_files.c  the site-wide files: root, 404s, robots.txt, sitemap,
 *                   the manifest hhd-fcgi reads, the assets
 *   render_search.c a language's search index (render.c calls it)
 *
 * Calls go one way: render.c -> render_files.c -> render_page.c. */
#ifndef HHD_RENDER_PAGE_H
#define HHD_RENDER_PAGE_H

#include <pthread.h>

#include "buf.h"
#include "model.h"
#include "theme.h"
#include "value.h"

struct render_change;

/* One unit of work: a page to render at a URL. */
enum job_kind { J_PAGE, J_TIPS, J_PLANS, J_ORGS, J_NODE, J_ASK, J_REDIRECT, J_HELP_INDEX, J_SEARCH };

struct render_job {
	enum job_kind kind;
	int lang;
	const struct page *page;
	const struct node *node;      /* J_NODE, J_ASK */
	const char *url;              /* where the output goes */
	const char *target;           /* J_REDIRECT, J_HELP_INDEX: where it leads */
	const struct page *from;      /* J_REDIRECT: the page whose alias it is */
};

struct render_jobs {
	struct render_job *items;
	size_t n, cap;
};

/* What every page of one language shares; built once before the threads
 * start, read by all of them. */
struct render_shared {
	struct val *common[HHD_MAX_LANGS];
	struct val *tips[HHD_MAX_LANGS]; /* every tip, sorted: read by every list */
	struct arena *arenas;            /* one per language: they are built side by side */
	size_t narenas;
	/* The tip lists are built by jobs of the render pool, queued before
	 * every job that reads them (render_shared_tip); a reader waits for
	 * its language's. need[lang] 0: none is built (render_deps.c: no
	 * job to key reads it). */
	char need[HHD_MAX_LANGS], ready[HHD_MAX_LANGS];
	pthread_mutex_t lock;
	pthread_cond_t built;
};

/* A render thread's view: everything but `a` is shared and only read. */
struct render_ctx {
	const struct model *m;
	const struct theme *t;
	const struct render_shared *sh;
	struct arena *a;              /* the thread's own: values, paths */
	int memo;                     /* key each page (memo.h) and keep what the last build wrote */
	struct cache_key base;        /* memo_base() of this build's templates */
	struct cache_key index_base;  /* memo_base() without templates: the search indexes' */
	const struct render_change *ch; /* with memo: what changed since the last build */
	int check;                    /* HHD_DEPS_CHECK: key the jobs kept too, and compare */
};

/* Build every language's common values, each in its own arena (c->a: the
 * theme's keys). Free with render_shared_free. */
void render_shared_build(struct render_shared *sh, const struct render_ctx *c);
/* Build language `lang`'s tip list (a job of the render pool, for a
 * language where sh->need[lang]) and wake its readers. */
void render_shared_tip(struct render_shared *sh, const struct render_ctx *c, int lang);
void render_shared_free(struct render_shared *sh);
/* The values job `j`'s template sees, and (in *tpl) the template's name
 * (render.c keys them, then renders them unless the writer keeps the page).
 * Pure: reads the model and templates only. */
struct val *render_page_val(const struct render_ctx *c, const struct render_job *j, const char **tpl);
/* The same page in every language (NULL where a language has none). */
void render_job_urls(const struct render_ctx *c, const struct render_job *j, const char *urls[HHD_MAX_LANGS]);
/* The context of a page at `url`: the language's common values and the
 * page's own (url, title, canonical, counter event). */
struct val *render_page_ctx(const struct render_ctx *c, int lang, const char *url, const char *title,
			    const char *event);
/* Language switcher and hreflang from the page's URL in each language. */
void render_alternates(const struct render_ctx *c, struct val *v, int lang, const char *const urls[HHD_MAX_LANGS],
		       int homes);
/* map[key] = s, or null when s is NULL. */
void render_set(struct arena *a, struct val *map, const char *key, const char *s);
/* The theme's string `key` in `lang`, or the key itself. */
/* tel: link from a displayed number: digits and a leading '+'; a Dutch
 * number starting with one 0 gets +31. */
const char *render_tel_href(struct arena *a, const char *phone);
const char *render_str(const struct render_ctx *c, int lang, const char *key);
/* Report a failed render of `url` with the limit it hit. */
void render_report(struct diags *d, const char *url, int status);

/* render_deps.c: which jobs a change since the last build can reach. */
struct render_change {
	int all;                      /* key every job: no trusted record, or a
				       * global input changed */
	int trees;                    /* a tree changed, came or went */
	int contact;                  /* a page with the contact layout changed */
	char langs[HHD_MAX_LANGS];    /* a page of the language changed (its search index) */
	char tips[HHD_MAX_LANGS];     /* a tip of the language changed (its tip list) */
	struct strmap *groups;        /* kind letter + id of the page groups changed */
	struct strmap *tipids;        /* ids of the tips changed */
	struct strmap *paths;         /* paths of the page files changed */
	struct cache_key files_key;   /* what the sitemap and the manifest read (with memo) */
	struct arena a;
};
/* The digest of what every job may read (c->sh built and, with c->memo,
 * sealed). */
struct cache_key render_global(const struct render_ctx *c);
/* Compare this build with `last` (writer_last_inputs; NULL: none) into
 * *ch, and append this build's record to `record`. */
void render_change(struct render_change *ch, const struct render_ctx *c, const void *last, size_t len,
		   struct buf *record);
/* Must job `j` (`ask`: the ask page of the outcome j->node) be keyed, or
 * can the output keep what the last build wrote? */
int render_affected(const struct render_change *ch, const struct render_job *j, int ask);
/* Must language `lang`'s search index be keyed again? */
int render_index_affected(const struct render_change *ch, int lang);
void render_change_free(struct render_change *ch);

#endif
