/* counters.h: POST /api/hit and GET /api/hit.gif, the anonymous counters.
 *
 * Parameters (query string for the GIF, urlencoded body for the POST):
 *   p     a page path from the manifest ("/nl/hulp/ransomware/start/")
 *   e     view | help | outcome | yes | no
 *   via   optional partner code from the manifest's R records
 *   back  "1" on the plain HTML "did this help" form: answer 303 to the
 *         feedback page of the page's language instead of 204
 * Only a known path, a known event and (if given) a known partner code are
 * counted, and only for a user agent that is not an obvious bot; anything
 * else is answered 204 and ignored, so nobody can grow the database with
 * invented paths. What is stored is one row per (day, path, event, via)
 * with a count: no address, no user agent, no cookie, no per-visit row.
 * Unique visitors: each counted hit also adds its client address and user
 * agent, through a keyed hash whose key lives in memory only, to the day's
 * HyperLogLog sketch (hll.h); only the sketch is stored. */
#ifndef HHD_COUNTERS_H
#define HHD_COUNTERS_H

#include "http.h"

struct app;

#define HIT_MAX_BODY 1024     /* bytes of query string or POST body */
#define HIT_MAX_PATH 512      /* code points of p */

enum hit_event { EV_VIEW, EV_HELP, EV_OUTCOME, EV_YES, EV_NO, EV__MAX };

/* The event named s, or -1. */
int hit_event_parse(const char *s);
const char *hit_event_name(enum hit_event e);
/* Whether a User-Agent looks like a bot, crawler or scripted client (see
 * the list in counters.c). An absent or empty one counts as a bot. */
int hit_is_bot(const char *ua);

/* Answer one hit: a POST to /api/hit, or a GET or HEAD of /api/hit.gif
 * (app.c's route table has checked the method). A hit counted inside an
 * open batch (db_batch_begin) marks its reply rp->uncommitted: it stands
 * only if the batch is committed. */
void hit_handle_post(struct app *app, struct req *rq, struct reply *rp);
void hit_handle_gif(struct app *app, struct req *rq, struct reply *rp);
/* Store the visitor sketch if visitors were added since the last store:
 * merged (register-wise max) with the day's stored sketch, so processes and
 * nodes writing the same day never count a visitor twice through the
 * merge. Inside an open batch it joins the batch. 0, or -1 (logged). */
int hit_visitors_flush(struct app *app, time_t now);

#endif
