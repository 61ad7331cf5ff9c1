/* app.h: hhd-fcgi's request routing and batches, free of libfcgi.
 *
 * One struct app (state.h) lives for the whole process: the database (with
 * its prepared statements), the current site manifest, the rate limiter
 * and the request arena. app_handle() routes a request through one table
 * (method, path, handler) to contact.c or counters.c.
 *
 * Batches: counter hits that arrive together are written in one
 * transaction. main.c opens it with app_batch_begin(), handles each hit
 * with app_handle() and keeps the replies, then calls app_batch_end()
 * before it sends any of them. */
#ifndef HHD_APP_H
#define HHD_APP_H

#include "http.h"
#include "state.h"

/* Set up with an open database and the built site's folder. `rate_burst`
 * is the contact limit's burst (0: off). Loads the manifest if there is one. */
void app_init(struct app *app, struct db *db, const char *site_dir, unsigned rate_burst, time_t now);
void app_free(struct app *app);
/* Reload the manifest if its file changed (checked at most every
 * POLICY_MANIFEST_CHECK_SECONDS unless `force`). */
void app_refresh_manifest(struct app *app, time_t now, int force);
/* Answer one request: fill `rp`. Never fails; problems become statuses. */
void app_handle(struct app *app, struct req *rq, struct reply *rp);

/* Whether a request may join a batch: its path is a counter hit's route
 * (/api/hit, /api/hit.gif). Anything else is handled with no batch open. */
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

#endif
