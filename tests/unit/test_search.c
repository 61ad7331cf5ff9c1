/* test_search.c: generator/search.c: normalisation, words, stop words,
 * stemming, compound splitting, the index builder and its limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search.h"
#include "t.h"

static const char *S_norm(const char *s)
{
	static struct buf b = BUF_INIT;
	buf_reset(&b);
	search_normalise(s, strlen(s), &b);
	return b.ptr;
}

struct collect {
	struct buf b;
	int n;
};

static void S_collect(void *arg, const char *w, size_t len, int part)
{
	struct collect *c = arg;
	if (c->n++)
		buf_addch(&c->b, '|');
	buf_add(&c->b, w, len);
	if (part)
		buf_addch(&c->b, '+');
	T_CHECK(w[len] == '\0');
}

static const char *S_words(const char *s, size_t len)
{
	static struct collect c = { BUF_INIT, 0 };
	buf_reset(&c.b);
	c.n = 0;
	search_words(s, len, S_collect, &c);
	return c.b.ptr;
}
#define WORDS(s) S_words(s, strlen(s))

static const char *S_term(struct search_stemmer *st, const char *w)
{
	static struct buf b = BUF_INIT;
	if (search_term(st, w, strlen(w), &b) != 0)
		return "(none)";
	return b.ptr;
}

static void test_normalise(void)
{
	T_STREQ(S_norm("ABC xyz 019"), "abc xyz 019");
	T_STREQ(S_norm("Één café, naïef; Ærø"), "een cafe  naief  aero");
	/* Turkish and Polish */
	T_STREQ(S_norm("İstanbul ışık ŞĞÇÖÜ"), "istanbul isik sgcou");
	T_STREQ(S_norm("Łódź Gdańsk źdźbło ŻÓŁW"), "lodz gdansk zdzblo zolw");
	T_STREQ(S_norm("Straße Œuvre Ĳssel þorn Ș ț"), "strasse oeuvre ijssel thorn s t");
	/* combining marks, soft hyphen and zero-width characters vanish */
	T_STREQ(S_norm("e\xcc\x81" "e wacht\xc2\xadwoord a\xe2\x80\x8b" "b"), "ee wachtwoord ab");
	/* Arabic: tashkeel and tatweel go; alef forms, taa marbuta, alef maksura */
	T_STREQ(S_norm("\xd9\x83\xd9\x8e\xd8\xaa\xd9\x8e\xd8\xa8\xd9\x8e"), "\xd9\x83\xd8\xaa\xd8\xa8");
	T_STREQ(S_norm("\xd8\xa3\xd8\xa5\xd8\xa2\xd9\xb1"), "\xd8\xa7\xd8\xa7\xd8\xa7\xd8\xa7");
	T_STREQ(S_norm("\xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd8\xa9"), "\xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd9\x87");
	T_STREQ(S_norm("\xd9\x85\xd8\xb3\xd8\xaa\xd8\xb4\xd9\x81\xd9\x89"), "\xd9\x85\xd8\xb3\xd8\xaa\xd8\xb4\xd9\x81\xd9\x8a");
	T_STREQ(S_norm("\xd8\xb9\xd9\x80\xd9\x80\xd8\xb1\xd8\xa8"), "\xd8\xb9\xd8\xb1\xd8\xa8");
	T_STREQ(S_norm("\xd9\xa1\xd9\xa2\xdb\xb3"), "123");
	/* punctuation, symbols, emoji and invalid UTF-8 separate */
	T_STREQ(S_norm("a,b\xe2\x80\x94" "c\xf0\x9f\x98\x80" "d\xff" "e\xc0\xaf" "f\xed\xa0\x80g"), "a b c d e  f   g");
	/* other scripts stay as they are */
	T_STREQ(S_norm("\xd0\x9f\xd1\x80\xd0\xb8"), "\xd0\x9f\xd1\x80\xd0\xb8");
}

