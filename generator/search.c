/* search.c: normalise, tokenise, stem and index text for the site search.
 * See search.h for the rules; themes/default/assets/search.js repeats steps
 * 1-4 and the compound split, table for table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <xxhash.h>

#include "arena.h"
#include "search.h"
#include "strmap.h"
#include "xalloc.h"

static const struct {
	const char *code;
	const char *snowball; /* NULL: folding only (see search.h) */
} langs[SEARCH_LANG__MAX] = {
	[SEARCH_NL] = { "nl", "dutch" },
	[SEARCH_EN] = { "en", "english" },
	[SEARCH_TR] = { "tr", NULL },
	[SEARCH_PL] = { "pl", NULL },
	[SEARCH_AR] = { "ar", NULL },
	[SEARCH_FOLD] = { "", NULL },
};

static const char *const kinds[SEARCH_KIND__MAX] = {
	[SEARCH_PLAN] = "plan", [SEARCH_OUTCOME] = "outcome", [SEARCH_TIP] = "tip",
	[SEARCH_PAGE] = "page", [SEARCH_ORG] = "org",
};

static const int weights[SEARCH_FIELD__MAX] = {
	[SEARCH_F_TITLE] = 10, [SEARCH_F_KEYWORDS] = 8, [SEARCH_F_SUMMARY] = 4, [SEARCH_F_QUESTION] = 3,
	[SEARCH_F_ANSWER] = 3, [SEARCH_F_STEP] = 2, [SEARCH_F_HEADING] = 3, [SEARCH_F_BODY] = 1,
};

static const char *const errs[SEARCH_ERR__MAX] = {
	[SEARCH_OK] = "ok",
	[SEARCH_E_LANG] = "language has no search rules",
	[SEARCH_E_KIND] = "unknown document kind or field",
	[SEARCH_E_NODOC] = "text added before any document",
	[SEARCH_E_TOO_MANY] = "too many documents for one search index",
	[SEARCH_E_TEXT] = "field text too long for the search index",
	[SEARCH_E_TOO_BIG] = "search index too large",
	[SEARCH_E_STEMMER] = "stemmer unavailable",
};

/* Stop words, normalised. Kept short: only words that carry no meaning in
 * a question about an incident. search.js holds the same lists. */
static const char *const stops[SEARCH_LANG__MAX] = {
	[SEARCH_NL] = " aan al als ben bij dan dat de deze die dit doe doen door een en er ga gaat "
		"geen had heb hebben heeft het hij hoe ik in is je jij kan kun kunnen maar me meer mijn "
		"moet moeten na naar nog nu of om ons onze ook op over te tot u uit uw van veel voor "
		"waar was wat we wel werd wie wij wil word wordt ze zich zij zijn zo zou ",
	[SEARCH_EN] = " about all also am an and any are as at be been being but by can could did do "
		"does for from get got had has have he help her here his how if in into is it its just "
		"me more most my no not of on or our out please she should so some such than that the "
		"their them then there these they this those to too very was we were what when where "
		"which who why will with would you your ",
	[SEARCH_TR] = " ama ben beni benim bir biz bu da daha de gibi icin ile ki mi mu ne neden "
		"nasil sen siz ve veya ya ",
	[SEARCH_PL] = " ale co czy dla do jak jest mam mnie moj moja na nie od po sa sie ta ten to "
		"we za ze ",
	[SEARCH_AR] = " \xd9\x81\xd9\x8a \xd9\x85\xd9\x86 \xd8\xb9\xd9\x84\xd9\x8a \xd8\xa7\xd9\x84\xd9\x8a "
		"\xd8\xb9\xd9\x86 \xd8\xa7\xd9\x86 \xd9\x85\xd8\xa7 \xd9\x87\xd8\xb0\xd8\xa7 "
		"\xd9\x87\xd8\xb0\xd9\x87 \xd9\x87\xd9\x84 \xd9\x84\xd8\xa7 \xd9\x85\xd8\xb9 "
		"\xd9\x83\xd8\xa7\xd9\x86 \xd8\xab\xd9\x85 \xd8\xa7\xd9\x88 \xd9\x84\xd9\x8a \xd9\x84\xd9\x85 ",
	[SEARCH_FOLD] = "",
};

/* Step 1 tables: Latin-1 U+00C0..U+00FF and Latin Extended-A U+0100..U+017F,
 * one letter per code point; '.' separates, and A, T, S, O, J stand for
 * "ae", "th", "ss", "oe", "ij". */
static const char latin1[] = "aaaaaaAceeeeiiiidnooooo.ouuuuyTSaaaaaaAceeeeiiiidnooooo.ouuuuyTy";
static const char latinA[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJjjkkkllllllllll"
	"nnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

enum cls { C_SEP = -1, C_DROP = -2, C_APOS = -3, C_HYPHEN = -4 };

static int S_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | cp >> 12);
	out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static int S_letter(char c, char *out)
{
	switch (c) {
	case '.': return C_SEP;
	case 'A': memcpy(out, "ae", 2); return 2;
	case 'T': memcpy(out, "th", 2); return 2;
	case 'S': memcpy(out, "ss", 2); return 2;
	case 'O': memcpy(out, "oe", 2); return 2;
	case 'J': memcpy(out, "ij", 2); return 2;
	default: out[0] = c; return 1;
	}
}

