/* http.c: request helpers and reply formatting for hhd-fcgi. */
#include "http.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

void reply_init(struct reply *rp)
{
	memset(rp, 0, sizeof *rp);
	buf_init(&rp->body);
	rp->status = 500;
}

void reply_free(struct reply *rp)
{
	buf_free(&rp->body);
}

void reply_set(struct reply *rp, int status, const char *content_type)
{
	rp->status = status;
	rp->content_type = content_type;
	buf_reset(&rp->body);
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void reply_format(const struct reply *rp, struct buf *out)
{
	buf_addf(out, "Status: %d %s\r\n", rp->status, http_reason(rp->status));
	if (rp->content_type && rp->status != 204)
		buf_addf(out, "Content-Type: %s\r\n", rp->content_type);
	if (rp->location)
		buf_addf(out, "Location: %s\r\n", rp->location);
	if (rp->allow)
		buf_addf(out, "Allow: %s\r\n", rp->allow);
	if (rp->retry_after)
		buf_addf(out, "Retry-After: %u\r\n", rp->retry_after);
	buf_adds(out, "Cache-Control: no-store\r\n"
		"X-Content-Type-Options: nosniff\r\n");
	if (rp->status == 204) {
		buf_adds(out, "\r\n");
		return;
	}
	buf_addf(out, "Content-Length: %zu\r\n\r\n", rp->body.len);
	buf_add(out, rp->body.ptr, rp->body.len);
}

/* Titles for the generic error replies, in both compiled languages: these
 * come before the form (and its language) has been read. */
static void S_titles(int status, const char **nl, const char **en)
{
	switch (status) {
	case 400: *nl = "Dit verzoek klopt niet."; *en = "This request is malformed."; break;
	case 404: *nl = "Niet gevonden."; *en = "Not found."; break;
	case 405: *nl = "Deze methode is hier niet toegestaan."; *en = "This method is not allowed here."; break;
	case 411: *nl = "De lengte van het verzoek ontbreekt."; *en = "The request length is missing."; break;
	case 413: *nl = "Het bericht is te lang."; *en = "The message is too long."; break;
	case 415: *nl = "Dit soort gegevens wordt hier niet aangenomen."; *en = "This kind of data is not accepted here."; break;
	case 429: *nl = "Te veel pogingen. Probeer het over een paar minuten opnieuw.";
		*en = "Too many attempts. Please try again in a few minutes."; break;
	/* every 503 means the database did not take the write (it is down,
	 * or a failover is under way): say that nothing was kept */
	case 503: *nl = "Er ging iets mis aan onze kant: wat u stuurde is niet opgeslagen."
		" Probeer het over een paar minuten opnieuw.";
		*en = "Something went wrong on our side: what you sent was not stored."
		" Please try again in a few minutes."; break;
	default: *nl = "Er ging iets mis aan onze kant. Probeer het later opnieuw.";
		*en = "Something went wrong on our side. Please try again later."; break;
	}
}

void reply_error(struct req *rq, struct reply *rp, int status)
{
	const char *nl, *en;

	S_titles(status, &nl, &en);
	if (http_wants_json(rq->accept)) {
		reply_set(rp, status, "application/json");
		buf_addf(&rp->body, "{\"ok\":false,\"status\":%d,\"message\":{\"nl\":", status);
		json_string(&rp->body, nl);
		buf_adds(&rp->body, ",\"en\":");
		json_string(&rp->body, en);
		buf_adds(&rp->body, "}}\n");
		return;
	}
	reply_set(rp, status, "text/html; charset=utf-8");
	buf_addf(&rp->body, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<meta name=\"robots\" content=\"noindex\"><title>%d %s</title></head>\n<body><main>\n"
		"<h1>%s</h1>\n<p lang=\"en\">%s</p>\n<p><a href=\"/\">Hackhelpdesk</a></p>\n</main></body></html>\n",
		status, http_reason(status), nl, en);
}

enum cl_status http_content_length(const char *s, size_t max, size_t *out)
{
	size_t v = 0;
	int big = 0;

	if (!s || !*s)
		return CL_MISSING;
	for (; *s; s++) {
		unsigned d = (unsigned char)*s - '0';
		if (d > 9)
			return CL_INVALID;
		/* keep scanning after an overflow so "99999999999999999999x" is
		 * reported as invalid, not as too big */
		if (big || v > (SIZE_MAX - d) / 10)
			big = 1;
		else
			v = v * 10 + d;
	}
	if (big || v > max)
		return CL_TOO_BIG;
	*out = v;
	return CL_OK;
}

static const char *S_skipws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int http_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);
	const char *p;

	if (!ct || strncasecmp(ct, type, n) != 0)
		return 0;
	p = S_skipws(ct + n);
	if (*p == '\0')
		return 1;
	if (*p != ';')
		return 0;
	p = S_skipws(p + 1);
	if (strncasecmp(p, "charset=", 8) != 0)
		return 0;
	p += 8;
	if (*p == '"') {
		if (strncasecmp(p + 1, "utf-8\"", 6) != 0)
			return 0;
		p += 7;
	} else {
		if (strncasecmp(p, "utf-8", 5) != 0)
			return 0;
		p += 5;
	}
	return *S_skipws(p) == '\0';
}

/* Whether one media range r (NUL-terminated, no comma) is application/json
 * with a q other than zero. */
static int S_range_json(const char *r)
{
	const char *p = S_skipws(r);

	if (strncasecmp(p, "application/json", 16) != 0)
		return 0;
	p = S_skipws(p + 16);
	while (*p == ';') {
		p = S_skipws(p + 1);
		if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=' && p[2] == '0') {
			const char *z = p + 3;
			if (*z == '.')
				while (*++z == '0')
					;
			z = S_skipws(z);
			if (*z == '\0' || *z == ';')
				return 0;
		}
		p += strcspn(p, ";");
	}
	return *p == '\0';
}

int http_wants_json(const char *accept)
{
	const char *p = accept;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		char r[128];

		if (n < sizeof r) {
			memcpy(r, p, n);
			r[n] = '\0';
			if (S_range_json(r))
				return 1;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return 0;
}

void json_string(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case '<': case '>': case '&':
			buf_addf(out, "\\u%04x", c);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(out, "\\u%04x", c);
			else
				buf_addch(out, c);
		}
	}
	buf_addch(out, '"');
}

int req_read_body(struct req *rq, char *dst, size_t len)
{
	size_t got = 0;

	while (got < len) {
		long n = rq->read ? rq->read(rq->read_ctx, dst + got, len - got) : 0;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	dst[len] = '\0';
	return 0;
}
