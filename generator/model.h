/* model.h: the site as loaded from content/, before rendering.
 *
 * Everything lives in the build's arena and carries its source position.
 * Loading fills it; validation only reads it (and fills the derived fields
 * marked "derived"); rendering only reads it. */
#ifndef HHD_MODEL_H
#define HHD_MODEL_H

#include <stddef.h>
#include "arena.h"
#include "cache.h"
#include "diag.h"
#include "manifest.h"
#include "schema.h"

/* Languages of one site: enough for a national site (the official and the
 * most spoken immigrant languages); every per-language array is sized by it. */
#define HHD_MAX_LANGS 24
#define HHD_MAX_FILE (1u << 20)   /* bytes in one content or template file */

struct strmap;
struct mdcache_thread;
struct loadcache;
struct pcache_thread;
struct stamp_files;
struct search_wcache;

struct lang {
	const char *code, *name, *title, *tagline;
	const char *emergency_html;   /* rendered Markdown */
	int rtl;                      /* written right to left (site.yaml `dir`, or the code) */
	const char *sec_tips, *sec_help, *sec_plans, *sec_orgs, *sec_search;
	struct pos pos;
	/* derived: the language's fixed URLs, so rendering never builds one */
	const char *home_url;         /* /nl/ */
	const char *tips_url, *plans_url, *orgs_url; /* the section overviews */
	const char *search_url;       /* /nl/zoeken/: the search page */
	const char *search_index_url; /* /nl/zoeken/index.json: its index (render_search.c) */
	const char *help_index_url;   /* /nl/hulp/: a redirect to help_url */
	const char *help_url;         /* the triage tree's start (the help button), or home_url */
	const char *notfound_url;     /* /nl/404.html */
};

struct site {
	const char *path;             /* content/site.yaml */
	const char *base_url;         /* without trailing slash */
	struct lang langs[HHD_MAX_LANGS];
	int nlangs;
	int deflang;                  /* index of the default language */
	struct sstr triage;           /* tree id behind the help button */
	const char *quick_exit;       /* where "Leave this page" goes on sensitive trees */
	struct pos quick_exit_pos;
	int fallback_lang;            /* where an untranslated page comes from: en, else the default */
	struct slist partners;
	int allow_raw_html, allow_commercial;
	/* operator: who runs the site (name required; the rest only when known) */
	struct {
		const char *name, *address, *email, *phone, *url, *kvk;
		const char *tel;      /* derived from phone: tel:+31... */
	} op;
	/* helpdesk: per language, how soon it answers and what it can and cannot do */
	const char *answer_within[HHD_MAX_LANGS];
	const char *scope_html[HHD_MAX_LANGS];  /* rendered Markdown */
};

enum page_kind { PAGE_HOME, PAGE_PAGE, PAGE_TIP };

/* A link found in Markdown, to be checked once every URL is known. */
struct link {
	const char *url;
	struct pos pos;
};

struct links {
	struct link *items;
	size_t n, cap;
};

struct page {
	const char *path;             /* source file, relative to the working folder */
	struct cache_key src;         /* XXH3 of the file's bytes: what render_deps.c compares */
	const char *id;               /* file name without .md: the translation key */
	int lang;
	enum page_kind kind;
	struct sstr title, summary, slug, layout, reviewed;
	enum layout layout_id;         /* layout.s as an enum (lib/manifest.h) */
	int weight, draft;
	struct slist tags, sources, aliases;
	struct slist keywords;        /* tips and pages: words victims use (search only) */
	const char *body_html;
	size_t body_len;        /* strlen(body_html): lists put every page's body in their context */
	struct cache_key body_id;     /* what body_html is rendered from, as the Markdown cache
				       * knows it (mdcache_html_id): the memo hashes these 16
				       * bytes instead of the HTML; zero: no cache, hash the HTML */
	const char **headings;        /* the body's headings as the search index reads them
				       * (search_html_parts), empty ones left out */
	size_t nheadings;
	struct links links;
	struct pos pos;               /* start of the file */
	const char *url;              /* derived: /nl/tips/x/ */
	struct page *trans[HHD_MAX_LANGS]; /* derived: translations by language (self included) */
	const struct page *fallback;  /* derived: set on a stand-in for an untranslated page:
				       * the page shown (another language's), under this
				       * language's URLs; trans[] are then that page's */
};

/* Decision trees: a question node or an outcome node (a step plan). */
/* enum urgency (lib/manifest.h): an outcome's is one of the first URG__CHOOSABLE */

struct answer {
	struct sstr label, next;
	struct node *target;          /* derived */
	struct tree *target_tree;     /* derived */
};

struct step {
	struct sstr title;
	const char *body_html;
	struct pos pos;
};

struct node {
	struct sstr id;
	struct tree *tree;
	int is_outcome;
	/* question */
	struct sstr question;
	const char *help_html;
	struct answer *answers;
	size_t nanswers;
	/* outcome */
	struct sstr title;
	enum urgency urgency;
	const char *intro_html, *report_html, *deadline_html;
	struct step *steps;
	size_t nsteps;
	struct slist contacts, tips, sources;
	struct links links;           /* links in the node's Markdown texts */
	/* derived */
	const char *url;
	const char *ask_url;          /* an outcome's "ask the helpdesk" page (validate_ask_urls) */
	struct node *parent;          /* on the shortest path from start */
	struct node *entry;           /* a tree's start: the triage question that leads here */
	int depth;                    /* 1 for the start node */
	int reachable;
};