/* S_fold for U+0000..U+007F, the characters of most text. */
static inline int S_fold_ascii(uint32_t cp, char *out)
{
	if (cp >= 'A' && cp <= 'Z') {
		out[0] = (char)(cp + 32);
		return 1;
	}
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		out[0] = (char)cp;
		return 1;
	}
	return cp == '\'' ? C_APOS : cp == '-' ? C_HYPHEN : C_SEP;
}

/* Classify one code point: a C_* class, or the number of bytes of its
 * normalised form written to out (at most 3). */
static int S_fold(uint32_t cp, char *out)
{
	if (cp < 0x80)
		return S_fold_ascii(cp, out);
	if (cp < 0xC0)
		return cp == 0xAD ? C_DROP : C_SEP;
	if (cp < 0x100)
		return S_letter(latin1[cp - 0xC0], out);
	if (cp < 0x180)
		return S_letter(latinA[cp - 0x100], out);
	if (cp >= 0x218 && cp <= 0x21B)
		return S_letter(cp < 0x21A ? 's' : 't', out);
	if (cp < 0x2B0)
		return S_put(out, cp);
	if (cp < 0x300)
		return cp == 0x2BC ? C_APOS : C_DROP;
	if (cp < 0x370)
		return C_DROP;
	if (cp < 0x600)
		return S_put(out, cp);
	if (cp < 0x700) {
		if (cp < 0x610 || cp == 0x61B || (cp >= 0x61D && cp <= 0x61F) || (cp >= 0x66A && cp <= 0x66D) ||
		    cp == 0x6D4 || cp == 0x6DD || cp == 0x6DE || cp == 0x6E9)
			return C_SEP;
		if (cp <= 0x61C || (cp >= 0x64B && cp <= 0x65F) || cp == 0x640 || cp == 0x670 ||
		    (cp >= 0x6D6 && cp <= 0x6ED))
			return C_DROP;
		if (cp == 0x622 || cp == 0x623 || cp == 0x625 || cp == 0x671)
			cp = 0x627;
		else if (cp == 0x629)
			cp = 0x647;
		else if (cp == 0x649 || cp == 0x6CC)
			cp = 0x64A;
		else if (cp == 0x6A9)
			cp = 0x643;
		else if (cp >= 0x660 && cp <= 0x669)
			cp = '0' + (cp - 0x660);
		else if (cp >= 0x6F0 && cp <= 0x6F9)
			cp = '0' + (cp - 0x6F0);
		return S_put(out, cp);
	}
	if (cp < 0x2000)
		return S_put(out, cp);
	if (cp < 0x2070) {
		if ((cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064))
			return C_DROP;
		if (cp == 0x2010 || cp == 0x2011)
			return C_HYPHEN;
		if (cp == 0x2018 || cp == 0x2019)
			return C_APOS;
		return C_SEP;
	}
	if (cp < 0x3040 || (cp >= 0xD800 && cp < 0xF900))
		return C_SEP;
	if (cp < 0xFE00)
		return S_put(out, cp);
	if (cp < 0xFE10 || cp == 0xFEFF)
		return C_DROP;
	if (cp >= 0xFE70 && cp < 0xFEFF)
		return S_put(out, cp);
	return C_SEP;
}

/* Decode one code point at s[i..len); sets *n to the bytes used. Invalid
 * UTF-8 (overlong, surrogate, past U+10FFFF, cut short) yields U+FFFD's
 * class, a separator, for one byte. */
