/* write.c: the writer of write.h: the spare tree brought up to date in
 * place, then exchanged with the output. */
#include "write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "fileio.h"
#include "strmap.h"
#include "xalloc.h"

/* Above this many files written anew, commit syncs the file system rather
 * than each file. */
#define WRITE_SYNC_EACH_MAX 256

/* The journal, cache file "outputs" (cache.h): what the last build left.
 * It names the output and spare folders by device and inode, and lists
 * every file of the output with its memo key and how the spare's file at
 * the same path compares, and the render stage's record of what the
 * output was rendered from (writer_set_inputs). It is only trusted while
 * both folders are the ones it names; it is removed before the spare is
 * first touched (S_begin) and written after the exchange, so a build that
 * fails or dies after touching it leaves none, and the next build checks
 * every file again; one that stops before leaves it as it was. */
#define JOURNAL_NAME WRITE_JOURNAL_NAME
#define JOURNAL_FORMAT 2u

enum jstate {
	J_SAME,    /* the other tree's file holds the same bytes */
	J_DIFFERS, /* the other tree's file holds other bytes */
	J_NEW,     /* the other tree has no file here */
};

struct wrec {
	char *rel;
	struct cache_key key; /* zero: not memoised */
	unsigned char state;  /* enum jstate: the output's file against this build's */
};

struct jrec {
	const char *rel;      /* into journal.data */
	struct cache_key key;
	unsigned char state;  /* the spare's file against the output's */
};

struct writer {
	char *out, *spare;
	int sparefd, outfd; /* outfd -1 when there is no output yet */
	int lockfd;
	int nosync;           /* writer_nosync: a preview, not a site */
	/* the last build's journal, when trusted (read only during the build) */
	struct buf jdata;
	struct jrec *jrecs;
	size_t njrecs;
	const char **jextra;  /* files only the spare has */
	size_t njextra;
	struct strmap *jmap;  /* rel -> struct jrec */
	const void *jinputs;  /* the last build's writer_set_inputs, in jdata */
	size_t njinputs;
	struct buf inputs;    /* this build's, for the next journal */
	atomic_int begun;     /* the spare has begun to change (S_begin) */
	pthread_mutex_t lock; /* guards what follows */
	struct wrec *recs;    /* every rel put, for pruning and the next journal */
	size_t nrecs, caprecs;
	char **fresh;         /* the rels written anew, to sync at commit */
	size_t nfresh, capfresh;
	size_t files, unchanged, kept;
};

static void S_join(struct buf *out, const char *dir, const char *rel)
{
	buf_adds(out, dir);
	buf_addch(out, '/');
	buf_adds(out, rel);
}

static void S_fail(struct diags *d, const char *dir, const char *rel, int err)
{
	struct buf full = BUF_INIT;
	if (rel)
		S_join(&full, dir, rel);
	else
		buf_adds(&full, dir);
	diag_at(d, D_WRITE, NULL, 0, 0, full.ptr, strerror(err));
	buf_free(&full);
}

/* Forget the last build's journal (none read, or not trusted). */
static void S_journal_drop(struct writer *w)
{
	buf_free(&w->jdata);
	free(w->jrecs);
	free(w->jextra);
	if (w->jmap)
		strmap_free(w->jmap);
	w->jrecs = NULL;
	w->jextra = NULL;
	w->jmap = NULL;
	w->jinputs = NULL;
	w->njrecs = w->njextra = w->njinputs = 0;
}

static void S_writer_free(struct writer *w)
{
	size_t i;
	if (w->sparefd >= 0)
		close(w->sparefd);
	if (w->outfd >= 0)
		close(w->outfd);
	if (w->lockfd >= 0)
		close(w->lockfd); /* releases the lock */
	for (i = 0; i < w->nrecs; i++)
		free(w->recs[i].rel);
	free(w->recs);
	free(w->fresh); /* its strings are recs' */
	S_journal_drop(w);
	buf_free(&w->inputs);
	pthread_mutex_destroy(&w->lock);
	free(w->out);
	free(w->spare);
	free(w);
}

/* The journal's payload: out dev, ino, spare dev, ino, nrecs, nextra,
 * ninputs (seven uint64), then per file the key (16 bytes), the state (1)
 * and the rel with its NUL, then the spare-only rels with their NULs, then
 * the ninputs bytes of the render stage's record. */
