/* serve.c: the preview server of `hhd serve` (see serve.h): files, live-reload events, the error panel, /api/. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "diag.h"
#include "html.h"
#include "serve_fcgi.h"
#include "serve_inject.h"
#include "serve_path.h"
#include "watch.h"
#include "xalloc.h"

/* The published site's policy (deploy/nginx/hhd.conf), so the preview
 * fails where the site would. */
#define SERVE_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
#define SERVE_API_PREFIX "/api/"
#define SERVE_OWN_PREFIX "/__hhd/"

/* One open event stream. */
struct sse_client {
	struct serve *s;
	unsigned long seen;   /* the generation last told; guarded by s->lock */
	int hello_sent;       /* touched by its own connection thread only */
};

/* The server's state. Fields marked "guarded" are shared between the
 * rebuilding thread and the connection threads, under `lock`. */
struct serve {
	const struct serve_opts *o;
	unsigned heartbeat_ms, max_clients;
	pthread_mutex_t lock;
	pthread_cond_t changed;       /* signalled when gen or stopping changes */
	unsigned long gen;            /* guarded: rebuilds finished */
	int failed;                   /* guarded: the last rebuild failed */
	char *diags;                  /* guarded: its diagnostics, one per line; NULL after a success */
	struct sse_client **clients;  /* guarded */
	size_t nclients, clients_cap; /* guarded */
	int stopping;                 /* guarded */
};

/* One request, created by the URI log callback (so the raw URI is kept
 * before libmicrohttpd decodes it) and freed when the request completes. */
struct request {
	char *uri;          /* as sent: path and query, still percent-encoded */
	struct buf body;    /* /api/ request body */
	int started;
	int too_big;
};

/* ---- replies ---- */

