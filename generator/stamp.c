/* stamp.c: the build stamp of stamp.h: a hash over the inputs, stored
 * with the diagnostics beside the output. */
#include "stamp.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "fileio.h"
#include "pool.h"
#include "xalloc.h"

static uint64_t S_mix(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* One entry the walk saw under the content folder: a file, a folder, or
 * a name whose stat failed (a dangling link). */
struct stamp_file {
	const char *path;             /* NULL: where a job's entries go (S_collect) */
	size_t name;                  /* where its last part starts in path */
	int ok;                       /* st holds its stat data */
	struct stat st;
};

/* What one walk collected: its entries in walk order, paths in its arena. */
struct walk {
	const char *dir;
	int depth;
	uint64_t h;                   /* the walk's own hash (from FNV's basis) */
	int collect;                  /* keep the entries */
	struct arena a;
	struct stamp_file *files;
	size_t n, cap;
};

struct stamp_files {
	struct walk *walks;           /* their arenas hold the paths */
	size_t nwalks;
	struct stamp_file *files;     /* every walk's, in walk order */
	size_t n;
};

#define FNV_BASIS 14695981039346656037ull
/* Folders this deep below the content or theme folder are walked as jobs
 * of their own, on the build's threads (content/nl/tips, content/en/tips). */
#define JOB_DEPTH 2
/* Deeper folders are not walked (nothing is read from there). */
#define MAX_DEPTH 16

static void S_keep(struct walk *w, const struct buf *path, size_t name, const struct stat *st)
{
	w->files = xgrow(w->files, &w->cap, w->n + 1, sizeof *w->files);
	struct stamp_file *f = &w->files[w->n++];
	*f = (struct stamp_file){ NULL, name, st != NULL, { 0 } };
	if (path)
		f->path = arena_strdup(&w->a, path->ptr);
	if (st)
		f->st = *st;
}

/* Mix one entry into the hash: its path and stat data. */
static uint64_t S_mix_entry(uint64_t h, const struct buf *path, const struct stat *st)
{
	h = S_mix(h, path->ptr, path->len + 1);
	int64_t f[4] = { (int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, (int64_t)st->st_mtim.tv_nsec,
			 (int64_t)st->st_ino };
	return S_mix(h, f, sizeof f);
}

/* One step of the walk of `dir`: each entry in sorted order (symbolic
 * links followed by stat), below a folder the folder's walk. With `jobs`,
 * a folder at JOB_DEPTH becomes a job of its own (its hash mixed in later,
 * S_walk_all), whose entries go where a NULL path marks their place. */
static void S_walk(struct walk *w, const char *dir, int depth, struct walk **jobs, size_t *njobs, size_t *capjobs)
{
	if (depth > MAX_DEPTH)
		return;
	char **names = dir_names(dir, NULL);
	/* each name looked up in its folder, not through the whole path again */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct buf path = BUF_INIT;
	buf_adds(&path, dir);
	buf_addch(&path, '/');
	size_t base = path.len;
	for (char **n = names; *n; n++) {
		buf_setlen(&path, base);
		buf_adds(&path, *n);
		struct stat st;
		if ((dfd >= 0 ? fstatat(dfd, *n, &st, 0) : stat(path.ptr, &st)) < 0) {
			if (w->collect)
				S_keep(w, &path, base, NULL);
			continue;
		}
		w->h = S_mix_entry(w->h, &path, &st);
		if (w->collect)
			S_keep(w, &path, base, &st);
		if (S_ISDIR(st.st_mode) && jobs && depth + 1 == JOB_DEPTH) {
			*jobs = xgrow(*jobs, capjobs, *njobs + 1, sizeof **jobs);
			struct walk *j = &(*jobs)[(*njobs)++];
			*j = (struct walk){ .depth = depth + 1, .h = FNV_BASIS, .collect = w->collect };
			arena_init_large(&j->a);
			j->dir = arena_strdup(&j->a, path.ptr);
			if (w->collect)
				S_keep(w, NULL, 0, NULL); /* the job's entries go here */
		} else if (S_ISDIR(st.st_mode)) {
			S_walk(w, path.ptr, depth + 1, jobs, njobs, capjobs);
		}
	}
	buf_free(&path);
	if (dfd >= 0)
		close(dfd);
	dir_names_free(names);
}

static void S_job(void *state, size_t i)
{
	struct walk *jobs = *(struct walk **)state;
	S_walk(&jobs[i], jobs[i].dir, jobs[i].depth, NULL, NULL, NULL);
}

/* Walk `dir`: the top levels here, the folders at JOB_DEPTH as jobs on
 * `threads` threads. Returns the hash of the whole walk: the top levels'
 * entries, then each job's hash in order. *top holds the top levels' files
 * (a NULL path where a job's go) and *jobs the jobs. */
static uint64_t S_walk_all(const char *dir, int collect, int threads, struct walk *top, struct walk **jobs,
			   size_t *njobs)
{
	static const struct pool walk_pool = { S_job, NULL };
	size_t capjobs = 0;
	*top = (struct walk){ .dir = dir, .h = FNV_BASIS, .collect = collect };
	arena_init(&top->a);
	*jobs = NULL;
	*njobs = 0;
	S_walk(top, dir, 0, jobs, njobs, &capjobs);
	if (*njobs) {
		int nt = pool_threads(threads, *njobs, 1);
		struct walk **states = xcalloc((size_t)nt, sizeof *states);
		for (int i = 0; i < nt; i++)
			states[i] = *jobs;
		pool_run(&walk_pool, *njobs, nt, states, sizeof *states);
		free(states);
	}
	uint64_t h = top->h;
	for (size_t i = 0; i < *njobs; i++)
		h = S_mix(h, &(*jobs)[i].h, sizeof(*jobs)[i].h);
	return h;
}

/* Collect the entries of one walk (content or theme) into f, in walk order. */
static void S_collect(struct stamp_files *f, struct walk *top, struct walk *jobs, size_t njobs)
{
	size_t total = f->n, k = 0;
	for (size_t i = 0; i < top->n; i++)
		total += top->files[i].path ? 1 : 0;
	for (size_t i = 0; i < njobs; i++)
		total += jobs[i].n;
	f->files = xrealloc(f->files, (total ? total : 1) * sizeof *f->files);
	for (size_t i = 0; i < top->n; i++) {
		if (top->files[i].path) {
			f->files[f->n++] = top->files[i];
			continue;
		}
		for (size_t j = 0; j < jobs[k].n; j++)
			f->files[f->n++] = jobs[k].files[j];
		k++;
	}
	f->walks = xrealloc(f->walks, (f->nwalks + njobs + 1) * sizeof *f->walks);
	f->walks[f->nwalks++] = *top;
	for (size_t i = 0; i < njobs; i++)
		f->walks[f->nwalks++] = jobs[i];
	free(jobs);
}

static void S_walks_free(struct walk *top, struct walk *jobs, size_t njobs)
{
	for (size_t i = 0; i < njobs; i++) {
		arena_free(&jobs[i].a);
		free(jobs[i].files);
	}
	free(jobs);
	arena_free(&top->a);
	free(top->files);
}

uint64_t stamp_compute(const char *content, const char *theme, const char *options, int threads,
		       struct stamp_files **files)
{
	uint64_t h = FNV_BASIS;
	/* a rebuilt hhd may render differently: its own file is an input too */
	struct cache_key self = cache_self();
	h = S_mix(h, &self, sizeof self);
	h = S_mix(h, options, strlen(options) + 1);
	struct walk top, *jobs;
	size_t njobs;
	uint64_t sub = S_walk_all(content, files != NULL, threads, &top, &jobs, &njobs);
	h = S_mix(h, &sub, sizeof sub);
	if (files) {
		struct stamp_files *f = xcalloc(1, sizeof *f);
		S_collect(f, &top, jobs, njobs);
		*files = f;
	} else {
		S_walks_free(&top, jobs, njobs);
	}
	h = S_mix(h, "\0theme", 6);
	sub = S_walk_all(theme, 0, threads, &top, &jobs, &njobs);
	S_walks_free(&top, jobs, njobs);
	return S_mix(h, &sub, sizeof sub);
}

/* Paths in walk order: names sorted with strcmp in each folder, a folder's
 * entries right after it; that is strcmp's order with '/' below every
 * other byte. */
static int S_cmp_walk(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x != y) {
			if (!x || !y)
				return x < y ? -1 : 1;
			if (x == '/' || y == '/')
				return x == '/' ? -1 : 1;
			return x < y ? -1 : 1;
		}
		if (!x)
			return 0;
	}
}

