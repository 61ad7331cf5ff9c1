/* tree.c: parse one decision tree (content/<lang>/trees/<id>.yaml) from its
 * bytes into the model: question and outcome nodes, answers, steps and
 * their Markdown fields; and look trees and nodes up. Cross-checks between
 * trees (reachability, references, translations) are validate.c's. */
#include "tree.h"

#include <string.h>

#include "index.h"
#include "markdown.h"
#include "mdcache.h"
#include "suggest.h"
#include "xalloc.h"
#include "ydoc.h"

static const char *const tree_keys[] = { "title", "summary", "start", "reviewed", "weight", "sources",
					   "nodes", "slug", "keywords", "sensitive", NULL };
static const char *const question_keys[] = { "question", "help", "answers", NULL };
static const char *const outcome_keys[] = { "title", "urgency", "intro", "steps", "contacts", "report",
					      "deadline", "tips", "sources", NULL };
static const char *const answer_keys[] = { "label", "next", NULL };
static const char *const step_keys[] = { "title", "body", NULL };

/* Markdown field of a node; NULL when absent. */
static const char *S_md_field(struct model *m, struct node *nd, const struct ynode *map, const char *key,
			      int required, int flags, int *words, struct diags *d)
{
	struct sstr s = schema_str(map, key, required, d);
	if (!s.s)
		return NULL;
	const struct ynode *v = ymap_get(map, key);
	if (v->block)
		flags |= MD_BLOCK;
	flags |= MD_CHECK_SENTENCES | (m->site.allow_raw_html ? MD_ALLOW_RAW_HTML : 0);
	return mdcache_render(m->md, m->arena, s.s, strlen(s.s), v->text, flags, &nd->links, words, d);
}

static void S_load_answers(struct model *m, struct node *nd, const struct ynode *seq, struct diags *d)
{
	nd->answers = arena_zalloc(m->arena, (seq->n ? seq->n : 1) * sizeof *nd->answers);
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *a = seq->items[i];
		if (schema_object(a, "answers", answer_keys, d) < 0)
			continue;
		struct answer *an = &nd->answers[nd->nanswers++];
		an->label = schema_str(a, "label", 1, d);
		an->next = schema_str(a, "next", 1, d);
	}
	if (nd->nanswers < 2)
		diag_report(d, D_TREE_FEW_ANSWERS, seq->pos, nd->id.s);
}

static void S_load_steps(struct model *m, struct node *nd, const struct ynode *seq, struct diags *d)
{
	nd->steps = arena_zalloc(m->arena, (seq->n ? seq->n : 1) * sizeof *nd->steps);
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *s = seq->items[i];
		if (schema_object(s, "steps", step_keys, d) < 0)
			continue;
		struct step *st = &nd->steps[nd->nsteps++];
		st->pos = s->pos;
		st->title = schema_str(s, "title", 1, d);
		int words = 0;
		st->body_html = S_md_field(m, nd, s, "body", 0, 0, &words, d);
		if (words > MD_MAX_STEP_WORDS)
			diag_report(d, D_BODY_LONG, ymap_get(s, "body")->pos, words, MD_MAX_STEP_WORDS);
	}
}

