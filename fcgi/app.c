/* app.c: hhd-fcgi's request routing (one table), manifest reloads and
 * the batches of counter hits (see app.h). */
#include "app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "contact.h"
#include "counters.h"
#include "db.h"
#include "log.h"
#include "policy.h"
#include "xalloc.h"

void app_init(struct app *app, struct db *db, const char *site_dir, unsigned rate_burst, time_t now)
{
	size_t n = strlen(site_dir);

	memset(app, 0, sizeof *app);
	app->db = db;
	app->visitors.sketch = xmalloc(sizeof *app->visitors.sketch);
	hll_init(app->visitors.sketch);
	app->visitors.flushed = now;
	app->man = xmalloc(sizeof *app->man);
	siteindex_init(app->man);
	app->manifest_path = xmalloc(n + sizeof "/" MANIFEST_NAME);
	memcpy(app->manifest_path, site_dir, n);
	memcpy(app->manifest_path + n, "/" MANIFEST_NAME, sizeof "/" MANIFEST_NAME);
	ratelimit_init(&app->rl, rate_burst, POLICY_RATE_REFILL_SECONDS, now);
	arena_init(&app->arena);
	app_refresh_manifest(app, now, 1);
}

void app_free(struct app *app)
{
	siteindex_free(app->man);
	free(app->man);
	free(app->manifest_path);
	free(app->visitors.sketch);
	hll_key_wipe(&app->visitors.key);
	arena_free(&app->arena);
}

void app_refresh_manifest(struct app *app, time_t now, int force)
{
	struct siteindex *m;
	struct stat st;
	char err[256];

	if (!force && now >= app->man_checked && now - app->man_checked < POLICY_MANIFEST_CHECK_SECONDS)
		return;
	app->man_checked = now;
	if (stat(app->manifest_path, &st) < 0) {
		if (app->man_stat.seen || force)
			log_line(NULL, "cannot read the site manifest '%s': %s (keeping %zu pages)",
				app->manifest_path, strerror(errno), app->man->rows.npages);
		app->man_stat.seen = 0;
		return;
	}
	if (app->man_stat.seen && st.st_dev == app->man_stat.dev && st.st_ino == app->man_stat.ino
	    && st.st_size == app->man_stat.size && st.st_mtim.tv_sec == app->man_stat.mtime.tv_sec
	    && st.st_mtim.tv_nsec == app->man_stat.mtime.tv_nsec)
		return;
	/* remember the file even when it fails to parse: a half-written one
	 * is retried once it changes again, not on every request */
	app->man_stat.seen = 1;
	app->man_stat.dev = st.st_dev;
	app->man_stat.ino = st.st_ino;
	app->man_stat.size = st.st_size;
	app->man_stat.mtime = st.st_mtim;
	m = xmalloc(sizeof *m);
	siteindex_init(m);
	if (siteindex_load(m, app->manifest_path, err, sizeof err) < 0) {
		log_line(NULL, "site manifest '%s': %s (keeping %zu pages)", app->manifest_path, err,
			app->man->rows.npages);
		siteindex_free(m);
		free(m);
		return;
	}
	siteindex_free(app->man);
	free(app->man);
	app->man = m;
	log_line(NULL, "site manifest loaded: %zu pages, %zu partner codes", m->rows.npages, m->rows.npartners);
}

/* /api/health, for monitoring: 200 "ok", or 503 and why the database
 * fails (see db_health()). Counts nothing. */
static void S_health(struct app *app, struct req *rq, struct reply *rp)
{
	const char *why;

	(void)rq;
	if (db_health(app->db, &why) < 0) {
		reply_set(rp, 503, "text/plain; charset=utf-8");
		buf_addf(&rp->body, "unavailable: %s\n", why);
		return;
	}
	reply_set(rp, 200, "text/plain; charset=utf-8");
	buf_adds(&rp->body, "ok\n");
}

/* The routes: every path hhd-fcgi answers, the methods it takes there (as
 * the Allow header of a 405 lists them) and its handler. A path not in the
 * table is a 404; a method not in its row is a 405. Hits may share a batch. */
enum route_id { ROUTE_CONTACT, ROUTE_HIT, ROUTE_HIT_GIF, ROUTE_HEALTH, ROUTE__MAX };

struct route {
	const char *path;
	const char *allow;
	void (*fn)(struct app *, struct req *, struct reply *);
	int batchable;
};

static const struct route routes[ROUTE__MAX] = {
	[ROUTE_CONTACT] = { "/api/contact", "POST", contact_handle, 0 },
	[ROUTE_HIT] = { "/api/hit", "POST", hit_handle_post, 1 },
	[ROUTE_HIT_GIF] = { "/api/hit.gif", "GET, HEAD", hit_handle_gif, 1 },
	[ROUTE_HEALTH] = { "/api/health", "GET, HEAD", S_health, 0 },
};

/* The route of a path, or NULL. */
static const struct route *S_route(const char *path)
{
	size_t i;

	for (i = 0; path && i < ROUTE__MAX; i++)
		if (strcmp(path, routes[i].path) == 0)
			return &routes[i];
	return NULL;
}

/* Whether `method` is one of the ", "-separated names in `allow`. */
static int S_allowed(const char *allow, const char *method)
{
	size_t n = method ? strlen(method) : 0;
	const char *p = allow;

	if (n == 0)
		return 0;
	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, method, n) == 0)
			return 1;
		p += k;
		p += strspn(p, ", ");
	}
	return 0;
}

int app_batchable(const struct req *rq)
{
	const struct route *r = S_route(rq->path);

	return r && r->batchable;
}

int app_batch_begin(struct app *app)
{
	if (db_batch_begin(app->db) < 0) {
		log_line(NULL, "hits: cannot open a batch, committing one by one: %s", db_errmsg(app->db));
		return -1;
	}
	return 0;
}

int app_batch_open(const struct app *app)
{
	return db_batch_open(app->db);
}

int app_batch_end(struct app *app, struct req *rq, struct reply *rp, size_t n)
{
	char err[256];
	size_t i;
	int rc = 0;

	if (db_batch_open(app->db) && db_batch_commit(app->db, err, sizeof err) < 0) {
		rc = -1;
		log_line(NULL, "hits: batch of %zu not committed: %s", n, err);
	}
	for (i = 0; i < n; i++) {
		if (rc < 0 && rp[i].uncommitted) {
			log_line(rq[i].id, "hit: 503 not counted: its batch was not committed");
			reply_error(&rq[i], &rp[i], 503);
			rp[i].location = NULL;
		}
		rp[i].uncommitted = 0;
	}
	return rc;
}

void app_handle(struct app *app, struct req *rq, struct reply *rp)
{
	const struct route *r = S_route(rq->path);

	app_refresh_manifest(app, rq->now, 0);
	rp->allow = NULL;
	rp->location = NULL;
	rp->retry_after = 0;
	rp->uncommitted = 0;
	if (!r) {
		reply_error(rq, rp, 404);
	} else if (!S_allowed(r->allow, rq->method)) {
		reply_error(rq, rp, 405);
		rp->allow = r->allow;
	} else {
		r->fn(app, rq, rp);
	}
}