static int S_journal_parse(struct writer *w, const struct stat *ost, const struct stat *sst)
{
	const char *p = w->jdata.ptr, *end = p + w->jdata.len;
	uint64_t h[7];
	if ((size_t)(end - p) < sizeof h)
		return -1;
	memcpy(h, p, sizeof h);
	p += sizeof h;
	if (h[0] != (uint64_t)ost->st_dev || h[1] != (uint64_t)ost->st_ino || h[2] != (uint64_t)sst->st_dev
	    || h[3] != (uint64_t)sst->st_ino || h[4] > w->jdata.len || h[5] > w->jdata.len || h[6] > w->jdata.len)
		return -1;
	w->jrecs = xcalloc(h[4] + 1, sizeof *w->jrecs);
	w->jextra = xcalloc(h[5] + 1, sizeof *w->jextra);
	w->jmap = strmap_new_cap((size_t)h[4]);
	for (uint64_t i = 0; i < h[4]; i++) {
		struct jrec *r = &w->jrecs[i];
		const char *nul;
		if ((size_t)(end - p) < sizeof r->key + 2 || !(nul = memchr(p + sizeof r->key + 1, '\0',
									    (size_t)(end - p) - sizeof r->key - 1)))
			return -1;
		memcpy(&r->key, p, sizeof r->key);
		r->state = (unsigned char)p[sizeof r->key];
		r->rel = p + sizeof r->key + 1;
		/* in order (as S_journal_payload writes them), so commit can walk
		 * them beside this build's sorted files */
		if (r->state > J_NEW || !*r->rel || (i && strcmp(w->jrecs[i - 1].rel, r->rel) >= 0) ||
		    strmap_put(w->jmap, r->rel, r))
			return -1;
		p = nul + 1;
		w->njrecs++;
	}
	for (uint64_t i = 0; i < h[5]; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return -1;
		w->jextra[w->njextra++] = p;
		p = nul + 1;
	}
	if ((size_t)(end - p) != h[6])
		return -1;
	w->jinputs = p;
	w->njinputs = (size_t)h[6];
	return 0;
}

/* Read the journal; trusted only when it names these folders. It stays
 * on disk until the spare begins to change (S_begin), so a build that
 * stops before (a content error) leaves it for the next. */
static void S_journal_read(struct writer *w)
{
	struct stat ost, sst;
	int ok = w->outfd >= 0 && fstat(w->outfd, &ost) == 0 && fstat(w->sparefd, &sst) == 0
		 && cache_read(w->out, JOURNAL_NAME, JOURNAL_FORMAT, &w->jdata) == 0
		 && S_journal_parse(w, &ost, &sst) == 0;
	if (!ok)
		S_journal_drop(w);
}

/* Before the spare's first change: no journal describes it until commit. */
static void S_begin(struct writer *w)
{
	if (atomic_load_explicit(&w->begun, memory_order_acquire))
		return;
	pthread_mutex_lock(&w->lock);
	if (!atomic_load_explicit(&w->begun, memory_order_relaxed)) {
		cache_remove(w->out, JOURNAL_NAME);
		atomic_store_explicit(&w->begun, 1, memory_order_release);
	}
	pthread_mutex_unlock(&w->lock);
}

void writer_forget(struct writer *w)
{
	S_journal_drop(w);
}

struct writer *writer_open(const char *out, struct diags *d)
{
	struct writer *w = xcalloc(1, sizeof *w);
	struct buf s = BUF_INIT;
	struct stat st;
	size_t n = strlen(out);