static void S_headers(struct MHD_Response *r, const char *type)
{
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", SERVE_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

/* Queue `b`'s bytes (taken over) as the reply. */
static enum MHD_Result S_reply_buf(struct MHD_Connection *c, unsigned status, const char *type, struct buf *b)
{
	size_t len;
	char *data = buf_detach(b, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	S_headers(r, type);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A short page of our own: a title and one escaped sentence. */
static enum MHD_Result S_reply_msg(struct MHD_Connection *c, unsigned status, const char *title, const char *text)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>%u %s</title></head>\n"
		 "<body>\n<h1>%u %s</h1>\n<p>", status, title, status, title);
	html_escape(&b, text, strlen(text));
	buf_adds(&b, "</p>\n</body>\n</html>\n");
	return S_reply_buf(c, status, "text/html; charset=utf-8", &b);
}

/* ---- shared state ---- */

/* The generation and the last failure's diagnostics (copied; free
 * in->diags), taken before a file is opened: a build that finishes after
 * this makes the page's generation stale, so its script reloads it. */
static void S_snapshot(struct serve *s, struct serve_inject *in)
{
	pthread_mutex_lock(&s->lock);
	in->gen = s->gen;
	in->diags = s->failed && s->diags ? xstrdup(s->diags) : NULL;
	pthread_mutex_unlock(&s->lock);
}

/* Read an open HTML file whole (up to SERVE_MAX_HTML) and queue it with the
 * preview's additions. Closes `fd`. */
static enum MHD_Result S_reply_html(const struct serve_inject *in, struct MHD_Connection *c, unsigned status,
				    int fd, const struct stat *st)
{
	struct buf html = BUF_INIT;
	int ok = (uintmax_t)st->st_size <= SERVE_MAX_HTML;
	while (ok) {
		buf_grow(&html, 65536);
		ssize_t n = read(fd, html.ptr + html.len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = n == 0;
			break;
		}
		html.len += (size_t)n;
		html.ptr[html.len] = '\0';
		if (html.len > SERVE_MAX_HTML)
			ok = 0;
	}
	close(fd);
	if (!ok) {
		buf_free(&html);
		return S_reply_msg(c, 500, "Internal Server Error", "the page cannot be read, or is larger than the "
				   "preview's limit for HTML pages");
	}
	struct buf out = BUF_INIT;
	serve_inject_html(&out, html.ptr, html.len, in);
	buf_free(&html);
	return S_reply_buf(c, status, "text/html; charset=utf-8", &out);
}

/* 404: the site's own page for the language the path starts with, else
 * the site's /404.html, else a page of ours. */
static enum MHD_Result S_not_found(struct serve *s, const struct serve_inject *in, struct MHD_Connection *c,
				   const char *clean)
{
	char first[16] = "";
	size_t n = strcspn(clean, "/");
	if (clean[n] == '/' && n >= 2 && n <= 8) {
		memcpy(first, clean, n);
		first[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (!((first[i] >= 'a' && first[i] <= 'z') || (i && ((first[i] >= '0' && first[i] <= '9') ||
									      first[i] == '-'))))
				first[0] = '\0';
	}
	const char *tries[2] = { NULL, "404.html" };
	char lang404[32];
	if (first[0]) {
		snprintf(lang404, sizeof lang404, "%s/404.html", first);
		tries[0] = lang404;
	}
	for (size_t i = 0; i < 2; i++) {
		if (!tries[i])
			continue;
		int fd;
		struct stat st;
		const char *name;
		if (serve_path_open(s->o->root, tries[i], 0, &fd, &st, &name) == SERVE_OPEN_OK)
			return S_reply_html(in, c, 404, fd, &st);
	}
	struct buf b = BUF_INIT;
	buf_adds(&b, "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>404 Not Found</title>"
		 "</head>\n<body>\n<h1>404 Not Found</h1>\n<p>The site has no page here (and no 404.html).</p>\n"
		 "</body>\n</html>\n");
	struct buf out = BUF_INIT;
	serve_inject_html(&out, b.ptr, b.len, in);
	buf_free(&b);
	return S_reply_buf(c, 404, "text/html; charset=utf-8", &out);
}

/* A file of the built site. */
static enum MHD_Result S_file(struct serve *s, struct MHD_Connection *c, const char *raw, size_t plen)
{
	struct buf clean = BUF_INIT;
	int dir;
	struct serve_inject in;
	S_snapshot(s, &in);
	enum serve_path_status ps = serve_path_parse(raw, plen, &clean, &dir);
	enum MHD_Result ret;
	if (ps == SERVE_PATH_BAD) {
		ret = S_reply_msg(c, 400, "Bad Request", "this path is refused: it holds '..', '.', an encoded "
				  "slash, a NUL or control character, a bad escape, or is too long");
	} else if (ps == SERVE_PATH_HIDDEN) {
		ret = S_not_found(s, &in, c, clean.ptr);
	} else {
		int fd;
		struct stat st;
		const char *name;
		switch (serve_path_open(s->o->root, clean.ptr, dir, &fd, &st, &name)) {
		case SERVE_OPEN_OK: {
			const char *type = serve_mime(name);
			if (serve_mime_is_html(type)) {
				ret = S_reply_html(&in, c, 200, fd, &st);
				break;
			}
			struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
			if (!r) {
				close(fd);
				ret = MHD_NO;
				break;
			}
			S_headers(r, type);
			ret = MHD_queue_response(c, 200, r);
			MHD_destroy_response(r);
			break;
		}
		case SERVE_OPEN_REDIRECT: {
			struct buf loc = BUF_INIT;
			buf_add(&loc, raw, plen);
			buf_addch(&loc, '/');
			buf_adds(&loc, raw + plen); /* the query, if any */
			struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
			if (!r) {
				buf_free(&loc);
				ret = MHD_NO;
				break;
			}
			S_headers(r, NULL);
			MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc.ptr);
			ret = MHD_queue_response(c, 301, r);
			MHD_destroy_response(r);
			buf_free(&loc);
			break;
		}
		case SERVE_OPEN_SYMLINK:
			ret = S_reply_msg(c, 403, "Forbidden", "the preview does not follow symbolic links");
			break;
		case SERVE_OPEN_MISSING:
			ret = S_not_found(s, &in, c, clean.ptr);
			break;
		default:
			ret = S_reply_msg(c, 500, "Internal Server Error", "the site folder cannot be read");
			break;
		}
	}
	buf_free(&clean);
	free((char *)in.diags);
	return ret;
}

/* ---- /__hhd/events ---- */

static int S_sse_add(struct serve *s, struct sse_client *cl)
{
	int ok = 0;
	pthread_mutex_lock(&s->lock);
	if (!s->stopping && s->nclients < s->max_clients) {
		s->clients = xgrow(s->clients, &s->clients_cap, s->nclients + 1, sizeof *s->clients);
		s->clients[s->nclients++] = cl;
		cl->seen = s->gen;
		ok = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static void S_sse_free(void *cls)
{
	struct sse_client *cl = cls;
	struct serve *s = cl->s;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nclients; i++) {
		if (s->clients[i] == cl) {
			s->clients[i] = s->clients[--s->nclients];
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	free(cl);
}

/* The stream's next bytes: runs on the client's own connection thread and
 * waits there (never longer than a heartbeat) for the next rebuild. */
static ssize_t S_sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *cl = cls;
	struct serve *s = cl->s;
	int n;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (!cl->hello_sent) {
		cl->hello_sent = 1;
		n = snprintf(out, max, "retry: 1000\nevent: hello\ndata: %lu\n\n", cl->seen);
		pthread_mutex_unlock(&s->lock);
		return n > 0 && (size_t)n < max ? n : MHD_CONTENT_READER_END_WITH_ERROR;
	}
	struct timespec due;
	clock_gettime(CLOCK_MONOTONIC, &due);
	due.tv_sec += s->heartbeat_ms / 1000;
	due.tv_nsec += (long)(s->heartbeat_ms % 1000) * 1000000L;
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	while (!s->stopping && cl->seen == s->gen)
		if (pthread_cond_timedwait(&s->changed, &s->lock, &due) == ETIMEDOUT)
			break;
	if (s->stopping) {
		n = -1;
	} else if (cl->seen == s->gen) {
		n = snprintf(out, max, ": heartbeat\n\n");
	} else {
		cl->seen = s->gen;
		n = snprintf(out, max, "event: %s\ndata: %lu\n\n", s->failed ? "build-error" : "reload", s->gen);
	}
	pthread_mutex_unlock(&s->lock);
	if (n == -1)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n > 0 && (size_t)n < max ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static enum MHD_Result S_events(struct serve *s, struct MHD_Connection *c)
{
	struct sse_client *cl = xcalloc(1, sizeof *cl);
	cl->s = s;
	if (!S_sse_add(s, cl)) {
		free(cl);
		return S_reply_msg(c, 503, "Service Unavailable", "too many preview pages are open at once; "
				   "close some tabs");
	}
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, S_sse_read, cl,
								    S_sse_free);
	if (!r) {
		S_sse_free(cl);
		return MHD_NO;
	}
	S_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- /__hhd/ ---- */

static enum MHD_Result S_own_js(struct serve *s, struct MHD_Connection *c)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, serve_reload_js);
	return S_reply_buf(c, 200, "text/javascript; charset=utf-8", &b);
}

static enum MHD_Result S_own_css(struct serve *s, struct MHD_Connection *c)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, serve_preview_css);
	return S_reply_buf(c, 200, "text/css; charset=utf-8", &b);
}

