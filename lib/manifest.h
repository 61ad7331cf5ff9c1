/* manifest.h: the site manifest, one format shared by both programs.
 *
 * `hhd build` writes <site>/hhd-manifest.tsv: which pages exist, in which
 * language and of which kind, and which partner codes may appear in `via=`.
 * hhd-fcgi reads it, counts only hits on these paths and accepts only
 * incident/node pairs found here; it stores each submission's urgency from
 * here, and hhd-admin drafts replies from the outcome records. This module
 * holds everything both sides must agree on: the file name, the format
 * version, the page kinds (enum layout) and the urgencies (enum urgency),
 * each with its one names table, a writer and a parser.
 *
 * Format (UTF-8, LF lines, TAB-separated):
 *   # hhd-manifest 3                       the first line, with the version
 *   P <path> <lang> <kind> <tree> <node>   one per page; tree/node are "-"
 *                                          unless kind is question or outcome
 *   R <code>                               an allowed partner code
 *   B <url>                                the site's absolute base URL
 *                                          ("https://example.nl", no trailing '/')
 *   O <lang> <tree> <node> <urgency> <title>
 *                                          one per outcome (step plan): its
 *                                          urgency (urgency_names) and title
 *   S <lang> <tree> <node> <text>          one per step of the O record just
 *                                          before, in order: the step's title
 *   C <lang> <tree> <node> <name> <phone> <url>
 *                                          whom to call for that outcome, one
 *                                          per organisation, in order; phone
 *                                          and url are "-" when it has none
 *   T <path>                               a decision tree's entry: the page
 *                                          of its start question
 *   E <from> <to>                          an answer: from a question's page
 *                                          to the page it leads to (a node of
 *                                          the same tree or another tree's)
 * Text fields (title, text, name) are UTF-8 without control characters.
 * T and E (version 3) give the trees' shape, so `hhd-admin stats` can draw
 * each tree's funnel; they name pages by path, checked for shape here and
 * against the P records by whoever uses them.
 * Lines starting with '#' after the first are comments and blank lines are
 * skipped; unknown record letters are skipped so a newer generator can add
 * records. A new kind is a new format version: a reader refuses kinds it
 * does not know.
 *
 * How each program calls it:
 * - generator/render.c: manifest_put_header(&out), then manifest_put_page()
 *   for each page (kind from enum layout, e.g. a page's layout or
 *   LAYOUT_OUTCOME with its tree and node) and manifest_put_partner() for
 *   each partner, then writes `out` as MANIFEST_NAME. A -1 from a put means
 *   the row would not parse back (a field too long or of the wrong shape);
 *   nothing was appended, and the build should report it.
 * - fcgi/manifest.c: reads the file (at most MANIFEST_MAX_BYTES), calls
 *   manifest_rows_parse() into its own arena and builds its lookup index
 *   (pages sorted by path, nodes by tree and node, duplicate paths refused)
 *   from the rows; kinds are compared as enum layout, not as strings (for
 *   example manifest_find_kind(m, lang, LAYOUT_THANKS)). Its own header is
 *   also called manifest.h: when it includes this one, one of the two is
 *   renamed, or its query part moves here.
 * - generator/page.c: the layouts a page may choose in its front matter are
 *   layout_names[0 .. LAYOUT__CHOOSABLE). */
#ifndef HHD_LIB_MANIFEST_H
#define HHD_LIB_MANIFEST_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

#define MANIFEST_NAME "hhd-manifest.tsv"
#define MANIFEST_VERSION 3   /* 2: the emergency-card and incident-log layouts; 3: the search layout, B, O, S, C, T and E records */
#define MANIFEST_MAX_BYTES (16u << 20)   /* a reader refuses larger files */
#define MANIFEST_MAX_FIELD 1024          /* bytes of one field */
#define MANIFEST_MAX_LINE 4096           /* bytes of one line, without its LF */
#define MANIFEST_MAX_ID 100              /* tree, node and partner ids: as long as a slug may be */

/* The kind of a page: how it is laid out and what hhd-fcgi may do with it.
 * The first LAYOUT__CHOOSABLE are the layouts a page in pages/ chooses in
 * its front matter ('layout:'); the others follow from where a page comes
 * from. Names in layout_names[], in this order. */
enum layout {
	LAYOUT_PAGE,      /* a plain page */
	LAYOUT_CONTACT,   /* the contact form (and an outcome's "ask the helpdesk" page) */
	LAYOUT_THANKS,    /* where the contact form goes after sending */
	LAYOUT_FEEDBACK,  /* where the "did this help?" form goes */
	LAYOUT_EMERGENCY_CARD, /* the printable emergency card (form fields, nothing sent) */
	LAYOUT_INCIDENT_LOG,   /* the printable incident log */
	LAYOUT_HOME,      /* a language's home page */
	LAYOUT_TIP,
	LAYOUT_TIPS,      /* the list of tips */
	LAYOUT_PLANS,     /* the list of decision trees */
	LAYOUT_ORGS,      /* the organisations directory */
	LAYOUT_REDIRECT,  /* an alias or a folder that sends the reader on */
	LAYOUT_QUESTION,  /* a decision-tree question (has a tree and a node) */
	LAYOUT_OUTCOME,   /* a decision-tree outcome (has a tree and a node) */
	LAYOUT_ROOT,      /* "/", the language choice */
	LAYOUT_NOTFOUND,  /* a 404 page */
	LAYOUT_SEARCH,    /* a language's search page (its index beside it is no page) */
	LAYOUT__MAX
};
#define LAYOUT__CHOOSABLE (LAYOUT_INCIDENT_LOG + 1)