static uint32_t S_decode(const unsigned char *s, size_t i, size_t len, size_t *n)
{
	unsigned c = s[i];
	uint32_t cp, min;
	size_t need;
	*n = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, cp = c & 0x07, min = 0x10000;
	else
		return 0xFFFD;
	if (len - i - 1 < need)
		return 0xFFFD;
	for (size_t k = 1; k <= need; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = cp << 6 | (s[i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	*n = need + 1;
	return cp;
}

static inline int S_class_at(const char *s, size_t i, size_t len, char *out, size_t *n)
{
	if ((unsigned char)s[i] < 0x80) {
		*n = 1;
		return S_fold_ascii((unsigned char)s[i], out);
	}
	uint32_t cp = S_decode((const unsigned char *)s, i, len, n);
	return S_fold(cp, out);
}

void search_normalise(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, n;
	char tmp[4];
	while (i < len) {
		int c = S_class_at(s, i, len, tmp, &n);
		i += n;
		if (c > 0)
			buf_add(out, tmp, (size_t)c);
		else if (c == C_SEP || c == C_APOS || c == C_HYPHEN)
			buf_addch(out, ' ');
	}
}

/* Emit the hyphen group collected in parts (offsets ends[] into w). */
static void S_flush(struct buf *w, size_t *ends, size_t *nparts, search_word_fn fn, void *arg)
{
	if (w->len > 0 && (*nparts == 0 || ends[*nparts - 1] != w->len))
		ends[(*nparts)++] = w->len;
	if (*nparts == 1) {
		fn(arg, w->ptr, w->len, 0);
	} else if (*nparts > 1) {
		struct buf p = BUF_INIT;
		size_t start = 0;
		for (size_t k = 0; k < *nparts; k++) {
			buf_reset(&p);
			buf_add(&p, w->ptr + start, ends[k] - start);
			fn(arg, p.ptr, p.len, 1);
			start = ends[k];
		}
		buf_free(&p);
		fn(arg, w->ptr, w->len, 0);
	}
	buf_reset(w);
	*nparts = 0;
}

enum { GROUP_MAX = 16 }; /* parts in one hyphen group; further hyphens separate */

/* buf_add for a word's next character (at most 4 bytes): inline while it
 * fits, as every character of a site's text comes through here. */
static inline void S_push(struct buf *w, const char *p, size_t n)
{
	if (w->len + n < w->cap) {
		memcpy(w->ptr + w->len, p, n);
		w->len += n;
		w->ptr[w->len] = '\0';
		return;
	}
	buf_add(w, p, n);
}

void search_words(const char *s, size_t len, search_word_fn fn, void *arg)
{
	struct buf w = BUF_INIT;
	size_t ends[GROUP_MAX], nparts = 0, i = 0, n, n2;
	char tmp[4], tmp2[4];
	while (i < len) {
		int c = S_class_at(s, i, len, tmp, &n);
		i += n;
		if (c > 0) {
			S_push(&w, tmp, (size_t)c);
			continue;
		}
		if (c == C_DROP)
			continue;
		int next = i < len ? S_class_at(s, i, len, tmp2, &n2) : C_SEP;
		if (c == C_APOS && w.len > 0 && next > 0)
			continue;
		if (c == C_HYPHEN && w.len > 0 && next > 0 && nparts < GROUP_MAX - 1) {
			if (nparts == 0 || ends[nparts - 1] != w.len)
				ends[nparts++] = w.len;
			continue;
		}
		S_flush(&w, ends, &nparts, fn, arg);
	}
	S_flush(&w, ends, &nparts, fn, arg);
	buf_free(&w);
}

int search_lang_find(const char *code)
{
	for (int i = 0; i < SEARCH_LANG__MAX; i++)
		if (code && *code && strcmp(code, langs[i].code) == 0)
			return i;
	return -1;
}

const char *search_lang_stemmer(enum search_lang lang)
{
	return (unsigned)lang < SEARCH_LANG__MAX && langs[lang].snowball ? langs[lang].snowball : "";
}

const char *search_lang_code(enum search_lang lang)
{
	return (unsigned)lang < SEARCH_LANG__MAX ? langs[lang].code : NULL;
}

const char *search_kind_name(enum search_kind kind)
{
	return (unsigned)kind < SEARCH_KIND__MAX ? kinds[kind] : NULL;
}

int search_field_weight(enum search_field field)
{
	return (unsigned)field < SEARCH_FIELD__MAX ? weights[field] : 0;
}

const char *search_err_text(enum search_err err)
{
	return (unsigned)err < SEARCH_ERR__MAX ? errs[err] : "unknown error";
}

int search_is_stop(enum search_lang lang, const char *word, size_t len)
{
	if ((unsigned)lang >= SEARCH_LANG__MAX || len == 0 || len > 32)
		return 0;
	char key[36];
	key[0] = ' ';
	memcpy(key + 1, word, len);
	key[len + 1] = ' ';
	key[len + 2] = '\0';
	return strstr(stops[lang], key) != NULL;
}

struct search_stemmer {
	enum search_lang lang;
	struct sb_stemmer *sb; /* NULL: no stemming */
};

struct search_stemmer *search_stemmer_new(enum search_lang lang)
{
	if ((unsigned)lang >= SEARCH_LANG__MAX)
		return NULL;
	struct search_stemmer *st = xcalloc(1, sizeof *st);
	st->lang = lang;
	if (langs[lang].snowball) {
		st->sb = sb_stemmer_new(langs[lang].snowball, "UTF_8");
		if (!st->sb) {
			free(st);
			return NULL;
		}
	}
	return st;
}

void search_stemmer_free(struct search_stemmer *st)
{
	if (!st)
		return;
	if (st->sb)
		sb_stemmer_delete(st->sb);
	free(st);
}

static size_t S_codepoints(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static int S_az(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

int search_term(struct search_stemmer *st, const char *word, size_t len, struct buf *term)
{
	size_t cps = S_codepoints(word, len);
	if (cps < SEARCH_WORD_MIN || cps > SEARCH_WORD_MAX || search_is_stop(st->lang, word, len))
		return -1;
	buf_reset(term);
	if (st->sb && S_az(word, len)) {
		const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
		if (r) {
			buf_add(term, r, (size_t)sb_stemmer_length(st->sb));
			return 0;
		}
	}
	buf_add(term, word, len);
	return 0;
}

int search_split(struct search_stemmer *st, const char *word, size_t len, search_vocab_fn known,
    void *arg, struct buf *a, struct buf *b)
{
	if (st->lang != SEARCH_NL || len < SEARCH_SPLIT_MIN || len > SEARCH_WORD_MAX || !S_az(word, len))
		return -1;
	for (size_t i = len - SEARCH_PART_MIN; i >= SEARCH_PART_MIN; i--) {
		if (search_term(st, word + i, len - i, b) != 0 || !known(arg, b->ptr, b->len))
			continue;
		/* the head as it is, then without a linking s, en or e */
		size_t heads[4], nh = 0;
		heads[nh++] = i;
		if (word[i - 1] == 's')
			heads[nh++] = i - 1;
		if (i >= 2 && word[i - 2] == 'e' && word[i - 1] == 'n')
			heads[nh++] = i - 2;
		if (word[i - 1] == 'e')
			heads[nh++] = i - 1;
		for (size_t k = 0; k < nh; k++) {
			if (heads[k] < SEARCH_PART_MIN)
				continue;
			if (search_term(st, word, heads[k], a) == 0 && known(arg, a->ptr, a->len))
				return 0;
		}
	}
	buf_reset(a);
	buf_reset(b);
	return -1;
}

/* The index builder. */

struct winfo;
struct word {
	struct winfo *wi; /* the distinct word */
	unsigned char field;
};

struct doc {
	enum search_kind kind;
	const char *url, *title, *plan;
	struct word *words;
	size_t nwords, capwords;
	size_t nr; /* position after sorting by url */
};

/* ---- rendered HTML as the index reads it ---- */

/* The character an HTML entity stands for, appended to out; returns the
 * bytes of the entity consumed (0: not an entity, the '&' stays text). */
static size_t S_entity(const char *p, struct buf *out)
{
	static const struct { const char *name; const char *text; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&#39;", "'" }, { "&nbsp;", " " }, { "&apos;", "'" },
	};
	for (size_t i = 0; i < sizeof ents / sizeof *ents; i++) {
		size_t n = strlen(ents[i].name);
		if (!strncmp(p, ents[i].name, n)) {
			buf_adds(out, ents[i].text);
			return n;
		}
	}
	if (p[1] == '#') {
		char *end;
		unsigned long cp = p[2] == 'x' || p[2] == 'X' ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
		if (*end == ';' && cp > 0 && cp < 0x110000) {
			buf_addch(out, ' '); /* numeric entities: only separators come out of cmark */
			return (size_t)(end + 1 - p);
		}
	}
	return 0;
}

/* Text of html[0..len) into t: tags go, entities are decoded, a tag
 * separates words. */
static void S_strip(const char *p, const char *end, struct buf *t)
{
	while (p < end) {
		if (*p == '<') {
			const char *e = memchr(p, '>', (size_t)(end - p));
			buf_addch(t, ' ');
			p = e ? e + 1 : end;
		} else if (*p == '&') {
			size_t n = S_entity(p, t);
			if (!n)
				buf_addch(t, '&');
			p += n ? n : 1;
		} else {
			const char *q = p;
			while (q < end && *q != '<' && *q != '&')
				q++;
			buf_add(t, p, (size_t)(q - p));
			p = q;
		}
	}
}

void search_html_parts(const char *html, int body, search_html_fn fn, void *arg)
{
	struct buf tb = BUF_INIT, *t = &tb;
	const char *p = html, *end = html + strlen(html);
	while (p < end) {
		const char *h = p;
		while ((h = strstr(h, "<h")) && !(h[2] >= '1' && h[2] <= '6' && (h[3] == '>' || h[3] == ' ')))
			h += 2;
		const char *stop = h ? h : end;
		if (body) {
			buf_reset(t);
			S_strip(p, stop, t);
			fn(arg, 0, t->len ? t->ptr : "");
		}
		if (!h)
			break;
		const char *open_end = strchr(h, '>');
		const char *close = open_end ? strstr(open_end, "</h") : NULL;
		if (!close)
			break;
		buf_reset(t);
		S_strip(open_end + 1, close, t);
		fn(arg, 1, t->len ? t->ptr : "");
		const char *after = strchr(close, '>');
		p = after ? after + 1 : end;
	}
	buf_free(t);
}

struct posting;
struct hit {
	const char *term;
	int score;
	struct posting *post;
};

struct posting {
	const char *term;
	size_t *pairs; /* doc, score, doc, score ... */
	size_t n, cap;
	size_t mark, slot; /* while scoring: doc number + 1 and its place in hits[] */
};

/* A distinct word (normalised, in the arena) and, while writing, what it
 * leads to: its term's posting (NULL: filtered out) and, once looked for,
 * its compound halves' (NULL, NULL: none). */
struct winfo {
	const char *text;
	size_t len;
	struct posting *p, *sa, *sb;
	int split_tried;
	size_t cid;        /* its id in the index's word cache + 1; 0: not looked up */
};

/* A text the word cache knows: its key and its words' ids. */
struct wc_text {
	uint64_t lo, hi;       /* XXH3-128 of the text */
	uint32_t len;          /* its length: a second check */
	uint32_t first, n;     /* its words: ids[first .. first + n) */
	uint32_t gen;          /* the last build that looked it up */
	int used;              /* 0: an empty slot */
};

struct search_wcache {
	struct strmap *words;  /* word -> its id + 1 */
	char **word;           /* id -> word (malloc'd) */
	size_t nword, capword;
	struct wc_text *texts; /* open addressing on lo; cap a power of two */
	size_t ntexts, cap;
	uint32_t *ids;
	size_t nids, capids;
	size_t live;           /* ids of the texts this build looked up */
	uint32_t gen;          /* this build's number */
	size_t hits, misses;
};

struct search_index {
	enum search_lang lang;
	struct arena a;
	struct doc **docs;
	size_t ndocs, capdocs;
	struct search_stemmer *st;
	enum search_err err;
	struct strmap *wmap;     /* word -> struct winfo: each distinct word once */
	struct winfo **wlist;
	size_t nwlist, capwlist;
	struct search_wcache *wc; /* search_index_use: NULL, or the texts' words from before */
	struct winfo **byid;      /* word cache id -> this index's winfo (NULL: not yet) */
	size_t capbyid;
};

struct search_index *search_index_new(enum search_lang lang)
{
	if ((unsigned)lang >= SEARCH_LANG__MAX)
		return NULL;
	struct search_index *ix = xcalloc(1, sizeof *ix);
	ix->lang = lang;
	arena_init(&ix->a);
	ix->st = search_stemmer_new(lang);
	ix->wmap = strmap_new();
	if (!ix->st)
		ix->err = SEARCH_E_STEMMER;
	return ix;
}

void search_index_free(struct search_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->ndocs; i++)
		free(ix->docs[i]->words);
	free(ix->docs);
	search_stemmer_free(ix->st);
	strmap_free(ix->wmap);
	free(ix->wlist);
	free(ix->byid);
	arena_free(&ix->a);
	free(ix);
}

enum search_err search_index_doc(struct search_index *ix, enum search_kind kind, const char *url,
    const char *title, const char *plan)
{
	if ((unsigned)kind >= SEARCH_KIND__MAX || !url || !title)
		return SEARCH_E_KIND;
	if (ix->ndocs >= SEARCH_DOCS_MAX)
		return SEARCH_E_TOO_MANY;
	struct doc *d = arena_zalloc(&ix->a, sizeof *d);
	d->kind = kind;
	d->url = arena_strdup(&ix->a, url);
	d->title = arena_strdup(&ix->a, title);
	d->plan = arena_strdup(&ix->a, plan ? plan : "");
	ix->docs = xgrow(ix->docs, &ix->capdocs, ix->ndocs + 1, sizeof *ix->docs);
	ix->docs[ix->ndocs++] = d;
	return SEARCH_OK;
}

struct addctx {
	struct search_index *ix;
	struct doc *d;
	unsigned char field;
	int record;           /* also append each word's id to the cache's ids */
};

/* The index's distinct word `word` (NUL-terminated, `len` bytes). */
static struct winfo *S_winfo(struct search_index *ix, const char *word, size_t len)
{
	struct winfo *wi = strmap_get(ix->wmap, word);
	if (!wi) {
		wi = arena_zalloc(&ix->a, sizeof *wi);
		wi->text = arena_strndup(&ix->a, word, len);
		wi->len = len;
		strmap_put(ix->wmap, wi->text, wi);
		ix->wlist = xgrow(ix->wlist, &ix->capwlist, ix->nwlist + 1, sizeof *ix->wlist);
		ix->wlist[ix->nwlist++] = wi;
	}
	return wi;
}

/* The word cache's id of the index's word `wi` (added when new). */
static uint32_t S_wc_id(struct search_index *ix, struct winfo *wi)
{
	struct search_wcache *wc = ix->wc;
	if (!wi->cid) {
		size_t id = (size_t)(uintptr_t)strmap_get(wc->words, wi->text);
		if (!id) {
			wc->word = xgrow(wc->word, &wc->capword, wc->nword + 1, sizeof *wc->word);
			wc->word[wc->nword] = xstrndup(wi->text, wi->len);
			strmap_put(wc->words, wc->word[wc->nword], (void *)(uintptr_t)(wc->nword + 1));
			id = ++wc->nword;
		}
		wi->cid = id;
		size_t old = ix->capbyid;
		ix->byid = xgrow(ix->byid, &ix->capbyid, id, sizeof *ix->byid);
		memset(ix->byid + old, 0, (ix->capbyid - old) * sizeof *ix->byid);
		ix->byid[id - 1] = wi;
	}
	return (uint32_t)(wi->cid - 1);
}

static void S_add_word(void *arg, const char *word, size_t len, int part)
{
	struct addctx *c = arg;
	struct doc *d = c->d;
	d->words = xgrow(d->words, &d->capwords, d->nwords + 1, sizeof *d->words);
	struct search_index *ix = c->ix;
	struct winfo *wi = S_winfo(ix, word, len);
	d->words[d->nwords++] = (struct word){ wi, c->field };
	if (c->record) {
		struct search_wcache *wc = ix->wc;
		uint32_t id = S_wc_id(ix, wi);
		wc->ids = xgrow(wc->ids, &wc->capids, wc->nids + 1, sizeof *wc->ids);
		wc->ids[wc->nids++] = id;
	}
}

/* The slot of the text with this key and length: its own, or the empty
 * one where it would go. */
static struct wc_text *S_wc_slot(const struct search_wcache *wc, uint64_t lo, uint64_t hi, uint32_t len)
{
	size_t mask = wc->cap - 1;
	for (size_t i = (size_t)lo & mask;; i = (i + 1) & mask) {
		struct wc_text *t = &wc->texts[i];
		if (!t->used || (t->lo == lo && t->hi == hi && t->len == len))
			return t;
	}
}

/* Rebuild the table with room for `want` texts, keeping those of this build
 * (all: every text) and their ids only. */
static void S_wc_rehash(struct search_wcache *wc, size_t want, int all)
{
	struct wc_text *old = wc->texts;
	size_t oldcap = wc->cap;
	uint32_t *oldids = wc->ids;
	size_t cap = 64;
	while (cap < 2 * want)
		cap *= 2;
	wc->texts = xcalloc(cap, sizeof *wc->texts);
	wc->cap = cap;
	wc->ntexts = 0;
	wc->ids = NULL;
	wc->nids = wc->capids = 0;
	for (size_t i = 0; i < oldcap; i++) {
		struct wc_text t = old[i];
		if (!t.used || (!all && t.gen != wc->gen))
			continue;
		wc->ids = xgrow(wc->ids, &wc->capids, wc->nids + t.n, sizeof *wc->ids);
		memcpy(wc->ids + wc->nids, oldids + t.first, t.n * sizeof *wc->ids);
		t.first = (uint32_t)wc->nids;
		wc->nids += t.n;
		*S_wc_slot(wc, t.lo, t.hi, t.len) = t;
		wc->ntexts++;
	}
	free(old);
	free(oldids);
}

/* search_index_field through the word cache. */
static void S_field_cached(struct search_index *ix, struct addctx *c, const char *text, size_t len)
{
	struct search_wcache *wc = ix->wc;
	XXH128_hash_t h = XXH3_128bits(text, len);
	struct wc_text *t = S_wc_slot(wc, h.low64, h.high64, (uint32_t)len);
	if (t->used) {
		wc->hits++;
		if (t->gen != wc->gen) {
			t->gen = wc->gen;
			wc->live += t->n;
		}
		struct doc *d = c->d;
		d->words = xgrow(d->words, &d->capwords, d->nwords + t->n, sizeof *d->words);
		for (uint32_t k = 0; k < t->n; k++) {
			uint32_t id = wc->ids[t->first + k];
			struct winfo *wi = id < ix->capbyid ? ix->byid[id] : NULL;
			if (!wi) {
				wi = S_winfo(ix, wc->word[id], strlen(wc->word[id]));
				if (!wi->cid)
					S_wc_id(ix, wi);
			}
			d->words[d->nwords++] = (struct word){ wi, c->field };
		}
		return;
	}
	wc->misses++;
	if (wc->nids > UINT32_MAX / 2) { /* full (never on a real site): no more texts */
		search_words(text, len, S_add_word, c);
		return;
	}
	if (2 * (wc->ntexts + 1) > wc->cap) /* before its ids: a rehash moves them */
		S_wc_rehash(wc, wc->ntexts + 1, 1);
	size_t first = wc->nids;
	c->record = 1;
	search_words(text, len, S_add_word, c);
	t = S_wc_slot(wc, h.low64, h.high64, (uint32_t)len);
	*t = (struct wc_text){ h.low64, h.high64, (uint32_t)len, (uint32_t)first, (uint32_t)(wc->nids - first),
			       wc->gen, 1 };
	wc->ntexts++;
	wc->live += t->n;
}

enum search_err search_index_field(struct search_index *ix, enum search_field field, const char *text,
    size_t len)
{
	if ((unsigned)field >= SEARCH_FIELD__MAX)
		return SEARCH_E_KIND;
	if (ix->ndocs == 0)
		return SEARCH_E_NODOC;
	if (len > SEARCH_TEXT_MAX)
		return SEARCH_E_TEXT;
	struct addctx c = { ix, ix->docs[ix->ndocs - 1], (unsigned char)field, 0 };
	if (ix->wc)
		S_field_cached(ix, &c, text, len);
	else
		search_words(text, len, S_add_word, &c);
	return SEARCH_OK;
}

struct search_wcache *search_wcache_new(void)
{
	struct search_wcache *wc = xcalloc(1, sizeof *wc);
	wc->words = strmap_new();
	wc->cap = 64;
	wc->texts = xcalloc(wc->cap, sizeof *wc->texts);
	wc->gen = 1;
	return wc;
}

void search_wcache_free(struct search_wcache *wc)
{
	if (!wc)
		return;
	for (size_t i = 0; i < wc->nword; i++)
		free(wc->word[i]);
	free(wc->word);
	strmap_free(wc->words);
	free(wc->texts);
	free(wc->ids);
	free(wc);
}

void search_index_use(struct search_index *ix, struct search_wcache *wc)
{
	ix->wc = wc;
	if (wc)
		wc->hits = wc->misses = 0;
}

void search_wcache_stats(const struct search_wcache *wc, size_t *builds, size_t *texts, size_t *hits,
			 size_t *misses)
{
	*builds = wc->gen - 1;
	*texts = wc->ntexts;
	*hits = wc->hits;
	*misses = wc->misses;
}

/* The encoding (search_wcache_encode): a header of four u64 (magic, words,
 * texts, ids), each word with its NUL, each text as struct wc_file, each
 * id as u32; machine byte order (a local cache). */
#define WC_MAGIC 0x31636877646868ull /* "hhdwhc1" */

struct wc_file {
	uint64_t lo, hi;
	uint32_t len, first, n, pad;
};

void search_wcache_encode(const struct search_wcache *wc, struct buf *out)
{
	uint64_t head[4] = { WC_MAGIC, wc->nword, wc->ntexts, wc->nids };
	size_t words = 0;
	for (size_t i = 0; i < wc->nword; i++)
		words += strlen(wc->word[i]) + 1;
	buf_grow(out, sizeof head + words + wc->ntexts * sizeof(struct wc_file) + wc->nids * sizeof *wc->ids);
	buf_add(out, head, sizeof head);
	for (size_t i = 0; i < wc->nword; i++)
		buf_add(out, wc->word[i], strlen(wc->word[i]) + 1);
	for (size_t i = 0; i < wc->cap; i++) {
		const struct wc_text *t = &wc->texts[i];
		if (!t->used)
			continue;
		struct wc_file f = { t->lo, t->hi, t->len, t->first, t->n, 0 };
		buf_add(out, &f, sizeof f);
	}
	buf_add(out, wc->ids, wc->nids * sizeof *wc->ids);
}

struct search_wcache *search_wcache_decode(const void *data, size_t len)
{
	const char *p = data, *end = p + len;
	uint64_t head[4];
	if (len < sizeof head)
		return NULL;
	memcpy(head, p, sizeof head);
	p += sizeof head;
	/* every count bounded by the bytes it needs, so no product overflows */
	if (head[0] != WC_MAGIC || head[1] > len || head[2] > len / sizeof(struct wc_file) ||
	    head[3] > len / sizeof(uint32_t) || head[3] > UINT32_MAX)
		return NULL;
	struct search_wcache *wc = search_wcache_new();
	for (uint64_t i = 0; i < head[1]; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul || nul == p)
			goto bad;
		char *w = xstrndup(p, (size_t)(nul - p));
		wc->word = xgrow(wc->word, &wc->capword, wc->nword + 1, sizeof *wc->word);
		wc->word[wc->nword++] = w;
		if (strmap_put(wc->words, w, (void *)(uintptr_t)wc->nword))
			goto bad; /* twice */
		p = nul + 1;
	}
	if ((size_t)(end - p) != head[2] * sizeof(struct wc_file) + head[3] * sizeof(uint32_t))
		goto bad;
	S_wc_rehash(wc, (size_t)head[2], 1); /* an empty table with room for them */
	for (uint64_t i = 0; i < head[2]; i++) {
		struct wc_file f;
		memcpy(&f, p, sizeof f);
		p += sizeof f;
		struct wc_text *t = S_wc_slot(wc, f.lo, f.hi, f.len);
		if (t->used || f.first > head[3] || f.n > head[3] - f.first)
			goto bad;
		*t = (struct wc_text){ f.lo, f.hi, f.len, f.first, f.n, 0, 1 };
		wc->ntexts++;
	}
	wc->nids = wc->capids = (size_t)head[3];
	wc->ids = xmalloc((wc->nids ? wc->nids : 1) * sizeof *wc->ids);
	memcpy(wc->ids, p, wc->nids * sizeof *wc->ids);
	for (size_t i = 0; i < wc->nids; i++)
		if (wc->ids[i] >= wc->nword)
			goto bad;
	return wc;
bad:
	search_wcache_free(wc);
	return NULL;
}

/* The end of a build that used the cache: when the texts it did not look
 * up hold more ids than those it did, they go. */
static void S_wc_sweep(struct search_wcache *wc)
{
	if (wc->nids > 2 * wc->live + 4096)
		S_wc_rehash(wc, wc->ntexts, 0);
	wc->gen++;
	wc->live = 0;
}

static int S_doc_cmp(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a, *y = *(struct doc *const *)b;
	int r = strcmp(x->url, y->url);
	return r ? r : strcmp(x->title, y->title);
}

static int S_hit_score_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->term, y->term);
}

static int S_post_cmp(const void *a, const void *b)
{
	return strcmp((*(struct posting *const *)a)->term, (*(struct posting *const *)b)->term);
}

static int S_known(void *arg, const char *term, size_t len)
{
	return strmap_get(arg, term) != NULL;
}

/* JSON string, with <, > and & escaped so the text may sit in HTML too. */
static void S_json_str(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			buf_addf(out, "\\u%04x", c);
		else
			buf_addch(out, (char)c);
	}
	buf_addch(out, '"');
}

