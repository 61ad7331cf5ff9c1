/* test_fcgi_hll.c: the unique-visitor sketch (fcgi/hll.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "hll.h"
#include "t.h"

static struct hll a, b, u;

/* splitmix64: distinct, well-mixed 64-bit values from a counter */
static uint64_t S_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int S_within(double est, double k, double tol)
{
	double e = fabs(est - k) / k;
	if (e > tol)
		fprintf(stderr, "estimate %.1f for %.0f distinct: error %.2f%%\n", est, k, 100 * e);
	return e <= tol;
}

/* K distinct simulated visitors (distinct addresses through the keyed hash),
 * each seen three times: the estimate is within 3% of K. */
static void S_visitors(unsigned k, unsigned seed)
{
	struct hll_key key = { 0 };
	char addr[64];
	unsigned i, r;

	hll_init(&a);
	for (r = 0; r < 3; r++)
		for (i = 0; i < k; i++) {
			snprintf(addr, sizeof addr, "2001:db8:%x::%x", seed, i);
			hll_add_visitor(&a, &key, 20000, addr, "Mozilla/5.0 (X11; Linux x86_64)");
		}
	T_CHECK(S_within(hll_estimate(&a), k, 0.03));
	hll_key_wipe(&key);
}

static void test_accuracy(void)
{
	static const unsigned ks[] = { 1, 10, 100, 1000, 10000, 50000, 200000 };
	uint64_t seed;
	size_t i, j;

	hll_init(&a);
	T_CHECK(hll_estimate(&a) == 0);
	for (seed = 1; seed <= 5; seed++)
		for (i = 0; i < sizeof ks / sizeof ks[0]; i++) {
			hll_init(&a);
			for (j = 0; j < ks[i]; j++)
				hll_add(&a, S_mix(seed << 40 | j));
			/* the tiny counts must be exact to the visitor */
			if (ks[i] <= 100)
				T_CHECK(fabs(hll_estimate(&a) - ks[i]) < 0.5 + ks[i] * 0.01);
			else
				T_CHECK(S_within(hll_estimate(&a), ks[i], 0.03));
		}
	for (seed = 1; seed <= 3; seed++) {
		S_visitors(1000, (unsigned)seed);
		S_visitors(10000, (unsigned)seed);
	}
}

/* the same visitor twice (or a thousand times) counts once; one detail
 * different (address or user agent) is another visitor */
static void test_same_visitor(void)
{
	struct hll_key key = { 0 };
	int i;

	hll_init(&a);
	for (i = 0; i < 1000; i++)
		hll_add_visitor(&a, &key, 7, "192.0.2.1", "UA");
	T_CHECK(fabs(hll_estimate(&a) - 1) < 0.01);
	hll_add_visitor(&a, &key, 7, "192.0.2.1", "UA2");
	hll_add_visitor(&a, &key, 7, "192.0.2.2", "UA");
	/* the separator keeps the address and the user agent apart */
	hll_add_visitor(&a, &key, 7, "192.0.2.1U", "A");
	hll_add_visitor(&a, &key, 7, NULL, NULL);
	hll_add_visitor(&a, &key, 7, "", "");
	T_CHECK(fabs(hll_estimate(&a) - 5) < 0.05);
	hll_key_wipe(&key);
	T_CHECK(key.ready == 0);
}

/* the key is made on first use and replaced when the day changes, in either
 * direction; within a day it stays */
static void test_rotation(void)
{
	struct hll_key key = { 0 };
	unsigned char k1[sizeof key.key], zero[sizeof key.key] = { 0 };

	hll_init(&a);
	hll_add_visitor(&a, &key, 100, "192.0.2.1", "UA");
	T_CHECK(key.ready && key.day == 100);
	T_CHECK(memcmp(key.key, zero, sizeof zero) != 0);
	memcpy(k1, key.key, sizeof k1);
	hll_add_visitor(&a, &key, 100, "192.0.2.9", "UA");
	T_CHECK(memcmp(key.key, k1, sizeof k1) == 0);
	hll_add_visitor(&b, &key, 101, "192.0.2.1", "UA");
	T_CHECK(key.day == 101 && memcmp(key.key, k1, sizeof k1) != 0);
	memcpy(k1, key.key, sizeof k1);
	hll_add_visitor(&b, &key, 100, "192.0.2.1", "UA");   /* a clock stepped back */
	T_CHECK(key.day == 100 && memcmp(key.key, k1, sizeof k1) != 0);

	/* a visitor under two days' keys lands on unrelated registers: a day's
	 * sketch says nothing about another day's visitors */
	{
		int same = 0, i;
		char addr[32];
		for (i = 0; i < 200; i++) {
			hll_init(&a);
			hll_init(&b);
			snprintf(addr, sizeof addr, "198.51.100.%d", i);
			hll_add_visitor(&a, &key, 200, addr, "UA");
			hll_add_visitor(&b, &key, 201, addr, "UA");
			same += memcmp(a.reg, b.reg, sizeof a.reg) == 0;
		}
		T_CHECK(same < 5);   /* 1/16384 per visitor by chance */
	}
	hll_key_wipe(&key);
}

