/* admin.c: hhd-admin, the helpdesk team's command for the database.
 *
 *   hhd-admin --db PATH inbox [--all] | show ID | done ID | export --csv
 *                     | purge [--older-than DAYS] | backup FILE
 *                     | stats [--from DATE] [--to DATE] [--csv|--json|--html FILE]
 *
 * Everything it prints comes from the public, so every text is escaped for
 * the terminal (admin_safe) or for spreadsheets (admin_csv_cell). Exit
 * status: 0 ok, 1 not found or a database error, 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "fileio.h"
#include "policy.h"

static void S_usage(FILE *f)
{
	fprintf(f,
		"usage: hhd-admin --db PATH COMMAND\n"
		"  inbox [--all]              open submissions, newest first (--all: done ones too)\n"
		"  show ID                    one submission in full\n"
		"  done ID                    mark a submission as handled\n"
		"  export --csv               all submissions as CSV on standard output\n"
		"  purge [--older-than DAYS]  delete submissions older than DAYS days (default %d)\n"
		"  backup FILE                copy the database to a new FILE, safe while hhd-fcgi runs\n"
		"  stats [--from DATE] [--to DATE] [--csv | --json | --html FILE]\n"
		"                             counters per day, step plans, \"did this help\", partners\n"
		"                             (dates YYYY-MM-DD; default the last 30 days)\n",
		POLICY_RETENTION_DAYS);
}

/* Print a buf to stdout; 0 or -1. */
static int S_flush(struct buf *b)
{
	if (b->len && fwrite(b->ptr, 1, b->len, stdout) != b->len)
		return -1;
	buf_reset(b);
	return fflush(stdout) == 0 ? 0 : -1;
}

static const char *S_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static void S_time(long long t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 20, "?");
}

static int S_sqlfail(sqlite3 *h, const char *what)
{
	fprintf(stderr, "hhd-admin: %s: %s\n", what, sqlite3_errmsg(h));
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

static int cmd_inbox(sqlite3 *h, int all)
{
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;
	int rc, n = 0;

	if (sqlite3_prepare_v2(h, "SELECT id, created, lang, incident, node, name, company, email, phone,"
			" message, done FROM contact WHERE ?1 OR done IS NULL ORDER BY id DESC", -1, &st, NULL))
		return S_sqlfail(h, "inbox");
	sqlite3_bind_int(st, 1, all);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char when[20], first[81];
		const char *msg = S_col(st, 9);
		size_t k;

		S_time(sqlite3_column_int64(st, 1), when);
		/* the message's start, one line, cut at a character boundary */
		for (k = 0; msg[k] && k < 72; k++)
			first[k] = msg[k] == '\n' || msg[k] == '\t' ? ' ' : msg[k];
		while (k > 0 && k < strlen(msg) && ((unsigned char)msg[k] & 0xc0) == 0x80)
			k--;
		first[k] = '\0';
		buf_addf(&b, "#%lld  %.16s  %s  %s", (long long)sqlite3_column_int64(st, 0), when,
			sqlite3_column_type(st, 10) == SQLITE_NULL ? "open" : "done", S_col(st, 2));
		if (*S_col(st, 3)) {
			buf_adds(&b, "  ");
			admin_safe(&b, S_col(st, 3), 0);
			buf_addch(&b, '/');
			admin_safe(&b, S_col(st, 4), 0);
		}
		buf_adds(&b, "\n     ");
		admin_safe(&b, *S_col(st, 5) ? S_col(st, 5) : "(no name)", 0);
		if (*S_col(st, 6)) {
			buf_adds(&b, ", ");
			admin_safe(&b, S_col(st, 6), 0);
		}
		buf_adds(&b, "  ");
		admin_safe(&b, S_col(st, 7), 0);
		buf_adds(&b, *S_col(st, 7) && *S_col(st, 8) ? "  " : "");
		admin_safe(&b, S_col(st, 8), 0);
		buf_adds(&b, "\n     ");
		admin_safe(&b, first, 0);
		buf_adds(&b, k < strlen(msg) ? "...\n" : "\n");
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		buf_free(&b);
		return S_sqlfail(h, "inbox");
	}
	buf_addf(&b, "%d %ssubmission%s\n", n, all ? "" : "open ", n == 1 ? "" : "s");
	rc = S_flush(&b);
	buf_free(&b);
	return rc ? 1 : 0;
}

