/* fuzz_serve.c: libFuzzer target for what `hhd serve` reads from outside.
 *
 * The input is used three ways: as a request path (serve_path_parse), as
 * the STDOUT of a FastCGI responder (serve_fcgi_parse_reply), and as an
 * HTML page with the same bytes as a failed build's diagnostics
 * (serve_inject_html). Besides crashes and sanitizer reports, the target
 * aborts when an accepted path breaks a promise of serve_path.h (no "." or
 * ".." segment, no empty segment, no NUL or control byte, no leading or
 * trailing slash, within SERVE_PATH_MAX), when a parsed reply's body lies
 * outside it, or when the injected page lost bytes of the original. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "serve_fcgi.h"
#include "serve_inject.h"
#include "serve_path.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void S_check_path(const char *data, size_t size)
{
	struct buf clean = BUF_INIT;
	int dir;
	if (serve_path_parse(data, size, &clean, &dir) == SERVE_PATH_OK) {
		const char *p = clean.ptr;
		CHECK(clean.len <= SERVE_PATH_MAX);
		CHECK(strlen(p) == clean.len);
		if (clean.len) {
			CHECK(p[0] != '/' && p[clean.len - 1] != '/');
			CHECK(!strstr(p, "//"));
		}
		for (size_t i = 0; i < clean.len; i++)
			CHECK((unsigned char)p[i] >= 0x20 && p[i] != 0x7f);
		for (const char *s = p; *s;) {
			size_t n = strcspn(s, "/");
			CHECK(n > 0 && s[0] != '.');
			s += n + (s[n] == '/');
		}
	}
	buf_free(&clean);
}

static void S_check_reply(const char *data, size_t size)
{
	struct serve_fcgi_reply r = { 0 };
	buf_init(&r.out);
	buf_add(&r.out, data, size);
	if (serve_fcgi_parse_reply(&r) == 0) {
		CHECK(r.body <= r.out.len);
		CHECK(r.status >= 100 && r.status <= 599);
		CHECK(r.nhdr <= SERVE_FCGI_MAX_HEADERS);
		for (size_t i = 0; i < r.nhdr; i++)
			CHECK(r.hdr[i].name[0] && !strchr(r.hdr[i].value, '\n') && !strchr(r.hdr[i].value, '\r'));
	}
	serve_fcgi_reply_free(&r);
}

static void S_check_inject(const char *data, size_t size)
{
	struct buf diags = BUF_INIT, out = BUF_INIT;
	buf_add(&diags, data, size);
	struct serve_inject in = { 42, diags.ptr };
	serve_inject_html(&out, data, size, &in);
	CHECK(out.len > size);
	/* the page's own bytes all come through, in order */
	size_t j = 0;
	for (size_t i = 0; i < out.len && j < size; i++)
		if (out.ptr[i] == data[j])
			j++;
	CHECK(j == size);
	buf_free(&diags);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	S_check_path(s, size);
	S_check_reply(s, size);
	S_check_inject(s, size);
	return 0;
}
