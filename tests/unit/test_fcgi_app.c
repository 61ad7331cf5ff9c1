/* Unit tests for the request handlers (fcgi/app.c, contact.c, counters.c)
 * driven without libfcgi: a struct req in memory, a real SQLite file, a
 * real manifest file. Batches of hits are driven the way main.c does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>
#include <sqlite3.h>

#include "app.h"
#include "contact.h"
#include "counters.h"
#include "db.h"
#include "db_test.h"
#include "fileio.h"
#include "t.h"

static const char manifest_text[] =
	"# hhd-manifest 3\n"
	"P\t/nl/\tnl\thome\t-\t-\n"
	"P\t/nl/bedankt/\tnl\tthanks\t-\t-\n"
	"P\t/nl/contact/\tnl\tcontact\t-\t-\n"
	"P\t/nl/bedankt-feedback/\tnl\tfeedback\t-\t-\n"
	"P\t/nl/hulp/ransomware/\tnl\tquestion\transomware\tstart\n"
	"P\t/nl/hulp/ransomware/klaar/\tnl\toutcome\transomware\tklaar\n"
	"P\t/en/\ten\thome\t-\t-\n"
	"P\t/en/thanks/\ten\tthanks\t-\t-\n"
	"P\t/en/feedback/\ten\tfeedback\t-\t-\n"
	"P\t/de/\tde\thome\t-\t-\n"
	"R\tpartner-a\n"
	"B\thttps://hhd.example\n"
	"O\tnl\transomware\tklaar\ttoday\tKlaar\n";

static char dir[64], site[96], mpath[128];
static struct app app;
static struct db *db;
static struct reply rp;
static time_t now = 1700000000;

struct mem {
	const char *p;
	size_t left;
};

static long S_read(void *ctx, char *dst, size_t n)
{
	struct mem *m = ctx;

	if (n > m->left)
		n = m->left;
	memcpy(dst, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

/* Run one request; `cl` NULL means "the body's length". */
static int S_req(const char *method, const char *path, const char *query, const char *type,
	const char *cl, const char *body, const char *accept, const char *ua, const char *addr)
{
	struct req rq;
	struct mem m = { body ? body : "", body ? strlen(body) : 0 };
	char len[32];

	memset(&rq, 0, sizeof rq);
	snprintf(len, sizeof len, "%zu", m.left);
	rq.method = method;
	rq.path = path;
	rq.query = query;
	rq.content_type = type;
	rq.content_length = cl ? (*cl ? cl : NULL) : len;
	rq.accept = accept;
	rq.user_agent = ua;
	rq.remote_addr = addr;
	rq.read = S_read;
	rq.read_ctx = &m;
	rq.now = now;
	strcpy(rq.id, "test");
	reply_set(&rp, 0, NULL);
	rp.location = NULL;
	/* reset before, not after: the reply may point into the arena */
	arena_reset(&app.arena);
	app_handle(&app, &rq, &rp);
	return rp.status;
}

#define FORM "application/x-www-form-urlencoded"
#define UA "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

static int S_contact(const char *body)
{
	return S_req("POST", "/api/contact", NULL, FORM, NULL, body, "text/html", NULL, "192.0.2.1");
}

static int S_contact_json(const char *body)
{
	return S_req("POST", "/api/contact", NULL, FORM, NULL, body, "application/json", NULL, "192.0.2.1");
}

