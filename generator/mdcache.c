/* mdcache.c: the Markdown cache of mdcache.h, in two files.
 *
 * "markdown.blob" holds the entries' values (records), appended build after
 * build; only its first 16 bytes, a random id, are not records.
 * It is mapped, not read: on a 10,000-page site it holds some 60 MB of HTML,
 * and copying that into fresh memory (or writing all of it again) would cost
 * more than the Markdown it saves. The index "markdown" is a cache file of
 * cache.h (header, checksum; replaced by rename) naming the blob it belongs
 * to and the blob's length then:
 *   seed     16 bytes: the renderer's identity (S_seed); another one: empty
 *   blob_id  16 bytes; blob_len, live, n: u64 each
 *   index    n x { u64 key.lo, key.hi, off, len, check }, sorted by key;
 *            check: XXH3-64 of the record, verified before a hit replays it
 * A record (len bytes at off in the blob):
 *   u32 html_len, nlinks, ndiags; i32 words
 *   nlinks x { u32 line, col, url_len }; ndiags x { u32 id, line, col, msg_len }
 *   the HTML, each URL, each message, each followed by a NUL
 * Numbers are in the machine's byte order (the files are a local cache).
 *
 * mdcache_save() writes an index of exactly the entries this build used;
 * their records and the misses' stay in the blob, which grows by the misses
 * only, until the records no index names (garbage) would outweigh the live
 * ones: the blob is then written anew, with a new id, holding only those.
 * So the files never hold more than about twice what the site needs. A
 * crash between the two writes leaves an index whose blob id or checks do
 * not match: misses, never wrong output. */
#include "mdcache.h"

#include <cmark-gfm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "cache.h"
#include "fileio.h"
#include "markdown.h"
#include "xalloc.h"

#define MDCACHE_BLOB MDCACHE_NAME ".blob"

struct md_index {
	uint64_t lo, hi, off, len, check;
};

struct md_rec {
	uint32_t html_len, nlinks, ndiags;
	int32_t words;
};

struct md_rlink {
	uint32_t line, col, url_len;
};

struct md_rdiag {
	uint32_t id, line, col, msg_len;
};

/* A result rendered by this build. Its record is written by mdcache_save
 * from three pieces: the part before the HTML (`head` bytes at `off` in the
 * thread's list), the HTML itself, where md_render put it (not copied: on a
 * first build that is the whole site's HTML), and the rest (the link URLs
 * and messages, after the head in the list). */
struct md_miss {
	struct cache_key key;
	size_t off, head, tail;
	const char *html;             /* html_len bytes and a NUL, in the model's arena */
	size_t html_len;
	uint64_t check;               /* XXH3-64 of the whole record */
};

/* A record's length. */
static size_t S_miss_len(const struct md_miss *ms)
{
	return ms->head + ms->html_len + 1 + ms->tail;
}

struct mdcache_thread {
	struct mdcache *c;
	struct buf blob;              /* the misses' records but for their HTML */
	XXH3_state_t *h;              /* for the records' checks */
	struct md_miss *miss;
	size_t nmiss, capmiss;
	size_t hits;
	struct cache_key last;        /* the last call's key */
	struct mdcache_call *log;     /* mdcache_log_reset: this thread's calls since */
	size_t nlog, caplog;
	int logging;
	struct mdcache_thread *next;
};

struct mdcache {
	char *out;
	struct cache_key seed;
	struct buf data;              /* the index file's payload */
	const struct md_index *index; /* in data (8-byte aligned), sorted */
	size_t n;
	struct cache_key blob_id;     /* of the blob mapped; zero: none */
	const char *blob;             /* the blob mapped, blob_len bytes */
	size_t blob_len, live;        /* live: bytes of the records indexed */
	atomic_uchar *used;           /* per index entry: replayed by this build */
	struct mdcache_thread *threads;
	double read_ms, save_ms;
};

/* seed, blob_id, blob_len, live, n */
#define SEED_LEN sizeof(struct cache_key)
#define HEAD_LEN (2 * sizeof(struct cache_key) + 3 * sizeof(uint64_t))

static double S_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* What md_render's output depends on besides its arguments: hhd (its
 * version, and the executable itself, so a rebuilt hhd does not trust
 * results of the old code), this format and the cmark-gfm library. */
