/* http.h: the request and reply as hhd-fcgi's handlers see them.
 *
 * main.c fills a struct req from the FastCGI parameters nginx passes and
 * writes out the struct reply a handler filled; the handlers themselves
 * never touch libfcgi, so the tests drive them with plain memory. Every
 * string in a req is untrusted and may be NULL (parameter not passed). */
#ifndef HHD_HTTP_H
#define HHD_HTTP_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

/* Reads up to n bytes of request body into dst; returns the count, 0 at
 * the end, -1 on error. Short counts are allowed: callers loop. */
typedef long (*req_read_fn)(void *ctx, char *dst, size_t n);

struct req {
	const char *method;          /* REQUEST_METHOD */
	const char *path;            /* DOCUMENT_URI: nginx's normalised $uri, no query */
	const char *query;           /* QUERY_STRING */
	const char *content_type;    /* CONTENT_TYPE */
	const char *content_length;  /* CONTENT_LENGTH */
	const char *accept;          /* HTTP_ACCEPT */
	const char *user_agent;      /* HTTP_USER_AGENT: only passed for the counters */
	const char *remote_addr;     /* REMOTE_ADDR: only passed for /api/contact */
	req_read_fn read;
	void *read_ctx;
	time_t now;
	char id[24];                 /* request id for log lines */
};

/* A hit's reply may wait for its batch's commit (app_batch_end) while other
 * hits are handled and the site manifest is reloaded: what it points to
 * must be a string literal or in the request arena, not in the manifest. */
struct reply {
	int status;
	const char *content_type;    /* NULL: no body */
	const char *location;        /* Location header, or NULL */
	const char *allow;           /* Allow header (405), or NULL */
	unsigned retry_after;        /* Retry-After seconds (429), or 0 */
	int uncommitted;             /* acknowledges a write in the open batch: only
	                              * valid once that batch is committed */
	struct buf body;
};

void reply_init(struct reply *rp);
void reply_free(struct reply *rp);
/* Set a status with a body of the given type; the body is emptied. */
void reply_set(struct reply *rp, int status, const char *content_type);
/* Format the CGI response header block (Status, Content-Type, Location,
 * Cache-Control: no-store, X-Content-Type-Options: nosniff, ...) and the
 * body into `out`. */
void reply_format(const struct reply *rp, struct buf *out);
const char *http_reason(int status);
/* The generic error reply for a status with no more to say: a small page
 * in Dutch and English, or a JSON object when rq asks for JSON. */
void reply_error(struct req *rq, struct reply *rp, int status);

enum cl_status {
	CL_OK = 0,
	CL_MISSING,    /* absent or empty: 411 */
	CL_INVALID,    /* anything but ASCII digits: 400 */
	CL_TOO_BIG,    /* more than `max` (overflow included): 413 */
};

/* Parse CONTENT_LENGTH strictly: one or more ASCII digits and nothing else
 * (no sign, no space), overflow-checked, at most `max`. */
enum cl_status http_content_length(const char *s, size_t max, size_t *out);

/* Whether CONTENT_TYPE is `type` (e.g. "application/x-www-form-urlencoded"),
 * case-insensitive, with no parameter but an optional charset that must
 * be UTF-8. */
int http_type_is(const char *content_type, const char *type);

/* Whether the Accept header asks for JSON (application/json listed, q not 0). */
int http_wants_json(const char *accept);

/* Append s as a JSON string, quotes included. Bytes >= 0x80 are copied (the
 * caller passes valid UTF-8); controls, quote and backslash are escaped, and
 * so are '<', '>' and '&' so the JSON can never be read as markup. */
void json_string(struct buf *out, const char *s);

/* Read exactly `len` body bytes into a NUL-terminated arena-free buffer
 * `dst` (room for len + 1). Returns 0, or -1 when the body is shorter. */
int req_read_body(struct req *rq, char *dst, size_t len);

#endif
