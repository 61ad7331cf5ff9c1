/* graph.c: `hhd graph`: a decision tree as Graphviz DOT, or SVG through dot. */
#include "graph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "site.h"
#include "tree.h"

/* A DOT double-quoted string. */
static void S_quote(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addch(out, '\\');
		if (*s == '\n')
			buf_adds(out, "\\n");
		else
			buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

static const char *const urgency_colour[URG__CHOOSABLE] = { "#f8d0d0", "#fde8c0", "#d8ecd8" };

/* The words of the picture, [0] Dutch, [1] other languages (English). */
static const char *const urgency_words[2][URG__CHOOSABLE] = { { "acuut", "vandaag", "binnenkort" },
							{ "acute", "today", "soon" } };
static const char *const legend_words[2][4] = {
	{ "Legenda", "vraag [id in next:]", "uitkomst: ", "andere beslisboom" },
	{ "Legend", "question [id for next:]", "outcome: ", "another decision tree" },
};

#define GRAPH_WRAP 28      /* label lines are broken after this many characters */
#define GRAPH_WIDE 4       /* more nodes than this on one level: lay out left to right */

/* `s` with a line break at the last space before every GRAPH_WRAP characters. */
static void S_wrap(struct buf *out, const char *s)
{
	size_t col = 0;
	while (s && *s) {
		size_t w = strcspn(s, " ");
		size_t chars = 0;
		for (size_t i = 0; i < w; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		if (col && col + 1 + chars > GRAPH_WRAP) {
			buf_addch(out, '\n');
			col = 0;
		} else if (col) {
			buf_addch(out, ' ');
			col++;
		}
		buf_add(out, s, w);
		col += chars;
		s += w;
		while (*s == ' ')
			s++;
	}
}

/* The widest level of the tree (nodes at one depth, other trees counted
 * one level below their question). */
static size_t S_widest(const struct tree *t)
{
	size_t width[64] = { 0 }, max = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct node *n = &t->nodes[i];
		if (n->depth > 0 && n->depth < 63)
			width[n->depth]++;
		for (size_t a = 0; a < n->nanswers; a++)
			if (n->answers[a].target_tree && n->answers[a].target_tree != t && n->depth > 0 && n->depth < 62)
				width[n->depth + 1]++;
	}
	for (size_t d = 0; d < 64; d++)
		if (width[d] > max)
			max = width[d];
	return max;
}

void graph_dot(const struct model *m, const struct tree *t, struct buf *out)
{
	int en = strcmp(m->site.langs[t->lang].code, "nl") != 0;
	buf_adds(out, "digraph ");
	S_quote(out, t->id);
	buf_addf(out, " {\n  rankdir=%s;\n  node [fontname=\"sans-serif\", fontsize=11];\n"
		      "  edge [fontname=\"sans-serif\", fontsize=9];\n  label=",
		 S_widest(t) > GRAPH_WIDE ? "LR" : "TB");
	S_quote(out, t->title.s);
	buf_adds(out, ";\n");
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct node *n = &t->nodes[i];
		if (!n->id.s)
			continue;
		buf_adds(out, "  ");
		S_quote(out, n->id.s);
		struct buf l = BUF_INIT;
		buf_addf(&l, "[%s]\n", n->id.s);
		if (n->is_outcome) {
			buf_addf(out, " [shape=box, style=\"filled,rounded\", fillcolor=\"%s\", label=",
				 urgency_colour[n->urgency]);
			S_wrap(&l, n->title.s ? n->title.s : n->id.s);
			buf_addf(&l, "\n(%s)", urgency_words[en][n->urgency]);
		} else {
			buf_adds(out, " [shape=ellipse, label=");
			S_wrap(&l, n->question.s ? n->question.s : n->id.s);
		}
		S_quote(out, l.ptr);
		buf_free(&l);
		if (n == t->start_node)
			buf_adds(out, ", penwidth=2");
		buf_adds(out, "];\n");
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct node *n = &t->nodes[i];
		for (size_t a = 0; a < n->nanswers; a++) {
			const struct answer *an = &n->answers[a];
			if (!an->next.s)
				continue;
			int other = an->target_tree && an->target_tree != t;
			if (other) {
				buf_adds(out, "  ");
				S_quote(out, an->next.s);
				buf_adds(out, " [shape=note, label=");
				struct buf l = BUF_INIT;
				buf_addf(&l, "→ %s", an->target_tree->title.s ? an->target_tree->title.s : an->next.s);
				buf_addf(&l, "\n[%s]", an->next.s);
				S_quote(out, l.ptr);
				buf_free(&l);
				buf_adds(out, "];\n");
			}
			buf_adds(out, "  ");
			S_quote(out, n->id.s);
			buf_adds(out, " -> ");
			S_quote(out, an->next.s);
			buf_adds(out, " [label=");
			S_quote(out, an->label.s ? an->label.s : "");
			buf_adds(out, "];\n");
		}
	}
	/* the legend: what the shapes and colours mean, in the tree's language */
	buf_adds(out, "  subgraph cluster_legend {\n    label=");
	S_quote(out, legend_words[en][0]);
	buf_adds(out, ";\n    fontname=\"sans-serif\";\n    \"legend:question\" [shape=ellipse, label=");
	S_quote(out, legend_words[en][1]);
	buf_adds(out, "];\n");
	for (int u = 0; u < URG__CHOOSABLE; u++) {
		buf_addf(out, "    \"legend:%s\" [shape=box, style=\"filled,rounded\", fillcolor=\"%s\", label=",
			 urgency_names[u], urgency_colour[u]);
		struct buf l = BUF_INIT;
		buf_addf(&l, "%s%s", legend_words[en][2], urgency_words[en][u]);
		S_quote(out, l.ptr);
		buf_free(&l);
		buf_adds(out, "];\n");
	}
	buf_adds(out, "    \"legend:tree\" [shape=note, label=");
	S_quote(out, legend_words[en][3]);
	buf_adds(out, "];\n  }\n}\n");
}

