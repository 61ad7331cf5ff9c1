/* seal.c: see seal.h. */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "xalloc.h"

#define B64_LEN 44   /* base64 of SEAL_KEY_BYTES with padding */

const char *const seal_field_names[SF__MAX] = {
	[SF_NAME] = "name", [SF_COMPANY] = "company", [SF_EMAIL] = "email",
	[SF_PHONE] = "phone", [SF_MESSAGE] = "message",
};

static const char *const kind_names[2] = { "hhd-public-key", "hhd-secret-key" };

static void S_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void S_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* The key id: the first bytes of BLAKE2b-256 of the public key. */
static void S_keyid(struct seal_key *k)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, k->pk, sizeof k->pk, NULL, 0);
	memcpy(k->id, h, sizeof k->id);
}

void seal_keygen(struct seal_key *k)
{
	crypto_box_keypair(k->pk, k->sk);
	k->has_secret = 1;
	S_keyid(k);
}

void seal_keyid_hex(const unsigned char id[SEAL_KEYID_BYTES], char out[SEAL_KEYID_HEX])
{
	sodium_bin2hex(out, SEAL_KEYID_HEX, id, SEAL_KEYID_BYTES);
}

void seal_key_wipe(struct seal_key *k)
{
	sodium_memzero(k, sizeof *k);
}

void seal_key_format(const struct seal_key *k, int secret, struct buf *out)
{
	char hex[SEAL_KEYID_HEX], b64[B64_LEN + 1];

	secret = secret && k->has_secret;
	seal_keyid_hex(k->id, hex);
	sodium_bin2base64(b64, sizeof b64, secret ? k->sk : k->pk, SEAL_KEY_BYTES,
		sodium_base64_VARIANT_ORIGINAL);
	buf_addf(out, "%s %d %s\n%s\n", kind_names[secret], SEAL_VERSION, hex, b64);
	sodium_memzero(b64, sizeof b64);
}

