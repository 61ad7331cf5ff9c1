/* funnel.c: each decision tree's funnel (see funnel.h). */
#include "funnel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "xalloc.h"

static size_t S_find(const struct funnel *f, const char *path)
{
	for (size_t i = 0; i < f->nnodes; i++)
		if (strcmp(f->nodes[i].path, path) == 0)
			return i;
	return (size_t)-1;
}

static size_t S_add(struct funnel *f, const struct manifest_row *pg, int depth, int other)
{
	f->nodes = xgrow(f->nodes, &f->capnodes, f->nnodes + 1, sizeof *f->nodes);
	f->nodes[f->nnodes] = (struct funnel_node){ .path = pg->path, .tree = pg->tree, .node = pg->node,
						    .kind = pg->kind, .other = other, .depth = depth };
	return f->nnodes++;
}

/* Walk the tree from its start, breadth first: levels by distance. */
static void S_walk(const struct siteindex *site, struct funnel *f, const struct manifest_row *start)
{
	S_add(f, start, 0, 0);
	for (size_t q = 0; q < f->nnodes; q++) {
		if (f->nodes[q].other || f->nodes[q].kind != LAYOUT_QUESTION)
			continue;
		for (size_t e = 0; e < site->rows.nedges; e++) {
			const struct manifest_edge *me = &site->rows.edges[e];
			const struct manifest_row *to;
			size_t t;
			if (strcmp(me->from, f->nodes[q].path) != 0 || !(to = siteindex_page(site, me->to))
			    || !layout_has_node(to->kind))
				continue;
			t = S_find(f, to->path);
			if (t == (size_t)-1) {
				if (f->nnodes >= FUNNEL_MAX_NODES) {
					f->truncated = 1;
					continue;
				}
				int other = strcmp(to->tree, f->tree) != 0 || strcmp(to->lang, f->lang) != 0;
				t = S_add(f, to, f->nodes[q].depth + 1, other);
			}
			f->edges = xgrow(f->edges, &f->capedges, f->nedges + 1, sizeof *f->edges);
			f->edges[f->nedges++] = (struct funnel_edge){ q, t };
			f->nodes[t].nin++;
		}
	}
}

static void S_count(struct funnel *f, funnel_count_fn fn, void *arg)
{
	int width[FUNNEL_MAX_NODES + 1] = { 0 };

	for (size_t i = 0; i < f->nnodes; i++) {
		struct funnel_node *n = &f->nodes[i];
		fn(n->path, &n->reached, &n->yes, &n->no, arg);
		if (n->kind == LAYOUT_OUTCOME && !n->other)
			f->outcomes += n->reached;
		n->col = width[n->depth]++;
		if (width[n->depth] > f->widest)
			f->widest = width[n->depth];
		if (n->depth + 1 > f->levels)
			f->levels = n->depth + 1;
	}
	f->entered = f->nnodes ? f->nodes[0].reached : 0;
	for (size_t i = 0; i < f->nnodes; i++) {
		struct funnel_node *n = &f->nodes[i];
		double on = 0;
		if (n->other || n->kind != LAYOUT_QUESTION) {
			n->left = n->other ? 0 : n->reached;   /* a step plan ends the way */
			continue;
		}
		for (size_t e = 0; e < f->nedges; e++)
			if (f->edges[e].from == i)
				on += (double)f->nodes[f->edges[e].to].reached / (double)f->nodes[f->edges[e].to].nin;
		n->left = n->reached - llround(on);
		if (n->left < 0)
			n->left = 0;
	}
}

void funnel_build(const struct siteindex *site, funnel_count_fn fn, void *arg, struct funnel_set *out)
{
	for (size_t i = 0; i < site->rows.nstarts; i++) {
		const struct manifest_row *start = siteindex_page(site, site->rows.starts[i]);
		struct funnel *f;
		if (!start || start->kind != LAYOUT_QUESTION)
			continue;
		out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof *out->items);
		f = &out->items[out->n++];
		memset(f, 0, sizeof *f);
		f->tree = start->tree;
		f->lang = start->lang;
		f->start = start->path;
		S_walk(site, f, start);
		S_count(f, fn, arg);
	}
}

void funnel_free(struct funnel_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].nodes);
		free(s->items[i].edges);
	}
	free(s->items);
	memset(s, 0, sizeof *s);
}

