/* contact.c: POST /api/contact (see contact.h).
 *
 * The order of checks is deliberate: the cheap refusals that need no body
 * (method, checked by app.c's route table; rate limit, type, length) come first, the body is read only
 * when its length is known and allowed, the honeypot is looked at before
 * anything that would tell a bot what it got wrong, and the visitor is told
 * "thank you" only after the database has committed the submission. */
#include "contact.h"

#include <stdio.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "seal.h"
#include "state.h"

const struct form_field contact_fields[CF__MAX] = {
	[CF_LANG] = { "lang", CONTACT_MAX_LANG, 0 },
	[CF_INCIDENT] = { "incident", CONTACT_MAX_ID, 0 },
	[CF_NODE] = { "node", CONTACT_MAX_ID, 0 },
	[CF_NAME] = { "name", CONTACT_MAX_NAME, 0 },
	[CF_COMPANY] = { "company", CONTACT_MAX_NAME, 0 },
	[CF_EMAIL] = { "email", CONTACT_MAX_EMAIL, 0 },
	[CF_PHONE] = { "phone", CONTACT_MAX_PHONE, 0 },
	[CF_MESSAGE] = { "message", CONTACT_MAX_MESSAGE, FORM_MULTILINE },
	[CF_CONSENT] = { "consent", CONTACT_MAX_CONSENT, 0 },
	[CF_WEBSITE] = { "website", CONTACT_MAX_HONEYPOT, 0 },
};

static const char *const err_codes[CE__MAX] = {
	[CE_NONE] = "ok",
	[CE_REQUIRED] = "required",
	[CE_CONSENT] = "consent_required",
	[CE_INVALID] = "invalid",
	[CE_EMAIL] = "invalid_email",
	[CE_PHONE] = "invalid_phone",
	[CE_REACH] = "email_or_phone_required",
	[CE_TOO_LONG] = "too_long",
	[CE_UTF8] = "invalid_utf8",
	[CE_CONTROL] = "control_character",
};

const char *contact_err_code(enum contact_err e)
{
	return (unsigned)e < CE__MAX ? err_codes[e] : "?";
}

/* The strings of the 422 page, short and plain (B1), per compiled language. */
struct ui {
	const char *lang;
	const char *title, *intro, *back, *note;
	const char *max[2];   /* "too long" text around the limit */
	const char *labels[CF__MAX];
	const char *errs[CE__MAX];
};

static const struct ui ui_nl = {
	.lang = "nl",
	.title = "Controleer het formulier",
	.intro = "Uw bericht is nog niet verstuurd. Verbeter dit:",
	.back = "Terug naar het formulier",
	.note = "Gebruik de terugknop van uw browser: wat u al had ingevuld, staat er dan meestal nog.",
	.max = { "Dit is te lang. Het mag maximaal ", " tekens zijn." },
	.labels = { "Taal", "Onderwerp", "Stap", "Naam", "Bedrijf", "E-mailadres", "Telefoonnummer",
		"Bericht", "Toestemming", "Website" },
	.errs = {
		[CE_REQUIRED] = "Vul dit in.",
		[CE_CONSENT] = "Zet een vinkje om toestemming te geven. Anders kunnen we uw bericht niet bewaren.",
		[CE_INVALID] = "Dit klopt niet. Open het formulier opnieuw via onze website.",
		[CE_EMAIL] = "Dit is geen geldig e-mailadres.",
		[CE_PHONE] = "Dit is geen geldig telefoonnummer.",
		[CE_REACH] = "Vul een e-mailadres of een telefoonnummer in. Dan kunnen we u bereiken.",
		[CE_UTF8] = "Hierin staan tekens die we niet kunnen lezen.",
		[CE_CONTROL] = "Hierin staan onzichtbare tekens die niet zijn toegestaan.",
	},
};

static const struct ui ui_en = {
	.lang = "en",
	.title = "Please check the form",
	.intro = "Your message has not been sent yet. Please fix this:",
	.back = "Back to the form",
	.note = "Use your browser's back button: what you typed is usually still there.",
	.max = { "This is too long. It may be at most ", " characters." },
	.labels = { "Language", "Subject", "Step", "Name", "Company", "Email address", "Phone number",
		"Message", "Consent", "Website" },
	.errs = {
		[CE_REQUIRED] = "Please fill this in.",
		[CE_CONSENT] = "Tick the box to give your consent. Without it we cannot keep your message.",
		[CE_INVALID] = "This is not right. Please open the form again from our website.",
		[CE_EMAIL] = "This is not a valid email address.",
		[CE_PHONE] = "This is not a valid phone number.",
		[CE_REACH] = "Please give an email address or a phone number, so we can reach you.",
		[CE_UTF8] = "This contains characters we cannot read.",
		[CE_CONTROL] = "This contains invisible characters that are not allowed.",
	},
};

