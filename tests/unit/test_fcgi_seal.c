/* test_fcgi_seal.c: sealed contact submissions and key files (fcgi/seal.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "seal.h"
#include "t.h"

#define MARKER "Zq7-PLAINTEXT-MARKER"

static const char *const fields[SF__MAX] = {
	"Jan " MARKER, "Bakkerij de Vries", "jan@example.nl", "+31 6 1234 5678",
	"Help, alles is versleuteld!\nRegel twee: ë ü 日本",
};

static int S_has(const struct buf *b, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= b->len; i++)
		if (memcmp(b->ptr + i, s, n) == 0)
			return 1;
	return 0;
}

static void test_roundtrip(void)
{
	struct seal_key k;
	struct seal_opened o;
	struct buf b = BUF_INIT;
	const char *empty[SF__MAX] = { NULL, "", NULL, NULL, "x" };
	char err[200];
	size_t i;

	seal_keygen(&k);
	T_CHECK(seal_seal(&k, fields, &b) == SEAL_OK);
	T_CHECK(!S_has(&b, MARKER) && !S_has(&b, "jan@example.nl") && !S_has(&b, "versleuteld"));
	T_CHECK(b.len == SEAL_HEADER_BYTES + crypto_box_SEALBYTES + 1 + 4 * SF__MAX
		+ strlen(fields[0]) + strlen(fields[1]) + strlen(fields[2]) + strlen(fields[3]) + strlen(fields[4]));
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_OK);
	for (i = 0; i < SF__MAX; i++) {
		T_STREQ(o.f[i], fields[i]);
		T_CHECK(o.len[i] == strlen(fields[i]));
	}
	seal_opened_free(&o);
	T_CHECK(o.data == NULL && o.f[0] == NULL);

	/* two seals of the same fields differ (ephemeral sender keys) */
	{
		struct buf b2 = BUF_INIT;
		seal_seal(&k, fields, &b2);
		T_CHECK(b2.len == b.len && memcmp(b.ptr, b2.ptr, b.len) != 0);
		buf_free(&b2);
	}

	/* NULL and empty fields come back empty */
	buf_reset(&b);
	T_CHECK(seal_seal(&k, empty, &b) == SEAL_OK);
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_OK);
	T_STREQ(o.f[SF_NAME], "");
	T_STREQ(o.f[SF_COMPANY], "");
	T_STREQ(o.f[SF_MESSAGE], "x");
	seal_opened_free(&o);

	/* a key with only the public half seals but cannot open */
	{
		struct seal_key pub = k;
		memset(pub.sk, 0, sizeof pub.sk);
		pub.has_secret = 0;
		buf_reset(&b);
		T_CHECK(seal_seal(&pub, fields, &b) == SEAL_OK);
		T_CHECK(seal_open(b.ptr, b.len, &pub, 1, &o, err, sizeof err) == SEAL_ENOKEY);
		T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_OK);
		seal_opened_free(&o);
	}
	T_STREQ(seal_field_names[SF_EMAIL], "email");
	buf_free(&b);
	seal_key_wipe(&k);
}

/* SEAL_FIELD_MAX bytes in every field seal and open, to a blob of exactly
 * SEAL_BLOB_MAX bytes; one byte more in any field is refused */
static void test_limits(void)
{
	struct seal_key k;
	struct seal_opened o;
	struct buf b = BUF_INIT;
	char *big = malloc(SEAL_FIELD_MAX + 2);
	const char *f[SF__MAX];
	char err[200];
	size_t i;

	seal_keygen(&k);
	memset(big, 'a', SEAL_FIELD_MAX + 1);
	big[SEAL_FIELD_MAX + 1] = '\0';
	for (i = 0; i < SF__MAX; i++)
		f[i] = big + 1;   /* SEAL_FIELD_MAX bytes */
	T_CHECK(seal_seal(&k, f, &b) == SEAL_OK);
	T_CHECK(b.len == SEAL_BLOB_MAX);
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_OK);
	T_CHECK(o.len[SF_MESSAGE] == SEAL_FIELD_MAX);
	seal_opened_free(&o);
	buf_addch(&b, 0);
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_EFORMAT);
	T_CHECK(strstr(err, "not between") != NULL);
	for (i = 0; i < SF__MAX; i++) {
		size_t before;
		f[i] = big;   /* SEAL_FIELD_MAX + 1 */
		buf_reset(&b);
		before = b.len;
		T_CHECK(seal_seal(&k, f, &b) == SEAL_ETOOLONG);
		T_CHECK(b.len == before);
		f[i] = big + 1;
	}
	buf_free(&b);
	free(big);
	seal_key_wipe(&k);
}

