/* pcache.c: the parse cache of pcache.h.
 *
 * The file's payload (after cache.c's header and checksum):
 *   seed     16 bytes: hhd, this format and the parse settings (S_seed)
 *   started  i64: when the build that wrote it started (ns since the epoch)
 *   n        u64
 *   index    n x struct pc_index, sorted by path (strcmp)
 *   data     each entry's path (and a NUL), then its record
 * A record, in the order the parser fills the fields and calls the
 * Markdown renderer (so replayed links come in the same order):
 *   u8 is_tree, kind; src key; then the page's or the tree's fields.
 * Strings are u32 length, bytes, NUL; a position is u8 (0: no file, 1: the
 * entry's own), u32 line, col; a Markdown field is u8 present and its key
 * in the Markdown cache (whose entry holds the positions of its links).
 * Numbers are in the machine's byte
 * order (a local cache). The file is mapped, not read; strings read back
 * point into it, so it lives as long as the cache. */
#include "pcache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "fileio.h"
#include "manifest.h"
#include "mdcache.h"
#include "xalloc.h"

struct pc_index {
	uint64_t path_off, rec_off;
	uint32_t path_len, rec_len;
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

/* An entry put by this build: its record is in the thread's data. */
struct pc_put {
	const char *path;
	struct pc_index e;            /* stat data; rec_off into the thread's data */
};

struct pcache_thread {
	struct pcache *c;
	struct buf data;              /* records put by this thread */
	struct pc_put *puts;
	size_t nputs, capputs;
	size_t hits, racy, misses;
	struct pcache_thread *next;
};

/* One of the two files: "parse", every file's entry as of some build, and
 * "parse-new", the entries of the files changed since (pcache.h). */
struct pc_file {
	struct cache_map map;         /* the file, mapped: its payload */
	size_t n;
	const char *index;            /* n x struct pc_index in data (copied out to read: alignment) */
	int64_t started;              /* the payload's */
	int valid;                    /* read and well formed (else n is 0) */
	atomic_uchar *used;           /* per index entry: 0, or taken by this build (USED, USED_RACY) */
};

enum { BASE, DELTA };
#define USED 1
#define USED_RACY 2 /* taken after the file's bytes were checked */

struct pcache {
	char *out;
	struct cache_key seed;
	int trust, begun;             /* pcache_open's; pcache_begin ran */
	int64_t now;                  /* when this build started (ns) */
	struct pc_file f[2];          /* BASE, DELTA */
	struct pcache_thread *threads;
	double read_ms, save_ms;
	pthread_t saver;              /* pcache_save_start's thread */
	int saving;                   /* it runs (until pcache_save joins it) */
	int saved;                    /* its result */
};

#define HEAD_LEN (sizeof(struct cache_key) + 2 * sizeof(uint64_t))

static double S_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

static struct cache_key S_seed(const struct site *s)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %d raw=%d", HHD_VERSION, PCACHE_FORMAT, s->allow_raw_html);
	for (int i = 0; i < s->nlangs; i++)
		buf_addf(&b, " %s", s->langs[i].code);
	struct cache_key self = cache_self();
	buf_add(&b, &self, sizeof self);
	struct cache_key k = cache_hash(b.ptr, b.len);
	buf_free(&b);
	return k;
}

static struct pc_index S_entry(const struct pc_file *f, size_t i)
{
	struct pc_index e;
	memcpy(&e, f->index + i * sizeof e, sizeof e);
	return e;
}

/* Take the payload when it is well formed: the seed ours, every path and
 * record inside it, the paths in order. */
