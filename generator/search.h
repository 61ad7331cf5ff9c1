/* search.h: the build side of the site search.
 *
 * Text becomes terms in four steps, and themes/default/assets/search.js
 * repeats the same four steps in the browser, so a visitor's words meet the
 * index's terms (tests/search/equiv checks that the two agree on every word
 * of large word lists):
 *
 *   1. normalise: one code point at a time, by one fixed table (no locale):
 *      A-Z and Latin letters with diacritics fold to a-z ("É" -> "e",
 *      "ł" -> "l", "ş" -> "s", "ı"/"İ" -> "i", "ß" -> "ss", "ĳ" -> "ij");
 *      Arabic loses tashkeel and tatweel, alef forms become bare alef,
 *      taa marbuta becomes haa, alef maksura becomes yaa, Arabic-Indic
 *      digits become 0-9; combining marks, soft hyphens and zero-width
 *      characters vanish; other letters stay as they are; everything else
 *      separates words.
 *   2. tokenise: words are runs of word characters; an apostrophe inside a
 *      word vanishes ("klant's" -> "klants"); words joined by hyphens give
 *      each part and the whole ("e-mail" -> "e", "mail", "email").
 *   3. filter: words shorter than SEARCH_WORD_MIN or longer than
 *      SEARCH_WORD_MAX code points, and the language's stop words, go.
 *   4. stem: a word of a-z only is stemmed with Snowball (libstemmer 2.2)
 *      for nl ("dutch", Porter's Dutch) and en ("english", Porter2). Other
 *      words, and every word in tr, pl and ar, stay as normalised: libstemmer
 *      has Turkish and Arabic stemmers but the browser would need a port of
 *      each, so those languages get folding only for now (pl has no Snowball
 *      stemmer at all).
 *
 * Dutch compounds: a word of SEARCH_SPLIT_MIN letters or more whose two
 * halves (each SEARCH_PART_MIN letters or more, with an optional linking
 * "s", "e" or "en" after the first) both stem to terms in the language's
 * vocabulary is indexed under its halves too ("wachtwoordmanager" ->
 * "wachtwoord" + "manag"). The vocabulary at build time is every term of
 * the language's documents; in the browser it is the index's terms.
 *
 * The index builder takes documents (kind, url, title, plan id, weighted
 * text fields) and writes one JSON object per language, sorted, so the same
 * site gives the same bytes:
 *
 *   {"v":2,"lang":"nl","stem":"dutch","kinds":["plan","outcome","tip","page","org"],
 *    "fields":[...weights...],"n":DOCS,"avgdl":AVG,
 *    "docs":[[KIND,"URL","TITLE","PLAN",LEN],...],
 *    "terms":{"TERM":[DOC,SCORE,DOC,SCORE,...],...}}
 *
 * "lang" names the rule set (stop words, compound splitting; "" for
 * SEARCH_FOLD) and "stem" the Snowball stemmer the terms went through ("" for
 * none): search.js stems a visitor's words with the stemmer the header names
 * and with none when it is "" or one it does not have, so a language gets
 * a stemmer in the browser only once both sides have it.
 *
 * DOC is the index into docs (sorted by url, then title); SCORE, in half
 * units, is the sum over the document's words of 2 * the field's weight
 * (1 * the weight for each half of a split compound); LEN is the sum of the
 * document's SCOREs; PLAN is "" for non-plans. Terms are sorted bytewise,
 * which for these strings (all in the BMP) is JavaScript's order too. */
#ifndef HHD_SEARCH_H
#define HHD_SEARCH_H

#include <stddef.h>

#include "buf.h"

/* Named limits. The JavaScript side repeats the word limits. */
enum {
	SEARCH_WORD_MIN = 2,        /* code points; shorter words are not indexed */
	SEARCH_WORD_MAX = 40,       /* code points; longer words are not indexed */
	SEARCH_SPLIT_MIN = 8,       /* letters a word needs before it is split */
	SEARCH_PART_MIN = 4,        /* letters each half of a split needs */
	SEARCH_DOC_TERMS_MAX = 500, /* distinct terms kept per document (best scores) */
	SEARCH_DOCS_MAX = 20000,    /* documents per index */
	SEARCH_INDEX_MAX = 8 << 20, /* bytes of JSON per index, before gzip */
	SEARCH_TEXT_MAX = 1 << 20,  /* bytes of text per field call */
};

/* SEARCH_FOLD: a site language with no rules of its own (not found by
 * search_lang_find): folding only, no stop words, no stemmer. */
enum search_lang { SEARCH_NL, SEARCH_EN, SEARCH_TR, SEARCH_PL, SEARCH_AR, SEARCH_FOLD, SEARCH_LANG__MAX };

enum search_kind { SEARCH_PLAN, SEARCH_OUTCOME, SEARCH_TIP, SEARCH_PAGE, SEARCH_ORG, SEARCH_KIND__MAX };

enum search_field {
	SEARCH_F_TITLE, SEARCH_F_KEYWORDS, SEARCH_F_SUMMARY, SEARCH_F_QUESTION, SEARCH_F_ANSWER,
	SEARCH_F_STEP, SEARCH_F_HEADING, SEARCH_F_BODY, SEARCH_FIELD__MAX
};

