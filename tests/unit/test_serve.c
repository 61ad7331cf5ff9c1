/* test_serve: the `hhd serve` preview server (generator/serve*.c, watch.c).
 *
 * Pure parts first (path decoding, content types, HTML injection, FastCGI
 * encoding and reply parsing, inotify batches), then the server itself,
 * in-process on a free 127.0.0.1 port, with a stub rebuild hook that turns
 * content/page.txt into site/index.html and a stub FastCGI server on a Unix
 * socket. Every wait is bounded. The time from a file write to the "reload"
 * event is measured and printed. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "fileio.h"
#include "serve.h"
#include "serve_fcgi.h"
#include "serve_inject.h"
#include "serve_path.h"
#include "t.h"
#include "watch.h"
#include "xalloc.h"

#define WAIT_MS 5000 /* the bound on any one wait for the server */

static char tmp[64];

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_ms_f(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static const char *path_in(const char *rel)
{
	static _Thread_local char p[8][512]; /* the stub build runs on the server's thread */
	static _Thread_local int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "%s/%s", tmp, rel);
	return p[k];
}

static void put(const char *rel, const char *text)
{
	if (file_write(path_in(rel), text, strlen(text)) != 0) {
		fprintf(stderr, "cannot write %s\n", rel);
		exit(1);
	}
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- serve_path ---- */

static void test_path(void)
{
	static const struct {
		const char *raw;
		enum serve_path_status st;
		const char *clean;
		int dir;
	} cases[] = {
		{ "/", SERVE_PATH_OK, "", 1 },
		{ "/a/b.html", SERVE_PATH_OK, "a/b.html", 0 },
		{ "/a//b/", SERVE_PATH_OK, "a/b", 1 },
		{ "/a%20b", SERVE_PATH_OK, "a b", 0 },
		{ "/caf%C3%A9.html", SERVE_PATH_OK, "caf\xc3\xa9.html", 0 },
		{ "/x/hhd-manifest.tsv", SERVE_PATH_OK, "x/hhd-manifest.tsv", 0 },
		{ "/a..b", SERVE_PATH_OK, "a..b", 0 },
		{ "/../x", SERVE_PATH_BAD, NULL, 0 },
		{ "/a/../x", SERVE_PATH_BAD, NULL, 0 },
		{ "/a/..", SERVE_PATH_BAD, NULL, 0 },
		{ "/./x", SERVE_PATH_BAD, NULL, 0 },
		{ "/%2e%2e/x", SERVE_PATH_BAD, NULL, 0 },
		{ "/%2E%2e/x", SERVE_PATH_BAD, NULL, 0 },
		{ "/.%2e/x", SERVE_PATH_BAD, NULL, 0 },
		{ "/..%2fx", SERVE_PATH_BAD, NULL, 0 },
		{ "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%2fb", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%2Fb", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%00b", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%0ab", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%7f", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%zz", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%2", SERVE_PATH_BAD, NULL, 0 },
		{ "/a%", SERVE_PATH_BAD, NULL, 0 },
		{ "a", SERVE_PATH_BAD, NULL, 0 },
		{ "", SERVE_PATH_BAD, NULL, 0 },
		{ "/.git/config", SERVE_PATH_HIDDEN, "", 0 },
		{ "/a/.env", SERVE_PATH_HIDDEN, "", 0 },
		{ "/%2egit/config", SERVE_PATH_HIDDEN, "", 0 },
		{ "/hhd-manifest.tsv", SERVE_PATH_HIDDEN, "", 0 },
	};
	struct buf clean = BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int dir = -1;
		enum serve_path_status st = serve_path_parse(cases[i].raw, strlen(cases[i].raw), &clean, &dir);
		if (st != cases[i].st)
			fprintf(stderr, "path '%s': status %d, want %d\n", cases[i].raw, st, cases[i].st);
		T_CHECK(st == cases[i].st);
		if (cases[i].st == SERVE_PATH_OK) {
			T_STREQ(clean.ptr, cases[i].clean);
			T_CHECK(dir == cases[i].dir);
		}
	}
	/* a raw NUL inside the given length */
	T_CHECK(serve_path_parse("/a\0b", 4, &clean, &(int){ 0 }) == SERVE_PATH_BAD);

	/* SERVE_PATH_MAX decoded bytes, at and past the edge */
	struct buf raw = BUF_INIT;
	buf_addch(&raw, '/');
	while (raw.len < SERVE_PATH_MAX + 1)
		buf_addch(&raw, 'a');
	int dir;
	T_CHECK(serve_path_parse(raw.ptr, raw.len, &clean, &dir) == SERVE_PATH_OK);
	T_CHECK(clean.len == SERVE_PATH_MAX);
	buf_addch(&raw, 'a');
	T_CHECK(serve_path_parse(raw.ptr, raw.len, &clean, &dir) == SERVE_PATH_BAD);

	/* SERVE_PATH_MAX_SEGMENTS, at and past the edge */
	buf_reset(&raw);
	for (int i = 0; i < SERVE_PATH_MAX_SEGMENTS; i++)
		buf_adds(&raw, "/s");
	T_CHECK(serve_path_parse(raw.ptr, raw.len, &clean, &dir) == SERVE_PATH_OK);
	buf_adds(&raw, "/s");
	T_CHECK(serve_path_parse(raw.ptr, raw.len, &clean, &dir) == SERVE_PATH_BAD);
	buf_free(&raw);
	buf_free(&clean);

	T_STREQ(serve_mime("a.css"), "text/css; charset=utf-8");
	T_STREQ(serve_mime("A.HTML"), "text/html; charset=utf-8");
	T_STREQ(serve_mime("logo.svg"), "image/svg+xml");
	T_STREQ(serve_mime("x.woff2"), "font/woff2");
	T_STREQ(serve_mime("README"), "application/octet-stream");
	T_STREQ(serve_mime("a.tar.gz"), "application/octet-stream");
	T_CHECK(serve_mime_is_html(serve_mime("index.html")));
	T_CHECK(!serve_mime_is_html(serve_mime("index.txt")));
}

/* ---- serve_inject ---- */

static char *inject(const char *html, unsigned long gen, const char *diags)
{
	struct buf out = BUF_INIT;
	struct serve_inject in = { gen, diags };
	serve_inject_html(&out, html, strlen(html), &in);
	return buf_detach(&out, NULL);
}

