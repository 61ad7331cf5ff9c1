/* fuzz_seal.c: libFuzzer target for sealed submissions and key files
 * (fcgi/seal.c). The same bytes are read
 *   - as a key file: one that parses must format back to exactly the same
 *     bytes (the format is canonical) and reparse to the same key;
 *   - as a sealed blob opened with a fixed key pair: it must not open
 *     unless it is well-formed, and an opened one must reseal and reopen
 *     to the same fields;
 *   - as the plaintext inside a genuine box, to reach the field unpacker:
 *     an accepted plaintext has exactly the layout seal_seal writes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "seal.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void S_reseal(const struct seal_key *k, const struct seal_opened *o)
{
	struct buf b = BUF_INIT;
	struct seal_opened again;
	size_t i;

	CHECK(seal_seal(k, o->f, &b) == SEAL_OK);
	CHECK(seal_open(b.ptr, b.len, k, 1, &again, NULL, 0) == SEAL_OK);
	for (i = 0; i < SF__MAX; i++)
		CHECK(again.len[i] == o->len[i] && memcmp(again.f[i], o->f[i], o->len[i]) == 0
			&& strlen(o->f[i]) == o->len[i] && o->len[i] <= SEAL_FIELD_MAX);
	seal_opened_free(&again);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seal_key k;
	static int ready;
	struct seal_key fk;
	struct seal_opened o;
	struct buf b = BUF_INIT;
	unsigned char *box;
	char err[200];
	size_t total, i;

	if (!ready) {
		static const unsigned char seed[crypto_box_SEEDBYTES] = { 42 };
		struct buf text = BUF_INIT;
		if (sodium_init() < 0)
			abort();
		/* a fixed key, through the parser like any key file */
		crypto_box_seed_keypair(k.pk, k.sk, seed);
		k.has_secret = 1;
		crypto_generichash(box = malloc(32), 32, k.pk, 32, NULL, 0);
		memcpy(k.id, box, SEAL_KEYID_BYTES);
		free(box);
		seal_key_format(&k, 1, &text);
		CHECK(seal_key_parse(&k, text.ptr, text.len, err, sizeof err) == 0);
		buf_free(&text);
		ready = 1;
	}

	if (seal_key_parse(&fk, (const char *)data, size, err, sizeof err) == 0) {
		seal_key_format(&fk, fk.has_secret, &b);
		CHECK(b.len == size && memcmp(b.ptr, data, size) == 0);
		buf_free(&b);
	} else {
		CHECK(!fk.has_secret && err[0] != '\0');
	}

	if (seal_open(data, size, &k, 1, &o, err, sizeof err) == SEAL_OK) {
		S_reseal(&k, &o);
		seal_opened_free(&o);
	} else {
		CHECK(o.data == NULL);
	}

	if (size > SEAL_PLAIN_MAX)
		return 0;
	box = malloc(SEAL_HEADER_BYTES + crypto_box_SEALBYTES + size);
	memcpy(box, "HS\1", 3);
	memcpy(box + 3, k.id, SEAL_KEYID_BYTES);
	crypto_box_seal(box + SEAL_HEADER_BYTES, data, size, k.pk);
	if (seal_open(box, SEAL_HEADER_BYTES + crypto_box_SEALBYTES + size, &k, 1, &o, err, sizeof err)
	    == SEAL_OK) {
		for (total = 1, i = 0; i < SF__MAX; i++)
			total += 4 + o.len[i];
		CHECK(total == size && data[0] == SEAL_VERSION);
		S_reseal(&k, &o);
		seal_opened_free(&o);
	} else {
		CHECK(o.data == NULL);
	}
	free(box);
	return 0;
}
