/* funnel.h: each decision tree's funnel for `hhd-admin stats`.
 *
 * The tree's shape comes from the site manifest (lib/manifest.h: the T
 * record names a tree's start page, the E records its answers); the counts
 * per page come from the caller. A node is "reached" as often as its page
 * was counted (view and help for a question, outcome for a step plan).
 * "Left here" is an estimate for a question: reached minus what went on to
 * its answers, where a page reached from several questions of the tree is
 * shared equally among them (the counters keep no path per visitor, by
 * design). A step plan is where a visitor ends; an answer that hands over
 * to another tree is drawn as that tree's page and not followed. */
#ifndef HHD_FUNNEL_H
#define HHD_FUNNEL_H

#include <stddef.h>

#include "buf.h"
#include "siteindex.h"

#define FUNNEL_MAX_NODES 500   /* nodes drawn per tree; more are left out and said so */

struct funnel_node {
	const char *path, *tree, *node;   /* borrowed from the site index */
	enum layout kind;                 /* LAYOUT_QUESTION or LAYOUT_OUTCOME */
	int other;                        /* a page of another tree (a hand-over) */
	int depth, col;                   /* level from the start (0) and place in it */
	size_t nin;                       /* answers of this tree leading here */
	long long reached, left, yes, no;
};

struct funnel_edge {
	size_t from, to;                  /* indexes into nodes */
};

struct funnel {
	const char *tree, *lang, *start;
	struct funnel_node *nodes;
	size_t nnodes, capnodes;
	struct funnel_edge *edges;
	size_t nedges, capedges;
	int levels, widest, truncated;
	long long entered, outcomes;      /* the start's count; all step plans reached */
};

struct funnel_set {
	struct funnel *items;
	size_t n, cap;
};

/* Counts of one page: reached, and the "did this help" answers. */
typedef void (*funnel_count_fn)(const char *path, long long *reached, long long *yes, long long *no, void *arg);

/* One funnel per T record of the site (in manifest order), counted with fn.
 * T records whose page is not a question in the manifest are skipped. */
void funnel_build(const struct siteindex *site, funnel_count_fn fn, void *arg, struct funnel_set *out);
void funnel_free(struct funnel_set *s);
/* The funnel as inline SVG (accessible: title and desc, the largest drop
 * named), its ids made unique with idx. Pure. */
void funnel_svg(const struct funnel *f, size_t idx, struct buf *o);

#endif