static const struct ui *S_ui(const char *lang)
{
	return lang && strcmp(lang, "nl") == 0 ? &ui_nl : &ui_en;
}

const char *contact_ui_lang(const char *lang)
{
	return S_ui(lang)->lang;
}

/* Strip spaces and tabs (and, for multi-line text, newlines) from both ends
 * of a value in place. Values are the request arena's copies (form.c), so
 * writing the new terminating NUL is allowed; an absent value is a static
 * "" and is never written because its length is 0. */
static void S_trim(struct form_value *v, int multiline)
{
	char *s = (char *)v->s;
	size_t a = 0, n = v->len;

	while (a < n && (s[a] == ' ' || s[a] == '\t' || (multiline && s[a] == '\n')))
		a++;
	while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || (multiline && s[n - 1] == '\n')))
		n--;
	if (a == 0 && n == v->len)
		return;
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
	v->len = n - a;
}

/* Characters RFC 5322 allows unquoted in a local part (dot handled apart). */
static int S_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| c >= 0x80 || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

int contact_email_ok(const char *s)
{
	const char *at = strrchr(s, '@'), *p;
	size_t local, label = 0, labels = 1;

	if (!at || strlen(s) > CONTACT_MAX_EMAIL)
		return 0;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return 0;
		} else if (!S_atext((unsigned char)*p)) {
			return 0;
		}
	}
	/* domain: dot-separated labels of letters, digits, '-' (not at a label's
	 * ends) and UTF-8 (internationalised names); at least two labels */
	for (p = at + 1;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return 0;
			if (c == '\0')
				break;
			labels++;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
			   || (c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
	return labels >= 2 && strlen(at + 1) <= 253;
}

int contact_phone_ok(const char *s)
{
	size_t digits = 0;
	int seen = 0;

	for (; *s; s++) {
		char c = *s;
		if (c >= '0' && c <= '9') {
			digits++;
			seen = 1;
		} else if (c == '+') {
			if (seen)
				return 0;  /* only as the first character */
			seen = 1;
		} else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/') {
			seen = seen || c != ' ';
		} else {
			return 0;
		}
	}
	return digits >= 6 && digits <= 17;
}

static enum contact_err S_from_ferr(enum form_ferr e)
{
	switch (e) {
	case FORM_F_UTF8: return CE_UTF8;
	case FORM_F_CONTROL: return CE_CONTROL;
	case FORM_F_TOO_LONG: return CE_TOO_LONG;
	default: return CE_NONE;
	}
}

int contact_validate(const struct siteindex *m, struct form_value vals[CF__MAX],
	struct contact *out, enum contact_err errs[CF__MAX])
{
	int i, n = 0;

	for (i = 0; i < CF__MAX; i++) {
		errs[i] = S_from_ferr(vals[i].err);
		if (errs[i] == CE_NONE)
			S_trim(&vals[i], i == CF_MESSAGE);
	}
	if (!errs[CF_LANG] && !siteindex_find_kind(m, vals[CF_LANG].s, LAYOUT_THANKS))
		errs[CF_LANG] = CE_INVALID;
	if (!errs[CF_INCIDENT] && !errs[CF_NODE] && (vals[CF_INCIDENT].len || vals[CF_NODE].len)
	    && !siteindex_has_node(m, vals[CF_INCIDENT].s, vals[CF_NODE].s))
		errs[CF_INCIDENT] = CE_INVALID;
	if (!errs[CF_EMAIL] && vals[CF_EMAIL].len && !contact_email_ok(vals[CF_EMAIL].s))
		errs[CF_EMAIL] = CE_EMAIL;
	if (!errs[CF_PHONE] && vals[CF_PHONE].len && !contact_phone_ok(vals[CF_PHONE].s))
		errs[CF_PHONE] = CE_PHONE;
	if (!errs[CF_EMAIL] && !errs[CF_PHONE] && !vals[CF_EMAIL].len && !vals[CF_PHONE].len)
		errs[CF_EMAIL] = CE_REACH;
	if (!errs[CF_MESSAGE] && !vals[CF_MESSAGE].len)
		errs[CF_MESSAGE] = CE_REQUIRED;
	if (!errs[CF_CONSENT] && strcmp(vals[CF_CONSENT].s, "yes") != 0 && strcmp(vals[CF_CONSENT].s, "on") != 0)
		errs[CF_CONSENT] = CE_CONSENT;

