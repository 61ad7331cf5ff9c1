/* seal.h: contact submissions sealed at rest with the helpdesk's public key.
 *
 * hhd-fcgi holds only a public key and seals the personal fields of each
 * submission (name, company, e-mail, phone, message) into an anonymous
 * sealed box (libsodium crypto_box_seal: X25519 + XSalsa20-Poly1305 with an
 * ephemeral sender key). Only the holder of the secret key, which lives with
 * the helpdesk and not on the web server, can open it; a stolen database or
 * server gives nothing to read.
 *
 * Key files are two lines of text, LF-terminated, nothing else:
 *   hhd-secret-key 1 KEYID          or   hhd-public-key 1 KEYID
 *   BASE64 (the 32-byte X25519 key, standard alphabet with padding: 44 characters)
 * KEYID is the first SEAL_KEYID_BYTES bytes of BLAKE2b-256 of the public
 * key, in lowercase hex; the parser recomputes it (for a secret key, from
 * the public key it derives) and refuses a file whose id does not match.
 * seal_key_save writes a new file only (it never overwrites a key): 0600 for
 * a secret key, 0644 for a public one; seal_key_load refuses a secret key
 * file that group or others may read.
 *
 * A sealed blob names the key it was sealed to, so keys can rotate: seal new
 * submissions to the new public key, and open with every secret key still
 * kept; seal_open picks the one whose id the blob names.
 *   "HS" VERSION(1) KEYID(8 bytes) BOX (crypto_box_SEALBYTES + plaintext)
 * The plaintext inside the box: VERSION(1), then for each field in
 * enum seal_field order a 4-byte big-endian length and that many bytes
 * (UTF-8, no NUL, at most SEAL_FIELD_MAX). Opening checks every length. */
#ifndef HHD_SEAL_H
#define HHD_SEAL_H

#include <stddef.h>

#include "buf.h"

#define SEAL_VERSION 1
#define SEAL_KEYID_BYTES 8
#define SEAL_KEYID_HEX (2 * SEAL_KEYID_BYTES + 1)   /* with the NUL */
#define SEAL_KEY_BYTES 32
#define SEAL_KEYFILE_MAX 256     /* bytes in a key file; a real one has about 80 */
#define SEAL_FIELD_MAX 16384     /* bytes in one sealed field (the form's limits are far below) */
#define SEAL_HEADER_BYTES (3 + SEAL_KEYID_BYTES)
/* The longest plaintext and blob that seal_seal makes and seal_open takes. */
#define SEAL_PLAIN_MAX (1 + SF__MAX * (4 + SEAL_FIELD_MAX))
#define SEAL_BLOB_MAX (SEAL_HEADER_BYTES + 48 + SEAL_PLAIN_MAX)   /* 48: crypto_box_SEALBYTES */

enum seal_field { SF_NAME, SF_COMPANY, SF_EMAIL, SF_PHONE, SF_MESSAGE, SF__MAX };

/* "name", "company", "email", "phone", "message": the contact form's names */
extern const char *const seal_field_names[SF__MAX];

struct seal_key {
	unsigned char id[SEAL_KEYID_BYTES];
	unsigned char pk[SEAL_KEY_BYTES];
	unsigned char sk[SEAL_KEY_BYTES];   /* zero unless has_secret */
	int has_secret;
};

/* The fields of an opened blob: f[i] points into `data` (NUL-terminated,
 * len[i] bytes). Free with seal_opened_free, which wipes them. */
struct seal_opened {
	char *data;
	const char *f[SF__MAX];
	size_t len[SF__MAX];
};

enum seal_result {
	SEAL_OK = 0,
	SEAL_EFORMAT = -1,   /* not a sealed blob of this version, or a bad length */
	SEAL_ENOKEY = -2,    /* sealed to a key id none of the given secret keys has */
	SEAL_EBROKEN = -3,   /* the key matched but the box did not open: tampered or damaged */
	SEAL_ETOOLONG = -4,  /* seal_seal: a field longer than SEAL_FIELD_MAX */
};

/* All need sodium_init() to have succeeded. */

/* A new key pair (has_secret = 1). */
void seal_keygen(struct seal_key *k);
/* The key id in lowercase hex. */
void seal_keyid_hex(const unsigned char id[SEAL_KEYID_BYTES], char out[SEAL_KEYID_HEX]);
/* Append the text of k's public (secret = 0) or secret (secret = 1, needs
 * has_secret) key file to out. */
void seal_key_format(const struct seal_key *k, int secret, struct buf *out);
/* Read a key file's text into k. 0, or -1 with k wiped and "line N: reason" in err. */
int seal_key_parse(struct seal_key *k, const char *text, size_t len, char *err, size_t errsz);
/* Write k's key file to a new path (O_EXCL: never overwrites); mode 0600 for
 * a secret key, 0644 for a public key. 0, or -1 with a reason in err. */
int seal_key_save(const char *path, const struct seal_key *k, int secret, char *err, size_t errsz);
/* Read and parse a key file; "PATH: reason" in err on -1. A secret key file
 * readable by group or others is refused. */
int seal_key_load(const char *path, struct seal_key *k, char *err, size_t errsz);
void seal_key_wipe(struct seal_key *k);

/* Seal f[SF__MAX] (NULL counts as "") to k's public key; the blob is
 * appended to out. SEAL_OK or SEAL_ETOOLONG (out unchanged). */
enum seal_result seal_seal(const struct seal_key *k, const char *const f[SF__MAX], struct buf *out);
/* Open a blob with whichever of keys[0..n) has its key id and a secret.
 * On SEAL_OK, out holds the fields; otherwise out is empty and err (if
 * given) says why. */
enum seal_result seal_open(const void *blob, size_t len, const struct seal_key *keys, size_t n,
	struct seal_opened *out, char *err, size_t errsz);
void seal_opened_free(struct seal_opened *o);

#endif