static void test_wrong_key_and_tampering(void)
{
	struct seal_key k, other, forged;
	struct seal_opened o;
	struct buf b = BUF_INIT;
	char err[200];
	size_t i;
	int fails = 0;

	seal_keygen(&k);
	seal_keygen(&other);
	seal_seal(&k, fields, &b);
	T_CHECK(seal_open(b.ptr, b.len, &other, 1, &o, err, sizeof err) == SEAL_ENOKEY);
	T_CHECK(strstr(err, "not among the 1 given") != NULL);
	T_CHECK(o.data == NULL);
	T_CHECK(seal_open(b.ptr, b.len, NULL, 0, &o, err, sizeof err) == SEAL_ENOKEY);
	/* a wrong secret key under the right id: the box does not open */
	forged = other;
	memcpy(forged.id, k.id, sizeof k.id);
	T_CHECK(seal_open(b.ptr, b.len, &forged, 1, &o, err, sizeof err) == SEAL_EBROKEN);
	T_CHECK(strstr(err, "damaged or tampered") != NULL);

	/* every single flipped bit is caught, by the header check, the key id or the MAC */
	for (i = 0; i < b.len; i++) {
		enum seal_result r;
		b.ptr[i] ^= (char)(1 << (i % 8));
		r = seal_open(b.ptr, b.len, &k, 1, &o, NULL, 0);
		b.ptr[i] ^= (char)(1 << (i % 8));
		if (r == SEAL_OK) {
			seal_opened_free(&o);
			fails++;
		} else {
			T_CHECK(i < 3 ? r == SEAL_EFORMAT : i < SEAL_HEADER_BYTES ? r == SEAL_ENOKEY : r == SEAL_EBROKEN);
		}
	}
	T_CHECK(fails == 0);
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, NULL, 0) == SEAL_OK);   /* restored */
	seal_opened_free(&o);
	/* truncated anywhere */
	for (i = 0; i < b.len; i += 7)
		T_CHECK(seal_open(b.ptr, i, &k, 1, &o, NULL, 0) != SEAL_OK);
	T_CHECK(seal_open(b.ptr, SEAL_HEADER_BYTES + crypto_box_SEALBYTES, &k, 1, &o, err, sizeof err) == SEAL_EFORMAT);
	b.ptr[2] = 2;
	T_CHECK(seal_open(b.ptr, b.len, &k, 1, &o, err, sizeof err) == SEAL_EFORMAT);
	T_STREQ(err, "unknown sealed blob version 2");
	buf_free(&b);
	seal_key_wipe(&k);
	seal_key_wipe(&other);
	seal_key_wipe(&forged);
}

/* A box that opens but holds a malformed plaintext (a writer's bug, or a
 * different program) is refused, not half-read. */
static void S_inner(const struct seal_key *k, const void *plain, size_t plen, const char *want)
{
	unsigned char *blob = malloc(SEAL_HEADER_BYTES + crypto_box_SEALBYTES + plen);
	struct seal_opened o;
	char err[200] = "";

	blob[0] = 'H';
	blob[1] = 'S';
	blob[2] = SEAL_VERSION;
	memcpy(blob + 3, k->id, SEAL_KEYID_BYTES);
	crypto_box_seal(blob + SEAL_HEADER_BYTES, plain, plen, k->pk);
	T_CHECK(seal_open(blob, SEAL_HEADER_BYTES + crypto_box_SEALBYTES + plen, k, 1, &o, err, sizeof err)
		== SEAL_EFORMAT);
	if (!strstr(err, want))
		fprintf(stderr, "error [%s] lacks [%s]\n", err, want);
	T_CHECK(strstr(err, want) != NULL);
	T_CHECK(o.data == NULL);
	free(blob);
}

