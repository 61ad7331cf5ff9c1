/* hll.c: see hll.h. */
#include "hll.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define Q (64 - HLL_P)   /* hash bits left for the rank */

static int S_fail(struct hll *h, char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int S_fail(struct hll *h, char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	hll_init(h);
	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void hll_init(struct hll *h)
{
	memset(h->reg, 0, sizeof h->reg);
}

void hll_add(struct hll *h, uint64_t hash)
{
	uint32_t idx = (uint32_t)(hash >> Q);
	uint64_t w = hash << HLL_P;
	uint8_t rank = w == 0 ? HLL_MAX_RANK : (uint8_t)(__builtin_clzll(w) + 1);

	if (rank > h->reg[idx])
		h->reg[idx] = rank;
}

void hll_add_visitor(struct hll *h, struct hll_key *k, long day, const char *addr, const char *ua)
{
	crypto_generichash_state st;
	unsigned char out[crypto_generichash_BYTES_MIN];
	uint64_t hash;

	if (!k->ready || k->day != day) {
		crypto_generichash_keygen(k->key);
		k->day = day;
		k->ready = 1;
	}
	if (!addr)
		addr = "";
	if (!ua)
		ua = "";
	/* the NUL after the address keeps ("1.2.3.4", "5x") and ("1.2.3.45", "x") apart */
	crypto_generichash_init(&st, k->key, sizeof k->key, sizeof out);
	crypto_generichash_update(&st, (const unsigned char *)addr, strlen(addr) + 1);
	crypto_generichash_update(&st, (const unsigned char *)ua, strlen(ua));
	crypto_generichash_final(&st, out, sizeof out);
	memcpy(&hash, out, sizeof hash);
	hll_add(h, hash);
	sodium_memzero(&st, sizeof st);
	sodium_memzero(out, sizeof out);
	sodium_memzero(&hash, sizeof hash);
}

void hll_key_wipe(struct hll_key *k)
{
	sodium_memzero(k, sizeof *k);
}

/* Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for x in [0, 1). */
static double S_sigma(double x)
{
	double y = 1, z = x, old;

	do {
		x *= x;
		old = z;
		z += x * y;
		y += y;
	} while (z != old);
	return z;
}

/* Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, for x in [0, 1]. */
static double S_tau(double x)
{
	double y = 1, z, old;

	if (x == 0 || x == 1)
		return 0;
	z = 1 - x;
	do {
		x = sqrt(x);
		old = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != old);
	return z / 3;
}

double hll_estimate(const struct hll *h)
{
	unsigned c[HLL_MAX_RANK + 1] = { 0 };
	double m = HLL_M, z;
	size_t i;
	int k;

	for (i = 0; i < HLL_M; i++)
		c[h->reg[i]]++;
	if (c[0] == HLL_M)
		return 0;
	z = m * S_tau(1 - c[Q + 1] / m);
	for (k = Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * S_sigma(c[0] / m);
	return m * m / (2 * log(2)) / z;
}

void hll_merge(struct hll *dst, const struct hll *src)
{
	size_t i;

	for (i = 0; i < HLL_M; i++)
		if (src->reg[i] > dst->reg[i])
			dst->reg[i] = src->reg[i];
}

void hll_serialise(const struct hll *h, struct buf *out)
{
	unsigned char head[HLL_HEADER_BYTES] = { 'H', 'L', HLL_VERSION, HLL_P, HLL_DENSE };
	size_t i, nz = 0;

	for (i = 0; i < HLL_M; i++)
		nz += h->reg[i] != 0;
	if (2 + nz * HLL_SPARSE_ENTRY < HLL_DENSE_BYTES) {
		head[4] = HLL_SPARSE;
		buf_add(out, head, sizeof head);
		buf_addch(out, (int)(nz >> 8));
		buf_addch(out, (int)(nz & 0xff));
		for (i = 0; i < HLL_M; i++) {
			if (h->reg[i] == 0)
				continue;
			buf_addch(out, (int)(i >> 8));
			buf_addch(out, (int)(i & 0xff));
			buf_addch(out, h->reg[i]);
		}
		return;
	}
	buf_add(out, head, sizeof head);
	for (i = 0; i < HLL_M; i += 4) {
		const uint8_t *r = &h->reg[i];
		uint32_t v = (uint32_t)r[0] << 18 | (uint32_t)r[1] << 12 | (uint32_t)r[2] << 6 | r[3];
		buf_addch(out, (int)(v >> 16));
		buf_addch(out, (int)((v >> 8) & 0xff));
		buf_addch(out, (int)(v & 0xff));
	}
}

int hll_parse(struct hll *h, const void *data, size_t len, char *err, size_t errsz)
{
	const unsigned char *p = data;
	size_t i, n, prev = 0;

	hll_init(h);
	if (len < HLL_HEADER_BYTES)
		return S_fail(h, err, errsz, "sketch of %zu bytes is shorter than its header", len);
	if (len > HLL_BLOB_MAX)
		return S_fail(h, err, errsz, "sketch of %zu bytes is longer than %d", len, HLL_BLOB_MAX);
	if (p[0] != 'H' || p[1] != 'L')
		return S_fail(h, err, errsz, "not a sketch (bad magic)");
	if (p[2] != HLL_VERSION)
		return S_fail(h, err, errsz, "unknown sketch version %u", p[2]);
	if (p[3] != HLL_P)
		return S_fail(h, err, errsz, "sketch precision %u, expected %d", p[3], HLL_P);
	p += HLL_HEADER_BYTES;
	len -= HLL_HEADER_BYTES;
	switch (p[-1]) {
	case HLL_DENSE:
		if (len != HLL_DENSE_BYTES)
			return S_fail(h, err, errsz, "dense sketch body of %zu bytes, expected %d",
				len, HLL_DENSE_BYTES);
		for (i = 0; i < HLL_M; i += 4, p += 3) {
			uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
			int j;
			for (j = 0; j < 4; j++) {
				uint8_t r = (uint8_t)((v >> (18 - 6 * j)) & 0x3f);
				if (r > HLL_MAX_RANK)
					return S_fail(h, err, errsz, "register %zu holds %u, above %d",
						i + (size_t)j, r, HLL_MAX_RANK);
				h->reg[i + (size_t)j] = r;
			}
		}
		return 0;
	case HLL_SPARSE:
		if (len < 2)
			return S_fail(h, err, errsz, "sparse sketch without a count");
		n = (size_t)p[0] << 8 | p[1];
		if (len != 2 + n * HLL_SPARSE_ENTRY)
			return S_fail(h, err, errsz, "sparse sketch of %zu entries has %zu bytes, expected %zu",
				n, len, 2 + n * HLL_SPARSE_ENTRY);
		p += 2;
		for (i = 0; i < n; i++, p += HLL_SPARSE_ENTRY) {
			size_t idx = (size_t)p[0] << 8 | p[1];
			if (idx >= HLL_M)
				return S_fail(h, err, errsz, "entry %zu: register %zu out of range", i, idx);
			if (i > 0 && idx <= prev)
				return S_fail(h, err, errsz, "entry %zu: registers not in increasing order", i);
			prev = idx;
			if (p[2] == 0 || p[2] > HLL_MAX_RANK)
				return S_fail(h, err, errsz, "entry %zu: value %u out of range 1..%d",
					i, p[2], HLL_MAX_RANK);
			h->reg[idx] = p[2];
		}
		return 0;
	default:
		return S_fail(h, err, errsz, "unknown sketch encoding %u", p[-1]);
	}
}