static void test_inject(void)
{
	char *s = inject("<!doctype html><html lang=\"nl\"><body><p>x</p></body></html>", 7, NULL);
	T_STREQ(s, "<!doctype html><html lang=\"nl\"><body><p>x</p>"
		   "<script src=\"/__hhd/reload.js\" data-hhd-gen=\"7\"></script>\n</body></html>");
	free(s);

	/* case, attributes, the last </body>, no body at all */
	s = inject("<HTML><BODY class=\"a\"><script>var t = \"</body>\";</script></BODY></HTML>", 1, NULL);
	T_CHECK(strstr(s, "\";</script><script src=\"/__hhd/reload.js\" data-hhd-gen=\"1\"></script>\n</BODY>") != NULL);
	free(s);
	s = inject("<p>bare</p>", 2, NULL);
	T_STREQ(s, "<p>bare</p><script src=\"/__hhd/reload.js\" data-hhd-gen=\"2\"></script>\n");
	free(s);
	s = inject("<bodyguard><p>x</p>", 2, "a:1:1: error: e\n");
	T_CHECK(strncmp(s, "\n<link rel=\"stylesheet\"", 23) == 0); /* <bodyguard> is no body */
	free(s);

	/* the error panel: escaped, right after <body>, above the page */
	s = inject("<html lang=\"nl\"><head></head><body class=\"x\"><main>GOOD</main></body></html>", 3,
		   "content/nl/tips/a.md:4:2: error: unknown key '<b>' & \"x\"\nsite.yaml:1:1: warning: w\n");
	const char *panel = strstr(s, "<section class=\"hhd-preview hhd-preview-errors\"");
	T_CHECK(panel != NULL);
	T_CHECK(strstr(s, "<body class=\"x\">\n<link rel=\"stylesheet\" href=\"/__hhd/preview.css\">\n<section") != NULL);
	T_CHECK(strstr(s, "<li><code>content/nl/tips/a.md:4:2: error: unknown key &#39;&lt;b&gt;&#39; &amp; "
			  "&quot;x&quot;</code></li>") != NULL);
	T_CHECK(strstr(s, "<li><code>site.yaml:1:1: warning: w</code></li>") != NULL);
	T_CHECK(strstr(s, "'<b>'") == NULL);
	T_CHECK(panel && strstr(s, "GOOD") > panel);
	T_CHECK(strstr(s, "De site kon niet worden gebouwd") != NULL);
	free(s);
	s = inject("<html lang=\"en-GB\"><body>x</body></html>", 3, "a:1:1: error: e\n");
	T_CHECK(strstr(s, "The site could not be built") != NULL);
	free(s);
	s = inject("<html lang=\"eng\"><body>x</body></html>", 3, "a:1:1: error: e\n");
	T_CHECK(strstr(s, "De site kon niet worden gebouwd") != NULL);
	free(s);

	/* SERVE_PANEL_MAX_DIAGS lines listed, at and past the edge */
	struct buf many = BUF_INIT;
	for (int i = 0; i < SERVE_PANEL_MAX_DIAGS; i++)
		buf_addf(&many, "f.md:%d:1: error: e\n", i + 1);
	s = inject("<body>x</body>", 1, many.ptr);
	T_CHECK(count_of(s, "<li>") == SERVE_PANEL_MAX_DIAGS);
	T_CHECK(strstr(s, "en nog") == NULL);
	free(s);
	buf_adds(&many, "f.md:99:1: error: e\nf.md:100:1: error: e\n");
	s = inject("<body>x</body>", 1, many.ptr);
	T_CHECK(count_of(s, "<li>") == SERVE_PANEL_MAX_DIAGS);
	T_CHECK(strstr(s, "<p>en nog 2 meldingen</p>") != NULL);
	T_CHECK(strstr(s, "f.md:99:1") == NULL);
	free(s);
	buf_free(&many);

	/* the draft marker: in the head only */
	const char *draft = "<html lang=\"en\"><head><META NAME=\"hhd-draft\" content=\"\"></head><body>x</body></html>";
	T_CHECK(serve_html_is_draft(draft, strlen(draft)));
	s = inject(draft, 1, NULL);
	T_CHECK(strstr(s, "<p class=\"hhd-preview hhd-preview-draft\" lang=\"en\">Draft: this page is not published.</p>")
		!= NULL);
	free(s);
	const char *not_draft = "<html><head></head><body><meta name=\"hhd-draft\"></body></html>";
	T_CHECK(!serve_html_is_draft(not_draft, strlen(not_draft)));
	s = inject("<html><head><meta name=\"hhd-draft\" content=\"\"></head><body>x</body></html>", 1, NULL);
	T_CHECK(strstr(s, "Concept: deze pagina wordt niet gepubliceerd.") != NULL);
	free(s);
}

/* ---- serve_fcgi: encoding and reply parsing ---- */

static void test_fcgi_format(void)
{
	char longv[200];
	memset(longv, 'v', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	struct serve_fcgi_param p[] = { { "ABC", "xy" }, { "L", longv } };
	struct buf b = BUF_INIT;
	serve_fcgi_encode_params(&b, p, 2);
	T_CHECK(b.len == 2 + 3 + 2 + 1 + 4 + 1 + 199);
	T_CHECK(memcmp(b.ptr, "\x03\x02" "ABCxy\x01", 8) == 0);
	T_CHECK(memcmp(b.ptr + 8, "\x80\x00\x00\xc7L", 5) == 0);
	buf_free(&b);

	struct serve_fcgi_reply r = { 0 };
	buf_adds(&r.out, "Status: 303 See Other\r\nLocation: /bedankt/\r\nContent-Type: text/html\r\n\r\nbody");
	T_CHECK(serve_fcgi_parse_reply(&r) == 0);
	T_CHECK(r.status == 303);
	T_CHECK(r.nhdr == 2);
	T_STREQ(r.hdr[0].name, "Location");
	T_STREQ(r.hdr[0].value, "/bedankt/");
	T_STREQ(r.out.ptr + r.body, "body");
	serve_fcgi_reply_free(&r);

	memset(&r, 0, sizeof r);
	buf_adds(&r.out, "Location: /x\n\n");
	T_CHECK(serve_fcgi_parse_reply(&r) == 0 && r.status == 302);
	serve_fcgi_reply_free(&r);

	static const char *const bad[] = { "Content-Type: text/plain\r\n", "no colon\r\n\r\n", ": v\r\n\r\n",
					   "Status: abc\r\n\r\n", "Status: 99\r\n\r\n", "X: a\001b\r\n\r\n",
					   "Bad Name: v\r\n\r\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&r, 0, sizeof r);
		buf_adds(&r.out, bad[i]);
		T_CHECK(serve_fcgi_parse_reply(&r) == -1);
		serve_fcgi_reply_free(&r);
	}
	/* SERVE_FCGI_MAX_HEADERS, at and past the edge */
	for (int extra = 0; extra < 2; extra++) {
		memset(&r, 0, sizeof r);
		for (int i = 0; i < SERVE_FCGI_MAX_HEADERS + extra; i++)
			buf_addf(&r.out, "X-H%d: %d\r\n", i, i);
		buf_adds(&r.out, "\r\n");
		T_CHECK(serve_fcgi_parse_reply(&r) == (extra ? -1 : 0));
		serve_fcgi_reply_free(&r);
	}
}

/* ---- a stub FastCGI server ---- */

enum stub_mode { STUB_ECHO, STUB_SLOW, STUB_BIG, STUB_GARBAGE };

static struct {
	pthread_mutex_t m;
	enum stub_mode mode;   /* guarded */
	size_t big;            /* guarded: STDOUT bytes in STUB_BIG */
	int lfd;
	int quit;              /* guarded */
	char path[128];
	pthread_t t;
} stub = { .m = PTHREAD_MUTEX_INITIALIZER };

static int read_full(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static void write_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void stub_record(int fd, int type, const char *data, size_t len, int pad)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1, (unsigned char)(len >> 8), (unsigned char)len,
			       (unsigned char)pad, 0 };
	write_full(fd, h, 8);
	write_full(fd, data, len);
	static const char zeros[8];
	write_full(fd, zeros, (size_t)pad);
}

static void stub_stdout(int fd, const char *data, size_t len)
{
	for (size_t off = 0; off < len;) {
		size_t n = len - off > 60000 ? 60000 : len - off;
		stub_record(fd, 6, data + off, n, (int)((8 - n % 8) % 8));
		off += n;
	}
}

