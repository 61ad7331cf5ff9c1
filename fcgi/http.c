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