static int S_parse(struct pc_file *f, struct cache_key want)
{
	const char *p = f->map.data;
	size_t len = f->map.len;
	if (len < HEAD_LEN)
		return -1;
	struct cache_key seed;
	uint64_t n;
	memcpy(&seed, p, sizeof seed);
	memcpy(&f->started, p + sizeof seed, sizeof f->started);
	memcpy(&n, p + sizeof seed + 8, sizeof n);
	if (!cache_key_eq(seed, want) || n > (len - HEAD_LEN) / sizeof(struct pc_index))
		return -1;
	f->index = p + HEAD_LEN;
	f->n = (size_t)n;
	const char *prev = NULL;
	size_t prev_len = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct pc_index e = S_entry(f, i);
		if (e.path_off > len || e.path_len >= len - e.path_off || p[e.path_off + e.path_len] != '\0' ||
		    e.rec_off > len || e.rec_len > len - e.rec_off)
			return -1;
		const char *path = p + e.path_off;
		if (prev) {
			int r = memcmp(prev, path, prev_len < e.path_len ? prev_len : e.path_len);
			if (r > 0 || (r == 0 && prev_len >= e.path_len))
				return -1;
		}
		prev = path;
		prev_len = e.path_len;
	}
	return 0;
}

int64_t pcache_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct pcache_thread *pcache_open(const char *out, int trust, int64_t started)
{
	struct pcache *c = xcalloc(1, sizeof *c);
	c->out = xstrdup(out);
	c->trust = trust;
	c->now = started;
	struct pcache_thread *t = xcalloc(1, sizeof *t);
	t->c = c;
	t->data = (struct buf)BUF_INIT;
	c->threads = t;
	return t;
}

void pcache_begin(struct pcache_thread *t, const struct site *s)
{
	double t0 = S_ms();
	struct pcache *c = t->c;
	c->seed = S_seed(s);
	static const char *const names[2] = { PCACHE_NAME, PCACHE_NAME "-new" };
	for (int k = BASE; k <= DELTA; k++) {
		struct pc_file *f = &c->f[k];
		cache_unmap(&f->map);
		f->n = 0;
		/* a delta only over a base of the same settings */
		f->valid = c->trust && (k == BASE || c->f[BASE].valid) &&
			   cache_map(c->out, names[k], PCACHE_FORMAT, &f->map) == 0 && S_parse(f, c->seed) == 0;
		if (!f->valid)
			f->n = 0;
		free((void *)f->used);
		f->used = xcalloc(f->n ? f->n : 1, sizeof *f->used);
	}
	c->begun = 1;
	c->read_ms = S_ms() - t0;
}

struct pcache_thread *pcache_fork(struct pcache_thread *t)
{
	if (!t)
		return NULL;
	struct pcache_thread *nt = xcalloc(1, sizeof *nt);
	nt->c = t->c;
	nt->data = (struct buf)BUF_INIT;
	nt->next = t->c->threads;
	t->c->threads = nt;
	return nt;
}

