/* test_mdcache.c: the Markdown cache (generator/mdcache.h): a hit replays
 * exactly what md_render gave; any change of text, flags or position
 * misses; a damaged, truncated or foreign cache is ignored; entries not used
 * are dropped; nothing is written when nothing changed. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "markdown.h"
#include "mdcache.h"
#include "t.h"
#include "xalloc.h"

static char out[256];
/* The results' arena: a miss's HTML is kept by reference until
 * mdcache_save, as the model's arena keeps it in a build. */
static struct arena results;

/* What one render gave, as text: the HTML, then each link, the word count
 * and each diagnostic in report order. */
static char *S_result(struct mdcache_thread *t, const char *text, struct pos at, int flags)
{
	struct arena *a = &results;
	struct links links = { 0 };
	struct diags d;
	diags_init(&d);
	int words = -1;
	const char *html = mdcache_render(t, a, text, strlen(text), at, flags, &links, &words, &d);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s--\n", html);
	for (size_t i = 0; i < links.n; i++)
		buf_addf(&b, "link %s %s:%u:%u%s\n", links.items[i].url, links.items[i].pos.path,
			 links.items[i].pos.line, links.items[i].pos.col,
			 links.items[i].pos.path == at.path ? "" : " (another path pointer)");
	buf_addf(&b, "words %d\n", words);
	for (size_t i = 0; i < d.n; i++) {
		char line[1024];
		diag_format(&d.list[i], line, sizeof line);
		buf_addf(&b, "%s\n", line);
	}
	buf_addf(&b, "errors %zu warnings %zu\n", d.errors, d.warnings);
	diags_free(&d);
	free(links.items);
	return buf_detach(&b, NULL);
}

static struct mdcache_stats S_stats(struct mdcache_thread *t)
{
	struct mdcache_stats s;
	mdcache_stats(t, &s);
	return s;
}

static void S_path(const char *name, char *p, size_t n)
{
	snprintf(p, n, "%s%s/%s", out, CACHE_SUFFIX, name);
}

static int S_stat(const char *name, struct stat *st)
{
	char p[512];
	S_path(name, p, sizeof p);
	return stat(p, st);
}

static int S_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Flip one byte of a cache file at `off` (from its end when negative). */
static void S_flip(const char *name, long off)
{
	char p[512];
	S_path(name, p, sizeof p);
	int fd = open(p, O_RDWR);
	struct stat st;
	fstat(fd, &st);
	off_t at = off < 0 ? st.st_size + off : off;
	unsigned char c;
	T_CHECK(pread(fd, &c, 1, at) == 1);
	c ^= 0x20;
	T_CHECK(pwrite(fd, &c, 1, at) == 1);
	close(fd);
}

static void S_truncate(const char *name, long by)
{
	char p[512];
	S_path(name, p, sizeof p);
	struct stat st;
	stat(p, &st);
	T_CHECK(truncate(p, st.st_size - by) == 0);
}

/* A text with something of everything md_render reports. */
static const char text_a[] =
	"# Kop\n\nEen zin met een [link](/nl/tips/x/) en <b>ruwe HTML</b> en bel 0900-8844 als het moet.\n\n"
	"Dit is een hele lange zin met veel te veel woorden zodat de lezer halverwege de draad kwijtraakt "
	"en niet meer weet waar het begon of waar het over ging.\n\n![beeld](/img/a.png)\n";
static const char text_b[] = "Een korte tekst met een [tweede link](https://example.org/).\n";