static enum MHD_Result S_own_status(struct serve *s, struct MHD_Connection *c)
{
	struct buf b = BUF_INIT;
	pthread_mutex_lock(&s->lock);
	buf_addf(&b, "{\"generation\":%lu,\"failed\":%d,\"clients\":%zu}\n", s->gen, s->failed, s->nclients);
	pthread_mutex_unlock(&s->lock);
	return S_reply_buf(c, 200, "application/json", &b);
}

/* The preview's own routes, below SERVE_OWN_PREFIX. */
static const struct {
	const char *name;
	enum MHD_Result (*fn)(struct serve *, struct MHD_Connection *);
} own_routes[] = {
	{ "events", S_events },
	{ "reload.js", S_own_js },
	{ "preview.css", S_own_css },
	{ "status", S_own_status },
};

/* ---- /api/ ---- */

static const char *S_header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	return v ? v : "";
}

static enum MHD_Result S_api(struct serve *s, struct MHD_Connection *c, struct request *rq, const char *url,
			     const char *method, const char *version, const char *data, size_t *size)
{
	if (!s->o->fcgi_socket) {
		*size = 0;
		struct buf b = BUF_INIT;
		serve_api_off_page(&b);
		return S_reply_buf(c, 503, "text/html; charset=utf-8", &b);
	}
	if (!rq->started) {
		rq->started = 1;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > SERVE_FCGI_MAX_BODY)
			return S_reply_msg(c, 413, "Content Too Large", "the request body is larger than hhd-fcgi accepts");
		return MHD_YES;
	}
	if (*size) {
		if (rq->body.len + *size > SERVE_FCGI_MAX_BODY)
			rq->too_big = 1;
		else
			buf_add(&rq->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (rq->too_big)
		return S_reply_msg(c, 413, "Content Too Large", "the request body is larger than hhd-fcgi accepts");

	const char *query = strchr(rq->uri, '?');
	char remote[INET6_ADDRSTRLEN] = "127.0.0.1", length[32] = "";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, remote, sizeof remote);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, remote,
				  sizeof remote);
	}
	if (rq->body.len || strcmp(method, "POST") == 0)
		snprintf(length, sizeof length, "%zu", rq->body.len);
	/* What nginx passes in deploy/nginx/hhd.conf, and the CGI basics. */
	const struct serve_fcgi_param params[] = {
		{ "GATEWAY_INTERFACE", "CGI/1.1" },
		{ "SERVER_SOFTWARE", "hhd-serve" },
		{ "SERVER_PROTOCOL", version },
		{ "REQUEST_METHOD", method },
		{ "REQUEST_URI", rq->uri },
		{ "DOCUMENT_URI", url },
		{ "SCRIPT_NAME", url },
		{ "QUERY_STRING", query ? query + 1 : "" },
		{ "CONTENT_TYPE", S_header(c, MHD_HTTP_HEADER_CONTENT_TYPE) },
		{ "CONTENT_LENGTH", length },
		{ "HTTP_ACCEPT", S_header(c, MHD_HTTP_HEADER_ACCEPT) },
		{ "HTTP_USER_AGENT", S_header(c, MHD_HTTP_HEADER_USER_AGENT) },
		{ "REMOTE_ADDR", remote },
	};
	struct serve_fcgi_reply reply;
	enum serve_fcgi_status st = serve_fcgi_request(s->o->fcgi_socket, params, sizeof params / sizeof *params,
						       rq->body.ptr, rq->body.len, 0, 0, &reply);
	if (st != SERVE_FCGI_OK) {
		serve_fcgi_reply_free(&reply);
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "hhd-fcgi on '%s': %s", s->o->fcgi_socket, serve_fcgi_strerror(st));
		enum MHD_Result ret = S_reply_msg(c, st == SERVE_FCGI_TIMEOUT ? 504 : 502,
						  st == SERVE_FCGI_TIMEOUT ? "Gateway Timeout" : "Bad Gateway", msg.ptr);
		buf_free(&msg);
		return ret;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(reply.out.len - reply.body,
								  reply.out.ptr + reply.body, MHD_RESPMEM_MUST_COPY);
	if (!r) {
		serve_fcgi_reply_free(&reply);
		return MHD_NO;
	}
	S_headers(r, NULL);
	static const char *const hop[] = { "Connection", "Transfer-Encoding", "Content-Length", "Keep-Alive" };
	for (size_t i = 0; i < reply.nhdr; i++) {
		int skip = 0;
		for (size_t k = 0; k < sizeof hop / sizeof *hop; k++)
			skip |= strcasecmp(reply.hdr[i].name, hop[k]) == 0;
		if (!skip)
			MHD_add_response_header(r, reply.hdr[i].name, reply.hdr[i].value);
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)reply.status, r);
	MHD_destroy_response(r);
	serve_fcgi_reply_free(&reply);
	return ret;
}

