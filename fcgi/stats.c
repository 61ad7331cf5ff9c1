/* stats.c: `hhd-admin stats`, the counters as text, CSV, JSON or one
 * self-contained HTML file with inline SVG charts (no scripts, no external
 * files: it can be mailed around and opened anywhere).
 *
 * Everything is aggregated from the hit table: visits (view events) and
 * help-button presses per day, step plans reached (outcome) with their
 * "did this help" answers and the reasons for "no", who visits (the "Ik
 * ben" taps), search use, partner referrals (via codes); unique visitors
 * from the day sketches; and, given the site manifest, each tree's funnel
 * (funnel.h). The first screen of the HTML answers the helpdesk's
 * questions; the CSV and JSON carry the same numbers. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters.h"
#include "db.h"
#include "export.h"
#include "funnel.h"
#include "hll.h"
#include "html.h"
#include "xalloc.h"

#define STATS_MAX_DAYS 3700   /* about ten years in one report */

struct day_row {
	char day[11];
	long long n[EV__MAX];
	long long unique;      /* the day's sketch's estimate, rounded */
	char week[11];         /* the Monday of its week */
};

struct plan_row {
	char *path;
	long long view, outcome, yes, no;
	long long reason[EV_NREASONS], who[EV_NWHO];
};

/* Every event's count of one page, for the per-page aggregates. */
struct path_row {
	char *path;
	long long n[EV__MAX];
};

struct week_row {
	char week[11];
	long long unique;
};

#define STATS_LANG_MAX 16
struct lang_row {
	char lang[STATS_LANG_MAX + 1];
	long long view, outcome, yes, no;
};

struct partner_row {
	char *via;
	long long hits, views;
};

struct help_row {
	char *path;
	long long n;
};

struct report {
	const char *from, *to;
	struct day_row *days;
	size_t ndays;
	struct plan_row *plans;
	size_t nplans, cap_plans;
	struct partner_row *partners;
	size_t npartners, cap_partners;
	struct help_row *help;
	size_t nhelp, cap_help;
	struct path_row *paths;       /* sorted by path */
	size_t npaths, cap_paths;
	struct week_row *weeks;
	size_t nweeks;
	struct lang_row *langs;       /* sorted by language */
	size_t nlangs, cap_langs;
	struct help_row *picks;       /* search results chosen, most first */
	size_t npicks, cap_picks;
	const struct siteindex *site; /* NULL: no funnels, languages from the paths */
	struct funnel_set funnels;
	long long total[EV__MAX];
	long long max_day;
	long long unique;      /* the days' unique visitors, summed */
};

/* Parse "YYYY-MM-DD" into tm at noon (noon keeps day arithmetic clear of
 * any DST or leap-second edge). */
static int S_parse_date(const char *s, struct tm *tm)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = 12;
	return 0;
}

int stats_date_ok(const char *s)
{
	struct tm tm, back;
	time_t t;
	size_t i;

	for (i = 0; i < 10 && s[i]; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (S_parse_date(s, &tm) < 0)
		return 0;
	back = tm;
	t = timegm(&back);  /* normalises: 2025-02-30 becomes March 2 */
	return gmtime_r(&t, &back) && back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon
		&& back.tm_mday == tm.tm_mday;
}

void stats_date_add(const char *date, int days, char out[11])
{
	struct tm tm;
	time_t t;

	if (S_parse_date(date, &tm) < 0) {
		snprintf(out, 11, "1970-01-01");
		return;
	}
	t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long S_days_between(const char *from, const char *to)
{
	struct tm a, b;

	if (S_parse_date(from, &a) < 0 || S_parse_date(to, &b) < 0)
		return -1;
	return (long)((timegm(&b) - timegm(&a)) / 86400);
}

static void S_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nplans; i++)
		free(r->plans[i].path);
	for (i = 0; i < r->npartners; i++)
		free(r->partners[i].via);
	for (i = 0; i < r->nhelp; i++)
		free(r->help[i].path);
	for (i = 0; i < r->npaths; i++)
		free(r->paths[i].path);
	for (i = 0; i < r->npicks; i++)
		free(r->picks[i].path);
	free(r->paths);
	free(r->picks);
	free(r->weeks);
	free(r->langs);
	funnel_free(&r->funnels);
	free(r->days);
	free(r->plans);
	free(r->partners);
	free(r->help);
}

/* Row callbacks for db_report(), one per report, filling r. */
static int S_day_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	long off = S_days_between(r->from, db_text(row, "day"));
	int ev = hit_event_parse(db_text(row, "event"));

	if (off < 0 || (size_t)off >= r->ndays || ev < 0)
		return 0;  /* a malformed day or an event from a newer version */
	r->days[off].n[ev] += db_int(row, "n");
	r->total[ev] += db_int(row, "n");
	return 0;
}

static int S_visitor_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	long off = S_days_between(r->from, db_text(row, "day"));
	struct hll *h;
	const void *p;
	size_t len;
	char err[128];

	if (off < 0 || (size_t)off >= r->ndays)
		return 0;
	p = db_blob(row, "sketch", &len);
	h = xmalloc(sizeof *h);
	if (p && hll_parse(h, p, len, err, sizeof err) == 0) {
		r->days[off].unique = (long long)(hll_estimate(h) + 0.5);
		r->unique += r->days[off].unique;
	} else {
		fprintf(stderr, "hhd-admin: stats: the visitor sketch of %s is unreadable: %s\n",
			db_text(row, "day"), p ? err : "empty");
	}
	free(h);
	return 0;
}

static int S_plan_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	struct plan_row *p;

	r->plans = xgrow(r->plans, &r->cap_plans, r->nplans + 1, sizeof *r->plans);
	p = &r->plans[r->nplans++];
	p->path = xstrdup(db_text(row, "path"));
	p->view = db_int(row, "view");
	p->outcome = db_int(row, "outcome");
	p->yes = db_int(row, "yes");
	p->no = db_int(row, "no");
	return 0;
}

