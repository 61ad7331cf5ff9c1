/* fuzz_form.c: libFuzzer target for the parsers behind hhd-fcgi.
 *
 * The input is an urlencoded body as an attacker would POST it. It goes
 * through form_parse() with the contact form's fields and with the
 * counters' fields, then through contact_validate() against a small
 * manifest; the same bytes are also read as a manifest and as the header
 * values CONTENT_LENGTH, CONTENT_TYPE and Accept. Besides crashes and
 * sanitizer reports, the target aborts when a value the parser accepted
 * breaks a rule it promises (valid UTF-8, no refused character, within
 * its limit, NUL-terminated), or when an accepted submission fails the
 * validators. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "contact.h"
#include "form.h"
#include "http.h"
#include "siteindex.h"
#include "utf8.h"

static const char manifest_text[] =
	"# hhd-manifest 3\n"
	"P\t/nl/\tnl\thome\t-\t-\n"
	"P\t/nl/bedankt/\tnl\tthanks\t-\t-\n"
	"P\t/en/thanks/\ten\tthanks\t-\t-\n"
	"P\t/nl/hulp/ransomware/\tnl\tquestion\transomware\tstart\n"
	"R\tpartner-a\n";

static const struct form_field hit_fields[] = {
	{ "p", 512, 0 }, { "e", 16, 0 }, { "via", 64, 0 }, { "back", 1, 0 },
};

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* Every promise form_parse makes about a value it did not flag. */
static void S_check_values(const struct form_field *spec, const struct form_value *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		CHECK(v[i].s != NULL && v[i].s[v[i].len] == '\0');
		if (!v[i].present)
			CHECK(v[i].len == 0);
		if (v[i].err != FORM_F_OK)
			continue;
		CHECK(utf8_valid(v[i].s, v[i].len, NULL));
		CHECK(utf8_count(v[i].s, v[i].len) <= spec[i].max_chars);
		for (j = 0; j < v[i].len; j++) {
			unsigned char c = (unsigned char)v[i].s[j];
			if (c < 0x20)
				CHECK((spec[i].flags & FORM_MULTILINE) && (c == '\n' || c == '\t'));
			CHECK(c != 0x7f);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct siteindex m;
	static struct arena a;
	static int ready;
	struct form_value v[CF__MAX], h[4];
	enum contact_err errs[CF__MAX];
	struct contact c;
	size_t where = 0, n;
	char *text;
	char err[256];

	if (!ready) {
		siteindex_init(&m);
		if (siteindex_parse(&m, manifest_text, strlen(manifest_text), err, sizeof err) < 0)
			abort();
		arena_init(&a);
		ready = 1;
	}

	if (form_parse((const char *)data, size, contact_fields, CF__MAX, v, &a, &where) == FORM_OK) {
		S_check_values(contact_fields, v, CF__MAX);
		if (contact_validate(&m, v, &c, errs) == 0) {
			CHECK(*c.message && siteindex_find_kind(&m, c.lang, LAYOUT_THANKS));
			CHECK((*c.email && contact_email_ok(c.email)) || (*c.phone && contact_phone_ok(c.phone)));
			CHECK((!*c.incident && !*c.node) || siteindex_has_node(&m, c.incident, c.node));
		}
	} else {
		CHECK(size > FORM_MAX_BODY || where <= size);
	}
	arena_reset(&a);
	if (form_parse((const char *)data, size, hit_fields, 4, h, &a, NULL) == FORM_OK)
		S_check_values(hit_fields, h, 4);
	arena_reset(&a);

	/* the same bytes as header values and as a manifest */
	n = size < 4096 ? size : 4096;
	text = malloc(n + 1);
	memcpy(text, data, n);
	text[n] = '\0';
	{
		size_t len;
		if (http_content_length(text, FORM_MAX_BODY, &len) == CL_OK)
			CHECK(len <= FORM_MAX_BODY);
		(void)http_type_is(text, "application/x-www-form-urlencoded");
		(void)http_wants_json(text);
	}
	free(text);
	{
		struct siteindex fm;
		siteindex_init(&fm);
		if (siteindex_parse(&fm, (const char *)data, size, err, sizeof err) == 0) {
			size_t i;
			for (i = 0; i < fm.rows.npages; i++) {
				const struct manifest_row *pg = siteindex_page(&fm, fm.rows.pages[i].path);
				CHECK(pg && strcmp(pg->path, fm.rows.pages[i].path) == 0);
				if (pg->tree)
					CHECK(siteindex_has_node(&fm, pg->tree, pg->node));
			}
		}
		siteindex_free(&fm);
	}
	return 0;
}