static long long S_int(const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db_test_handle(db), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static const char *S_text(const char *sql)
{
	static char out[4096];
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db_test_handle(db), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return out;
}

static int S_has(const char *needle)
{
	return strstr(rp.body.ptr, needle) != NULL;
}

#define GOOD "lang=nl&incident=ransomware&node=start&name=Jan+Jansen&company=&email=jan%40example.nl" \
	"&phone=&message=Help%21&consent=yes&website="

static void test_validators(void)
{
	static const char *const emails_ok[] = { "a@b.nl", "jan.de.vries+hhd@example.co.uk", "x_y-z@sub-domain.example",
		"o'brien@example.ie", "j\xc3\xb6rg@m\xc3\xbcller.de", "a@b.c" };
	static const char *const emails_bad[] = { "", "a", "a@", "@b.nl", "a@b", "a@@b.nl", "a@b..nl", ".a@b.nl",
		"a.@b.nl", "a..b@c.nl", "a b@c.nl", "a@b.nl ", "a@-b.nl", "a@b-.nl", "a@.b.nl", "a@b.nl.",
		"a<b>@c.nl", "a@b_c.nl", "a@[1.2.3.4]", "\"a\"@b.nl" };
	static const char *const phones_ok[] = { "0612345678", "+31 6 12345678", "020-1234567", "(020) 123 45 67",
		"+1 (555) 123.4567", "06/12345678", " +31612345678" };
	static const char *const phones_bad[] = { "", "12345", "++31612345678", "06+12345678", "0612345678x",
		"06-1234-5678 ext 1", "123456789012345678", "tel:0612345678", "\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5" };
	char long_local[80], long_email[300];
	size_t i;

	for (i = 0; i < sizeof emails_ok / sizeof *emails_ok; i++) {
		if (!contact_email_ok(emails_ok[i]))
			fprintf(stderr, "  email should pass: %s\n", emails_ok[i]);
		T_CHECK(contact_email_ok(emails_ok[i]));
	}
	for (i = 0; i < sizeof emails_bad / sizeof *emails_bad; i++) {
		if (contact_email_ok(emails_bad[i]))
			fprintf(stderr, "  email should fail: %s\n", emails_bad[i]);
		T_CHECK(!contact_email_ok(emails_bad[i]));
	}
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@b.nl");
	T_CHECK(!contact_email_ok(long_local));
	long_local[1] = '@';
	long_local[2] = '\0';
	memset(long_email, 'a', 250);
	strcpy(long_email + 250, "@b.nl");
	T_CHECK(!contact_email_ok(long_email));
	for (i = 0; i < sizeof phones_ok / sizeof *phones_ok; i++) {
		if (!contact_phone_ok(phones_ok[i]))
			fprintf(stderr, "  phone should pass: %s\n", phones_ok[i]);
		T_CHECK(contact_phone_ok(phones_ok[i]));
	}
	for (i = 0; i < sizeof phones_bad / sizeof *phones_bad; i++) {
		if (contact_phone_ok(phones_bad[i]))
			fprintf(stderr, "  phone should fail: %s\n", phones_bad[i]);
		T_CHECK(!contact_phone_ok(phones_bad[i]));
	}
	T_STREQ(contact_ui_lang("nl"), "nl");
	T_STREQ(contact_ui_lang("en"), "en");
	T_STREQ(contact_ui_lang("de"), "en");
	T_STREQ(contact_err_code(CE_REACH), "email_or_phone_required");
}

static void test_contact_ok(void)
{
	T_CHECK(S_contact(GOOD) == 303);
	T_STREQ(rp.location, "/nl/bedankt/");
	T_CHECK(S_int("SELECT count(*) FROM contact") == 1);
	T_STREQ(S_text("SELECT name || '|' || email || '|' || message || '|' || incident || '/' || node FROM contact"),
		"Jan Jansen|jan@example.nl|Help!|ransomware/start");
	/* a double click: the same answer, one row */
	T_CHECK(S_contact(GOOD) == 303);
	T_STREQ(rp.location, "/nl/bedankt/");
	T_CHECK(S_int("SELECT count(*) FROM contact") == 1);
	/* JSON */
	T_CHECK(S_contact_json("lang=en&phone=%2B31+6+12345678&message=Hi&consent=on") == 200);
	T_STREQ(rp.body.ptr, "{\"ok\":true,\"redirect\":\"/en/thanks/\"}\n");
	T_STREQ(rp.content_type, "application/json");
	/* trimmed single-line fields, CR LF made LF, outer blank lines trimmed */
	T_CHECK(S_contact("lang=nl&name=++Piet++&email=+p%40q.nl+&message=%0D%0A+line+1%0D%0Aline+2%0D%0A%0D%0A&consent=yes") == 303);
	T_STREQ(S_text("SELECT name || '|' || email || '|' || message FROM contact ORDER BY id DESC LIMIT 1"),
		"Piet|p@q.nl|line 1\nline 2");
	/* the fields may come in any order; absent optional fields are empty */
	T_CHECK(S_contact("consent=yes&message=x&email=a%40b.nl&lang=en") == 303);
	T_STREQ(S_text("SELECT incident || node || name || company || phone FROM contact ORDER BY id DESC LIMIT 1"), "");
	T_CHECK(S_int("SELECT count(*) FROM contact") == 4);
	/* the urgency: the manifest's for an outcome, none for a question or no plan */
	T_STREQ(S_text("SELECT group_concat(urgency, ',') FROM contact"), "none,none,none,none");
	T_CHECK(S_contact("lang=nl&incident=ransomware&node=klaar&email=u%40v.nl&message=u&consent=yes") == 303);
	T_STREQ(S_text("SELECT urgency FROM contact ORDER BY id DESC LIMIT 1"), "today");
	/* from another language's form: the outcome's urgency all the same */
	T_CHECK(S_contact("lang=en&incident=ransomware&node=klaar&email=u%40v.nl&message=w&consent=yes") == 303);
	T_STREQ(S_text("SELECT urgency FROM contact ORDER BY id DESC LIMIT 1"), "today");
	T_CHECK(siteindex_urgency(app.man, "nl", "ransomware", "start") == URG_NONE);
	T_CHECK(siteindex_urgency(app.man, "nl", "", "") == URG_NONE);
	T_CHECK(siteindex_urgency(app.man, "nl", "ransomware", "nope") == URG_NONE);
	T_STREQ(siteindex_plan_path(app.man, siteindex_plan(app.man, "en", "ransomware", "klaar")),
		"/nl/hulp/ransomware/klaar/");
}

static void test_contact_422(void)
{
	long long before = S_int("SELECT count(*) FROM contact");

	T_CHECK(S_contact("lang=nl") == 422);
	T_CHECK(S_has("<html lang=\"nl\">") && S_has("Controleer het formulier"));
	T_CHECK(S_has("<strong>E-mailadres</strong>: Vul een e-mailadres of een telefoonnummer in."));
	T_CHECK(S_has("<strong>Bericht</strong>: Vul dit in."));
	T_CHECK(S_has("<strong>Toestemming</strong>"));
	T_CHECK(S_has("href=\"/nl/contact/\""));
	T_CHECK(!S_has("<strong>Naam</strong>"));
	/* English, back link falls back to the home page */
	T_CHECK(S_contact("lang=en&email=nope&message=x&consent=yes") == 422);
	T_CHECK(S_has("<html lang=\"en\">") && S_has("This is not a valid email address.") && S_has("href=\"/en/\""));
	/* a language without a thanks page: refused, page in Dutch */
	T_CHECK(S_contact("lang=de&email=a%40b.nl&message=x&consent=yes") == 422);
	T_CHECK(S_has("<html lang=\"nl\">") && S_has("<strong>Taal</strong>"));
	T_CHECK(S_contact("email=a%40b.nl&message=x&consent=yes") == 422);
	/* incident and node: both, as a pair from the manifest, or neither */
	T_CHECK(S_contact("lang=nl&incident=ransomware&email=a%40b.nl&message=x&consent=yes") == 422);
	T_CHECK(S_has("<strong>Onderwerp</strong>"));
	T_CHECK(S_contact("lang=nl&node=start&email=a%40b.nl&message=x&consent=yes") == 422);
	T_CHECK(S_contact("lang=nl&incident=ransomware&node=nope&email=a%40b.nl&message=x&consent=yes") == 422);
	T_CHECK(S_contact("lang=nl&incident=phishing&node=start&email=a%40b.nl&message=x&consent=yes") == 422);
	T_CHECK(S_contact("lang=nl&incident=ransomware&node=klaar&email=a%40b.nl&message=x2&consent=yes") == 303);
	before++;
	/* consent must be given */
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=x&consent=no") == 422);
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=x&consent=") == 422);
	/* blank text is not a message */
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=+%0D%0A%09+&consent=yes") == 422);
	/* per-field decoding problems are per-field errors */
	T_CHECK(S_contact_json("lang=nl&email=a%40b.nl&name=%FF&message=a%1Bb&phone=%E2%80%AE123456&consent=yes") == 422);
	T_CHECK(S_has("\"name\":{\"code\":\"invalid_utf8\"") && S_has("\"message\":{\"code\":\"control_character\"")
		&& S_has("\"phone\":{\"code\":\"control_character\""));
	T_CHECK(rp.body.ptr[0] == '{' && S_has("\"ok\":false"));
	{
		char body[8000];
		size_t n;
		strcpy(body, "lang=en&email=a%40b.nl&consent=yes&message=");
		n = strlen(body);
		memset(body + n, 'x', CONTACT_MAX_MESSAGE + 1);
		body[n + CONTACT_MAX_MESSAGE + 1] = '\0';
		T_CHECK(S_contact(body) == 422);
		T_CHECK(S_has("This is too long. It may be at most 3000 characters."));
		body[n + CONTACT_MAX_MESSAGE] = '\0';
		T_CHECK(S_contact(body) == 303);
		before++;
	}
	/* what was typed is never echoed back */
	T_CHECK(S_contact("lang=nl&name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=x&message=y&consent=yes") == 422);
	T_CHECK(!S_has("<script") && !S_has("alert"));
	T_CHECK(S_int("SELECT count(*) FROM contact") == before);
}

static void test_contact_refused(void)
{
	long long before = S_int("SELECT count(*) FROM contact");
	char big[40000];

	/* the honeypot: looks like success, stores nothing */
	T_CHECK(S_contact(GOOD "x") == 303);
	T_CHECK(S_contact("lang=en&email=a%40b.nl&message=buy+now&consent=yes&website=http%3A%2F%2Fspam") == 303);
	T_STREQ(rp.location, "/en/thanks/");
	T_CHECK(S_contact("lang=xx&message=&website=%FF") == 303);
	T_CHECK(S_int("SELECT count(*) FROM contact") == before);
	/* structure: 400 */
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=x&consent=yes&extra=1") == 400);
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=x&consent=yes&message=y") == 400);
	T_CHECK(S_contact("lang=nl&email=a%40b.nl&message=%ZZ&consent=yes") == 400);
	T_CHECK(S_contact("lang=nl&&email=a%40b.nl") == 400);
	T_CHECK(S_contact("lang") == 400);
	T_CHECK(S_has("Dit verzoek klopt niet.") && S_has("This request is malformed."));
	/* type, length, method */
	T_CHECK(S_req("POST", "/api/contact", NULL, "multipart/form-data; boundary=x", NULL, GOOD, NULL, NULL, "a") == 415);
	T_CHECK(S_req("POST", "/api/contact", NULL, NULL, NULL, GOOD, NULL, NULL, "a") == 415);
	T_CHECK(S_req("POST", "/api/contact", NULL, "application/json", NULL, "{}", NULL, NULL, "a") == 415);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "", GOOD, NULL, NULL, "a") == 411);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "12x", GOOD, NULL, NULL, "a") == 400);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "-1", GOOD, NULL, NULL, "a") == 400);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "32769", GOOD, NULL, NULL, "a") == 413);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "99999999999999999999999", GOOD, NULL, NULL, "a") == 413);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, "500", GOOD, NULL, NULL, "a") == 400);  /* short body */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, NULL, big, NULL, NULL, "a") == 413);
	T_CHECK(S_req("GET", "/api/contact", GOOD, NULL, NULL, NULL, NULL, NULL, "a") == 405);
	T_STREQ(rp.allow, "POST");
	T_CHECK(S_req(NULL, "/api/contact", NULL, NULL, NULL, NULL, NULL, NULL, "a") == 405);
	/* JSON clients get JSON errors */
	T_CHECK(S_req("POST", "/api/contact", NULL, "text/plain", NULL, GOOD, "application/json", NULL, "a") == 415);
	T_CHECK(rp.body.ptr[0] == '{' && S_has("\"status\":415"));
	T_CHECK(S_int("SELECT count(*) FROM contact") == before);
}