static void test_inner_format(void)
{
	struct seal_key k;
	/* version, then five fields of length 1 "a" */
	unsigned char p[1 + 5 * 5 + 1];
	size_t i;

	seal_keygen(&k);
	p[0] = SEAL_VERSION;
	for (i = 0; i < 5; i++) {
		memcpy(p + 1 + i * 5, "\0\0\0\1a", 5);
	}
	p[26] = 'z';
	S_inner(&k, p, sizeof p, "1 bytes after the sealed fields");
	S_inner(&k, p, 24, "end inside field 'message'");
	S_inner(&k, p, 25, "sealed field 'message' has a bad length");
	p[0] = 2;
	S_inner(&k, p, 26, "unknown version");
	p[0] = SEAL_VERSION;
	p[5] = 0;   /* name holds a NUL */
	S_inner(&k, p, 26, "field 'name' holds a NUL byte");
	p[5] = 'a';
	/* a length past SEAL_FIELD_MAX */
	p[1 + 3 * 5 + 2] = 0x40;
	p[1 + 3 * 5 + 3] = 0x01;
	S_inner(&k, p, 26, "field 'phone' has a bad length");
	seal_key_wipe(&k);
}

/* Rotation: submissions sealed to the old key and to the new one, opened
 * with both secret keys given in either order. */
static void test_rotation(void)
{
	struct seal_key old, new, both[2], pubnew;
	struct seal_opened o;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	const char *f2[SF__MAX] = { "Piet", "", "piet@example.nl", "", "nieuw" };
	char err[200];

	seal_keygen(&old);
	seal_keygen(&new);
	T_CHECK(memcmp(old.id, new.id, sizeof old.id) != 0);
	seal_seal(&old, fields, &b1);
	pubnew = new;
	pubnew.has_secret = 0;
	memset(pubnew.sk, 0, sizeof pubnew.sk);
	seal_seal(&pubnew, f2, &b2);

	both[0] = new;
	both[1] = old;
	T_CHECK(seal_open(b1.ptr, b1.len, both, 2, &o, err, sizeof err) == SEAL_OK);
	T_STREQ(o.f[SF_NAME], fields[SF_NAME]);
	seal_opened_free(&o);
	T_CHECK(seal_open(b2.ptr, b2.len, both, 2, &o, err, sizeof err) == SEAL_OK);
	T_STREQ(o.f[SF_MESSAGE], "nieuw");
	seal_opened_free(&o);
	both[0] = old;
	both[1] = new;
	T_CHECK(seal_open(b2.ptr, b2.len, both, 2, &o, err, sizeof err) == SEAL_OK);
	seal_opened_free(&o);
	/* only the new key: the old blob names a key that is missing */
	T_CHECK(seal_open(b1.ptr, b1.len, &new, 1, &o, err, sizeof err) == SEAL_ENOKEY);
	{
		char hex[SEAL_KEYID_HEX];
		seal_keyid_hex(old.id, hex);
		T_CHECK(strlen(hex) == 16 && strstr(err, hex) != NULL);
	}
	buf_free(&b1);
	buf_free(&b2);
	seal_key_wipe(&old);
	seal_key_wipe(&new);
}

static void S_bad_key(const char *text, size_t len, const char *want)
{
	struct seal_key k;
	char err[200] = "";

	memset(&k, 0x55, sizeof k);
	T_CHECK(seal_key_parse(&k, text, len, err, sizeof err) == -1);
	if (!strstr(err, want))
		fprintf(stderr, "key file error [%s] lacks [%s]\n", err, want);
	T_CHECK(strstr(err, want) != NULL);
	T_CHECK(k.has_secret == 0 && k.sk[0] == 0 && k.sk[31] == 0);
}

