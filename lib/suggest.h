/* suggest.h: "did you mean '...'?" for names an editor types (keys, node
 * ids in `next:`, organisation, tip and tree ids).
 *
 * Feed every name that would have been right to suggest_add(); the closest
 * by edit distance (Levenshtein) is suggested when it is at most
 * SUGGEST_MAX_DIST edits away and closer than the typed name is long (so
 * "x" never suggests "y"). On a tie the first name added wins. */
#ifndef HHD_SUGGEST_H
#define HHD_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX_DIST 2
#define SUGGEST_MAX_LEN 64   /* longer names are never suggested or matched */

struct suggest {
	const char *typed;
	const char *best;        /* borrowed from suggest_add's caller */
	size_t dist;
};

/* Edit distance of two strings of up to SUGGEST_MAX_LEN bytes; larger
 * than SUGGEST_MAX_DIST (SIZE_MAX) when either is longer. */
size_t suggest_distance(const char *a, const char *b);
void suggest_init(struct suggest *s, const char *typed);
void suggest_add(struct suggest *s, const char *name);
/* " (did you mean 'NAME'?)" into `out`, or "" when nothing is close. */
const char *suggest_hint(const struct suggest *s, char *out, size_t outsz);

#endif