#define NW 150.0   /* a node's box */
#define NH 46.0
#define CW 170.0   /* a column and a level */
#define LH 84.0
#define PAD 10.0

static void S_esc(struct buf *o, const char *s)
{
	html_escape(o, s, strlen(s));
}

static void S_centre(const struct funnel *f, const struct funnel_node *n, double *x, double *y)
{
	int inlevel = 0;

	for (size_t i = 0; i < f->nnodes; i++)
		inlevel += f->nodes[i].depth == n->depth;
	*x = PAD + ((double)(f->widest - inlevel) / 2.0 + (double)n->col + 0.5) * CW;
	*y = PAD + (double)n->depth * LH + NH / 2.0;
}

void funnel_svg(const struct funnel *f, size_t idx, struct buf *o)
{
	double W = PAD * 2 + CW * (f->widest ? f->widest : 1), H = PAD * 2 + LH * (f->levels ? f->levels : 1) - (LH - NH);
	const struct funnel_node *drop = NULL;

	for (size_t i = 0; i < f->nnodes; i++)
		if (f->nodes[i].kind == LAYOUT_QUESTION && !f->nodes[i].other && f->nodes[i].left > 0
		    && (!drop || f->nodes[i].left > drop->left))
			drop = &f->nodes[i];
	buf_addf(o, "<svg class=\"funnel\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" role=\"img\" "
		"aria-labelledby=\"f%zu-t f%zu-d\"><title id=\"f%zu-t\">Funnel of the tree ", W, H, W, idx, idx, idx);
	S_esc(o, f->tree);
	buf_addf(o, " (%s)</title>\n<desc id=\"f%zu-d\">%lld entered at ", f->lang, idx, f->entered);
	S_esc(o, f->start);
	buf_addf(o, "; step plans reached %lld times", f->outcomes);
	if (drop) {
		buf_addf(o, "; most left at question ");
		S_esc(o, drop->node);
		buf_addf(o, " (%lld of %lld)", drop->left, drop->reached);
	}
	buf_adds(o, ". The table below has every node.</desc>\n");
	for (size_t e = 0; e < f->nedges; e++) {
		double x1, y1, x2, y2;
		S_centre(f, &f->nodes[f->edges[e].from], &x1, &y1);
		S_centre(f, &f->nodes[f->edges[e].to], &x2, &y2);
		buf_addf(o, "<line class=\"edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x1, y1 + NH / 2,
			x2, y2 - NH / 2);
	}
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct funnel_node *n = &f->nodes[i];
		double x, y;
		S_centre(f, n, &x, &y);
		buf_adds(o, "<g>");
		if (n->other)   /* the shape of another tree in `hhd graph`: a note */
			buf_addf(o, "<path class=\"n-other\" d=\"M%.1f %.1fh%.1fl10 10v%.1fh-%.1fz\"/>", x - NW / 2,
				y - NH / 2, NW - 10, NH - 10, NW);
		else if (n->kind == LAYOUT_OUTCOME)
			buf_addf(o, "<rect class=\"n-outcome\" x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" rx=\"8\"/>",
				x - NW / 2, y - NH / 2, NW, NH);
		else
			buf_addf(o, "<ellipse class=\"n-question\" cx=\"%.1f\" cy=\"%.1f\" rx=\"%.0f\" ry=\"%.0f\"/>", x, y,
				NW / 2, NH / 2);
		buf_addf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s", x, y - 4, n->other ? "→ " : "");
		if (strlen(n->node) > 22) {
			buf_add(o, n->node, 21);
			buf_adds(o, "…");
		} else {
			S_esc(o, n->node);
		}
		buf_addf(o, "</text><text class=\"num\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%lld", x, y + 12,
			n->reached);
		if (!n->other && n->kind == LAYOUT_QUESTION && n->left)
			buf_addf(o, " · %lld left", n->left);
		else if (n->kind == LAYOUT_OUTCOME && !n->other && n->yes + n->no)
			buf_addf(o, " · %lld/%lld yes", n->yes, n->yes + n->no);
		buf_adds(o, "</text><title>");
		S_esc(o, n->path);
		buf_addf(o, ": reached %lld", n->reached);
		if (!n->other && n->kind == LAYOUT_QUESTION)
			buf_addf(o, ", left here about %lld", n->left);
		buf_adds(o, "</title></g>\n");
	}
	buf_adds(o, "</svg>\n");
}