static struct cache_key S_seed(void)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %d %s", HHD_VERSION, MDCACHE_FORMAT, cmark_version_string());
	struct cache_key self = cache_self();
	buf_add(&b, &self, sizeof self);
	struct cache_key k = cache_hash(b.ptr, b.len);
	buf_free(&b);
	return k;
}

static int S_cmp_key(struct cache_key a, struct cache_key b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static void S_blob_path(const struct mdcache *c, struct buf *path)
{
	cache_dir(c->out, path);
	buf_addf(path, "/%s", MDCACHE_BLOB);
}

/* The blob's first bytes: a header like cache.c's, then its id. */
static void S_blob_head(struct cache_key id, struct buf *h)
{
	buf_addf(h, "hhd-cache %s %u %s\n", MDCACHE_BLOB, MDCACHE_FORMAT, HHD_VERSION);
	buf_add(h, &id, sizeof id);
}

/* Take the index read when it is well formed (the index in order, every
 * record inside the blob) and its blob can be mapped. */
static int S_parse(struct mdcache *c)
{
	const char *p = c->data.ptr;
	size_t len = c->data.len;
	if (len < HEAD_LEN || ((uintptr_t)p & 7))
		return -1;
	struct cache_key seed, id;
	uint64_t blob_len, live, n;
	memcpy(&seed, p, sizeof seed);
	memcpy(&id, p + SEED_LEN, sizeof id);
	memcpy(&blob_len, p + 2 * SEED_LEN, sizeof blob_len);
	memcpy(&live, p + 2 * SEED_LEN + 8, sizeof live);
	memcpy(&n, p + 2 * SEED_LEN + 16, sizeof n);
	struct buf head = BUF_INIT;
	S_blob_head(id, &head);
	size_t head_len = head.len;
	if (!cache_key_eq(seed, c->seed) || n != (len - HEAD_LEN) / sizeof(struct md_index) ||
	    (len - HEAD_LEN) % sizeof(struct md_index) || blob_len < head_len || blob_len > SIZE_MAX / 2) {
		buf_free(&head);
		return -1;
	}
	const struct md_index *ix = (const struct md_index *)(const void *)(p + HEAD_LEN);
	uint64_t sum = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (ix[i].off < head_len || ix[i].off > blob_len || ix[i].len > blob_len - ix[i].off ||
		    ix[i].len < sizeof(struct md_rec) ||
		    (i && S_cmp_key((struct cache_key){ ix[i - 1].lo, ix[i - 1].hi },
				    (struct cache_key){ ix[i].lo, ix[i].hi }) >= 0))
			break;
		sum += ix[i].len;
	}
	if (sum != live || i < n) {
		buf_free(&head);
		return -1;
	}
	struct buf path = BUF_INIT;
	S_blob_path(c, &path);
	int fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0) {
		buf_free(&head);
		return -1;
	}
	struct stat st;
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= blob_len)
		map = mmap(NULL, (size_t)blob_len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map != MAP_FAILED && memcmp(map, head.ptr, head.len)) {
		munmap(map, (size_t)blob_len);
		map = MAP_FAILED;
	}
	buf_free(&head);
	if (map == MAP_FAILED)
		return -1;
	c->index = ix;
	c->n = (size_t)n;
	c->blob_id = id;
	c->blob = map;
	c->blob_len = (size_t)blob_len;
	c->live = (size_t)live;
	return 0;
}

struct mdcache_thread *mdcache_open(const char *out, int trust)
{
	double t0 = S_ms();
	struct mdcache *c = xcalloc(1, sizeof *c);
	c->out = xstrdup(out);
	c->seed = S_seed();
	c->data = (struct buf)BUF_INIT;
	if (!trust || cache_read(out, MDCACHE_NAME, MDCACHE_FORMAT, &c->data) < 0 || S_parse(c) < 0)
		c->n = 0;
	c->used = xcalloc(c->n ? c->n : 1, sizeof *c->used);
	struct mdcache_thread *t = xcalloc(1, sizeof *t);
	t->c = c;
	t->blob = (struct buf)BUF_INIT;
	c->threads = t;
	c->read_ms = S_ms() - t0;
	return t;
}