/* Serve one connection: read BEGIN, PARAMS and STDIN, answer by mode. */
static void stub_one(int fd)
{
	struct buf params = BUF_INIT, in = BUF_INIT;
	unsigned char h[8];
	static unsigned char content[65535 + 255];
	for (;;) {
		if (read_full(fd, h, 8) != 0)
			goto done;
		size_t clen = (size_t)h[4] << 8 | h[5];
		if (read_full(fd, content, clen + h[6]) != 0)
			goto done;
		if (h[1] == 4)
			buf_add(&params, content, clen);
		if (h[1] == 5) {
			if (clen == 0)
				break;
			buf_add(&in, content, clen);
		}
	}
	pthread_mutex_lock(&stub.m);
	enum stub_mode mode = stub.mode;
	size_t big = stub.big;
	pthread_mutex_unlock(&stub.m);
	struct buf out = BUF_INIT;
	if (mode == STUB_SLOW) {
		sleep_ms(700);
		goto done;
	}
	if (mode == STUB_GARBAGE) {
		buf_adds(&out, "this is not a CGI reply");
	} else if (mode == STUB_BIG) {
		buf_adds(&out, "Content-Type: text/plain\r\n\r\n");
		while (out.len < big)
			buf_addch(&out, 'x');
	} else {
		buf_adds(&out, "Status: 201 Created\r\nContent-Type: text/plain\r\nX-Seen: yes\r\nConnection: x\r\n\r\n");
		/* the params, decoded, one per line */
		const unsigned char *p = (const unsigned char *)params.ptr, *e = p + params.len;
		while (p < e) {
			size_t len[2];
			for (int k = 0; k < 2; k++) {
				if (*p & 0x80) {
					len[k] = ((size_t)(p[0] & 0x7f) << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
					p += 4;
				} else {
					len[k] = *p++;
				}
			}
			buf_add(&out, p, len[0]);
			buf_addch(&out, '=');
			buf_add(&out, p + len[0], len[1]);
			buf_addch(&out, '\n');
			p += len[0] + len[1];
		}
		buf_addf(&out, "stdin=%zu\n", in.len);
		int same = 1;
		for (size_t i = 0; i < in.len; i++)
			same &= in.ptr[i] == (char)('a' + i % 26);
		buf_addf(&out, "stdin-pattern=%d\n", same);
	}
	stub_record(fd, 7, "a warning", 9, 7); /* STDERR, dropped by the client */
	stub_stdout(fd, out.ptr, out.len);
	stub_record(fd, 6, "", 0, 0);
	stub_record(fd, 3, "\0\0\0\0\0\0\0\0", 8, 0);
	buf_free(&out);
done:
	buf_free(&params);
	buf_free(&in);
	close(fd);
}

static void *stub_main(void *arg)
{
	for (;;) {
		int fd = accept(stub.lfd, NULL, NULL);
		pthread_mutex_lock(&stub.m);
		int quit = stub.quit;
		pthread_mutex_unlock(&stub.m);
		if (quit) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		if (fd >= 0)
			stub_one(fd);
	}
}

static void stub_start(void)
{
	snprintf(stub.path, sizeof stub.path, "%s/fcgi.sock", tmp);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, stub.path);
	stub.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(stub.lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(stub.lfd, 8) != 0) {
		perror("stub");
		exit(1);
	}
	pthread_create(&stub.t, NULL, stub_main, NULL);
}

static void stub_set(enum stub_mode mode, size_t big)
{
	pthread_mutex_lock(&stub.m);
	stub.mode = mode;
	stub.big = big;
	pthread_mutex_unlock(&stub.m);
}

static void stub_stop(void)
{
	pthread_mutex_lock(&stub.m);
	stub.quit = 1;
	pthread_mutex_unlock(&stub.m);
	/* wake accept() with one last connection */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, stub.path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(fd, (struct sockaddr *)&sa, sizeof sa);
	pthread_join(stub.t, NULL);
	close(fd);
	close(stub.lfd);
}

static void test_fcgi_client(void)
{
	struct serve_fcgi_param p[] = { { "REQUEST_METHOD", "POST" }, { "DOCUMENT_URI", "/api/contact" } };
	struct serve_fcgi_reply r;
	/* a body over one record's 65535 bytes */
	struct buf body = BUF_INIT;
	for (size_t i = 0; i < 70000; i++)
		buf_addch(&body, 'a' + (int)(i % 26));
	stub_set(STUB_ECHO, 0);
	T_CHECK(serve_fcgi_request(stub.path, p, 2, body.ptr, body.len, 2000, 0, &r) == SERVE_FCGI_OK);
	T_CHECK(r.status == 201);
	T_CHECK(strstr(r.out.ptr + r.body, "REQUEST_METHOD=POST\nDOCUMENT_URI=/api/contact\n") != NULL);
	T_CHECK(strstr(r.out.ptr + r.body, "stdin=70000\nstdin-pattern=1\n") != NULL);
	serve_fcgi_reply_free(&r);
	buf_free(&body);

	/* the reply limit, at and past the edge */
	stub_set(STUB_BIG, 1000);
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 2000, 1000, &r) == SERVE_FCGI_OK);
	T_CHECK(r.out.len == 1000);
	serve_fcgi_reply_free(&r);
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 2000, 999, &r) == SERVE_FCGI_TOO_BIG);
	serve_fcgi_reply_free(&r);
	stub_set(STUB_BIG, 200000); /* several STDOUT records */
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 2000, 0, &r) == SERVE_FCGI_OK);
	T_CHECK(r.out.len == 200000);
	serve_fcgi_reply_free(&r);

	/* the time limit: the stub waits 700 ms before hanging up */
	stub_set(STUB_SLOW, 0);
	long long t0 = now_ms();
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 200, 0, &r) == SERVE_FCGI_TIMEOUT);
	T_CHECK(now_ms() - t0 < 650);
	serve_fcgi_reply_free(&r);
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 2000, 0, &r) == SERVE_FCGI_IO);
	serve_fcgi_reply_free(&r);

	stub_set(STUB_GARBAGE, 0);
	T_CHECK(serve_fcgi_request(stub.path, p, 2, NULL, 0, 2000, 0, &r) == SERVE_FCGI_BAD_REPLY);
	serve_fcgi_reply_free(&r);
	T_CHECK(serve_fcgi_request(path_in("no-such.sock"), p, 2, NULL, 0, 2000, 0, &r) == SERVE_FCGI_CONNECT);
	serve_fcgi_reply_free(&r);
	stub_set(STUB_ECHO, 0);
}

/* ---- watch ---- */

static int batch_has(const struct watch_batch *b, const char *path)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->paths[i], path) == 0)
			return 1;
	return 0;
}

static void *steady_writer(void *arg)
{
	for (int i = 0; i < 30; i++) {
		put("w/a/x.md", "again");
		sleep_ms(20);
	}
	return NULL;
}