static void test_merge(void)
{
	size_t j;

	hll_init(&a);
	hll_init(&b);
	hll_init(&u);
	for (j = 0; j < 20000; j++) {
		uint64_t h = S_mix(j);
		hll_add(j % 2 ? &a : &b, h);
		hll_add(&u, h);
	}
	/* an overlap: 5,000 seen by both nodes */
	for (j = 0; j < 5000; j++) {
		hll_add(&a, S_mix(j));
		hll_add(&b, S_mix(j));
	}
	hll_merge(&a, &b);
	T_CHECK(memcmp(a.reg, u.reg, sizeof u.reg) == 0);
	T_CHECK(hll_estimate(&a) == hll_estimate(&u));
	T_CHECK(S_within(hll_estimate(&a), 20000, 0.03));
	/* merging is idempotent and merging an empty sketch changes nothing */
	hll_merge(&a, &b);
	hll_init(&b);
	hll_merge(&a, &b);
	T_CHECK(memcmp(a.reg, u.reg, sizeof u.reg) == 0);
}

/* serialise then parse gives the same registers, in both encodings */
static void S_roundtrip(size_t n, size_t want_len)
{
	struct buf out = BUF_INIT;
	char err[128];
	size_t j;

	hll_init(&a);
	for (j = 0; j < n; j++)
		hll_add(&a, S_mix(j * 7919));
	hll_serialise(&a, &out);
	T_CHECK(out.len <= HLL_BLOB_MAX);
	if (want_len)
		T_CHECK(out.len == want_len);
	T_CHECK(hll_parse(&b, out.ptr, out.len, err, sizeof err) == 0);
	T_CHECK(memcmp(a.reg, b.reg, sizeof a.reg) == 0);
	buf_free(&out);
}

static void S_reject(const void *blob, size_t len, const char *want)
{
	char err[128] = "";

	memset(b.reg, 9, sizeof b.reg);
	T_CHECK(hll_parse(&b, blob, len, err, sizeof err) == -1);
	if (!strstr(err, want))
		fprintf(stderr, "error [%s] lacks [%s]\n", err, want);
	T_CHECK(strstr(err, want) != NULL);
	T_CHECK(b.reg[0] == 0 && b.reg[HLL_M - 1] == 0);   /* left empty */
}