static int S_partner_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	struct partner_row *p;

	r->partners = xgrow(r->partners, &r->cap_partners, r->npartners + 1, sizeof *r->partners);
	p = &r->partners[r->npartners++];
	p->via = xstrdup(db_text(row, "via"));
	p->hits = db_int(row, "hits");
	p->views = db_int(row, "views");
	return 0;
}

static int S_help_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	struct help_row *h;

	r->help = xgrow(r->help, &r->cap_help, r->nhelp + 1, sizeof *r->help);
	h = &r->help[r->nhelp++];
	h->path = xstrdup(db_text(row, "path"));
	h->n = db_int(row, "n");
	return 0;
}

static int S_path_row(const struct db_row *row, void *arg)
{
	struct report *r = arg;
	const char *path = db_text(row, "path");
	int ev = hit_event_parse(db_text(row, "event"));

	if (ev < 0)
		return 0;
	if (!r->npaths || strcmp(r->paths[r->npaths - 1].path, path) != 0) {
		r->paths = xgrow(r->paths, &r->cap_paths, r->npaths + 1, sizeof *r->paths);
		memset(&r->paths[r->npaths], 0, sizeof *r->paths);
		r->paths[r->npaths++].path = xstrdup(path);
	}
	r->paths[r->npaths - 1].n[ev] += db_int(row, "n");
	return 0;
}

static int S_cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct path_row *)a)->path, ((const struct path_row *)b)->path);
}

static const struct path_row *S_path(const struct report *r, const char *path)
{
	struct path_row key = { .path = (char *)path };

	return r->npaths ? bsearch(&key, r->paths, r->npaths, sizeof *r->paths, S_cmp_path) : NULL;
}

/* funnel_count_fn: a page is reached when shown (view, help or outcome). */
static void S_funnel_count(const char *path, long long *reached, long long *yes, long long *no, void *arg)
{
	const struct path_row *p = S_path(arg, path);

	*reached = p ? p->n[EV_VIEW] + p->n[EV_HELP] + p->n[EV_OUTCOME] : 0;
	*yes = p ? p->n[EV_YES] : 0;
	*no = p ? p->n[EV_NO] : 0;
}

/* A page's language: the manifest's, or the path's first segment. */
static void S_lang_of(const struct report *r, const char *path, char out[STATS_LANG_MAX + 1])
{
	const struct manifest_row *pg = r->site ? siteindex_page(r->site, path) : NULL;
	size_t n;

	if (pg) {
		snprintf(out, STATS_LANG_MAX + 1, "%s", pg->lang);
		return;
	}
	n = path[0] == '/' ? strcspn(path + 1, "/") : 0;
	if (n == 0 || n > STATS_LANG_MAX || !path[1 + n])
		snprintf(out, STATS_LANG_MAX + 1, "-");
	else
		snprintf(out, STATS_LANG_MAX + 1, "%.*s", (int)n, path + 1);
}

static int S_cmp_count(const void *a, const void *b)
{
	const struct help_row *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->path, y->path);
}

/* The aggregates over the per-page counts and the days. */
static void S_derive(struct report *r)
{
	size_t i, j;
	int k;

	for (i = 0; i < r->nplans; i++) {
		const struct path_row *p = S_path(r, r->plans[i].path);
		for (k = 0; p && k < EV_NREASONS; k++)
			r->plans[i].reason[k] = p->n[EV_REASON_FIRST + k];
		for (k = 0; p && k < EV_NWHO; k++)
			r->plans[i].who[k] = p->n[EV_WHO_FIRST + k];
	}
	for (i = 0; i < r->npaths; i++) {
		const struct path_row *p = &r->paths[i];
		char lang[STATS_LANG_MAX + 1];
		S_lang_of(r, p->path, lang);
		for (j = 0; j < r->nlangs && strcmp(r->langs[j].lang, lang) != 0; j++)
			;
		if (j == r->nlangs) {
			r->langs = xgrow(r->langs, &r->cap_langs, r->nlangs + 1, sizeof *r->langs);
			memset(&r->langs[j], 0, sizeof *r->langs);
			memcpy(r->langs[j].lang, lang, sizeof lang);
			r->nlangs++;
		}
		r->langs[j].view += p->n[EV_VIEW] + p->n[EV_HELP];
		r->langs[j].outcome += p->n[EV_OUTCOME];
		r->langs[j].yes += p->n[EV_YES];
		r->langs[j].no += p->n[EV_NO];
		if (p->n[EV_PICK]) {
			r->picks = xgrow(r->picks, &r->cap_picks, r->npicks + 1, sizeof *r->picks);
			r->picks[r->npicks].path = xstrdup(p->path);
			r->picks[r->npicks++].n = p->n[EV_PICK];
		}
	}
	for (i = 1; i < r->nlangs; i++)   /* a handful: insertion sort by name */
		for (j = i; j > 0 && strcmp(r->langs[j - 1].lang, r->langs[j].lang) > 0; j--) {
			struct lang_row t = r->langs[j];
			r->langs[j] = r->langs[j - 1];
			r->langs[j - 1] = t;
		}
	if (r->npicks)
		qsort(r->picks, r->npicks, sizeof *r->picks, S_cmp_count);
	r->weeks = xcalloc(r->ndays / 7 + 2, sizeof *r->weeks);
	for (i = 0; i < r->ndays; i++) {
		if (!i || strcmp(r->days[i].week, r->days[i - 1].week) != 0)
			memcpy(r->weeks[r->nweeks++].week, r->days[i].week, 11);
		r->weeks[r->nweeks - 1].unique += r->days[i].unique;
	}
	if (r->site)
		funnel_build(r->site, S_funnel_count, r, &r->funnels);
}

