/* serve_fcgi.c: the minimal FastCGI client behind `hhd serve`'s /api/ (see serve_fcgi.h). */
#include "serve_fcgi.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* Record types and roles of the FastCGI 1.0 specification. */
enum {
	FCGI_BEGIN_REQUEST = 1,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	FCGI_RESPONDER = 1,
	FCGI_HEADER_LEN = 8,
	FCGI_RECORD_MAX = 65535,
	FCGI_REQUEST_ID = 1,
};

static const char *const status_names[] = {
	[-SERVE_FCGI_OK] = "ok",
	[-SERVE_FCGI_CONNECT] = "cannot connect",
	[-SERVE_FCGI_IO] = "connection failed",
	[-SERVE_FCGI_TIMEOUT] = "no answer in time",
	[-SERVE_FCGI_TOO_BIG] = "answer too large",
	[-SERVE_FCGI_BAD_REPLY] = "malformed answer",
};

const char *serve_fcgi_strerror(enum serve_fcgi_status st)
{
	int i = -(int)st;
	return i >= 0 && (size_t)i < sizeof status_names / sizeof *status_names ? status_names[i] : "unknown";
}

static void S_len(struct buf *out, size_t n)
{
	if (n < 128) {
		buf_addch(out, (int)n);
	} else {
		unsigned char b[4] = { (unsigned char)(0x80 | ((n >> 24) & 0x7f)), (unsigned char)(n >> 16),
				       (unsigned char)(n >> 8), (unsigned char)n };
		buf_add(out, b, 4);
	}
}

void serve_fcgi_encode_params(struct buf *out, const struct serve_fcgi_param *params, size_t nparams)
{
	for (size_t i = 0; i < nparams; i++) {
		size_t nl = strlen(params[i].name), vl = strlen(params[i].value);
		S_len(out, nl);
		S_len(out, vl);
		buf_add(out, params[i].name, nl);
		buf_add(out, params[i].value, vl);
	}
}

/* Append records of `type` carrying `data` (split at the record limit),
 * then the empty record that ends the stream. */
static void S_stream(struct buf *out, int type, const char *data, size_t len)
{
	size_t off = 0, n;
	do {
		n = len - off > FCGI_RECORD_MAX ? FCGI_RECORD_MAX : len - off;
		unsigned char h[FCGI_HEADER_LEN] = { 1, (unsigned char)type, 0, FCGI_REQUEST_ID,
						     (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };
		buf_add(out, h, sizeof h);
		if (n)
			buf_add(out, data + off, n);
		off += n;
	} while (n > 0); /* the last record written is the empty one that ends the stream */
}

static long long S_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until `fd` is ready for `events` or the deadline passes. */
static enum serve_fcgi_status S_wait(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - S_now_ms();
		if (left <= 0)
			return SERVE_FCGI_TIMEOUT;
		struct pollfd p = { fd, events, 0 };
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return SERVE_FCGI_OK;
		if (r < 0 && errno != EINTR)
			return SERVE_FCGI_IO;
	}
}