	w->sparefd = w->outfd = w->lockfd = -1;
	w->inputs = (struct buf)BUF_INIT;
	pthread_mutex_init(&w->lock, NULL);
	while (n > 1 && out[n - 1] == '/')
		n--;
	w->out = xstrndup(out, n);
	/* the folder the output goes in; a failure shows at the lock file */
	char *slash = strrchr(w->out, '/');
	if (slash && slash != w->out) {
		*slash = '\0';
		dir_make(w->out);
		*slash = '/';
	}
	buf_addf(&s, "%s%s", w->out, WRITE_LOCK_SUFFIX);
	w->lockfd = open(s.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (w->lockfd < 0 || flock(w->lockfd, LOCK_EX) < 0) {
		S_fail(d, s.ptr, NULL, errno);
		buf_free(&s);
		S_writer_free(w);
		return NULL;
	}
	buf_reset(&s);
	buf_addf(&s, "%s%s", w->out, WRITE_SPARE_SUFFIX);
	w->spare = buf_detach(&s, NULL);
	if (lstat(w->spare, &st) == 0 && !S_ISDIR(st.st_mode))
		unlink(w->spare);
	if ((mkdir(w->spare, 0755) < 0 && errno != EEXIST)
	    || (w->sparefd = open(w->spare, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		S_fail(d, w->spare, NULL, errno);
		S_writer_free(w);
		return NULL;
	}
	w->outfd = open(w->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	S_journal_read(w);
	return w;
}

/* Does the regular file `rel` under dirfd, whose stat is `st`, hold exactly
 * these bytes? */
static int S_same(int dirfd, const char *rel, const struct stat *st, const void *data, size_t len)
{
	if (!S_ISREG(st->st_mode) || (size_t)st->st_size != len)
		return 0;
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char chunk[16384];
	ssize_t got;
	int same = 1;
	size_t at = 0;
	while (same && (got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			same = 0;
			break;
		}
		if (at + (size_t)got > len || memcmp((const char *)data + at, chunk, (size_t)got) != 0)
			same = 0;
		at += (size_t)got;
	}
	close(fd);
	return same && at == len;
}

/* Make every folder on the way to `rel` (a path ending in a file name) in
 * the spare, replacing anything that is not a folder where one must be.
 * Most folders exist or need one mkdir; only a missing parent costs more. */
static int S_make_parent(const struct writer *w, char *rel)
{
	char *slash = strrchr(rel, '/'), *p;
	struct stat st;
	int rc = 0;

	if (!slash)
		return 0;
	*slash = '\0';
	if (mkdirat(w->sparefd, rel, 0755) == 0
	    || (errno == EEXIST && fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))) {
		*slash = '/';
		return 0;
	}
	for (p = rel;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(w->sparefd, rel, 0755) < 0 && errno == EEXIST
		    && fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
			/* a file (or link) where the site now has a folder */
			if (unlinkat(w->sparefd, rel, 0) < 0 || mkdirat(w->sparefd, rel, 0755) < 0)
				rc = -1;
		}
		*p = c;
		if (c == '\0' || rc < 0)
			break;
	}
	if (rc == 0 && (fstatat(w->sparefd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
		rc = -1;
	*slash = '/';
	return rc;
}

/* Put `tmp` (a name in the spare) at `rel`, removing a folder that stands
 * where the site now has a file. */
static int S_rename_in(const struct writer *w, const char *tmp, const char *rel)
{
	if (renameat(w->sparefd, tmp, w->sparefd, rel) == 0)
		return 0;
	if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) {
		struct buf full = BUF_INIT;
		S_join(&full, w->spare, rel);
		dir_remove(full.ptr);
		buf_free(&full);
		if (renameat(w->sparefd, tmp, w->sparefd, rel) == 0)
			return 0;
	}
	int e = errno;
	unlinkat(w->sparefd, tmp, 0);
	errno = e;
	return -1;
}

/* The new bytes go to a temporary name beside `rel` and are renamed over
 * it: never written into the spare's file, which the output may share. */
static int S_write_new(const struct writer *w, const char *rel, const void *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.hhd-tmp", rel);
	int rc = file_write_at(w->sparefd, tmp.ptr, data, len);
	if (rc == 0)
		rc = S_rename_in(w, tmp.ptr, rel);
	else
		unlinkat(w->sparefd, tmp.ptr, 0);
	buf_free(&tmp);
	return rc;
}

/* Make the spare's `rel` a hard link to the output's. */
static int S_link_out(const struct writer *w, const char *rel)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.hhd-tmp", rel);
	unlinkat(w->sparefd, tmp.ptr, 0);
	int rc = linkat(w->outfd, rel, w->sparefd, tmp.ptr, 0);
	if (rc == 0)
		rc = S_rename_in(w, tmp.ptr, rel);
	buf_free(&tmp);
	return rc;
}

/* Note `rel` (taken) as put by this build. */
static void S_record(struct writer *w, char *rel, struct cache_key key, enum jstate state, int fresh, int unchanged)
{
	pthread_mutex_lock(&w->lock);
	w->recs = xgrow(w->recs, &w->caprecs, w->nrecs + 1, sizeof *w->recs);
	w->recs[w->nrecs++] = (struct wrec){ rel, key, (unsigned char)state };
	if (fresh) {
		w->fresh = xgrow(w->fresh, &w->capfresh, w->nfresh + 1, sizeof *w->fresh);
		w->fresh[w->nfresh++] = rel;
	}
	w->files++;
	w->unchanged += unchanged != 0;
	pthread_mutex_unlock(&w->lock);
}

int writer_put_keyed(struct writer *w, const char *rel, const void *data, size_t len, struct cache_key key,
		     struct diags *d)
{
	struct buf path = BUF_INIT;
	struct stat sst, ost;
	int unchanged = 0, rc = 0, fresh = 0;
	enum jstate state;

	S_begin(w);
	buf_adds(&path, rel);
	rc = S_make_parent(w, path.ptr);
	int have_spare = rc == 0 && fstatat(w->sparefd, rel, &sst, AT_SYMLINK_NOFOLLOW) == 0;
	int have_out = rc == 0 && w->outfd >= 0 && fstatat(w->outfd, rel, &ost, AT_SYMLINK_NOFOLLOW) == 0;
	state = have_out ? J_DIFFERS : J_NEW;
	if (rc < 0) {
		/* reported below */
	} else if (have_out && S_same(w->outfd, rel, &ost, data, len)) {
		unchanged = 1;
		state = J_SAME;
		if (!have_spare || sst.st_ino != ost.st_ino || sst.st_dev != ost.st_dev)
			rc = S_link_out(w, rel);
		if (rc < 0 && (errno == EXDEV || errno == EMLINK || errno == EPERM)) {
			unchanged = 0; /* no hard links here: a copy will do */
			rc = S_write_new(w, rel, data, len);
			fresh = 1;
		}
	} else if (have_spare && S_same(w->sparefd, rel, &sst, data, len)) {
		unchanged = 1; /* back to what the build before last wrote */
	} else {
		rc = S_write_new(w, rel, data, len);
		fresh = 1;
	}
	if (rc < 0)
		S_fail(d, w->spare, rel, errno);
	S_record(w, buf_detach(&path, NULL), key, state, fresh && rc == 0, unchanged);
	return rc;
}

int writer_put(struct writer *w, const char *rel, const void *data, size_t len, struct diags *d)
{
	return writer_put_keyed(w, rel, data, len, (struct cache_key){ 0, 0 }, d);
}

int writer_keep(struct writer *w, const char *rel, struct cache_key key)
{
	if (!w->jmap || (key.lo == 0 && key.hi == 0))
		return 0;
	const struct jrec *r = strmap_get(w->jmap, rel);
	if (!r || !cache_key_eq(r->key, key))
		return 0;
	S_begin(w);
	struct buf path = BUF_INIT;
	buf_adds(&path, rel);
	if (r->state != J_SAME) {
		/* the spare's file is older, or there is none: the output's, linked */
		if (S_make_parent(w, path.ptr) < 0 || S_link_out(w, rel) < 0) {
			buf_free(&path);
			return 0; /* the caller renders and puts it */
		}
	}
	S_record(w, buf_detach(&path, NULL), key, J_SAME, 0, 1);
	pthread_mutex_lock(&w->lock);
	w->kept++;
	pthread_mutex_unlock(&w->lock);
	return 1;
}

int writer_last_key(const struct writer *w, const char *rel, struct cache_key *key)
{
	const struct jrec *r = w->jmap ? strmap_get(w->jmap, rel) : NULL;
	if (!r || (r->key.lo == 0 && r->key.hi == 0))
		return 0;
	*key = r->key;
	return 1;
}

const void *writer_last_inputs(const struct writer *w, size_t *len)
{
	*len = w->njinputs;
	return w->jmap ? w->jinputs : NULL;
}

void writer_set_inputs(struct writer *w, const void *data, size_t len)
{
	buf_reset(&w->inputs);
	buf_add(&w->inputs, data, len);
}

static int S_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wrec *)a)->rel, ((const struct wrec *)b)->rel);
}