static void test_rate_limit(void)
{
	int i, ok = 0;

	char body[256];

	ratelimit_init(&app.rl, 3, 60, now);
	/* refused posts take no token: five mistakes lock nobody out */
	for (i = 0; i < 5; i++)
		ok += S_req("POST", "/api/contact", NULL, FORM, NULL, "lang=nl", NULL, NULL, "198.51.100.1") == 422;
	T_CHECK(ok == 5);
	for (i = 0, ok = 0; i < 3; i++) {
		snprintf(body, sizeof body, "lang=nl&email=rl%%40example.nl&message=rate+%d&consent=yes", i);
		ok += S_req("POST", "/api/contact", NULL, FORM, NULL, body, NULL, NULL, "198.51.100.1") == 303;
		/* a repeat (double click) is not stored again and takes none */
		if (i < 2)
			ok += S_req("POST", "/api/contact", NULL, FORM, NULL, body, NULL, NULL, "198.51.100.1") == 303;
	}
	T_CHECK(ok == 5);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, NULL, GOOD, NULL, NULL, "198.51.100.1") == 429);
	T_CHECK(rp.retry_after == 60 && S_has("Te veel pogingen"));
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, NULL, "lang=nl", NULL, NULL, "198.51.100.1") == 429);
	T_CHECK(S_req("POST", "/api/contact", NULL, FORM, NULL, "lang=nl", NULL, NULL, "198.51.100.2") == 422);
	/* the counters are never limited by this */
	for (i = 0; i < 10; i++)
		T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	ratelimit_init(&app.rl, 0, 60, now);
}

