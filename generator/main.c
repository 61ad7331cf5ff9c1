/* hhd: the Hackhelpdesk site generator.
 *
 *   hhd build [--content DIR] [--theme DIR] [--out DIR] [--drafts] [--strict] [--force] [-j N] [-q]
 *   hhd check [--content DIR] [--theme DIR] [--strict] [--report]
 *   hhd graph TREE [--lang L] [--svg] [--content DIR]
 *
 * load -> validate -> render -> write; nothing is written unless the first
 * two stages found no errors. Exit: 0 ok, 1 content errors, 2 usage/system. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "graph.h"
#include "load.h"
#include "markdown.h"
#include "model.h"
#include "fileio.h"
#include "render.h"
#include "report.h"
#include "site.h"
#include "stamp.h"
#include "theme.h"
#include "validate.h"
#include "write.h"
#include "xalloc.h"

static const char usage[] =
	"usage: hhd build [--content DIR] [--theme DIR] [--out DIR] [--drafts] [--strict] [--force] [-j N] [-q]\n"
	"       hhd check [--content DIR] [--theme DIR] [--drafts] [--strict] [--report]\n"
	"       hhd graph TREE [--lang L] [--svg] [--content DIR]\n"
	"       hhd --help | --version\n"
	"\n"
	"  build   load, check and write the site into --out (default public/), atomically\n"
	"  check   load and check only; write nothing (--report: translation status)\n"
	"  graph   print a decision tree as Graphviz DOT (--svg: through dot)\n"
	"\n"
	"  --content DIR  content folder (default content)\n"
	"  --theme DIR    theme folder (default themes/default, here or beside the content,\n"
	"                 else the installed default theme)\n"
	"  --out DIR      output folder (default public)\n"
	"  --drafts       include pages marked draft: true\n"
	"  --strict       warnings fail the build\n"
	"  --force        build even when nothing changed since the last build\n"
	"  -j N           load and render on N threads (default: the number of cores)\n"
	"  -q             no summary line\n"
	"\n"
	"Exit status: 0 success, 1 content errors, 2 usage or system errors.\n";

struct opts {
	const char *cmd, *content, *theme, *out, *lang, *tree;
	int drafts, strict, quiet, report, svg, jobs, force;
	char theme_buf[4096];   /* theme_default_dir()'s */
};

