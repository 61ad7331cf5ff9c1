/* test_cache.c: the build caches' files (cache.h), the render memo's
 * keys (memo.h), and what the writer's journal keeps for the next build
 * (write.h: the keys, and the render stage's record of its inputs). */
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "fileio.h"
#include "memo.h"
#include "t.h"
#include "write.h"

static void test_files(const char *dir)
{
	struct buf out = BUF_INIT, got = BUF_INIT, path = BUF_INIT;
	buf_addf(&out, "%s/public", dir);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == -1); /* none yet */
	T_CHECK(cache_write(out.ptr, "x", 1, "hello", 5) == 0);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == 0 && got.len == 5 && !memcmp(got.ptr, "hello", 5));
	buf_reset(&got);
	T_CHECK(cache_read(out.ptr, "x", 2, &got) == -1 && got.len == 0); /* another format */
	T_CHECK(cache_read(out.ptr, "y", 1, &got) == -1);                 /* another name */
	/* damaged: one byte of the payload changed, or the file cut short */
	cache_dir(out.ptr, &path);
	buf_adds(&path, "/x");
	struct buf file = BUF_INIT;
	T_CHECK(file_read(path.ptr, 1 << 20, &file) == FILE_OK);
	file.ptr[file.len - 1] ^= 1;
	T_CHECK(file_write(path.ptr, file.ptr, file.len) == 0);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == -1 && got.len == 0);
	T_CHECK(file_write(path.ptr, file.ptr, file.len - 3) == 0);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == -1 && got.len == 0);
	T_CHECK(file_write(path.ptr, "", 0) == 0);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == -1);
	/* an empty payload is a payload */
	T_CHECK(cache_write(out.ptr, "x", 1, "", 0) == 0);
	T_CHECK(cache_read(out.ptr, "x", 1, &got) == 0 && got.len == 0);
	cache_remove(out.ptr, "x");
	T_CHECK(access(path.ptr, F_OK) < 0);
	cache_remove(out.ptr, "x"); /* twice: no error */
	buf_free(&file);
	buf_free(&out);
	buf_free(&got);
	buf_free(&path);
}

/* {"a": "x", "l": [true, null]} with the given string and bool */
static struct val *S_tree(struct arena *a, const char *s, int b)
{
	struct val *m = val_map(a), *l = val_list(a);
	val_map_str(a, m, "a", s);
	val_list_push(a, l, val_bool(a, b));
	val_list_push(a, l, val_null(a));
	val_map_set(a, m, "l", l);
	return m;
}

static void test_keys(void)
{
	struct arena a;
	arena_init(&a);
	struct cache_key base = memo_base((struct cache_key){ 1, 2 });
	struct cache_key k = memo_key(base, "page", S_tree(&a, "x", 1));
	T_CHECK(cache_key_eq(k, memo_key(base, "page", S_tree(&a, "x", 1))));      /* pure */
	T_CHECK(!cache_key_eq(k, memo_key(base, "tip", S_tree(&a, "x", 1))));      /* template */
	T_CHECK(!cache_key_eq(k, memo_key(base, "page", S_tree(&a, "y", 1))));     /* a string */
	T_CHECK(!cache_key_eq(k, memo_key(base, "page", S_tree(&a, "x", 0))));     /* a bool */
	T_CHECK(!cache_key_eq(k, memo_key(memo_base((struct cache_key){ 1, 3 }), "page", S_tree(&a, "x", 1))));
	/* shapes that print alike still differ: "ab" + "" against "a" + "b" */
	struct val *m1 = val_map(&a), *m2 = val_map(&a);
	val_map_str(&a, m1, "k", "ab");
	val_map_str(&a, m1, "l", "");
	val_map_str(&a, m2, "k", "a");
	val_map_str(&a, m2, "l", "b");
	T_CHECK(!cache_key_eq(memo_key(base, "p", m1), memo_key(base, "p", m2)));
	/* a key name is part of it */
	struct val *m3 = val_map(&a);
	val_map_str(&a, m3, "j", "ab");
	val_map_str(&a, m3, "l", "");
	T_CHECK(!cache_key_eq(memo_key(base, "p", m1), memo_key(base, "p", m3)));
	/* null, false, "" and an empty list are four values */
	struct val *v[4] = { val_null(&a), val_bool(&a, 0), val_str(&a, ""), val_list(&a) };
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			T_CHECK(!cache_key_eq(memo_key(base, "p", v[i]), memo_key(base, "p", v[j])));
	/* a sealed subtree: the same key every time, and a change below it
	 * (in a new tree, as values are immutable once sealed) changes it */
	struct val *shared = S_tree(&a, "x", 1);
	memo_seal(&a, shared);
	T_CHECK(shared->digest != NULL);
	struct val *p1 = val_map(&a), *p2 = val_map(&a), *p3 = val_map(&a);
	val_map_set(&a, p1, "s", shared);
	val_map_set(&a, p2, "s", shared);
	struct val *other = S_tree(&a, "z", 1);
	memo_seal(&a, other);
	val_map_set(&a, p3, "s", other);
	T_CHECK(cache_key_eq(memo_key(base, "p", p1), memo_key(base, "p", p2)));
	T_CHECK(!cache_key_eq(memo_key(base, "p", p1), memo_key(base, "p", p3)));
	arena_free(&a);
}

