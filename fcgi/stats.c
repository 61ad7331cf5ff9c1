/* stats.c: `hhd-admin stats`, the counters as text, CSV, JSON or one
 * self-contained HTML file with inline SVG charts (no scripts, no external
 * files: it can be mailed around and opened anywhere).
 *
 * Everything is aggregated from the hit table: visits (view events) and
 * help-button presses per day, step plans reached (outcome) with their
 * "did this help" answers, and partner referrals (via codes). */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters.h"
#include "db.h"
#include "export.h"
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

/* Run the reports into r. 0 or -1. */
static int S_load(struct db *db, struct report *r)
{
	static const db_row_fn fns[DB_REPORT__MAX] = {
		[DB_REPORT_DAYS] = S_day_row,
		[DB_REPORT_PLANS] = S_plan_row,
		[DB_REPORT_PARTNERS] = S_partner_row,
		[DB_REPORT_HELP] = S_help_row,
		[DB_REPORT_VISITORS] = S_visitor_row,
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
	for (i = 0; i < r->ndays; i++) {
		long long sum = 0;
		size_t j;
		if (i && strcmp(r->days[i].week, r->days[i - 1].week) == 0)
			continue;
		for (j = i; j < r->ndays && strcmp(r->days[j].week, r->days[i].week) == 0; j++)
			sum += r->days[j].unique;
		buf_addf(o, "%-10s %8lld\n", r->days[i].week, sum);
	}
	buf_addf(o, "\n%8s %6s %6s %7s  %s\n", "reached", "yes", "no", "helped", "step plan");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		S_ratio(pct, p->yes, p->no);
		buf_addf(o, "%8lld %6lld %6lld %7s  ", p->outcome, p->yes, p->no, pct);
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
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		const char *m[] = { "view", "outcome", "yes", "no" };
		long long v[] = { p->view, p->outcome, p->yes, p->no };
		int k;
		for (k = 0; k < 4; k++) {
			buf_adds(o, "plan,");
			export_csv_cell(o, p->path);
			buf_addf(o, ",%s,%lld\r\n", m[k], v[k]);
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
		buf_addf(o, ",\"view\":%lld,\"outcome\":%lld,\"yes\":%lld,\"no\":%lld,\"helped\":",
			p->view, p->outcome, p->yes, p->no);
		if (p->yes + p->no)
			buf_addf(o, "%.4f}", (double)p->yes / (double)(p->yes + p->no));
		else
			buf_adds(o, "null}");
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
		"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
		".big{display:flex;gap:1rem;flex-wrap:wrap}.big div{border:1px solid #ccc;padding:.5rem 1rem;border-radius:.4rem}\n"
		".big b{display:block;font-size:1.8rem}svg text{font-size:12px;fill:#333}.axis{stroke:#999}\n"
		".v,.kv{fill:#2b6cb0;background:#2b6cb0}.h{fill:none;stroke:#c05621;stroke-width:2}.kh{background:#c05621}\n"
		"rect.yes{fill:#2f855a}.ky{background:#2f855a}rect.no{fill:#c53030}.kn{background:#c53030}\n"
		".legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;vertical-align:middle}\n"
		"details{margin-bottom:1rem}\n</style></head>\n<body>\n", r->from, r->to);
	buf_addf(o, "<h1>Hackhelpdesk: are visitors helped?</h1>\n<p>Counters from %s to %s. Counts are "
		"anonymous totals per day and page; nothing identifies a visitor.</p>\n", r->from, r->to);
	buf_addf(o, "<div class=\"big\"><div><b>%lld</b>unique visitors (summed per day)</div>"
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
	buf_adds(o, "<table><tr><th>step plan</th><th class=\"num\">reached</th><th class=\"num\">yes</th>"
		"<th class=\"num\">no</th><th class=\"num\">helped</th></tr>\n");
	for (i = 0; i < r->nplans; i++) {
		const struct plan_row *p = &r->plans[i];
		S_ratio(pct, p->yes, p->no);
		buf_adds(o, "<tr><td>");
		S_esc(o, p->path);
		buf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%s</td></tr>\n", p->outcome, p->yes, p->no, pct);
	}
	buf_adds(o, "</table>\n<h2>Partner referrals</h2>\n");
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

int stats_report(struct db *db, const char *from, const char *to, enum stats_format fmt, struct buf *out)
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