/* Count a term for document `doc` (its number + 1): each posting knows
 * whether it has a hit in this document yet and where. */
static void S_hit(struct posting *p, size_t doc, struct hit **hits, size_t *nhits, size_t *cap, int score)
{
	if (p->mark == doc) {
		(*hits)[p->slot].score += score;
		return;
	}
	*hits = xgrow(*hits, cap, *nhits + 1, sizeof **hits);
	p->mark = doc;
	p->slot = *nhits;
	(*hits)[(*nhits)++] = (struct hit){ p->term, score, p };
}

/* n in decimal at w (room for 20 digits); returns the end (buf_addf's cost
 * shows in a large index) */
static char *S_num_at(char *w, size_t n)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	do
		*--q = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	memcpy(w, q, (size_t)(e - q));
	return w + (e - q);
}

static void S_num(struct buf *out, size_t n)
{
	buf_grow(out, 24);
	out->len = (size_t)(S_num_at(out->ptr + out->len, n) - out->ptr);
	out->ptr[out->len] = '\0';
}

enum search_err search_index_write(struct search_index *ix, struct buf *out)
{
	buf_reset(out);
	if (ix->err)
		return ix->err;
	struct strmap *vocab = strmap_new(); /* term -> posting */
	struct buf t = BUF_INIT, ha = BUF_INIT, hb = BUF_INIT;
	struct posting **posts = NULL;
	size_t nposts = 0, capposts = 0;
	enum search_err rc = SEARCH_OK;