struct tree {
	const char *path;
	struct cache_key src;         /* XXH3 of the file's bytes (as page.src) */
	const char *id;               /* file name without .yaml */
	int lang;
	struct sstr title, summary, reviewed, start, slug;
	int weight;
	int sensitive;                /* shows "leave this page"; no counters */
	struct pos sensitive_pos;     /* where `sensitive: true` is written (else derived) */
	struct slist sources;
	struct slist keywords;        /* words victims use (search only) */
	struct node *nodes;
	size_t nnodes;
	struct pos pos;
	/* derived */
	struct node *start_node;
	int longest;                  /* nodes on the longest path from start */
	int offset;                   /* questions before this tree's start on the path from
				       * the triage's start: the entry's place on that path */
	int total;                    /* longest path from the triage's start through this
				       * tree (and the trees it hands over to) */
	const char *url;
	struct tree *trans[HHD_MAX_LANGS]; /* real translations only */
	const struct tree *fallback;  /* a stand-in for an untranslated tree (as page.fallback) */
};

enum org_kind { ORG_POLICE, ORG_GOVERNMENT, ORG_NONPROFIT, ORG_ROLE, ORG_COMMERCIAL, ORG__MAX };

struct org {
	struct sstr id, kind_s, phone, url;
	enum org_kind kind;
	const char *name[HHD_MAX_LANGS];
	const char *hours[HHD_MAX_LANGS];
	const char *about_html[HHD_MAX_LANGS];
	struct slist handles, sources;
	struct pos pos;
};

/* A content file that failed to load (its own errors are reported): what
 * refers to it is not reported again as missing, and one note on the file
 * counts those references (validate.c). */
enum unloaded_kind { UNLOADED_PAGE, UNLOADED_TIP, UNLOADED_TREE, UNLOADED_ORGS };
struct unloaded {
	enum unloaded_kind kind;
	int lang;
	const char *id, *path;
	size_t refs;                  /* references not checked because of it */
	struct unloaded *next;
};

struct model {
	struct arena *arena;
	const char *content_dir;
	struct site site;
	struct cache_key site_src, orgs_src; /* XXH3 of site.yaml's and orgs.yaml's bytes
				       * (zero: no orgs.yaml): render_deps.c */
	struct page **pages;
	size_t npages, cappages;
	struct tree **trees;
	size_t ntrees, captrees;
	struct org *orgs;
	size_t norgs;
	int drafts;                   /* build drafts too */
	int preview;                  /* built for hhd serve: draft pages carry the draft marker */
	int jobs;                     /* threads for loading and rendering */
	const char *cache_out;        /* the output whose build caches (cache.h) this build may
				       * read and renew; NULL: none (hhd check, --force) */
	struct mdcache_thread *md;     /* Markdown through this thread's handle on the cache
				       * (mdcache.h; each load thread's model copy has its own);
				       * NULL: none */
	struct pcache_thread *pc;      /* hhd build: parsed files kept on disk, through this
				       * thread's handle (pcache.h; with md); NULL: none */
	const struct stamp_files *stats; /* with pc: the content files' stat data the build
				       * stamp's walk took (stamp.h); NULL: stat each */
	struct loadcache *lc;          /* hhd serve: parsed files kept between builds
				       * (loadcache.h; then md is NULL); NULL: none */
	struct search_wcache **wcache; /* hhd serve: per language, the search index's
				       * words of texts kept between builds (search.h;
				       * each used by its language's index job alone);
				       * NULL: none */
	int no_search_index;          /* leave the search indexes out (bench/search measures them) */
	struct arena **arenas;        /* per-thread arenas of the load stage (model data) */
	size_t narenas;
	struct strmap *urls;          /* derived: every output URL -> what owns it */
	struct strmap *claims;        /* derived: output URL -> struct pos * where a file claims it */
	struct strmap *index;         /* derived: lookups by id (index.h) */
	struct unloaded *unloaded;    /* files that failed to load, in m->arena */
	struct page **skipped;        /* drafts left out (not m->drafts): links to them say so */
	size_t nskipped, capskipped;
};

/* Free everything the model holds: the lists, the load threads' arenas, the
 * maps, and the contents of m->arena (the struct arena itself is the
 * caller's). The model is zeroed and may be reused after a new arena_init. */
void model_free(struct model *m);
/* Record a file that failed to load (main thread only). */
void model_unloaded_add(struct model *m, enum unloaded_kind kind, int lang, const char *id, const char *path);
/* The failed file of that kind, language and id (orgs: lang 0, id NULL),
 * with one more reference counted; NULL when it did not fail. */
struct unloaded *model_unloaded_ref(const struct model *m, enum unloaded_kind kind, int lang, const char *id);

const char *org_kind_name(enum org_kind k);

#endif
