/* counters.c: the anonymous counters (see counters.h). */
#include "counters.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "form.h"
#include "hll.h"
#include "log.h"
#include "policy.h"
#include "siteindex.h"
#include "state.h"
#include "xalloc.h"

static const char *const event_names[EV__MAX] = {
	[EV_VIEW] = "view",
	[EV_HELP] = "help",
	[EV_OUTCOME] = "outcome",
	[EV_YES] = "yes",
	[EV_NO] = "no",
	[EV_SEARCH] = "search",
	[EV_PICK] = "pick",
	[EV_NO_COMPLEX] = "no-complex",
	[EV_NO_MISSING] = "no-missing",
	[EV_NO_PERSON] = "no-person",
	[EV_NO_OTHER] = "no-other",
	[EV_WHO_EMPLOYER] = "who-employer",
	[EV_WHO_ZZP] = "who-zzp",
	[EV_WHO_PRIVATE] = "who-private",
	[EV_WHO_OTHER] = "who-other",
};

int hit_event_outcome_only(enum hit_event e)
{
	return e >= EV_NO_COMPLEX && e < EV__MAX;
}

int hit_event_parse(const char *s)
{
	int i;

	for (i = 0; i < EV__MAX; i++)
		if (strcmp(s, event_names[i]) == 0)
			return i;
	return -1;
}

const char *hit_event_name(enum hit_event e)
{
	return (unsigned)e < EV__MAX ? event_names[e] : "?";
}

/* Substrings (compared case-insensitively) that mark a user agent as not a
 * person's browser: the self-declared crawlers ("bot", "crawl", "spider",
 * "slurp" cover Googlebot, bingbot, Baiduspider, Yahoo! Slurp and most
 * others), link-preview fetchers, and HTTP libraries and command-line
 * tools (curl, wget, ...). Deliberately absent: "headless", because
 * HeadlessChrome is what our own browser tests (and some real assistive
 * set-ups) run, and it executes the page like a person's browser would.
 * The list errs towards counting: a missed bot inflates a count a little, a
 * refused person makes the "did this help" numbers lie. */
static const char *const bot_marks[] = {   /* lowercase */
	"bot", "crawl", "spider", "slurp",
	"curl/", "wget/", "libwww", "python-", "go-http-client", "java/", "okhttp",
	"httpclient", "axios/", "node-fetch", "scrapy", "facebookexternalhit",
	"feedfetcher", "mediapartners", "ia_archiver", "phantomjs",
};

/* The marks are lowercase: the user agent is lowered (ASCII only, as
 * strncasecmp in the C locale) into a buffer once and searched with strstr,
 * which is many times faster than a strncasecmp at every offset (that loop
 * was the counters' largest cost in user space). A longer user agent,
 * rare and usually not a browser's, takes the slow way. */
#define BOT_UA_FAST 512

int hit_is_bot(const char *ua)
{
	char low[BOT_UA_FAST];
	size_t i, n;

	if (!ua || !*ua)
		return 1;
	n = strlen(ua);
	if (n < sizeof low) {
		for (i = 0; i <= n; i++)
			low[i] = (char)(ua[i] >= 'A' && ua[i] <= 'Z' ? ua[i] - 'A' + 'a' : ua[i]);
		for (i = 0; i < sizeof bot_marks / sizeof *bot_marks; i++)
			if (strstr(low, bot_marks[i]))
				return 1;
		return 0;
	}
	for (i = 0; i < sizeof bot_marks / sizeof *bot_marks; i++) {
		size_t k = strlen(bot_marks[i]), j;
		for (j = 0; j + k <= n; j++)
			if (strncasecmp(ua + j, bot_marks[i], k) == 0)
				return 1;
	}
	return 0;
}

enum { HF_P, HF_E, HF_VIA, HF_BACK, HF__MAX };

static const struct form_field hit_fields[HF__MAX] = {
	[HF_P] = { "p", HIT_MAX_PATH, 0 },
	[HF_E] = { "e", 16, 0 },
	[HF_VIA] = { "via", 64, 0 },
	[HF_BACK] = { "back", 1, 0 },
};

/* A transparent 1x1 GIF89a. */
static const unsigned char gif1x1[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};

/* Read the hit's parameters into text/len: the query string for the GIF,
 * the body for the POST. Returns 0, or an HTTP status to answer with. */
static int S_input(struct app *app, struct req *rq, int gif, const char **text, size_t *len)
{
	size_t n = 0;
	char *body;

	if (gif) {
		*text = rq->query ? rq->query : "";
		*len = strlen(*text);
		return *len > HIT_MAX_BODY ? 204 : 0;
	}
	/* navigator.sendBeacon sends URLSearchParams as urlencoded and a string
	 * as text/plain; the HTML feedback form sends urlencoded */
	if (!http_type_is(rq->content_type, "application/x-www-form-urlencoded")
	    && !http_type_is(rq->content_type, "text/plain"))
		return 204;
	switch (http_content_length(rq->content_length, HIT_MAX_BODY, &n)) {
	case CL_OK: break;
	case CL_MISSING: return 411;
	case CL_INVALID: return 400;
	case CL_TOO_BIG: return 413;
	}
	body = arena_alloc(&app->arena, n + 1);
	if (req_read_body(rq, body, n) < 0)
		return 400;
	*text = body;
	*len = n;
	return 0;
}