	for (i = 0; i < CF__MAX; i++)
		n += errs[i] != CE_NONE;
	out->lang = vals[CF_LANG].s;
	out->incident = vals[CF_INCIDENT].s;
	out->node = vals[CF_NODE].s;
	/* from the manifest, never from the form */
	out->urgency = urgency_names[siteindex_urgency(m, out->lang, out->incident, out->node)];
	out->name = vals[CF_NAME].s;
	out->company = vals[CF_COMPANY].s;
	out->email = vals[CF_EMAIL].s;
	out->phone = vals[CF_PHONE].s;
	out->message = vals[CF_MESSAGE].s;
	return n;
}

/* The success reply: 303 to the thanks page, or JSON naming it. */
static void S_thanks(struct req *rq, struct reply *rp, const struct siteindex *m, const char *lang)
{
	const struct manifest_row *t = siteindex_find_kind(m, lang, LAYOUT_THANKS);
	size_t i;

	/* only a honeypot submission gets here with a lang we cannot thank in */
	for (i = 0; !t && i < m->rows.npages; i++)
		if (m->rows.pages[i].kind == LAYOUT_THANKS)
			t = &m->rows.pages[i];
	if (http_wants_json(rq->accept)) {
		reply_set(rp, 200, "application/json");
		buf_adds(&rp->body, "{\"ok\":true,\"redirect\":");
		json_string(&rp->body, t ? t->path : "/");
		buf_adds(&rp->body, "}\n");
		return;
	}
	reply_set(rp, 303, "text/html; charset=utf-8");
	rp->location = t ? t->path : "/";
	buf_adds(&rp->body, "<!DOCTYPE html>\n<title>303 See Other</title>\n<a href=\"");
	html_escape(&rp->body, rp->location, strlen(rp->location));
	buf_adds(&rp->body, "\">OK</a>\n");
}

/* The 422 reply: every problem, in the visitor's language. */
static void S_invalid(struct req *rq, struct reply *rp, const struct siteindex *m,
	const char *lang, const enum contact_err errs[CF__MAX])
{
	const struct ui *ui = S_ui(lang);
	const struct manifest_row *back;
	struct buf msg = BUF_INIT;
	int i, first = 1, json = http_wants_json(rq->accept);

	reply_set(rp, 422, json ? "application/json" : "text/html; charset=utf-8");
	if (json) {
		buf_adds(&rp->body, "{\"ok\":false,\"status\":422,\"errors\":{");
	} else {
		back = siteindex_find_kind(m, ui->lang, LAYOUT_CONTACT);
		if (!back)
			back = siteindex_find_kind(m, ui->lang, LAYOUT_HOME);
		buf_addf(&rp->body, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			"<meta name=\"robots\" content=\"noindex\"><title>%s</title></head>\n<body><main>\n"
			"<h1>%s</h1>\n<p>%s</p>\n<ul>\n", ui->lang, ui->title, ui->title, ui->intro);
	}
	for (i = 0; i < CF__MAX; i++) {
		if (errs[i] == CE_NONE)
			continue;
		buf_reset(&msg);
		if (errs[i] == CE_TOO_LONG)
			buf_addf(&msg, "%s%zu%s", ui->max[0], contact_fields[i].max_chars, ui->max[1]);
		else
			buf_adds(&msg, ui->errs[errs[i]]);
		if (json) {
			buf_adds(&rp->body, first ? "" : ",");
			json_string(&rp->body, contact_fields[i].name);
			buf_adds(&rp->body, ":{\"code\":");
			json_string(&rp->body, err_codes[errs[i]]);
			buf_adds(&rp->body, ",\"message\":");
			json_string(&rp->body, msg.ptr);
			buf_adds(&rp->body, "}");
		} else {
			buf_addf(&rp->body, "<li><strong>%s</strong>: %s</li>\n", ui->labels[i], msg.ptr);
		}
		first = 0;
	}
	if (json) {
		buf_adds(&rp->body, "}}\n");
	} else {
		buf_adds(&rp->body, "</ul>\n<p><a href=\"");
		html_escape(&rp->body, back ? back->path : "/", strlen(back ? back->path : "/"));
		buf_addf(&rp->body, "\">%s</a></p>\n<p>%s</p>\n</main></body></html>\n", ui->back, ui->note);
	}
	buf_free(&msg);
}

