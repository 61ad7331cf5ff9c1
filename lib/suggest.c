/* suggest.c: the one edit-distance helper behind every "did you mean". */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "suggest.h"

static size_t S_min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	size_t row[SUGGEST_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			row[j] = S_min3(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1]));
			prev = cur;
		}
	}
	return row[lb];
}

void suggest_init(struct suggest *s, const char *typed)
{
	s->typed = typed;
	s->best = NULL;
	s->dist = SIZE_MAX;
}

void suggest_add(struct suggest *s, const char *name)
{
	if (!s->typed || !name || !strcmp(name, s->typed))
		return;
	size_t e = suggest_distance(s->typed, name);
	if (e <= SUGGEST_MAX_DIST && e < strlen(s->typed) && e < s->dist) {
		s->dist = e;
		s->best = name;
	}
}

const char *suggest_hint(const struct suggest *s, char *out, size_t outsz)
{
	if (!outsz)
		return out;
	out[0] = '\0';
	if (s->best)
		snprintf(out, outsz, " (did you mean '%s'?)", s->best);
	return out;
}
