/* fuzz_search.c: libFuzzer target for generator/search.c.
 *
 * The first byte picks the language, the rest is text. Checked: the
 * normalised text is valid UTF-8 and normalising it again changes nothing;
 * every word is non-empty, NUL-terminated, valid UTF-8 without ASCII other
 * than a-z and 0-9; every term is non-empty and no longer than its word; a
 * split gives two non-empty terms; an index of the text as one document is
 * written, and written again with the same bytes, then twice through a
 * word cache (search_wcache, kept across inputs: the text's first lookup
 * splits it, the second reuses its words) with the same bytes again, and
 * once more through that cache encoded and decoded (search_wcache_encode);
 * the input's own bytes are decoded as a cache too. Built as fuzz_search with
 * libFuzzer, and with replay_main.c as replay_search for CTest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search.h"
#include "utf8.h"

static struct search_stemmer *st[SEARCH_LANG__MAX];
static struct search_wcache *wc;

struct ctx {
	struct search_stemmer *st;
	struct buf term, a, b;
};

/* A vocabulary that knows every term of even length. */
static int S_even(void *arg, const char *term, size_t len)
{
	return len % 2 == 0;
}

static void S_word(void *arg, const char *word, size_t len, int part)
{
	struct ctx *c = arg;
	if (len == 0 || word[len] != '\0' || strlen(word) != len || !utf8_valid(word, len, NULL))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)word[i];
		if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			abort();
	}
	if (search_term(c->st, word, len, &c->term) == 0 && (c->term.len == 0 || c->term.len > len))
		abort();
	if (search_split(c->st, word, len, S_even, NULL, &c->a, &c->b) == 0 && (c->a.len == 0 || c->b.len == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	enum search_lang lang = (enum search_lang)(data[0] % SEARCH_LANG__MAX);
	if (!st[lang] && !(st[lang] = search_stemmer_new(lang)))
		abort();
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	struct buf n1 = BUF_INIT, n2 = BUF_INIT;
	search_normalise(text, len, &n1);
	if (!utf8_valid(n1.ptr, n1.len, NULL))
		abort();
	search_normalise(n1.ptr, n1.len, &n2);
	if (n1.len != n2.len || memcmp(n1.ptr, n2.ptr, n1.len) != 0)
		abort();

	struct ctx c = { st[lang], BUF_INIT, BUF_INIT, BUF_INIT };
	search_words(text, len, S_word, &c);

	struct buf out1 = BUF_INIT, out2 = BUF_INIT;
	if (!wc)
		wc = search_wcache_new();
	for (int pass = 0; pass < 4; pass++) {
		struct search_index *ix = search_index_new(lang);
		search_index_use(ix, pass >= 2 ? wc : NULL);
		if (search_index_doc(ix, SEARCH_TIP, "/x/", "x", NULL) != SEARCH_OK ||
		    search_index_field(ix, SEARCH_F_BODY, text, len) != SEARCH_OK ||
		    search_index_write(ix, pass ? &out2 : &out1) != SEARCH_OK)
			abort();
		search_index_free(ix);
		if (pass && (out1.len != out2.len || memcmp(out1.ptr, out2.ptr, out1.len) != 0))
			abort();
	}
	/* the cache as hhd build keeps it between processes: encoded and
	 * decoded, it gives the same bytes once more */
	struct buf enc = BUF_INIT;
	search_wcache_encode(wc, &enc);
	struct search_wcache *dc = search_wcache_decode(enc.ptr, enc.len);
	if (!dc)
		abort();
	struct search_index *ix = search_index_new(lang);
	search_index_use(ix, dc);
	if (search_index_doc(ix, SEARCH_TIP, "/x/", "x", NULL) != SEARCH_OK ||
	    search_index_field(ix, SEARCH_F_BODY, text, len) != SEARCH_OK || search_index_write(ix, &out2) != SEARCH_OK)
		abort();
	search_index_free(ix);
	search_wcache_free(dc);
	if (out1.len != out2.len || memcmp(out1.ptr, out2.ptr, out1.len) != 0)
		abort();
	buf_free(&enc);
	/* and bytes that are no encoding are refused or decoded safely */
	search_wcache_free(search_wcache_decode(data, size));
	if (!utf8_valid(out1.ptr, out1.len, NULL))
		abort();
	buf_free(&out1);
	buf_free(&out2);
	buf_free(&n1);
	buf_free(&n2);
	buf_free(&c.term);
	buf_free(&c.a);
	buf_free(&c.b);
	return 0;
}
