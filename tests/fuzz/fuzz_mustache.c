/* fuzz_mustache.c: libFuzzer target for generator/mustache.c.
 *
 * The input is compiled as template "t" into a set that also holds a
 * partial and a parent it may name (and "t" itself, for recursion), checked
 * with mustache_check, and rendered twice against a small fixed context:
 * both renders must succeed or stop at the same limit with the same bytes.
 * Built with -fsanitize=fuzzer,address,undefined as fuzz_mustache, and with
 * replay_main.c as replay_mustache for CTest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "mustache.h"
#include "value.h"

static struct arena A;
static struct val *ctx;

static const char *const fixed[][2] = {
	{ "p", "<{{x}}>\n  {{#l}}{{.}}{{/l}}\n" },
	{ "layout", "[{{$a}}A{{/a}}|\n  {{$b}}\n  B\n  {{/b}}\n]" },
};

/* The context: strings that need escaping, an empty string, booleans,
 * null, a list of two (so nested loops grow the output), nested maps. */
static struct val *S_context(void)
{
	struct val *m = val_map(&A), *l = val_list(&A), *inner = val_map(&A), *deep = val_map(&A);
	val_map_str(&A, m, "x", "<&\"'>");
	val_map_str(&A, m, "e", "");
	val_map_bool(&A, m, "t", 1);
	val_map_bool(&A, m, "f", 0);
	val_map_set(&A, m, "n", val_null(&A));
	val_list_push(&A, l, val_str(&A, "a"));
	val_map_str(&A, inner, "x", "b\nc");
	val_list_push(&A, l, inner);
	val_map_set(&A, m, "l", l);
	val_map_str(&A, deep, "x", "z");
	val_map_set(&A, inner, "m", deep);
	val_map_set(&A, m, "m", inner);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		arena_init(&A);
		ctx = S_context();
	}
	struct diags d;
	diags_init(&d);
	struct mustache_set *set = mustache_set_new();
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (mustache_add(set, fixed[i][0], NULL, fixed[i][1], strlen(fixed[i][1]), &d) != 0)
			abort();
	if (mustache_add(set, "t", "t", (const char *)data, size, &d) == 0) {
		const struct mustache *t = mustache_get(set, "t");
		struct buf a = BUF_INIT, b = BUF_INIT;
		mustache_check(set, &d);
		int ra = mustache_render(set, t, ctx, &a);
		int rb = mustache_render(set, t, ctx, &b);
		if (ra != rb || a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0)
			abort(); /* rendering must be deterministic */
		if (ra != MUSTACHE_OK && ra != MUSTACHE_TOO_DEEP && ra != MUSTACHE_TOO_LONG && ra != MUSTACHE_TOO_BIG)
			abort();
		buf_free(&a);
		buf_free(&b);
	} else if (d.errors == 0) {
		abort(); /* a failed compile must say why */
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.list[i].id != D_TPL_TOO_BIG && (d.list[i].line == 0 || d.list[i].col == 0))
			abort(); /* and where */
	mustache_set_free(set);
	diags_free(&d);
	return 0;
}