/* db_sketch_merge()'s callback: the stored sketch (if any and valid)
 * merged with the one in memory, serialised into out. */
static int S_merge(const void *stored, size_t len, struct buf *out, void *arg)
{
	struct app *app = arg;
	struct hll *h = xmalloc(sizeof *h);
	char err[128];

	if (stored && hll_parse(h, stored, len, err, sizeof err) < 0) {
		/* only this sketch is lost, not the counters */
		log_line(NULL, "visitors: the stored sketch of %s is replaced: %s", app->visitors.day, err);
		hll_init(h);
	} else if (!stored) {
		hll_init(h);
	}
	hll_merge(h, app->visitors.sketch);
	hll_serialise(h, out);
	free(h);
	return 0;
}

int hit_visitors_flush(struct app *app, time_t now)
{
	if (!app->visitors.dirty)
		return 0;
	if (db_sketch_merge(app->db, app->visitors.day, S_merge, app) < 0) {
		log_line(NULL, "visitors: sketch of %s not stored: %s", app->visitors.day, db_errmsg(app->db));
		return -1;
	}
	app->visitors.dirty = 0;
	app->visitors.flushed = now;
	return 0;
}

/* Count the hit's visitor in the day's sketch (the address and user agent
 * go no further than hll_add_visitor's keyed hash). */
static void S_visitor(struct app *app, const struct req *rq, const char *day)
{
	long daynum = strtol(day, NULL, 10) * 10000 + strtol(day + 5, NULL, 10) * 100 + strtol(day + 8, NULL, 10);

	if (app->visitors.day[0] && strcmp(app->visitors.day, day) != 0) {
		hit_visitors_flush(app, rq->now);   /* the day before's */
		hll_init(app->visitors.sketch);
		app->visitors.dirty = 0;
	}
	memcpy(app->visitors.day, day, sizeof app->visitors.day);
	hll_add_visitor(app->visitors.sketch, &app->visitors.key, daynum, rq->remote_addr, rq->user_agent);
	app->visitors.dirty = 1;
	if (rq->now - app->visitors.flushed >= POLICY_VISITOR_FLUSH_SECONDS || rq->now < app->visitors.flushed)
		hit_visitors_flush(app, rq->now);
}

/* Answer one hit, by GIF (query string) or POST (body). */
static void S_hit(struct app *app, struct req *rq, struct reply *rp, int gif)
{
	struct form_value v[HF__MAX];
	const struct manifest_row *page = NULL;
	const char *text = "";
	size_t len = 0;
	int st, ev = -1, counted = 0, back = 0;
	char day[11];

	st = S_input(app, rq, gif, &text, &len);
	if (st >= 400) {
		log_line(rq->id, "hit: %d", st);
		reply_error(rq, rp, st);
		return;
	}
	if (st == 0 && form_parse(text, len, hit_fields, HF__MAX, v, &app->arena, NULL) == FORM_OK
	    && !v[HF_P].err && !v[HF_E].err && !v[HF_VIA].err && !v[HF_BACK].err) {
		page = siteindex_page(app->man, v[HF_P].s);
		ev = hit_event_parse(v[HF_E].s);
		back = !gif && strcmp(v[HF_BACK].s, "1") == 0;
		counted = page && ev >= 0 && (!hit_event_outcome_only(ev) || page->kind == LAYOUT_OUTCOME)
			&& (!v[HF_VIA].len || siteindex_has_partner(app->man, v[HF_VIA].s))
			&& !hit_is_bot(rq->user_agent);
	}
	if (counted) {
		db_day(rq->now, day);
		if (db_hit_add(app->db, day, page->path, event_names[ev], v[HF_VIA].s) < 0) {
			log_line(rq->id, "hit: 503 not counted: %s", db_errmsg(app->db));
			reply_error(rq, rp, 503);
			return;
		}
		/* written, not yet committed: the batch's commit decides */
		rp->uncommitted = db_batch_open(app->db);
		S_visitor(app, rq, day);
	}
	if (back && page && ev == EV_NO && counted && page->kind == LAYOUT_OUTCOME) {
		/* the plain "Nee" button: back to the step plan, where the
		 * reasons (#hhd-why, shown by CSS :target) ask one more tap */
		reply_set(rp, 303, "text/plain; charset=utf-8");
		rp->location = arena_cat(&app->arena, page->path, "#" HIT_WHY_ANCHOR, (char *)NULL);
		buf_adds(&rp->body, "See Other\n");
		return;
	}
	if (back && page) {
		const struct manifest_row *fb = siteindex_find_kind(app->man, page->lang, LAYOUT_FEEDBACK);
		if (fb) {
			reply_set(rp, 303, "text/plain; charset=utf-8");
			/* a copy: the manifest may be reloaded before this is sent */
			rp->location = arena_strdup(&app->arena, fb->path);
			buf_adds(&rp->body, "See Other\n");
			return;
		}
	}
	if (gif && counted) {
		reply_set(rp, 200, "image/gif");
		buf_add(&rp->body, gif1x1, sizeof gif1x1);
		return;
	}
	reply_set(rp, 204, NULL);
}

void hit_handle_post(struct app *app, struct req *rq, struct reply *rp)
{
	S_hit(app, rq, rp, 0);
}

void hit_handle_gif(struct app *app, struct req *rq, struct reply *rp)
{
	S_hit(app, rq, rp, 1);
}