/* Run the reports into r. 0 or -1. */
static int S_load(struct db *db, struct report *r)
{
	static const db_row_fn fns[DB_REPORT__MAX] = {
		[DB_REPORT_DAYS] = S_day_row,
		[DB_REPORT_PLANS] = S_plan_row,
		[DB_REPORT_PARTNERS] = S_partner_row,
		[DB_REPORT_HELP] = S_help_row,
		[DB_REPORT_VISITORS] = S_visitor_row,
		[DB_REPORT_PATHS] = S_path_row,
	};
	size_t i;
	int k;

	r->ndays = (size_t)S_days_between(r->from, r->to) + 1;
	r->days = xcalloc(r->ndays, sizeof *r->days);
	for (i = 0; i < r->ndays; i++) {
		struct tm tm;
		stats_date_add(r->from, (int)i, r->days[i].day);
		/* its week: the Monday on or before it */
		if (S_parse_date(r->days[i].day, &tm) == 0) {
			time_t t = timegm(&tm);
			gmtime_r(&t, &tm);
			stats_date_add(r->days[i].day, -((tm.tm_wday + 6) % 7), r->days[i].week);
		}
	}
	for (k = 0; k < DB_REPORT__MAX; k++)
		if (db_report(db, (enum db_report)k, r->from, r->to, fns[k], r) < 0)
			return -1;
	for (i = 0; i < r->ndays; i++)
		if (r->days[i].n[EV_VIEW] > r->max_day)
			r->max_day = r->days[i].n[EV_VIEW];
	S_derive(r);
	return 0;
}

/* "75%" or "-" when nobody answered. */
static void S_ratio(char out[8], long long yes, long long no)
{
	if (yes + no == 0)
		snprintf(out, 8, "-");
	else
		snprintf(out, 8, "%lld%%", (yes * 100 + (yes + no) / 2) / (yes + no));
}

/* What the reasons and the "Ik ben" answers mean, for the report's reader
 * (CSV and JSON use the event names). */
static const char *const reason_words[EV_NREASONS] = {
	"too complicated", "my situation is not in it", "needs someone to look along", "other",
};
static const char *const who_words[EV_NWHO] = {
	"business owner with staff", "self-employed (zzp)", "private person", "other",
};
/* The same, short, for the per-plan table's column heads. */
static const char *const reason_short[EV_NREASONS] = { "complex", "missing", "person", "other" };
static const char *const who_short[EV_NWHO] = { "employer", "zzp", "private", "other" };

static long long S_sum(const long long *n, int from, int count)
{
	long long t = 0;

	for (int k = 0; k < count; k++)
		t += n[from + k];
	return t;
}

/* The share of visitors who reached a step plan, estimated as step-plan
 * pages shown per unique visitor-day (capped at 100%); -1 without visitors. */
static double S_reached_share(const struct report *r)
{
	double x;

	if (r->unique <= 0)
		return -1;
	x = (double)r->total[EV_OUTCOME] / (double)r->unique;
	return x > 1 ? 1 : x;
}

static void S_share_text(char out[8], double x)
{
	if (x < 0)
		snprintf(out, 8, "-");
	else
		snprintf(out, 8, "%.0f%%", x * 100);
}

static void S_text(const struct report *r, struct buf *o)
{
	char pct[8];
	size_t i;

	S_ratio(pct, r->total[EV_YES], r->total[EV_NO]);
	buf_addf(o, "Hackhelpdesk counters, %s to %s\n\n", r->from, r->to);
	buf_addf(o, "visits %lld, help-button presses %lld, step plans reached %lld,"
		" did this help: %lld yes / %lld no (%s)\n\n", r->total[EV_VIEW], r->total[EV_HELP],
		r->total[EV_OUTCOME], r->total[EV_YES], r->total[EV_NO], pct);
	buf_addf(o, "%-10s %8s %8s %8s %6s %6s %8s\n", "day", "visits", "help", "plans", "yes", "no", "unique");
	for (i = 0; i < r->ndays; i++) {
		const long long *n = r->days[i].n;
		buf_addf(o, "%-10s %8lld %8lld %8lld %6lld %6lld %8lld\n", r->days[i].day, n[EV_VIEW], n[EV_HELP],
			n[EV_OUTCOME], n[EV_YES], n[EV_NO], r->days[i].unique);
	}
	buf_addf(o, "\nunique visitors per week (visitor-days: a visitor counts once a day)\n%-10s %8s\n",
		"week of", "unique");
	for (i = 0; i < r->nweeks; i++)
		buf_addf(o, "%-10s %8lld\n", r->weeks[i].week, r->weeks[i].unique);
	S_share_text(pct, S_reached_share(r));
	buf_addf(o, "\nreached a step plan: %s (step plans shown per unique visitor-day)\n", pct);
	buf_addf(o, "\n%-6s %8s %8s %6s %6s %7s\n", "lang", "visits", "plans", "yes", "no", "helped");
	for (i = 0; i < r->nlangs; i++) {
		const struct lang_row *l = &r->langs[i];
		S_ratio(pct, l->yes, l->no);
		buf_addf(o, "%-6s %8lld %8lld %6lld %6lld %7s\n", l->lang, l->view, l->outcome, l->yes, l->no, pct);
	}
	buf_adds(o, "\nwhy not helped\n");
	for (int k = 0; k < EV_NREASONS; k++)
		buf_addf(o, "%8lld  %s\n", r->total[EV_REASON_FIRST + k], reason_words[k]);
	buf_adds(o, "\nwho visits (\"Ik ben\")\n");
	for (int k = 0; k < EV_NWHO; k++)
		buf_addf(o, "%8lld  %s\n", r->total[EV_WHO_FIRST + k], who_words[k]);
	buf_addf(o, "\nsearch: %lld searches, %lld results chosen\n", r->total[EV_SEARCH], r->total[EV_PICK]);
	for (i = 0; i < r->npicks; i++) {
		buf_addf(o, "%8lld  ", r->picks[i].n);
		export_safe(o, r->picks[i].path, 0);
		buf_addch(o, '\n');
	}
	for (i = 0; i < r->funnels.n; i++) {
		const struct funnel *f = &r->funnels.items[i];
		buf_addf(o, "\nfunnel %s (%s): %lld entered, step plans reached %lld\n%8s %8s  %s\n", f->tree, f->lang,
			f->entered, f->outcomes, "reached", "left", "node");
		for (size_t j = 0; j < f->nnodes; j++) {
			const struct funnel_node *n = &f->nodes[j];
			buf_addf(o, "%8lld %8lld  %*s%s%s\n", n->reached, n->left, 2 * n->depth, "", n->other ? "-> " : "",
				n->node);
		}
	}
	buf_addf(o, "\n%8s %6s %6s %7s %15s %15s  %s\n", "reached", "yes", "no", "helped", "why not c/m/p/o",
		"who e/z/p/o", "step plan");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		char why[32], who[32];
		S_ratio(pct, p->yes, p->no);
		snprintf(why, sizeof why, "%lld/%lld/%lld/%lld", p->reason[0], p->reason[1], p->reason[2], p->reason[3]);
		snprintf(who, sizeof who, "%lld/%lld/%lld/%lld", p->who[0], p->who[1], p->who[2], p->who[3]);
		buf_addf(o, "%8lld %6lld %6lld %7s %15s %15s  ", p->outcome, p->yes, p->no, pct, why, who);
		export_safe(o, p->path, 0);
		buf_addch(o, '\n');
	}
	if (!r->nplans)
		buf_adds(o, "(no step plan reached)\n");
	buf_addf(o, "\n%8s %8s  %s\n", "hits", "visits", "partner");
	for (i = 0; i < r->npartners; i++) {
		buf_addf(o, "%8lld %8lld  ", r->partners[i].hits, r->partners[i].views);
		export_safe(o, r->partners[i].via, 0);
		buf_addch(o, '\n');
	}
	if (!r->npartners)
		buf_adds(o, "(no partner referrals)\n");
	buf_addf(o, "\n%8s  %s\n", "help", "pressed on");
	for (i = 0; i < r->nhelp; i++) {
		buf_addf(o, "%8lld  ", r->help[i].n);
		export_safe(o, r->help[i].path, 0);
		buf_addch(o, '\n');
	}
}