enum search_err {
	SEARCH_OK = 0,
	SEARCH_E_LANG,      /* language code not in the table */
	SEARCH_E_KIND,      /* kind or field out of range */
	SEARCH_E_NODOC,     /* search_index_field before search_index_doc */
	SEARCH_E_TOO_MANY,  /* more than SEARCH_DOCS_MAX documents */
	SEARCH_E_TEXT,      /* field text longer than SEARCH_TEXT_MAX */
	SEARCH_E_TOO_BIG,   /* index JSON larger than SEARCH_INDEX_MAX */
	SEARCH_E_STEMMER,   /* libstemmer could not be set up */
	SEARCH_ERR__MAX
};

/* "nl", "en", "tr", "pl", "ar" -> the enum, or -1 (use SEARCH_FOLD). */
int search_lang_find(const char *code);
/* The Snowball stemmer's name ("dutch"), or "" when lang is not stemmed. */
const char *search_lang_stemmer(enum search_lang lang);
const char *search_lang_code(enum search_lang lang);
const char *search_kind_name(enum search_kind kind);
int search_field_weight(enum search_field field);
const char *search_err_text(enum search_err err);

/* Append the normalised form of s[0..len) to out (step 1, with every
 * separator written as one space; invalid UTF-8 bytes separate words). */
void search_normalise(const char *s, size_t len, struct buf *out);

/* Rendered HTML as the index reads it: fn gets each heading's text
 * (<h1>..<h6>; heading 1) and, when `body` is set, the text before, between
 * and after them (heading 0), in order; tags separate words and entities
 * are decoded. The text is valid only during the call. */
typedef void (*search_html_fn)(void *arg, int heading, const char *text);
void search_html_parts(const char *html, int body, search_html_fn fn, void *arg);

/* Call fn for each word of s[0..len), normalised (steps 1 and 2), in text
 * order; `part` is 1 for the parts of a hyphenated word, 0 otherwise. The
 * word is NUL-terminated and valid only during the call. */
typedef void (*search_word_fn)(void *arg, const char *word, size_t len, int part);
void search_words(const char *s, size_t len, search_word_fn fn, void *arg);

/* 1 when the normalised word is one of lang's stop words. */
int search_is_stop(enum search_lang lang, const char *word, size_t len);

/* A stemmer per language; not shared between threads. */
struct search_stemmer;
struct search_stemmer *search_stemmer_new(enum search_lang lang);
void search_stemmer_free(struct search_stemmer *st);
/* Steps 3 and 4 for one normalised word: 0 and the term in *term (replacing
 * its contents), or -1 when the word is filtered out. */
int search_term(struct search_stemmer *st, const char *word, size_t len, struct buf *term);

/* Vocabulary lookup for compound splitting: returns 1 when term is known. */
typedef int (*search_vocab_fn)(void *arg, const char *term, size_t len);
/* Try to split the normalised word (Dutch only: other languages return -1).
 * On success, 0 and the two halves' terms in *a and *b. */
int search_split(struct search_stemmer *st, const char *word, size_t len, search_vocab_fn known,
    void *arg, struct buf *a, struct buf *b);

/* The index builder. Documents may come in any order; the output is sorted. */
struct search_index;
struct search_index *search_index_new(enum search_lang lang);
void search_index_free(struct search_index *ix);
/* Start a document; url and title are copied; plan may be NULL. */
enum search_err search_index_doc(struct search_index *ix, enum search_kind kind, const char *url,
    const char *title, const char *plan);
/* Add text to a field of the current document (may be called repeatedly). */
enum search_err search_index_field(struct search_index *ix, enum search_field field, const char *text,
    size_t len);
/* Write the index as JSON to out (replacing its contents). */
enum search_err search_index_write(struct search_index *ix, struct buf *out);

/* The words of texts an index had before, kept between builds by hhd serve
 * (one per language: one thread at a time): search_index_field looks its
 * text up by its 128-bit XXH3 and adds the words found there without
 * splitting the text again (steps 1 and 2 are the same for every language,
 * so a cache may serve another language's index too). Each index build
 * that uses the cache ends with a sweep: texts it did not look up are
 * forgotten once they outweigh the rest. */
struct search_wcache;
struct search_wcache *search_wcache_new(void);
void search_wcache_free(struct search_wcache *wc);
/* Let `ix` use `wc` (NULL: none) for its fields. */
void search_index_use(struct search_index *ix, struct search_wcache *wc);
/* How many index builds used the cache, the texts it holds, and of the
 * last build's lookups, how many hit and how many missed. */
void search_wcache_stats(const struct search_wcache *wc, size_t *builds, size_t *texts, size_t *hits,
			 size_t *misses);
/* The cache as bytes, appended to `out`, for another process
 * (search_wcache_decode): `hhd build` keeps it between builds. */
void search_wcache_encode(const struct search_wcache *wc, struct buf *out);
/* A cache from search_wcache_encode's bytes, or NULL when they are not
 * exactly such an encoding (every count, word and id checked). Its texts
 * count as not looked up yet by the next index build. */
struct search_wcache *search_wcache_decode(const void *data, size_t len);

#endif