static void S_hit_and_miss(void)
{
	const int flags = MD_CHECK_SENTENCES;
	struct pos at = { "content/nl/tips/a.md", 7, 1 };
	/* the truth: md_render itself (a NULL handle) */
	char *want = S_result(NULL, text_a, at, flags);
	T_CHECK(strstr(want, "raw HTML") != NULL || strstr(want, "HTML") != NULL);
	T_CHECK(strstr(want, "link /nl/tips/x/ content/nl/tips/a.md:9:") != NULL);

	struct mdcache_thread *t = mdcache_open(out, 1);
	struct mdcache_stats s = S_stats(t);
	T_CHECK(s.entries == 0);
	char *got = S_result(t, text_a, at, flags);
	T_STREQ(got, want);
	free(got);
	s = S_stats(t);
	T_CHECK(s.hits == 0 && s.misses == 1);
	T_CHECK(mdcache_save(t) == 1);
	mdcache_free(t);

	/* a hit replays the same, in the same order; nothing to write */
	struct stat i0, b0, i1, b1;
	T_CHECK(S_stat(MDCACHE_NAME, &i0) == 0 && S_stat(MDCACHE_NAME ".blob", &b0) == 0);
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 1);
	got = S_result(t, text_a, at, flags);
	T_STREQ(got, want);
	free(got);
	s = S_stats(t);
	T_CHECK(s.hits == 1 && s.misses == 0 && s.unused == 0);
	T_CHECK(mdcache_save(t) == 0);
	mdcache_free(t);
	T_CHECK(S_stat(MDCACHE_NAME, &i1) == 0 && S_stat(MDCACHE_NAME ".blob", &b1) == 0);
	T_CHECK(S_same_file(&i0, &i1) && S_same_file(&b0, &b1));

	/* the same text elsewhere, with other flags, or changed: misses that
	 * give what md_render gives */
	struct {
		const char *text;
		struct pos at;
		int flags;
	} other[] = {
		{ text_a, { "content/nl/tips/a.md", 8, 1 }, flags },
		{ text_a, { "content/nl/tips/a.md", 7, 3 }, flags },
		{ text_a, { "content/nl/tips/b.md", 7, 1 }, flags },
		{ text_a, at, 0 },
		{ text_a, at, flags | MD_ALLOW_RAW_HTML },
		{ text_a, at, flags | MD_INLINE },
		{ "# Kop\n\nEen zin met een [link](/nl/tips/y/).\n", at, flags },
	};
	t = mdcache_open(out, 1);
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		char *w = S_result(NULL, other[i].text, other[i].at, other[i].flags);
		char *g = S_result(t, other[i].text, other[i].at, other[i].flags);
		T_STREQ(g, w);
		T_CHECK(S_stats(t).misses == i + 1 && S_stats(t).hits == 0);
		free(w);
		free(g);
	}
	/* a text that is a prefix of another (the length is in the key) */
	struct arena a;
	arena_init(&a);
	struct diags d;
	diags_init(&d);
	mdcache_render(t, &a, text_a, 5, at, flags, NULL, NULL, &d);
	T_CHECK(S_stats(t).misses == sizeof other / sizeof *other + 1);
	/* asking for less (no links, no words) is another key */
	const char *h = mdcache_render(t, &a, text_a, strlen(text_a), at, flags, NULL, NULL, &d);
	diags_free(&d);
	T_CHECK(S_stats(t).hits == 0);
	T_CHECK(strstr(want, h) == want);
	/* unused: text_a at `at` itself was not asked for */
	T_CHECK(S_stats(t).unused == 1);
	T_CHECK(mdcache_save(t) == 1);
	mdcache_free(t);
	arena_free(&a);

	/* the entry not used is gone, the others are there */
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == sizeof other / sizeof *other + 2);
	got = S_result(t, text_a, at, flags);
	T_STREQ(got, want);
	T_CHECK(S_stats(t).misses == 1 && S_stats(t).hits == 0);
	free(got);
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		free(S_result(t, other[i].text, other[i].at, other[i].flags));
	T_CHECK(S_stats(t).hits == sizeof other / sizeof *other);
	mdcache_free(t); /* not saved: the files stay as they were */

	/* --force: trust nothing, and the results replace the cache */
	t = mdcache_open(out, 0);
	T_CHECK(S_stats(t).entries == 0);
	free(S_result(t, text_b, at, flags));
	T_CHECK(mdcache_save(t) == 1);
	mdcache_free(t);
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 1);
	free(S_result(t, text_b, at, flags));
	T_CHECK(S_stats(t).hits == 1);
	mdcache_free(t);
	free(want);
}

/* Threads render through their own handles; the misses of all are saved. */
static void S_threads(void)
{
	struct pos at = { "content/nl/index.md", 5, 1 };
	struct mdcache_thread *t = mdcache_open(out, 0);
	struct mdcache_thread *t2 = mdcache_fork(t), *t3 = mdcache_fork(t);
	T_CHECK(mdcache_fork(NULL) == NULL);
	free(S_result(t2, text_a, at, 0));
	free(S_result(t3, text_b, at, 0));
	free(S_result(t3, text_a, at, 0)); /* the same key twice: kept once */
	T_CHECK(S_stats(t).misses == 3);
	T_CHECK(mdcache_save(t) == 1);
	mdcache_free(t);
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 2);
	free(S_result(t, text_a, at, 0));
	free(S_result(t, text_b, at, 0));
	T_CHECK(S_stats(t).hits == 2);
	mdcache_free(t);
}

