/* Unit tests for fcgi/http.c (CONTENT_LENGTH, content types, Accept,
 * JSON strings, reply formatting) and fcgi/log.c (sanitised lines). */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "t.h"

static void test_content_length(void)
{
	size_t n = 99;

	T_CHECK(http_content_length(NULL, 100, &n) == CL_MISSING);
	T_CHECK(http_content_length("", 100, &n) == CL_MISSING);
	T_CHECK(http_content_length("0", 100, &n) == CL_OK && n == 0);
	T_CHECK(http_content_length("100", 100, &n) == CL_OK && n == 100);
	T_CHECK(http_content_length("007", 100, &n) == CL_OK && n == 7);
	T_CHECK(http_content_length("101", 100, &n) == CL_TOO_BIG);
	T_CHECK(http_content_length(" 1", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("1 ", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("+1", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("-1", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("0x10", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("1e2", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("1,2", 100, &n) == CL_INVALID);
	/* overflow is caught, not wrapped into a small number */
	T_CHECK(http_content_length("18446744073709551616", SIZE_MAX, &n) == CL_TOO_BIG);
	T_CHECK(http_content_length("18446744073709551617", 100, &n) == CL_TOO_BIG);
	T_CHECK(http_content_length("99999999999999999999999999999999999", 100, &n) == CL_TOO_BIG);
	T_CHECK(http_content_length("99999999999999999999999999x", 100, &n) == CL_INVALID);
	T_CHECK(http_content_length("18446744073709551615", SIZE_MAX, &n) == CL_OK && n == SIZE_MAX);
}

static void test_types(void)
{
	const char *form = "application/x-www-form-urlencoded";

	T_CHECK(http_type_is("application/x-www-form-urlencoded", form));
	T_CHECK(http_type_is("Application/X-WWW-Form-URLencoded", form));
	T_CHECK(http_type_is("application/x-www-form-urlencoded;charset=UTF-8", form));
	T_CHECK(http_type_is("application/x-www-form-urlencoded; charset=utf-8", form));
	T_CHECK(http_type_is("application/x-www-form-urlencoded ; charset=\"utf-8\" ", form));
	T_CHECK(!http_type_is(NULL, form));
	T_CHECK(!http_type_is("", form));
	T_CHECK(!http_type_is("multipart/form-data; boundary=x", form));
	T_CHECK(!http_type_is("application/x-www-form-urlencodedx", form));
	T_CHECK(!http_type_is("application/x-www-form-urlencoded; charset=latin1", form));
	T_CHECK(!http_type_is("application/x-www-form-urlencoded; charset=utf-8x", form));
	T_CHECK(!http_type_is("application/x-www-form-urlencoded; boundary=1", form));
	T_CHECK(!http_type_is("application/x-www-form-urlencoded; charset=utf-8; x=1", form));
	T_CHECK(!http_type_is("application/json", form));
	T_CHECK(http_type_is("text/plain;charset=UTF-8", "text/plain"));
}

static void test_accept(void)
{
	T_CHECK(!http_wants_json(NULL));
	T_CHECK(!http_wants_json(""));
	T_CHECK(!http_wants_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
	T_CHECK(http_wants_json("application/json"));
	T_CHECK(http_wants_json("Application/JSON"));
	T_CHECK(http_wants_json("text/html, application/json;q=0.5"));
	T_CHECK(http_wants_json("application/json; charset=utf-8"));
	T_CHECK(!http_wants_json("application/json;q=0"));
	T_CHECK(!http_wants_json("application/json; q=0.000"));
	T_CHECK(http_wants_json("application/json;q=0.1"));
	T_CHECK(!http_wants_json("application/jsonx"));
	T_CHECK(!http_wants_json("application/json-patch+json"));
}

static void test_json(void)
{
	struct buf b = BUF_INIT;

	json_string(&b, "a\"b\\c\nd\t\x01<script>&\xc3\xa9");
	T_STREQ(b.ptr, "\"a\\\"b\\\\c\\nd\\t\\u0001\\u003cscript\\u003e\\u0026\xc3\xa9\"");
	buf_free(&b);
}

static void test_reply(void)
{
	struct reply rp;
	struct buf out = BUF_INIT;

	reply_init(&rp);
	reply_set(&rp, 303, "text/html; charset=utf-8");
	rp.location = "/nl/bedankt/";
	buf_adds(&rp.body, "<a>");
	reply_format(&rp, &out);
	T_STREQ(out.ptr, "Status: 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\n"
		"Location: /nl/bedankt/\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
		"Content-Length: 3\r\n\r\n<a>");
	buf_reset(&out);
	reply_set(&rp, 204, "text/plain");
	rp.location = NULL;
	reply_format(&rp, &out);
	T_STREQ(out.ptr, "Status: 204 No Content\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n");
	buf_reset(&out);
	reply_set(&rp, 429, "application/json");
	rp.retry_after = 42;
	reply_format(&rp, &out);
	T_CHECK(strstr(out.ptr, "Status: 429 Too Many Requests\r\n") == out.ptr);
	T_CHECK(strstr(out.ptr, "Retry-After: 42\r\n") != NULL);
	T_STREQ(http_reason(422), "Unprocessable Content");
	T_STREQ(http_reason(599), "Internal Server Error");
	reply_free(&rp);
	buf_free(&out);
}

struct mem {
	const char *p;
	size_t left, step;
};

static long S_mem_read(void *ctx, char *dst, size_t n)
{
	struct mem *m = ctx;

	if (n > m->left)
		n = m->left;
	if (n > m->step)
		n = m->step;
	memcpy(dst, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

static void test_read_body(void)
{
	struct mem m = { "hello world", 11, 3 };
	struct req rq;
	char buf[16];

	memset(&rq, 0, sizeof rq);
	rq.read = S_mem_read;
	rq.read_ctx = &m;
	T_CHECK(req_read_body(&rq, buf, 11) == 0);
	T_STREQ(buf, "hello world");
	m.p = "short";
	m.left = 5;
	T_CHECK(req_read_body(&rq, buf, 8) == -1);
	rq.read = NULL;
	T_CHECK(req_read_body(&rq, buf, 0) == 0 && buf[0] == '\0');
}

static void test_log(void)
{
	char out[64];

	log_sanitise("plain text 123", out, sizeof out);
	T_STREQ(out, "plain text 123");
	log_sanitise("a\nb\r\"c\\\x1b[31m\xc3\xa9", out, sizeof out);
	T_STREQ(out, "a\\x0ab\\x0d\\x22c\\x5c\\x1b[31m\\xc3\\xa9");
	/* cut, never overflowing, never half an escape */
	log_sanitise("\n\n\n", out, 9);
	T_STREQ(out, "\\x0a\\x0a");
	log_sanitise("\n\n\n", out, 8);
	T_STREQ(out, "\\x0a");
	log_sanitise("abcdef", out, 4);
	T_STREQ(out, "abc");
}

int main(void)
{
	test_content_length();
	test_types();
	test_accept();
	test_json();
	test_reply();
	test_read_body();
	test_log();
	return t_done();
}