/* The first entry not before `path` in walk order. */
static size_t S_lower(const struct stamp_files *f, const char *path)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (S_cmp_walk(f->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct stat *stamp_stat(const struct stamp_files *f, const char *path)
{
	if (!f)
		return NULL;
	size_t i = S_lower(f, path);
	return i < f->n && f->files[i].ok && !strcmp(f->files[i].path, path) ? &f->files[i].st : NULL;
}

struct stamp_entry *stamp_list(const struct stamp_files *f, const char *dir, const char *suffix, size_t *n)
{
	struct buf prefix = BUF_INIT;
	buf_adds(&prefix, dir);
	buf_addch(&prefix, '/');
	size_t cap = 0;
	struct stamp_entry *names = NULL;
	*n = 0;
	/* the folder's entries and everything below them follow one another */
	for (size_t i = S_lower(f, prefix.ptr); i < f->n; i++) {
		const struct stamp_file *e = &f->files[i];
		if (strncmp(e->path, prefix.ptr, prefix.len))
			break;
		const char *name = e->path + e->name;
		if (e->name != prefix.len || !dir_name_listed(name, suffix))
			continue; /* below a subfolder, or not a name dir_names gives */
		names = xgrow(names, &cap, *n + 1, sizeof *names);
		names[(*n)++] = (struct stamp_entry){ name, e->ok ? &e->st : NULL };
	}
	buf_free(&prefix);
	return names;
}

void stamp_files_free(struct stamp_files *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nwalks; i++) {
		arena_free(&f->walks[i].a);
		free(f->walks[i].files);
	}
	free(f->walks);
	free(f->files);
	free(f);
}

void stamp_path(const char *out, struct buf *path)
{
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	buf_add(path, out, n);
	buf_adds(path, STAMP_SUFFIX);
}

/* The output folder's inode: the stamp belongs to the tree that build
 * swapped in, not to whatever is there now (or to nothing). */
static int S_out_inode(const char *out, unsigned long long *ino)
{
	struct stat st;
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

int stamp_matches(const char *out, uint64_t stamp, struct buf *diags)
{
	struct buf path = BUF_INIT, file = BUF_INIT;
	unsigned long long ino;
	if (S_out_inode(out, &ino) < 0)
		return 0;
	stamp_path(out, &path);
	int ok = 0;
	if (file_read(path.ptr, 1u << 20, &file) == FILE_OK) {
		char head[96];
		snprintf(head, sizeof head, "hhd-stamp 2 %016" PRIx64 " %llu\n", stamp, ino);
		size_t hl = strlen(head);
		if (file.len >= hl && memcmp(file.ptr, head, hl) == 0) {
			buf_add(diags, file.ptr + hl, file.len - hl);
			ok = 1;
		}
	}
	buf_free(&path);
	buf_free(&file);
	return ok;
}

int stamp_format(const char *out, uint64_t stamp, const char *diags, size_t len, struct buf *file)
{
	unsigned long long ino;
	if (S_out_inode(out, &ino) < 0)
		return -1;
	buf_addf(file, "hhd-stamp 2 %016" PRIx64 " %llu\n", stamp, ino);
	buf_add(file, diags, len);
	return 0;
}