/* A cache that cannot be trusted is ignored: full work, no error. */
static void S_damage(void)
{
	struct pos at = { "content/nl/index.md", 5, 1 };
	char *want_a = S_result(NULL, text_a, at, MD_CHECK_SENTENCES);
	char *want_b = S_result(NULL, text_b, at, MD_CHECK_SENTENCES);
	struct {
		const char *what;
		int file;     /* 0: the index, 1: the blob */
		long off;     /* flip the byte there; 0: truncate by `by` */
		long by;
		size_t hits;  /* of the two entries */
	} cases[] = {
		{ "a byte of a record", 1, -3, 0, 1 },
		{ "the blob's header", 1, 12, 0, 0 },
		{ "the blob's id", 1, (long)sizeof("hhd-cache markdown.blob 1 " HHD_VERSION "\n") + 3, 0, 0 },
		{ "a byte of the index", 0, -5, 0, 0 },
		{ "the index's version line", 0, 12, 0, 0 },
		{ "the index truncated", 0, 0, 9, 0 },
		{ "the blob truncated", 1, 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct mdcache_thread *t = mdcache_open(out, 0);
		free(S_result(t, text_a, at, MD_CHECK_SENTENCES));
		free(S_result(t, text_b, at, MD_CHECK_SENTENCES));
		T_CHECK(mdcache_save(t) == 1);
		mdcache_free(t);
		const char *name = cases[i].file ? MDCACHE_NAME ".blob" : MDCACHE_NAME;
		if (cases[i].off)
			S_flip(name, cases[i].off);
		else
			S_truncate(name, cases[i].by);
		t = mdcache_open(out, 1);
		char *ga = S_result(t, text_a, at, MD_CHECK_SENTENCES);
		char *gb = S_result(t, text_b, at, MD_CHECK_SENTENCES);
		T_STREQ(ga, want_a);
		T_STREQ(gb, want_b);
		if (S_stats(t).hits != cases[i].hits)
			fprintf(stderr, "damage: %s: %zu hits\n", cases[i].what, S_stats(t).hits);
		T_CHECK(S_stats(t).hits == cases[i].hits);
		/* and the next build repairs it */
		T_CHECK(mdcache_save(t) == 1);
		mdcache_free(t);
		t = mdcache_open(out, 1);
		free(S_result(t, text_a, at, MD_CHECK_SENTENCES));
		free(S_result(t, text_b, at, MD_CHECK_SENTENCES));
		T_CHECK(S_stats(t).hits == 2);
		mdcache_free(t);
		free(ga);
		free(gb);
	}
	/* another format of the same cache, or another payload: ignored */
	const char junk[] = "not a markdown cache index at all, but long enough to be parsed as one......";
	T_CHECK(cache_write(out, MDCACHE_NAME, MDCACHE_FORMAT + 1, junk, sizeof junk) == 0);
	struct mdcache_thread *t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 0);
	mdcache_free(t);
	T_CHECK(cache_write(out, MDCACHE_NAME, MDCACHE_FORMAT, junk, sizeof junk) == 0);
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 0);
	char *g = S_result(t, text_a, at, MD_CHECK_SENTENCES);
	T_STREQ(g, want_a);
	free(g);
	mdcache_free(t);
	/* no cache folder at all */
	char other[300];
	snprintf(other, sizeof other, "%s-none", out);
	t = mdcache_open(other, 1);
	T_CHECK(S_stats(t).entries == 0);
	mdcache_free(t);
	free(want_a);
	free(want_b);
}

/* Edit after edit, the values' file stays within twice what is used. */
static void S_bounded(void)
{
	struct pos at = { "content/nl/tips/t.md", 7, 1 };
	char texts[4][200];
	for (int i = 0; i < 4; i++)
		snprintf(texts[i], sizeof texts[i], "Tekst %d met een paar woorden. Nog een zin %d.\n", i, i);
	struct mdcache_thread *t = mdcache_open(out, 0);
	for (int i = 0; i < 4; i++)
		free(S_result(t, texts[i], at, 0));
	T_CHECK(mdcache_save(t) == 1);
	mdcache_free(t);
	struct stat st;
	T_CHECK(S_stat(MDCACHE_NAME ".blob", &st) == 0);
	off_t first = st.st_size, most = 0;
	int appended = 0;
	for (int round = 0; round < 20; round++) {
		snprintf(texts[round % 4], sizeof texts[0], "Tekst %d, versie %d, met een paar woorden.\n", round % 4,
			 round);
		t = mdcache_open(out, 1);
		for (int i = 0; i < 4; i++)
			free(S_result(t, texts[i], at, 0));
		T_CHECK(S_stats(t).hits == 3 && S_stats(t).misses == 1 && S_stats(t).unused == 1);
		T_CHECK(mdcache_save(t) == 1);
		mdcache_free(t);
		struct stat now;
		T_CHECK(S_stat(MDCACHE_NAME ".blob", &now) == 0);
		appended += now.st_size > st.st_size;
		if (now.st_size > most)
			most = now.st_size;
		st = now;
	}
	T_CHECK(appended > 0);          /* small edits append */
	T_CHECK(most < 2 * first + 200); /* and the file is written anew before it doubles */
	t = mdcache_open(out, 1);
	T_CHECK(S_stats(t).entries == 4);
	mdcache_free(t);
}

int main(void)
{
	md_init();
	arena_init(&results);
	char tmpl[] = "/tmp/hhd-mdcache.XXXXXX";
	if (!mkdtemp(tmpl))
		return 2;
	snprintf(out, sizeof out, "%s/public", tmpl);
	S_hit_and_miss();
	S_threads();
	S_damage();
	S_bounded();
	md_thread_done();
	arena_free(&results);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		t_fail++;
	return t_done();
}