	/* 1: every word's term, and the vocabulary */
	for (size_t i = 0; i < ix->nwlist; i++) {
		struct winfo *wi = ix->wlist[i];
		wi->p = wi->sa = wi->sb = NULL;
		wi->split_tried = 0;
		if (search_term(ix->st, wi->text, wi->len, &t) != 0)
			continue;
		wi->p = strmap_get(vocab, t.ptr);
		if (!wi->p) {
			struct posting *p = arena_zalloc(&ix->a, sizeof *p);
			p->term = arena_strndup(&ix->a, t.ptr, t.len);
			strmap_put(vocab, p->term, p);
			posts = xgrow(posts, &capposts, nposts + 1, sizeof *posts);
			posts[nposts++] = p;
			wi->p = p;
		}
	}
	if (ix->ndocs > 1) /* qsort must not see the NULL of an empty array */
		qsort(ix->docs, ix->ndocs, sizeof *ix->docs, S_doc_cmp);

	/* 2: per document, the scored terms (compound halves count half) */
	unsigned long long total = 0;
	size_t *lens = xcalloc(ix->ndocs + 1, sizeof *lens);
	struct hit *hits = NULL;
	size_t caphits = 0;
	for (size_t i = 0; i < ix->ndocs; i++) {
		struct doc *d = ix->docs[i];
		size_t nhits = 0;
		for (size_t k = 0; k < d->nwords; k++) {
			const struct word *w = &d->words[k];
			struct winfo *wi = w->wi;
			if (!wi->p)
				continue;
			int wt = weights[w->field];
			S_hit(wi->p, i + 1, &hits, &nhits, &caphits, 2 * wt);
			/* a word's split is looked for once: it tries many cuts,
			 * each through the stemmer */
			if (!wi->split_tried) {
				wi->split_tried = 1;
				if (search_split(ix->st, wi->text, wi->len, S_known, vocab, &ha, &hb) == 0) {
					wi->sa = strmap_get(vocab, ha.ptr);
					wi->sb = strmap_get(vocab, hb.ptr);
				}
			}
			if (wi->sa && wi->sb) {
				S_hit(wi->sa, i + 1, &hits, &nhits, &caphits, wt);
				S_hit(wi->sb, i + 1, &hits, &nhits, &caphits, wt);
			}
		}
		if (nhits > SEARCH_DOC_TERMS_MAX) {
			qsort(hits, nhits, sizeof *hits, S_hit_score_cmp);
			nhits = SEARCH_DOC_TERMS_MAX;
		}
		/* in any order: each posting gets this document's pair after
		 * those of the documents before it */
		for (size_t k = 0; k < nhits; k++) {
			struct posting *p = hits[k].post;
			p->pairs = xgrow(p->pairs, &p->cap, p->n + 2, sizeof *p->pairs);
			p->pairs[p->n++] = i;
			p->pairs[p->n++] = (size_t)hits[k].score;
			lens[i] += (size_t)hits[k].score;
		}
		total += lens[i];
	}
	free(hits);

