/* admin.c: hhd-admin, the helpdesk team's command for the database.
 *
 *   hhd-admin [--db PATH] [--key SECRETFILE]... [--site DIR] COMMAND [ARG...]
 *   hhd-admin keygen SECRETFILE PUBFILE
 *
 * The commands that read a submission's personal fields (inbox, show,
 * export, notify) need at least one --key: without it they refuse to run
 * rather than print or mail "(sealed)" placeholders.
 *
 * The commands are rows of one table (`commands`, at the end), from which
 * both the dispatch and the usage text come. Every database access goes
 * through db.h's functions.
 *
 * Everything it prints comes from the public, so every text is escaped for
 * the terminal (export_safe) or for spreadsheets (export_csv_cell). Exit
 * status: 0 ok, 1 not found or a database error, 2 usage. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "contact.h"
#include "db.h"
#include "export.h"
#include "fileio.h"
#include "mail.h"
#include "policy.h"
#include "seal.h"
#include "siteindex.h"
#include "stats.h"
#include "xalloc.h"

static void S_usage(FILE *f);

/* Print a buf to stdout; 0 or -1. */
static int S_flush(struct buf *b)
{
	if (b->len && fwrite(b->ptr, 1, b->len, stdout) != b->len)
		return -1;
	buf_reset(b);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Print a command's whole output and free it: the exit status, 0 or 1. */
static int S_print(struct buf *b)
{
	int rc = S_flush(b);

	buf_free(b);
	return rc ? 1 : 0;
}

static void S_time(long long t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 20, "?");
}

static int S_dbfail(struct db *db, const char *what)
{
	fprintf(stderr, "hhd-admin: %s: %s\n", what, db_errmsg(db));
	return 1;
}

/* Parse a positive id. */
static int S_id(const char *s, long long *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || *id <= 0) {
		fprintf(stderr, "hhd-admin: '%s' is not a submission id\n", s);
		return -1;
	}
	return 0;
}

/* Usage error: the usage on stderr, exit status 2. */
static int S_bad_usage(void)
{
	S_usage(stderr);
	return 2;
}

/* The one argument of show and done, a submission id: 0, or the exit status. */
static int S_one_id(int argc, char **argv, long long *id)
{
	if (argc != 1)
		return S_bad_usage();
	return S_id(argv[0], id) < 0 ? 2 : 0;
}

/* The secret keys given with --key (several while keys rotate), and how
 * many sealed rows none of them opened. */
#define ADMIN_KEYS_MAX 8
static struct seal_key keys[ADMIN_KEYS_MAX];
static size_t nkeys;
static int unopened;
static char unopened_why[200];

/* A row's personal fields (seal_field order): opened from its sealed blob
 * with the --key secret keys, or its plaintext columns (an old row). */
struct fields {
	const char *f[SF__MAX];
	struct seal_opened o;
	int opened;
};

static void S_fields(const struct db_row *row, struct fields *fl)
{
	size_t i, len;
	const void *blob = db_blob(row, "sealed", &len);

	fl->opened = 0;
	if (!blob) {
		for (i = 0; i < SF__MAX; i++)
			fl->f[i] = db_text(row, seal_field_names[i]);
		return;
	}
	if (seal_open(blob, len, keys, nkeys, &fl->o, unopened_why, sizeof unopened_why) == SEAL_OK) {
		fl->opened = 1;
		for (i = 0; i < SF__MAX; i++)
			fl->f[i] = fl->o.f[i];
		return;
	}
	unopened++;
	for (i = 0; i < SF__MAX; i++)
		fl->f[i] = "(sealed)";
}

static void S_fields_free(struct fields *fl)
{
	if (fl->opened)
		seal_opened_free(&fl->o);
}

/* After a reading command: 1 (and why on stderr) when some rows stayed sealed. */
static int S_unopened(int rc)
{
	if (!unopened)
		return rc;
	fprintf(stderr, "hhd-admin: %d submission%s stayed sealed (%s); give the secret key with --key SECRETFILE\n",
		unopened, unopened == 1 ? "" : "s", unopened_why);
	return rc ? rc : 1;
}

/* A submission's urgency, as stored (an unknown name counts as none). */
static enum urgency S_urgency(const struct db_row *row)
{
	int u = urgency_find(db_text(row, "urgency"));

	return u < 0 ? URG_NONE : (enum urgency)u;
}

/* The urgency in words, for the helpdesk team. */
static const char *const urgency_words[URG__MAX] = {
	[URG_ACUTE] = "ACUTE", [URG_TODAY] = "today", [URG_SOON] = "soon", [URG_NONE] = "no urgency",
};

/* inbox: one entry per submission, built in b. */
struct inbox {
	struct buf b;
	int n;
};