static void test_key_files(void)
{
	struct seal_key k, p, s;
	struct buf pub = BUF_INIT, sec = BUF_INIT, t = BUF_INIT;
	char err[200], hex[SEAL_KEYID_HEX];

	seal_keygen(&k);
	seal_keyid_hex(k.id, hex);
	seal_key_format(&k, 0, &pub);
	seal_key_format(&k, 1, &sec);
	T_CHECK(pub.len == 15 + 3 + 16 + 44 + 1 && sec.len == pub.len);
	T_CHECK(strncmp(pub.ptr, "hhd-public-key 1 ", 17) == 0 && strncmp(sec.ptr, "hhd-secret-key 1 ", 17) == 0);
	T_CHECK(strncmp(pub.ptr + 17, hex, 16) == 0 && strncmp(sec.ptr + 17, hex, 16) == 0);
	T_CHECK(seal_key_parse(&p, pub.ptr, pub.len, err, sizeof err) == 0);
	T_CHECK(!p.has_secret && memcmp(p.pk, k.pk, sizeof k.pk) == 0 && memcmp(p.id, k.id, sizeof k.id) == 0);
	T_CHECK(seal_key_parse(&s, sec.ptr, sec.len, err, sizeof err) == 0);
	T_CHECK(s.has_secret && memcmp(s.sk, k.sk, sizeof k.sk) == 0 && memcmp(s.pk, k.pk, sizeof k.pk) == 0);
	/* a public key file never holds the secret */
	{
		char b64[45];
		sodium_bin2base64(b64, sizeof b64, k.sk, 32, sodium_base64_VARIANT_ORIGINAL);
		T_CHECK(!S_has(&pub, b64) && S_has(&sec, b64));
	}

	/* the errors, each with its line */
	S_bad_key("", 0, "line 1: no newline");
	S_bad_key(pub.ptr, pub.len - 1, "line 2: missing or not ended by a newline");
	S_bad_key(pub.ptr, 35, "line 2: missing");
	buf_reset(&t);
	buf_add(&t, pub.ptr, pub.len);
	buf_adds(&t, "\n");
	S_bad_key(t.ptr, t.len, "line 3: text after the key");
	/* KIND VERSION ID (NULL: the key's) END1, then KEYLEN characters of the
	 * public (0) or secret (1) key's base64 and END2 */
	{
		static const struct { const char *head, *id, *end1; int which; int keylen; const char *end2, *want; } bad[] = {
			{ "hhd-private-key 1 ", "0123456789abcdef", "\n", 0, 44, "\n", "line 1: not an hhd key file" },
			{ "hhd-public-key 2 ", NULL, "\n", 0, 44, "\n", "line 1: unknown key file version '2'" },
			{ "hhd-public-key 1 ", "0123456789abcde", "\n", 0, 44, "\n", "line 1: key id must be 16 lowercase hex digits" },
			{ "hhd-public-key 1 ", "0123456789abcdeG", "\n", 0, 44, "\n", "line 1: key id must be 16" },
			{ "hhd-public-key 1 ", "0123456789ABCDEF", "\n", 0, 44, "\n", "line 1: key id must be 16" },
			{ "hhd-public-key 1 ", "0000000000000000", "\n", 0, 44, "\n",
			  "line 1: key id '0000000000000000' does not match the key (its id is" },
			/* a secret key under a public key's header fails the id check */
			{ "hhd-public-key 1 ", NULL, "\n", 1, 44, "\n", "does not match the key" },
			{ "hhd-public-key 1 ", NULL, "\n", 0, 43, "\n", "line 2: not a 32-byte key in base64" },
			{ "hhd-public-key 1 ", NULL, "\n", 0, 43, "!\n", "line 2: not a 32-byte key in base64" },
			{ "hhd-public-key 1 ", NULL, "\n", 0, 44, "A\n", "line 2: not a 32-byte key in base64" },
			{ "hhd-public-key 1 ", NULL, "\r\n", 0, 44, "\n", "line 1: CR in line" },
			{ "hhd-public-key 1 ", NULL, "\n", 0, 44, "\r\n", "line 2: CR in line" },
			{ "hhd-public-key  1 ", NULL, "\n", 0, 44, "\n", "line 1: unknown key file version ''" },
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			buf_reset(&t);
			buf_addf(&t, "%s%s%s%.*s%s", bad[i].head, bad[i].id ? bad[i].id : hex, bad[i].end1,
				bad[i].keylen, (bad[i].which ? sec.ptr : pub.ptr) + 34, bad[i].end2);
			S_bad_key(t.ptr, t.len, bad[i].want);
		}
	}
	/* a byte above 0x7f, which libsodium 1.0.18's decoder reads as '/': a
	 * key of 0xff bytes ("////...") with one '/' so replaced */
	{
		struct seal_key ff = { 0 };
		unsigned char h[32];
		memset(ff.pk, 0xff, sizeof ff.pk);
		crypto_generichash(h, sizeof h, ff.pk, sizeof ff.pk, NULL, 0);
		memcpy(ff.id, h, sizeof ff.id);
		buf_reset(&t);
		seal_key_format(&ff, 0, &t);
		T_CHECK(seal_key_parse(&p, t.ptr, t.len, err, sizeof err) == 0);
		T_CHECK(t.ptr[40] == '/');
		t.ptr[40] = '\x80';
		S_bad_key(t.ptr, t.len, "line 2: not a 32-byte key in base64");
	}
	buf_reset(&t);
	buf_add(&t, pub.ptr, pub.len);
	t.ptr[40] = '\0';
	S_bad_key(t.ptr, t.len, "NUL byte");
	/* SEAL_KEYFILE_MAX: at the limit the content is judged, past it the size */
	buf_reset(&t);
	while (t.len < SEAL_KEYFILE_MAX)
		buf_addch(&t, 'x');
	S_bad_key(t.ptr, t.len, "line 1: no newline");
	buf_addch(&t, 'x');
	S_bad_key(t.ptr, t.len, "key file longer than 256 bytes");

	buf_free(&pub);
	buf_free(&sec);
	buf_free(&t);
	seal_key_wipe(&k);
	seal_key_wipe(&p);
	seal_key_wipe(&s);
}