struct mdcache_thread *mdcache_fork(struct mdcache_thread *t)
{
	if (!t)
		return NULL;
	struct mdcache_thread *nt = xcalloc(1, sizeof *nt);
	nt->c = t->c;
	nt->blob = (struct buf)BUF_INIT;
	nt->next = t->c->threads;
	t->c->threads = nt;
	return nt;
}

/* The key: the text's own hash, then everything else about the call. */
static struct cache_key S_key(const char *text, size_t len, struct pos at, int flags, int asked)
{
	struct {
		struct cache_key text;
		uint64_t len;
		uint32_t flags, line, col, asked;
	} meta;
	memset(&meta, 0, sizeof meta);
	meta.text = cache_hash(text, len);
	meta.len = len;
	meta.flags = (uint32_t)flags;
	meta.line = at.line;
	meta.col = at.col;
	meta.asked = (uint32_t)asked;
	const char *path = at.path ? at.path : "";
	size_t plen = strlen(path);
	char stack[512];
	char *b = sizeof meta + plen <= sizeof stack ? stack : xmalloc(sizeof meta + plen);
	memcpy(b, &meta, sizeof meta);
	memcpy(b + sizeof meta, path, plen);
	struct cache_key k = cache_hash(b, sizeof meta + plen);
	if (b != stack)
		free(b);
	return k;
}