static int S_inbox_row(const struct db_row *row, void *arg)
{
	struct inbox *in = arg;
	struct buf *b = &in->b;
	struct fields fl;
	const char *msg;
	char when[20], first[81];
	size_t k;

	S_fields(row, &fl);
	msg = fl.f[SF_MESSAGE];

	S_time(db_int(row, "created"), when);
	/* the message's start, one line, cut at a character boundary */
	for (k = 0; msg[k] && k < 72; k++)
		first[k] = msg[k] == '\n' || msg[k] == '\t' ? ' ' : msg[k];
	while (k > 0 && k < strlen(msg) && ((unsigned char)msg[k] & 0xc0) == 0x80)
		k--;
	first[k] = '\0';
	buf_addf(b, "#%lld  %.16s  %s  %s  %s", db_int(row, "id"), when, db_null(row, "done") ? "open" : "done",
		urgency_words[S_urgency(row)], db_text(row, "lang"));
	if (*db_text(row, "incident")) {
		buf_adds(b, "  ");
		export_safe(b, db_text(row, "incident"), 0);
		buf_addch(b, '/');
		export_safe(b, db_text(row, "node"), 0);
	}
	if (db_null(row, "done")) {
		buf_adds(b, "  waiting ");
		export_waited(b, (long long)time(NULL) - db_int(row, "created"));
	}
	buf_adds(b, "\n     ");
	export_safe(b, *fl.f[SF_NAME] ? fl.f[SF_NAME] : "(no name)", 0);
	if (*fl.f[SF_COMPANY]) {
		buf_adds(b, ", ");
		export_safe(b, fl.f[SF_COMPANY], 0);
	}
	buf_adds(b, "  ");
	export_safe(b, fl.f[SF_EMAIL], 0);
	buf_adds(b, *fl.f[SF_EMAIL] && *fl.f[SF_PHONE] ? "  " : "");
	export_safe(b, fl.f[SF_PHONE], 0);
	buf_adds(b, "\n     ");
	export_safe(b, first, 0);
	buf_adds(b, k < strlen(msg) ? "...\n" : "\n");
	S_fields_free(&fl);
	in->n++;
	return 0;
}

static int S_cmd_inbox(struct db *db, int argc, char **argv)
{
	struct inbox in = { BUF_INIT, 0 };
	int all = argc == 1 && strcmp(argv[0], "--all") == 0;

	if (argc > 1 || (argc == 1 && !all))
		return S_bad_usage();
	if (db_contacts(db, all ? DB_CONTACTS_ALL : DB_CONTACTS_OPEN, S_inbox_row, &in) < 0) {
		buf_free(&in.b);
		return S_dbfail(db, "inbox");
	}
	buf_addf(&in.b, "%d %ssubmission%s\n", in.n, all ? "" : "open ", in.n == 1 ? "" : "s");
	return S_unopened(S_print(&in.b));
}

static int S_show_row(const struct db_row *row, void *arg)
{
	/* label, column */
	static const char *const fields[][2] = {
		{ "language", "lang" }, { "incident", "incident" }, { "node", "node" },
	};
	/* label, seal field */
	static const struct { const char *label; enum seal_field f; } personal[] = {
		{ "name", SF_NAME }, { "company", SF_COMPANY }, { "email", SF_EMAIL }, { "phone", SF_PHONE },
	};
	struct buf *b = arg;
	struct fields fl;
	char when[20];
	size_t i;

	S_fields(row, &fl);

	S_time(db_int(row, "created"), when);
	buf_addf(b, "id:       %lld\nreceived: %s\n", db_int(row, "id"), when);
	if (db_null(row, "done")) {
		buf_adds(b, "status:   open\n");
	} else {
		S_time(db_int(row, "done"), when);
		buf_addf(b, "status:   done %s\n", when);
	}
	buf_addf(b, "urgency:  %s\n", urgency_words[S_urgency(row)]);
	for (i = 0; i < sizeof fields / sizeof *fields; i++) {
		buf_addf(b, "%s:%*s", fields[i][0], (int)(9 - strlen(fields[i][0])), "");
		export_safe(b, db_text(row, fields[i][1]), 0);
		buf_addch(b, '\n');
	}
	for (i = 0; i < sizeof personal / sizeof *personal; i++) {
		buf_addf(b, "%s:%*s", personal[i].label, (int)(9 - strlen(personal[i].label)), "");
		export_safe(b, fl.f[personal[i].f], 0);
		buf_addch(b, '\n');
	}
	buf_adds(b, "\n");
	export_safe(b, fl.f[SF_MESSAGE], 1);
	buf_adds(b, "\n");
	S_fields_free(&fl);
	return 0;
}

/* --site DIR: the built site, whose manifest show --reply reads. */
#define ADMIN_SITE_DEFAULT "/srv/hhd/public"
static const char *site_dir = ADMIN_SITE_DEFAULT;
#define REPLY_STEPS 3   /* the first steps a draft reply names */

/* A draft reply's words, per language (others get English). */
static const struct reply_words {
	const char *lang;
	const char *dear, *dear_anyone;   /* "Beste " + name + ",", or this */
	const char *thanks;               /* the first paragraph */
	const char *plan;                 /* before the plan's title and link */
	const char *steps, *call;         /* before the first steps, before whom to call */
	const char *general;              /* without a plan: before the home page's link */
	const char *closing;
} reply_words[] = {
	{ "nl", "Beste ", "Beste heer, mevrouw,",
	  "Dank voor uw bericht aan de Hackhelpdesk.",
	  "Bij uw situatie hoort dit stappenplan:",
	  "Begin met deze stappen:", "Wie u kunt bellen:",
	  "Op onze website vindt u per situatie wat u nu kunt doen:",
	  "Met vriendelijke groet,\n\nHackhelpdesk" },
	{ "en", "Dear ", "Dear Sir or Madam,",
	  "Thank you for your message to the Hackhelpdesk.",
	  "This step plan fits your situation:",
	  "Start with these steps:", "Whom you can call:",
	  "Our website tells you what to do now, situation by situation:",
	  "Kind regards,\n\nHackhelpdesk" },
};

/* What a draft reply needs besides the row: the site's manifest. */
struct draft {
	struct buf b;
	const struct siteindex *idx;
	int failed;
};