static int S_cmp_key(const void *key, const void *rec)
{
	return strcmp(*(const char *const *)key, ((const struct wrec *)rec)->rel);
}

/* Did this build put `rel`? (recs sorted) */
static int S_put(const struct writer *w, const char *rel)
{
	return bsearch(&rel, w->recs, w->nrecs, sizeof *w->recs, S_cmp_key) != NULL;
}

/* The entry `e` of `dir` opened as a folder (not following links): its
 * fd, -1 when it is a folder that cannot be opened, -2 when it is not a
 * folder. */
static int S_open_sub(DIR *dir, const struct dirent *e)
{
	int isdir = e->d_type == DT_DIR;
	if (e->d_type == DT_UNKNOWN) {
		struct stat st;
		isdir = fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
	}
	if (!isdir)
		return -2;
	return openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Remove the spare's file `rel` (gone from the site), then its folders
 * while they are empty. Nothing there, or a folder where the file was
 * (the site has one there now), is fine. */
static void S_remove_rel(const struct writer *w, const char *rel)
{
	if (unlinkat(w->sparefd, rel, 0) < 0)
		return;
	struct buf dir = BUF_INIT;
	buf_adds(&dir, rel);
	char *slash;
	while ((slash = strrchr(dir.ptr, '/'))) {
		*slash = '\0';
		if (unlinkat(w->sparefd, dir.ptr, AT_REMOVEDIR) < 0)
			break;
	}
	buf_free(&dir);
}

/* The files under a tree that this build did not put, found by a walk of
 * the folder open as `fd` (at `prefix`, "" or "a/b/"): with `gone` NULL
 * they are removed (the spare's prune), with folders left empty;
 * otherwise they are only listed in `gone` (the output, whose files only
 * the spare will hold after the exchange). Returns the number of entries
 * that remain, or -1. */
struct gone {
	char **rels;
	size_t n, cap;
};

static void S_gone_add(struct gone *gone, const char *rel)
{
	gone->rels = xgrow(gone->rels, &gone->cap, gone->n + 1, sizeof *gone->rels);
	gone->rels[gone->n++] = xstrdup(rel);
}

static long S_walk_unput(const struct writer *w, int fd, struct buf *prefix, struct gone *gone)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	long left = 0;

	if (!dir) {
		close(fd);
		return -1;
	}
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		size_t mark = prefix->len;
		buf_adds(prefix, e->d_name);
		int sub = S_open_sub(dir, e);
		left++;
		if (sub != -2) {
			buf_addch(prefix, '/');
			long n = sub < 0 ? -1 : S_walk_unput(w, sub, prefix, gone);
			if (!gone && n == 0 && unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR) == 0)
				left--;
		} else if (!S_put(w, prefix->ptr)) {
			if (gone)
				S_gone_add(gone, prefix->ptr);
			else if (unlinkat(dirfd(dir), e->d_name, 0) == 0)
				left--;
		}
		prefix->len = mark;
		prefix->ptr[mark] = '\0';
	}
	closedir(dir);
	return left;
}