static int cmd_show(sqlite3 *h, const char *arg)
{
	static const char *const labels[] = { "language", "incident", "node", "name", "company", "email", "phone" };
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;
	long long id;
	char when[20];
	int rc, i;

	if (S_id(arg, &id) < 0)
		return 2;
	if (sqlite3_prepare_v2(h, "SELECT created, lang, incident, node, name, company, email, phone,"
			" message, done FROM contact WHERE id = ?1", -1, &st, NULL))
		return S_sqlfail(h, "show");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return S_sqlfail(h, "show");
		fprintf(stderr, "hhd-admin: no submission #%lld\n", id);
		return 1;
	}
	S_time(sqlite3_column_int64(st, 0), when);
	buf_addf(&b, "id:       %lld\nreceived: %s\n", id, when);
	if (sqlite3_column_type(st, 9) == SQLITE_NULL) {
		buf_adds(&b, "status:   open\n");
	} else {
		S_time(sqlite3_column_int64(st, 9), when);
		buf_addf(&b, "status:   done %s\n", when);
	}
	for (i = 0; i < 7; i++) {
		buf_addf(&b, "%s:%*s", labels[i], (int)(9 - strlen(labels[i])), "");
		admin_safe(&b, S_col(st, i + 1), 0);
		buf_addch(&b, '\n');
	}
	buf_adds(&b, "\n");
	admin_safe(&b, S_col(st, 8), 1);
	buf_adds(&b, "\n");
	sqlite3_finalize(st);
	rc = S_flush(&b);
	buf_free(&b);
	return rc ? 1 : 0;
}

static int cmd_done(sqlite3 *h, const char *arg)
{
	sqlite3_stmt *st;
	long long id;
	int rc;

	if (S_id(arg, &id) < 0)
		return 2;
	if (sqlite3_prepare_v2(h, "UPDATE contact SET done = ?2 WHERE id = ?1 AND done IS NULL", -1, &st, NULL))
		return S_sqlfail(h, "done");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return S_sqlfail(h, "done");
	if (sqlite3_changes(h) == 0) {
		fprintf(stderr, "hhd-admin: no open submission #%lld\n", id);
		return 1;
	}
	printf("#%lld marked done\n", id);
	return 0;
}

static int cmd_export(sqlite3 *h)
{
	static const char *const cols[] = { "id", "received", "done", "lang", "incident", "node", "name",
		"company", "email", "phone", "message" };
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(h, "SELECT id, created, done, lang, incident, node, name, company, email,"
			" phone, message FROM contact ORDER BY id", -1, &st, NULL))
		return S_sqlfail(h, "export");
	for (i = 0; i < sizeof cols / sizeof *cols; i++)
		buf_addf(&b, "%s%s", i ? "," : "", cols[i]);
	buf_adds(&b, "\r\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char when[20];
		buf_addf(&b, "%lld,", (long long)sqlite3_column_int64(st, 0));
		S_time(sqlite3_column_int64(st, 1), when);
		buf_addf(&b, "%s,", when);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			S_time(sqlite3_column_int64(st, 2), when);
			buf_adds(&b, when);
		}
		for (i = 3; i < sizeof cols / sizeof *cols; i++) {
			buf_addch(&b, ',');
			admin_csv_cell(&b, S_col(st, (int)i));
		}
		buf_adds(&b, "\r\n");
		if (b.len > 65536 && S_flush(&b) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		buf_free(&b);
		return S_sqlfail(h, "export");
	}
	rc = S_flush(&b);
	buf_free(&b);
	return rc ? 1 : 0;
}

static int cmd_purge(sqlite3 *h, long days)
{
	sqlite3_stmt *st;
	int rc, n;

	if (sqlite3_prepare_v2(h, "DELETE FROM contact WHERE created <= ?1", -1, &st, NULL))
		return S_sqlfail(h, "purge");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL) - (sqlite3_int64)days * 86400);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return S_sqlfail(h, "purge");
	n = sqlite3_changes(h);
	/* secure_delete zeroed the freed pages; a truncating checkpoint also
	 * moves them out of the write-ahead log, where the old copies sat */
	if (sqlite3_wal_checkpoint_v2(h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "hhd-admin: warning: checkpoint incomplete (%s); old copies leave the"
			" log at the next checkpoint\n", sqlite3_errmsg(h));
	printf("%d submission%s older than %ld day%s deleted\n", n, n == 1 ? "" : "s", days, days == 1 ? "" : "s");
	return 0;
}