/* Append the absolute URL of path. */
static void S_url(struct buf *b, const struct siteindex *idx, const char *path)
{
	export_safe(b, idx->rows.base_url, 0);
	export_safe(b, path, 0);
}

/* show ID --reply: a draft answer in the visitor's language. */
static int S_reply_row(const struct db_row *row, void *arg)
{
	struct draft *r = arg;
	struct buf *b = &r->b;
	const char *lang = db_text(row, "lang"), *ui = contact_ui_lang(lang);
	const struct reply_words *w = &reply_words[1];
	const struct manifest_plan *p;
	struct fields fl;
	size_t i;

	for (i = 0; i < sizeof reply_words / sizeof *reply_words; i++)
		if (strcmp(reply_words[i].lang, ui) == 0)
			w = &reply_words[i];
	S_fields(row, &fl);
	if (!fl.opened && db_blob(row, "sealed", &i)) {
		r->failed = 1;  /* S_unopened says why */
		return 0;
	}
	if (*fl.f[SF_NAME]) {
		buf_adds(b, w->dear);
		export_safe(b, fl.f[SF_NAME], 0);
		buf_adds(b, ",\n\n");
	} else {
		buf_addf(b, "%s\n\n", w->dear_anyone);
	}
	S_fields_free(&fl);
	buf_addf(b, "%s\n\n", w->thanks);
	p = *db_text(row, "incident") ? siteindex_plan(r->idx, lang, db_text(row, "incident"), db_text(row, "node"))
				      : NULL;
	if (p && siteindex_plan_path(r->idx, p)) {
		buf_addf(b, "%s\n", w->plan);
		export_safe(b, p->title, 0);
		buf_adds(b, "\n");
		S_url(b, r->idx, siteindex_plan_path(r->idx, p));
		buf_adds(b, "\n\n");
		if (p->nsteps) {
			buf_addf(b, "%s\n", w->steps);
			for (i = 0; i < p->nsteps && i < REPLY_STEPS; i++) {
				buf_addf(b, "%zu. ", i + 1);
				export_safe(b, p->steps[i], 0);
				buf_addch(b, '\n');
			}
			buf_addch(b, '\n');
		}
		if (p->ncontacts) {
			buf_addf(b, "%s\n", w->call);
			for (i = 0; i < p->ncontacts; i++) {
				const struct manifest_contact *c = &p->contacts[i];
				buf_adds(b, "- ");
				export_safe(b, c->name, 0);
				if (c->phone) {
					buf_adds(b, ": ");
					export_safe(b, c->phone, 0);
				}
				if (c->url) {
					buf_adds(b, c->phone ? ", " : ": ");
					export_safe(b, c->url, 0);
				}
				buf_addch(b, '\n');
			}
			buf_addch(b, '\n');
		}
	} else {
		const struct manifest_row *home = siteindex_find_kind(r->idx, lang, LAYOUT_HOME);
		buf_addf(b, "%s\n", w->general);
		S_url(b, r->idx, home ? home->path : "/");
		buf_adds(b, "\n\n");
	}
	buf_addf(b, "%s\n", w->closing);
	return 0;
}

/* Load site_dir's manifest for a draft reply: 0, or 1 (said why). */
static int S_load_site(struct siteindex *idx)
{
	char path[PATH_MAX], err[PATH_MAX + 200];

	siteindex_init(idx);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", site_dir, MANIFEST_NAME) >= sizeof path) {
		fprintf(stderr, "hhd-admin: --site path too long\n");
		return 1;
	}
	if (siteindex_load(idx, path, err, sizeof err) < 0) {
		fprintf(stderr, "hhd-admin: site manifest '%s': %s (give the built site with --site DIR)\n", path, err);
		return 1;
	}
	if (!idx->rows.base_url) {
		fprintf(stderr, "hhd-admin: site manifest '%s' names no base URL\n", path);
		return 1;
	}
	return 0;
}

static int S_cmd_show(struct db *db, int argc, char **argv)
{
	struct buf b = BUF_INIT;
	struct siteindex idx;
	struct draft r = { BUF_INIT, &idx, 0 };
	long long id;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--reply") == 0) {
		if ((rc = S_one_id(1, argv, &id)) != 0)
			return rc;
		if (S_load_site(&idx)) {
			siteindex_free(&idx);
			return 1;
		}
		rc = db_contact_get(db, id, S_reply_row, &r);
		siteindex_free(&idx);
		if (rc <= 0 || r.failed) {
			buf_free(&r.b);
			if (rc < 0)
				return S_dbfail(db, "show");
			if (rc == 0)
				fprintf(stderr, "hhd-admin: no submission #%lld\n", id);
			return S_unopened(1);
		}
		return S_unopened(S_print(&r.b));
	}
	if ((rc = S_one_id(argc, argv, &id)) != 0)
		return rc;
	rc = db_contact_get(db, id, S_show_row, &b);
	if (rc <= 0) {
		buf_free(&b);
		if (rc < 0)
			return S_dbfail(db, "show");
		fprintf(stderr, "hhd-admin: no submission #%lld\n", id);
		return 1;
	}
	return S_unopened(S_print(&b));
}

static int S_cmd_done(struct db *db, int argc, char **argv)
{
	long long id;
	int rc;

	if ((rc = S_one_id(argc, argv, &id)) != 0)
		return rc;
	rc = db_contact_done(db, id, time(NULL));
	if (rc < 0)
		return S_dbfail(db, "done");
	if (rc == 0) {
		fprintf(stderr, "hhd-admin: no open submission #%lld\n", id);
		return 1;
	}
	printf("#%lld marked done\n", id);
	return 0;
}