static void test_watch(void)
{
	dir_make(path_in("w/a"));
	dir_make(path_in("w/.git"));
	struct watch *w = watch_open(0);
	T_CHECK(w != NULL);
	if (!w)
		return;
	T_CHECK(watch_add(w, path_in("w")) == 0);
	T_CHECK(watch_count(w) == 2); /* w and w/a; dot folders are not watched */
	T_CHECK(watch_add(w, path_in("nope")) == -1 && errno == ENOENT);
	T_CHECK(watch_add(w, path_in("stub.txt")) == -1);

	struct watch_batch b;
	/* scratch files alone make no batch; one real file among them does */
	put("w/a/.x.md.swp", "s");
	put("w/a/x.md~", "s");
	put("w/.git/HEAD", "s");
	put("w/a/x.md", "1");
	put("w/a/x.md", "2");
	T_CHECK(watch_next(w, -1, 30, 500, &b) == 1);
	T_CHECK(b.n == 1 && !b.overflow && batch_has(&b, path_in("w/a/x.md")));
	watch_batch_free(&b);

	/* a new folder with a file, a new folder inside it at once, and a file there */
	dir_make(path_in("w/b/c"));
	put("w/b/c/y.md", "y");
	T_CHECK(watch_next(w, -1, 50, 500, &b) == 1);
	T_CHECK(batch_has(&b, path_in("w/b/c/y.md")));
	watch_batch_free(&b);
	T_CHECK(watch_count(w) == 4);
	put("w/b/c/z.md", "z");
	T_CHECK(watch_next(w, -1, 30, 500, &b) == 1);
	T_CHECK(b.n == 1 && batch_has(&b, path_in("w/b/c/z.md")));
	watch_batch_free(&b);
	/* deletion and rename count */
	unlink(path_in("w/b/c/z.md"));
	rename(path_in("w/b/c/y.md"), path_in("w/a/y2.md"));
	T_CHECK(watch_next(w, -1, 30, 500, &b) == 1);
	T_CHECK(b.n == 3 && batch_has(&b, path_in("w/b/c/z.md")) && batch_has(&b, path_in("w/b/c/y.md")) &&
		batch_has(&b, path_in("w/a/y2.md")));
	watch_batch_free(&b);

	/* a steady stream of writes (600 ms of them) still ends in a batch by max_wait_ms */
	pthread_t writer;
	pthread_create(&writer, NULL, steady_writer, NULL);
	long long t0 = now_ms();
	T_CHECK(watch_next(w, -1, 100, 150, &b) == 1);
	long long took = now_ms() - t0;
	T_CHECK(took < 450);
	watch_batch_free(&b);
	pthread_join(writer, NULL);
	T_CHECK(watch_next(w, -1, 30, 500, &b) == 1); /* the rest of the stream */
	T_CHECK(b.n == 1);
	watch_batch_free(&b);

	/* a save (written and closed) ends its batch after WATCH_SETTLE_MS, not
	 * the whole debounce; a file still open for writing waits for it */
	t0 = now_ms();
	put("w/a/x.md", "saved");
	T_CHECK(watch_next(w, -1, 400, 1000, &b) == 1);
	took = now_ms() - t0;
	T_CHECK(b.n == 1 && took < 300);
	watch_batch_free(&b);
	int wfd = open(path_in("w/a/x.md"), O_WRONLY | O_TRUNC);
	T_CHECK(wfd >= 0 && write(wfd, "half", 4) == 4);
	t0 = now_ms();
	T_CHECK(watch_next(w, -1, 200, 1000, &b) == 1);
	took = now_ms() - t0;
	T_CHECK(b.n == 1 && batch_has(&b, path_in("w/a/x.md")) && took >= 200);
	watch_batch_free(&b);
	close(wfd); /* the close is a change of its own */
	T_CHECK(watch_next(w, -1, 400, 1000, &b) == 1);
	T_CHECK(b.n == 1);
	watch_batch_free(&b);

	/* stop_fd */
	int p[2];
	T_CHECK(pipe(p) == 0);
	T_CHECK(write(p[1], "x", 1) == 1);
	T_CHECK(watch_next(w, p[0], 30, 500, &b) == 0);
	close(p[0]);
	close(p[1]);
	watch_close(w);

	/* the batch limit, at and past the edge */
	w = watch_open(3);
	T_CHECK(watch_add(w, path_in("w")) == 0);
	put("w/a/1.md", "1");
	put("w/a/2.md", "2");
	put("w/a/3.md", "3");
	put("w/a/3.md", "3 again"); /* a repeat does not count */
	T_CHECK(watch_next(w, -1, 40, 500, &b) == 1);
	T_CHECK(b.n == 3 && !b.overflow);
	watch_batch_free(&b);
	put("w/a/1.md", "1");
	put("w/a/2.md", "2");
	put("w/a/3.md", "3");
	put("w/a/4.md", "4");
	T_CHECK(watch_next(w, -1, 40, 500, &b) == 1);
	T_CHECK(b.n == 0 && b.overflow);
	watch_batch_free(&b);
	watch_close(w);

	/* WATCH_MAX_DEPTH, at and past the edge */
	struct buf deep = BUF_INIT;
	buf_adds(&deep, path_in("deep"));
	for (int i = 0; i < WATCH_MAX_DEPTH + 1; i++)
		buf_adds(&deep, "/d");
	T_CHECK(dir_make(deep.ptr) == 0);
	w = watch_open(0);
	T_CHECK(watch_add(w, path_in("deep")) == 0);
	T_CHECK(watch_count(w) == WATCH_MAX_DEPTH + 1);
	watch_close(w);
	buf_free(&deep);

	T_CHECK(watch_ignored(".#a.md") && watch_ignored("#a.md#") && watch_ignored("4913") &&
		watch_ignored("a.md.tmp") && !watch_ignored("a.md") && !watch_ignored("tmp"));
}

/* ---- an HTTP client for tests ---- */

struct reply {
	int status;
	struct buf head; /* status line and headers */
	struct buf body;
};

static int http_wait_ms = WAIT_MS; /* the bound on one whole reply */

static int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send `req` as is and read the reply until the server closes (HTTP/1.0). */
static int http_raw(int port, const char *req, size_t reqlen, struct reply *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->head);
	buf_init(&r->body);
	int fd = tcp_connect(port);
	if (fd < 0)
		return -1;
	write_full(fd, req, reqlen);
	struct buf all = BUF_INIT;
	long long due = now_ms() + http_wait_ms;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = (int)(due - now_ms());
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		char chunk[8192];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n <= 0)
			break;
		buf_add(&all, chunk, (size_t)n);
	}
	close(fd);
	const char *sep = strstr(all.ptr, "\r\n\r\n");
	if (sscanf(all.ptr, "HTTP/1.%*d %d", &r->status) != 1 || !sep) {
		buf_free(&all);
		return -1;
	}
	buf_add(&r->head, all.ptr, (size_t)(sep - all.ptr) + 2);
	buf_add(&r->body, sep + 4, all.len - (size_t)(sep + 4 - all.ptr));
	buf_free(&all);
	return 0;
}

static int http(int port, const char *method, const char *target, const char *extra, const char *body,
		struct reply *r)
{
	struct buf req = BUF_INIT;
	buf_addf(&req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s", method, target, extra ? extra : "");
	if (body)
		buf_addf(&req, "Content-Length: %zu\r\n", strlen(body));
	buf_adds(&req, "\r\n");
	if (body)
		buf_adds(&req, body);
	int rc = http_raw(port, req.ptr, req.len, r);
	buf_free(&req);
	return rc;
}

static void reply_free(struct reply *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
}

/* The value of header `name` in a reply head ("" when absent); static. */
static const char *header(const struct reply *r, const char *name)
{
	static char v[512];
	v[0] = '\0';
	for (const char *p = r->head.ptr; (p = strstr(p, "\r\n")); p += 2) {
		size_t n = strlen(name);
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			const char *s = p + 3 + n;
			while (*s == ' ')
				s++;
			size_t len = strcspn(s, "\r");
			snprintf(v, sizeof v, "%.*s", (int)len, s);
			break;
		}
	}
	return v;
}

static int get_status(int port, const char *target)
{
	struct reply r;
	if (http(port, "GET", target, NULL, NULL, &r) != 0)
		return -1;
	int st = r.status;
	if (strstr(r.body.ptr, "TOPSECRET")) {
		fprintf(stderr, "%s leaked the secret\n", target);
		st = -2;
	}
	reply_free(&r);
	return st;
}

/* An open event stream: its socket and what came so far. */
struct sse {
	int fd;
	struct buf got;
	size_t seen; /* up to where events were matched */
};

static int sse_open(struct sse *s, int port)
{
	buf_init(&s->got);
	s->seen = 0;
	s->fd = tcp_connect(port);
	if (s->fd < 0)
		return -1;
	const char *req = "GET /__hhd/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
	write_full(s->fd, req, strlen(req));
	return 0;
}

/* Wait up to `ms` for `want` after what was matched before; 1 when found
 * (then matched up to its end), 0 on timeout, -1 when the stream ended. */