static void test_bots(void)
{
	static const char *const bots[] = {
		"curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0", "Go-http-client/1.1",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0)", "ia_archiver", "facebookexternalhit/1.1",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)",
		"", NULL,
	};
	static const char *const people[] = {
		UA,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
	};
	size_t i;

	for (i = 0; i < sizeof bots / sizeof *bots; i++)
		T_CHECK(hit_is_bot(bots[i]));
	for (i = 0; i < sizeof people / sizeof *people; i++)
		T_CHECK(!hit_is_bot(people[i]));
	/* any case, anywhere, also past the fast path's buffer (512 bytes) */
	T_CHECK(hit_is_bot("Mozilla/5.0 sOmEBoT") && hit_is_bot("CURL/8.0") && hit_is_bot("x FacebookExternalHit"));
	T_CHECK(!hit_is_bot("Mozilla/5.0 (b-o-t; curl 8; wget)"));
	{
		char ua[1200];
		size_t n;
		for (n = 500; n <= 520; n += 10) {
			memset(ua, 'x', sizeof ua);
			memcpy(ua, "Mozilla/5.0 ", 12);
			ua[n] = '\0';
			T_CHECK(!hit_is_bot(ua));
			memcpy(ua + n - 9, "Googlebot", 9);
			T_CHECK(hit_is_bot(ua));
		}
		memset(ua, 'x', sizeof ua);
		memcpy(ua + 1100, "SPIDER", 6);
		ua[sizeof ua - 1] = '\0';
		T_CHECK(hit_is_bot(ua));
		ua[1100] = 'Z';
		T_CHECK(!hit_is_bot(ua));
	}
	T_CHECK(hit_event_parse("view") == EV_VIEW && hit_event_parse("no") == EV_NO);
	T_CHECK(hit_event_parse("View") == -1 && hit_event_parse("") == -1 && hit_event_parse("views") == -1);
	T_STREQ(hit_event_name(EV_OUTCOME), "outcome");
}

static long long S_hits(const char *path, const char *event, const char *via)
{
	char sql[512];

	snprintf(sql, sizeof sql, "SELECT coalesce(sum(n), 0) FROM hit WHERE path = '%s' AND event = '%s'"
		" AND via = '%s'", path, event, via);
	return S_int(sql);
}

