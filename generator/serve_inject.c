/* serve_inject.c: the reload script, error panel and draft banner added to preview pages in memory. */
#include "serve_inject.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "html.h"

/* The preview's own words, one row per language. */
static const struct {
	const char *code;
	const char *errors_title;
	const char *errors_text;
	const char *more_pre;      /* "<more_pre> N <more_post>": the diagnostics left out */
	const char *more_post;
	const char *draft;
} texts[SERVE_LANG__MAX] = {
	[SERVE_LANG_NL] = { "nl", "De site kon niet worden gebouwd",
			    "Hieronder staat wat er mis is, met bestand, regel en kolom. Daaronder zie je de "
			    "laatste versie die wel lukte. Zodra je het bestand herstelt en bewaart, laadt deze "
			    "pagina vanzelf opnieuw.",
			    "en nog", "meldingen",
			    "Concept: deze pagina wordt niet gepubliceerd." },
	[SERVE_LANG_EN] = { "en", "The site could not be built",
			    "Below is what is wrong, with file, line and column. Under it you see the last "
			    "version that did build. As soon as you fix and save the file, this page reloads "
			    "by itself.",
			    "and", "more",
			    "Draft: this page is not published." },
};

const char serve_reload_js[] =
	"/* hhd serve: live reload for the preview; never part of the published site */\n"
	"(function () {\n"
	"\t\"use strict\";\n"
	"\tvar me = document.currentScript, gen = me ? me.getAttribute(\"data-hhd-gen\") : null;\n"
	"\tif (!window.EventSource) return;\n"
	"\tvar es = new EventSource(\"/__hhd/events\");\n"
	"\tfunction reload() { es.close(); location.reload(); }\n"
	"\t/* a build finished between serving this page and connecting */\n"
	"\tes.addEventListener(\"hello\", function (e) { if (gen !== null && e.data !== gen) reload(); });\n"
	"\tes.addEventListener(\"reload\", reload);\n"
	"\tes.addEventListener(\"build-error\", reload);\n"
	"\twindow.addEventListener(\"pagehide\", function () { es.close(); });\n"
	"})();\n";

const char serve_preview_css[] =
	"/* hhd serve: the preview's error panel and draft banner */\n"
	".hhd-preview { display: block; margin: 0; padding: 1rem 1.25rem; border-bottom: 4px solid;\n"
	"\tfont: 16px/1.45 system-ui, sans-serif; text-align: left; }\n"
	".hhd-preview-errors { background: #fff1f0; color: #5c0011; border-color: #cf1322; }\n"
	".hhd-preview-draft { background: #fffbe6; color: #614700; border-color: #d4b106; font-weight: 600; }\n"
	".hhd-preview h2 { margin: 0 0 .5rem; font-size: 1.15rem; }\n"
	".hhd-preview p { margin: 0; }\n"
	".hhd-preview ol { margin: .5rem 0 0; padding-left: 1.5rem; }\n"
	".hhd-preview code { font: 14px/1.4 ui-monospace, monospace; white-space: pre-wrap;\n"
	"\toverflow-wrap: anywhere; }\n";

/* Case-insensitive search for `needle` in s[from, len); the first match's
 * offset, or `len` when there is none. With `last`, the last match (found
 * searching backwards, as </body> sits near the end). */
static size_t S_find(const char *s, size_t len, size_t from, const char *needle, int last)
{
	size_t n = strlen(needle);
	if (len < n || from > len - n)
		return len;
	int c0 = tolower((unsigned char)needle[0]);
	if (last) {
		for (size_t i = len - n + 1; i-- > from;)
			if (tolower((unsigned char)s[i]) == c0 && strncasecmp(s + i, needle, n) == 0)
				return i;
		return len;
	}
	for (size_t i = from; i + n <= len; i++)
		if (tolower((unsigned char)s[i]) == c0 && strncasecmp(s + i, needle, n) == 0)
			return i;
	return len;
}

/* Where the body's content starts: after <body ...>; else after a
 * doctype; else 0. `*head_end` is where the head part ends (for markers). */
static size_t S_body_start(const char *s, size_t len, size_t *head_end)
{
	size_t at = 0;
	while ((at = S_find(s, len, at, "<body", 0)) < len) {
		char c = at + 5 < len ? s[at + 5] : '\0';
		if (c == '>' || isspace((unsigned char)c))
			break;
		at += 5;
	}
	*head_end = at;
	if (at < len) {
		const char *gt = memchr(s + at, '>', len - at);
		return gt ? (size_t)(gt - s) + 1 : len;
	}
	if (len >= 9 && strncasecmp(s, "<!doctype", 9) == 0) {
		const char *gt = memchr(s, '>', len);
		return gt ? (size_t)(gt - s) + 1 : 0;
	}
	return 0;
}

