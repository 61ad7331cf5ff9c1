/* app.h: hhd-fcgi's state and request routing, free of libfcgi.
 *
 * One struct app lives for the whole process: the database (with its
 * prepared statements), the current site manifest, the rate limiter and
 * the per-request arena. Everything a handler allocates for a request comes
 * from app->arena, which main.c resets after each response. */
#ifndef HHD_APP_H
#define HHD_APP_H

#include <sys/types.h>
#include <time.h>

#include "arena.h"
#include "http.h"
#include "manifest.h"
#include "ratelimit.h"

struct db;

struct app {
	struct db *db;
	struct manifest *man;        /* never NULL; empty when none could be loaded */
	char *manifest_path;
	struct {
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime;
		int seen;
	} man_stat;
	time_t man_checked;
	int warned_no_addr;          /* logged once: nginx passed no REMOTE_ADDR */
	struct ratelimit rl;
	struct arena arena;
};

/* Set up with an open database and the built site's folder. `rate_burst`
 * is the contact limit's burst (0: off). Loads the manifest if there is one. */
void app_init(struct app *app, struct db *db, const char *site_dir, unsigned rate_burst, time_t now);
void app_free(struct app *app);
/* Reload the manifest if its file changed (checked at most every
 * POLICY_MANIFEST_CHECK_SECONDS unless `force`). */
void app_refresh_manifest(struct app *app, time_t now, int force);
/* Answer one request: fill `rp`. Never fails; problems become statuses. */
void app_handle(struct app *app, struct req *rq, struct reply *rp);

/* A small page (or JSON object) for a status with no more to say. */
void app_error(struct req *rq, struct reply *rp, int status);

#endif
