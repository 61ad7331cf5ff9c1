/* Unit tests for lib/: buf, arena, utf8, html, fileio, diag. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "fileio.h"
#include "html.h"
#include "pool.h"
#include "suggest.h"
#include "t.h"
#include "utf8.h"

static void test_buf(void)
{
	struct buf b = BUF_INIT;
	T_CHECK(b.ptr != NULL && b.len == 0 && b.ptr[0] == '\0');
	buf_adds(&b, "hello");
	buf_addch(&b, ' ');
	buf_addf(&b, "%d-%s", 42, "x");
	T_STREQ(b.ptr, "hello 42-x");
	T_CHECK(b.len == 10);
	/* a long formatted string takes the slow path */
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_reset(&b);
	buf_addf(&b, "<%s>", big);
	T_CHECK(b.len == 1001 && b.ptr[0] == '<' && b.ptr[1000] == '>' && b.ptr[1001] == '\0');
	buf_setlen(&b, 3);
	T_STREQ(b.ptr, "<aa");
	size_t n;
	char *s = buf_detach(&b, &n);
	T_CHECK(n == 3 && strcmp(s, "<aa") == 0);
	T_CHECK(b.ptr == buf_empty && b.len == 0);
	free(s);
	s = buf_detach(&b, &n); /* empty buf yields a fresh "" */
	T_CHECK(s && n == 0 && *s == '\0');
	free(s);
	buf_reset(&b); /* reset of an empty buf keeps the invariant */
	T_CHECK(b.ptr[0] == '\0');
	buf_add(&b, "a\0b", 3);
	T_CHECK(buf_eq(&b, "a\0b", 3));
	buf_free(&b);
}

