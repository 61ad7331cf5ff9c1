/* ydoc.h: YAML documents loaded into a small tree that remembers positions.
 *
 * Content files are untrusted in the sense that an editor's mistake must
 * give a clear error, never a crash or a runaway: the loader enforces the
 * limits below and reports every violation through diag with the position
 * libyaml gives. Nodes live in the caller's arena. */
#ifndef HHD_YDOC_H
#define HHD_YDOC_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"

#define YAML_MAX_DEPTH 32        /* nested mappings and sequences */
#define YAML_MAX_ALIASES 64      /* *alias references in one file */
#define YAML_MAX_NODES 10000     /* nodes in one document, counting alias expansions */

enum ynode_type { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_type type;
	struct pos pos;       /* where the node starts */
	int plain;            /* scalar written without quotes (so `true`, `~` have meaning) */
	int block;            /* scalar written as a block (| or >): its lines keep their indentation */
	struct pos text;      /* where the scalar's text itself starts (after a quote, or on the
	                       * line below a block indicator, past the indentation) */
	const char *str;      /* scalar text, NUL-terminated */
	size_t len;
	struct ynode **items; /* sequence items; for a mapping: key, value, key, value, ... */
	size_t n;             /* number of items (a mapping has n/2 pairs) */
};

/* Parse one YAML document from src[0..len). `path` is borrowed for positions;
 * `line_offset` is added to every line (for front matter after a '---' line).
 * Returns the root node (an empty mapping for an empty document) or NULL
 * after reporting errors. */
struct ynode *yaml_load(struct arena *a, const char *path, const char *src, size_t len,
			unsigned line_offset, struct diags *d);
/* The value for `key` in a mapping, or NULL. */
struct ynode *ymap_get(const struct ynode *map, const char *key);
/* Scalar that means null: empty plain, `~`, `null`. */
int yscalar_is_null(const struct ynode *n);

#endif