/* The export's CSV columns: header, database column. */
static const char *const export_cols[][2] = {
	{ "id", "id" }, { "received", "created" }, { "done", "done" }, { "lang", "lang" },
	{ "incident", "incident" }, { "node", "node" }, { "name", "name" }, { "company", "company" },
	{ "email", "email" }, { "phone", "phone" }, { "message", "message" },
};
#define EXPORT_TEXT_FROM 3   /* export_cols from here on are text cells */
#define EXPORT_SEALED_FROM 6 /* and from here on personal fields, perhaps sealed */

/* The seal field of a column name, or -1. */
static int S_seal_field(const char *col)
{
	int i;

	for (i = 0; i < SF__MAX; i++)
		if (strcmp(seal_field_names[i], col) == 0)
			return i;
	return -1;
}

static int S_export_row(const struct db_row *row, void *arg)
{
	struct buf *b = arg;
	struct fields fl;
	char when[20];
	size_t i;

	buf_addf(b, "%lld,", db_int(row, "id"));
	S_time(db_int(row, "created"), when);
	buf_addf(b, "%s,", when);
	if (!db_null(row, "done")) {
		S_time(db_int(row, "done"), when);
		buf_adds(b, when);
	}
	S_fields(row, &fl);
	for (i = EXPORT_TEXT_FROM; i < sizeof export_cols / sizeof *export_cols; i++) {
		int k = i >= EXPORT_SEALED_FROM ? S_seal_field(export_cols[i][1]) : -1;
		buf_addch(b, ',');
		export_csv_cell(b, k >= 0 ? fl.f[k] : db_text(row, export_cols[i][1]));
	}
	S_fields_free(&fl);
	buf_adds(b, "\r\n");
	/* a write error stops the walk; the last flush reports it */
	return b->len > 65536 && S_flush(b) < 0;
}

static int S_cmd_export(struct db *db, int argc, char **argv)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (argc != 1 || strcmp(argv[0], "--csv") != 0)
		return S_bad_usage();
	for (i = 0; i < sizeof export_cols / sizeof *export_cols; i++)
		buf_addf(&b, "%s%s", i ? "," : "", export_cols[i][0]);
	buf_adds(&b, "\r\n");
	if (db_contacts(db, DB_CONTACTS_EXPORT, S_export_row, &b) < 0) {
		buf_free(&b);
		return S_dbfail(db, "export");
	}
	return S_unopened(S_print(&b));
}

/* purge's walk over what it would delete: counts, and the list for --dry-run. */
struct purge {
	struct buf b;
	long long done, open;
	int list;
};

static int S_purge_row(const struct db_row *row, void *arg)
{
	struct purge *p = arg;
	int open = db_null(row, "done");
	char when[20];

	if (open)
		p->open++;
	else
		p->done++;
	if (!p->list)
		return 0;
	S_time(db_int(row, "created"), when);
	buf_addf(&p->b, "#%lld  %.16s  %s  %s", db_int(row, "id"), when, open ? "open" : "done", db_text(row, "lang"));
	if (*db_text(row, "incident")) {
		buf_adds(&p->b, "  ");
		export_safe(&p->b, db_text(row, "incident"), 0);
		buf_addch(&p->b, '/');
		export_safe(&p->b, db_text(row, "node"), 0);
	}
	buf_addch(&p->b, '\n');
	return 0;
}

static int S_cmd_purge(struct db *db, int argc, char **argv)
{
	struct purge p = { BUF_INIT, 0, 0, 0 };
	long days = POLICY_RETENTION_DAYS;
	int include_open = 0, dry = 0, i;
	long long n, kept;
	time_t before;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--include-open") == 0) {
			include_open = 1;
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			dry = 1;
		} else if (strcmp(argv[i], "--older-than") == 0 && i + 1 < argc) {
			char *end;
			i++;
			days = strtol(argv[i], &end, 10);
			if (argv[i][0] < '0' || argv[i][0] > '9' || *end || days > 100000) {
				fprintf(stderr, "hhd-admin: --older-than wants a number of days\n");
				return 2;
			}
		} else {
			return S_bad_usage();
		}
	}
	before = time(NULL) - (time_t)days * 86400;
	/* every row older than the cut-off, to list it or to count the open ones kept */
	p.list = dry;
	if (db_contact_purgeable(db, before, 1, S_purge_row, &p) < 0) {
		buf_free(&p.b);
		return S_dbfail(db, "purge");
	}
	kept = include_open ? 0 : p.open;
	if (dry) {
		n = p.done + p.open - kept;
		if (kept) {
			/* list only what would go */
			buf_free(&p.b);
			p.done = p.open = 0;
			if (db_contact_purgeable(db, before, 0, S_purge_row, &p) < 0) {
				buf_free(&p.b);
				return S_dbfail(db, "purge");
			}
		}
		buf_addf(&p.b, "%lld submission%s older than %ld day%s would be deleted (dry run)\n",
			n, n == 1 ? "" : "s", days, days == 1 ? "" : "s");
	} else {
		n = db_contact_purge(db, before, include_open);
		if (n < 0) {
			buf_free(&p.b);
			return S_dbfail(db, "purge");
		}
		/* secure_delete zeroed the freed pages; a truncating checkpoint also
		 * moves them out of the write-ahead log, where the old copies sat */
		if (db_checkpoint(db) < 0)
			fprintf(stderr, "hhd-admin: warning: checkpoint incomplete (%s); old copies leave the"
				" log at the next checkpoint\n", db_errmsg(db));
		buf_addf(&p.b, "%lld submission%s older than %ld day%s deleted\n", n, n == 1 ? "" : "s",
			days, days == 1 ? "" : "s");
	}
	if (kept)
		buf_addf(&p.b, "%lld open submission%s kept (--include-open deletes them too)\n",
			kept, kept == 1 ? "" : "s");
	return S_print(&p.b);
}

