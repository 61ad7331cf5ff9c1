/* diag.c: collecting, sorting and printing diagnostics; the messages come from diag.def. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

static const struct {
	enum diag_level level;
	const char *fmt;
} table[D__MAX] = {
#define DIAG(id, level, fmt) [id] = { level, fmt },
#include "diag.def"
#undef DIAG
};

static const char *level_name[] = { "note", "warning", "error" };

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof *d);
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->list[i].path);
		free(d->list[i].msg);
	}
	free(d->list);
	int strict = d->strict;
	diags_init(d);
	d->strict = strict;
}

enum diag_level diag_level_of(enum diag_id id)
{
	return table[id].level;
}

static void S_add(struct diags *d, enum diag_id id, const char *path, unsigned line, unsigned col, char *msg)
{
	d->list = xgrow(d->list, &d->cap, d->n + 1, sizeof *d->list);
	struct diag *g = &d->list[d->n];
	g->id = id;
	g->level = table[id].level;
	g->path = xstrdup(path ? path : "");
	g->line = line;
	g->col = col;
	g->msg = msg;
	g->seq = d->n;
	d->n++;
	if (g->level == DIAG_ERROR)
		d->errors++;
	else if (g->level == DIAG_WARNING)
		d->warnings++;
}

static void S_vreport(struct diags *d, enum diag_id id, const char *path, unsigned line,
		    unsigned col, va_list ap)
{
	struct buf msg = BUF_INIT;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	buf_vaddf(&msg, table[id].fmt, ap);
#pragma GCC diagnostic pop
	S_add(d, id, path, line, col, buf_detach(&msg, NULL));
}

void diag_add(struct diags *d, enum diag_id id, const char *path, unsigned line, unsigned col, const char *msg)
{
	S_add(d, id, path, line, col, xstrdup(msg));
}

void diag_report(struct diags *d, enum diag_id id, struct pos p, ...)
{
	va_list ap;
	va_start(ap, p);
	S_vreport(d, id, p.path, p.line, p.col, ap);
	va_end(ap);
}

void diag_at(struct diags *d, enum diag_id id, const char *path, unsigned line, unsigned col, ...)
{
	va_list ap;
	va_start(ap, col);
	S_vreport(d, id, path, line, col, ap);
	va_end(ap);
}

void diags_merge(struct diags *to, struct diags *from)
{
	for (size_t i = 0; i < from->n; i++) {
		to->list = xgrow(to->list, &to->cap, to->n + 1, sizeof *to->list);
		to->list[to->n] = from->list[i];
		to->list[to->n].seq = to->n;
		to->n++;
	}
	to->errors += from->errors;
	to->warnings += from->warnings;
	free(from->list);
	int strict = from->strict;
	diags_init(from);
	from->strict = strict;
}

static int S_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_format(const struct diag *g, char *out, size_t outsz)
{
	char where[64] = "";
	if (g->line && g->col)
		snprintf(where, sizeof where, ":%u:%u", g->line, g->col);
	else if (g->line)
		snprintf(where, sizeof where, ":%u", g->line);
	if (*g->path)
		snprintf(out, outsz, "%s%s: %s: %s", g->path, where, level_name[g->level], g->msg);
	else
		snprintf(out, outsz, "hhd: %s: %s", level_name[g->level], g->msg);
}

void diags_text(struct diags *d, struct buf *out)
{
	if (d->n)
		qsort(d->list, d->n, sizeof *d->list, S_cmp);
	for (size_t i = 0; i < d->n; i++) {
		char line[4096];
		diag_format(&d->list[i], line, sizeof line);
		buf_adds(out, line);
		buf_addch(out, '\n');
	}
}

void diags_print(struct diags *d, FILE *out)
{
	struct buf text = BUF_INIT;
	diags_text(d, &text);
	fwrite(text.ptr, 1, text.len, out);
	buf_free(&text);
}

int diags_failed(const struct diags *d)
{
	return d->errors > 0 || (d->strict && d->warnings > 0);
}