static int sse_wait(struct sse *s, const char *want, int ms)
{
	long long due = now_ms() + ms;
	for (;;) {
		const char *hit = strstr(s->got.ptr + s->seen, want);
		if (hit) {
			s->seen = (size_t)(hit - s->got.ptr) + strlen(want);
			return 1;
		}
		int left = (int)(due - now_ms());
		if (left <= 0)
			return 0;
		struct pollfd p = { s->fd, POLLIN, 0 };
		if (poll(&p, 1, left) <= 0)
			return 0;
		char chunk[4096];
		ssize_t n = read(s->fd, chunk, sizeof chunk);
		if (n <= 0)
			return -1;
		buf_add(&s->got, chunk, (size_t)n);
	}
}

static void sse_close(struct sse *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->got);
}

/* ---- the server in a thread, with a stub rebuild ---- */

struct server {
	struct serve_opts o;
	struct serve_hooks h;
	const char *watch[2];
	char root[256], content[256];
	int stop[2];
	pthread_t t;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int port, ready, done;       /* guarded by m */
	enum serve_status rc;        /* guarded by m */
	struct buf err;
	/* the stub rebuild's record, guarded by m */
	int rebuilds;
	char last_changed[512];
	size_t last_n;
};

/* The stub build: content/page.txt into site/index.html; a page.txt with
 * "BROKEN" fails with a diagnostic (holding HTML to escape) and leaves
 * the site alone. */
static int stub_rebuild(void *ctx, const char *const changed[], size_t n, struct diags *out)
{
	struct server *sv = ctx;
	pthread_mutex_lock(&sv->m);
	sv->rebuilds++;
	sv->last_n = n;
	snprintf(sv->last_changed, sizeof sv->last_changed, "%s", n ? changed[0] : "");
	pthread_mutex_unlock(&sv->m);
	struct buf src = BUF_INIT;
	if (file_read(path_in("content/page.txt"), 1 << 20, &src) != FILE_OK) {
		diag_at(out, D_IO, "content/page.txt", 0, 0, "content/page.txt", strerror(errno));
		buf_free(&src);
		return -1;
	}
	if (strstr(src.ptr, "BROKEN")) {
		diag_at(out, D_YAML_SYNTAX, "content/page.txt", 3, 7, "found <script>alert(1)</script> & more");
		buf_free(&src);
		return -1;
	}
	dir_make(sv->root);
	struct buf page = BUF_INIT;
	buf_addf(&page, "<!doctype html>\n<html lang=\"nl\">\n<head><title>t</title></head>\n<body>\n<main>%s</main>\n"
		 "</body>\n</html>\n", src.ptr);
	char index[300];
	snprintf(index, sizeof index, "%s/index.html", sv->root);
	int rc = file_write_atomic(index, page.ptr, page.len);
	buf_free(&page);
	buf_free(&src);
	return rc;
}

static void stub_ready(void *ctx, int port)
{
	struct server *sv = ctx;
	pthread_mutex_lock(&sv->m);
	sv->port = port;
	sv->ready = 1;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->m);
}

static void *server_main(void *arg)
{
	struct server *sv = arg;
	enum serve_status rc = serve_run(&sv->o, &sv->h, &sv->err);
	pthread_mutex_lock(&sv->m);
	sv->rc = rc;
	sv->done = 1;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->m);
	return NULL;
}

/* A port from scripts/free-port, or 0 (the kernel's choice) without it. */
static int free_port(void)
{
	const char *src = getenv("HHD_SRC");
	if (!src)
		return 0;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "%s/scripts/free-port", src);
	FILE *f = popen(cmd, "r");
	int port = 0;
	if (f) {
		if (fscanf(f, "%d", &port) != 1)
			port = 0;
		pclose(f);
	}
	return port;
}

/* Start a server; 0 once it answers, -1 when serve_run ended first. */
static int server_start(struct server *sv, const char *fcgi, int port)
{
	if (!sv->root[0])
		snprintf(sv->root, sizeof sv->root, "%s/site", tmp);
	snprintf(sv->content, sizeof sv->content, "%s/content", tmp);
	sv->watch[0] = sv->content;
	sv->watch[1] = NULL;
	if (pipe(sv->stop) != 0)
		return -1;
	unsigned max_connections = sv->o.max_connections;
	const char *bind = sv->o.bind;
	sv->o = (struct serve_opts){ .port = port, .root = sv->root, .watch = sv->watch, .fcgi_socket = fcgi,
				     .stop_fd = sv->stop[0], .build_first = 1, .heartbeat_ms = 300, .max_clients = 3,
				     .max_connections = max_connections, .bind = bind };
	sv->h = (struct serve_hooks){ .ctx = sv, .rebuild = stub_rebuild, .ready = stub_ready };
	pthread_mutex_init(&sv->m, NULL);
	pthread_cond_init(&sv->cv, NULL);
	buf_init(&sv->err);
	pthread_create(&sv->t, NULL, server_main, sv);
	pthread_mutex_lock(&sv->m);
	long long due = now_ms() + WAIT_MS;
	while (!sv->ready && !sv->done && now_ms() < due) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&sv->cv, &sv->m, &ts);
	}
	int ok = sv->ready;
	pthread_mutex_unlock(&sv->m);
	return ok ? 0 : -1;
}

static enum serve_status server_stop(struct server *sv)
{
	if (write(sv->stop[1], "x", 1) != 1)
		perror("stop");
	pthread_join(sv->t, NULL);
	close(sv->stop[0]);
	close(sv->stop[1]);
	pthread_mutex_destroy(&sv->m);
	pthread_cond_destroy(&sv->cv);
	buf_free(&sv->err);
	return sv->rc;
}