static void test_arena(void)
{
	struct arena a;
	arena_init(&a);
	char *p = arena_strdup(&a, "abc");
	T_STREQ(p, "abc");
	void *big = arena_alloc(&a, 1u << 20); /* larger than a block */
	memset(big, 1, 1u << 20);
	int aligned = 1;
	for (int i = 0; i < 10000; i++) {
		long *q = arena_alloc(&a, sizeof *q);
		aligned &= ((uintptr_t)q % _Alignof(long)) == 0;
		*q = i;
	}
	T_CHECK(aligned);
	T_STREQ(arena_printf(&a, "%s-%d", "n", 7), "n-7");
	T_CHECK(memcmp(arena_zalloc(&a, 16), "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
	arena_reset(&a);
	T_STREQ(arena_strndup(&a, "xyz", 2), "xy");
	arena_free(&a);

	/* A large arena: blocks double up to ARENA_LARGE_BLOCK, which are
	 * mapped on their own; every byte handed out stays usable and apart. */
	arena_init_large(&a);
	char *first = arena_strdup(&a, "first");
	size_t total = 0;
	unsigned char *prev = NULL;
	int ok = 1;
	for (int i = 0; total < 3 * ARENA_LARGE_BLOCK; i++) {
		size_t n = 1000 + (size_t)(i % 7) * 4000;
		unsigned char *q = arena_alloc(&a, n);
		memset(q, i & 0xFF, n);
		if (prev)
			ok &= prev[0] == (unsigned char)((i - 1) & 0xFF);
		prev = q;
		total += n;
	}
	T_CHECK(ok);
	T_STREQ(first, "first");
	T_CHECK(a.debug || (a.block_size > 65536 && a.block_size <= ARENA_LARGE_BLOCK));
	unsigned char *huge = arena_alloc(&a, 5u * ARENA_LARGE_BLOCK + 3); /* oversized: a block of its own */
	huge[0] = 1;
	huge[5u * ARENA_LARGE_BLOCK + 2] = 2;
	T_CHECK(((uintptr_t)huge % _Alignof(max_align_t)) == 0);
	T_STREQ(arena_strdup(&a, "after"), "after");
	arena_reset(&a);
	T_STREQ(arena_strdup(&a, "again"), "again");
	arena_free(&a);
	T_CHECK(a.large == 1 && a.head == NULL);
}

static void test_utf8(void)
{
	size_t bad = 99;
	T_CHECK(utf8_valid("plain", 5, NULL));
	T_CHECK(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, NULL));
	T_CHECK(!utf8_valid("ab\xff", 3, &bad) && bad == 2);
	T_CHECK(!utf8_valid("\xc0\xaf", 2, &bad) && bad == 0);          /* overlong '/' */
	T_CHECK(!utf8_valid("\xe0\x80\xaf", 3, &bad) && bad == 0);      /* overlong */
	T_CHECK(!utf8_valid("x\xed\xa0\x80", 4, &bad) && bad == 1);     /* surrogate */
	T_CHECK(!utf8_valid("\xf4\x90\x80\x80", 4, &bad) && bad == 0);  /* > U+10FFFF */
	T_CHECK(!utf8_valid("ab\xc3", 3, &bad) && bad == 2);            /* truncated */
	T_CHECK(!utf8_valid("\xe2\x82", 2, &bad) && bad == 0);
	T_CHECK(utf8_valid("\xf4\x8f\xbf\xbf", 4, NULL));               /* U+10FFFF */
	T_CHECK(utf8_count("caf\xc3\xa9", 5) == 4);
}

static void test_html(void)
{
	struct buf b = BUF_INIT;
	const char *in = "<a href=\"x\">Tom & 'Jerry'</a>";
	html_escape(&b, in, strlen(in));
	T_STREQ(b.ptr, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
	buf_reset(&b);
	url_encode(&b, "a b/é~", 7);
	T_STREQ(b.ptr, "a%20b%2F%C3%A9~");
	buf_free(&b);
}

static void test_fileio(void)
{
	char dir[] = "/tmp/hhd-test-lib-XXXXXX";
	T_CHECK(mkdtemp(dir) != NULL);
	char path[512], sub[256];
	snprintf(path, sizeof path, "%s/f.txt", dir);
	snprintf(sub, sizeof sub, "%s/a/b/c", dir);
	T_CHECK(file_write_atomic(path, "hello", 5) == 0);
	struct buf b = BUF_INIT;
	T_CHECK(file_read(path, 5, &b) == FILE_OK && buf_eq(&b, "hello", 5));
	buf_reset(&b);
	T_CHECK(file_read(path, 4, &b) == FILE_ERR_TOO_BIG && b.len == 0); /* past the limit */
	T_CHECK(file_read(sub, 10, &b) == FILE_ERR_IO && errno == ENOENT);
	T_CHECK(dir_make(sub) == 0);
	T_CHECK(dir_make(sub) == 0); /* exists: fine */
	snprintf(path, sizeof path, "%s/x", sub);
	T_CHECK(file_write(path, "", 0) == 0);
	T_CHECK(file_read(sub, 10, &b) == FILE_ERR_IO && errno == EISDIR);
	T_CHECK(dir_remove(dir) == 0);
	struct stat st;
	T_CHECK(stat(dir, &st) < 0 && errno == ENOENT);
	buf_free(&b);
}

static void test_diag(void)
{
	struct diags d;
	diags_init(&d);
	diag_at(&d, D_KEY_UNKNOWN, "b.md", 3, 8, "titel", "");
	diag_at(&d, D_YAML_DUP_KEY, "a.md", 9, 1, "x");
	diag_report(&d, D_PAGE_DIR_UNKNOWN, (struct pos){ "a.md", 2, 5 }, "en");
	diag_at(&d, D_IO, NULL, 0, 0, "content", "No such file or directory");
	T_CHECK(d.errors == 3 && d.warnings == 1);
	T_CHECK(diags_failed(&d));
	char line[512];
	diag_format(&d.list[0], line, sizeof line);
	T_STREQ(line, "b.md:3:8: error: unknown key 'titel'");
	diag_format(&d.list[3], line, sizeof line);
	T_STREQ(line, "hhd: error: cannot read 'content': No such file or directory");
	FILE *f = tmpfile();
	diags_print(&d, f);
	rewind(f);
	char all[1024] = "";
	size_t n = fread(all, 1, sizeof all - 1, f);
	all[n] = '\0';
	fclose(f);
	T_STREQ(all, "hhd: error: cannot read 'content': No such file or directory\n"
		     "a.md:2:5: warning: ignoring 'en': not a known content folder\n"
		     "a.md:9:1: error: duplicate key 'x'\n"
		     "b.md:3:8: error: unknown key 'titel'\n");
	struct diags w;
	diags_init(&w);
	diag_at(&w, D_SENTENCE_LONG, "c.md", 1, 1, 30, 25, "x");
	T_CHECK(!diags_failed(&w));
	w.strict = 1;
	T_CHECK(diags_failed(&w));
	diags_merge(&d, &w);
	T_CHECK(d.n == 5 && d.warnings == 2 && w.n == 0 && w.strict == 1);
	diags_free(&w);
	diags_free(&d);
}

/* pool: every job runs exactly once, on the thread count asked for (the
 * caller's state included), and thread_end runs on started threads only. */
struct pool_state {
	int *ran;
	size_t jobs, ends;
};

static void pool_job(void *state, size_t i)
{
	struct pool_state *s = state;
	s->ran[i]++;
	s->jobs++;
}

static void pool_end(void *state)
{
	((struct pool_state *)state)->ends++;
}

static void test_pool(void)
{
	T_CHECK(pool_threads(8, 0, 16) == 1);
	T_CHECK(pool_threads(8, 15, 16) == 1);
	T_CHECK(pool_threads(8, 16, 16) == 2);
	T_CHECK(pool_threads(8, 10000, 16) == 8);
	T_CHECK(pool_threads(0, 10000, 16) == 1);
	static const struct pool p = { pool_job, pool_end };
	for (int threads = 1; threads <= 4; threads += 3) {
		enum { N = 5000 };
		static int ran[N];
		memset(ran, 0, sizeof ran);
		struct pool_state st[4] = { { ran, 0, 0 }, { ran, 0, 0 }, { ran, 0, 0 }, { ran, 0, 0 } };
		pool_run(&p, N, threads, st, sizeof st[0]);
		int once = 1;
		for (size_t i = 0; i < N; i++)
			once &= ran[i] == 1;
		T_CHECK(once);
		size_t jobs = 0, ends = 0;
		for (int i = 0; i < threads; i++) {
			jobs += st[i].jobs;
			ends += st[i].ends;
		}
		T_CHECK(jobs == N);
		T_CHECK(st[0].ends == 0);
		T_CHECK(ends == (size_t)threads - 1);
	}
	struct pool_state none = { NULL, 0, 0 };
	pool_run(&p, 0, 1, &none, sizeof none);
	T_CHECK(none.jobs == 0);
}

static void test_suggest(void)
{
	char h[128];
	struct suggest s;
	T_CHECK(suggest_distance("", "") == 0);
	T_CHECK(suggest_distance("kitten", "sitting") == 3);
	T_CHECK(suggest_distance("ransomwar", "ransomware") == 1);
	/* the length limit, at and past its edge */
	char at[SUGGEST_MAX_LEN + 1], past[SUGGEST_MAX_LEN + 2];
	memset(at, 'a', SUGGEST_MAX_LEN);
	at[SUGGEST_MAX_LEN] = '\0';
	memset(past, 'a', SUGGEST_MAX_LEN + 1);
	past[SUGGEST_MAX_LEN + 1] = '\0';
	T_CHECK(suggest_distance(at, at) == 0);
	T_CHECK(suggest_distance(past, past) == SIZE_MAX);
	/* the closest within SUGGEST_MAX_DIST; the first on a tie */
	suggest_init(&s, "encrypt");
	suggest_add(&s, "restored");
	suggest_add(&s, "encrypted");
	suggest_add(&s, "encrypten");
	T_STREQ(suggest_hint(&s, h, sizeof h), " (did you mean 'encrypted'?)");
	/* two edits is the edge; three is too far */
	suggest_init(&s, "summmaryy");
	suggest_add(&s, "summary");
	T_STREQ(suggest_hint(&s, h, sizeof h), " (did you mean 'summary'?)");
	suggest_init(&s, "colour");
	suggest_add(&s, "title");
	suggest_add(&s, "co");
	T_STREQ(suggest_hint(&s, h, sizeof h), "");
	/* never closer than the typed name is long; never the name itself */
	suggest_init(&s, "x");
	suggest_add(&s, "y");
	suggest_add(&s, "x");
	T_STREQ(suggest_hint(&s, h, sizeof h), "");
	suggest_init(&s, "ab");
	suggest_add(&s, "abc");
	T_STREQ(suggest_hint(&s, h, sizeof h), " (did you mean 'abc'?)");
}

int main(void)
{
	test_buf();
	test_arena();
	test_utf8();
	test_html();
	test_fileio();
	test_diag();
	test_pool();
	test_suggest();
	return t_done();
}
