/* theme.c: loads a theme folder (theme.h): templates, i18n strings, and
 * assets with content-hashed names. */
#include "theme.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "load.h"
#include "xalloc.h"
#include "ydoc.h"

/* Templates every theme must have: one per kind of page. */
static const char *const required_templates[] = { "home", "page", "tip", "tips", "question", "outcome",
						    "plans", "orgs", "contact", "thanks", "feedback",
						    "notfound", "redirect", "root", "search", NULL };

static uint64_t S_fnv(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void S_load_templates(struct theme *t, struct model *m, struct diags *d)
{
	char *dir = arena_printf(m->arena, "%s/templates", t->dir);
	char **names = dir_names(dir, ".mustache");
	struct buf all = BUF_INIT; /* name NUL length source, per template: the digest's input */
	for (char **n = names; *n; n++) {
		char *path = arena_printf(m->arena, "%s/%s", dir, *n);
		char *name = arena_strndup(m->arena, *n, strlen(*n) - 9);
		struct buf src = BUF_INIT;
		if (load_file(path, &src, d) == 0) {
			mustache_add(t->tpl, name, path, src.ptr, src.len, d);
			buf_add(&all, name, strlen(name) + 1);
			buf_add(&all, &src.len, sizeof src.len);
			buf_add(&all, src.ptr, src.len);
		}
		buf_free(&src);
	}
	dir_names_free(names);
	t->tpl_digest = cache_hash(all.ptr, all.len);
	buf_free(&all);
	/* a required template that failed to compile was reported already */
	for (const char *const *r = required_templates; *r; r++) {
		struct stat st;
		char *path = arena_printf(m->arena, "%s/%s.mustache", dir, *r);
		if (!mustache_get(t->tpl, *r) && stat(path, &st) < 0)
			diag_at(d, D_TPL_PARTIAL_MISSING, dir, 0, 0, *r);
	}
	mustache_check(t->tpl, d);
}

/* i18n/<lang>.yaml: a mapping of names to strings (nested mappings allowed). */
static struct val *S_yaml_to_val(struct arena *a, const struct ynode *n)
{
	switch (n->type) {
	case Y_SCALAR:
		return val_str_borrow(a, n->str, n->len);
	case Y_SEQ: {
		struct val *l = val_list(a);
		for (size_t i = 0; i < n->n; i++)
			val_list_push(a, l, S_yaml_to_val(a, n->items[i]));
		return l;
	}
	case Y_MAP: {
		struct val *mp = val_map(a);
		for (size_t i = 0; i + 1 < n->n; i += 2)
			val_map_set(a, mp, n->items[i]->str, S_yaml_to_val(a, n->items[i + 1]));
		return mp;
	}
	}
	return val_null(a);
}

static void S_load_strings(struct theme *t, struct model *m, struct diags *d)
{
	for (int li = 0; li < m->site.nlangs; li++) {
		char *path = arena_printf(m->arena, "%s/i18n/%s.yaml", t->dir, m->site.langs[li].code);
		struct buf src = BUF_INIT;
		struct ynode *root = NULL;
		if (load_file(path, &src, d) == 0)
			root = yaml_load(m->arena, path, src.ptr, src.len, 0, d);
		buf_free(&src);
		if (root && root->type != Y_MAP)
			diag_report(d, D_TYPE_MAP, root->pos, "i18n");
		t->strings[li] = root && root->type == Y_MAP ? S_yaml_to_val(m->arena, root) : NULL;
	}
	/* every language must have the default language's keys */
	const struct val *base = t->strings[m->site.deflang];
	for (int li = 0; li < m->site.nlangs; li++) {
		if (li == m->site.deflang || !base || !t->strings[li])
			continue; /* a file that could not be read was reported once */
		for (size_t k = 0; k < base->n; k++)
			if (!val_map_get(t->strings[li], base->pairs[k].key))
				diag_at(d, D_I18N_MISSING,
					arena_printf(m->arena, "%s/i18n/%s.yaml", t->dir, m->site.langs[li].code), 0,
					0, base->pairs[k].key);
	}
}

static void S_load_assets(struct theme *t, struct model *m, struct diags *d)
{
	char *dir = arena_printf(m->arena, "%s/assets", t->dir);
	char **names = dir_names(dir, NULL);
	size_t n = 0;
	for (char **p = names; *p; p++)
		n++;
	t->assets = xcalloc(n + 1, sizeof *t->assets);
	t->asset_urls = val_map(m->arena);
	for (char **p = names; *p; p++) {
		struct asset *as = &t->assets[t->nassets];
		char *path = arena_printf(m->arena, "%s/%s", dir, *p);
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		buf_init(&as->data);
		if (load_file(path, &as->data, d) < 0) {
			buf_free(&as->data);
			continue;
		}
		as->name = arena_strdup(m->arena, *p);
		char *key = arena_strdup(m->arena, *p);
		for (char *c = key; *c; c++)
			if (*c == '.' || *c == '-')
				*c = '_';
		as->key = key;
		const char *dot = strrchr(*p, '.');
		size_t stem = dot ? (size_t)(dot - *p) : strlen(*p);
		as->url = arena_printf(m->arena, "/assets/%.*s.%08llx%s", (int)stem, *p,
				       (unsigned long long)(S_fnv(as->data.ptr, as->data.len) & 0xffffffffu),
				       dot ? dot : "");
		val_map_str(m->arena, t->asset_urls, as->key, as->url);
		t->nassets++;
	}
	dir_names_free(names);
}

#ifndef HHD_THEME_INSTALLED
#define HHD_THEME_INSTALLED "/usr/share/hhd/themes/default"
#endif

static int S_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *theme_default_dir(const char *content, char *buf, size_t n)
{
	int k;

	if (S_is_dir("themes/default"))
		return "themes/default";
	k = snprintf(buf, n, "%s/../themes/default", content);
	if (k > 0 && (size_t)k < n && S_is_dir(buf))
		return buf;
	if (S_is_dir(HHD_THEME_INSTALLED))
		return HHD_THEME_INSTALLED;
	return "themes/default";
}

int theme_load(struct theme *t, const char *dir, struct model *m, struct diags *d)
{
	size_t before = d->errors;
	memset(t, 0, sizeof *t);
	t->dir = dir;
	t->tpl = mustache_set_new();
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		diag_at(d, D_IO, NULL, 0, 0, dir, "not a theme folder");
		return -1;
	}
	S_load_templates(t, m, d);
	S_load_strings(t, m, d);
	for (int li = 0; li < m->site.nlangs; li++)
		if (!t->strings[li])
			t->strings[li] = val_map(m->arena);
	S_load_assets(t, m, d);
	return d->errors > before ? -1 : 0;
}

void theme_free(struct theme *t)
{
	for (size_t i = 0; i < t->nassets; i++)
		buf_free(&t->assets[i].data);
	free(t->assets);
	mustache_set_free(t->tpl);
	memset(t, 0, sizeof *t);
}