static void S_load_node(struct model *m, struct tree *t, struct node *nd, const struct ynode *key,
			const struct ynode *v, struct diags *d)
{
	nd->tree = t;
	nd->id = (struct sstr){ key->str, key->pos };
	if (!schema_is_slug(key->str))
		diag_report(d, D_BAD_SLUG, key->pos, key->str);
	if (v->type != Y_MAP) {
		diag_report(d, D_TYPE_MAP, v->pos, key->str);
		return;
	}
	int has_q = ymap_get(v, "question") != NULL;
	int has_o = ymap_get(v, "steps") != NULL || ymap_get(v, "title") != NULL;
	if (has_q && has_o) {
		diag_report(d, D_TREE_NODE_BOTH, key->pos, key->str);
		return;
	}
	if (!has_q && !has_o) {
		diag_report(d, D_TREE_NODE_KIND, key->pos, key->str);
		return;
	}
	if (has_q) {
		schema_keys(v, question_keys, d);
		nd->question = schema_str(v, "question", 1, d);
		nd->help_html = S_md_field(m, nd, v, "help", 0, 0, NULL, d);
		const struct ynode *ans = schema_seq(v, "answers", 1, d);
		if (ans)
			S_load_answers(m, nd, ans, d);
		return;
	}
	nd->is_outcome = 1;
	schema_keys(v, outcome_keys, d);
	nd->title = schema_str(v, "title", 1, d);
	int urg = schema_enum(v, "urgency", urgency_names, URG__CHOOSABLE, 1, NULL, d);
	nd->urgency = urg < 0 ? URG_SOON : (enum urgency)urg;
	nd->intro_html = S_md_field(m, nd, v, "intro", 0, 0, NULL, d);
	nd->report_html = S_md_field(m, nd, v, "report", 0, 0, NULL, d);
	nd->deadline_html = S_md_field(m, nd, v, "deadline", 0, 0, NULL, d);
	const struct ynode *steps = schema_seq(v, "steps", 0, d);
	if (steps)
		S_load_steps(m, nd, steps, d);
	if (!nd->nsteps)
		diag_report(d, D_TREE_NO_STEPS, key->pos, key->str);
	nd->contacts = schema_strlist(m->arena, v, "contacts", d);
	nd->tips = schema_strlist(m->arena, v, "tips", d);
	nd->sources = schema_sources(m->arena, v, d);
}

struct tree *tree_parse(struct model *m, const char *src, size_t len, const char *path, const char *id,
			int lang, struct diags *d)
{
	struct ynode *root = yaml_load(m->arena, path, src, len, 0, d);
	if (!root)
		return NULL;
	if (schema_object(root, "tree", tree_keys, d) < 0)
		return NULL;
	struct tree *t = arena_zalloc(m->arena, sizeof *t);
	t->path = path;
	t->id = id;
	t->lang = lang;
	t->pos = (struct pos){ path, 1, 1 };
	t->title = schema_str(root, "title", 1, d);
	t->summary = schema_str(root, "summary", 0, d);
	t->reviewed = schema_date(root, "reviewed", 1, d);
	t->start = schema_str(root, "start", 1, d);
	/* the URL's last part (default: the file name); next: and translations use the file name */
	t->slug = schema_str(root, "slug", 0, d);
	if (t->slug.s && !schema_is_slug(t->slug.s)) {
		diag_report(d, D_BAD_SLUG, t->slug.pos, t->slug.s);
		t->slug.s = NULL;
	}
	t->weight = schema_int(root, "weight", 0, d);
	/* a plan a visitor may need to leave quickly (extortion, sextortion):
	 * a quick-exit button on every page, and no counters */
	t->sensitive = schema_bool(root, "sensitive", 0, d);
	if (t->sensitive)
		t->sensitive_pos = ymap_get(root, "sensitive")->pos;
	t->sources = schema_sources(m->arena, root, d);
	t->keywords = schema_keywords(m->arena, root, d);
	const struct ynode *nodes = schema_map(root, "nodes", 1, d);
	if (nodes) {
		t->nodes = arena_zalloc(m->arena, (nodes->n / 2 + 1) * sizeof *t->nodes);
		for (size_t i = 0; i + 1 < nodes->n; i += 2) {
			const struct ynode *k = nodes->items[i];
			if (k->type != Y_SCALAR)
				continue;
			/* duplicate ids are reported by the YAML loader */
			S_load_node(m, t, &t->nodes[t->nnodes++], k, nodes->items[i + 1], d);
		}
	}
	return t;
}

struct tree *tree_find(const struct model *m, const char *id, int lang)
{
	if (m->index)
		return index_get(m, IX_TREE, lang, id);
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang && !strcmp(m->trees[i]->id, id))
			return m->trees[i];
	return NULL;
}

const char *tree_hint(const struct model *m, int lang, const char *typed, char *out, size_t outsz)
{
	struct suggest s;
	suggest_init(&s, typed);
	for (size_t i = 0; i < m->ntrees; i++)
		if (m->trees[i]->lang == lang)
			suggest_add(&s, m->trees[i]->id);
	return suggest_hint(&s, out, outsz);
}

struct node *tree_node(const struct tree *t, const char *id)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].id.s && !strcmp(t->nodes[i].id.s, id))
			return &t->nodes[i];
	return NULL;
}
