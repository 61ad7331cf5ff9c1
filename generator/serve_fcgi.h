/* serve_fcgi.h: a minimal FastCGI client, so `hhd serve` can hand /api/ to a
 * running hhd-fcgi over its Unix socket.
 *
 * One request per connection, one request at a time on it (request id 1,
 * FCGI_KEEP_CONN off, as nginx talks to hhd-fcgi): BEGIN_REQUEST, PARAMS,
 * STDIN, then STDOUT until END_REQUEST. STDERR is read and dropped. The CGI
 * reply in STDOUT is split into a status, headers and a body. */
#ifndef HHD_SERVE_FCGI_H
#define HHD_SERVE_FCGI_H

#include <stddef.h>
#include "buf.h"

#define SERVE_FCGI_MAX_BODY 32768          /* request body; = FORM_MAX_BODY in fcgi/form.h */
#define SERVE_FCGI_MAX_REPLY (1024 * 1024)  /* bytes of STDOUT accepted from hhd-fcgi */
#define SERVE_FCGI_MAX_HEADERS 32           /* header lines in the CGI reply */
#define SERVE_FCGI_TIMEOUT_MS 10000         /* the whole exchange, connect to END_REQUEST */

enum serve_fcgi_status {
	SERVE_FCGI_OK = 0,
	SERVE_FCGI_CONNECT = -1,    /* no server on the socket (errno says why) */
	SERVE_FCGI_IO = -2,         /* the connection failed or closed early */
	SERVE_FCGI_TIMEOUT = -3,    /* no END_REQUEST within the time limit */
	SERVE_FCGI_TOO_BIG = -4,    /* STDOUT past the reply limit */
	SERVE_FCGI_BAD_REPLY = -5,  /* not a CGI reply (headers, blank line, body) */
};

struct serve_fcgi_param {
	const char *name;
	const char *value;
};

struct serve_fcgi_header {
	char *name;   /* owned */
	char *value;
};

struct serve_fcgi_reply {
	int status;                 /* from "Status:", 302 for a bare "Location:", else 200 */
	struct serve_fcgi_header hdr[SERVE_FCGI_MAX_HEADERS];  /* without Status */
	size_t nhdr;
	struct buf out;             /* all of STDOUT */
	size_t body;                /* offset of the body in `out` */
};

/* Send one request and read its reply. `timeout_ms` and `max_reply` of 0
 * mean the defaults above. The reply is filled only on SERVE_FCGI_OK; free
 * it with serve_fcgi_reply_free in every case. */
enum serve_fcgi_status serve_fcgi_request(const char *socket_path, const struct serve_fcgi_param *params,
					  size_t nparams, const void *body, size_t body_len,
					  unsigned timeout_ms, size_t max_reply, struct serve_fcgi_reply *reply);
void serve_fcgi_reply_free(struct serve_fcgi_reply *reply);
/* FastCGI name-value pair encoding of `params` (for tests). */
void serve_fcgi_encode_params(struct buf *out, const struct serve_fcgi_param *params, size_t nparams);
/* Split reply->out into status, headers and body. 0, or -1 when malformed. */
int serve_fcgi_parse_reply(struct serve_fcgi_reply *reply);
/* A short English name of a status, for messages. */
const char *serve_fcgi_strerror(enum serve_fcgi_status st);

#endif