/* Tidy CSV: one value per row, so any spreadsheet can pivot it. */
static void S_csv(const struct report *r, struct buf *o)
{
	size_t i;
	int e;

	buf_adds(o, "section,key,metric,value\r\n");
	for (e = 0; e < EV__MAX; e++)
		buf_addf(o, "total,%s..%s,%s,%lld\r\n", r->from, r->to, hit_event_name(e), r->total[e]);
	for (i = 0; i < r->ndays; i++) {
		for (e = 0; e < EV__MAX; e++)
			buf_addf(o, "day,%s,%s,%lld\r\n", r->days[i].day, hit_event_name(e), r->days[i].n[e]);
		buf_addf(o, "day,%s,unique,%lld\r\n", r->days[i].day, r->days[i].unique);
	}
	for (i = 0; i < r->nweeks; i++)
		buf_addf(o, "week,%s,unique,%lld\r\n", r->weeks[i].week, r->weeks[i].unique);
	buf_addf(o, "total,%s..%s,unique,%lld\r\n", r->from, r->to, r->unique);
	if (S_reached_share(r) >= 0)
		buf_addf(o, "total,%s..%s,reached_plan_share,%.4f\r\n", r->from, r->to, S_reached_share(r));
	for (i = 0; i < r->nlangs; i++) {
		const struct lang_row *l = &r->langs[i];
		buf_addf(o, "lang,%s,view,%lld\r\nlang,%s,outcome,%lld\r\nlang,%s,yes,%lld\r\nlang,%s,no,%lld\r\n",
			l->lang, l->view, l->lang, l->outcome, l->lang, l->yes, l->lang, l->no);
		if (l->yes + l->no)
			buf_addf(o, "lang,%s,helped,%.4f\r\n", l->lang, (double)l->yes / (double)(l->yes + l->no));
	}
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		const char *m[] = { "view", "outcome", "yes", "no" };
		long long v[] = { p->view, p->outcome, p->yes, p->no };
		int k;
		for (k = 0; k < 4 + EV_NREASONS + EV_NWHO; k++) {
			buf_adds(o, "plan,");
			export_csv_cell(o, p->path);
			if (k < 4)
				buf_addf(o, ",%s,%lld\r\n", m[k], v[k]);
			else if (k < 4 + EV_NREASONS)
				buf_addf(o, ",%s,%lld\r\n", hit_event_name(EV_REASON_FIRST + k - 4), p->reason[k - 4]);
			else
				buf_addf(o, ",%s,%lld\r\n", hit_event_name(EV_WHO_FIRST + k - 4 - EV_NREASONS),
					p->who[k - 4 - EV_NREASONS]);
		}
	}
	for (i = 0; i < r->npicks; i++) {
		buf_adds(o, "pick,");
		export_csv_cell(o, r->picks[i].path);
		buf_addf(o, ",pick,%lld\r\n", r->picks[i].n);
	}
	for (i = 0; i < r->funnels.n; i++) {
		const struct funnel *f = &r->funnels.items[i];
		buf_addf(o, "funnel,%s/%s,entered,%lld\r\nfunnel,%s/%s,outcomes,%lld\r\n", f->lang, f->tree, f->entered,
			f->lang, f->tree, f->outcomes);
		for (size_t j = 0; j < f->nnodes; j++) {
			buf_addf(o, "node %s/%s,", f->lang, f->tree);
			export_csv_cell(o, f->nodes[j].path);
			buf_addf(o, ",reached,%lld\r\n", f->nodes[j].reached);
			buf_addf(o, "node %s/%s,", f->lang, f->tree);
			export_csv_cell(o, f->nodes[j].path);
			buf_addf(o, ",left,%lld\r\n", f->nodes[j].left);
		}
	}
	for (i = 0; i < r->npartners; i++) {
		buf_adds(o, "partner,");
		export_csv_cell(o, r->partners[i].via);
		buf_addf(o, ",hits,%lld\r\n", r->partners[i].hits);
		buf_adds(o, "partner,");
		export_csv_cell(o, r->partners[i].via);
		buf_addf(o, ",view,%lld\r\n", r->partners[i].views);
	}
	for (i = 0; i < r->nhelp; i++) {
		buf_adds(o, "help,");
		export_csv_cell(o, r->help[i].path);
		buf_addf(o, ",help,%lld\r\n", r->help[i].n);
	}
}