static int S_have_dot(void)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	char *p = strdup(path), *save = NULL;
	int found = 0;
	for (char *dir = strtok_r(p, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/dot", dir);
		found = access(b.ptr, X_OK) == 0;
		buf_free(&b);
	}
	free(p);
	return found;
}

int graph_print(const struct model *m, const char *id, const char *lang, int svg, struct diags *d)
{
	int li = lang ? site_lang(&m->site, lang) : m->site.deflang;
	if (li < 0) {
		fprintf(stderr, "hhd: unknown language '%s'\n", lang);
		return 2;
	}
	const struct tree *t = tree_find(m, id, li);
	if (!t) {
		char hint[160];
		fprintf(stderr, "hhd: no tree '%s' in language '%s'%s\n", id, m->site.langs[li].code,
			tree_hint(m, li, id, hint, sizeof hint));
		return 2;
	}
	if (diags_failed(d))
		return 1;
	struct buf dot = BUF_INIT;
	graph_dot(m, t, &dot);
	int status = 0;
	if (!svg) {
		fwrite(dot.ptr, 1, dot.len, stdout);
	} else if (!S_have_dot()) {
		fprintf(stderr, "hhd: --svg needs Graphviz's 'dot', which is not installed "
				"(Debian: apt-get install graphviz); without --svg hhd prints DOT\n");
		status = 2;
	} else {
		fflush(stdout);
		FILE *p = popen("dot -Tsvg", "w");
		if (!p || fwrite(dot.ptr, 1, dot.len, p) != dot.len) {
			fprintf(stderr, "hhd: cannot run dot: %s\n", strerror(errno));
			status = 2;
		}
		if (p) {
			int rc = pclose(p);
			if (rc != 0 && !status) {
				fprintf(stderr, "hhd: dot failed\n");
				status = 2;
			}
		}
	}
	buf_free(&dot);
	return status;
}