static long S_find(const struct pc_file *f, const char *path)
{
	size_t lo = 0, hi = f->n, len = strlen(path);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct pc_index e = S_entry(f, mid);
		int r = memcmp(f->map.data + e.path_off, path, e.path_len < len ? e.path_len : len);
		if (r == 0)
			r = e.path_len < len ? -1 : e.path_len > len;
		if (r == 0)
			return (long)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static struct pc_index S_stat_entry(const struct stat *st)
{
	return (struct pc_index){ .dev = (uint64_t)st->st_dev,
				  .ino = (uint64_t)st->st_ino,
				  .size = (uint64_t)st->st_size,
				  .mtime_s = (int64_t)st->st_mtim.tv_sec,
				  .mtime_ns = (int64_t)st->st_mtim.tv_nsec,
				  .ctime_s = (int64_t)st->st_ctim.tv_sec,
				  .ctime_ns = (int64_t)st->st_ctim.tv_nsec };
}

static int S_same_stat(const struct pc_index *a, const struct pc_index *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* ---- records ---- */

/* Reading one record: strings point into it; any fault sets bad. */
struct rd {
	const char *p;
	size_t len, off;
	int bad;
	const char *path;             /* the positions' file */
	struct arena *a;
	struct mdcache_thread *md;
	struct links *links;          /* where replayed Markdown puts its links */
};

static void S_get(struct rd *r, void *out, size_t n)
{
	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p + r->off, n);
	r->off += n;
}

static unsigned S_u8(struct rd *r)
{
	unsigned char v;
	S_get(r, &v, 1);
	return v;
}

static uint32_t S_u32(struct rd *r)
{
	uint32_t v;
	S_get(r, &v, sizeof v);
	return v;
}

static const char *S_str(struct rd *r)
{
	uint32_t n = S_u32(r);
	if (r->bad || n >= r->len - r->off || r->p[r->off + n] != '\0') {
		r->bad = 1;
		return "";
	}
	const char *s = r->p + r->off;
	r->off += (size_t)n + 1;
	return s;
}

static struct pos S_pos(struct rd *r)
{
	unsigned own = S_u8(r);
	struct pos p = { own ? r->path : NULL, 0, 0 };
	p.line = S_u32(r);
	p.col = S_u32(r);
	if (own > 1)
		r->bad = 1;
	return p;
}

static struct sstr S_sstr(struct rd *r)
{
	struct sstr s = { NULL, { NULL, 0, 0 } };
	if (S_u8(r))
		s.s = S_str(r);
	s.pos = S_pos(r);
	return s;
}

/* Lists of up to this many items: more is a damaged record. */
#define MAX_ITEMS (1u << 20)

static size_t S_count(struct rd *r)
{
	uint32_t n = S_u32(r);
	if (n > MAX_ITEMS || n > r->len - r->off)
		r->bad = 1;
	return r->bad ? 0 : n;
}

static struct slist S_slist(struct rd *r)
{
	struct slist l = { NULL, 0 };
	if (!S_u8(r))
		return l;
	size_t n = S_count(r);
	l.items = arena_alloc(r->a, (n ? n : 1) * sizeof *l.items);
	for (size_t i = 0; i < n && !r->bad; i++)
		l.items[l.n++] = S_sstr(r);
	return l;
}

static const char *S_md_key(struct rd *r, struct cache_key *key)
{
	if (!S_u8(r))
		return NULL;
	struct cache_key k;
	S_get(r, &k, sizeof k);
	if (key)
		*key = k;
	struct pos at = { r->path, 0, 0 };
	if (r->bad)
		return "";
	int words = 0;
	const char *html = mdcache_replay(r->md, k, at, r->links, &words, NULL);
	if (!html) {
		r->bad = 1;
		return "";
	}
	return html;
}

static const char *S_md(struct rd *r)
{
	return S_md_key(r, NULL);
}

static struct page *S_read_page(struct rd *r, const struct pcache_file *f, struct cache_key src)
{
	struct page *pg = arena_zalloc(r->a, sizeof *pg);
	pg->path = f->path;
	pg->src = src;
	pg->id = f->id;
	pg->lang = f->lang;
	pg->kind = f->kind;
	pg->pos = (struct pos){ f->path, 1, 1 };
	r->links = &pg->links;
	pg->weight = (int)S_u32(r);
	pg->draft = (int)S_u8(r);
	unsigned layout = S_u8(r);
	if (layout >= LAYOUT__MAX)
		r->bad = 1;
	pg->layout_id = r->bad ? LAYOUT_PAGE : (enum layout)layout;
	pg->title = S_sstr(r);
	pg->summary = S_sstr(r);
	pg->slug = S_sstr(r);
	pg->layout = S_sstr(r);
	pg->layout.s = layout_names[pg->layout_id];
	pg->reviewed = S_sstr(r);
	pg->tags = S_slist(r);
	pg->sources = S_slist(r);
	pg->aliases = S_slist(r);
	pg->keywords = S_slist(r);
	struct cache_key body = { 0, 0 };
	pg->body_html = S_md_key(r, &body);
	if (!pg->body_html)
		r->bad = 1;
	else
		pg->body_id = mdcache_html_id(r->md, body);
	uint64_t body_len;
	S_get(r, &body_len, sizeof body_len);
	pg->body_len = (size_t)body_len;
	size_t nh = S_count(r);
	pg->headings = nh ? arena_alloc(r->a, nh * sizeof *pg->headings) : NULL; /* as page.c leaves it */
	for (size_t i = 0; i < nh && !r->bad; i++)
		pg->headings[pg->nheadings++] = S_str(r);
	if (!r->bad && pg->body_len != strlen(pg->body_html))
		r->bad = 1;
	return pg;
}

static void S_read_node(struct rd *r, struct tree *t, struct node *nd)
{
	nd->tree = t;
	r->links = &nd->links;
	nd->id = S_sstr(r);
	nd->is_outcome = (int)S_u8(r);
	if (!nd->is_outcome) {
		nd->question = S_sstr(r);
		nd->help_html = S_md(r);
		size_t n = S_count(r);
		nd->answers = arena_zalloc(r->a, (n ? n : 1) * sizeof *nd->answers);
		for (size_t i = 0; i < n && !r->bad; i++) {
			struct answer *an = &nd->answers[nd->nanswers++];
			an->label = S_sstr(r);
			an->next = S_sstr(r);
		}
		return;
	}
	nd->title = S_sstr(r);
	unsigned urg = S_u8(r);
	if (urg >= URG__CHOOSABLE)
		r->bad = 1;
	nd->urgency = r->bad ? URG_SOON : (enum urgency)urg;
	nd->intro_html = S_md(r);
	nd->report_html = S_md(r);
	nd->deadline_html = S_md(r);
	size_t n = S_count(r);
	nd->steps = arena_zalloc(r->a, (n ? n : 1) * sizeof *nd->steps);
	for (size_t i = 0; i < n && !r->bad; i++) {
		struct step *st = &nd->steps[nd->nsteps++];
		st->title = S_sstr(r);
		st->body_html = S_md(r);
		st->pos = S_pos(r);
	}
	nd->contacts = S_slist(r);
	nd->tips = S_slist(r);
	nd->sources = S_slist(r);
}

static struct tree *S_read_tree(struct rd *r, const struct pcache_file *f, struct cache_key src)
{
	struct tree *t = arena_zalloc(r->a, sizeof *t);
	t->path = f->path;
	t->src = src;
	t->id = f->id;
	t->lang = f->lang;
	t->pos = (struct pos){ f->path, 1, 1 };
	t->title = S_sstr(r);
	t->summary = S_sstr(r);
	t->reviewed = S_sstr(r);
	t->start = S_sstr(r);
	t->slug = S_sstr(r);
	t->weight = (int)S_u32(r);
	t->sensitive = (int)S_u8(r);
	t->sensitive_pos = S_pos(r);
	t->sources = S_slist(r);
	t->keywords = S_slist(r);
	size_t n = S_count(r);
	t->nodes = arena_zalloc(r->a, (n + 1) * sizeof *t->nodes);
	for (size_t i = 0; i < n && !r->bad; i++)
		S_read_node(r, t, &t->nodes[t->nnodes++]);
	return t;
}

/* Free the link lists a failed read left (the rest is in the arena). */
static void S_unread(struct page *p, struct tree *t)
{
	if (p)
		free(p->links.items);
	if (t)
		for (size_t i = 0; i < t->nnodes; i++)
			free(t->nodes[i].links.items);
}

/* Is the kept entry's stat data older than the writing build by more
 * than a file system tick (pcache.h, "racy")? */
static int S_racy(const struct pc_file *f, const struct pc_index *e)
{
	int64_t changed = e->ctime_s * 1000000000 + e->ctime_ns;
	return changed >= f->started - PCACHE_RACY_NS;
}

int pcache_get(struct pcache_thread *t, const struct pcache_file *f, struct mdcache_thread *md, struct arena *a,
	       struct buf *src, struct page **p, struct tree **tr)
{
	struct pcache *c = t->c;
	*p = NULL;
	*tr = NULL;
	/* the delta first: it has the file's newer entry, when there is one */
	const struct pc_file *pf = &c->f[DELTA];
	long i = f->have_st && md ? S_find(pf, f->path) : -1;
	if (i < 0 && f->have_st && md)
		i = S_find(pf = &c->f[BASE], f->path);
	struct pc_index e, now = f->have_st ? S_stat_entry(&f->st) : (struct pc_index){ 0 };
	if (i >= 0)
		e = S_entry(pf, (size_t)i);
	if (i < 0 || !S_same_stat(&e, &now)) {
		t->misses++;
		return 0;
	}
	struct rd r = { pf->map.data + e.rec_off, e.rec_len, 0, 0, f->path, a, md, NULL };
	unsigned is_tree = S_u8(&r), kind = S_u8(&r);
	struct cache_key kept;
	S_get(&r, &kept, sizeof kept);
	if (r.bad || is_tree != (unsigned)f->is_tree || kind != (unsigned)f->kind) {
		t->misses++;
		return 0;
	}
	int racy = S_racy(pf, &e);
	if (racy) {
		/* the file may have changed within its stat data's tick: its bytes decide */
		buf_reset(src);
		if (file_read(f->path, HHD_MAX_FILE, src) != FILE_OK) {
			buf_reset(src); /* the caller reads it again and reports why it cannot */
			t->misses++;
			return 0;
		}
		if (!cache_key_eq(kept, cache_hash(src->ptr, src->len))) {
			t->misses++;
			return 0;
		}
	}
	if (f->is_tree)
		*tr = S_read_tree(&r, f, kept);
	else
		*p = S_read_page(&r, f, kept);
	if (r.bad || r.off != r.len) {
		S_unread(*p, *tr);
		*p = NULL;
		*tr = NULL;
		t->misses++;
		return 0;
	}
	buf_reset(src);
	atomic_store_explicit(&pf->used[i], racy ? USED_RACY : USED, memory_order_relaxed);
	t->hits++;
	t->racy += (size_t)racy;
	return 1;
}

/* Writing one record: every position must be in the entry's own file and
 * every Markdown field the next call of the log; else bad. */
struct wr {
	struct buf *b;
	const char *path;
	const struct mdcache_call *log;
	size_t nlog, next;
	int bad;
};

static void S_put_u8(struct wr *w, unsigned v)
{
	unsigned char c = (unsigned char)v;
	buf_add(w->b, &c, 1);
}

static void S_put_u32(struct wr *w, uint32_t v)
{
	buf_add(w->b, &v, sizeof v);
}

static void S_put_str(struct wr *w, const char *s)
{
	size_t n = strlen(s);
	if (n >= UINT32_MAX) {
		w->bad = 1;
		return;
	}
	S_put_u32(w, (uint32_t)n);
	buf_add(w->b, s, n + 1);
}

static void S_put_pos(struct wr *w, struct pos p)
{
	if (p.path && p.path != w->path && strcmp(p.path, w->path))
		w->bad = 1;
	S_put_u8(w, p.path != NULL);
	S_put_u32(w, p.line);
	S_put_u32(w, p.col);
}

static void S_put_sstr(struct wr *w, struct sstr s)
{
	S_put_u8(w, s.s != NULL);
	if (s.s)
		S_put_str(w, s.s);
	S_put_pos(w, s.pos);
}

static void S_put_count(struct wr *w, size_t n)
{
	if (n > MAX_ITEMS)
		w->bad = 1;
	S_put_u32(w, (uint32_t)n);
}

static void S_put_slist(struct wr *w, struct slist l)
{
	S_put_u8(w, l.items != NULL);
	if (!l.items)
		return;
	S_put_count(w, l.n);
	for (size_t i = 0; i < l.n; i++)
		S_put_sstr(w, l.items[i]);
}

/* A Markdown field: the next call of the log. */
static void S_put_md(struct wr *w, const char *html)
{
	S_put_u8(w, html != NULL);
	if (!html)
		return;
	if (w->next >= w->nlog || w->log[w->next].html != html || !w->log[w->next].kept) {
		w->bad = 1;
		return;
	}
	const struct mdcache_call *call = &w->log[w->next++];
	buf_add(w->b, &call->key, sizeof call->key);
}

static void S_put_page(struct wr *w, const struct page *pg)
{
	S_put_u32(w, (uint32_t)pg->weight);
	S_put_u8(w, (unsigned)pg->draft);
	S_put_u8(w, pg->layout_id);
	S_put_sstr(w, pg->title);
	S_put_sstr(w, pg->summary);
	S_put_sstr(w, pg->slug);
	S_put_sstr(w, (struct sstr){ NULL, pg->layout.pos });
	S_put_sstr(w, pg->reviewed);
	S_put_slist(w, pg->tags);
	S_put_slist(w, pg->sources);
	S_put_slist(w, pg->aliases);
	S_put_slist(w, pg->keywords);
	S_put_md(w, pg->body_html);
	uint64_t body_len = pg->body_len;
	buf_add(w->b, &body_len, sizeof body_len);
	S_put_count(w, pg->nheadings);
	for (size_t i = 0; i < pg->nheadings; i++)
		S_put_str(w, pg->headings[i]);
}

static void S_put_node(struct wr *w, const struct node *nd)
{
	S_put_sstr(w, nd->id);
	S_put_u8(w, (unsigned)nd->is_outcome);
	if (!nd->is_outcome) {
		S_put_sstr(w, nd->question);
		S_put_md(w, nd->help_html);
		S_put_count(w, nd->nanswers);
		for (size_t i = 0; i < nd->nanswers; i++) {
			S_put_sstr(w, nd->answers[i].label);
			S_put_sstr(w, nd->answers[i].next);
		}
		return;
	}
	S_put_sstr(w, nd->title);
	S_put_u8(w, nd->urgency);
	S_put_md(w, nd->intro_html);
	S_put_md(w, nd->report_html);
	S_put_md(w, nd->deadline_html);
	S_put_count(w, nd->nsteps);
	for (size_t i = 0; i < nd->nsteps; i++) {
		S_put_sstr(w, nd->steps[i].title);
		S_put_md(w, nd->steps[i].body_html);
		S_put_pos(w, nd->steps[i].pos);
	}
	S_put_slist(w, nd->contacts);
	S_put_slist(w, nd->tips);
	S_put_slist(w, nd->sources);
}

static void S_put_tree(struct wr *w, const struct tree *t)
{
	S_put_sstr(w, t->title);
	S_put_sstr(w, t->summary);
	S_put_sstr(w, t->reviewed);
	S_put_sstr(w, t->start);
	S_put_sstr(w, t->slug);
	S_put_u32(w, (uint32_t)t->weight);
	S_put_u8(w, (unsigned)t->sensitive);
	S_put_pos(w, t->sensitive_pos);
	S_put_slist(w, t->sources);
	S_put_slist(w, t->keywords);
	S_put_count(w, t->nnodes);
	for (size_t i = 0; i < t->nnodes; i++)
		S_put_node(w, &t->nodes[i]);
}

void pcache_put(struct pcache_thread *t, const struct pcache_file *f, struct mdcache_thread *md, int reported,
		const struct page *p, const struct tree *tr)
{
	if (reported || !f->have_st || !md || (!p && !tr))
		return;
	size_t start = t->data.len;
	struct wr w = { &t->data, f->path, NULL, 0, 0, 0 };
	w.log = mdcache_log(md, &w.nlog);
	S_put_u8(&w, tr != NULL);
	S_put_u8(&w, (unsigned)f->kind);
	buf_add(w.b, tr ? &tr->src : &p->src, sizeof(struct cache_key));
	if (tr)
		S_put_tree(&w, tr);
	else
		S_put_page(&w, p);
	if (w.bad || w.next != w.nlog || t->data.len - start >= UINT32_MAX) {
		t->data.len = start; /* not kept: parsed again next time */
		return;
	}
	struct pc_index e = S_stat_entry(&f->st);
	e.rec_off = start;
	e.rec_len = (uint32_t)(t->data.len - start);
	t->puts = xgrow(t->puts, &t->capputs, t->nputs + 1, sizeof *t->puts);
	t->puts[t->nputs++] = (struct pc_put){ f->path, e };
}

void pcache_stats(struct pcache_thread *t, struct pcache_stats *s)
{
	memset(s, 0, sizeof *s);
	if (!t)
		return;
	const struct pcache *c = t->c;
	s->entries = c->f[BASE].n + c->f[DELTA].n;
	s->bytes = c->f[BASE].map.len + c->f[DELTA].map.len;
	s->delta = c->f[DELTA].n;
	s->read_ms = c->read_ms;
	s->save_ms = c->saving ? 0 : c->save_ms; /* the saver's, once joined */
	for (const struct pcache_thread *th = c->threads; th; th = th->next) {
		s->hits += th->hits;
		s->racy += th->racy;
		s->misses += th->misses;
	}
}

/* One entry of the file to write: its path, stat data and record. */
struct pc_out {
	const char *path, *rec;
	struct pc_index e;
};

static int S_cmp_out(const void *a, const void *b)
{
	return strcmp(((const struct pc_out *)a)->path, ((const struct pc_out *)b)->path);
}

/* Write the entries o[0..n) (sorted here; one per path) as the cache file
 * `name`. 0 or -1. */
static int S_write(const struct pcache *c, const char *name, struct pc_out *o, size_t n)
{
	qsort(o, n, sizeof *o, S_cmp_out);
	size_t k = 0; /* one entry per path (each file is listed once; a guard) */
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(o[k - 1].path, o[i].path))
			o[k++] = o[i];
	n = k;
	/* the index, then each path and record: offsets known before anything is copied */
	size_t at = HEAD_LEN + n * sizeof(struct pc_index), total = at;
	for (size_t i = 0; i < n; i++)
		total += strlen(o[i].path) + 1 + o[i].e.rec_len;
	struct buf p = BUF_INIT;
	buf_grow(&p, total);
	uint64_t count = n;
	buf_add(&p, &c->seed, sizeof c->seed);
	buf_add(&p, &c->now, sizeof c->now);
	buf_add(&p, &count, sizeof count);
	for (size_t i = 0; i < n; i++) {
		struct pc_index *e = &o[i].e;
		e->path_len = (uint32_t)strlen(o[i].path);
		e->path_off = at;
		e->rec_off = at + e->path_len + 1;
		at = e->rec_off + e->rec_len;
		buf_add(&p, e, sizeof *e);
	}
	for (size_t i = 0; i < n; i++) {
		buf_add(&p, o[i].path, o[i].e.path_len + 1);
		buf_add(&p, o[i].rec, o[i].e.rec_len);
	}
	int rc = cache_write(c->out, name, PCACHE_FORMAT, p.ptr, p.len);
	buf_free(&p);
	return rc;
}