static void test_words(void)
{
	T_STREQ(WORDS("Mijn PC zit op slot!"), "mijn|pc|zit|op|slot");
	T_STREQ(WORDS("e-mail IT-leverancier"), "e+|mail+|email|it+|leverancier+|itleverancier");
	T_STREQ(WORDS("klant's  'quoted' don\xe2\x80\x99t"), "klants|quoted|dont");
	T_STREQ(WORDS("- -a b- --c"), "a|b|c");
	T_STREQ(WORDS("a--b"), "a|b");
	T_STREQ(WORDS(""), "");
	T_STREQ(WORDS("   ...  "), "");
	/* a hyphen group holds at most 16 parts; the 16th hyphen separates */
	T_STREQ(WORDS("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p"),
	    "a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|abcdefghijklmnop");
	T_STREQ(WORDS("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q"),
	    "a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|abcdefghijklmnop|q");
	/* an embedded NUL separates and is never part of a word */
	T_STREQ(S_words("ab\0cd", 5), "ab|cd");
}

static void test_terms(void)
{
	struct search_stemmer *nl = search_stemmer_new(SEARCH_NL), *en = search_stemmer_new(SEARCH_EN);
	struct search_stemmer *ar = search_stemmer_new(SEARCH_AR);
	T_CHECK(nl && en && ar);
	T_CHECK(search_stemmer_new(SEARCH_LANG__MAX) == NULL);
	T_STREQ(S_term(nl, "wachtwoorden"), "wachtwoord");
	T_STREQ(S_term(nl, "betalingen"), "betal");
	T_STREQ(S_term(nl, "de"), "(none)");
	T_STREQ(S_term(nl, "mijn"), "(none)");
	T_STREQ(S_term(en, "hacked"), "hack");
	T_STREQ(S_term(en, "invoices"), "invoic");
	T_STREQ(S_term(en, "the"), "(none)");
	T_STREQ(S_term(en, "de"), "de"); /* stop words are per language */
	/* words with digits or other letters are not stemmed */
	T_STREQ(S_term(nl, "365"), "365");
	T_STREQ(S_term(en, "accounts2"), "accounts2");
	T_STREQ(S_term(ar, "\xd9\x83\xd8\xaa\xd8\xa8"), "\xd9\x83\xd8\xaa\xd8\xa8");
	/* SEARCH_WORD_MIN and SEARCH_WORD_MAX, in code points */
	T_STREQ(S_term(en, "x"), "(none)");
	T_STREQ(S_term(en, "xq"), "xq");
	char w[SEARCH_WORD_MAX + 2];
	memset(w, 'q', sizeof w);
	w[SEARCH_WORD_MAX] = '\0';
	T_CHECK(strlen(S_term(en, w)) == SEARCH_WORD_MAX);
	w[SEARCH_WORD_MAX] = 'q';
	w[SEARCH_WORD_MAX + 1] = '\0';
	T_STREQ(S_term(en, w), "(none)");
	/* 40 Arabic letters are 80 bytes but 40 code points: kept */
	struct buf a = BUF_INIT, t = BUF_INIT;
	for (int i = 0; i < SEARCH_WORD_MAX; i++)
		buf_adds(&a, "\xd8\xa8");
	T_CHECK(search_term(ar, a.ptr, a.len, &t) == 0 && t.len == 2 * SEARCH_WORD_MAX);
	buf_adds(&a, "\xd8\xa8");
	T_CHECK(search_term(ar, a.ptr, a.len, &t) == -1);
	buf_free(&a);
	buf_free(&t);
	T_CHECK(search_is_stop(SEARCH_NL, "het", 3));
	T_CHECK(!search_is_stop(SEARCH_NL, "he", 2));
	T_CHECK(!search_is_stop(SEARCH_NL, "et", 2));
	T_CHECK(search_is_stop(SEARCH_TR, "icin", 4));
	search_stemmer_free(nl);
	search_stemmer_free(en);
	search_stemmer_free(ar);
}

static int S_vocab(void *arg, const char *term, size_t len)
{
	for (const char *const *v = arg; *v; v++)
		if (strlen(*v) == len && memcmp(*v, term, len) == 0)
			return 1;
	return 0;
}

static const char *S_split(struct search_stemmer *st, const char *w, const char *const *vocab)
{
	static struct buf out = BUF_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT;
	buf_reset(&out);
	if (search_split(st, w, strlen(w), S_vocab, (void *)vocab, &a, &b) == 0)
		buf_addf(&out, "%s+%s", a.ptr, b.ptr);
	else
		buf_adds(&out, "-");
	buf_free(&a);
	buf_free(&b);
	return out.ptr;
}