static int S_cmd_backup(struct db *db, int argc, char **argv)
{
	char err[PATH_MAX + 128];
	int rc;

	if (argc != 1)
		return S_bad_usage();
	rc = db_backup(db, argv[0], err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "hhd-admin: %s\n", err);
		return rc == -2 ? 2 : 1;
	}
	printf("backup written to %s\n", argv[0]);
	return 0;
}

static int S_cmd_stats(struct db *db, int argc, char **argv)
{
	enum stats_format fmt = STATS_TEXT;
	const char *from = NULL, *to = NULL, *html = NULL, *manifest = NULL;
	struct siteindex site;
	char today[11], start[11], err[256];
	struct buf b = BUF_INIT;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (strcmp(argv[i], "--csv") == 0)
			fmt = STATS_CSV;
		else if (strcmp(argv[i], "--json") == 0)
			fmt = STATS_JSON;
		else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc)
			fmt = STATS_HTML, html = argv[++i];
		else if (strcmp(argv[i], "--manifest") == 0 && i + 1 < argc)
			manifest = argv[++i];
		else
			return S_bad_usage();
	}
	db_day(time(NULL), today);
	if (!to)
		to = today;
	if (!stats_date_ok(to) || (from && !stats_date_ok(from))) {
		fprintf(stderr, "hhd-admin: dates are written YYYY-MM-DD\n");
		return 2;
	}
	if (!from) {
		stats_date_add(to, -29, start);
		from = start;
	}
	if (strcmp(from, to) > 0) {
		fprintf(stderr, "hhd-admin: --from %s is after --to %s\n", from, to);
		return 2;
	}
	siteindex_init(&site);
	if (manifest && siteindex_load(&site, manifest, err, sizeof err) < 0) {
		fprintf(stderr, "hhd-admin: --manifest: %s\n", err);
		return 2;
	}
	rc = stats_report(db, manifest ? &site : NULL, from, to, fmt, &b);
	siteindex_free(&site);
	if (rc < 0) {
		buf_free(&b);
		return 1;
	}
	if (html) {
		rc = file_write_atomic(html, b.ptr, b.len);
		if (rc < 0)
			fprintf(stderr, "hhd-admin: cannot write '%s': %s\n", html, strerror(errno));
		else
			printf("report written to %s\n", html);
	} else {
		rc = S_flush(&b);
	}
	buf_free(&b);
	return rc ? 1 : 0;
}

/* keygen SECRETFILE PUBFILE: a new key pair, each in a new file. */
static int S_cmd_keygen(struct db *db, int argc, char **argv)
{
	struct seal_key k;
	char err[PATH_MAX + 128], hex[SEAL_KEYID_HEX];

	(void)db;
	if (argc != 2)
		return S_bad_usage();
	seal_keygen(&k);
	if (seal_key_save(argv[0], &k, 1, err, sizeof err) < 0
	    || seal_key_save(argv[1], &k, 0, err, sizeof err) < 0) {
		seal_key_wipe(&k);
		fprintf(stderr, "hhd-admin: keygen: %s\n", err);
		return 1;
	}
	seal_keyid_hex(k.id, hex);
	seal_key_wipe(&k);
	printf("key %s: secret key in %s (keep it with the helpdesk), public key in %s (for hhd-fcgi --seal-key)\n",
		hex, argv[0], argv[1]);
	return 0;
}

/* seal: the plaintext rows, sealed in memory before any is written. */
struct unsealed {
	const struct seal_key *pub;
	long long *id;
	struct buf *blob;
	size_t n, cap;
	int failed;
};

static int S_seal_row(const struct db_row *row, void *arg)
{
	struct unsealed *u = arg;
	struct fields fl;
	size_t len;

	if (db_blob(row, "sealed", &len))
		return 0;
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 64;
		u->id = xrealloc(u->id, u->cap * sizeof *u->id);
		u->blob = xrealloc(u->blob, u->cap * sizeof *u->blob);
	}
	S_fields(row, &fl);
	buf_init(&u->blob[u->n]);
	if (seal_seal(u->pub, fl.f, &u->blob[u->n]) != SEAL_OK) {
		buf_free(&u->blob[u->n]);
		fprintf(stderr, "hhd-admin: seal: #%lld has a field too long to seal\n", db_int(row, "id"));
		u->failed = 1;
		return 0;
	}
	u->id[u->n++] = db_int(row, "id");
	return 0;
}

/* seal --pub PUBFILE: seal the rows stored in plaintext (from before
 * sealing, or from hhd-fcgi without --seal-key) to the public key. */