void contact_handle(struct app *app, struct req *rq, struct reply *rp)
{
	struct form_value vals[CF__MAX];
	enum contact_err errs[CF__MAX];
	struct contact c;
	enum form_status fs;
	enum db_add rc;
	struct buf sealed = BUF_INIT;
	unsigned retry = 0;
	size_t len = 0, where = 0;
	long long id = 0;
	char *body;
	int i, nerr;

	if (!rq->remote_addr && !app->warned_no_addr) {
		/* without it every visitor shares one bucket: fix nginx's config */
		log_line(rq->id, "contact: nginx passes no REMOTE_ADDR; all clients share one rate limit");
		app->warned_no_addr = 1;
	}
	/* Only what is stored takes a token (below): a visitor who mistypes is
	 * never locked out by the refusals; nginx's limit_req bounds those. */
	if (!ratelimit_check(&app->rl, rq->remote_addr, rq->now, &retry)) {
		log_line(rq->id, "contact: 429 rate limited");
		reply_error(rq, rp, 429);
		rp->retry_after = retry;
		return;
	}
	if (!http_type_is(rq->content_type, "application/x-www-form-urlencoded")) {
		log_line(rq->id, "contact: 415 content type");
		reply_error(rq, rp, 415);
		return;
	}
	switch (http_content_length(rq->content_length, FORM_MAX_BODY, &len)) {
	case CL_OK: break;
	case CL_MISSING: log_line(rq->id, "contact: 411 no length"); reply_error(rq, rp, 411); return;
	case CL_INVALID: log_line(rq->id, "contact: 400 bad length"); reply_error(rq, rp, 400); return;
	case CL_TOO_BIG: log_line(rq->id, "contact: 413 too large"); reply_error(rq, rp, 413); return;
	}
	body = arena_alloc(&app->arena, len + 1);
	if (req_read_body(rq, body, len) < 0) {
		log_line(rq->id, "contact: 400 body shorter than its length");
		reply_error(rq, rp, 400);
		return;
	}
	fs = form_parse(body, len, contact_fields, CF__MAX, vals, &app->arena, &where);
	if (fs != FORM_OK) {
		log_line(rq->id, "contact: 400 form %s at byte %zu", form_status_name(fs), where);
		reply_error(rq, rp, 400);
		return;
	}
	if (vals[CF_WEBSITE].len) {
		log_line(rq->id, "contact: honeypot filled, not stored");
		S_thanks(rq, rp, app->man, vals[CF_LANG].err ? "" : vals[CF_LANG].s);
		return;
	}
	nerr = contact_validate(app->man, vals, &c, errs);
	if (nerr) {
		char what[384] = "";
		size_t o = 0;
		for (i = 0; i < CF__MAX && o < sizeof what - 1; i++)
			if (errs[i])
				o += (size_t)snprintf(what + o, sizeof what - o, " %s=%s",
					contact_fields[i].name, err_codes[errs[i]]);
		log_line(rq->id, "contact: 422%s", what);
		/* a language we cannot use is shown in Dutch, unless it said "en" */
		S_invalid(rq, rp, app->man, !errs[CF_LANG] || strcmp(c.lang, "en") == 0 ? c.lang : "nl", errs);
		return;
	}
	c.sealed = NULL;
	c.sealed_len = 0;
	if (app->seal) {
		const char *f[SF__MAX] = {
			[SF_NAME] = c.name, [SF_COMPANY] = c.company, [SF_EMAIL] = c.email,
			[SF_PHONE] = c.phone, [SF_MESSAGE] = c.message,
		};
		/* the form's limits keep every field far below SEAL_FIELD_MAX */
		if (seal_seal(app->seal, f, &sealed) != SEAL_OK) {
			log_line(rq->id, "contact: 503 not sealed");
			reply_error(rq, rp, 503);
			return;
		}
		c.sealed = sealed.ptr;
		c.sealed_len = sealed.len;
	}
	rc = db_contact_add(app->db, &c, rq->now, &id);
	buf_free(&sealed);
	switch (rc) {
	case DB_STORED:
		log_line(rq->id, "contact: stored #%lld", id);
		(void)ratelimit_take(&app->rl, rq->remote_addr, rq->now, &retry);
		break;
	case DB_DUPLICATE:
		log_line(rq->id, "contact: repeat of #%lld, not stored again", id);
		break;
	case DB_FAILED:
		log_line(rq->id, "contact: 503 not stored: %s", db_errmsg(app->db));
		reply_error(rq, rp, 503);
		return;
	}
	S_thanks(rq, rp, app->man, c.lang);
}
