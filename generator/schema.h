/* schema.h: typed fields read from YAML mappings, with diagnostics.
 *
 * Each reader reports a problem at the value's position (or the mapping's,
 * for a missing key) and returns a neutral value, so loading goes on and
 * every problem of a file is reported in one run. Strings live in the arena. */
#ifndef HHD_SCHEMA_H
#define HHD_SCHEMA_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"
#include "manifest.h"
#include "ydoc.h"

/* A string with the place it came from. */
struct sstr {
	const char *s;   /* NULL when absent */
	struct pos pos;
};

struct slist {
	struct sstr *items;
	size_t n;
};

/* Report each key of `map` not in the NULL-terminated `allowed`, with a
 * "did you mean" hint for near misses. Returns the number reported. */
int schema_keys(const struct ynode *map, const char *const *allowed, struct diags *d);
/* A node that must be a mapping with the keys `allowed`: 0 after checking
 * its keys (schema_keys), or -1 after reporting "'what' must be a mapping". */
int schema_object(const struct ynode *n, const char *what, const char *const *allowed, struct diags *d);
/* A string; when `required`, a missing key and "" are refused (an optional
 * "" is given as ""). */
struct sstr schema_str(const struct ynode *map, const char *key, int required, struct diags *d);
/* A value from an enum's names table names[0..n) (indexed by the enum):
 * its index, or -1 when it is absent (reported when required) or not in the
 * table (reported as "'key' must be one of a, b, c", the names in table
 * order). `out`, when not NULL, gets the string and its place as
 * schema_str() gives them. */
int schema_enum(const struct ynode *map, const char *key, const char *const *names, int n, int required,
		struct sstr *out, struct diags *d);
/* Whole number; returns `dflt` when absent or wrong. */
int schema_int(const struct ynode *map, const char *key, int dflt, struct diags *d);
int schema_bool(const struct ynode *map, const char *key, int dflt, struct diags *d);
/* A date as YYYY-MM-DD (checked for a real calendar day). */
struct sstr schema_date(const struct ynode *map, const char *key, int required, struct diags *d);
/* A list of strings (a single string is refused: lists are lists). */
struct slist schema_strlist(struct arena *a, const struct ynode *map, const char *key, struct diags *d);
/* A value that must be a mapping or a sequence; NULL when absent (reports when required). */
const struct ynode *schema_map(const struct ynode *map, const char *key, int required, struct diags *d);
const struct ynode *schema_seq(const struct ynode *map, const char *key, int required, struct diags *d);
/* Slugs and ids: a-z, 0-9 and '-', not starting or ending with '-'. */
/* Slugs (file ids, node ids, partner codes, URL parts) are at most this long:
 * the manifest hhd-fcgi reads carries them and holds the same limit. */
#define SCHEMA_MAX_SLUG MANIFEST_MAX_ID
int schema_is_slug(const char *s);
/* Is `s` an http(s)://host... URL without spaces or quotes? */
/* A phone number as editors write it: digits (3 to 15), spaces, '-', '(',
 * ')' and a leading '+'. Used for organisations and the site's operator. */
int schema_is_phone(const char *s);
int schema_is_http_url(const char *s);
/* A `sources` list: a list of http(s) URLs, each checked. */
struct slist schema_sources(struct arena *a, const struct ynode *map, struct diags *d);

/* keywords: words victims use for a tree or tip, for the site search only
 * (never shown). Each at most SCHEMA_MAX_KEYWORD code points, at most
 * SCHEMA_MAX_KEYWORDS of them, none twice (compared without case); what
 * breaks a limit is reported and left out. */
#define SCHEMA_MAX_KEYWORD 60
#define SCHEMA_MAX_KEYWORDS 40
struct slist schema_keywords(struct arena *a, const struct ynode *map, struct diags *d);

#endif