static void test_split(void)
{
	struct search_stemmer *nl = search_stemmer_new(SEARCH_NL), *en = search_stemmer_new(SEARCH_EN);
	static const char *const vocab[] = { "wachtwoord", "manager", "veilig", "updat", "bank", "reken",
		"klant", "gegeven", "lek", "data", NULL };
	T_STREQ(S_split(nl, "wachtwoordmanager", vocab), "wachtwoord+manager");
	T_STREQ(S_split(nl, "veiligheidsupdate", vocab), "veilig+updat"); /* halves are stemmed */
	T_STREQ(S_split(nl, "veiligheidspatch", vocab), "-"); /* "patch" is not in the vocabulary */
	T_STREQ(S_split(nl, "bankrekening", vocab), "bank+reken");
	/* linking -s-, -en- and -e- */
	T_STREQ(S_split(nl, "klantsgegevens", vocab), "klant+gegeven");
	T_STREQ(S_split(nl, "klantengegevens", vocab), "klant+gegeven");
	T_STREQ(S_split(nl, "klantegegevens", vocab), "klant+gegeven");
	/* the parts must both be known, SEARCH_PART_MIN letters or more */
	T_STREQ(S_split(nl, "datalekken", vocab), "data+lek"); /* "lekken": 6 letters */
	T_STREQ(S_split(nl, "wachtwoordlek", vocab), "-"); /* "lek": 3 letters */
	T_STREQ(S_split(nl, "wachtwoordxyz", vocab), "-");
	/* SEARCH_SPLIT_MIN: a word of 8 letters is split, of 7 is not */
	static const char *const small[] = { "bank", "data", "dat", NULL };
	T_STREQ(S_split(nl, "bankdata", small), "bank+data");
	T_STREQ(S_split(nl, "bankdat", small), "-");
	/* only Dutch, only a-z */
	T_STREQ(S_split(en, "wachtwoordmanager", vocab), "-");
	T_STREQ(S_split(nl, "wachtwoord-manager", vocab), "-");
	search_stemmer_free(nl);
	search_stemmer_free(en);
}