/* The next journal's payload, but for the folders' identities (the first
 * 32 bytes, filled in after the exchange). */
static void S_journal_payload(const struct writer *w, const struct gone *gone, struct buf *j)
{
	uint64_t h[7] = { 0, 0, 0, 0, w->nrecs, gone->n, w->inputs.len };
	buf_add(j, h, sizeof h);
	for (size_t i = 0; i < w->nrecs; i++) {
		const struct wrec *r = &w->recs[i];
		buf_add(j, &r->key, sizeof r->key);
		buf_addch(j, (char)r->state);
		buf_add(j, r->rel, strlen(r->rel) + 1);
	}
	for (size_t i = 0; i < gone->n; i++)
		buf_add(j, gone->rels[i], strlen(gone->rels[i]) + 1);
	buf_add(j, w->inputs.ptr, w->inputs.len);
}

/* Write the journal for the folders now at out and spare. */
static void S_journal_write(const struct writer *w, struct buf *j)
{
	struct stat ost, sst;
	if (stat(w->out, &ost) < 0 || stat(w->spare, &sst) < 0)
		return;
	uint64_t h[4] = { (uint64_t)ost.st_dev, (uint64_t)ost.st_ino, (uint64_t)sst.st_dev, (uint64_t)sst.st_ino };
	memcpy(j->ptr, h, sizeof h);
	cache_write(w->out, JOURNAL_NAME, JOURNAL_FORMAT, j->ptr, j->len);
}