/* ---- libmicrohttpd callbacks ---- */

static void *S_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct request *rq = xcalloc(1, sizeof *rq);
	rq->uri = xstrdup(uri);
	buf_init(&rq->body);
	return rq;
}

static void S_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode tc)
{
	struct request *rq = *con_cls;
	if (!rq)
		return;
	free(rq->uri);
	buf_free(&rq->body);
	free(rq);
	*con_cls = NULL;
}

static int S_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

static enum MHD_Result S_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				const char *version, const char *data, size_t *size, void **con_cls)
{
	struct serve *s = cls;
	struct request *rq = *con_cls;
	if (!rq)
		return MHD_NO;
	const char *raw = rq->uri;
	size_t plen = strcspn(raw, "?");
	if (S_prefix(raw, plen, SERVE_API_PREFIX) || (plen == 4 && memcmp(raw, "/api", 4) == 0))
		return S_api(s, c, rq, url, method, version, data, size);
	if (rq->started) {
		*size = 0; /* a body nobody asked for */
		return MHD_YES;
	}
	rq->started = 1;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "<!doctype html>\n<title>405</title>\n<p>405 Method Not Allowed</p>\n");
		size_t len;
		char *p = buf_detach(&b, &len);
		struct MHD_Response *r = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
		if (!r) {
			free(p);
			return MHD_NO;
		}
		S_headers(r, "text/html; charset=utf-8");
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		enum MHD_Result ret = MHD_queue_response(c, 405, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (S_prefix(raw, plen, SERVE_OWN_PREFIX)) {
		size_t off = strlen(SERVE_OWN_PREFIX);
		for (size_t i = 0; i < sizeof own_routes / sizeof *own_routes; i++)
			if (plen - off == strlen(own_routes[i].name) &&
			    memcmp(raw + off, own_routes[i].name, plen - off) == 0)
				return own_routes[i].fn(s, c);
		return S_reply_msg(c, 404, "Not Found", "no such preview resource");
	}
	return S_file(s, c, raw, plen);
}