int serve_html_is_draft(const char *html, size_t len)
{
	size_t head_end;
	S_body_start(html, len, &head_end);
	return S_find(html, head_end, 0, "<meta name=\"hhd-draft\"", 0) < head_end;
}

enum serve_lang serve_html_lang(const char *html, size_t len)
{
	size_t at = S_find(html, len, 0, "<html", 0);
	if (at == len)
		return SERVE_LANG_NL;
	const char *gt = memchr(html + at, '>', len - at);
	size_t end = gt ? (size_t)(gt - html) : len;
	size_t l = S_find(html, end, at, " lang=\"", 0);
	if (l < end && l + 9 < end && strncasecmp(html + l + 7, "en", 2) == 0 &&
	    (html[l + 9] == '"' || html[l + 9] == '-'))
		return SERVE_LANG_EN;
	return SERVE_LANG_NL;
}

/* The error panel: each line of `diags` as an escaped list item. */
static void S_panel(struct buf *out, const char *diags, enum serve_lang lang)
{
	buf_addf(out, "<section class=\"hhd-preview hhd-preview-errors\" role=\"alert\" lang=\"%s\">"
		 "<h2>%s</h2><p>%s</p><ol>", texts[lang].code, texts[lang].errors_title, texts[lang].errors_text);
	size_t listed = 0, left = 0;
	for (const char *p = diags; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			if (listed < SERVE_PANEL_MAX_DIAGS) {
				buf_adds(out, "<li><code>");
				html_escape(out, p, n);
				buf_adds(out, "</code></li>");
				listed++;
			} else {
				left++;
			}
		}
		p += n + (nl != NULL);
	}
	buf_adds(out, "</ol>");
	if (left) {
		buf_adds(out, "<p>");
		buf_addf(out, "%s %zu %s", texts[lang].more_pre, left, texts[lang].more_post);
		buf_adds(out, "</p>");
	}
	buf_adds(out, "</section>\n");
}

void serve_inject_html(struct buf *out, const char *html, size_t len, const struct serve_inject *in)
{
	size_t head_end;
	size_t start = S_body_start(html, len, &head_end);
	size_t end = S_find(html, len, start, "</body", 1);
	enum serve_lang lang = serve_html_lang(html, len);
	int draft = serve_html_is_draft(html, len);

	buf_add(out, html, start);
	if (in->diags || draft) {
		buf_adds(out, "\n<link rel=\"stylesheet\" href=\"/__hhd/preview.css\">\n");
		if (in->diags)
			S_panel(out, in->diags, lang);
		if (draft)
			buf_addf(out, "<p class=\"hhd-preview hhd-preview-draft\" lang=\"%s\">%s</p>\n",
				 texts[lang].code, texts[lang].draft);
	}
	buf_add(out, html + start, end - start);
	buf_addf(out, "<script src=\"/__hhd/reload.js\" data-hhd-gen=\"%lu\"></script>\n", in->gen);
	buf_add(out, html + end, len - end);
}

void serve_api_off_page(struct buf *out)
{
	buf_adds(out,
		 "<!doctype html>\n<html lang=\"nl\">\n<head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		 "<title>Het formulier verstuurt niets in de voorbeeldweergave</title></head>\n<body>\n"
		 "<h1>Het formulier verstuurt niets in de voorbeeldweergave</h1>\n"
		 "<p>In <code>hhd serve</code> draait hhd-fcgi niet mee, dus het contactformulier en de "
		 "tellers (<code>/api/</code>) doen hier niets. Er is niets verstuurd. Wil je het formulier "
		 "proberen, start dan hhd-fcgi en geef zijn socket mee: <code>hhd serve --fcgi SOCKET</code>.</p>\n"
		 "<section lang=\"en\">\n<h2>The form does not send in preview</h2>\n"
		 "<p>hhd-fcgi does not run inside <code>hhd serve</code>, so the contact form and the counters "
		 "(<code>/api/</code>) do nothing here. Nothing was sent. To try the form, start hhd-fcgi and "
		 "pass its socket: <code>hhd serve --fcgi SOCKET</code>.</p>\n</section>\n"
		 "</body>\n</html>\n");
}