static int server_port(struct server *sv)
{
	pthread_mutex_lock(&sv->m);
	int p = sv->port;
	pthread_mutex_unlock(&sv->m);
	return p;
}

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void test_server(void)
{
	dir_make(path_in("site/sub"));
	dir_make(path_in("site/en"));
	dir_make(path_in("content/nl"));
	dir_make(path_in("outside"));
	put("outside/secret.txt", "TOPSECRET\n");
	put("outside/secret.html", "<p>TOPSECRET</p>\n");
	put("site/style.css", "body { color: red; }\n");
	put("site/sub/index.html", "<html><body>SUB</body></html>\n");
	put("site/404.html", "<html lang=\"nl\"><body>NF-ROOT</body></html>\n");
	put("site/en/404.html", "<html lang=\"en\"><body>NF-EN</body></html>\n");
	put("site/.hidden", "TOPSECRET\n");
	put("site/hhd-manifest.tsv", "TOPSECRET\n");
	T_CHECK(symlink("../outside", path_in("site/out")) == 0);
	T_CHECK(symlink("../outside/secret.html", path_in("site/link.html")) == 0);
	T_CHECK(symlink("../outside", path_in("site/sub/up")) == 0);
	put("content/page.txt", "v1");

	struct server sv = { 0 };
	int fds_before = open_fds();
	int started = -1;
	for (int attempt = 0; attempt < 5 && started != 0; attempt++) {
		memset(&sv, 0, sizeof sv);
		started = server_start(&sv, stub.path, free_port());
		if (started != 0) {
			enum serve_status rc = server_stop(&sv);
			fprintf(stderr, "serve_run: %d (retrying)\n", rc);
			if (rc != SERVE_ERR_ADDR_IN_USE)
				break;
		}
	}
	T_CHECK(started == 0);
	if (started != 0)
		return;
	int port = server_port(&sv);
	printf("server on 127.0.0.1:%d\n", port);

	/* a page: the script injected in the reply, not on disk */
	struct reply r;
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200);
	T_STREQ(header(&r, "Content-Type"), "text/html; charset=utf-8");
	T_STREQ(header(&r, "Cache-Control"), "no-store");
	T_CHECK(strstr(header(&r, "Content-Security-Policy"), "script-src 'self'") != NULL);
	T_CHECK(strstr(r.body.ptr, "<main>v1</main>\n<script src=\"/__hhd/reload.js\" data-hhd-gen=\"1\"></script>\n"
			      "</body>") != NULL);
	reply_free(&r);
	struct buf disk = BUF_INIT;
	T_CHECK(file_read(path_in("site/index.html"), 1 << 20, &disk) == FILE_OK);
	T_CHECK(strstr(disk.ptr, "<main>v1</main>") != NULL && strstr(disk.ptr, "__hhd") == NULL);
	buf_free(&disk);

	/* other files, folders, 404 pages, methods */
	T_CHECK(http(port, "GET", "/style.css", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200);
	T_STREQ(header(&r, "Content-Type"), "text/css; charset=utf-8");
	T_STREQ(r.body.ptr, "body { color: red; }\n");
	reply_free(&r);
	T_CHECK(http(port, "GET", "/sub?x=1", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 301);
	T_STREQ(header(&r, "Location"), "/sub/?x=1");
	reply_free(&r);
	T_CHECK(http(port, "GET", "/sub/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && strstr(r.body.ptr, "SUB") && strstr(r.body.ptr, "/__hhd/reload.js"));
	reply_free(&r);
	T_CHECK(http(port, "GET", "/nope/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404 && strstr(r.body.ptr, "NF-ROOT") && strstr(r.body.ptr, "/__hhd/reload.js"));
	reply_free(&r);
	T_CHECK(http(port, "GET", "/en/nope", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404 && strstr(r.body.ptr, "NF-EN"));
	reply_free(&r);
	T_CHECK(http(port, "GET", "/xx/nope", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404 && strstr(r.body.ptr, "NF-ROOT"));
	reply_free(&r);
	T_CHECK(http(port, "GET", "/index.html/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404);
	reply_free(&r);
	T_CHECK(http(port, "HEAD", "/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && r.body.len == 0);
	reply_free(&r);
	T_CHECK(http(port, "POST", "/index.html", NULL, "a=1", &r) == 0);
	T_CHECK(r.status == 405);
	T_STREQ(header(&r, "Allow"), "GET, HEAD");
	reply_free(&r);

	/* paths outside the site */
	static const struct {
		const char *target;
		int status;
	} refused[] = {
		{ "/../outside/secret.txt", 400 },
		{ "/sub/../../outside/secret.txt", 400 },
		{ "/%2e%2e/outside/secret.txt", 400 },
		{ "/%2E%2E%2Foutside%2Fsecret.txt", 400 },
		{ "/sub/..%2f..%2foutside/secret.txt", 400 },
		{ "/sub%2findex.html", 400 },
		{ "/index.html%00.css", 400 },
		{ "/out/secret.txt", 403 },
		{ "/link.html", 403 },
		{ "/sub/up/secret.txt", 403 },
		{ "/out/", 403 },
		{ "/.hidden", 404 },
		{ "/hhd-manifest.tsv", 404 },
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		int st = get_status(port, refused[i].target);
		if (st != refused[i].status)
			fprintf(stderr, "%s: status %d, want %d\n", refused[i].target, st, refused[i].status);
		T_CHECK(st == refused[i].status);
	}

	/* the preview's own files */
	T_CHECK(http(port, "GET", "/__hhd/reload.js", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && strstr(r.body.ptr, "new EventSource(\"/__hhd/events\")"));
	T_STREQ(header(&r, "Content-Type"), "text/javascript; charset=utf-8");
	reply_free(&r);
	T_CHECK(http(port, "GET", "/__hhd/preview.css", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && strstr(r.body.ptr, ".hhd-preview-errors"));
	reply_free(&r);
	T_CHECK(get_status(port, "/__hhd/nope") == 404);
	T_CHECK(http(port, "GET", "/__hhd/status", NULL, NULL, &r) == 0);
	T_STREQ(r.body.ptr, "{\"generation\":1,\"failed\":0,\"clients\":0}\n");
	reply_free(&r);

	/* three event streams (the limit of this server), a fourth refused */
	struct sse c[3];
	for (int i = 0; i < 3; i++) {
		T_CHECK(sse_open(&c[i], port) == 0);
		T_CHECK(sse_wait(&c[i], "event: hello\ndata: 1\n\n", WAIT_MS) == 1);
	}
	T_CHECK(strstr(c[0].got.ptr, "Content-Type: text/event-stream") != NULL);
	T_CHECK(get_status(port, "/__hhd/events") == 503);
	T_CHECK(sse_wait(&c[0], ": heartbeat\n\n", WAIT_MS) == 1);

	/* an edit: every client hears "reload", the page has changed */
	double t0 = now_ms_f();
	put("content/page.txt", "v2");
	T_CHECK(sse_wait(&c[0], "event: reload\ndata: 2\n\n", WAIT_MS) == 1);
	double first = now_ms_f() - t0;
	for (int i = 1; i < 3; i++)
		T_CHECK(sse_wait(&c[i], "event: reload\ndata: 2\n\n", WAIT_MS) == 1);
	pthread_mutex_lock(&sv.m);
	T_STREQ(sv.last_changed, path_in("content/page.txt"));
	T_CHECK(sv.last_n == 1);
	pthread_mutex_unlock(&sv.m);
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(strstr(r.body.ptr, "<main>v2</main>") && strstr(r.body.ptr, "data-hhd-gen=\"2\""));
	reply_free(&r);
	/* a new folder under content/ is watched: a file created in it rebuilds */
	dir_make(path_in("content/nl/tips"));
	T_CHECK(sse_wait(&c[0], "event: reload\ndata: 3\n\n", WAIT_MS) == 1);
	put("content/nl/tips/new.md", "x");
	T_CHECK(sse_wait(&c[0], "event: reload\ndata: 4\n\n", WAIT_MS) == 1);
	pthread_mutex_lock(&sv.m);
	T_STREQ(sv.last_changed, path_in("content/nl/tips/new.md"));
	pthread_mutex_unlock(&sv.m);

	/* a client that goes away is dropped (by its next heartbeat), and its
	 * place can be taken */
	sse_close(&c[2]);
	int gone = 0;
	for (long long due = now_ms() + WAIT_MS; !gone && now_ms() < due; sleep_ms(50)) {
		T_CHECK(http(port, "GET", "/__hhd/status", NULL, NULL, &r) == 0);
		gone = strstr(r.body.ptr, "\"clients\":2}") != NULL;
		reply_free(&r);
	}
	T_CHECK(gone);
	T_CHECK(sse_open(&c[2], port) == 0);
	T_CHECK(sse_wait(&c[2], "event: hello\ndata: 4\n\n", WAIT_MS) == 1);

	/* a broken file: "build-error", and the page shows the panel above the last good version */
	put("content/page.txt", "BROKEN");
	for (int i = 0; i < 3; i++)
		T_CHECK(sse_wait(&c[i], "event: build-error\ndata: 5\n\n", WAIT_MS) == 1);
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200);
	if (r.status != 200)
		fprintf(stderr, "broken page: %d [%s] [%s]\n", r.status, r.head.ptr, r.body.ptr);
	const char *panel = strstr(r.body.ptr, "<section class=\"hhd-preview hhd-preview-errors\"");
	T_CHECK(panel != NULL);
	T_CHECK(strstr(r.body.ptr, "<li><code>content/page.txt:3:7: error: found "
				   "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</code></li>") != NULL);
	T_CHECK(strstr(r.body.ptr, "<script>alert") == NULL);
	T_CHECK(panel && strstr(r.body.ptr, "<main>v2</main>") > panel);
	reply_free(&r);
	T_CHECK(http(port, "GET", "/nope", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404 && strstr(r.body.ptr, "hhd-preview-errors") && strstr(r.body.ptr, "NF-ROOT"));
	reply_free(&r);
	T_CHECK(http(port, "GET", "/__hhd/status", NULL, NULL, &r) == 0);
	T_STREQ(r.body.ptr, "{\"generation\":5,\"failed\":1,\"clients\":3}\n");
	reply_free(&r);
	/* fixed: "reload", and the panel is gone */
	put("content/page.txt", "v3");
	T_CHECK(sse_wait(&c[1], "event: reload\ndata: 6\n\n", WAIT_MS) == 1);
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(strstr(r.body.ptr, "<main>v3</main>") && !strstr(r.body.ptr, "hhd-preview-errors"));
	reply_free(&r);

	/* from a write to the "reload" event, with the stub build */
	enum { RUNS = 15 };
	double ms[RUNS];
	unsigned long gen = 6;
	for (int i = 0; i < RUNS; i++) {
		char text[32], want[64];
		snprintf(text, sizeof text, "v%d", 10 + i);
		snprintf(want, sizeof want, "event: reload\ndata: %lu\n\n", ++gen);
		double t = now_ms_f();
		put("content/page.txt", text);
		T_CHECK(sse_wait(&c[0], want, WAIT_MS) == 1);
		ms[i] = now_ms_f() - t;
		for (int k = 1; k < 3; k++)
			sse_wait(&c[k], want, WAIT_MS);
	}
	qsort(ms, RUNS, sizeof *ms, cmp_double);
	printf("write -> reload event (debounce %d ms, stub build): first %.1f ms; %d runs: min %.1f, "
	       "median %.1f, max %.1f ms\n", SERVE_DEBOUNCE_MS, first, RUNS, ms[0], ms[RUNS / 2], ms[RUNS - 1]);
	T_CHECK(ms[RUNS / 2] < 200);

	/* /api/ through FastCGI */
	stub_set(STUB_ECHO, 0);
	T_CHECK(http(port, "GET", "/api/hit.gif?p=%2Fnl%2F&x=1", "User-Agent: test-agent\r\n", NULL, &r) == 0);
	T_CHECK(r.status == 201);
	T_STREQ(header(&r, "X-Seen"), "yes");
	T_CHECK(strcmp(header(&r, "Connection"), "x") != 0); /* the stub's own Connection header was dropped */
	T_CHECK(strstr(r.body.ptr, "REQUEST_METHOD=GET\n") && strstr(r.body.ptr, "REQUEST_URI=/api/hit.gif?p=%2Fnl%2F&x=1\n") &&
		strstr(r.body.ptr, "QUERY_STRING=p=%2Fnl%2F&x=1\n") && strstr(r.body.ptr, "DOCUMENT_URI=/api/hit.gif\n") &&
		strstr(r.body.ptr, "HTTP_USER_AGENT=test-agent\n") && strstr(r.body.ptr, "REMOTE_ADDR=127.0.0.1\n") &&
		strstr(r.body.ptr, "CONTENT_LENGTH=\n") && strstr(r.body.ptr, "stdin=0\n"));
	T_CHECK(strstr(r.body.ptr, "/__hhd/") == NULL);
	reply_free(&r);
	T_CHECK(http(port, "POST", "/api/contact", "Content-Type: application/x-www-form-urlencoded\r\n", "abcdefg", &r) == 0);
	T_CHECK(r.status == 201 && strstr(r.body.ptr, "CONTENT_LENGTH=7\n") && strstr(r.body.ptr, "stdin=7\nstdin-pattern=1\n") &&
		strstr(r.body.ptr, "CONTENT_TYPE=application/x-www-form-urlencoded\n"));
	reply_free(&r);
	/* SERVE_FCGI_MAX_BODY, at and past the edge (with and without a Content-Length to go by) */
	struct buf big = BUF_INIT;
	for (size_t i = 0; i < SERVE_FCGI_MAX_BODY; i++)
		buf_addch(&big, 'a' + (int)(i % 26));
	T_CHECK(http(port, "POST", "/api/contact", NULL, big.ptr, &r) == 0);
	char want[64];
	snprintf(want, sizeof want, "stdin=%d\nstdin-pattern=1\n", SERVE_FCGI_MAX_BODY);
	T_CHECK(r.status == 201 && strstr(r.body.ptr, want));
	reply_free(&r);
	buf_addch(&big, 'x');
	T_CHECK(http(port, "POST", "/api/contact", NULL, big.ptr, &r) == 0);
	T_CHECK(r.status == 413);
	reply_free(&r);
	struct buf chunked = BUF_INIT;
	buf_addf(&chunked, "POST /api/contact HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "%zx\r\n%s\r\n0\r\n\r\n", big.len, big.ptr);
	T_CHECK(http_raw(port, chunked.ptr, chunked.len, &r) == 0);
	T_CHECK(r.status == 413);
	reply_free(&r);
	buf_free(&chunked);
	buf_free(&big);
	stub_set(STUB_GARBAGE, 0);
	T_CHECK(http(port, "GET", "/api/hit", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 502 && strstr(r.body.ptr, "malformed answer"));
	reply_free(&r);
	stub_set(STUB_ECHO, 0);

	/* stopping ends the open streams and releases every descriptor */
	T_CHECK(server_stop(&sv) == SERVE_OK);
	for (int i = 0; i < 3; i++) {
		T_CHECK(sse_wait(&c[i], "never", WAIT_MS) == -1);
		sse_close(&c[i]);
	}
	T_CHECK(open_fds() == fds_before);
}

static void test_server_misc(void)
{
	/* no FastCGI socket: /api/ says so, in both languages, with 503; port 0 */
	struct server sv = { 0 };
	T_CHECK(server_start(&sv, NULL, 0) == 0);
	int port = server_port(&sv);
	T_CHECK(port > 0);
	struct reply r;
	T_CHECK(http(port, "POST", "/api/contact", NULL, "naam=x", &r) == 0);
	T_CHECK(r.status == 503);
	T_CHECK(strstr(r.body.ptr, "Het formulier verstuurt niets in de voorbeeldweergave") &&
		strstr(r.body.ptr, "The form does not send in preview"));
	reply_free(&r);
	T_CHECK(get_status(port, "/api") == 503);

	/* SERVE_MAX_HTML, at and past the edge */
	struct buf html = BUF_INIT;
	buf_adds(&html, "<html><body>");
	while (html.len < SERVE_MAX_HTML - 14)
		buf_addch(&html, 'x');
	buf_adds(&html, "</body></html>");
	T_CHECK(html.len == SERVE_MAX_HTML);
	T_CHECK(file_write(path_in("site/big.html"), html.ptr, html.len) == 0);
	http_wait_ms = 60000; /* 16 MiB through a sanitizer build */
	T_CHECK(http(port, "GET", "/big.html", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && r.body.len > SERVE_MAX_HTML && strstr(r.body.ptr + SERVE_MAX_HTML - 100, "reload.js"));
	reply_free(&r);
	buf_addch(&html, '\n');
	T_CHECK(file_write(path_in("site/big.html"), html.ptr, html.len) == 0);
	T_CHECK(get_status(port, "/big.html") == 500);
	http_wait_ms = WAIT_MS;
	unlink(path_in("site/big.html"));
	buf_free(&html);

	/* the same port again: taken */
	struct server again = { 0 };
	T_CHECK(server_start(&again, NULL, port) == -1);
	T_CHECK(server_stop(&again) == SERVE_ERR_ADDR_IN_USE);
	T_CHECK(server_stop(&sv) == SERVE_OK);

	/* the connection limit, at and past the edge */
	memset(&sv, 0, sizeof sv);
	sv.o.max_connections = 4;
	T_CHECK(server_start(&sv, NULL, 0) == 0);
	port = server_port(&sv);
	int idle[4];
	for (int i = 0; i < 3; i++)
		idle[i] = tcp_connect(port);
	T_CHECK(get_status(port, "/style.css") == 200); /* the fourth */
	idle[3] = tcp_connect(port);
	sleep_ms(100);
	http_wait_ms = 1000;
	T_CHECK(get_status(port, "/style.css") == -1);  /* a fifth gets no answer */
	http_wait_ms = WAIT_MS;
	for (int i = 0; i < 4; i++)
		close(idle[i]);
	int back = 0;
	for (long long due = now_ms() + WAIT_MS; !back && now_ms() < due; sleep_ms(50))
		back = get_status(port, "/style.css") == 200;
	T_CHECK(back);
	T_CHECK(server_stop(&sv) == SERVE_OK);

	/* IPv6 loopback, where the machine has it */
	memset(&sv, 0, sizeof sv);
	sv.o.bind = "::1";
	if (server_start(&sv, NULL, 0) == 0) {
		int fd6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)server_port(&sv)),
					   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		T_CHECK(connect(fd6, (struct sockaddr *)&a6, sizeof a6) == 0);
		const char *req = "GET /style.css HTTP/1.0\r\n\r\n";
		write_full(fd6, req, strlen(req));
		char got[256] = "";
		struct pollfd p6 = { fd6, POLLIN, 0 };
		if (poll(&p6, 1, WAIT_MS) > 0)
			T_CHECK(read(fd6, got, sizeof got - 1) > 0);
		T_CHECK(strncmp(got, "HTTP/1.0 200", 12) == 0 || strncmp(got, "HTTP/1.1 200", 12) == 0);
		close(fd6);
		T_CHECK(server_stop(&sv) == SERVE_OK);
	} else {
		enum serve_status rc = server_stop(&sv);
		printf("no IPv6 loopback here (serve_run: %d): ::1 not tried\n", rc);
		T_CHECK(rc == SERVE_ERR_ADDRESS);
	}

	/* the first build fails and there is no site yet: 404 with the panel,
	 * until a good build */
	memset(&sv, 0, sizeof sv);
	put("content/page.txt", "BROKEN");
	snprintf(sv.root, sizeof sv.root, "%s/fresh", tmp);
	T_CHECK(server_start(&sv, NULL, 0) == 0);
	port = server_port(&sv);
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 404 && strstr(r.body.ptr, "hhd-preview-errors") && strstr(r.body.ptr, "reload.js"));
	reply_free(&r);
	struct sse fresh;
	T_CHECK(sse_open(&fresh, port) == 0);
	T_CHECK(sse_wait(&fresh, "event: hello\ndata: 1\n\n", WAIT_MS) == 1);
	put("content/page.txt", "fixed");
	T_CHECK(sse_wait(&fresh, "event: reload\ndata: 2\n\n", WAIT_MS) == 1);
	T_CHECK(http(port, "GET", "/", NULL, NULL, &r) == 0);
	T_CHECK(r.status == 200 && strstr(r.body.ptr, "<main>fixed</main>") && !strstr(r.body.ptr, "hhd-preview-errors"));
	reply_free(&r);
	sse_close(&fresh);
	T_CHECK(server_stop(&sv) == SERVE_OK);
	dir_remove(path_in("fresh"));

	/* errors before serving, returned at once */
	struct buf err = BUF_INIT;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	T_CHECK(bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(lfd, 1) == 0 &&
		getsockname(lfd, (struct sockaddr *)&sa, &sl) == 0);
	struct serve_opts o = { .port = ntohs(sa.sin_port), .root = path_in("site"), .stop_fd = -1 };
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ADDR_IN_USE);
	char want[128];
	snprintf(want, sizeof want, "port %d on 127.0.0.1 is already in use", o.port);
	T_CHECK(strstr(err.ptr, want) != NULL);
	close(lfd);
	buf_reset(&err);
	o.port = 0;
	o.bind = "localhost";
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ADDRESS);
	T_STREQ(err.ptr, "'localhost' is not a numeric IP address (for example 127.0.0.1 or ::1)");
	buf_reset(&err);
	o.bind = "192.0.2.1"; /* TEST-NET-1: on no machine */
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ADDRESS);
	buf_reset(&err);
	o.bind = NULL;
	o.port = 70000;
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ADDRESS);
	buf_reset(&err);
	o.port = 0;
	o.root = path_in("no-site");
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ROOT);
	T_STREQ(strstr(err.ptr, "does not exist") ? "yes" : err.ptr, "yes");
	buf_reset(&err);
	const char *watch[] = { path_in("no-content"), NULL };
	o.root = path_in("site");
	o.watch = watch;
	T_CHECK(serve_run(&o, NULL, &err) == SERVE_ERR_ROOT);
	buf_free(&err);
}

/* /api/ through the real hhd-fcgi (HHD_BUILD/hhd-fcgi on the e2e fixture
 * site), as nginx would pass it. */
static void test_real_fcgi(void)
{
	const char *build = getenv("HHD_BUILD"), *src = getenv("HHD_SRC");
	char exe[512], site[512], sock[256], db[256];
	if (!build || !src) {
		printf("HHD_BUILD or HHD_SRC not set: the real hhd-fcgi is not tried\n");
		return;
	}
	snprintf(exe, sizeof exe, "%s/hhd-fcgi", build);
	snprintf(site, sizeof site, "%s/tests/e2e/fcgi/fixtures/site", src);
	snprintf(sock, sizeof sock, "%s/real.sock", tmp);
	snprintf(db, sizeof db, "%s/real.db", tmp);
	T_CHECK(access(exe, X_OK) == 0);
	if (access(exe, X_OK) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path_in("real-fcgi.log"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(exe, exe, "--socket", sock, "--db", db, "--site", site, (char *)NULL);
		_exit(127);
	}
	T_CHECK(pid > 0);
	struct stat st;
	for (long long due = now_ms() + WAIT_MS; stat(sock, &st) != 0 && now_ms() < due;)
		sleep_ms(20);
	sleep_ms(100);
	struct server sv = { 0 };
	T_CHECK(server_start(&sv, sock, 0) == 0);
	int port = server_port(&sv);
	const char *ua = "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n";
	const char *form = "Content-Type: application/x-www-form-urlencoded\r\n";
	char extra[512];
	snprintf(extra, sizeof extra, "%s%s", ua, form);
	struct reply r;
	T_CHECK(http(port, "GET", "/api/hit.gif?p=/en/&e=view", ua, NULL, &r) == 0);
	T_CHECK(r.status == 200);
	T_STREQ(header(&r, "Content-Type"), "image/gif");
	reply_free(&r);
	T_CHECK(http(port, "POST", "/api/hit", extra, "p=/en/help/ransomware/done/&e=no&back=1", &r) == 0);
	T_CHECK(r.status == 303);
	reply_free(&r);
	T_CHECK(http(port, "POST", "/api/contact", extra, "lang=nl&email=a%40b.nl&message=via+hhd+serve&consent=yes",
		     &r) == 0);
	T_CHECK(r.status == 303);
	reply_free(&r);
	T_CHECK(server_stop(&sv) == SERVE_OK);
	kill(pid, SIGTERM);
	int status;
	waitpid(pid, &status, 0);
}

int main(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/hhd-serve-XXXXXX");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	put("stub.txt", "x");
	static const struct {
		const char *name;
		void (*fn)(void);
	} parts[] = {
		{ "path", test_path }, { "inject", test_inject }, { "fcgi_format", test_fcgi_format },
		{ "fcgi_client", test_fcgi_client }, { "watch", test_watch }, { "server", test_server },
		{ "server_misc", test_server_misc }, { "real_fcgi", test_real_fcgi },
	};
	stub_start();
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		long long t0 = now_ms();
		parts[i].fn();
		printf("%s: %lld ms\n", parts[i].name, now_ms() - t0);
	}
	stub_stop();
	dir_remove(tmp);
	return t_done();
}
