/* app.c: routing, manifest reloads and the generic error replies. */
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
	app->man = xmalloc(sizeof *app->man);
	manifest_init(app->man);
	app->manifest_path = xmalloc(n + sizeof "/" MANIFEST_NAME);
	memcpy(app->manifest_path, site_dir, n);
	memcpy(app->manifest_path + n, "/" MANIFEST_NAME, sizeof "/" MANIFEST_NAME);
	ratelimit_init(&app->rl, rate_burst, POLICY_RATE_REFILL_SECONDS, now);
	arena_init(&app->arena);
	app_refresh_manifest(app, now, 1);
}

void app_free(struct app *app)
{
	manifest_free(app->man);
	free(app->man);
	free(app->manifest_path);
	arena_free(&app->arena);
}

void app_refresh_manifest(struct app *app, time_t now, int force)
{
	struct manifest *m;
	struct stat st;
	char err[256];

	if (!force && now >= app->man_checked && now - app->man_checked < POLICY_MANIFEST_CHECK_SECONDS)
		return;
	app->man_checked = now;
	if (stat(app->manifest_path, &st) < 0) {
		if (app->man_stat.seen || force)
			log_line(NULL, "cannot read the site manifest '%s': %s (keeping %zu pages)",
				app->manifest_path, strerror(errno), app->man->npages);
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
	manifest_init(m);
	if (manifest_load(m, app->manifest_path, err, sizeof err) < 0) {
		log_line(NULL, "site manifest '%s': %s (keeping %zu pages)", app->manifest_path, err,
			app->man->npages);
		manifest_free(m);
		free(m);
		return;
	}
	manifest_free(app->man);
	free(app->man);
	app->man = m;
	log_line(NULL, "site manifest loaded: %zu pages, %zu partner codes", m->npages, m->npartners);
}

/* Titles for the generic error replies, in both compiled languages: these
 * come before the form (and its language) has been read. */
static void S_titles(int status, const char **nl, const char **en)
{
	switch (status) {
	case 400: *nl = "Dit verzoek klopt niet."; *en = "This request is malformed."; break;
	case 404: *nl = "Niet gevonden."; *en = "Not found."; break;
	case 405: *nl = "Deze methode is hier niet toegestaan."; *en = "This method is not allowed here."; break;
	case 411: *nl = "De lengte van het verzoek ontbreekt."; *en = "The request length is missing."; break;
	case 413: *nl = "Het bericht is te lang."; *en = "The message is too long."; break;
	case 415: *nl = "Dit soort gegevens wordt hier niet aangenomen."; *en = "This kind of data is not accepted here."; break;
	case 429: *nl = "Te veel pogingen. Probeer het over een paar minuten opnieuw.";
		*en = "Too many attempts. Please try again in a few minutes."; break;
	default: *nl = "Er ging iets mis aan onze kant. Probeer het later opnieuw.";
		*en = "Something went wrong on our side. Please try again later."; break;
	}
}

void app_error(struct req *rq, struct reply *rp, int status)
{
	const char *nl, *en;

	S_titles(status, &nl, &en);
	if (http_wants_json(rq->accept)) {
		reply_set(rp, status, "application/json");
		buf_addf(&rp->body, "{\"ok\":false,\"status\":%d,\"message\":{\"nl\":", status);
		json_string(&rp->body, nl);
		buf_adds(&rp->body, ",\"en\":");
		json_string(&rp->body, en);
		buf_adds(&rp->body, "}}\n");
		return;
	}
	reply_set(rp, status, "text/html; charset=utf-8");
	buf_addf(&rp->body, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<meta name=\"robots\" content=\"noindex\"><title>%d %s</title></head>\n<body><main>\n"
		"<h1>%s</h1>\n<p lang=\"en\">%s</p>\n<p><a href=\"/\">Hackhelpdesk</a></p>\n</main></body></html>\n",
		status, http_reason(status), nl, en);
}

/* Whether the path is one of the counters'. */
static int S_is_hit(const char *path)
{
	return path && (strcmp(path, "/api/hit") == 0 || strcmp(path, "/api/hit.gif") == 0);
}

int app_batchable(const struct req *rq)
{
	return S_is_hit(rq->path);
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
			app_error(&rq[i], &rp[i], 503);
			rp[i].location = NULL;
		}
		rp[i].uncommitted = 0;
	}
	return rc;
}

void app_handle(struct app *app, struct req *rq, struct reply *rp)
{
	const char *path = rq->path ? rq->path : "";

	app_refresh_manifest(app, rq->now, 0);
	rp->allow = NULL;
	rp->location = NULL;
	rp->retry_after = 0;
	rp->uncommitted = 0;
	if (strcmp(path, "/api/contact") == 0)
		contact_handle(app, rq, rp);
	else if (S_is_hit(path))
		hit_handle(app, rq, rp);
	else
		app_error(rq, rp, 404);
}