static void test_hits(void)
{
	const char *ua2 = "Mozilla/5.0 HeadlessChrome/120.0.0.0";

	T_CHECK(S_req("GET", "/api/hit.gif", "p=%2Fnl%2F&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_STREQ(rp.content_type, "image/gif");
	T_CHECK(rp.body.len == 43 && memcmp(rp.body.ptr, "GIF89a", 6) == 0);
	T_CHECK(S_req("HEAD", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/&e=help", NULL, ua2, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, "text/plain;charset=UTF-8", NULL, "p=/nl/&e=help", NULL, UA, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM "; charset=UTF-8", NULL, "p=/nl/&e=view&via=partner-a", NULL, UA, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/hulp/ransomware/klaar/&e=outcome", NULL, UA, NULL) == 204);
	T_CHECK(S_hits("/nl/", "view", "") == 12);  /* 10 from test_rate_limit */
	T_CHECK(S_hits("/nl/", "help", "") == 2);
	T_CHECK(S_hits("/nl/", "view", "partner-a") == 1);
	T_CHECK(S_hits("/nl/hulp/ransomware/klaar/", "outcome", "") == 1);

	/* "did this help" from the plain form: 303 to the feedback page */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/hulp/ransomware/klaar/&e=yes&back=1", NULL, UA, NULL) == 303);
	T_STREQ(rp.location, "/nl/bedankt-feedback/");
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=%2Fen%2F&e=no&back=1", NULL, UA, NULL) == 303);
	T_STREQ(rp.location, "/en/feedback/");
	T_CHECK(S_hits("/nl/hulp/ransomware/klaar/", "yes", "") == 1 && S_hits("/en/", "no", "") == 1);
	/* a bot pressing the form still gets sent on, uncounted */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/en/&e=no&back=1", NULL, "curl/8.0", NULL) == 303);
	T_CHECK(S_hits("/en/", "no", "") == 1);
	/* no feedback page in that language, or an unknown page: 204 */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/de/&e=yes&back=1", NULL, UA, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/xx/&e=yes&back=1", NULL, UA, NULL) == 204);
	T_CHECK(S_hits("/de/", "yes", "") == 1);

	/* ignored, answered 204 */
	{
		long long total = S_int("SELECT sum(n) FROM hit");
		static const char *const ignored[] = {
			"p=/nope/&e=view", "p=/nl&e=view", "p=/nl/&e=click", "p=/nl/&e=", "p=/nl/",
			"e=view", "", "p=/nl/&e=view&via=unknown", "p=/nl/&e=view&via=PARTNER-A",
			"p=/nl/&e=view&e=view", "p=/nl/&e=view&x=1", "p=/nl/&e=%FF", "p=/nl/%0A&e=view",
			"p=%2Fnl%2F%00&e=view", "p=/nl/&e=view&", "p=/nl/&e=%zz",
		};
		size_t i;
		for (i = 0; i < sizeof ignored / sizeof *ignored; i++) {
			T_CHECK(S_req("GET", "/api/hit.gif", ignored[i], NULL, NULL, NULL, NULL, UA, NULL) == 204);
			T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, ignored[i], NULL, UA, NULL) == 204);
		}
		T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, NULL, NULL, "curl/7.88.1", NULL) == 204);
		T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, NULL, NULL, NULL, NULL) == 204);
		T_CHECK(S_req("GET", "/api/hit.gif", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 204);
		T_CHECK(S_req("POST", "/api/hit", NULL, "application/json", NULL, "{\"p\":\"/nl/\"}", NULL, UA, NULL) == 204);
		{
			char q[2100] = "p=/nl/&e=view&via=";
			memset(q + strlen(q), 'a', 1500);
			T_CHECK(S_req("GET", "/api/hit.gif", q, NULL, NULL, NULL, NULL, UA, NULL) == 204);
			T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, q, NULL, UA, NULL) == 413);
		}
		T_CHECK(S_int("SELECT sum(n) FROM hit") == total);
	}
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, "", "p=/nl/&e=view", NULL, UA, NULL) == 411);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, "x", "p=/nl/&e=view", NULL, UA, NULL) == 400);
	T_CHECK(S_req("POST", "/api/hit.gif", NULL, FORM, NULL, "p=/nl/&e=view", NULL, UA, NULL) == 405);
	T_STREQ(rp.allow, "GET, HEAD");
	T_CHECK(S_req("GET", "/api/hit", "p=/nl/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 405);
	T_STREQ(rp.allow, "POST");
	/* nothing identifying is stored: the hit table has no room for it */
	T_CHECK(S_int("SELECT count(*) FROM pragma_table_info('hit')") == 5);
}

/* The reasons after "Nee", "Ik ben", search and pick: each counted under its
 * own name; the reasons and "Ik ben" only on an outcome page; the plain
 * "Nee" goes back to the plan's reasons, a reason or "Ik ben" on to the
 * feedback page. */
static void test_hit_events(void)
{
	static const char *const outcome_only[] = {
		"no-complex", "no-missing", "no-person", "no-other",
		"who-employer", "who-zzp", "who-private", "who-other",
	};
	const char *plan = "/nl/hulp/ransomware/klaar/";
	char body[256];
	size_t i;

	T_CHECK(EV__MAX == 15 && hit_event_parse("search") == EV_SEARCH && hit_event_parse("pick") == EV_PICK);
	for (i = 0; i < sizeof outcome_only / sizeof *outcome_only; i++) {
		long long before = S_int("SELECT coalesce(sum(n), 0) FROM hit");
		T_CHECK(hit_event_parse(outcome_only[i]) >= 0 && hit_event_outcome_only(hit_event_parse(outcome_only[i])));
		T_STREQ(hit_event_name(hit_event_parse(outcome_only[i])), outcome_only[i]);
		snprintf(body, sizeof body, "p=%s&e=%s", plan, outcome_only[i]);
		T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, body, NULL, UA, NULL) == 204);
		T_CHECK(S_req("GET", "/api/hit.gif", body, NULL, NULL, NULL, NULL, UA, NULL) == 200);
		T_CHECK(S_hits(plan, outcome_only[i], "") == 2);
		/* the plain form: counted, then on to the feedback page */
		snprintf(body, sizeof body, "p=%s&e=%s&back=1", plan, outcome_only[i]);
		T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, body, NULL, UA, NULL) == 303);
		T_STREQ(rp.location, "/nl/bedankt-feedback/");
		T_CHECK(S_hits(plan, outcome_only[i], "") == 3);
		/* not on a question, a home page or an unknown page */
		snprintf(body, sizeof body, "p=/nl/hulp/ransomware/&e=%s", outcome_only[i]);
		T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, body, NULL, UA, NULL) == 204);
		snprintf(body, sizeof body, "p=/nl/&e=%s", outcome_only[i]);
		T_CHECK(S_req("GET", "/api/hit.gif", body, NULL, NULL, NULL, NULL, UA, NULL) == 204);
		T_CHECK(S_int("SELECT coalesce(sum(n), 0) FROM hit") == before + 3);
	}
	T_CHECK(!hit_event_outcome_only(EV_NO) && !hit_event_outcome_only(EV_SEARCH) && !hit_event_outcome_only(EV_PICK));
	/* the plain "Nee" on a step plan: back to its reasons */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=%2Fnl%2Fhulp%2Fransomware%2Fklaar%2F&e=no&back=1", NULL, UA,
		      NULL) == 303);
	T_STREQ(rp.location, "/nl/hulp/ransomware/klaar/#" HIT_WHY_ANCHOR);
	/* a bot's "Nee" is not counted and goes to the feedback page */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/hulp/ransomware/klaar/&e=no&back=1", NULL, "curl/8.0",
		      NULL) == 303);
	T_STREQ(rp.location, "/nl/bedankt-feedback/");
	/* search and pick: on any page of the site, never with typed words */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/&e=search", NULL, UA, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/hulp/ransomware/&e=pick", NULL, UA, NULL) == 204);
	T_CHECK(S_hits("/nl/", "search", "") == 1 && S_hits("/nl/hulp/ransomware/", "pick", "") == 1);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/&e=search&q=ransomware", NULL, UA, NULL) == 204);
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/nope/&e=pick", NULL, UA, NULL) == 204);
	T_CHECK(S_hits("/nl/", "search", "") == 1 && S_int("SELECT count(*) FROM hit WHERE path = '/nl/nope/'") == 0);
	/* the event field: 16 characters at most */
	T_CHECK(S_req("POST", "/api/hit", NULL, FORM, NULL, "p=/nl/&e=who-employer-xxxx", NULL, UA, NULL) == 204);
	T_CHECK(S_int("SELECT count(*) FROM hit WHERE event LIKE 'who-employer-%'") == 0);
}

