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

static const char *const urgency_colour[URG__MAX] = { "#f8d0d0", "#fde8c0", "#d8ecd8" };

void graph_dot(const struct model *m, const struct tree *t, struct buf *out)
{
	(void)m;
	buf_adds(out, "digraph ");
	S_quote(out, t->id);
	buf_adds(out, " {\n  rankdir=TB;\n  node [fontname=\"sans-serif\", fontsize=11];\n"
		      "  edge [fontname=\"sans-serif\", fontsize=9];\n  label=");
	S_quote(out, t->title.s);
	buf_adds(out, ";\n");
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct node *n = &t->nodes[i];
		if (!n->id.s)
			continue;
		buf_adds(out, "  ");
		S_quote(out, n->id.s);
		if (n->is_outcome) {
			buf_addf(out, " [shape=box, style=\"filled,rounded\", fillcolor=\"%s\", label=",
				 urgency_colour[n->urgency]);
			struct buf l = BUF_INIT;
			buf_addf(&l, "%s\n(%s)", n->title.s ? n->title.s : n->id.s, urgency_name(n->urgency));
			S_quote(out, l.ptr);
			buf_free(&l);
		} else {
			buf_adds(out, " [shape=ellipse, label=");
			S_quote(out, n->question.s ? n->question.s : n->id.s);
		}
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
	buf_adds(out, "}\n");
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