/* Append a JSON string (paths and codes come from the manifest's
 * character set, but escape anyway). */
static void S_jstr(struct buf *o, const char *s)
{
	buf_addch(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_addf(o, "\\u%04x", c);
		else
			buf_addch(o, c);
	}
	buf_addch(o, '"');
}

static void S_json(const struct report *r, struct buf *o)
{
	size_t i;
	int e;

	buf_addf(o, "{\"from\":\"%s\",\"to\":\"%s\",\"totals\":{", r->from, r->to);
	for (e = 0; e < EV__MAX; e++)
		buf_addf(o, "%s\"%s\":%lld", e ? "," : "", hit_event_name(e), r->total[e]);
	buf_adds(o, "},\n\"days\":[");
	for (i = 0; i < r->ndays; i++) {
		buf_addf(o, "%s\n{\"day\":\"%s\"", i ? "," : "", r->days[i].day);
		for (e = 0; e < EV__MAX; e++)
			buf_addf(o, ",\"%s\":%lld", hit_event_name(e), r->days[i].n[e]);
		buf_addf(o, ",\"unique\":%lld}", r->days[i].unique);
	}
	buf_adds(o, "],\n\"plans\":[");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		buf_adds(o, i ? ",\n{\"path\":" : "\n{\"path\":");
		S_jstr(o, p->path);
		buf_addf(o, ",\"view\":%lld,\"outcome\":%lld,\"yes\":%lld,\"no\":%lld,\"reasons\":{",
			p->view, p->outcome, p->yes, p->no);
		for (int k = 0; k < EV_NREASONS; k++)
			buf_addf(o, "%s\"%s\":%lld", k ? "," : "", hit_event_name(EV_REASON_FIRST + k), p->reason[k]);
		buf_adds(o, "},\"who\":{");
		for (int k = 0; k < EV_NWHO; k++)
			buf_addf(o, "%s\"%s\":%lld", k ? "," : "", hit_event_name(EV_WHO_FIRST + k), p->who[k]);
		buf_adds(o, "},\"helped\":");
		if (p->yes + p->no)
			buf_addf(o, "%.4f}", (double)p->yes / (double)(p->yes + p->no));
		else
			buf_adds(o, "null}");
	}
	buf_addf(o, "],\n\"unique\":%lld,\"reached_plan_share\":", r->unique);
	if (S_reached_share(r) >= 0)
		buf_addf(o, "%.4f", S_reached_share(r));
	else
		buf_adds(o, "null");
	buf_adds(o, ",\n\"weeks\":[");
	for (i = 0; i < r->nweeks; i++)
		buf_addf(o, "%s{\"week\":\"%s\",\"unique\":%lld}", i ? "," : "", r->weeks[i].week, r->weeks[i].unique);
	buf_adds(o, "],\n\"languages\":[");
	for (i = 0; i < r->nlangs; i++) {
		const struct lang_row *l = &r->langs[i];
		buf_adds(o, i ? ",\n{\"lang\":" : "\n{\"lang\":");
		S_jstr(o, l->lang);
		buf_addf(o, ",\"view\":%lld,\"outcome\":%lld,\"yes\":%lld,\"no\":%lld,\"helped\":", l->view, l->outcome,
			l->yes, l->no);
		if (l->yes + l->no)
			buf_addf(o, "%.4f}", (double)l->yes / (double)(l->yes + l->no));
		else
			buf_adds(o, "null}");
	}
	buf_adds(o, "],\n\"reasons\":{");
	for (int k = 0; k < EV_NREASONS; k++)
		buf_addf(o, "%s\"%s\":%lld", k ? "," : "", hit_event_name(EV_REASON_FIRST + k), r->total[EV_REASON_FIRST + k]);
	buf_adds(o, "},\n\"who\":{");
	for (int k = 0; k < EV_NWHO; k++)
		buf_addf(o, "%s\"%s\":%lld", k ? "," : "", hit_event_name(EV_WHO_FIRST + k), r->total[EV_WHO_FIRST + k]);
	buf_addf(o, "},\n\"search\":{\"searches\":%lld,\"picks\":%lld,\"picked\":[", r->total[EV_SEARCH],
		r->total[EV_PICK]);
	for (i = 0; i < r->npicks; i++) {
		buf_adds(o, i ? ",\n{\"path\":" : "\n{\"path\":");
		S_jstr(o, r->picks[i].path);
		buf_addf(o, ",\"pick\":%lld}", r->picks[i].n);
	}
	buf_adds(o, "]},\n\"funnels\":[");
	for (i = 0; i < r->funnels.n; i++) {
		const struct funnel *f = &r->funnels.items[i];
		buf_adds(o, i ? ",\n{\"tree\":" : "\n{\"tree\":");
		S_jstr(o, f->tree);
		buf_adds(o, ",\"lang\":");
		S_jstr(o, f->lang);
		buf_adds(o, ",\"start\":");
		S_jstr(o, f->start);
		buf_addf(o, ",\"entered\":%lld,\"outcomes\":%lld,\"truncated\":%s,\"nodes\":[", f->entered, f->outcomes,
			f->truncated ? "true" : "false");
		for (size_t j = 0; j < f->nnodes; j++) {
			const struct funnel_node *n = &f->nodes[j];
			buf_adds(o, j ? ",\n {\"path\":" : "\n {\"path\":");
			S_jstr(o, n->path);
			buf_adds(o, ",\"node\":");
			S_jstr(o, n->node);
			buf_addf(o, ",\"kind\":\"%s\",\"depth\":%d,\"reached\":%lld,\"left\":%lld,\"yes\":%lld,\"no\":%lld}",
				n->other ? "other-tree" : layout_names[n->kind], n->depth, n->reached, n->left, n->yes, n->no);
		}
		buf_adds(o, "],\"edges\":[");
		for (size_t j = 0; j < f->nedges; j++) {
			buf_adds(o, j ? ",[" : "[");
			S_jstr(o, f->nodes[f->edges[j].from].path);
			buf_addch(o, ',');
			S_jstr(o, f->nodes[f->edges[j].to].path);
			buf_addch(o, ']');
		}
		buf_adds(o, "]}");
	}
	buf_adds(o, "],\n\"partners\":[");
	for (i = 0; i < r->npartners; i++) {
		buf_adds(o, i ? ",\n{\"via\":" : "\n{\"via\":");
		S_jstr(o, r->partners[i].via);
		buf_addf(o, ",\"hits\":%lld,\"view\":%lld}", r->partners[i].hits, r->partners[i].views);
	}
	buf_adds(o, "],\n\"help_pages\":[");
	for (i = 0; i < r->nhelp; i++) {
		buf_adds(o, i ? ",\n{\"path\":" : "\n{\"path\":");
		S_jstr(o, r->help[i].path);
		buf_addf(o, ",\"help\":%lld}", r->help[i].n);
	}
	buf_adds(o, "]}\n");
}