static double S_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int S_parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "content", required_argument, 0, 'c' }, { "theme", required_argument, 0, 't' },
		{ "out", required_argument, 0, 'o' },     { "drafts", no_argument, 0, 'D' },
		{ "strict", no_argument, 0, 'S' },        { "report", no_argument, 0, 'R' },
		{ "lang", required_argument, 0, 'l' },    { "svg", no_argument, 0, 'V' },
		{ "help", no_argument, 0, 'h' },          { "version", no_argument, 0, 'v' },
		{ "quiet", no_argument, 0, 'q' },         { "force", no_argument, 0, 'F' },
		{ 0, 0, 0, 0 },
	};
	o->content = "content";
	o->theme = NULL;   /* theme_default_dir() once --content is known */
	o->out = "public";
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	o->jobs = n > 0 ? (int)n : 1;
	int c;
	while ((c = getopt_long(argc, argv, "hvqj:", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->content = optarg; break;
		case 't': o->theme = optarg; break;
		case 'o': o->out = optarg; break;
		case 'D': o->drafts = 1; break;
		case 'S': o->strict = 1; break;
		case 'R': o->report = 1; break;
		case 'l': o->lang = optarg; break;
		case 'V': o->svg = 1; break;
		case 'q': o->quiet = 1; break;
		case 'F': o->force = 1; break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 256) {
				fprintf(stderr, "hhd: -j wants a number from 1 to 256\n");
				return -1;
			}
			o->jobs = (int)j;
			break;
		}
		case 'h': fputs(usage, stdout); exit(0);
		case 'v': printf("hhd %s\n", HHD_VERSION); exit(0);
		default: fputs(usage, stderr); return -1;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return -1;
	}
	o->cmd = argv[optind++];
	if (!strcmp(o->cmd, "graph")) {
		if (optind >= argc) {
			fprintf(stderr, "hhd: graph needs a tree id\n");
			return -1;
		}
		o->tree = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, "hhd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (strcmp(o->cmd, "build") && strcmp(o->cmd, "check") && strcmp(o->cmd, "graph")) {
		fprintf(stderr, "hhd: unknown command '%s'\n", o->cmd);
		fputs(usage, stderr);
		return -1;
	}
	if (!o->theme)
		o->theme = theme_default_dir(o->content, o->theme_buf, sizeof o->theme_buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	if (S_parse_args(argc, argv, &o) < 0)
		return 2;
	double t0 = S_now();
	md_init();
	struct arena arena;
	arena_init_large(&arena);
	struct model m = { .arena = &arena, .drafts = o.drafts, .jobs = o.jobs };
	struct diags d;
	diags_init(&d);
	d.strict = o.strict;
	int status = 0;
	struct theme theme = { 0 };
	int have_theme = 0;

	int timing = getenv("HHD_TIMING") != NULL;
	uint64_t stamp = 0;
	if (!strcmp(o.cmd, "build")) {
		char desc[4096];
		snprintf(desc, sizeof desc, "drafts=%d strict=%d out=%s", o.drafts, o.strict, o.out);
		stamp = stamp_compute(o.content, o.theme, desc);
		struct buf old = BUF_INIT;
		if (!o.force && stamp_matches(o.out, stamp, &old)) {
			fputs(old.ptr, stderr);
			if (!o.quiet)
				fprintf(stderr, "hhd: nothing changed since the last build of %s (%.0f ms)\n", o.out,
					(S_now() - t0) * 1000);
			buf_free(&old);
			model_free(&m);
			return 0;
		}
		buf_free(&old);
	}
	int loaded = load_content(&m, o.content, &d);
	if (loaded == -2)
		status = 2;
	if (loaded == 0) {
		if (timing)
			fprintf(stderr, "hhd: timing: load %.0f ms\n", (S_now() - t0) * 1000);
		validate_site(&m, &d);
		if (timing)
			fprintf(stderr, "hhd: timing: validate %.0f ms\n", (S_now() - t0) * 1000);
		if (!strcmp(o.cmd, "graph")) {
			status = graph_print(&m, o.tree, o.lang, o.svg, &d);
			goto out;
		}
		have_theme = theme_load(&theme, o.theme, &m, &d) == 0;
		if (have_theme)
			validate_ask_urls(&m, &theme);
		if (o.report)
			report_translations(&m, stdout);
	}
	if (diags_failed(&d) || !have_theme)
		goto out;
	if (!strcmp(o.cmd, "build")) {
		struct writer *w = writer_open(o.out, &d);
		if (!w) {
			status = 2;
			goto out;
		}
		long files = render_site(&m, &theme, w, o.jobs, &d);
		if (timing)
			fprintf(stderr, "hhd: timing: render+write %.0f ms\n", (S_now() - t0) * 1000);
		if (files < 0 || diags_failed(&d)) {
			writer_abort(w);
			if (!diags_failed(&d))
				status = 2; /* a failure that reported nothing must still fail */
			goto out;
		}
		size_t unchanged;
		writer_count(w, &unchanged);
		struct buf spath = BUF_INIT;
		stamp_path(o.out, &spath);
		unlink(spath.ptr);
		if (writer_commit(w, &d) < 0) {
			buf_free(&spath);
			status = 2;
			goto out;
		}
		/* the diagnostics of this build go into the stamp, to be shown again */
		struct buf text = BUF_INIT, file = BUF_INIT;
		diags_text(&d, &text);
		/* no stamp only means a full build next time */
		if (stamp_format(o.out, stamp, text.ptr, text.len, &file) == 0)
			file_write_atomic(spath.ptr, file.ptr, file.len);
		buf_free(&text);
		buf_free(&file);
		buf_free(&spath);
		if (!o.quiet)
			fprintf(stderr, "hhd: wrote %ld files (%zu unchanged) to %s in %.0f ms\n", files, unchanged,
				o.out, (S_now() - t0) * 1000);
	} else if (!o.quiet) {
		fprintf(stderr, "hhd: checked %zu pages and %zu trees in %.0f ms\n", m.npages, m.ntrees,
			(S_now() - t0) * 1000);
	}
out:
	diags_print(&d, stderr);
	if (!status && diags_failed(&d)) {
		status = 1;
		if (!o.quiet)
			fprintf(stderr, "hhd: %zu error(s), %zu warning(s); nothing was written\n", d.errors, d.warnings);
	} else if (!status && d.warnings && !o.quiet) {
		fprintf(stderr, "hhd: %zu warning(s)\n", d.warnings);
	}
	if (have_theme || theme.tpl)
		theme_free(&theme);
	diags_free(&d);
	model_free(&m);
	md_thread_done();
	return status;
}
