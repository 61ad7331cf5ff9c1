/* replay_main.c: runs a libFuzzer target over saved inputs, without
 * libFuzzer, so that CTest replays every target's corpus on each build
 * (with gcc, and under ASan + UBSan when HHD_SANITIZE is on).
 *
 *   replay_NAME DIR|FILE...
 *
 * Each file in a folder (sorted, not recursive; dot files skipped) is
 * passed to LLVMFuzzerTestOneInput in a buffer of exactly its size, as
 * libFuzzer does, so overreads are caught. Exits 0 when every input ran,
 * 2 when an argument cannot be read or no input was found. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file into a buffer of exactly its size (NULL on error). */
static uint8_t *S_read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		uint8_t chunk[65536];
		size_t got = fread(chunk, 1, sizeof chunk, f);
		if (got == 0)
			break;
		if (n + got > cap) {
			cap = (n + got) * 2;
			uint8_t *grown = realloc(data, cap);
			if (!grown)
				abort();
			data = grown;
		}
		memcpy(data + n, chunk, got);
		n += got;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(data);
		return NULL;
	}
	/* exact size, so that a read one past the end is an ASan error */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact)
		abort();
	if (n)
		memcpy(exact, data, n);
	free(data);
	*size = n;
	return exact;
}

static int S_run_file(const char *path)
{
	size_t size;
	uint8_t *data = S_read_all(path, &size);
	if (!data) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Run every regular file in `dir`; returns the number run, or -1. */
static long S_run_dir(const char *dir)
{
	if (access(dir, R_OK | X_OK) != 0) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = dir_names(dir, NULL);
	long ran = 0;
	for (size_t i = 0; names[i]; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (S_run_file(path) != 0) {
			ran = -1;
			continue;
		}
		if (ran >= 0)
			ran++;
	}
	dir_names_free(names);
	return ran;
}

int main(int argc, char **argv)
{
	long total = 0;
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			long n = S_run_dir(argv[i]);
			if (n < 0)
				bad = 1;
			else
				total += n;
		} else if (S_run_file(argv[i]) != 0) {
			bad = 1;
		} else {
			total++;
		}
	}
	printf("replayed %ld inputs\n", total);
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 2;
	}
	return bad ? 2 : 0;
}