static int S_count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_index(void)
{
	struct search_index *ix = search_index_new(SEARCH_NL);
	struct buf out = BUF_INIT, again = BUF_INIT;
	T_CHECK(search_index_field(ix, SEARCH_F_TITLE, "x", 1) == SEARCH_E_NODOC);
	T_CHECK(search_index_doc(ix, SEARCH_KIND__MAX, "/x/", "X", NULL) == SEARCH_E_KIND);
	T_CHECK(search_index_doc(ix, SEARCH_TIP, "/nl/tips/wachtwoorden/", "Wachtwoorden <&>", NULL) == SEARCH_OK);
	T_CHECK(search_index_field(ix, SEARCH_F_TITLE, "Wachtwoorden en \"manager\"", 25) == SEARCH_OK);
	T_CHECK(search_index_field(ix, SEARCH_FIELD__MAX, "x", 1) == SEARCH_E_KIND);
	T_CHECK(search_index_doc(ix, SEARCH_PLAN, "/nl/hulp/ransomware/", "Ransomware", "ransomware") == SEARCH_OK);
	const char *body = "Uw bestanden zijn versleuteld. Gebruik een wachtwoordmanager. Losgeld betalen?";
	T_CHECK(search_index_field(ix, SEARCH_F_TITLE, "Ransomware", 10) == SEARCH_OK);
	T_CHECK(search_index_field(ix, SEARCH_F_BODY, body, strlen(body)) == SEARCH_OK);
	T_CHECK(search_index_field(ix, SEARCH_F_KEYWORDS, "gegijzeld, losgeld", 18) == SEARCH_OK);
	T_CHECK(search_index_write(ix, &out) == SEARCH_OK);
	/* docs sorted by url: ransomware (0) before tips (1) */
	T_CHECK(strstr(out.ptr, "\"docs\":[[0,\"/nl/hulp/ransomware/\",\"Ransomware\",\"ransomware\",") != NULL);
	T_CHECK(strstr(out.ptr, "[2,\"/nl/tips/wachtwoorden/\",\"Wachtwoorden \\u003c\\u0026\\u003e\",\"\",") != NULL);
	/* title weight 10 in half units = 20; body 1 = 2; keywords 8 = 16 */
	T_CHECK(strstr(out.ptr, "\"ransomwar\":[0,20]") != NULL);
	T_CHECK(strstr(out.ptr, "\"losgeld\":[0,18]") != NULL);
	T_CHECK(strstr(out.ptr, "\"gegijzeld\":[0,16]") != NULL);
	/* the compound counts whole in body (2) and its halves at half weight (1) */
	T_CHECK(strstr(out.ptr, "\"wachtwoordmanager\":[0,2]") != NULL);
	T_CHECK(strstr(out.ptr, "\"wachtwoord\":[0,1,1,20]") != NULL);
	T_CHECK(strstr(out.ptr, "\"manager\":[0,1,1,20]") != NULL);
	/* stop words are not indexed; terms are sorted */
	T_CHECK(strstr(out.ptr, "\"uw\"") == NULL && strstr(out.ptr, "\"en\"") == NULL);
	T_CHECK(strstr(out.ptr, "\"bestand\"") < strstr(out.ptr, "\"betal\""));
	T_CHECK(strstr(out.ptr, "\"n\":2,") != NULL);
	search_index_free(ix);

	/* the same documents in another order give the same bytes */
	ix = search_index_new(SEARCH_NL);
	search_index_doc(ix, SEARCH_PLAN, "/nl/hulp/ransomware/", "Ransomware", "ransomware");
	search_index_field(ix, SEARCH_F_TITLE, "Ransomware", 10);
	search_index_field(ix, SEARCH_F_BODY, body, strlen(body));
	search_index_field(ix, SEARCH_F_KEYWORDS, "gegijzeld, losgeld", 18);
	search_index_doc(ix, SEARCH_TIP, "/nl/tips/wachtwoorden/", "Wachtwoorden <&>", NULL);
	search_index_field(ix, SEARCH_F_TITLE, "Wachtwoorden en \"manager\"", 25);
	T_CHECK(search_index_write(ix, &again) == SEARCH_OK);
	T_CHECK(again.len == out.len && memcmp(again.ptr, out.ptr, out.len) == 0);
	search_index_free(ix);

	/* an empty index is valid */
	ix = search_index_new(SEARCH_EN);
	T_CHECK(search_index_write(ix, &out) == SEARCH_OK);
	T_STREQ(out.ptr, "{\"v\":2,\"lang\":\"en\",\"stem\":\"english\",\"kinds\":[\"plan\",\"outcome\",\"tip\",\"page\",\"org\"],"
	    "\"fields\":[10,8,4,3,3,2,3,1],\"n\":0,\"avgdl\":0,\"docs\":[],\"terms\":{}}\n");
	search_index_free(ix);
	T_CHECK(search_index_new(SEARCH_LANG__MAX) == NULL);
	buf_free(&out);
	buf_free(&again);
}

/* A word made from the number i in letters a-z, never a stop word. */
static void S_word_for(int i, char *w)
{
	w[0] = 'q';
	int k = 1;
	do {
		w[k++] = (char)('a' + i % 26);
		i /= 26;
	} while (i);
	w[k++] = 'x';
	w[k] = '\0';
}

/* n pages whose urls all have the same length */
/* Pages with 500-digit URLs: rows long enough that SEARCH_INDEX_MAX is
 * reached before SEARCH_DOCS_MAX. */
static void S_pages(struct search_index *ix, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char url[600];
		snprintf(url, sizeof url, "/en/%0500zu/", i);
		search_index_doc(ix, SEARCH_PAGE, url, "t", NULL);
	}
}

