/* counters.h: POST /api/hit and GET /api/hit.gif, the anonymous counters.
 *
 * Parameters (query string for the GIF, urlencoded body for the POST):
 *   p     a page path from the manifest ("/nl/hulp/ransomware/start/")
 *   e     view | help | outcome | yes | no | search | pick
 *         | no-complex | no-missing | no-person | no-other  (why "Nee")
 *         | who-employer | who-zzp | who-private | who-other ("Ik ben")
 *         The reasons and the "Ik ben" answers count only on an outcome
 *         page; search has the search page's path, pick the path of the
 *         result chosen. Never anything the visitor typed.
 *   via   optional partner code from the manifest's R records
 *   back  "1" on the plain HTML forms: answer 303 instead of 204, to the
 *         outcome page's reasons (p + "#" HIT_WHY_ANCHOR) after a counted
 *         "no", else to the feedback page of the page's language
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

/* The anchor of the reasons block on an outcome page (the theme's
 * outcome.mustache has the same id). */
#define HIT_WHY_ANCHOR "hhd-why"

/* The events, in the order of their names; the reasons and the "Ik ben"
 * answers are each one contiguous run, in the theme's order. */
enum hit_event {
	EV_VIEW, EV_HELP, EV_OUTCOME, EV_YES, EV_NO, EV_SEARCH, EV_PICK,
	EV_NO_COMPLEX, EV_NO_MISSING, EV_NO_PERSON, EV_NO_OTHER,
	EV_WHO_EMPLOYER, EV_WHO_ZZP, EV_WHO_PRIVATE, EV_WHO_OTHER,
	EV__MAX
};
#define EV_REASON_FIRST EV_NO_COMPLEX
#define EV_NREASONS 4
#define EV_WHO_FIRST EV_WHO_EMPLOYER
#define EV_NWHO 4

/* The event named s, or -1. */
int hit_event_parse(const char *s);
const char *hit_event_name(enum hit_event e);
/* Whether event e counts only on an outcome page (a reason, "Ik ben"). */
int hit_event_outcome_only(enum hit_event e);
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