static void S_esc(struct buf *o, const char *s)
{
	html_escape(o, s, strlen(s));
}

/* Visits (bars) and help presses (line) per day. */
static void S_svg_days(const struct report *r, struct buf *o)
{
	const double W = 720, H = 240, L = 48, R = 8, T = 12, B = 28;
	double pw = W - L - R, ph = H - T - B, bw = pw / (double)r->ndays;
	long long max = r->max_day;
	size_t i;

	for (i = 0; i < r->ndays; i++)
		if (r->days[i].n[EV_HELP] > max)
			max = r->days[i].n[EV_HELP];
	if (max < 1)
		max = 1;
	buf_addf(o, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" aria-labelledby=\"days-t\">"
		"<title id=\"days-t\">Visits and help-button presses per day</title>\n", W, H);
	buf_addf(o, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"axis\"/>", L, T + ph, W - R, T + ph);
	buf_addf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%lld</text>", L - 4, T + 10, max);
	buf_addf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">0</text>\n", L - 4, T + ph);
	for (i = 0; i < r->ndays; i++) {
		double h = ph * (double)r->days[i].n[EV_VIEW] / (double)max;
		buf_addf(o, "<rect class=\"v\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
			"<title>%s: %lld visits, %lld help</title></rect>\n", L + bw * (double)i + bw * 0.1,
			T + ph - h, bw * 0.8, h, r->days[i].day, r->days[i].n[EV_VIEW], r->days[i].n[EV_HELP]);
	}
	buf_adds(o, "<polyline class=\"h\" points=\"");
	for (i = 0; i < r->ndays; i++)
		buf_addf(o, "%s%.2f,%.2f", i ? " " : "", L + bw * ((double)i + 0.5),
			T + ph - ph * (double)r->days[i].n[EV_HELP] / (double)max);
	buf_adds(o, "\"/>\n");
	buf_addf(o, "<text x=\"%.0f\" y=\"%.0f\">%s</text>", L, H - 8, r->days[0].day);
	buf_addf(o, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>\n", W - R, H - 8,
		r->days[r->ndays - 1].day);
	buf_adds(o, "</svg>\n<p class=\"legend\"><span class=\"kv\"></span> visits "
		"<span class=\"kh\"></span> help-button presses</p>\n");
}

/* "Did this help" per step plan: a 100% bar split into yes and no, with
 * "75% (3/4)" after it. LABEL_W holds the longest such label, "100%
 * (999999999/999999999)", at the 12px text size (about 7px a character). */
#define LABEL_W 180
static void S_svg_plans(const struct report *r, struct buf *o)
{
	const double row = 26, bar = 360, x0 = 340, W = x0 + bar + 8 + LABEL_W;
	size_t i, n = 0;

	for (i = 0; i < r->nplans; i++)
		n += r->plans[i].yes + r->plans[i].no > 0;
	if (!n) {
		buf_adds(o, "<p>Nobody answered \"did this help\" in this period.</p>\n");
		return;
	}
	buf_addf(o, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" aria-labelledby=\"plans-t\">"
		"<title id=\"plans-t\">Share of yes answers to \"did this help\" per step plan</title>\n",
		W, row * (double)n + 8);
	n = 0;
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		double y = 4 + row * (double)n, yw;
		char pct[8];
		if (p->yes + p->no == 0)
			continue;
		n++;
		yw = bar * (double)p->yes / (double)(p->yes + p->no);
		S_ratio(pct, p->yes, p->no);
		buf_addf(o, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 8, y + 16);
		S_esc(o, p->path);
		buf_addf(o, "</text><rect class=\"yes\" x=\"%.0f\" y=\"%.1f\" width=\"%.2f\" height=\"18\">"
			"<title>%lld yes</title></rect>", x0, y + 2, yw, p->yes);
		buf_addf(o, "<rect class=\"no\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"18\"><title>%lld no</title></rect>",
			x0 + yw, y + 2, bar - yw, p->no);
		buf_addf(o, "<text x=\"%.0f\" y=\"%.1f\">%s (%lld/%lld)</text>\n", x0 + bar + 8, y + 16, pct,
			p->yes, p->yes + p->no);
	}
	buf_adds(o, "</svg>\n<p class=\"legend\"><span class=\"ky\"></span> yes <span class=\"kn\"></span> no</p>\n");
}

/* A two-column table of counts with a caption-like heading row. */
static void S_mini_row(struct buf *o, const char *what, long long n)
{
	buf_adds(o, "<tr><td>");
	S_esc(o, what);
	buf_addf(o, "</td><td class=\"num\">%lld</td></tr>\n", n);
}