static int S_parse_fail(struct seal_key *k, char *err, size_t errsz, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int S_parse_fail(struct seal_key *k, char *err, size_t errsz, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	seal_key_wipe(k);
	if (!err || !errsz)
		return -1;
	n = line ? snprintf(err, errsz, "line %u: ", line) : 0;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errsz)
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int seal_key_parse(struct seal_key *k, const char *text, size_t len, char *err, size_t errsz)
{
	const char *l1, *l2, *e1, *e2, *sp1, *sp2;
	unsigned char raw[SEAL_KEY_BYTES];
	char hex[SEAL_KEYID_HEX];
	size_t rawlen, i;
	const char *b64end;
	int secret = -1;

	memset(k, 0, sizeof *k);
	if (len > SEAL_KEYFILE_MAX)
		return S_parse_fail(k, err, errsz, 0, "key file longer than %d bytes", SEAL_KEYFILE_MAX);
	if (memchr(text, '\0', len))
		return S_parse_fail(k, err, errsz, 0, "NUL byte in key file");
	l1 = text;
	e1 = memchr(l1, '\n', len);
	if (!e1)
		return S_parse_fail(k, err, errsz, 1, "no newline: a key file has two lines");
	if (memchr(l1, '\r', (size_t)(e1 - l1)))
		return S_parse_fail(k, err, errsz, 1, "CR in line (LF line ends only)");
	l2 = e1 + 1;
	e2 = memchr(l2, '\n', len - (size_t)(l2 - text));
	if (!e2)
		return S_parse_fail(k, err, errsz, 2, "missing or not ended by a newline");
	if (memchr(l2, '\r', (size_t)(e2 - l2)))
		return S_parse_fail(k, err, errsz, 2, "CR in line (LF line ends only)");
	if ((size_t)(e2 + 1 - text) != len)
		return S_parse_fail(k, err, errsz, 3, "text after the key");

	/* line 1: KIND VERSION KEYID */
	sp1 = memchr(l1, ' ', (size_t)(e1 - l1));
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(e1 - sp1 - 1)) : NULL;
	if (sp1) {
		for (i = 0; i < 2; i++)
			if ((size_t)(sp1 - l1) == strlen(kind_names[i]) && memcmp(l1, kind_names[i], strlen(kind_names[i])) == 0)
				secret = (int)i;
	}
	if (secret < 0 || !sp2)
		return S_parse_fail(k, err, errsz, 1, "not an hhd key file (expected '%s 1 KEYID' or '%s 1 KEYID')",
			kind_names[1], kind_names[0]);
	if (sp2 - sp1 - 1 != 1 || sp1[1] != '0' + SEAL_VERSION)
		return S_parse_fail(k, err, errsz, 1, "unknown key file version '%.*s'",
			(int)(sp2 - sp1 - 1 > 16 ? 16 : sp2 - sp1 - 1), sp1 + 1);
	if (e1 - sp2 - 1 != 2 * SEAL_KEYID_BYTES)
		return S_parse_fail(k, err, errsz, 1, "key id must be %d lowercase hex digits", 2 * SEAL_KEYID_BYTES);
	for (i = 0; i < 2 * SEAL_KEYID_BYTES; i++)
		if (!strchr("0123456789abcdef", sp2[1 + i]) || sp2[1 + i] == '\0')
			return S_parse_fail(k, err, errsz, 1, "key id must be %d lowercase hex digits",
				2 * SEAL_KEYID_BYTES);

	/* line 2: the key. The alphabet is checked first: libsodium 1.0.18's
	 * decoder takes some bytes above 0x7f for base64 characters. */
	if (e2 - l2 != B64_LEN
	    || strspn(l2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") < B64_LEN
	    || sodium_base642bin(raw, sizeof raw, l2, B64_LEN, NULL, &rawlen, &b64end,
		sodium_base64_VARIANT_ORIGINAL) != 0
	    || rawlen != SEAL_KEY_BYTES || b64end != e2) {
		sodium_memzero(raw, sizeof raw);
		return S_parse_fail(k, err, errsz, 2, "not a %d-byte key in base64 (%d characters)",
			SEAL_KEY_BYTES, B64_LEN);
	}
	if (secret) {
		memcpy(k->sk, raw, sizeof raw);
		crypto_scalarmult_base(k->pk, k->sk);
		k->has_secret = 1;
	} else {
		memcpy(k->pk, raw, sizeof raw);
	}
	sodium_memzero(raw, sizeof raw);
	S_keyid(k);
	seal_keyid_hex(k->id, hex);
	if (memcmp(hex, sp2 + 1, 2 * SEAL_KEYID_BYTES) != 0)
		return S_parse_fail(k, err, errsz, 1, "key id '%.*s' does not match the key (its id is %s)",
			2 * SEAL_KEYID_BYTES, sp2 + 1, hex);
	return 0;
}

int seal_key_save(const char *path, const struct seal_key *k, int secret, char *err, size_t errsz)
{
	struct buf b = BUF_INIT;
	size_t off = 0;
	int fd, rc = -1;

	if (secret && !k->has_secret) {
		S_err(err, errsz, "%s: no secret key to write", path);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644);
	if (fd < 0) {
		S_err(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	seal_key_format(k, secret, &b);
	while (off < b.len) {
		ssize_t w = write(fd, b.ptr + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == b.len && fsync(fd) == 0)
		rc = 0;
	if (rc < 0)
		S_err(err, errsz, "%s: %s", path, strerror(errno));
	if (close(fd) < 0 && rc == 0) {
		S_err(err, errsz, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(path);
	sodium_memzero(b.ptr, b.len);
	buf_free(&b);
	return rc;
}

int seal_key_load(const char *path, struct seal_key *k, char *err, size_t errsz)
{
	char text[SEAL_KEYFILE_MAX + 1], why[200];
	struct stat st;
	size_t len = 0;
	int fd, rc;

	memset(k, 0, sizeof *k);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		S_err(err, errsz, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		S_err(err, errsz, "%s: not a regular file", path);
		return -1;
	}
	while (len < sizeof text) {
		ssize_t r = read(fd, text + len, sizeof text - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			S_err(err, errsz, "%s: %s", path, strerror(errno));
			close(fd);
			sodium_memzero(text, sizeof text);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	rc = seal_key_parse(k, text, len, why, sizeof why);
	sodium_memzero(text, sizeof text);
	if (rc < 0) {
		S_err(err, errsz, "%s: %s", path, why);
		return -1;
	}
	if (k->has_secret && (st.st_mode & 077)) {
		seal_key_wipe(k);
		S_err(err, errsz, "%s: secret key file readable by group or others (mode %04o): chmod 600 it",
			path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static void S_put32(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

enum seal_result seal_seal(const struct seal_key *k, const char *const f[SF__MAX], struct buf *out)
{
	unsigned char *plain, *box, *p;
	size_t len[SF__MAX], plen = 1, i;

	for (i = 0; i < SF__MAX; i++) {
		len[i] = f[i] ? strlen(f[i]) : 0;
		if (len[i] > SEAL_FIELD_MAX)
			return SEAL_ETOOLONG;
		plen += 4 + len[i];
	}
	p = plain = xmalloc(plen);
	*p++ = SEAL_VERSION;
	for (i = 0; i < SF__MAX; i++) {
		S_put32(p, len[i]);
		if (len[i])
			memcpy(p + 4, f[i], len[i]);
		p += 4 + len[i];
	}
	box = xmalloc(SEAL_HEADER_BYTES + crypto_box_SEALBYTES + plen);
	box[0] = 'H';
	box[1] = 'S';
	box[2] = SEAL_VERSION;
	memcpy(box + 3, k->id, SEAL_KEYID_BYTES);
	if (crypto_box_seal(box + SEAL_HEADER_BYTES, plain, plen, k->pk) != 0)
		abort();   /* only fails on a libsodium misuse */
	buf_add(out, box, SEAL_HEADER_BYTES + crypto_box_SEALBYTES + plen);
	sodium_memzero(plain, plen);
	free(plain);
	free(box);
	return SEAL_OK;
}

/* Split an opened plaintext into o. 0, or -1 with a reason in err. */
static int S_unpack(const unsigned char *p, size_t plen, struct seal_opened *o, char *err, size_t errsz)
{
	size_t off = 1, i, at = 0;

	if (plen < 1 || p[0] != SEAL_VERSION) {
		S_err(err, errsz, "sealed contents of unknown version");
		return -1;
	}
	o->data = xmalloc(plen + SF__MAX);
	for (i = 0; i < SF__MAX; i++) {
		size_t n;
		if (plen - off < 4) {
			S_err(err, errsz, "sealed contents end inside field '%s'", seal_field_names[i]);
			return -1;
		}
		n = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 | (size_t)p[off + 2] << 8 | p[off + 3];
		off += 4;
		if (n > SEAL_FIELD_MAX || n > plen - off) {
			S_err(err, errsz, "sealed field '%s' has a bad length", seal_field_names[i]);
			return -1;
		}
		if (memchr(p + off, '\0', n)) {
			S_err(err, errsz, "sealed field '%s' holds a NUL byte", seal_field_names[i]);
			return -1;
		}
		memcpy(o->data + at, p + off, n);
		o->data[at + n] = '\0';
		o->f[i] = o->data + at;
		o->len[i] = n;
		at += n + 1;
		off += n;
	}
	if (off != plen) {
		S_err(err, errsz, "%zu bytes after the sealed fields", plen - off);
		return -1;
	}
	return 0;
}

enum seal_result seal_open(const void *blob, size_t len, const struct seal_key *keys, size_t n,
	struct seal_opened *out, char *err, size_t errsz)
{
	const unsigned char *b = blob;
	const struct seal_key *k = NULL;
	unsigned char *plain;
	char hex[SEAL_KEYID_HEX];
	size_t plen, i;

	memset(out, 0, sizeof *out);
	if (len < SEAL_HEADER_BYTES + crypto_box_SEALBYTES + 1 || len > SEAL_BLOB_MAX) {
		S_err(err, errsz, "sealed blob of %zu bytes: not between %d and %d", len,
			SEAL_HEADER_BYTES + (int)crypto_box_SEALBYTES + 1, SEAL_BLOB_MAX);
		return SEAL_EFORMAT;
	}
	if (b[0] != 'H' || b[1] != 'S') {
		S_err(err, errsz, "not a sealed blob (bad magic)");
		return SEAL_EFORMAT;
	}
	if (b[2] != SEAL_VERSION) {
		S_err(err, errsz, "unknown sealed blob version %u", b[2]);
		return SEAL_EFORMAT;
	}
	seal_keyid_hex(b + 3, hex);
	for (i = 0; i < n && !k; i++)
		if (keys[i].has_secret && memcmp(keys[i].id, b + 3, SEAL_KEYID_BYTES) == 0)
			k = &keys[i];
	if (!k) {
		S_err(err, errsz, "sealed to key %s, whose secret key is not among the %zu given", hex, n);
		return SEAL_ENOKEY;
	}
	plen = len - SEAL_HEADER_BYTES - crypto_box_SEALBYTES;
	plain = xmalloc(plen);
	if (crypto_box_seal_open(plain, b + SEAL_HEADER_BYTES, len - SEAL_HEADER_BYTES, k->pk, k->sk) != 0) {
		free(plain);
		S_err(err, errsz, "sealed blob for key %s does not open: damaged or tampered", hex);
		return SEAL_EBROKEN;
	}
	if (S_unpack(plain, plen, out, err, errsz) < 0) {
		sodium_memzero(plain, plen);
		free(plain);
		seal_opened_free(out);
		return SEAL_EFORMAT;
	}
	sodium_memzero(plain, plen);
	free(plain);
	return SEAL_OK;
}

void seal_opened_free(struct seal_opened *o)
{
	size_t i, total = 0;

	if (o->data) {
		for (i = 0; i < SF__MAX; i++)
			if (o->f[i])
				total += o->len[i] + 1;
		sodium_memzero(o->data, total);
		free(o->data);
	}
	memset(o, 0, sizeof *o);
}