static enum serve_fcgi_status S_write_all(int fd, const char *p, size_t n, long long deadline)
{
	while (n) {
		enum serve_fcgi_status st = S_wait(fd, POLLOUT, deadline);
		if (st)
			return st;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return SERVE_FCGI_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return SERVE_FCGI_OK;
}

static enum serve_fcgi_status S_read_all(int fd, unsigned char *p, size_t n, long long deadline)
{
	while (n) {
		enum serve_fcgi_status st = S_wait(fd, POLLIN, deadline);
		if (st)
			return st;
		ssize_t r = recv(fd, p, n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return SERVE_FCGI_IO;
		}
		if (r == 0)
			return SERVE_FCGI_IO;
		p += r;
		n -= (size_t)r;
	}
	return SERVE_FCGI_OK;
}

static char *S_trim_dup(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

int serve_fcgi_parse_reply(struct serve_fcgi_reply *r)
{
	const char *s = r->out.ptr, *e = s + r->out.len, *p = s;
	int status = 0, location = 0;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			return -1; /* no blank line before the end */
		size_t len = (size_t)(nl - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0) {
			r->body = (size_t)(nl + 1 - s);
			break;
		}
		const char *colon = memchr(p, ':', len);
		if (!colon || colon == p)
			return -1;
		for (const char *q = p; q < colon; q++)
			if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_')
				return -1;
		for (const char *q = colon + 1; q < p + len; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t')
				return -1;
		char *name = xstrndup(p, (size_t)(colon - p));
		char *value = S_trim_dup(colon + 1, (size_t)(p + len - colon - 1));
		if (strcasecmp(name, "Status") == 0) {
			char *end;
			long v = strtol(value, &end, 10);
			free(name);
			free(value);
			if (end == value || v < 100 || v > 599)
				return -1;
			status = (int)v;
		} else {
			if (r->nhdr == SERVE_FCGI_MAX_HEADERS) {
				free(name);
				free(value);
				return -1;
			}
			if (strcasecmp(name, "Location") == 0)
				location = 1;
			r->hdr[r->nhdr].name = name;
			r->hdr[r->nhdr].value = value;
			r->nhdr++;
		}
		p = nl + 1;
	}
	r->status = status ? status : location ? 302 : 200;
	return 0;
}

void serve_fcgi_reply_free(struct serve_fcgi_reply *r)
{
	for (size_t i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	r->nhdr = 0;
	buf_free(&r->out);
}

/* The exchange on a connected socket. */
static enum serve_fcgi_status S_exchange(int fd, const struct serve_fcgi_param *params, size_t nparams,
					 const void *body, size_t body_len, long long deadline, size_t max_reply,
					 struct serve_fcgi_reply *reply)
{
	struct buf req = BUF_INIT, pairs = BUF_INIT;
	unsigned char begin[16] = { 1, FCGI_BEGIN_REQUEST, 0, FCGI_REQUEST_ID, 0, 8, 0, 0,
				    0, FCGI_RESPONDER, 0 /* flags: close after */, 0, 0, 0, 0, 0 };
	buf_add(&req, begin, sizeof begin);
	serve_fcgi_encode_params(&pairs, params, nparams);
	S_stream(&req, FCGI_PARAMS, pairs.ptr, pairs.len);
	S_stream(&req, FCGI_STDIN, body, body_len);
	buf_free(&pairs);
	enum serve_fcgi_status st = S_write_all(fd, req.ptr, req.len, deadline);
	buf_free(&req);
	if (st)
		return st;

	unsigned char h[FCGI_HEADER_LEN], content[FCGI_RECORD_MAX + 255];
	for (;;) {
		if ((st = S_read_all(fd, h, sizeof h, deadline)))
			return st;
		size_t clen = (size_t)h[4] << 8 | h[5], plen = h[6];
		if (h[0] != 1)
			return SERVE_FCGI_BAD_REPLY;
		if ((st = S_read_all(fd, content, clen + plen, deadline)))
			return st;
		int id = h[2] << 8 | h[3];
		if (id != FCGI_REQUEST_ID)
			continue;
		if (h[1] == FCGI_STDOUT) {
			if (reply->out.len + clen > max_reply)
				return SERVE_FCGI_TOO_BIG;
			buf_add(&reply->out, content, clen);
		} else if (h[1] == FCGI_END_REQUEST) {
			return SERVE_FCGI_OK;
		}
		/* FCGI_STDERR and anything else: read and dropped */
	}
}

enum serve_fcgi_status serve_fcgi_request(const char *socket_path, const struct serve_fcgi_param *params,
					  size_t nparams, const void *body, size_t body_len,
					  unsigned timeout_ms, size_t max_reply, struct serve_fcgi_reply *reply)
{
	memset(reply, 0, sizeof *reply);
	buf_init(&reply->out);
	if (!timeout_ms)
		timeout_ms = SERVE_FCGI_TIMEOUT_MS;
	if (!max_reply)
		max_reply = SERVE_FCGI_MAX_REPLY;
	long long deadline = S_now_ms() + timeout_ms;

	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(socket_path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return SERVE_FCGI_CONNECT;
	}
	strcpy(sa.sun_path, socket_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return SERVE_FCGI_CONNECT;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return SERVE_FCGI_CONNECT;
	}
	enum serve_fcgi_status st = S_exchange(fd, params, nparams, body, body_len, deadline, max_reply, reply);
	close(fd);
	if (st == SERVE_FCGI_OK && serve_fcgi_parse_reply(reply) != 0)
		st = SERVE_FCGI_BAD_REPLY;
	return st;
}