	/* 3: the JSON */
	buf_addf(out, "{\"v\":2,\"lang\":\"%s\",\"stem\":\"%s\",\"kinds\":[", langs[ix->lang].code,
	    search_lang_stemmer(ix->lang));
	for (int k = 0; k < SEARCH_KIND__MAX; k++)
		buf_addf(out, "%s\"%s\"", k ? "," : "", kinds[k]);
	buf_adds(out, "],\"fields\":[");
	for (int k = 0; k < SEARCH_FIELD__MAX; k++)
		buf_addf(out, "%s%d", k ? "," : "", weights[k]);
	buf_addf(out, "],\"n\":%zu,\"avgdl\":%llu,\"docs\":[", ix->ndocs,
	    ix->ndocs ? (total + ix->ndocs / 2) / ix->ndocs : 0ULL);
	for (size_t i = 0; i < ix->ndocs; i++) {
		const struct doc *d = ix->docs[i];
		buf_adds(out, i ? ",[" : "[");
		S_num(out, (size_t)d->kind);
		buf_addch(out, ',');
		S_json_str(out, d->url);
		buf_addch(out, ',');
		S_json_str(out, d->title);
		buf_addch(out, ',');
		S_json_str(out, d->plan);
		buf_addch(out, ',');
		S_num(out, lens[i]);
		buf_addch(out, ']');
	}
	buf_adds(out, "],\"terms\":{");
	if (nposts > 1)
		qsort(posts, nposts, sizeof *posts, S_post_cmp);
	int first = 1;
	for (size_t i = 0; i < nposts && out->len <= SEARCH_INDEX_MAX; i++) {
		const struct posting *p = posts[i];
		if (p->n == 0)
			continue;
		if (!first)
			buf_addch(out, ',');
		first = 0;
		S_json_str(out, p->term);
		buf_adds(out, ":[");
		/* a posting may hold 10,000 numbers: room for all, then written in place */
		buf_grow(out, p->n * 21 + 2);
		char *w = out->ptr + out->len;
		for (size_t k = 0; k < p->n; k++) {
			if (k)
				*w++ = ',';
			w = S_num_at(w, p->pairs[k]);
		}
		*w++ = ']';
		out->len = (size_t)(w - out->ptr);
		out->ptr[out->len] = '\0';
	}
	buf_adds(out, "}}\n");
	if (out->len > SEARCH_INDEX_MAX) {
		rc = SEARCH_E_TOO_BIG;
		buf_reset(out);
	}

	for (size_t i = 0; i < nposts; i++)
		free(posts[i]->pairs);
	free(posts);
	free(lens);
	if (ix->wc)
		S_wc_sweep(ix->wc);
	buf_free(&t);
	buf_free(&ha);
	buf_free(&hb);
	strmap_free(vocab);
	return rc;
}