static void test_save_load(void)
{
	char dir[] = "/tmp/hhd-seal-XXXXXX", sp[64], pp[64], err[300];
	struct seal_key k, s, p;
	struct stat st;
	mode_t old = umask(022);

	T_CHECK(mkdtemp(dir) != NULL);
	snprintf(sp, sizeof sp, "%s/helpdesk.key", dir);
	snprintf(pp, sizeof pp, "%s/helpdesk.pub", dir);
	seal_keygen(&k);
	T_CHECK(seal_key_save(sp, &k, 1, err, sizeof err) == 0);
	T_CHECK(seal_key_save(pp, &k, 0, err, sizeof err) == 0);
	T_CHECK(stat(sp, &st) == 0 && (st.st_mode & 07777) == 0600);
	T_CHECK(stat(pp, &st) == 0 && (st.st_mode & 07777) == 0644);
	/* never overwrites a key */
	T_CHECK(seal_key_save(sp, &k, 1, err, sizeof err) == -1);
	T_CHECK(strstr(err, "helpdesk.key: File exists") != NULL);
	T_CHECK(seal_key_load(sp, &s, err, sizeof err) == 0 && s.has_secret);
	T_CHECK(memcmp(s.sk, k.sk, sizeof k.sk) == 0);
	T_CHECK(seal_key_load(pp, &p, err, sizeof err) == 0 && !p.has_secret);
	T_CHECK(memcmp(p.id, k.id, sizeof k.id) == 0);
	/* a secret key others can read is refused */
	chmod(sp, 0640);
	T_CHECK(seal_key_load(sp, &s, err, sizeof err) == -1 && !s.has_secret);
	T_CHECK(strstr(err, "readable by group or others (mode 0640)") != NULL);
	/* a public key without its secret cannot be saved as a secret */
	T_CHECK(seal_key_save(sp, &p, 1, err, sizeof err) == -1 && strstr(err, "no secret key") != NULL);
	/* errors name the file */
	T_CHECK(seal_key_load(dir, &s, err, sizeof err) == -1 && strstr(err, "not a regular file") != NULL);
	snprintf(sp, sizeof sp, "%s/missing.key", dir);
	T_CHECK(seal_key_load(sp, &s, err, sizeof err) == -1 && strstr(err, "missing.key: No such file") != NULL);
	{
		FILE *f;
		snprintf(sp, sizeof sp, "%s/bad.pub", dir);
		f = fopen(sp, "w");
		fputs("hhd-public-key 1 xyz\nAAAA\n", f);
		fclose(f);
		T_CHECK(seal_key_load(sp, &s, err, sizeof err) == -1);
		T_CHECK(strstr(err, "bad.pub: line 1: key id must be") != NULL);
		unlink(sp);
	}
	unlink(pp);
	snprintf(sp, sizeof sp, "%s/helpdesk.key", dir);
	unlink(sp);
	T_CHECK(rmdir(dir) == 0);
	umask(old);
	seal_key_wipe(&k);
	seal_key_wipe(&s);
	seal_key_wipe(&p);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_roundtrip();
	test_limits();
	test_wrong_key_and_tampering();
	test_inner_format();
	test_rotation();
	test_key_files();
	test_save_load();
	return t_done();
}