static int cmd_backup(sqlite3 *h, const char *file)
{
	char tmp[PATH_MAX];
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	mode_t old;
	int rc;

	if (access(file, F_OK) == 0) {
		fprintf(stderr, "hhd-admin: '%s' exists; not overwriting it\n", file);
		return 1;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", file, (long)getpid()) >= sizeof tmp) {
		fprintf(stderr, "hhd-admin: path too long\n");
		return 2;
	}
	old = umask(077);  /* the copy holds personal data: owner only */
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "hhd-admin: cannot create '%s': %s\n", tmp, dst ? sqlite3_errmsg(dst) : "?");
		sqlite3_close(dst);
		return 1;
	}
	bk = sqlite3_backup_init(dst, "main", h, "main");
	if (!bk) {
		fprintf(stderr, "hhd-admin: backup: %s\n", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		unlink(tmp);
		return 1;
	}
	/* copy in steps, yielding to hhd-fcgi's writes in between */
	do {
		rc = sqlite3_backup_step(bk, 64);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "hhd-admin: backup failed: %s\n", sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(tmp);
		return 1;
	}
	if (sqlite3_close(dst) != SQLITE_OK || rename(tmp, file) < 0) {
		fprintf(stderr, "hhd-admin: cannot finish '%s': %s\n", file, strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("backup written to %s\n", file);
	return 0;
}

static int cmd_stats(sqlite3 *h, int argc, char **argv)
{
	enum stats_format fmt = STATS_TEXT;
	const char *from = NULL, *to = NULL, *html = NULL;
	char today[11], start[11];
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
		else {
			S_usage(stderr);
			return 2;
		}
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
	if (stats_report(h, from, to, fmt, &b) < 0) {
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

int main(int argc, char **argv)
{
	const char *db_path = NULL, *cmd;
	unsigned flags = 0;
	char err[512];
	struct db *db;
	int i = 1, rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		S_usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("hhd-admin %s\n", HHD_VERSION);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--db") == 0) {
		db_path = argv[2];
		i = 3;
	}
	if (!db_path || i >= argc) {
		S_usage(stderr);
		return 2;
	}
	cmd = argv[i++];
	if (sodium_init() < 0)
		return 1;
	if (strcmp(cmd, "inbox") == 0 || strcmp(cmd, "show") == 0 || strcmp(cmd, "export") == 0
	    || strcmp(cmd, "stats") == 0 || strcmp(cmd, "backup") == 0)
		flags = DB_READONLY;
	else if (strcmp(cmd, "done") != 0 && strcmp(cmd, "purge") != 0) {
		fprintf(stderr, "hhd-admin: unknown command '%s'\n", cmd);
		S_usage(stderr);
		return 2;
	}
	db = db_open(db_path, flags, err, sizeof err);
	if (!db) {
		fprintf(stderr, "hhd-admin: %s\n", err);
		return 1;
	}
	if (strcmp(cmd, "inbox") == 0 && (i == argc || (i + 1 == argc && strcmp(argv[i], "--all") == 0)))
		rc = cmd_inbox(db_sqlite(db), i < argc);
	else if (strcmp(cmd, "show") == 0 && i + 1 == argc)
		rc = cmd_show(db_sqlite(db), argv[i]);
	else if (strcmp(cmd, "done") == 0 && i + 1 == argc)
		rc = cmd_done(db_sqlite(db), argv[i]);
	else if (strcmp(cmd, "export") == 0 && i + 1 == argc && strcmp(argv[i], "--csv") == 0)
		rc = cmd_export(db_sqlite(db));
	else if (strcmp(cmd, "purge") == 0 && (i == argc || (i + 2 == argc && strcmp(argv[i], "--older-than") == 0))) {
		long days = POLICY_RETENTION_DAYS;
		if (i < argc) {
			char *end;
			days = strtol(argv[i + 1], &end, 10);
			if (argv[i + 1][0] < '0' || argv[i + 1][0] > '9' || *end || days > 100000) {
				fprintf(stderr, "hhd-admin: --older-than wants a number of days\n");
				db_close(db);
				return 2;
			}
		}
		rc = cmd_purge(db_sqlite(db), days);
	} else if (strcmp(cmd, "backup") == 0 && i + 1 == argc)
		rc = cmd_backup(db_sqlite(db), argv[i]);
	else if (strcmp(cmd, "stats") == 0)
		rc = cmd_stats(db_sqlite(db), argc - i, argv + i);
	else {
		S_usage(stderr);
		rc = 2;
	}
	db_close(db);
	return rc;
}