/* The first screen: the helpdesk's questions, each answered in one box. */
static void S_first_screen(const struct report *r, struct buf *o)
{
	char pct[8];
	size_t i;
	int k;

	buf_adds(o, "<div class=\"first\">\n<section><h2>Unique visitors per week</h2><table>"
		"<tr><th>week of</th><th class=\"num\">unique</th></tr>\n");
	for (i = 0; i < r->nweeks; i++)
		S_mini_row(o, r->weeks[i].week, r->weeks[i].unique);
	buf_adds(o, "</table><p>A visitor counts once a day (visitor-days).</p></section>\n");
	S_share_text(pct, S_reached_share(r));
	buf_addf(o, "<section><h2>Reached a step plan</h2><p class=\"big\">%s</p><p>%lld step plans shown to %lld "
		"unique visitor-days (estimate: plans shown per visitor-day, at most 100%%).</p></section>\n", pct,
		r->total[EV_OUTCOME], r->unique);
	S_ratio(pct, r->total[EV_YES], r->total[EV_NO]);
	buf_addf(o, "<section><h2>Helped, per language</h2><p class=\"big\">%s</p><table><tr><th>language</th>"
		"<th class=\"num\">yes/no</th><th class=\"num\">helped</th></tr>\n", pct);
	for (i = 0; i < r->nlangs; i++) {
		const struct lang_row *l = &r->langs[i];
		if (!l->yes && !l->no)
			continue;
		S_ratio(pct, l->yes, l->no);
		buf_adds(o, "<tr><td>");
		S_esc(o, r->langs[i].lang);
		buf_addf(o, "</td><td class=\"num\">%lld/%lld</td><td class=\"num\">%s</td></tr>\n", l->yes, l->no, pct);
	}
	buf_adds(o, "</table><p>Per step plan: below.</p></section>\n");
	buf_addf(o, "<section><h2>Why not helped</h2><table><tr><th>reason after \"no\"</th><th class=\"num\">taps</th></tr>\n");
	for (k = 0; k < EV_NREASONS; k++)
		S_mini_row(o, reason_words[k], r->total[EV_REASON_FIRST + k]);
	buf_addf(o, "</table><p>%lld of %lld \"no\" answers gave a reason.</p></section>\n",
		S_sum(r->total, EV_REASON_FIRST, EV_NREASONS), r->total[EV_NO]);
	buf_adds(o, "<section><h2>Who visits</h2><table><tr><th>\"I am\"</th><th class=\"num\">taps</th></tr>\n");
	for (k = 0; k < EV_NWHO; k++)
		S_mini_row(o, who_words[k], r->total[EV_WHO_FIRST + k]);
	buf_adds(o, "</table><p>An optional tap on step plans.</p></section>\n");
	buf_adds(o, "<section><h2>Partner referrals</h2>");
	if (!r->npartners)
		buf_adds(o, "<p>None in this period.</p>");
	else {
		buf_adds(o, "<table><tr><th>partner</th><th class=\"num\">visits</th></tr>\n");
		for (i = 0; i < r->npartners && i < 5; i++)
			S_mini_row(o, r->partners[i].via, r->partners[i].views);
		buf_adds(o, "</table>");
	}
	buf_adds(o, "</section>\n");
	buf_addf(o, "<section><h2>Search</h2><p><b>%lld</b> searches, <b>%lld</b> results chosen.</p>", r->total[EV_SEARCH],
		r->total[EV_PICK]);
	if (r->npicks) {
		buf_adds(o, "<table><tr><th>chosen page</th><th class=\"num\">picks</th></tr>\n");
		for (i = 0; i < r->npicks && i < 5; i++)
			S_mini_row(o, r->picks[i].path, r->picks[i].n);
		buf_adds(o, "</table>");
	}
	buf_adds(o, "</section>\n</div>\n");
}

/* Each tree's funnel: the drawing, then its numbers as a table. */
static void S_html_funnels(const struct report *r, struct buf *o)
{
	buf_adds(o, "<h2>Funnels per decision tree</h2>\n");
	if (!r->site) {
		buf_adds(o, "<p>Give <code>--manifest</code> (the site's hhd-manifest.tsv) to draw each tree's funnel.</p>\n");
		return;
	}
	if (!r->funnels.n)
		buf_adds(o, "<p>The site manifest names no decision trees (an older manifest has no tree records).</p>\n");
	for (size_t i = 0; i < r->funnels.n; i++) {
		const struct funnel *f = &r->funnels.items[i];
		buf_adds(o, "<h3>");
		S_esc(o, f->tree);
		buf_addf(o, " (%s): %lld entered, step plans reached %lld times</h3>\n", f->lang, f->entered, f->outcomes);
		funnel_svg(f, i, o);
		if (f->truncated)
			buf_addf(o, "<p>Only the first %d nodes are drawn.</p>\n", FUNNEL_MAX_NODES);
		buf_adds(o, "<details><summary>The funnel's numbers</summary><table><tr><th>node</th><th>kind</th>"
			"<th class=\"num\">level</th><th class=\"num\">reached</th><th class=\"num\">left here (about)</th>"
			"<th class=\"num\">yes</th><th class=\"num\">no</th></tr>\n");
		for (size_t j = 0; j < f->nnodes; j++) {
			const struct funnel_node *n = &f->nodes[j];
			buf_adds(o, "<tr><td>");
			S_esc(o, n->path);
			buf_addf(o, "</td><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
				"<td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
				n->other ? "another tree" : layout_names[n->kind], n->depth + 1, n->reached, n->left, n->yes, n->no);
		}
		buf_adds(o, "</table></details>\n");
	}
}