static int S_cmd_seal(struct db *db, int argc, char **argv)
{
	struct unsealed u = { NULL, NULL, NULL, 0, 0, 0 };
	struct seal_key pub;
	char err[PATH_MAX + 128], hex[SEAL_KEYID_HEX];
	long long done = 0;
	size_t i;
	int rc = 0;

	if (argc != 2 || strcmp(argv[0], "--pub") != 0)
		return S_bad_usage();
	if (seal_key_load(argv[1], &pub, err, sizeof err) < 0) {
		fprintf(stderr, "hhd-admin: seal: %s\n", err);
		return 1;
	}
	u.pub = &pub;
	if (db_contacts(db, DB_CONTACTS_EXPORT, S_seal_row, &u) < 0)
		rc = S_dbfail(db, "seal");
	for (i = 0; i < u.n; i++) {
		int r = rc ? 0 : db_contact_set_sealed(db, u.id[i], u.blob[i].ptr, u.blob[i].len);
		if (r < 0)
			rc = S_dbfail(db, "seal");
		done += r > 0;
		buf_free(&u.blob[i]);
	}
	free(u.id);
	free(u.blob);
	/* the emptied text was zeroed by secure_delete; move it out of the log too */
	if (done && db_checkpoint(db) < 0)
		fprintf(stderr, "hhd-admin: warning: checkpoint incomplete (%s); old copies leave the"
			" log at the next checkpoint\n", db_errmsg(db));
	seal_keyid_hex(pub.id, hex);
	seal_key_wipe(&pub);
	printf("%lld submission%s sealed to key %s\n", done, done == 1 ? "" : "s", hex);
	return rc ? rc : u.failed;
}

/* notify: the new submissions, each as the text of its mail (or of its
 * part of the digest), collected before anything is sent. */
struct notice {
	long long id;
	enum urgency urgency;
	char subject[120];
	struct buf text;   /* holds opened personal fields: wiped when freed */
};

struct notices {
	struct notice *v;
	size_t n, cap;
	time_t now;
};

static int S_notify_row(const struct db_row *row, void *arg)
{
	struct notices *ns = arg;
	struct notice *x;
	struct fields fl;
	char when[20];
	size_t len;

	S_fields(row, &fl);
	if (!fl.opened && db_blob(row, "sealed", &len))
		return 0;  /* stays unnotified; S_unopened says why */
	ns->v = xgrow(ns->v, &ns->cap, ns->n + 1, sizeof *ns->v);
	x = &ns->v[ns->n++];
	x->id = db_int(row, "id");
	x->urgency = S_urgency(row);
	buf_init(&x->text);
	/* the subject names no visitor text: only the id, the urgency and the plan's ids */
	snprintf(x->subject, sizeof x->subject, "Hackhelpdesk #%lld (%s)%s%.40s%s%.40s", x->id,
		urgency_words[x->urgency], *db_text(row, "incident") ? ": " : "", db_text(row, "incident"),
		*db_text(row, "incident") ? "/" : "", db_text(row, "node"));
	S_time(db_int(row, "created"), when);
	buf_addf(&x->text, "Submission #%lld, received %s, waiting ", x->id, when);
	export_waited(&x->text, (long long)ns->now - db_int(row, "created"));
	buf_addf(&x->text, "\nUrgency:  %s\nLanguage: ", urgency_words[x->urgency]);
	export_safe(&x->text, db_text(row, "lang"), 0);
	buf_adds(&x->text, "\nPlan:     ");
	if (*db_text(row, "incident")) {
		export_safe(&x->text, db_text(row, "incident"), 0);
		buf_addch(&x->text, '/');
		export_safe(&x->text, db_text(row, "node"), 0);
	} else {
		buf_adds(&x->text, "-");
	}
	static const struct { const char *label; enum seal_field f; } personal[] = {
		{ "Name:     ", SF_NAME }, { "Company:  ", SF_COMPANY }, { "E-mail:   ", SF_EMAIL },
		{ "Phone:    ", SF_PHONE },
	};
	for (size_t i = 0; i < sizeof personal / sizeof *personal; i++) {
		buf_addf(&x->text, "\n%s", personal[i].label);
		export_safe(&x->text, fl.f[personal[i].f], 0);
	}
	buf_adds(&x->text, "\n\n");
	export_safe(&x->text, fl.f[SF_MESSAGE], 1);
	buf_addf(&x->text, "\n\nReply draft: hhd-admin show %lld --reply\nHandled:     hhd-admin done %lld\n",
		x->id, x->id);
	S_fields_free(&fl);
	return 0;
}

static void S_notices_free(struct notices *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		sodium_memzero(ns->v[i].text.ptr, ns->v[i].text.len);
		buf_free(&ns->v[i].text);
	}
	free(ns->v);
}

/* Build one mail from subject and body and pipe it to sendmail. 0, or -1 (said why). */
static int S_mail(const struct mail_config *mc, const char *subject, const struct buf *body, time_t now)
{
	struct buf m = BUF_INIT;
	char err[600];
	int rc = mail_build(mc, subject, body->ptr, body->len, now, &m, err, sizeof err);

	if (rc == 0)
		rc = mail_send(mc, m.ptr, m.len, NULL, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "hhd-admin: notify: %s\n", err);
	sodium_memzero(m.ptr, m.len);
	buf_free(&m);
	return rc;
}

/* Mark ids as notified after their mail went out: 0, or 1 (said why). */
static int S_mark(struct db *db, const long long *ids, size_t n, time_t now)
{
	if (db_contact_notified(db, ids, n, now) >= 0)
		return 0;
	fprintf(stderr, "hhd-admin: notify: mailed, but not marked as notified (they will be sent again): %s\n",
		db_errmsg(db));
	return 1;
}

/* notify [--to ADDR] [--from ADDR] [--digest] [--sendmail PATH]: mail each
 * new submission (or one digest of them) to the helpdesk, and mark each as
 * notified once sendmail has taken it (exit 0). The only recipient is --to;
 * a visitor's address never reaches a header. */