static void test_serialise(void)
{
	struct buf out = BUF_INIT;
	unsigned char *m;
	size_t nz, j;

	S_roundtrip(0, HLL_HEADER_BYTES + 2);
	S_roundtrip(1, HLL_HEADER_BYTES + 2 + HLL_SPARSE_ENTRY);
	S_roundtrip(1000, 0);
	S_roundtrip(100000, HLL_BLOB_MAX);
	/* every register at its largest value survives the dense packing */
	memset(a.reg, HLL_MAX_RANK, sizeof a.reg);
	hll_serialise(&a, &out);
	T_CHECK(out.len == HLL_BLOB_MAX);
	T_CHECK(hll_parse(&b, out.ptr, out.len, NULL, 0) == 0);
	T_CHECK(memcmp(a.reg, b.reg, sizeof a.reg) == 0);
	/* the switch from sparse to dense is where dense gets shorter */
	for (nz = 4094; nz <= 4096; nz++) {
		hll_init(&a);
		for (j = 0; j < nz; j++)
			a.reg[j * 4] = (uint8_t)(1 + j % HLL_MAX_RANK);
		buf_reset(&out);
		hll_serialise(&a, &out);
		T_CHECK(out.len == (2 + nz * 3 < HLL_DENSE_BYTES ? HLL_HEADER_BYTES + 2 + nz * 3 : HLL_BLOB_MAX));
		T_CHECK(out.len <= HLL_BLOB_MAX);
		T_CHECK(hll_parse(&b, out.ptr, out.len, NULL, 0) == 0);
		T_CHECK(memcmp(a.reg, b.reg, sizeof a.reg) == 0);
	}

	/* a dense blob: truncated, oversized, bad header fields, bad register */
	hll_init(&a);
	for (j = 0; j < 100000; j++)
		hll_add(&a, S_mix(j));
	buf_reset(&out);
	hll_serialise(&a, &out);
	T_CHECK(out.len == HLL_BLOB_MAX);
	m = malloc(HLL_BLOB_MAX + 1);
	memcpy(m, out.ptr, out.len);
	S_reject(m, 0, "shorter than its header");
	S_reject(m, HLL_HEADER_BYTES - 1, "shorter than its header");
	S_reject(m, HLL_HEADER_BYTES, "dense sketch body of 0 bytes");
	S_reject(m, HLL_BLOB_MAX - 1, "dense sketch body of 12287 bytes");
	m[HLL_BLOB_MAX] = 0;
	S_reject(m, HLL_BLOB_MAX + 1, "longer than 12293");
	m[0] = 'X';
	S_reject(m, HLL_BLOB_MAX, "bad magic");
	m[0] = 'H';
	m[2] = HLL_VERSION + 1;
	S_reject(m, HLL_BLOB_MAX, "unknown sketch version 2");
	m[2] = 0;
	S_reject(m, HLL_BLOB_MAX, "unknown sketch version 0");
	m[2] = HLL_VERSION;
	m[3] = HLL_P + 1;
	S_reject(m, HLL_BLOB_MAX, "precision 15");
	m[3] = HLL_P;
	m[4] = HLL__ENCODING_MAX;
	S_reject(m, HLL_BLOB_MAX, "unknown sketch encoding 2");
	m[4] = HLL_DENSE;
	T_CHECK(hll_parse(&b, m, HLL_BLOB_MAX, NULL, 0) == 0);   /* restored: valid again */
	m[HLL_HEADER_BYTES] = 0;
	m[HLL_HEADER_BYTES + 1] = 0;
	m[HLL_HEADER_BYTES + 2] = 52;   /* the fourth register's 6 bits = 52 */
	S_reject(m, HLL_BLOB_MAX, "register 3 holds 52");
	m[HLL_HEADER_BYTES + 2] = 51;   /* 51 is the largest allowed */
	T_CHECK(hll_parse(&b, m, HLL_BLOB_MAX, NULL, 0) == 0 && b.reg[3] == 51);
	free(m);

	/* sparse blobs */
	{
		static const unsigned char ok[] = { 'H', 'L', 1, 14, 1, 0, 2, 0, 5, 3, 0x3f, 0xff, 51 };
		unsigned char s[sizeof ok + 1];
		T_CHECK(hll_parse(&b, ok, sizeof ok, NULL, 0) == 0);
		T_CHECK(b.reg[5] == 3 && b.reg[HLL_M - 1] == 51 && b.reg[0] == 0);
		S_reject(ok, HLL_HEADER_BYTES + 1, "without a count");
		S_reject(ok, sizeof ok - 1, "2 entries has 7 bytes");
		memcpy(s, ok, sizeof ok);
		s[sizeof ok] = 0;
		S_reject(s, sizeof s, "2 entries has 9 bytes");
		s[6] = 3;   /* count says 3 */
		S_reject(s, sizeof ok, "3 entries has 8 bytes");
		memcpy(s, ok, sizeof ok);
		s[10] = 0x40;
		s[11] = 0;   /* index 16384 */
		S_reject(s, sizeof ok, "register 16384 out of range");
		memcpy(s, ok, sizeof ok);
		s[10] = 0;
		s[11] = 5;   /* same index twice */
		S_reject(s, sizeof ok, "not in increasing order");
		s[11] = 4;   /* decreasing */
		S_reject(s, sizeof ok, "not in increasing order");
		memcpy(s, ok, sizeof ok);
		s[12] = 52;
		S_reject(s, sizeof ok, "value 52 out of range");
		s[12] = 0;
		S_reject(s, sizeof ok, "value 0 out of range");
	}
	buf_free(&out);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_accuracy();
	test_same_visitor();
	test_rotation();
	test_merge();
	test_serialise();
	return t_done();
}