/* Add file f's entries taken with a `used` value in [lo, hi] to o. */
static size_t S_taken(const struct pc_file *f, int lo, int hi, struct pc_out *o, size_t n)
{
	for (size_t i = 0; i < f->n; i++) {
		int u = atomic_load_explicit(&f->used[i], memory_order_relaxed);
		if (u < lo || u > hi)
			continue;
		struct pc_index e = S_entry(f, i);
		o[n++] = (struct pc_out){ f->map.data + e.path_off, f->map.data + e.rec_off, e };
	}
	return n;
}

static int S_save(struct pcache *c)
{
	if (!c->begun) /* site.yaml did not load: keep the files as they are */
		return 0;
	double t0 = S_ms();
	const struct pc_file *base = &c->f[BASE], *delta = &c->f[DELTA];
	size_t nputs = 0, used[2] = { 0, 0 }, racy[2] = { 0, 0 };
	for (const struct pcache_thread *th = c->threads; th; th = th->next)
		nputs += th->nputs;
	for (int k = BASE; k <= DELTA; k++)
		for (size_t i = 0; i < c->f[k].n; i++) {
			int u = atomic_load_explicit(&c->f[k].used[i], memory_order_relaxed);
			used[k] += u != 0;
			racy[k] += u == USED_RACY;
		}
	/* a racy hit is worth writing again: under this build's start it may no longer be */
	if (!nputs && !racy[BASE] && !racy[DELTA] && used[BASE] == base->n && used[DELTA] == delta->n &&
	    base->valid) {
		c->save_ms = S_ms() - t0;
		return 0;
	}
	struct pc_out *o = xmalloc((used[BASE] + used[DELTA] + nputs + 1) * sizeof *o);
	size_t n = 0;
	/* what changed since the base: the delta's entries still used, the
	 * new ones, and the base's racy hits (to be trusted by their stat data
	 * once this build's start is far enough from their change) */
	n = S_taken(delta, USED, USED_RACY, o, n);
	for (const struct pcache_thread *th = c->threads; th; th = th->next)
		for (size_t i = 0; i < th->nputs; i++)
			o[n++] = (struct pc_out){ th->puts[i].path, th->data.ptr + th->puts[i].e.rec_off, th->puts[i].e };
	n = S_taken(base, USED_RACY, USED_RACY, o, n);
	int rc;
	size_t limit = base->n / PCACHE_DELTA_SHARE > PCACHE_DELTA_MIN ? base->n / PCACHE_DELTA_SHARE : PCACHE_DELTA_MIN;
	if (base->valid && n <= limit && base->n - used[BASE] <= limit) {
		rc = S_write(c, PCACHE_NAME "-new", o, n);
	} else {
		/* the base again, with everything this build used and made */
		n = S_taken(base, USED, USED, o, n);
		rc = S_write(c, PCACHE_NAME, o, n);
		if (rc == 0)
			cache_remove(c->out, PCACHE_NAME "-new");
	}
	free(o);
	c->save_ms = S_ms() - t0;
	return rc == 0 ? 1 : -1;
}

static void *S_saver(void *arg)
{
	struct pcache *c = arg;
	c->saved = S_save(c);
	return NULL;
}

void pcache_save_start(struct pcache_thread *t)
{
	if (!t || t->c->saving)
		return;
	t->c->saving = pthread_create(&t->c->saver, NULL, S_saver, t->c) == 0;
}

int pcache_save(struct pcache_thread *t)
{
	if (!t)
		return 0;
	struct pcache *c = t->c;
	if (!c->saving)
		return S_save(c);
	pthread_join(c->saver, NULL);
	c->saving = 0;
	return c->saved;
}

void pcache_free(struct pcache_thread *t)
{
	if (!t)
		return;
	struct pcache *c = t->c;
	if (c->saving) /* a saver still running must end first; its result is moot */
		pthread_join(c->saver, NULL);
	while (c->threads) {
		struct pcache_thread *next = c->threads->next;
		buf_free(&c->threads->data);
		free(c->threads->puts);
		free(c->threads);
		c->threads = next;
	}
	for (int k = BASE; k <= DELTA; k++) {
		cache_unmap(&c->f[k].map);
		free((void *)c->f[k].used);
	}
	free(c->out);
	free(c);
}
