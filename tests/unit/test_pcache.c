/* test_pcache.c: the parse cache (generator/pcache.h). A build that takes
 * its pages and trees from the cache loads the same model, field by field,
 * with the same diagnostics, as one that parses every file; a file whose
 * stat data changed, a file with a diagnostic, a racy entry whose file
 * changed, a Markdown entry that is gone, a damaged or foreign cache file,
 * other parse settings and --force all parse again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "fileio.h"
#include "load.h"
#include "mdcache.h"
#include "model.h"
#include "pcache.h"
#include "t.h"

static char dir[256], content[300], out[300];

#define SEC 1000000000LL
#define EXTRA (PCACHE_DELTA_MIN + 16) /* tips added to the fixture */

static void S_pos(struct buf *b, struct pos p)
{
	buf_addf(b, "@%s:%u:%u", p.path ? p.path : "-", p.line, p.col);
}

static void S_sstr(struct buf *b, const char *name, struct sstr s)
{
	buf_addf(b, " %s=%s", name, s.s ? s.s : "(null)");
	S_pos(b, s.pos);
}

static void S_slist(struct buf *b, const char *name, struct slist l)
{
	buf_addf(b, " %s%s[", name, l.items ? "" : "(none)");
	for (size_t i = 0; i < l.n; i++)
		S_sstr(b, "", l.items[i]);
	buf_adds(b, "]");
}

static void S_links(struct buf *b, const struct links *l)
{
	for (size_t i = 0; i < l->n; i++) {
		buf_addf(b, " link=%s", l->items[i].url);
		S_pos(b, l->items[i].pos);
	}
}

static void S_html(struct buf *b, const char *name, const char *html)
{
	buf_addf(b, " %s=%s", name, html ? html : "(null)");
}

/* Every load-time field of the model's pages and trees, and the reports. */
static char *S_dump(const struct model *m, const struct diags *d)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < m->npages; i++) {
		const struct page *p = m->pages[i];
		buf_addf(&b, "page %s id=%s lang=%d kind=%d layout=%s/%d weight=%d draft=%d src=%016llx%016llx",
			 p->path, p->id, p->lang, (int)p->kind, p->layout.s, (int)p->layout_id, p->weight, p->draft,
			 (unsigned long long)p->src.hi, (unsigned long long)p->src.lo);
		S_pos(&b, p->pos);
		S_sstr(&b, "title", p->title);
		S_sstr(&b, "summary", p->summary);
		S_sstr(&b, "slug", p->slug);
		S_pos(&b, p->layout.pos);
		S_sstr(&b, "reviewed", p->reviewed);
		S_slist(&b, "tags", p->tags);
		S_slist(&b, "sources", p->sources);
		S_slist(&b, "aliases", p->aliases);
		S_slist(&b, "keywords", p->keywords);
		S_html(&b, "body", p->body_html);
		buf_addf(&b, " body_len=%zu body_id=%016llx%016llx headings%s", p->body_len,
			 (unsigned long long)p->body_id.hi, (unsigned long long)p->body_id.lo,
			 p->headings ? "" : "(none)");
		for (size_t k = 0; k < p->nheadings; k++)
			buf_addf(&b, " [%s]", p->headings[k]);
		S_links(&b, &p->links);
		buf_adds(&b, "\n");
	}
	for (size_t i = 0; i < m->ntrees; i++) {
		const struct tree *t = m->trees[i];
		buf_addf(&b, "tree %s id=%s lang=%d weight=%d sensitive=%d src=%016llx", t->path, t->id, t->lang,
			 t->weight, t->sensitive, (unsigned long long)t->src.lo);
		S_pos(&b, t->pos);
		S_pos(&b, t->sensitive_pos);
		S_sstr(&b, "title", t->title);
		S_sstr(&b, "summary", t->summary);
		S_sstr(&b, "reviewed", t->reviewed);
		S_sstr(&b, "start", t->start);
		S_sstr(&b, "slug", t->slug);
		S_slist(&b, "sources", t->sources);
		S_slist(&b, "keywords", t->keywords);
		buf_adds(&b, "\n");
		for (size_t k = 0; k < t->nnodes; k++) {
			const struct node *n = &t->nodes[k];
			buf_addf(&b, "  node outcome=%d urgency=%d tree=%d", n->is_outcome, (int)n->urgency,
				 n->tree == t);
			S_sstr(&b, "id", n->id);
			S_sstr(&b, "question", n->question);
			S_html(&b, "help", n->help_html);
			for (size_t a = 0; a < n->nanswers; a++) {
				S_sstr(&b, "label", n->answers[a].label);
				S_sstr(&b, "next", n->answers[a].next);
			}
			S_sstr(&b, "title", n->title);
			S_html(&b, "intro", n->intro_html);
			S_html(&b, "report", n->report_html);
			S_html(&b, "deadline", n->deadline_html);
			for (size_t s = 0; s < n->nsteps; s++) {
				S_sstr(&b, "step", n->steps[s].title);
				S_html(&b, "body", n->steps[s].body_html);
				S_pos(&b, n->steps[s].pos);
			}
			S_slist(&b, "contacts", n->contacts);
			S_slist(&b, "tips", n->tips);
			S_slist(&b, "sources", n->sources);
			S_links(&b, &n->links);
			buf_adds(&b, "\n");
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		char line[1024];
		diag_format(&d->list[i], line, sizeof line);
		buf_addf(&b, "%s\n", line);
	}
	return buf_detach(&b, NULL);
}