static void test_limits(void)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	char w[16];
	/* SEARCH_DOC_TERMS_MAX: at the limit every term stays; past it, the best scores */
	for (int extra = 0; extra <= 1; extra++) {
		struct search_index *ix = search_index_new(SEARCH_EN);
		search_index_doc(ix, SEARCH_PAGE, "/en/x/", "X", NULL);
		buf_reset(&text);
		for (int i = 0; i < SEARCH_DOC_TERMS_MAX - 1 + extra; i++) {
			S_word_for(i, w);
			buf_addf(&text, "%s ", w);
		}
		search_index_field(ix, SEARCH_F_BODY, text.ptr, text.len);
		search_index_field(ix, SEARCH_F_TITLE, "qzzzzx", 6); /* scores 20: always kept */
		T_CHECK(search_index_write(ix, &out) == SEARCH_OK);
		/* MAX - 1 + extra body words and the title word; ties keep the first terms */
		T_CHECK(S_count(out.ptr, ":[0,") == SEARCH_DOC_TERMS_MAX);
		char last[16] = "";
		for (int i = 0; i < SEARCH_DOC_TERMS_MAX - 1 + extra; i++) {
			S_word_for(i, w);
			if (strcmp(w, last) > 0)
				strcpy(last, w);
		}
		buf_reset(&text);
		buf_addf(&text, "\"%s\":[0,2]", last);
		T_CHECK((strstr(out.ptr, text.ptr) == NULL) == extra);
		search_index_free(ix);
	}
	/* SEARCH_DOCS_MAX */
	struct search_index *ix = search_index_new(SEARCH_EN);
	for (int i = 0; i < SEARCH_DOCS_MAX; i++) {
		char url[32];
		snprintf(url, sizeof url, "/en/%d/", i);
		if (search_index_doc(ix, SEARCH_PAGE, url, "t", NULL) != SEARCH_OK) {
			T_CHECK(0);
			break;
		}
	}
	T_CHECK(search_index_doc(ix, SEARCH_PAGE, "/en/last/", "t", NULL) == SEARCH_E_TOO_MANY);
	search_index_free(ix);
	/* SEARCH_TEXT_MAX */
	ix = search_index_new(SEARCH_EN);
	search_index_doc(ix, SEARCH_PAGE, "/en/x/", "X", NULL);
	char *big = malloc(SEARCH_TEXT_MAX + 1);
	memset(big, ' ', SEARCH_TEXT_MAX + 1);
	T_CHECK(search_index_field(ix, SEARCH_F_BODY, big, SEARCH_TEXT_MAX) == SEARCH_OK);
	T_CHECK(search_index_field(ix, SEARCH_F_BODY, big, SEARCH_TEXT_MAX + 1) == SEARCH_E_TEXT);
	free(big);
	search_index_free(ix);
	/* SEARCH_INDEX_MAX: documents with urls of one length add rows of one
	 * length, so L(k) = L(1) + (k - 1) * row; k documents just fit, k + 1 not */
	size_t len1 = 0, len2 = 0;
	for (size_t ndocs = 1; ndocs <= 2; ndocs++) {
		ix = search_index_new(SEARCH_EN);
		S_pages(ix, ndocs);
		T_CHECK(search_index_write(ix, &out) == SEARCH_OK);
		*(ndocs == 1 ? &len1 : &len2) = out.len;
		search_index_free(ix);
	}
	size_t row = len2 - len1, fits = 1 + (SEARCH_INDEX_MAX - len1) / row;
	ix = search_index_new(SEARCH_EN);
	S_pages(ix, fits);
	T_CHECK(search_index_write(ix, &out) == SEARCH_OK);
	T_CHECK(out.len <= SEARCH_INDEX_MAX && out.len + row > SEARCH_INDEX_MAX);
	search_index_free(ix);
	ix = search_index_new(SEARCH_EN);
	S_pages(ix, fits + 1);
	T_CHECK(search_index_write(ix, &out) == SEARCH_E_TOO_BIG && out.len == 0);
	search_index_free(ix);
	buf_free(&text);
	buf_free(&out);
}