int writer_commit(struct writer *w, struct diags *d)
{
	struct buf prefix = BUF_INIT, journal = BUF_INIT;
	struct gone gone = { 0 };
	int fd, rc = -1;

	S_begin(w);
	qsort(w->recs, w->nrecs, sizeof *w->recs, S_cmp);
	if (w->jmap) {
		/* the journal says what the spare holds: remove what this
		 * build did not put, without reading a folder (both lists are
		 * sorted: one walk beside the other) */
		size_t k = 0;
		for (size_t i = 0; i < w->njrecs; i++) {
			int c = 1;
			while (k < w->nrecs && (c = strcmp(w->recs[k].rel, w->jrecs[i].rel)) < 0)
				k++;
			if (k < w->nrecs && c == 0)
				continue;
			if (w->jrecs[i].state != J_NEW)
				S_remove_rel(w, w->jrecs[i].rel);
			S_gone_add(&gone, w->jrecs[i].rel);
		}
		for (size_t i = 0; i < w->njextra; i++)
			if (!S_put(w, w->jextra[i]))
				S_remove_rel(w, w->jextra[i]);
	} else {
		buf_adds(&prefix, "");
		fd = openat(w->sparefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || S_walk_unput(w, fd, &prefix, NULL) < 0) {
			S_fail(d, w->spare, NULL, errno);
			goto fail;
		}
		if (w->outfd >= 0 && (fd = openat(w->outfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			buf_reset(&prefix);
			buf_adds(&prefix, "");
			S_walk_unput(w, fd, &prefix, &gone);
		}
	}
	S_journal_payload(w, &gone, &journal);
	/* The data written must be on disk before it becomes the site (the
	 * renames are metadata, which the file system's journal keeps in
	 * order). A few files: each one; many: the whole file system, which
	 * costs one call but waits for every other writer's data too. */
	if (w->nosync) {
		/* hhd serve's preview: lost in a crash, it is rebuilt */
	} else if (w->nfresh > WRITE_SYNC_EACH_MAX) {
		syncfs(w->sparefd);
	} else {
		size_t i;
		for (i = 0; i < w->nfresh; i++) {
			int ffd = openat(w->sparefd, w->fresh[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (ffd < 0 || fdatasync(ffd) < 0) {
				S_fail(d, w->spare, w->fresh[i], errno);
				if (ffd >= 0)
					close(ffd);
				goto fail;
			}
			close(ffd);
		}
	}
	if (w->outfd < 0) {
		if (rename(w->spare, w->out) < 0) {
			S_fail(d, w->out, NULL, errno);
			goto fail;
		}
		/* a new, empty spare, and a journal that says so: the next build
		 * links what it keeps rather than checking every file */
		if (mkdir(w->spare, 0755) == 0)
			S_journal_write(w, &journal);
		rc = 0;
		goto done;
	}
	if (renameat2(AT_FDCWD, w->spare, AT_FDCWD, w->out, RENAME_EXCHANGE) == 0) {
		S_journal_write(w, &journal);
		rc = 0;
		goto done;
	}
	if (errno != EINVAL && errno != ENOSYS) {
		S_fail(d, w->out, NULL, errno);
		goto fail;
	}
	/* No RENAME_EXCHANGE here: three renames, a moment without a site. */
	struct buf old = BUF_INIT;
	buf_addf(&old, "%s.old-%ld", w->out, (long)getpid());
	if (rename(w->out, old.ptr) < 0 || rename(w->spare, w->out) < 0) {
		S_fail(d, w->out, NULL, errno);
		rename(old.ptr, w->out);
		buf_free(&old);
		goto fail;
	}
	if (rename(old.ptr, w->spare) < 0)
		dir_remove(old.ptr); /* only costs the next build time */
	else
		S_journal_write(w, &journal);
	buf_free(&old);
	rc = 0;
	goto done;
fail:
	rc = -1;
done:
	for (size_t i = 0; i < gone.n; i++)
		free(gone.rels[i]);
	free(gone.rels);
	buf_free(&prefix);
	buf_free(&journal);
	S_writer_free(w);
	return rc;
}

void writer_abort(struct writer *w)
{
	if (w)
		S_writer_free(w);
}

void writer_nosync(struct writer *w)
{
	w->nosync = 1;
}

size_t writer_kept(const struct writer *w)
{
	return w->kept;
}

size_t writer_count(const struct writer *w, size_t *unchanged)
{
	if (unchanged)
		*unchanged = w->unchanged;
	return w->files;
}
