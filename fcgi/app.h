/* app.h: hhd-fcgi's state and request routing, free of libfcgi.
 *
 * One struct app lives for the whole process: the database (with its
 * prepared statements), the current site manifest, the rate limiter and
 * the request arena. Everything a handler allocates for a request comes
 * from app->arena, which main.c resets once every reply it has pending
 * (a batch of hits, or a single request) has been sent.
 *
 * Batches: counter hits that arrive together are written in one
 * transaction. main.c opens it with app_batch_begin(), handles each hit
 * with app_handle() and keeps the replies, then calls app_batch_end()
 * before it sends any of them. */
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

/* Whether a request may join a batch: a counter hit (/api/hit, /api/hit.gif).
 * Anything else is handled with no batch open. */
int app_batchable(const struct req *rq);
/* Open a batch: the hits handled until app_batch_end() are written in one
 * transaction. 0, or -1 (logged) when it cannot be opened: hits are then
 * committed one by one, as they are handled. */
int app_batch_begin(struct app *app);
int app_batch_open(const struct app *app);
/* Commit the open batch, if any; call it before sending any of the n
 * replies handled since app_batch_begin() (rq[i] is rp[i]'s request). When
 * the commit fails, every reply that acknowledges a write of the batch
 * (rp->uncommitted) becomes a 503 and is logged. Clears rp->uncommitted.
 * Returns 0, or -1 when the commit failed. */
int app_batch_end(struct app *app, struct req *rq, struct reply *rp, size_t n);

/* A small page (or JSON object) for a status with no more to say. */
void app_error(struct req *rq, struct reply *rp, int status);

#endif
