/* serve.h: `hhd serve`, the preview server.
 *
 * serve_run() serves the built site folder `root` over HTTP with
 * libmicrohttpd (a thread per connection), watches `watch` folders with
 * inotify, calls hooks->rebuild after each debounced batch of changes and
 * tells open pages to reload through server-sent events.
 *
 * Routes:
 *   /__hhd/events       text/event-stream: "hello" (data: the build
 *                       generation) on connect, then "reload" after each
 *                       successful rebuild and "build-error" after a failed
 *                       one (data: the new generation); a comment line as a
 *                       heartbeat every heartbeat_ms
 *   /__hhd/reload.js    the client script (see serve_inject.h)
 *   /__hhd/preview.css  the error panel's and draft banner's styles
 *   /__hhd/status       JSON {"generation":N,"failed":0|1,"clients":N}
 *   /api/...            FastCGI to fcgi_socket (serve_fcgi.h); without a
 *                       socket, 503 and a page saying the form does not send
 *   anything else       a file of `root` (serve_path.h); HTML pages get the
 *                       additions of serve_inject.h; a missing file the
 *                       site's 404 page (/LANG/404.html, else /404.html)
 *
 * Every reply carries Cache-Control: no-store and the Content-Security-
 * Policy of deploy/nginx/hhd.conf, so the preview breaks where the
 * published site would.
 *
 * The generation counts finished rebuilds; it, the last diagnostics and the
 * event-stream clients are shared between the watching thread and the
 * connection threads, under one mutex. */
#ifndef HHD_SERVE_H
#define HHD_SERVE_H

#include <stddef.h>
#include "buf.h"

struct diags;

#define SERVE_DEFAULT_BIND "127.0.0.1"
#define SERVE_DEFAULT_PORT 1313
#define SERVE_DEBOUNCE_MS 30          /* quiet spell that ends a batch of changes */
#define SERVE_DEBOUNCE_MAX_MS 500     /* a batch ends at the latest this long after its first change */
#define SERVE_HEARTBEAT_MS 15000      /* event-stream heartbeat */
#define SERVE_MAX_CLIENTS 32          /* open event streams; more get 503 */
#define SERVE_MAX_CONNECTIONS 128     /* connections (and so threads) at once; more are closed */
#define SERVE_MAX_HTML (16 * 1024 * 1024) /* an HTML file is read whole to inject into it */

struct serve_hooks {
	void *ctx;
	/* Rebuild the site into `root` after changes to `changed` (n paths, as
	 * watch.h describes; n == 0: unknown, rebuild everything). Report
	 * problems into `out` (empty on entry). Return 0 when `root` holds the
	 * new build, -1 when the build failed (`root` must then keep the last
	 * good build). Called from serve_run's thread only. May be NULL. */
	int (*rebuild)(void *ctx, const char *const changed[], size_t n, struct diags *out);
	/* Called once the server answers, with the port it listens on (useful
	 * with port 0). May be NULL. */
	void (*ready)(void *ctx, int port);
	/* Called after ready and after each rebuild has told the browsers,
	 * before the next change is waited for (on serve_run's thread, so a
	 * change made meanwhile waits until it returns): work that makes the
	 * rebuilds after it faster, which it does once. It changes nothing a
	 * visitor of the preview sees and sends no event. May be NULL. */
	void (*warm)(void *ctx);
};

struct serve_opts {
	const char *bind;            /* numeric IPv4 or IPv6 address; NULL: SERVE_DEFAULT_BIND */
	int port;                    /* 0: a free port chosen by the kernel */
	const char *root;            /* the built site folder */
	const char *const *watch;    /* NULL-terminated folders watched recursively; NULL: none */
	const char *fcgi_socket;     /* hhd-fcgi's Unix socket for /api/; NULL: 503 */
	int stop_fd;                 /* serve_run returns 0 once this is readable or hung up; -1: never */
	int build_first;             /* call rebuild (n == 0) before answering the first request */
	/* Limits and timings; 0 takes the default above. */
	unsigned debounce_ms;
	unsigned heartbeat_ms;
	unsigned max_clients;
	unsigned max_connections;    /* SERVE_MAX_CONNECTIONS */
};

enum serve_status {
	SERVE_OK = 0,
	SERVE_ERR_SYSTEM = -1,       /* socket, thread, inotify or memory failure */
	SERVE_ERR_ADDR_IN_USE = -2,  /* the port is taken: main exits with status 2 */
	SERVE_ERR_ADDRESS = -3,      /* `bind` is not a numeric address, or not on this machine */
	SERVE_ERR_ROOT = -4,         /* `root` (unless the first build failed) or a `watch` folder is missing */
};

/* Run until opts->stop_fd becomes readable. On failure, a one-line
 * message for the user (lowercase, no trailing period) is appended to
 * `err`; nothing is printed. */
enum serve_status serve_run(const struct serve_opts *opts, const struct serve_hooks *hooks, struct buf *err);

#endif