static void S_html(const struct report *r, struct buf *o)
{
	char pct[8];
	size_t i;

	S_ratio(pct, r->total[EV_YES], r->total[EV_NO]);
	buf_addf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>Hackhelpdesk counters %s to %s</title>\n<style>\n"
		"body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}\n"
		"table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.15rem .6rem;border-bottom:1px solid #ddd}\n"
		"th{text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
		".wide{overflow-x:auto}abbr{text-decoration:none}\n"
		".big{display:flex;gap:1rem;flex-wrap:wrap}.big div{border:1px solid #ccc;padding:.5rem 1rem;border-radius:.4rem}\n"
		".big b{display:block;font-size:1.8rem}svg text{font-size:12px;fill:#333}.axis{stroke:#999}\n"
		".v,.kv{fill:#2b6cb0;background:#2b6cb0}.h{fill:none;stroke:#c05621;stroke-width:2}.kh{background:#c05621}\n"
		"rect.yes{fill:#2f855a}.ky{background:#2f855a}rect.no{fill:#c53030}.kn{background:#c53030}\n"
		".legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;vertical-align:middle}\n"
		"details{margin-bottom:1rem}\n"
		".first{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.8rem}\n"
		".first section{border:1px solid #ccc;border-radius:.4rem;padding:.4rem .8rem}"
		".first h2{font-size:1rem;margin:.2rem 0}.first table{margin:.2rem 0;width:100%%}"
		".first .big{font-size:1.8rem;font-weight:700;margin:0}\n"
		"svg.funnel{max-width:100%%;height:auto}.edge{stroke:#888;stroke-width:1.5}"
		".n-question{fill:#eef2f7;stroke:#456}.n-outcome{fill:#d8ecd8;stroke:#2f855a}.n-other{fill:#fdf6d8;stroke:#a80}\n"
		"</style></head>\n<body>\n", r->from, r->to);
	buf_addf(o, "<h1>Hackhelpdesk: are visitors helped?</h1>\n<p>Counters from %s to %s. Counts are "
		"anonymous totals per day and page; nothing identifies a visitor.</p>\n", r->from, r->to);
	S_first_screen(r, o);
	buf_addf(o, "<h2>All counts</h2>\n<div class=\"big\"><div><b>%lld</b>unique visitors (summed per day)</div>"
		"<div><b>%lld</b>visits</div><div><b>%lld</b>help-button presses</div>"
		"<div><b>%lld</b>step plans reached</div><div><b>%s</b>helped (%lld yes, %lld no)</div></div>\n",
		r->unique, r->total[EV_VIEW], r->total[EV_HELP], r->total[EV_OUTCOME], pct, r->total[EV_YES], r->total[EV_NO]);

	buf_adds(o, "<h2>Visits and help-button presses per day</h2>\n");
	S_svg_days(r, o);
	buf_adds(o, "<details><summary>Numbers per day</summary><table><tr><th>day</th><th class=\"num\">visits</th>"
		"<th class=\"num\">help</th><th class=\"num\">plans reached</th><th class=\"num\">yes</th><th class=\"num\">no</th>"
		"<th class=\"num\">unique visitors</th></tr>\n");
	for (i = 0; i < r->ndays; i++) {
		const long long *n = r->days[i].n;
		buf_addf(o, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
			r->days[i].day, n[EV_VIEW], n[EV_HELP], n[EV_OUTCOME], n[EV_YES], n[EV_NO], r->days[i].unique);
	}
	buf_adds(o, "</table></details>\n");

	buf_adds(o, "<h2>Did this help? Per step plan</h2>\n");
	S_svg_plans(r, o);
	buf_adds(o, "<div class=\"wide\"><table><tr><th>step plan</th><th class=\"num\">reached</th><th class=\"num\">yes</th>"
		"<th class=\"num\">no</th><th class=\"num\">helped</th>");
	for (int k = 0; k < EV_NREASONS; k++)
		buf_addf(o, "<th class=\"num\"><abbr title=\"no, reason: %s\">no: %s</abbr></th>", reason_words[k],
			reason_short[k]);
	for (int k = 0; k < EV_NWHO; k++)
		buf_addf(o, "<th class=\"num\"><abbr title=\"I am: %s\">%s</abbr></th>", who_words[k], who_short[k]);
	buf_adds(o, "</tr>\n");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		S_ratio(pct, p->yes, p->no);
		buf_adds(o, "<tr><td>");
		S_esc(o, p->path);
		buf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%s</td>", p->outcome, p->yes, p->no, pct);
		for (int k = 0; k < EV_NREASONS; k++)
			buf_addf(o, "<td class=\"num\">%lld</td>", p->reason[k]);
		for (int k = 0; k < EV_NWHO; k++)
			buf_addf(o, "<td class=\"num\">%lld</td>", p->who[k]);
		buf_adds(o, "</tr>\n");
	}
	buf_adds(o, "</table></div>\n");
	S_html_funnels(r, o);
	buf_adds(o, "<h2>Partner referrals</h2>\n");
	if (!r->npartners)
		buf_adds(o, "<p>No visits came through a partner link in this period.</p>\n");
	else {
		buf_adds(o, "<table><tr><th>partner</th><th class=\"num\">visits</th><th class=\"num\">all events</th></tr>\n");
		for (i = 0; i < r->npartners; i++) {
			buf_adds(o, "<tr><td>");
			S_esc(o, r->partners[i].via);
			buf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
				r->partners[i].views, r->partners[i].hits);
		}
		buf_adds(o, "</table>\n");
	}
	buf_adds(o, "<h2>Where the help button is pressed</h2>\n");
	if (!r->nhelp)
		buf_adds(o, "<p>No presses in this period.</p>\n");
	else {
		buf_adds(o, "<table><tr><th>page</th><th class=\"num\">presses</th></tr>\n");
		for (i = 0; i < r->nhelp; i++) {
			buf_adds(o, "<tr><td>");
			S_esc(o, r->help[i].path);
			buf_addf(o, "</td><td class=\"num\">%lld</td></tr>\n", r->help[i].n);
		}
		buf_adds(o, "</table>\n");
	}
	buf_adds(o, "</body></html>\n");
}

int stats_report(struct db *db, const struct siteindex *site, const char *from, const char *to,
		 enum stats_format fmt, struct buf *out)
{
	struct report r;
	long span = S_days_between(from, to);

	if (span < 0 || span >= STATS_MAX_DAYS) {
		fprintf(stderr, "hhd-admin: stats: the period must be 1 to %d days\n", STATS_MAX_DAYS);
		return -1;
	}
	memset(&r, 0, sizeof r);
	r.from = from;
	r.to = to;
	r.site = site;
	if (S_load(db, &r) < 0) {
		fprintf(stderr, "hhd-admin: stats: %s\n", db_errmsg(db));
		S_free(&r);
		return -1;
	}
	switch (fmt) {
	case STATS_TEXT: S_text(&r, out); break;
	case STATS_CSV: S_csv(&r, out); break;
	case STATS_JSON: S_json(&r, out); break;
	case STATS_HTML: S_html(&r, out); break;
	}
	S_free(&r);
	return 0;
}
