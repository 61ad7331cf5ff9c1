/* markdown.h: Markdown to HTML through cmark-gfm, with checks.
 *
 * GFM extensions (table, strikethrough, autolink, tasklist, tagfilter),
 * smart punctuation, ids on headings. Raw HTML is refused with an error
 * (and left out of the output) unless allowed. Links are collected for the
 * link check; readability limits are checked when asked. */
#ifndef HHD_MARKDOWN_H
#define HHD_MARKDOWN_H

#include <stddef.h>
#include "arena.h"
#include "diag.h"
#include "model.h"

#define MD_MAX_SENTENCE_WORDS 25   /* B1 guideline: a longer sentence gets a warning */
#define MD_MAX_STEP_WORDS 120      /* a step body longer than this gets a warning */

enum md_flags {
	MD_ALLOW_RAW_HTML = 1 << 0,
	MD_CHECK_SENTENCES = 1 << 1,  /* warn about sentences over MD_MAX_SENTENCE_WORDS */
	MD_INLINE = 1 << 2,           /* a one-paragraph text: drop the <p> wrapper */
	MD_BLOCK = 1 << 3,            /* a YAML block scalar: every line is indented like the first */
};

/* Call once before any thread renders Markdown. */
void md_init(void);
/* Call in each thread that rendered Markdown before it ends (and once at
 * the end of the program): frees the thread's allocator for cmark. */
void md_thread_done(void);
/* Render `text` (len bytes) found at `at` (line 1 of the text is at.line).
 * Links are appended to `links` (may be NULL). *words, when not NULL, gets
 * the number of words. Returns HTML in the arena. */
const char *md_render(struct arena *a, const char *text, size_t len, struct pos at, int flags,
		      struct links *links, int *words, struct diags *d);

#endif
