/* fuzz_hll.c: libFuzzer target for the stored form of the unique-visitor
 * sketch (fcgi/hll.c), read back from the database and merged from other
 * nodes. A blob hll_parse accepts must serialise to a blob that parses to
 * the same registers, no longer than HLL_BLOB_MAX, with a finite estimate;
 * a refused blob leaves the sketch empty. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hll.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hll h, back, sum;
	struct buf out = BUF_INIT;
	char err[160];
	double e;
	size_t i;

	if (hll_parse(&h, data, size, err, sizeof err) < 0) {
		for (i = 0; i < HLL_M; i++)
			CHECK(h.reg[i] == 0);
		CHECK(err[0] != '\0');
		return 0;
	}
	CHECK(size <= HLL_BLOB_MAX);
	for (i = 0; i < HLL_M; i++)
		CHECK(h.reg[i] <= HLL_MAX_RANK);
	hll_serialise(&h, &out);
	CHECK(out.len <= HLL_BLOB_MAX && out.len <= size);   /* the shorter encoding */
	CHECK(hll_parse(&back, out.ptr, out.len, err, sizeof err) == 0);
	CHECK(memcmp(h.reg, back.reg, sizeof h.reg) == 0);
	e = hll_estimate(&h);
	CHECK(isfinite(e) && e >= 0);
	/* merging a sketch into itself changes nothing */
	memcpy(&sum, &h, sizeof sum);
	hll_merge(&sum, &back);
	CHECK(memcmp(sum.reg, h.reg, sizeof h.reg) == 0);
	buf_free(&out);
	return 0;
}
