/* hll.h: unique visitors per day without cookies, as a HyperLogLog sketch.
 *
 * A sketch holds HLL_M = 2^HLL_P one-byte registers (16 KiB in memory) and
 * estimates how many distinct 64-bit hashes were added to it, with a
 * relative standard error of 1.04 / sqrt(HLL_M) = 0.81% at HLL_P 14, from
 * zero up to far beyond any day's traffic. The estimator is Ertl's improved
 * one ("New cardinality estimation algorithms for HyperLogLog sketches",
 * 2017): it needs no empirical bias tables and is unbiased across the range
 * where the classic estimator switches to linear counting.
 *
 * Visitors are hashed with hll_add_visitor(): a keyed hash (BLAKE2b through
 * libsodium's crypto_generichash) of the client address and user agent,
 * under a random key that lives only in a struct hll_key in memory and is
 * replaced whenever the day number changes. The address and the hash never
 * leave that function; only the registers are ever stored, and from them
 * neither an address nor a visitor's presence can be recovered, nor can a
 * visitor be linked across days.
 *
 * Sketches of the same day from several nodes merge by register-wise max.
 * The stored form (hll_serialise, hll_parse) is a versioned byte blob:
 *   "HL" VERSION(1) PRECISION(14) ENCODING, then
 *   ENCODING 0 (dense):  HLL_DENSE_BYTES bytes, four 6-bit registers per 3 bytes
 *   ENCODING 1 (sparse): COUNT (u16, big endian), then COUNT entries of
 *                        INDEX (u16, big endian, strictly increasing, < HLL_M)
 *                        and VALUE (u8, 1..HLL_MAX_RANK)
 * hll_serialise picks whichever is shorter (sparse up to ~4,000 visitors:
 * 3 bytes each). hll_parse accepts nothing else: a blob of another length,
 * version, precision or encoding, or a register value out of range, is
 * rejected whole. */
#ifndef HHD_HLL_H
#define HHD_HLL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define HLL_P 14                         /* precision: index bits of the hash */
#define HLL_M (1u << HLL_P)              /* registers: 16384 */
#define HLL_MAX_RANK (64 - HLL_P + 1)    /* largest register value: 51 */
#define HLL_VERSION 1
#define HLL_HEADER_BYTES 5               /* "HL", version, precision, encoding */
#define HLL_DENSE_BYTES (HLL_M / 4 * 3)  /* 12288 */
#define HLL_SPARSE_ENTRY 3
#define HLL_BLOB_MAX (HLL_HEADER_BYTES + HLL_DENSE_BYTES)  /* the longest valid blob */

enum hll_encoding { HLL_DENSE = 0, HLL_SPARSE = 1, HLL__ENCODING_MAX };

struct hll {
	uint8_t reg[HLL_M];
};

/* The visitor-hash key of one day. Needs sodium_init(); wipe it with
 * hll_key_wipe() when done. */
struct hll_key {
	long day;            /* the day the key belongs to */
	int ready;           /* 0 until the first hll_add_visitor() */
	unsigned char key[32];
};

void hll_init(struct hll *h);
/* Count one 64-bit hash (uniformly distributed bits). */
void hll_add(struct hll *h, uint64_t hash);
/* Count the visitor (addr, ua) of day `day` (any monotonic day number, e.g.
 * days since the epoch in the counters' time zone). The key is made on the
 * first call and replaced whenever `day` differs from the key's day (also
 * backwards: a clock stepped back must not reuse a key). NULL counts as "". */
void hll_add_visitor(struct hll *h, struct hll_key *k, long day, const char *addr, const char *ua);
void hll_key_wipe(struct hll_key *k);
/* The estimated number of distinct hashes added (0 for an empty sketch). */
double hll_estimate(const struct hll *h);
/* dst := register-wise max(dst, src): the sketch of the union. */
void hll_merge(struct hll *dst, const struct hll *src);
/* Append the stored form of h to out (at most HLL_BLOB_MAX bytes). */
void hll_serialise(const struct hll *h, struct buf *out);
/* Read a stored form into h. 0, or -1 with h left empty and a reason in err. */
int hll_parse(struct hll *h, const void *data, size_t len, char *err, size_t errsz);

#endif