static int S_cmd_notify(struct db *db, int argc, char **argv)
{
	struct mail_config mc = { NULL, NULL, NULL, NULL };
	struct notices ns = { NULL, 0, 0, time(NULL) };
	char err[600];
	size_t i, sent = 0;
	int digest = 0, rc = 0, i_arg;

	for (i_arg = 0; i_arg < argc; i_arg++) {
		if (strcmp(argv[i_arg], "--digest") == 0)
			digest = 1;
		else if (strcmp(argv[i_arg], "--to") == 0 && i_arg + 1 < argc)
			mc.to = argv[++i_arg];
		else if (strcmp(argv[i_arg], "--from") == 0 && i_arg + 1 < argc)
			mc.from = argv[++i_arg];
		else if (strcmp(argv[i_arg], "--sendmail") == 0 && i_arg + 1 < argc)
			mc.sendmail = argv[++i_arg];
		else
			return S_bad_usage();
	}
	if (!mc.to && getenv("HHD_NOTIFY_TO") && *getenv("HHD_NOTIFY_TO"))
		mc.to = getenv("HHD_NOTIFY_TO");   /* the configuration's, e.g. /etc/hhd/notify.conf */
	if (!mc.to) {
		fprintf(stderr, "hhd-admin: notify: give the helpdesk's address with --to ADDR (or HHD_NOTIFY_TO)\n");
		return 2;
	}
	if (mail_config_check(&mc, err, sizeof err) < 0) {
		fprintf(stderr, "hhd-admin: notify: %s\n", err);
		return 2;
	}
	if (db_contacts(db, DB_CONTACTS_UNNOTIFIED, S_notify_row, &ns) < 0) {
		S_notices_free(&ns);
		return S_dbfail(db, "notify");
	}
	if (digest && ns.n) {
		struct buf body = BUF_INIT;
		long long *ids = xcalloc(ns.n, sizeof *ids);
		size_t acute = 0, k = 0;
		char subject[120];

		/* acute ones first, then oldest first (the order they came in) */
		for (int pass = 0; pass < 2; pass++)
			for (i = 0; i < ns.n; i++) {
				if ((ns.v[i].urgency == URG_ACUTE) != (pass == 0))
					continue;
				acute += pass == 0;
				ids[k++] = ns.v[i].id;
				buf_addf(&body, "%s%s", k > 1 ? "\n----------------------------------------\n\n" : "",
					ns.v[i].subject);
				buf_addf(&body, "\n\n%s", ns.v[i].text.ptr);
			}
		snprintf(subject, sizeof subject, "Hackhelpdesk: %zu new submission%s, %zu acute", ns.n,
			ns.n == 1 ? "" : "s", acute);
		if (S_mail(&mc, subject, &body, ns.now) < 0)
			rc = 1;
		else if ((rc = S_mark(db, ids, ns.n, ns.now)) == 0)
			sent = ns.n;
		sodium_memzero(body.ptr, body.len);
		buf_free(&body);
		free(ids);
	} else {
		/* one by one, oldest first; the first failure stops the rest */
		for (i = 0; i < ns.n && rc == 0; i++) {
			if (S_mail(&mc, ns.v[i].subject, &ns.v[i].text, ns.now) < 0)
				rc = 1;
			else if ((rc = S_mark(db, &ns.v[i].id, 1, ns.now)) == 0)
				sent++;
		}
	}
	printf("%zu submission%s sent to %s%s", sent, sent == 1 ? "" : "s", mc.to,
		digest && sent ? " in one digest\n" : "\n");
	if (sent < ns.n)
		fprintf(stderr, "hhd-admin: notify: %zu submission%s not sent; they stay new\n", ns.n - sent,
			ns.n - sent == 1 ? "" : "s");
	S_notices_free(&ns);
	return S_unopened(rc);
}

#define S_STR(x) #x
#define S_XSTR(x) S_STR(x)

#define ADMIN_NO_DB (1u << 15)   /* in flags: a command without a database */
#define ADMIN_KEY (1u << 14)     /* in flags: it reads personal fields, so --key is required */

/* The commands: dispatch and the usage text both come from here. */
static const struct command {
	const char *name;
	unsigned flags;              /* db_open() flags */
	int (*fn)(struct db *db, int argc, char **argv);
	const char *synopsis;        /* after "hhd-admin --db PATH " */
	const char *help;            /* lines after the first indented like it */
} commands[] = {
	{ "inbox", DB_READONLY | ADMIN_KEY, S_cmd_inbox, "inbox [--all]",
	  "open submissions, acute ones first, then oldest first, with\n"
	  "their urgency and how long each has waited\n"
	  "(--all: done ones too, newest first)" },
	{ "show", DB_READONLY | ADMIN_KEY, S_cmd_show, "show ID [--reply]",
	  "one submission in full; --reply: a draft answer in the\n"
	  "visitor's language (the plan's link, first steps, whom to call;\n"
	  "from the --site manifest)" },
	{ "done", 0, S_cmd_done, "done ID", "mark a submission as handled" },
	{ "notify", ADMIN_KEY, S_cmd_notify, "notify [--to ADDR] [--from ADDR] [--digest] [--sendmail PATH]",
	  "mail each new submission (or one --digest) to the helpdesk's\n"
	  "ADDR (default $HHD_NOTIFY_TO) through sendmail -t -oi\n"
	  "(default " MAIL_SENDMAIL_DEFAULT "), and mark\n"
	  "each as notified once sendmail exited 0; never mails a visitor" },
	{ "export", DB_READONLY | ADMIN_KEY, S_cmd_export, "export --csv", "all submissions as CSV on standard output" },
	{ "purge", 0, S_cmd_purge, "purge [--older-than DAYS] [--include-open] [--dry-run]",
	  "delete handled submissions older than DAYS days (default " S_XSTR(POLICY_RETENTION_DAYS) ");\n"
	  "open ones stay unless --include-open; --dry-run lists what would go" },
	{ "keygen", ADMIN_NO_DB, S_cmd_keygen, "keygen SECRETFILE PUBFILE",
	  "a new key pair for sealing submissions, each in a new file" },
	{ "seal", 0, S_cmd_seal, "seal --pub PUBFILE",
	  "seal the submissions stored in plaintext to the public key" },
	{ "backup", DB_READONLY, S_cmd_backup, "backup FILE",
	  "copy the database to a new FILE, safe while hhd-fcgi runs" },
	{ "stats", DB_READONLY, S_cmd_stats, "stats [--from DATE] [--to DATE] [--manifest FILE] [--csv | --json | --html FILE]",
	  "counters per day, step plans, \"did this help\", partners\n"
	  "(dates YYYY-MM-DD; default the last 30 days)" },
};