/* writer_last_key and writer_last_inputs give back what the last
 * committed build put and left, also after a build that stopped before
 * changing anything, and nothing after one that changed the spare and did
 * not commit (the journal goes with the spare's first change). */
static void test_journal(const char *dir)
{
	struct buf out = BUF_INIT;
	struct diags d;
	diags_init(&d);
	buf_addf(&out, "%s/site", dir);
	struct cache_key k1 = { 1, 2 }, got = { 0, 0 };
	size_t n = 99;

	struct writer *w = writer_open(out.ptr, &d);
	T_CHECK(w != NULL);
	T_CHECK(writer_last_inputs(w, &n) == NULL); /* no build before */
	T_CHECK(!writer_last_key(w, "a.html", &got));
	T_CHECK(writer_put_keyed(w, "a.html", "A", 1, k1, &d) == 0);
	T_CHECK(writer_put(w, "b.html", "B", 1, &d) == 0); /* not keyed */
	writer_set_inputs(w, "first", 5);
	writer_set_inputs(w, "record", 6); /* the last one counts */
	T_CHECK(writer_commit(w, &d) == 0);

	w = writer_open(out.ptr, &d);
	const char *in = writer_last_inputs(w, &n);
	T_CHECK(in && n == 6 && !memcmp(in, "record", 6));
	T_CHECK(writer_last_key(w, "a.html", &got) && cache_key_eq(got, k1));
	T_CHECK(!writer_last_key(w, "b.html", &got)); /* put without a key */
	T_CHECK(!writer_last_key(w, "c.html", &got));
	T_CHECK(writer_keep(w, "a.html", k1) == 1);
	/* no record set: the next build finds an empty one */
	T_CHECK(writer_commit(w, &d) == 0);

	w = writer_open(out.ptr, &d);
	in = writer_last_inputs(w, &n);
	T_CHECK(in != NULL && n == 0);
	T_CHECK(writer_last_key(w, "a.html", &got) && cache_key_eq(got, k1)); /* kept with its key */
	writer_set_inputs(w, "lost", 4);
	writer_abort(w);

	/* that build changed nothing before it stopped (a content error): the
	 * journal is still there and trusted */
	w = writer_open(out.ptr, &d);
	in = writer_last_inputs(w, &n);
	T_CHECK(in != NULL && n == 0);
	T_CHECK(writer_last_key(w, "a.html", &got) && cache_key_eq(got, k1));
	/* --force trusts none, and leaves the file until the spare changes */
	writer_forget(w);
	T_CHECK(writer_last_inputs(w, &n) == NULL);
	T_CHECK(!writer_last_key(w, "a.html", &got));
	T_CHECK(writer_keep(w, "a.html", k1) == 0);
	writer_abort(w);
	w = writer_open(out.ptr, &d);
	T_CHECK(writer_last_key(w, "a.html", &got));
	/* a build that put a file had removed the journal before: nothing to trust */
	T_CHECK(writer_put(w, "c.html", "C", 1, &d) == 0);
	writer_abort(w);
	w = writer_open(out.ptr, &d);
	T_CHECK(writer_last_inputs(w, &n) == NULL);
	T_CHECK(!writer_last_key(w, "a.html", &got));
	writer_abort(w);
	T_CHECK(!diags_failed(&d));
	diags_free(&d);
	buf_free(&out);
}

int main(void)
{
	char dir[] = "/tmp/hhd-test-cache.XXXXXX";
	if (!mkdtemp(dir))
		return 2;
	test_files(dir);
	test_keys();
	test_journal(dir);
	struct buf rm = BUF_INIT;
	buf_addf(&rm, "%s", dir);
	dir_remove(rm.ptr);
	buf_free(&rm);
	return t_done();
}