/* ---- the listening socket ---- */

static enum serve_status S_listen(const char *host, int port, int *fd_out, int *port_out, int *v6, struct buf *err)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char service[16];
	if (port < 0 || port > 65535) {
		buf_addf(err, "port %d is out of range (0 to 65535)", port);
		return SERVE_ERR_ADDRESS;
	}
	snprintf(service, sizeof service, "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0) {
		buf_addf(err, "'%s' is not a numeric IP address (for example 127.0.0.1 or ::1)", host);
		return SERVE_ERR_ADDRESS;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		buf_addf(err, "cannot open a socket: %s", strerror(errno));
		freeaddrinfo(res);
		return SERVE_ERR_SYSTEM;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* not past a live listener on Linux */
	*v6 = res->ai_family == AF_INET6;
	if (*v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	int rc = bind(fd, res->ai_addr, res->ai_addrlen);
	int e = errno;
	freeaddrinfo(res);
	if (rc != 0 || listen(fd, 64) != 0) {
		if (rc == 0)
			e = errno;
		close(fd);
		if (e == EADDRINUSE) {
			buf_addf(err, "port %d on %s is already in use; stop the other server or choose another "
				 "port with --port", port, host);
			return SERVE_ERR_ADDR_IN_USE;
		}
		if (e == EADDRNOTAVAIL) {
			buf_addf(err, "address '%s' does not belong to this machine", host);
			return SERVE_ERR_ADDRESS;
		}
		buf_addf(err, "cannot listen on %s port %d: %s", host, port, strerror(e));
		return SERVE_ERR_SYSTEM;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	*port_out = port;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							   : ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return SERVE_OK;
}

/* ---- rebuilding ---- */

static void S_rebuild(struct serve *s, const struct serve_hooks *hooks, const char *const *paths, size_t n)
{
	struct diags d;
	diags_init(&d);
	int rc = hooks && hooks->rebuild ? hooks->rebuild(hooks->ctx, paths, n, &d) : 0;
	char *text = NULL;
	if (rc != 0) {
		struct buf b = BUF_INIT;
		diags_text(&d, &b);
		if (!b.len)
			buf_adds(&b, "error: the build failed without a message\n");
		text = buf_detach(&b, NULL);
	}
	diags_free(&d);
	pthread_mutex_lock(&s->lock);
	s->gen++;
	s->failed = rc != 0;
	free(s->diags);
	s->diags = text;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

/* Wait for changes and rebuild until stop_fd; 0, or -1 (errno). */
static int S_loop(struct serve *s, struct watch *w, const struct serve_hooks *hooks)
{
	const struct serve_opts *o = s->o;
	unsigned debounce = o->debounce_ms ? o->debounce_ms : SERVE_DEBOUNCE_MS;
	for (;;) {
		if (!w) {
			struct pollfd p = { o->stop_fd, POLLIN, 0 };
			int r = poll(&p, o->stop_fd >= 0 ? 1 : 0, -1);
			if (r < 0 && errno != EINTR)
				return -1;
			if (r > 0)
				return 0;
			continue;
		}
		struct watch_batch b;
		int r = watch_next(w, o->stop_fd, debounce, SERVE_DEBOUNCE_MAX_MS, &b);
		if (r <= 0)
			return r;
		S_rebuild(s, hooks, (const char *const *)b.paths, b.overflow ? 0 : b.n);
		if (hooks && hooks->warm)
			hooks->warm(hooks->ctx);
		watch_batch_free(&b);
	}
}

enum serve_status serve_run(const struct serve_opts *o, const struct serve_hooks *hooks, struct buf *err)
{
	const char *host = o->bind ? o->bind : SERVE_DEFAULT_BIND;
	int fd, port, v6;
	enum serve_status st = S_listen(host, o->port, &fd, &port, &v6, err);
	if (st != SERVE_OK)
		return st;

	struct serve s = { .o = o };
	s.heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : SERVE_HEARTBEAT_MS;
	s.max_clients = o->max_clients ? o->max_clients : SERVE_MAX_CLIENTS;
	pthread_mutex_init(&s.lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.changed, &ca);
	pthread_condattr_destroy(&ca);

	struct watch *w = NULL;
	struct MHD_Daemon *d = NULL;
	if (o->watch && o->watch[0]) {
		if (!(w = watch_open(0))) {
			buf_addf(err, "cannot watch for changes (inotify): %s", strerror(errno));
			st = SERVE_ERR_SYSTEM;
			goto out;
		}
		for (const char *const *p = o->watch; *p; p++) {
			if (watch_add(w, *p) != 0) {
				buf_addf(err, "cannot watch '%s': %s", *p, strerror(errno));
				st = errno == ENOENT || errno == ENOTDIR ? SERVE_ERR_ROOT : SERVE_ERR_SYSTEM;
				goto out;
			}
		}
	}
	if (o->build_first)
		S_rebuild(&s, hooks, NULL, 0);
	/* Without a site folder there is nothing to serve, unless the first
	 * build failed: then every page is the 404 page with the error panel,
	 * until a good build creates the folder. */
	struct stat rst;
	int exists = stat(o->root, &rst) == 0;
	if ((exists && !S_ISDIR(rst.st_mode)) || (!exists && !s.failed)) {
		buf_addf(err, "the site folder '%s' does not exist", o->root);
		st = SERVE_ERR_ROOT;
		goto out;
	}

	/* Idle connections close after this long; event streams send a
	 * heartbeat well within it. */
	unsigned timeout = 30 + 2 * s.heartbeat_ms / 1000;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | (v6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, S_access, &s,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_URI_LOG_CALLBACK, S_uri_log, &s,
			     MHD_OPTION_NOTIFY_COMPLETED, S_completed, &s,
			     MHD_OPTION_CONNECTION_LIMIT,
			     o->max_connections ? o->max_connections : (unsigned)SERVE_MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, timeout,
			     MHD_OPTION_END);
	if (!d) {
		buf_addf(err, "cannot start the HTTP server on %s port %d", host, port);
		st = SERVE_ERR_SYSTEM;
		goto out;
	}
	fd = -1; /* the daemon owns it now and closes it when stopped */
	if (hooks && hooks->ready)
		hooks->ready(hooks->ctx, port);
	if (hooks && hooks->warm)
		hooks->warm(hooks->ctx);
	if (S_loop(&s, w, hooks) != 0) {
		buf_addf(err, "watching for changes failed: %s", strerror(errno));
		st = SERVE_ERR_SYSTEM;
	}

out:
	pthread_mutex_lock(&s.lock);
	s.stopping = 1;
	pthread_cond_broadcast(&s.changed);
	pthread_mutex_unlock(&s.lock);
	if (d)
		MHD_stop_daemon(d);
	if (fd >= 0)
		close(fd);
	watch_close(w);
	free(s.diags);
	free(s.clients);
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	return st;
}