#define USAGE_COLUMN 26   /* synopsis width before the help text */

static void S_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: hhd-admin [--db PATH|URI | --db-file FILE] [--key SECRETFILE]... [--site DIR] COMMAND\n"
		"  (--db defaults to " HHD_DB_INSTALLED " when it exists; a postgresql:// URI\n"
		"  opens PostgreSQL; --db-file reads the PATH or URI from FILE's first line)\n"
		"  --key SECRETFILE opens sealed submissions; inbox, show, export and notify\n"
		"  need it; give every secret key still in use while keys rotate\n"
		"  --site DIR: the built site, for show --reply (default " ADMIN_SITE_DEFAULT ")\n");
	for (i = 0; i < sizeof commands / sizeof *commands; i++) {
		const struct command *c = &commands[i];
		const char *h = c->help;

		if (strlen(c->synopsis) > USAGE_COLUMN)
			fprintf(f, "  %s\n  %-*s ", c->synopsis, USAGE_COLUMN, "");
		else
			fprintf(f, "  %-*s ", USAGE_COLUMN, c->synopsis);
		while (*h) {
			size_t n = strcspn(h, "\n");
			fprintf(f, "%.*s\n", (int)n, h);
			h += n;
			if (*h == '\n' && *++h)
				fprintf(f, "  %-*s ", USAGE_COLUMN, "");
		}
	}
}

int main(int argc, char **argv)
{
	const struct command *c = NULL;
	const char *db_path = NULL;
	static char target[DB_TARGET_MAX + 1];
	char err[512];
	struct db *db;
	size_t k;
	int i = 1, rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		S_usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("hhd-admin %s\n", HHD_VERSION);
		return 0;
	}
	if (sodium_init() < 0)
		return 1;
	while (i + 1 < argc && (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--db-file") == 0
			|| strcmp(argv[i], "--key") == 0 || strcmp(argv[i], "--site") == 0)) {
		if (strcmp(argv[i], "--db") == 0) {
			db_path = argv[i + 1];
		} else if (strcmp(argv[i], "--site") == 0) {
			site_dir = argv[i + 1];
		} else if (strcmp(argv[i], "--db-file") == 0) {
			if (db_target_read(argv[i + 1], target, sizeof target, err, sizeof err) < 0) {
				fprintf(stderr, "hhd-admin: --db-file: %s\n", err);
				return 1;
			}
			db_path = target;
		} else if (nkeys == ADMIN_KEYS_MAX) {
			fprintf(stderr, "hhd-admin: at most %d --key\n", ADMIN_KEYS_MAX);
			return 2;
		} else if (seal_key_load(argv[i + 1], &keys[nkeys], err, sizeof err) < 0) {
			fprintf(stderr, "hhd-admin: --key: %s\n", err);
			return 1;
		} else if (!keys[nkeys].has_secret) {
			fprintf(stderr, "hhd-admin: --key %s is a public key; reading needs the secret key\n", argv[i + 1]);
			return 2;
		} else {
			nkeys++;
		}
		i += 2;
	}
	if (i >= argc)
		return S_bad_usage();
	for (k = 0; !c && k < sizeof commands / sizeof *commands; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			c = &commands[k];
	if (!c) {
		fprintf(stderr, "hhd-admin: unknown command '%s'\n", argv[i]);
		return S_bad_usage();
	}
	if (c->flags & ADMIN_NO_DB) {
		rc = c->fn(NULL, argc - i - 1, argv + i + 1);
		goto out;
	}
	if (!db_path) {
		struct stat st;
		if (stat(HHD_DB_INSTALLED, &st) < 0) {
			fprintf(stderr, "hhd-admin: no --db, and the default " HHD_DB_INSTALLED ": %s\n",
				strerror(errno));
			rc = S_bad_usage();
			goto out;
		}
		db_path = HHD_DB_INSTALLED;
	}
	db = db_open(db_path, c->flags & (DB_CREATE | DB_READONLY | DB_KEEP_WAL), err, sizeof err);
	if (!db) {
		fprintf(stderr, "hhd-admin: %s\n", err);
		return 1;
	}
	if ((c->flags & ADMIN_KEY) && !nkeys) {
		fprintf(stderr, "hhd-admin: %s reads personal fields: give the secret key with --key SECRETFILE\n",
			c->name);
		rc = 2;
	} else {
		rc = c->fn(db, argc - i - 1, argv + i + 1);
	}
	db_close(db);
out:
	for (k = 0; k < nkeys; k++)
		seal_key_wipe(&keys[k]);
	return rc;
}