/* One load of content/ through the caches of out/ (trust 0: --force),
 * with the parse cache's clock at `started`: its dump; *s the stats. */
static char *S_load(int trust, int64_t started, struct pcache_stats *s)
{
	struct arena a;
	arena_init_large(&a);
	struct model m = { .arena = &a, .jobs = 2 };
	m.md = mdcache_open(out, trust);
	m.pc = pcache_open(out, trust, started);
	struct diags d;
	diags_init(&d);
	char *dump = NULL;
	if (load_content(&m, content, &d) == 0)
		dump = S_dump(&m, &d);
	pcache_stats(m.pc, s);
	mdcache_save(m.md);
	pcache_save(m.pc);
	struct mdcache_thread *md = m.md;
	struct pcache_thread *pc = m.pc;
	model_free(&m);
	mdcache_free(md);
	pcache_free(pc);
	arena_free(&a);
	diags_free(&d);
	return dump ? dump : strdup("(load failed)");
}

static void S_write(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", content, rel);
	T_CHECK(file_write(p, text, strlen(text)) == 0);
}

static char *S_read(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", content, rel);
	struct buf b = BUF_INIT;
	T_CHECK(file_read(p, 1 << 20, &b) == FILE_OK);
	return buf_detach(&b, NULL);
}

/* Write the first n extra tips again, with the same bytes: new stat data. */
static void S_rewrite_extras(int n)
{
	for (int i = 0; i < n; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "nl/tips/extra-%02d.md", i);
		char *text = S_read(rel);
		S_write(rel, text);
		free(text);
	}
}

static void S_cache_path(const char *name, char *p, size_t n)
{
	snprintf(p, n, "%s%s/%s", out, CACHE_SUFFIX, name);
}

static int S_cache_stat(const char *name, struct stat *st)
{
	char p[512];
	S_cache_path(name, p, sizeof p);
	return stat(p, st);
}

