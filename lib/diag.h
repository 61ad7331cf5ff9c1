/* diag.h: diagnostics for editors, as `path:line:col: error: message`.
 *
 * Every message text is written once, in diag.c's table, keyed by the enum
 * below (see diag.def). Modules report through diag_report() and return
 * 0 / -1; they never print. Lines and columns are 1-based; 0 means unknown
 * (the part is then left out of the output, as GCC does). */
#ifndef HHD_DIAG_H
#define HHD_DIAG_H

#include <stdio.h>
#include <stddef.h>

struct buf;

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

enum diag_id {
#define DIAG(id, level, fmt) id,
#include "diag.def"
#undef DIAG
	D__MAX
};

/* A place in a source file; `path` is borrowed and must outlive the report. */
struct pos {
	const char *path;
	unsigned line;
	unsigned col;
};

struct diag {
	enum diag_id id;
	enum diag_level level;
	char *path;   /* owned copies */
	unsigned line, col;
	char *msg;
	size_t seq;   /* order of report, for a stable sort */
};

struct diags {
	struct diag *list;
	size_t n, cap;
	size_t errors, warnings;
	int strict;   /* warnings count as errors for the exit status */
};

void diags_init(struct diags *d);
void diags_free(struct diags *d);
/* Record one diagnostic; the arguments fill the message's printf format. */
void diag_report(struct diags *d, enum diag_id id, struct pos p, ...);
/* Same, with a position given as path/line/col. */
void diag_at(struct diags *d, enum diag_id id, const char *path, unsigned line, unsigned col, ...);
/* Record one diagnostic whose message is already formatted (one reported
 * before and replayed, e.g. from a cache). */
void diag_add(struct diags *d, enum diag_id id, const char *path, unsigned line, unsigned col, const char *msg);
/* Move all of `from`'s diagnostics into `to` (for per-thread collection). */
void diags_merge(struct diags *to, struct diags *from);
/* Sort by path, line, column, then report order; print each as one line. */
void diags_print(struct diags *d, FILE *out);
/* Sort like diags_print and append the lines, as printed, to `out`. */
void diags_text(struct diags *d, struct buf *out);
/* Format one diagnostic as it is printed, without the newline (for tests). */
void diag_format(const struct diag *g, char *out, size_t outsz);
enum diag_level diag_level_of(enum diag_id id);
int diags_failed(const struct diags *d); /* errors, or warnings under strict */

#endif