extern const char *const layout_names[LAYOUT__MAX];

/* How soon a visitor must act: an outcome's urgency (the first
 * URG__CHOOSABLE, chosen in a tree's YAML), or URG_NONE for what comes from
 * no outcome (the general contact form). Sorted most urgent first. Names in
 * urgency_names[] ("acute", "today", "soon", "none"): the trees' YAML, the
 * manifest and hhd-fcgi's database spell them so. */
enum urgency { URG_ACUTE, URG_TODAY, URG_SOON, URG_NONE, URG__MAX };
#define URG__CHOOSABLE URG_NONE

extern const char *const urgency_names[URG__MAX];
/* The urgency called `name`, or -1. */
int urgency_find(const char *name);

/* The layout called `name`, or -1. */
int layout_find(const char *name);
/* Does a page of this kind belong to a tree node (question, outcome)? */
int layout_has_node(enum layout l);

/* One P record. Strings are borrowed (the writer) or live in the arena given
 * to the parser. */
struct manifest_row {
	const char *path;   /* "/nl/hulp/x/", "/" or "/nl/404.html" */
	const char *lang;   /* "nl" */
	enum layout kind;
	const char *tree;   /* NULL unless layout_has_node(kind) */
	const char *node;
};

/* Whom to call about an outcome (a C record). phone and url NULL when none. */
struct manifest_contact {
	const char *name, *phone, *url;
};

/* An outcome (an O record with its S and C records): what hhd-fcgi stores
 * as a submission's urgency and what hhd-admin drafts a reply from. */
struct manifest_plan {
	const char *lang, *tree, *node;
	enum urgency urgency;
	const char *title;
	const char *const *steps;   /* step titles, in order */
	size_t nsteps;
	const struct manifest_contact *contacts;
	size_t ncontacts;
};

/* One E record: an answer's edge between two node pages. */
struct manifest_edge {
	const char *from, *to;
};

/* A parsed manifest, in file order. The arrays are malloc'd (free with
 * manifest_rows_free); their strings live in the parser's arena. A plan's
 * steps and contacts point into steps[] and contacts[]. */
struct manifest_rows {
	struct manifest_row *pages;
	size_t npages, cappages;
	const char **partners;
	size_t npartners, cappartners;
	const char *base_url;         /* NULL when there was no B record */
	struct manifest_plan *plans;
	size_t nplans, capplans;
	const char **steps;
	size_t nsteps, capsteps;
	struct manifest_contact *contacts;
	size_t ncontacts, capcontacts;
	const char **starts;            /* T records: the trees' start pages */
	size_t nstarts, capstarts;
	struct manifest_edge *edges;    /* E records */
	size_t nedges, capedges;
};

/* Append the first line, "# hhd-manifest 3\n". */
void manifest_put_header(struct buf *out);
/* Append one P record. 0, or -1 (nothing appended) when the row would not
 * parse back: a malformed path, language, tree or node, a tree and node
 * given or missing against the kind, or a line over the limits. */
int manifest_put_page(struct buf *out, const struct manifest_row *r);
/* Append one R record. 0, or -1 (nothing appended) for a malformed code. */
int manifest_put_partner(struct buf *out, const char *code);
/* Append the B record. 0, or -1 (nothing appended) unless url is http:// or
 * https:// followed by printable ASCII without spaces, not ending in '/'. */
int manifest_put_base(struct buf *out, const char *url);
/* Append an O record and its S and C records. 0, or -1 (nothing appended)
 * for a malformed id, an unknown urgency, or a text that is empty, not
 * UTF-8, holds a control character or is over MANIFEST_MAX_FIELD. */
int manifest_put_plan(struct buf *out, const struct manifest_plan *p);
/* Append one T record (a tree's start page) or E record (an answer from
 * page `from` to page `to`). 0, or -1 (nothing appended) for a malformed
 * path. */
int manifest_put_start(struct buf *out, const char *path);
int manifest_put_edge(struct buf *out, const char *from, const char *to);

/* Parse text[0..len) into `r` (zeroed by the caller), copying strings into
 * `a`. Every line is checked for shape. Returns 0, or -1 with "line N: why"
 * (or "why" for the whole text) in err and `r` left empty. Duplicate paths
 * are not checked here: that needs the sorted index the reader builds. */
int manifest_rows_parse(struct manifest_rows *r, struct arena *a, const char *text, size_t len, char *err,
			size_t errsz);
void manifest_rows_free(struct manifest_rows *r);

#endif