static void test_tables(void)
{
	T_CHECK(search_lang_find("nl") == SEARCH_NL);
	T_CHECK(search_lang_find("ar") == SEARCH_AR);
	T_CHECK(search_lang_find("de") == -1);
	T_CHECK(search_lang_find(NULL) == -1);
	T_CHECK(search_lang_find("") == -1); /* SEARCH_FOLD is not found by code */
	T_STREQ(search_lang_stemmer(SEARCH_NL), "dutch");
	T_STREQ(search_lang_stemmer(SEARCH_TR), "");
	T_STREQ(search_lang_stemmer(SEARCH_FOLD), "");
	T_STREQ(search_lang_stemmer(SEARCH_LANG__MAX), "");
	{
		/* folding only: no stop words, no stemming, "lang":"" "stem":"" */
		struct search_stemmer *st = search_stemmer_new(SEARCH_FOLD);
		struct buf t = BUF_INIT;
		T_CHECK(st && search_term(st, "de", 2, &t) == 0 && t.len == 2);
		T_CHECK(search_term(st, "walking", 7, &t) == 0 && !strcmp(t.ptr, "walking"));
		search_stemmer_free(st);
		buf_free(&t);
		struct search_index *fx = search_index_new(SEARCH_FOLD);
		struct buf o = BUF_INIT;
		T_CHECK(search_index_doc(fx, SEARCH_PLAN, "/de/x/", "X", "x") == SEARCH_OK);
		T_CHECK(search_index_field(fx, SEARCH_F_TITLE, "Walking", 7) == SEARCH_OK);
		T_CHECK(search_index_write(fx, &o) == SEARCH_OK);
		T_CHECK(strstr(o.ptr, "\"lang\":\"\",\"stem\":\"\"") != NULL && strstr(o.ptr, "\"walking\":") != NULL);
		search_index_free(fx);
		buf_free(&o);
	}
	T_STREQ(search_lang_code(SEARCH_TR), "tr");
	T_CHECK(search_lang_code(SEARCH_LANG__MAX) == NULL);
	T_STREQ(search_kind_name(SEARCH_OUTCOME), "outcome");
	T_CHECK(search_field_weight(SEARCH_F_TITLE) == 10);
	T_CHECK(search_field_weight(SEARCH_FIELD__MAX) == 0);
	for (int e = 0; e < SEARCH_ERR__MAX; e++)
		T_CHECK(search_err_text(e) != NULL && *search_err_text(e));
}

/* Build an index of `n` documents (doc i: title "Wachtwoord i", a body
 * that differs from build to build when i % every == 0) with the word
 * cache `wc` (NULL: none) into out. */
static void S_build(struct search_wcache *wc, int n, int build, int every, struct buf *out)
{
	struct search_index *ix = search_index_new(SEARCH_NL);
	search_index_use(ix, wc);
	char url[64], text[160];
	for (int i = 0; i < n; i++) {
		snprintf(url, sizeof url, "/nl/tips/t%d/", i);
		search_index_doc(ix, SEARCH_TIP, url, "Tip", NULL);
		snprintf(text, sizeof text, "Wachtwoord %d en e-mail", i);
		search_index_field(ix, SEARCH_F_TITLE, text, strlen(text));
		snprintf(text, sizeof text, "Een wachtwoordmanager bewaart sleutel%d, versie %d.", i,
			 i % every == 0 ? build : 0);
		search_index_field(ix, SEARCH_F_SUMMARY, text, strlen(text));
		search_index_field(ix, SEARCH_F_KEYWORDS, "", 0);
	}
	T_CHECK(search_index_write(ix, out) == SEARCH_OK);
	search_index_free(ix);
}

/* The word cache (hhd serve): every build gives the bytes of a build
 * without it; unchanged texts are reused, changed ones split again; texts
 * no build looks up any more are dropped once they outweigh the rest. */
static void test_wcache(void)
{
	struct search_wcache *wc = search_wcache_new();
	struct buf plain = BUF_INIT, cached = BUF_INIT;
	size_t builds, texts, hits, misses;
	int same = 1;
	for (int build = 1; build <= 6; build++) {
		S_build(NULL, 300, build, 10, &plain);
		S_build(wc, 300, build, 10, &cached);
		same &= plain.len == cached.len && !memcmp(plain.ptr, cached.ptr, plain.len);
		search_wcache_stats(wc, &builds, &texts, &hits, &misses);
		T_CHECK(builds == (size_t)build);
		if (build == 1) /* the empty keywords: split once */
			T_CHECK(hits == 299 && misses == 601);
		else /* 30 summaries changed */
			T_CHECK(hits == 870 && misses == 30);
	}
	T_CHECK(same);
	/* 30 summaries a build: the old ones are dropped, not kept forever */
	T_CHECK(texts < 900 + 6 * 30);
	/* a site with other texts entirely: all split, and the old ones go */
	for (int build = 0; build < 3; build++) {
		S_build(NULL, 50, 100 + build, 1, &plain);
		S_build(wc, 50, 100 + build, 1, &cached);
		T_CHECK(plain.len == cached.len && !memcmp(plain.ptr, cached.ptr, plain.len));
	}
	search_wcache_stats(wc, &builds, &texts, &hits, &misses);
	T_CHECK(builds == 9 && texts <= 300);
	search_wcache_free(wc);
	search_wcache_free(NULL);
	buf_free(&plain);
	buf_free(&cached);
}