static long S_find(const struct mdcache *c, struct cache_key k)
{
	size_t lo = 0, hi = c->n;
	/* keys are hashes, spread evenly: start the search around where k's
	 * high half puts it, which leaves a few probes instead of log2(n) */
	if (hi > 64) {
		size_t guess = (size_t)((double)k.hi / 18446744073709551616.0 * (double)hi), w = 32;
		if (guess >= hi)
			guess = hi - 1;
		for (;;) {
			size_t a = guess > w ? guess - w : 0, b = guess + w < hi ? guess + w : hi;
			if ((a == 0 || S_cmp_key((struct cache_key){ c->index[a - 1].lo, c->index[a - 1].hi }, k) < 0) &&
			    (b == hi || S_cmp_key((struct cache_key){ c->index[b].lo, c->index[b].hi }, k) > 0)) {
				lo = a;
				hi = b;
				break;
			}
			if (a == 0 && b == hi)
				break;
			w *= 4;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = S_cmp_key((struct cache_key){ c->index[mid].lo, c->index[mid].hi }, k);
		if (r == 0)
			return (long)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The string of `n` bytes at *off in the record, followed by its NUL. */
static const char *S_str(const char *rec, size_t len, size_t *off, uint32_t n)
{
	if (*off > len || n >= len - *off || rec[*off + n] != '\0')
		return NULL;
	const char *s = rec + *off;
	*off += (size_t)n + 1;
	return s;
}

/* Replay entry i, after checking it all: 0, or -1 when it is malformed
 * (nothing is replayed then). */
static int S_replay(struct mdcache *c, size_t i, struct pos at, struct links *links, int *words,
		    struct diags *d, const char **html)
{
	const char *rec = c->blob + c->index[i].off;
	size_t len = (size_t)c->index[i].len;
	if (XXH3_64bits(rec, len) != c->index[i].check)
		return -1; /* damaged, or the blob was written after this index */
	struct md_rec h;
	memcpy(&h, rec, sizeof h);
	size_t fixed = sizeof h;
	if (h.nlinks > len / sizeof(struct md_rlink) || h.ndiags > len / sizeof(struct md_rdiag))
		return -1;
	fixed += (size_t)h.nlinks * sizeof(struct md_rlink) + (size_t)h.ndiags * sizeof(struct md_rdiag);
	if (fixed > len || (h.nlinks && !links) || (h.ndiags && !d))
		return -1;
	/* check every string before anything is appended */
	size_t off = fixed;
	const char *s = S_str(rec, len, &off, h.html_len);
	if (!s)
		return -1;
	const char *lp = rec + sizeof h, *dp = lp + (size_t)h.nlinks * sizeof(struct md_rlink);
	for (uint32_t k = 0; k < h.nlinks; k++) {
		struct md_rlink l;
		memcpy(&l, lp + k * sizeof l, sizeof l);
		if (!S_str(rec, len, &off, l.url_len))
			return -1;
	}
	for (uint32_t k = 0; k < h.ndiags; k++) {
		struct md_rdiag g;
		memcpy(&g, dp + k * sizeof g, sizeof g);
		if (g.id >= D__MAX || !S_str(rec, len, &off, g.msg_len))
			return -1;
	}
	if (off != len)
		return -1;
	*html = s;
	off = fixed + h.html_len + 1;
	if (h.nlinks) {
		links->items = xgrow(links->items, &links->cap, links->n + h.nlinks, sizeof *links->items);
		for (uint32_t k = 0; k < h.nlinks; k++) {
			struct md_rlink l;
			memcpy(&l, lp + k * sizeof l, sizeof l);
			links->items[links->n++] = (struct link){ rec + off, { at.path, l.line, l.col } };
			off += l.url_len + 1;
		}
	}
	for (uint32_t k = 0; k < h.ndiags; k++) {
		struct md_rdiag g;
		memcpy(&g, dp + k * sizeof g, sizeof g);
		diag_add(d, (enum diag_id)g.id, at.path, g.line, g.col, rec + off);
		off += g.msg_len + 1;
	}
	if (words)
		*words = h.words;
	return 0;
}

/* Keep md_render's result for a record (struct md_miss), unless part of
 * it could not be replayed the same way (a position in another file).
 * Returns 1 when kept. */
static int S_keep(struct mdcache_thread *t, struct cache_key k, struct pos at, const char *html,
		   const struct links *links, size_t nl0, const struct diags *d, size_t nd0, int words)
{
	const char *path = at.path ? at.path : "";
	size_t nl = links ? links->n - nl0 : 0, nd = d ? d->n - nd0 : 0;
	size_t html_len = strlen(html);
	if (html_len >= UINT32_MAX)
		return 0;
	for (size_t i = 0; i < nl; i++)
		if (links->items[nl0 + i].pos.path != at.path && strcmp(links->items[nl0 + i].pos.path, path))
			return 0;
	for (size_t i = 0; i < nd; i++)
		if (strcmp(d->list[nd0 + i].path, path))
			return 0;
	struct buf *b = &t->blob;
	size_t start = b->len;
	struct md_rec h = { (uint32_t)html_len, (uint32_t)nl, (uint32_t)nd, words };
	buf_add(b, &h, sizeof h);
	for (size_t i = 0; i < nl; i++) {
		const struct link *l = &links->items[nl0 + i];
		struct md_rlink r = { l->pos.line, l->pos.col, (uint32_t)strlen(l->url) };
		buf_add(b, &r, sizeof r);
	}
	for (size_t i = 0; i < nd; i++) {
		const struct diag *g = &d->list[nd0 + i];
		struct md_rdiag r = { (uint32_t)g->id, g->line, g->col, (uint32_t)strlen(g->msg) };
		buf_add(b, &r, sizeof r);
	}
	size_t head = b->len - start;
	for (size_t i = 0; i < nl; i++)
		buf_add(b, links->items[nl0 + i].url, strlen(links->items[nl0 + i].url) + 1);
	for (size_t i = 0; i < nd; i++)
		buf_add(b, d->list[nd0 + i].msg, strlen(d->list[nd0 + i].msg) + 1);
	size_t tail = b->len - start - head;
	if (!t->h && !(t->h = XXH3_createState()))
		abort(); /* out of memory, as xalloc.h */
	XXH3_64bits_reset(t->h);
	XXH3_64bits_update(t->h, b->ptr + start, head);
	XXH3_64bits_update(t->h, html, html_len + 1);
	XXH3_64bits_update(t->h, b->ptr + start + head, tail);
	t->miss = xgrow(t->miss, &t->capmiss, t->nmiss + 1, sizeof *t->miss);
	t->miss[t->nmiss++] = (struct md_miss){ k, start, head, tail, html, html_len, XXH3_64bits_digest(t->h) };
	return 1;
}

static void S_log(struct mdcache_thread *t, const char *html, struct cache_key k, int kept)
{
	if (!t->logging)
		return;
	t->log = xgrow(t->log, &t->caplog, t->nlog + 1, sizeof *t->log);
	t->log[t->nlog++] = (struct mdcache_call){ html, k, kept };
}

/* The entry of `k` replayed (S_replay) and counted as used and a hit: its
 * HTML, or NULL when the cache does not hold it whole. */
static const char *S_lookup(struct mdcache_thread *t, struct cache_key k, struct pos at, struct links *links,
			    int *words, struct diags *d)
{
	struct mdcache *c = t->c;
	long i = S_find(c, k);
	const char *html;
	t->last = k;
	if (i < 0 || S_replay(c, (size_t)i, at, links, words, d, &html) < 0)
		return NULL;
	atomic_store_explicit(&c->used[i], 1, memory_order_relaxed);
	t->hits++;
	return html;
}

const char *mdcache_render(struct mdcache_thread *t, struct arena *a, const char *text, size_t len,
			   struct pos at, int flags, struct links *links, int *words, struct diags *d)
{
	if (!t)
		return md_render(a, text, len, at, flags, links, words, d);
	int asked = (links ? 1 : 0) | (words ? 2 : 0) | (d ? 4 : 0);
	struct cache_key k = S_key(text, len, at, flags, asked);
	const char *html = S_lookup(t, k, at, links, words, d);
	if (html) {
		S_log(t, html, k, 1);
		return html;
	}
	size_t nl0 = links ? links->n : 0, nd0 = d ? d->n : 0;
	int w = 0;
	html = md_render(a, text, len, at, flags, links, &w, d);
	if (words)
		*words = w;
	S_log(t, html, k, S_keep(t, k, at, html, links, nl0, d, nd0, w));
	return html;
}

struct cache_key mdcache_last_key(const struct mdcache_thread *t)
{
	return t->last;
}

struct cache_key mdcache_html_id(const struct mdcache_thread *t, struct cache_key key)
{
	/* the seed names hhd and cmark-gfm: another renderer, another id */
	struct cache_key b[2] = { t->c->seed, key };
	return cache_hash(b, sizeof b);
}

void mdcache_log_reset(struct mdcache_thread *t)
{
	t->nlog = 0;
	t->logging = 1;
}

const struct mdcache_call *mdcache_log(const struct mdcache_thread *t, size_t *n)
{
	*n = t->nlog;
	return t->log;
}

const char *mdcache_replay(struct mdcache_thread *t, struct cache_key key, struct pos at, struct links *links,
			   int *words, struct diags *d)
{
	return S_lookup(t, key, at, links, words, d);
}

void mdcache_stats(struct mdcache_thread *t, struct mdcache_stats *s)
{
	memset(s, 0, sizeof *s);
	if (!t)
		return;
	struct mdcache *c = t->c;
	s->entries = c->n;
	s->bytes = c->data.len + c->blob_len;
	s->read_ms = c->read_ms;
	s->save_ms = c->save_ms;
	for (struct mdcache_thread *th = c->threads; th; th = th->next) {
		s->hits += th->hits;
		s->misses += th->nmiss;
	}
	for (size_t i = 0; i < c->n; i++)
		s->unused += !atomic_load_explicit(&c->used[i], memory_order_relaxed);
}

/* One entry of the index to write. */
struct md_out {
	struct md_index e;
	const struct md_miss *miss;   /* a miss, to append; NULL: a record in the blob */
	const char *list;             /* a miss's thread's list (struct md_miss) */
};

static int S_cmp_out(const void *a, const void *b)
{
	const struct md_out *x = a, *y = b;
	return S_cmp_key((struct cache_key){ x->e.lo, x->e.hi }, (struct cache_key){ y->e.lo, y->e.hi });
}

/* The blob's order: the misses first, as each thread rendered them (the
 * order the next build reads them in, so the pages it maps hold records
 * it needs), then the old records where they were. */
static int S_cmp_off(const void *a, const void *b)
{
	const struct md_out *x = a, *y = b;
	if (!x->miss != !y->miss)
		return x->miss ? -1 : 1;
	return x->e.off < y->e.off ? -1 : x->e.off > y->e.off;
}

static int S_pwrite_all(int fd, const void *p, size_t n, off_t at)
{
	const char *s = p;
	while (n) {
		ssize_t k = pwrite(fd, s, n, at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
		at += k;
	}
	return 0;
}

/* The old records o[i..*j) lie one after the other in the blob, so one
 * write moves them; their offsets become `at` onwards. Returns the first
 * one's bytes, and in *len the run's. */
static const char *S_run(const struct mdcache *c, struct md_out *o, size_t n, size_t i, size_t *j, uint64_t at,
			 size_t *len)
{
	const char *src = c->blob + o[i].e.off;
	size_t run = 0, k;
	for (k = i; k < n && !o[k].miss; k++) {
		if (c->blob + o[k].e.off != src + run)
			break;
		o[k].e.off = at + run;
		run += (size_t)o[k].e.len;
	}
	*j = k;
	*len = run;
	return src;
}

/* The misses' records go out through one buffer of this size: each is
 * three pieces in two places (struct md_miss). */
#define STAGE_MAX (1u << 20)

struct stage {
	int fd;
	off_t at;                     /* where the buffer's bytes go */
	struct buf b;
	int err;
};

static void S_stage_flush(struct stage *s)
{
	if (!s->err && s->b.len && S_pwrite_all(s->fd, s->b.ptr, s->b.len, s->at) < 0)
		s->err = 1;
	s->at += (off_t)s->b.len;
	buf_reset(&s->b);
}

static void S_stage(struct stage *s, const void *p, size_t n)
{
	if (s->b.len + n > STAGE_MAX)
		S_stage_flush(s);
	if (n >= STAGE_MAX) {
		if (!s->err && S_pwrite_all(s->fd, p, n, s->at) < 0)
			s->err = 1;
		s->at += (off_t)n;
		return;
	}
	buf_add(&s->b, p, n);
}

/* Write the records of the misses, which S_cmp_off sorted first in o,
 * from `at` on; their offsets become where they went, *i the first entry
 * after them and *end the end. 0 or -1. */
static int S_write_misses(int fd, struct md_out *o, size_t n, off_t at, size_t *i, off_t *end)
{
	struct stage s = { fd, at, BUF_INIT, 0 };
	buf_grow(&s.b, STAGE_MAX);
	size_t k;
	for (k = 0; k < n && o[k].miss; k++) {
		const struct md_miss *ms = o[k].miss;
		o[k].e.off = (uint64_t)s.at + s.b.len;
		S_stage(&s, o[k].list + ms->off, ms->head);
		S_stage(&s, ms->html, ms->html_len + 1);
		S_stage(&s, o[k].list + ms->off + ms->head, ms->tail);
	}
	S_stage_flush(&s);
	buf_free(&s.b);
	*i = k;
	*end = s.at;
	return s.err ? -1 : 0;
}

/* Write a new blob holding only the records of o[0..n) (their offsets are
 * updated), under a new id. 0 or -1. */
static int S_compact(struct mdcache *c, struct md_out *o, size_t n, size_t *blob_len)
{
	struct buf path = BUF_INIT, tmp = BUF_INIT, idsrc = BUF_INIT;
	int rc = -1;
	S_blob_path(c, &path);
	buf_addf(&tmp, "%s.tmp.%ld", path.ptr, (long)getpid());
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	buf_addf(&idsrc, "%lld.%09ld %ld", (long long)ts.tv_sec, ts.tv_nsec, (long)getpid());
	buf_add(&idsrc, &c->blob_id, sizeof c->blob_id);
	struct cache_key id = cache_hash(idsrc.ptr, idsrc.len);
	struct buf head = BUF_INIT;
	S_blob_head(id, &head);
	cache_dir(c->out, &idsrc);
	int fd = dir_make(idsrc.ptr) < 0 ? -1 : open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	off_t at = (off_t)head.len;
	if (fd < 0 || S_pwrite_all(fd, head.ptr, head.len, 0) < 0) {
		buf_free(&head);
		goto fail;
	}
	buf_free(&head);
	/* the new records, then the old ones in blob order, in runs */
	qsort(o, n, sizeof *o, S_cmp_off);
	size_t first_old;
	if (S_write_misses(fd, o, n, at, &first_old, &at) < 0)
		goto fail;
	for (size_t i = first_old, j, run; i < n; i = j) {
		const char *src = S_run(c, o, n, i, &j, (uint64_t)at, &run);
		if (S_pwrite_all(fd, src, run, at) < 0)
			goto fail;
		at += (off_t)run;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.ptr, path.ptr) < 0)
		goto fail;
	c->blob_id = id;
	*blob_len = (size_t)at;
	rc = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp.ptr);
out:
	buf_free(&path);
	buf_free(&tmp);
	buf_free(&idsrc);
	return rc;
}

/* Append the misses' records to the blob at its indexed end (any
 * bytes after it are left from a build that did not finish). 0 or -1. */
static int S_append(struct mdcache *c, struct md_out *o, size_t n, size_t *blob_len)
{
	struct buf path = BUF_INIT;
	S_blob_path(c, &path);
	int fd = open(path.ptr, O_WRONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return -1;
	qsort(o, n, sizeof *o, S_cmp_off);
	size_t first_old;
	off_t at;
	if (S_write_misses(fd, o, n, (off_t)c->blob_len, &first_old, &at) < 0) {
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return -1;
	*blob_len = (size_t)at;
	return 0;
}

int mdcache_save(struct mdcache_thread *t)
{
	if (!t)
		return 0;
	double t0 = S_ms();
	struct mdcache *c = t->c;
	size_t nmiss = 0, n = 0;
	for (struct mdcache_thread *th = c->threads; th; th = th->next)
		nmiss += th->nmiss;
	for (size_t i = 0; i < c->n; i++)
		n += atomic_load_explicit(&c->used[i], memory_order_relaxed);
	if (!nmiss && n == c->n && c->blob) {
		c->save_ms = S_ms() - t0;
		return 0;
	}
	struct md_out *o = xmalloc((n + nmiss + 1) * sizeof *o);
	n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (atomic_load_explicit(&c->used[i], memory_order_relaxed))
			o[n++] = (struct md_out){ c->index[i], NULL, NULL };
	size_t seq = 0; /* a miss's place among all threads' (S_cmp_off) */
	for (struct mdcache_thread *th = c->threads; th; th = th->next) {
		for (size_t i = 0; i < th->nmiss; i++) {
			const struct md_miss *ms = &th->miss[i];
			o[n++] = (struct md_out){ { ms->key.lo, ms->key.hi, seq + i, S_miss_len(ms), ms->check }, ms,
						  th->blob.ptr };
		}
		seq += th->nmiss;
	}
	qsort(o, n, sizeof *o, S_cmp_out);
	size_t k = 0, live = 0, fresh = 0; /* one entry per key (two threads may have rendered the same) */
	for (size_t i = 0; i < n; i++)
		if (!k || S_cmp_out(&o[k - 1], &o[i])) {
			o[k++] = o[i];
			live += (size_t)o[i].e.len;
			fresh += o[i].miss ? (size_t)o[i].e.len : 0;
		}
	n = k;
	/* append while the records no index names stay fewer than the live ones */
	size_t blob_len = 0;
	int rc;
	if (c->blob && c->blob_len + fresh <= 2 * live)
		rc = S_append(c, o, n, &blob_len);
	else
		rc = S_compact(c, o, n, &blob_len);
	if (rc == 0) {
		qsort(o, n, sizeof *o, S_cmp_out);
		struct buf p = BUF_INIT;
		uint64_t head[3] = { blob_len, live, n };
		buf_grow(&p, HEAD_LEN + n * sizeof(struct md_index));
		buf_add(&p, &c->seed, sizeof c->seed);
		buf_add(&p, &c->blob_id, sizeof c->blob_id);
		buf_add(&p, head, sizeof head);
		for (size_t i = 0; i < n; i++)
			buf_add(&p, &o[i].e, sizeof o[i].e);
		rc = cache_write(c->out, MDCACHE_NAME, MDCACHE_FORMAT, p.ptr, p.len);
		buf_free(&p);
	}
	free(o);
	c->save_ms = S_ms() - t0;
	return rc == 0 ? 1 : -1;
}

void mdcache_free(struct mdcache_thread *t)
{
	if (!t)
		return;
	struct mdcache *c = t->c;
	while (c->threads) {
		struct mdcache_thread *next = c->threads->next;
		buf_free(&c->threads->blob);
		XXH3_freeState(c->threads->h);
		free(c->threads->miss);
		free(c->threads->log);
		free(c->threads);
		c->threads = next;
	}
	if (c->blob)
		munmap((void *)c->blob, c->blob_len);
	buf_free(&c->data);
	free((void *)c->used);
	free(c->out);
	free(c);
}