static int S_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int main(void)
{
	const char *src = getenv("HHD_SRC");
	if (!src) {
		fprintf(stderr, "test_pcache: HHD_SRC (the source tree) is not set\n");
		return 1;
	}
	char tmpl[] = "/tmp/hhd-test-pcache.XXXXXX";
	if (!mkdtemp(tmpl))
		return 1;
	snprintf(dir, sizeof dir, "%s", tmpl);
	snprintf(content, sizeof content, "%s/content", dir);
	snprintf(out, sizeof out, "%s/public", dir);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp -R '%s/tests/fixtures/site/content' '%s'", src, dir);
	T_CHECK(system(cmd) == 0);
	/* a page with a warning (a sentence over 25 words): never kept */
	S_write("en/pages/long.md",
		"---\ntitle: Long\n---\n\nOne two three four five six seven eight nine ten eleven twelve "
		"thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone twentytwo "
		"twentythree twentyfour twentyfive twentysix twentyseven.\n");
	/* more tips than PCACHE_DELTA_MIN, to change them all at the end */
	for (int i = 0; i < EXTRA; i++) {
		char rel[64], text[160];
		snprintf(rel, sizeof rel, "nl/tips/extra-%02d.md", i);
		snprintf(text, sizeof text, "---\ntitle: Extra %d\nsummary: Tip %d.\n---\n\nTekst %d.\n", i, i, i);
		S_write(rel, text);
	}

	struct pcache_stats s;
	int64_t later = pcache_clock() + 60 * SEC; /* every file older than the build: none racy */
	char *fresh = S_load(0, later, &s);
	T_CHECK(s.entries == 0 && s.hits == 0);
	size_t files = s.misses;
	T_CHECK(files == 19 + EXTRA); /* the fixture's 18, the long page and the extra tips */
	T_CHECK(strstr(fresh, "warning") != NULL);
	/* every page's body has its id from the Markdown cache (model.h) */
	T_CHECK(strstr(fresh, "body_id=") && !strstr(fresh, "body_id=00000000000000000000000000000000"));

	/* everything but the page with the warning comes from the cache, the same */
	char *again = S_load(1, later, &s);
	T_STREQ(again, fresh);
	T_CHECK(s.entries == files - 1);
	T_CHECK(s.hits == files - 1 && s.racy == 0 && s.misses == 1);
	free(again);

	/* a file written again (same bytes, new stat data) is parsed again */
	char *tip = S_read("nl/tips/passwords.md");
	S_write("nl/tips/passwords.md", tip);
	struct stat base0, base1, delta;
	T_CHECK(S_cache_stat(PCACHE_NAME, &base0) == 0);
	again = S_load(1, later, &s);
	T_STREQ(again, fresh);
	T_CHECK(s.hits == files - 2 && s.misses == 2);
	free(again);
	/* ... and only its entry is written, into the delta; the full file stays */
	T_CHECK(S_cache_stat(PCACHE_NAME, &base1) == 0 && S_same_file(&base0, &base1));
	T_CHECK(S_cache_stat(PCACHE_NAME "-new", &delta) == 0);
	again = S_load(1, later, &s);
	T_STREQ(again, fresh);
	T_CHECK(s.hits == files - 1 && s.delta == 1);
	free(again);

	/* a changed file: its new fields, the others from the cache */
	char *changed = strdup(tip);
	char *t = strstr(changed, "title:");
	T_CHECK(t != NULL);
	if (t)
		memcpy(t, "title: X", 8);
	S_write("nl/tips/passwords.md", changed);
	char *edited = S_load(1, later, &s);
	T_CHECK(strcmp(edited, fresh) != 0 && strstr(edited, "title=X") != NULL);
	T_CHECK(s.hits == files - 2);
	char *forced = S_load(0, later, &s);
	T_STREQ(edited, forced);
	free(forced);
	free(edited);
	S_write("nl/tips/passwords.md", tip);
	free(changed);

	/* racy: a build that started within PCACHE_RACY_NS of the files' last
	 * change; the next build checks each entry by the file's bytes */
	free(S_load(0, pcache_clock(), &s));
	again = S_load(1, pcache_clock(), &s);
	T_STREQ(again, fresh);
	T_CHECK(s.hits == files - 1 && s.racy == files - 1);
	free(again);
	/* ... and trusts the stat data once the build that wrote it started later */
	free(S_load(1, later, &s));
	again = S_load(1, later, &s);
	T_CHECK(s.hits == files - 1 && s.racy == 0);
	T_STREQ(again, fresh);
	free(again);

	/* the Markdown cache gone: the kept parses cannot replay their HTML */
	char p[512];
	S_cache_path(MDCACHE_NAME, p, sizeof p);
	T_CHECK(unlink(p) == 0);
	again = S_load(1, later, &s);
	T_STREQ(again, fresh);
	T_CHECK(s.entries >= files - 1 && s.hits == 0 && s.misses == files);
	free(again);

	/* a damaged file (one byte flipped) is read as absent */
	free(S_load(1, later, &s));
	S_cache_path(PCACHE_NAME, p, sizeof p);
	struct buf b = BUF_INIT;
	T_CHECK(file_read(p, 1 << 30, &b) == FILE_OK && b.len > 200);
	b.ptr[b.len - 100] ^= 0x20;
	T_CHECK(file_write(p, b.ptr, b.len) == 0);
	buf_free(&b);
	again = S_load(1, later, &s);
	T_STREQ(again, fresh);
	T_CHECK(s.entries == 0 && s.hits == 0);
	free(again);
	again = S_load(1, later, &s);
	T_CHECK(s.entries == files - 1 && s.hits == files - 1);
	free(again);

	/* other parse settings (allow_raw_html) start anew */
	char *site = S_read("site.yaml");
	char *raw = strdup(site);
	char *r = strstr(raw, "allow_raw_html: false");
	T_CHECK(r != NULL);
	if (r)
		memcpy(r, "allow_raw_html: true ", 21);
	S_write("site.yaml", raw);
	again = S_load(1, later, &s);
	T_CHECK(s.entries == 0 && s.hits == 0);
	free(again);
	S_write("site.yaml", site);
	free(raw);
	free(site);
	free(S_load(1, later, &s));
	T_CHECK(s.entries == 0); /* the settings of the build before */
	again = S_load(1, later, &s);
	T_CHECK(s.hits == files - 1);
	T_STREQ(again, fresh);
	free(again);

	/* --force reads nothing, and writes the full file anew, without a delta */
	again = S_load(0, later, &s);
	T_CHECK(s.entries == 0 && s.hits == 0);
	free(again);
	T_CHECK(S_cache_stat(PCACHE_NAME "-new", &delta) < 0);
	again = S_load(1, later, &s);
	T_CHECK(s.hits == files - 1 && s.entries == files - 1 && s.delta == 0);
	free(again);

	/* a file that is gone is not looked up again, and goes with the next
	 * full file */
	snprintf(p, sizeof p, "%s/nl/pages/thanks.md", content);
	T_CHECK(unlink(p) == 0);
	free(S_load(1, later, &s));
	T_CHECK(s.hits == files - 2 && s.misses == 1); /* the page with the warning */
	free(S_load(0, later, &s));
	free(S_load(1, later, &s));
	T_CHECK(s.entries == files - 2 && s.hits == files - 2);

	/* a few files changed go into the delta; many, past its limit, make
	 * the full file anew, and the delta goes */
	T_CHECK(S_cache_stat(PCACHE_NAME, &base0) == 0);
	S_rewrite_extras(3);
	free(S_load(1, later, &s));
	T_CHECK(S_cache_stat(PCACHE_NAME, &base1) == 0 && S_same_file(&base0, &base1));
	free(S_load(1, later, &s));
	T_CHECK(s.delta == 3 && s.hits == files - 2); /* all but the gone page and the one with the warning */
	S_rewrite_extras(EXTRA);
	free(S_load(1, later, &s));
	T_CHECK(s.misses == EXTRA + 1);
	T_CHECK(S_cache_stat(PCACHE_NAME, &base1) == 0 && !S_same_file(&base0, &base1));
	T_CHECK(S_cache_stat(PCACHE_NAME "-new", &delta) < 0);
	again = S_load(1, later, &s);
	T_CHECK(s.delta == 0 && s.entries == files - 2 && s.hits == files - 2);
	char *forced2 = S_load(0, later, &s);
	T_STREQ(again, forced2);
	free(forced2);
	free(again);

	free(tip);
	free(fresh);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	T_CHECK(system(cmd) == 0);
	return t_done();
}