/* hhd build keeps the cache between processes: the decoded cache serves
 * every text the encoded one held, gives the same index bytes, and any
 * change to the bytes (truncated, a count, an id, a word twice) is refused
 * rather than trusted. */
static void test_wcache_encode(void)
{
	struct search_wcache *wc = search_wcache_new();
	struct buf plain = BUF_INIT, cached = BUF_INIT, enc = BUF_INIT, again = BUF_INIT;
	size_t builds, texts, hits, misses, texts0;
	S_build(wc, 300, 1, 10, &cached);
	search_wcache_stats(wc, &builds, &texts0, &hits, &misses);
	search_wcache_encode(wc, &enc);
	struct search_wcache *dc = search_wcache_decode(enc.ptr, enc.len);
	T_CHECK(dc != NULL);
	if (dc) {
		search_wcache_stats(dc, &builds, &texts, &hits, &misses);
		T_CHECK(texts == texts0 && builds == 0);
		search_wcache_encode(dc, &again); /* the same contents (in its table's order) */
		T_CHECK(again.len == enc.len);
		S_build(NULL, 300, 2, 10, &plain);
		S_build(dc, 300, 2, 10, &cached);
		T_CHECK(plain.len == cached.len && !memcmp(plain.ptr, cached.ptr, plain.len));
		search_wcache_stats(dc, &builds, &texts, &hits, &misses);
		T_CHECK(builds == 1 && hits == 870 && misses == 30); /* as in memory (test_wcache) */
		search_wcache_free(dc);
	}
	/* refused: every cut, and single bytes changed in the header */
	int refused = 1;
	for (size_t n = 0; n < enc.len; n += 1 + n / 8)
		if ((dc = search_wcache_decode(enc.ptr, n)) != NULL) {
			refused = 0;
			search_wcache_free(dc);
		}
	T_CHECK(refused);
	for (size_t at = 0; at < 32; at += 8) {
		enc.ptr[at] ^= 0x40;
		dc = search_wcache_decode(enc.ptr, enc.len);
		T_CHECK(dc == NULL);
		search_wcache_free(dc);
		enc.ptr[at] ^= 0x40;
	}
	/* an id past the words */
	uint32_t bad = UINT32_MAX;
	memcpy(enc.ptr + enc.len - sizeof bad, &bad, sizeof bad);
	T_CHECK(search_wcache_decode(enc.ptr, enc.len) == NULL);
	/* the same word twice: the first word's bytes over the second's */
	buf_reset(&enc);
	search_wcache_encode(wc, &enc);
	const char *w1 = enc.ptr + 32, *w2 = w1 + strlen(w1) + 1;
	if (strlen(w1) == strlen(w2)) {
		memcpy((char *)w2, w1, strlen(w1));
		T_CHECK(search_wcache_decode(enc.ptr, enc.len) == NULL);
	}
	/* an empty cache round-trips */
	struct search_wcache *empty = search_wcache_new();
	buf_reset(&enc);
	search_wcache_encode(empty, &enc);
	dc = search_wcache_decode(enc.ptr, enc.len);
	T_CHECK(dc != NULL);
	search_wcache_free(dc);
	search_wcache_free(empty);
	T_CHECK(texts0 > 300);
	search_wcache_free(wc);
	buf_free(&plain);
	buf_free(&cached);
	buf_free(&enc);
	buf_free(&again);
}

int main(void)
{
	test_normalise();
	test_words();
	test_terms();
	test_split();
	test_index();
	test_limits();
	test_tables();
	test_wcache();
	test_wcache_encode();
	return t_done();
}