static void test_routing(void)
{
	T_CHECK(S_req("GET", "/api/other", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 404);
	T_CHECK(S_req("GET", NULL, NULL, NULL, NULL, NULL, NULL, UA, NULL) == 404);
	T_CHECK(S_req("GET", "/api/hit.gif/", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 404);
	T_CHECK(S_req("GET", "/api/contact/x", NULL, NULL, NULL, NULL, "application/json", UA, NULL) == 404);
	T_CHECK(S_has("\"status\":404"));
}

/* /api/health: 200 while the database answers and its path names the file
 * opened; 503 with the reason once it is moved away, replaced (here by a
 * folder), unreadable, or of another schema; 200 again once it is back. */
static void test_health(void)
{
	char dbpath[128], away[160], version[64];
	long long hits = S_int("SELECT count(*) FROM hit");

	snprintf(dbpath, sizeof dbpath, "%s/hhd.db", dir);
	snprintf(away, sizeof away, "%s/hhd.db.away", dir);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_CHECK(strcmp(rp.body.ptr, "ok\n") == 0);
	T_CHECK(strcmp(rp.content_type, "text/plain; charset=utf-8") == 0);
	T_CHECK(S_req("HEAD", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_CHECK(S_req("POST", "/api/health", NULL, FORM, NULL, "", NULL, UA, NULL) == 405);
	T_CHECK(rp.allow && strcmp(rp.allow, "GET, HEAD") == 0);
	T_CHECK(S_req("GET", "/api/health/", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 404);

	T_CHECK(rename(dbpath, away) == 0);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 503);
	T_CHECK(S_has("unavailable: database file is gone"));
	T_CHECK(dir_make(dbpath) == 0);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 503);
	T_CHECK(S_has("unavailable: database file was replaced"));
	T_CHECK(rmdir(dbpath) == 0);
	T_CHECK(rename(away, dbpath) == 0);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 200);

	if (geteuid() != 0) {   /* root reads and writes whatever the mode */
		T_CHECK(chmod(dbpath, 0) == 0);
		T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 503);
		T_CHECK(S_has("not readable and writable"));
		T_CHECK(chmod(dbpath, 0600) == 0);
		T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 200);
	}

	/* a read that finds another schema (fault injected through the handle),
	 * then back to this build's */
	snprintf(version, sizeof version, "PRAGMA user_version=%d", DB_SCHEMA_VERSION);
	T_CHECK(sqlite3_exec(db_test_handle(db), "PRAGMA user_version=99", NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 503);
	T_CHECK(S_has("another schema version"));
	T_CHECK(sqlite3_exec(db_test_handle(db), version, NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(S_req("GET", "/api/health", NULL, NULL, NULL, NULL, NULL, UA, NULL) == 200);

	/* counts nothing */
	T_CHECK(S_int("SELECT count(*) FROM hit") == hits);
}

static void test_reload(void)
{
	char extra[1024];

	/* a new page appears when the site is rebuilt */
	T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/nieuw/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 204);
	snprintf(extra, sizeof extra, "%sP\t/nl/nieuw/\tnl\tpage\t-\t-\n", manifest_text);
	T_CHECK(file_write_atomic(mpath, extra, strlen(extra)) == 0);
	now += 10;
	T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/nieuw/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	/* a broken manifest keeps the last good one */
	T_CHECK(file_write_atomic(mpath, "garbage\n", 8) == 0);
	now += 10;
	T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/nieuw/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	/* and a missing one too */
	unlink(mpath);
	now += 10;
	T_CHECK(S_req("GET", "/api/hit.gif", "p=/nl/nieuw/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_CHECK(S_hits("/nl/nieuw/", "view", "") == 3);
}

/* A batch as main.c holds it: requests and replies side by side. */
#define BATCH 8
static struct req brq[BATCH];
static struct reply brp[BATCH];
static struct mem bmem[BATCH];
static char blen[BATCH][24];

/* Handle request i of a batch (joining it as main.c would), keeping its reply. */
static int S_breq(size_t i, const char *method, const char *path, const char *query, const char *body,
	const char *accept, const char *ua)
{
	struct req *rq = &brq[i];

	memset(rq, 0, sizeof *rq);
	bmem[i].p = body ? body : "";
	bmem[i].left = body ? strlen(body) : 0;
	snprintf(blen[i], sizeof blen[i], "%zu", bmem[i].left);
	rq->method = method;
	rq->path = path;
	rq->query = query;
	rq->content_type = body ? FORM : NULL;
	rq->content_length = body ? blen[i] : NULL;
	rq->accept = accept;
	rq->user_agent = ua;
	rq->read = S_read;
	rq->read_ctx = &bmem[i];
	rq->now = now;
	snprintf(rq->id, sizeof rq->id, "batch-%zu", i);
	T_CHECK(app_batchable(rq));
	reply_set(&brp[i], 500, NULL);
	app_handle(&app, rq, &brp[i]);
	return brp[i].status;
}

static void test_batchable(void)
{
	static const struct { const char *path; int yes; } cases[] = {
		{ "/api/hit", 1 }, { "/api/hit.gif", 1 }, { "/api/contact", 0 }, { "/api/hit/", 0 },
		{ "/api/hit.gif/", 0 }, { "/api/hits", 0 }, { "/API/HIT", 0 }, { "", 0 }, { NULL, 0 },
	};
	struct req rq;
	size_t i;

	memset(&rq, 0, sizeof rq);
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		rq.path = cases[i].path;
		T_CHECK(app_batchable(&rq) == cases[i].yes);
	}
}

static void test_batch(void)
{
	long long total = S_int("SELECT sum(n) FROM hit"), feedback = S_hits("/nl/hulp/ransomware/klaar/", "yes", "");
	char dbpath[128], extra[1024];
	sqlite3 *other;
	size_t i;

	snprintf(dbpath, sizeof dbpath, "%s/hhd.db", dir);
	T_CHECK(sqlite3_open_v2(dbpath, &other, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);

	/* a batch: counted hits wait for the commit, the rest do not */
	T_CHECK(!app_batch_open(&app));
	T_CHECK(app_batch_begin(&app) == 0 && app_batch_open(&app));
	T_CHECK(S_breq(0, "GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, UA) == 200);
	T_CHECK(S_breq(1, "POST", "/api/hit", NULL, "p=/nl/&e=help", NULL, UA) == 204);
	T_CHECK(S_breq(2, "POST", "/api/hit", NULL, "p=/nl/hulp/ransomware/klaar/&e=yes&back=1", NULL, UA) == 303);
	T_CHECK(S_breq(3, "GET", "/api/hit.gif", "p=/nope/&e=view", NULL, NULL, UA) == 204);     /* ignored */
	T_CHECK(S_breq(4, "GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, "curl/8.0") == 204);  /* a bot */
	T_CHECK(S_breq(5, "GET", "/api/hit", "p=/nl/&e=view", NULL, NULL, UA) == 405);
	T_CHECK(brp[0].uncommitted && brp[1].uncommitted && brp[2].uncommitted);
	T_CHECK(!brp[3].uncommitted && !brp[4].uncommitted && !brp[5].uncommitted);
	/* the site is rebuilt while the batch is open: the pending 303 keeps its Location */
	snprintf(extra, sizeof extra, "%sP\t/nl/batch/\tnl\tpage\t-\t-\n", manifest_text);
	T_CHECK(file_write_atomic(mpath, extra, strlen(extra)) == 0);
	now += 10;
	T_CHECK(S_breq(6, "GET", "/api/hit.gif", "p=/nl/batch/&e=view", NULL, NULL, UA) == 200);
	T_CHECK(brp[6].uncommitted);
	{
		sqlite3_stmt *st;
		long long seen = -1;
		if (sqlite3_prepare_v2(other, "SELECT sum(n) FROM hit", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				seen = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		T_CHECK(seen == total);  /* nothing visible before the commit */
	}
	T_CHECK(app_batch_end(&app, brq, brp, 7) == 0);
	T_CHECK(!app_batch_open(&app));
	T_CHECK(brp[0].status == 200 && brp[1].status == 204 && brp[2].status == 303 && brp[3].status == 204
		&& brp[4].status == 204 && brp[5].status == 405 && brp[6].status == 200);
	T_STREQ(brp[2].location, "/nl/bedankt-feedback/");
	for (i = 0; i < 7; i++)
		T_CHECK(!brp[i].uncommitted);
	arena_reset(&app.arena);
	T_CHECK(S_int("SELECT sum(n) FROM hit") == total + 4);
	T_CHECK(S_hits("/nl/hulp/ransomware/klaar/", "yes", "") == feedback + 1);
	T_CHECK(S_hits("/nl/batch/", "view", "") == 1);
	total += 4;

	/* the commit fails: every counted hit of the batch becomes a 503, the
	 * others keep their answers, nothing is stored */
	T_CHECK(sqlite3_exec(db_test_handle(db), "CREATE TABLE t_parent (id INTEGER PRIMARY KEY);"
		" CREATE TABLE t_child (p INTEGER REFERENCES t_parent(id) DEFERRABLE INITIALLY DEFERRED)",
		NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(app_batch_begin(&app) == 0);
	T_CHECK(S_breq(0, "GET", "/api/hit.gif", "p=/nl/&e=view", NULL, NULL, UA) == 200);
	T_CHECK(S_breq(1, "POST", "/api/hit", NULL, "p=/nl/&e=help", "application/json", UA) == 204);
	T_CHECK(S_breq(2, "POST", "/api/hit", NULL, "p=/en/&e=no&back=1", NULL, UA) == 303);
	T_CHECK(S_breq(3, "GET", "/api/hit.gif", "p=/nope/&e=view", NULL, NULL, UA) == 204);
	T_CHECK(sqlite3_exec(db_test_handle(db), "INSERT INTO t_child VALUES (7)", NULL, NULL, NULL) == SQLITE_OK);
	T_CHECK(app_batch_end(&app, brq, brp, 4) == -1);
	T_CHECK(!app_batch_open(&app) && sqlite3_get_autocommit(db_test_handle(db)));
	T_CHECK(brp[0].status == 503 && brp[1].status == 503 && brp[2].status == 503 && brp[3].status == 204);
	T_CHECK(strstr(brp[0].body.ptr, "Er ging iets mis") != NULL);
	T_CHECK(brp[1].body.ptr[0] == '{' && strstr(brp[1].body.ptr, "\"status\":503") != NULL);
	T_CHECK(brp[2].location == NULL);
	for (i = 0; i < 4; i++)
		T_CHECK(!brp[i].uncommitted);
	arena_reset(&app.arena);
	T_CHECK(S_int("SELECT sum(n) FROM hit") == total);
	T_CHECK(S_int("SELECT count(*) FROM t_child") == 0);
	sqlite3_exec(db_test_handle(db), "DROP TABLE t_child; DROP TABLE t_parent", NULL, NULL, NULL);

	/* a contact form while a batch is open is refused (main.c ends the
	 * batch first); after the batch it is stored as always */
	{
		long long forms = S_int("SELECT count(*) FROM contact");
		T_CHECK(app_batch_begin(&app) == 0);
		T_CHECK(S_breq(0, "GET", "/api/hit.gif", "p=/en/&e=view", NULL, NULL, UA) == 200);
		T_CHECK(S_contact("lang=nl&email=batch%40example.nl&message=tijdens&consent=yes") == 503);
		T_CHECK(app_batch_open(&app));
		T_CHECK(app_batch_end(&app, brq, brp, 1) == 0 && brp[0].status == 200);
		T_CHECK(S_contact("lang=nl&email=batch%40example.nl&message=erna&consent=yes") == 303);
		T_CHECK(S_int("SELECT count(*) FROM contact") == forms + 1);
		T_STREQ(S_text("SELECT message FROM contact ORDER BY id DESC LIMIT 1"), "erna");
		T_CHECK(S_int("PRAGMA synchronous") == 1);
		T_CHECK(S_hits("/en/", "view", "") == 1);
	}
	/* no batch open: a hit commits on its own and waits for nothing */
	T_CHECK(S_req("GET", "/api/hit.gif", "p=/en/&e=view", NULL, NULL, NULL, NULL, UA, NULL) == 200);
	T_CHECK(!rp.uncommitted && S_hits("/en/", "view", "") == 2);
	T_CHECK(app_batch_end(&app, NULL, NULL, 0) == 0);
	sqlite3_close(other);
}

int main(void)
{
	char dbpath[128], err[256];

	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/hhd-test-app-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(site, sizeof site, "%s/site", dir);
	snprintf(mpath, sizeof mpath, "%s/hhd-manifest.tsv", site);
	snprintf(dbpath, sizeof dbpath, "%s/hhd.db", dir);
	if (dir_make(site) < 0 || file_write(mpath, manifest_text, strlen(manifest_text)) < 0)
		return 1;
	db = db_open(dbpath, DB_CREATE, err, sizeof err);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	app_init(&app, db, site, 0, now);
	reply_init(&rp);
	T_CHECK(app.man->rows.npages == 10);

	test_validators();
	test_contact_ok();
	test_contact_422();
	test_contact_refused();
	test_rate_limit();
	test_bots();
	test_hits();
	test_hit_events();
	test_routing();
	test_health();
	test_reload();
	test_batchable();
	test_batch();

	reply_free(&rp);
	app_free(&app);
	db_close(db);
	dir_remove(dir);
	return t_done();
}
