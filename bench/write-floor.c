/* write-floor: the cost of creating a site's files alone, on the file system
 * `hhd build` writes to.
 *
 *     write-floor LIST OUT
 *
 * LIST has one line per file, "SIZE PATH" (PATH relative, '/'-separated, as
 * bench/ssg lists hhd's output, folders before what they hold). write-floor
 * makes the folder OUT, then for each line creates PATH's folder (mkdirat)
 * and the file (openat, one write of SIZE bytes, close), relative to OUT, as
 * hhd's writer does. No reading,
 * no rendering, no fsync: only what any generator writing these files pays
 * the kernel. Built by bench/ssg with `cc -O2 write-floor.c`. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (64u << 20)

static void die(const char *what, const char *path)
{
	fprintf(stderr, "write-floor: %s '%s': %s\n", what, path, strerror(errno));
	exit(1);
}

/* mkdir -p of the folder holding `rel`, below `dirfd`. */
static void make_parents(int dirfd, char *rel)
{
	for (char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dirfd, rel, 0755) < 0 && errno != EEXIST)
			die("cannot make folder", rel);
		*s = '/';
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: write-floor LIST OUT\n");
		return 2;
	}
	FILE *list = fopen(argv[1], "r");
	if (!list)
		die("cannot read", argv[1]);
	if (mkdir(argv[2], 0755) < 0)
		die("cannot make folder", argv[2]);
	int out = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		die("cannot open", argv[2]);
	/* the bytes to write: as many as the biggest file needs */
	char line[8192];
	unsigned long most = 1;
	while (fgets(line, sizeof line, list)) {
		unsigned long size = strtoul(line, NULL, 10);
		if (size > most && size <= MAX_FILE)
			most = size;
	}
	char *data = malloc(most);
	if (!data)
		return 1;
	memset(data, 'x', most);
	rewind(list);
	size_t files = 0, bytes = 0;
	while (fgets(line, sizeof line, list)) {
		char *end;
		unsigned long size = strtoul(line, &end, 10);
		if (*end != ' ' || size > MAX_FILE)
			continue;
		char *rel = end + 1;
		rel[strcspn(rel, "\n")] = '\0';
		/* like hhd: a page's own folder first (one mkdir), its parents
		 * only when that fails */
		char *slash = strrchr(rel, '/');
		if (slash) {
			*slash = '\0';
			int rc = mkdirat(out, rel, 0755);
			*slash = '/';
			if (rc < 0 && errno == ENOENT)
				make_parents(out, rel);
			else if (rc < 0 && errno != EEXIST)
				die("cannot make folder", rel);
		}
		int fd = openat(out, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) < 0)
			die("cannot write", rel);
		files++;
		bytes += size;
	}
	printf("write-floor: %zu files, %zu bytes\n", files, bytes);
	return 0;
}
