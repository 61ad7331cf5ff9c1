/* hhd: the Hackhelpdesk site generator.
 *
 *   hhd build [--content DIR] [--theme DIR] [--out DIR] [--drafts] [--strict] [--force] [-j N] [-q]
 *   hhd check [--content DIR] [--theme DIR] [--strict] [--report [--html FILE]]
 *   hhd graph TREE [--lang L] [--svg] [--content DIR]
 *   hhd new tip|tree|page NAME [--lang nl,en] [--content DIR]
 *   hhd new site DIR [--lang nl,en] [--theme DIR]
 *   hhd serve [--port 1313] [--bind 127.0.0.1] [--content DIR] [--theme DIR] [--fcgi SOCKET]
 *
 * load -> validate -> render -> write; nothing is written unless the first
 * two stages found no errors. Exit: 0 ok, 1 content errors, 2 usage/system. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "graph.h"
#include "load.h"
#include "loadcache.h"
#include "markdown.h"
#include "mdcache.h"
#include "model.h"
#include "fileio.h"
#include "pcache.h"
#include "render.h"
#include "report.h"
#include "scaffold.h"
#include "search.h"
#include "schema.h"
#include "serve.h"
#include "site.h"
#include "stamp.h"
#include "theme.h"
#include "validate.h"
#include "write.h"
#include "ydoc.h"
#include "xalloc.h"

static const char usage[] =
	"usage: hhd build [--content DIR] [--theme DIR] [--out DIR] [--drafts] [--strict] [--force] [-j N] [-q]\n"
	"       hhd check [--content DIR] [--theme DIR] [--drafts] [--strict] [--report [--html FILE]]\n"
	"       hhd graph TREE [--lang L] [--svg] [--content DIR]\n"
	"       hhd new tip|tree|page NAME [--lang nl,en] [--content DIR]\n"
	"       hhd new site DIR [--lang nl,en] [--theme DIR]\n"
	"       hhd serve [--port 1313] [--bind 127.0.0.1] [--content DIR] [--theme DIR] [--fcgi SOCKET]\n"
	"       hhd --help | --version\n"
	"\n"
	"  build   load, check and write the site into --out (default public/), atomically\n"
	"  check   load and check only; write nothing (--report: translation state per\n"
	"          language; --html FILE: as one HTML page for the editors)\n"
	"  graph   print a decision tree as Graphviz DOT (--svg: through dot)\n"
	"  new     write a new tip, tree or page for each language (--lang: only these),\n"
	"          with every text still to write marked TODO:; never overwrites\n"
	"  new site  write a small starting site into the new or empty folder DIR:\n"
	"          site.yaml with the operator block to fill in, a triage tree with two\n"
	"          example plans, a tip, the required pages and a README for the\n"
	"          editors (--lang: its languages, the first the default; default\n"
	"          nl,en); it uses the installed default theme, or a copy of --theme\n"
	"  serve   build with drafts into a temporary folder, serve it on loopback and\n"
	"          rebuild and reload the open page on every change under --content\n"
	"          and --theme; errors show in the browser (Ctrl-C stops)\n"
	"\n"
	"  --content DIR  content folder (default content)\n"
	"  --theme DIR    theme folder (default themes/default, here or beside the content,\n"
	"                 else the installed default theme)\n"
	"  --out DIR      output folder (default public)\n"
	"  --drafts       include pages marked draft: true\n"
	"  --strict       warnings fail the build\n"
	"  --force        build everything again: no build cache is read, and every\n"
	"                 file of the output is compared with what is rendered\n"
	"  -j N           load and render on N threads (default: the number of cores)\n"
	"  -q             no summary line\n"
	"  --port N       serve: TCP port (default 1313; 0: any free port)\n"
	"  --bind ADDR    serve: numeric address to listen on (default 127.0.0.1)\n"
	"  --fcgi SOCKET  serve: pass /api/ to a running hhd-fcgi on this Unix socket\n"
	"\n"
	"Exit status: 0 success, 1 content errors, 2 usage or system errors\n"
	"(serve: 2 also when the port is in use).\n";

struct opts {
	const char *cmd, *content, *theme, *out, *lang, *tree, *bind, *fcgi, *kind, *name, *html;
	int drafts, strict, quiet, report, svg, jobs, force, port, preview;
	int out_set, theme_set;
	char theme_buf[4096];   /* theme_default_dir()'s */
	struct loadcache *lc;   /* hhd serve: parsed files kept between its builds */
	struct search_wcache **wcache; /* hhd serve: per language, the search index's words
				 * of texts, kept between its builds (search.h) */
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
		{ "port", required_argument, 0, 'p' },    { "bind", required_argument, 0, 'b' },
		{ "fcgi", required_argument, 0, 'f' },    { "html", required_argument, 0, 'H' },
		{ 0, 0, 0, 0 },
	};
	o->content = "content";
	o->theme = NULL;   /* theme_default_dir() once --content is known */
	o->out = "public";
	o->port = SERVE_DEFAULT_PORT;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	o->jobs = n > 0 ? (int)n : 1;
	int c;
	while ((c = getopt_long(argc, argv, "hvqj:", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->content = optarg; break;
		case 't': o->theme = optarg; o->theme_set = 1; break;
		case 'o': o->out = optarg; o->out_set = 1; break;
		case 'b': o->bind = optarg; break;
		case 'f': o->fcgi = optarg; break;
		case 'p': {
			char *end;
			long p = strtol(optarg, &end, 10);
			if (!*optarg || *end || p < 0 || p > 65535) {
				fprintf(stderr, "hhd: --port wants a number from 0 to 65535 (0: any free port)\n");
				return -1;
			}
			o->port = (int)p;
			break;
		}
		case 'D': o->drafts = 1; break;
		case 'S': o->strict = 1; break;
		case 'R': o->report = 1; break;
		case 'H': o->html = optarg; break;
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
	if (!strcmp(o->cmd, "new")) {
		if (optind + 2 > argc) {
			fprintf(stderr, "hhd: new needs what to make (tip, tree, page or site) and a name (for a site, its folder)\n");
			return -1;
		}
		o->kind = argv[optind++];
		o->name = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, "hhd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->html && (strcmp(o->cmd, "check") || !o->report)) {
		fprintf(stderr, "hhd: --html FILE goes with check --report\n");
		return -1;
	}
	if (!strcmp(o->cmd, "serve") && o->out_set) {
		fprintf(stderr, "hhd: serve builds into a temporary folder of its own; --out is for build\n");
		return -1;
	}
	if (strcmp(o->cmd, "build") && strcmp(o->cmd, "check") && strcmp(o->cmd, "graph") && strcmp(o->cmd, "serve") &&
	    strcmp(o->cmd, "new")) {
		fprintf(stderr, "hhd: unknown command '%s'\n", o->cmd);
		fputs(usage, stderr);
		return -1;
	}
	if (!o->theme)
		o->theme = theme_default_dir(o->content, o->theme_buf, sizeof o->theme_buf);
	return 0;
}

/* check --report: the translation state on stdout, or as HTML into `html`. */
static int S_report(const struct model *m, const char *html)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	if (html) {
		report_translations_html(m, &b);
		if (file_write_atomic(html, b.ptr, b.len) < 0) {
			fprintf(stderr, "hhd: cannot write '%s': %s\n", html, strerror(errno));
			rc = -1;
		}
	} else {
		report_translations(m, &b);
		fwrite(b.ptr, 1, b.len, stdout);
	}
	buf_free(&b);
	return rc;
}

/* The writer, opened on a thread of its own while validation runs on the
 * main thread: taking the lock, the spare's folder and the journal (1.4 MB
 * on 10,000 pages) cost a few ms the second core has to spare then. Its
 * reports are only kept when the build goes on to write. */
struct opener {
	const char *out;
	int force;
	pthread_t thread;
	int started, threaded;        /* S_opener_start ran; on a thread (else it opened here) */
	struct writer *w;
	struct diags d;
};

static void *S_open_writer(void *arg)
{
	struct opener *op = arg;
	op->w = writer_open(op->out, &op->d);
	if (op->w && op->force) /* check every file of the output, as if no build had been before */
		writer_forget(op->w);
	return NULL;
}

static void S_opener_start(struct opener *op, const char *out, int force)
{
	op->out = out;
	op->force = force;
	diags_init(&op->d);
	op->threaded = pthread_create(&op->thread, NULL, S_open_writer, op) == 0;
	if (!op->threaded)
		S_open_writer(op);
	op->started = 1;
}

/* The writer (NULL after a reported failure), its reports into `d`; with
 * d NULL, the build does not write: the writer is closed unused and its
 * reports dropped. */
static struct writer *S_opener_join(struct opener *op, struct diags *d)
{
	if (!op->started)
		return NULL;
	if (op->threaded)
		pthread_join(op->thread, NULL);
	op->started = op->threaded = 0;
	struct writer *w = op->w;
	if (d) {
		diags_merge(d, &op->d);
	} else {
		writer_abort(w);
		w = NULL;
	}
	diags_free(&op->d);
	return w;
}

/* load -> validate -> (theme) -> render -> write, as o->cmd says, reporting
 * into `d`. Returns 0, or 2 after a system error; content errors are in `d`. */
static int S_pipeline(const struct opts *o, struct diags *d)
{
	double t0 = S_now();
	struct arena arena;
	arena_init_large(&arena);
	struct model m = { .arena = &arena, .drafts = o->drafts, .preview = o->preview, .jobs = o->jobs, .lc = o->lc,
			   .wcache = o->wcache };
	/* bench/search only: the build without the search indexes, to measure
	 * what they cost (the search pages are still written) */
	m.no_search_index = getenv("HHD_BENCH_NO_SEARCH") != NULL;
	if (!strcmp(o->cmd, "build") && !o->force)
		m.cache_out = o->out;
	int status = 0;
	struct theme theme = { 0 };
	int have_theme = 0;
	int build = !strcmp(o->cmd, "build");

	int timing = getenv("HHD_TIMING") != NULL;
	/* The build stamp lets an unchanged `hhd build` stop early. hhd serve
	 * rebuilds only after inotify saw a change, so in its preview the
	 * stamp would nearly never match, and computing it stats every file of
	 * content/ and the theme (about 55 ms of CPU for 10,000 pages) and
	 * writing it costs an fsync, on every save: the preview has none. */
	int stamped = build && !o->preview;
	uint64_t stamp = 0;
	struct stamp_files *stats = NULL;
	/* the parse cache takes its time before the stamp's walk takes the
	 * files' stat data, which it then uses (pcache.h, "racy") */
	if (build && !m.lc)
		m.pc = pcache_open(o->out, !o->force, pcache_clock());
	if (stamped) {
		char desc[4096];
		snprintf(desc, sizeof desc, "drafts=%d strict=%d preview=%d out=%s", o->drafts, o->strict,
			 o->preview, o->out);
		stamp = stamp_compute(o->content, o->theme, desc, o->jobs, m.pc ? &stats : NULL);
		m.stats = stats;
		if (timing)
			fprintf(stderr, "hhd: timing: stamp %.0f ms\n", (S_now() - t0) * 1000);
		struct buf old = BUF_INIT;
		if (!o->force && stamp_matches(o->out, stamp, &old)) {
			fputs(old.ptr, stderr);
			if (!o->quiet)
				fprintf(stderr, "hhd: nothing changed since the last build of %s (%.0f ms)\n", o->out,
					(S_now() - t0) * 1000);
			buf_free(&old);
			pcache_free(m.pc);
			model_free(&m);
			stamp_files_free(stats);
			return 0;
		}
		buf_free(&old);
	}
	/* the Markdown cache: every hhd build; --force starts it anew. hhd
	 * serve keeps whole parsed files instead (loadcache.h). */
	if (build && !m.lc)
		m.md = mdcache_open(o->out, !o->force);
	int loaded = load_content(&m, o->content, d);
	if (loaded == -2)
		status = 2;
	struct opener op = { 0 };
	if (loaded == 0) {
		pcache_save_start(m.pc);
		if (build)
			S_opener_start(&op, o->out, o->force);
		if (timing) {
			fprintf(stderr, "hhd: timing: load %.0f ms\n", (S_now() - t0) * 1000);
			if (m.md) {
				struct mdcache_stats s;
				mdcache_stats(m.md, &s);
				fprintf(stderr,
					"hhd: timing: markdown cache read %.1f ms (%zu entries, %zu bytes), "
					"%zu hits, %zu misses\n",
					s.read_ms, s.entries, s.bytes, s.hits, s.misses);
			}
			if (m.pc) {
				struct pcache_stats s;
				pcache_stats(m.pc, &s);
				fprintf(stderr,
					"hhd: timing: parse cache read %.1f ms (%zu entries, %zu of them new, %zu bytes), "
					"%zu hits (%zu racy), %zu misses\n",
					s.read_ms, s.entries, s.delta, s.bytes, s.hits, s.racy, s.misses);
			}
			if (m.lc) {
				struct loadcache_stats s;
				loadcache_stats(m.lc, &s);
				fprintf(stderr, "hhd: timing: load cache: %zu files reused, %zu parsed\n", s.reused,
					s.parsed);
			}
		}
		validate_site(&m, d);
		if (timing)
			fprintf(stderr, "hhd: timing: validate %.0f ms\n", (S_now() - t0) * 1000);
		if (!strcmp(o->cmd, "graph")) {
			status = graph_print(&m, o->tree, o->lang, o->svg, d);
			goto out;
		}
		have_theme = theme_load(&theme, o->theme, &m, d) == 0;
		if (have_theme)
			validate_ask_urls(&m, &theme);
		if (o->report && S_report(&m, o->html) < 0)
			status = 2;
	}
	if (diags_failed(d) || !have_theme)
		goto out;
	if (build) {
		if (timing)
			fprintf(stderr, "hhd: timing: theme %.0f ms\n", (S_now() - t0) * 1000);
		struct writer *w = S_opener_join(&op, d);
		if (!w) {
			status = 2;
			goto out;
		}
		if (timing)
			fprintf(stderr, "hhd: timing: writer open %.0f ms\n", (S_now() - t0) * 1000);
		if (o->preview)
			writer_nosync(w);
		long files = render_site(&m, &theme, w, o->jobs, d);
		if (timing)
			fprintf(stderr, "hhd: timing: render+write %.0f ms\n", (S_now() - t0) * 1000);
		if (files < 0 || diags_failed(d)) {
			writer_abort(w);
			if (!diags_failed(d))
				status = 2; /* a failure that reported nothing must still fail */
			goto out;
		}
		size_t unchanged, kept = writer_kept(w);
		writer_count(w, &unchanged);
		struct buf spath = BUF_INIT;
		if (stamped) {
			stamp_path(o->out, &spath);
			unlink(spath.ptr);
		}
		if (writer_commit(w, d) < 0) {
			buf_free(&spath);
			status = 2;
			goto out;
		}
		if (stamped) {
			/* the diagnostics of this build go into the stamp, to be shown again */
			struct buf text = BUF_INIT, file = BUF_INIT;
			diags_text(d, &text);
			/* no stamp only means a full build next time */
			if (stamp_format(o->out, stamp, text.ptr, text.len, &file) == 0)
				file_write_atomic(spath.ptr, file.ptr, file.len);
			buf_free(&text);
			buf_free(&file);
		}
		buf_free(&spath);
		if (!o->quiet)
			fprintf(stderr, "hhd: wrote %ld files (%zu unchanged, %zu of them not rendered again) to %s in %.0f ms\n",
				files, unchanged, kept, o->out, (S_now() - t0) * 1000);
	} else if (!o->quiet) {
		fprintf(stderr, "hhd: checked %zu pages and %zu trees in %.0f ms\n", m.npages, m.ntrees,
			(S_now() - t0) * 1000);
	}
out:
	S_opener_join(&op, NULL); /* a build that stopped before writing */
	if (have_theme || theme.tpl)
		theme_free(&theme);
	struct mdcache_thread *md = m.md;
	/* The cache is content-addressed, so a failed build's entries are as
	 * good as a successful one's; but a load that stopped early (site.yaml)
	 * used almost none, and keeping the old ones is cheaper then. Saved
	 * while the model holds the HTML of the misses it writes out. */
	int saved = loaded == 0 ? mdcache_save(md) : 0;
	/* the parse cache names Markdown by its key in that cache: written after it */
	struct pcache_thread *pc = m.pc;
	int psaved = loaded == 0 ? pcache_save(pc) : 0;
	model_free(&m); /* before the caches it points into */
	if (md && timing) {
		struct mdcache_stats s;
		mdcache_stats(md, &s);
		fprintf(stderr, "hhd: timing: markdown cache %s in %.1f ms (%zu unused dropped)\n",
			saved > 0 ? "written" : saved < 0 ? "not written" : "unchanged", s.save_ms, s.unused);
	}
	if (pc && timing) {
		struct pcache_stats s;
		pcache_stats(pc, &s);
		fprintf(stderr, "hhd: timing: parse cache %s in %.1f ms\n",
			psaved > 0 ? "written" : psaved < 0 ? "not written" : "unchanged", s.save_ms);
	}
	mdcache_free(md);
	pcache_free(pc);
	stamp_files_free(stats);
	if (timing)
		fprintf(stderr, "hhd: timing: done %.0f ms\n", (S_now() - t0) * 1000);
	return status;
}

/* ---- hhd serve ---- */

struct preview {
	struct opts o;               /* a build of the preview folder, drafts included */
	int built;                   /* a build succeeded */
	int warmed;                  /* S_warm has run */
};

static int S_stop_pipe[2] = { -1, -1 };

static void S_on_signal(int sig)
{
	(void)sig;
	int e = errno;
	if (S_stop_pipe[1] >= 0)
		(void)!write(S_stop_pipe[1], "x", 1);
	errno = e;
}

/* serve_run's rebuild hook: the whole pipeline into the preview folder
 * (without the build stamp: see S_pipeline); the writer keeps the last good
 * build when this one fails. */
static int S_rebuild(void *ctx, const char *const changed[], size_t n, struct diags *out)
{
	struct preview *p = ctx;
	double t0 = S_now();
	loadcache_forget(p->o.lc, changed, n);
	int status = S_pipeline(&p->o, out);
	diags_print(out, stderr);
	int failed = status != 0 || diags_failed(out);
	p->built |= !failed;
	if (failed)
		fprintf(stderr, "hhd: %zu error(s), %zu warning(s); the browser shows them until they are fixed\n",
			out->errors, out->warnings);
	else
		fprintf(stderr, "hhd: rebuilt in %.0f ms%s\n", (S_now() - t0) * 1000,
			out->warnings ? " (with warnings)" : "");
	return failed ? -1 : 0;
}

/* serve_run's warm hook: the first good build wrote the preview folder,
 * and the writer's spare tree (write.h) is still empty, so the rebuild after
 * the next save would have to link every file into it (about a second for
 * 10,000 pages). Building once more now, with nothing changed, keeps every
 * page and fills the spare while the editor opens the browser (or looks at
 * the page the fix brought back). Once. */
static void S_warm(void *ctx)
{
	struct preview *p = ctx;
	if (!p->built || p->warmed)
		return;
	p->warmed = 1;
	struct diags d;
	diags_init(&d);
	(void)S_pipeline(&p->o, &d); /* the same content: the same reports, shown already */
	diags_free(&d);
}

static void S_ready(void *ctx, int port)
{
	struct preview *p = ctx;
	const char *host = p->o.bind ? p->o.bind : SERVE_DEFAULT_BIND;
	int v6 = strchr(host, ':') != NULL;
	fprintf(stderr, "hhd: serving http://%s%s%s:%d/ (drafts shown; Ctrl-C stops)\n", v6 ? "[" : "", host,
		v6 ? "]" : "", port);
}

static int S_serve(const struct opts *o)
{
	const char *tmp = getenv("TMPDIR");
	struct buf dir = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	buf_addf(&dir, "%s/hhd-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir.ptr)) {
		fprintf(stderr, "hhd: cannot make a preview folder in %s: %s\n", tmp && *tmp ? tmp : "/tmp",
			strerror(errno));
		buf_free(&dir);
		return 2;
	}
	buf_addf(&out, "%s/site", dir.ptr);
	struct preview p = { .o = *o };
	p.o.cmd = "build";
	p.o.out = out.ptr;
	p.o.drafts = 1;
	p.o.preview = 1;
	p.o.quiet = 1;
	p.o.lc = loadcache_new();
	struct search_wcache *wcache[HHD_MAX_LANGS];
	for (int li = 0; li < HHD_MAX_LANGS; li++)
		wcache[li] = search_wcache_new();
	p.o.wcache = wcache;

	int status = 2;
	if (pipe2(S_stop_pipe, O_CLOEXEC) != 0) {
		fprintf(stderr, "hhd: %s\n", strerror(errno));
		goto done;
	}
	struct sigaction sa = { .sa_handler = S_on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *watch[] = { o->content, o->theme, NULL };
	struct serve_opts so = {
		.bind = o->bind, .port = o->port, .root = out.ptr, .watch = watch, .fcgi_socket = o->fcgi,
		.stop_fd = S_stop_pipe[0], .build_first = 1,
	};
	struct serve_hooks hooks = { .ctx = &p, .rebuild = S_rebuild, .ready = S_ready, .warm = S_warm };
	enum serve_status st = serve_run(&so, &hooks, &err);
	if (st == SERVE_OK) {
		status = 0;
		fprintf(stderr, "hhd: stopped\n");
	} else {
		fprintf(stderr, "hhd: %s\n", err.len ? err.ptr : "the preview server failed");
	}
	close(S_stop_pipe[0]);
	close(S_stop_pipe[1]);
	S_stop_pipe[0] = S_stop_pipe[1] = -1;
done:
	loadcache_free(p.o.lc);
	for (int li = 0; li < HHD_MAX_LANGS; li++)
		search_wcache_free(wcache[li]);
	dir_remove(dir.ptr);
	buf_free(&dir);
	buf_free(&out);
	buf_free(&err);
	return status;
}

/* ---- hhd new ---- */

static int S_new(const struct opts *o)
{
	int k = scaffold_kind(o->kind);
	if (k < 0) {
		fprintf(stderr, "hhd: new makes a tip, a tree, a page or a site, not '%s'\n", o->kind);
		return 2;
	}
	if (!schema_is_slug(o->name)) {
		fprintf(stderr, "hhd: '%s' cannot be a file name: use lowercase letters, digits and '-' "
				"(for example wachtwoord-kluis)\n", o->name);
		return 2;
	}
	/* the languages: site.yaml's, or those --lang names */
	struct arena arena;
	arena_init_large(&arena);
	struct model m = { .arena = &arena, .jobs = 1 };
	struct diags d;
	diags_init(&d);
	struct buf src = BUF_INIT;
	const char *site_path = arena_printf(&arena, "%s/site.yaml", o->content);
	struct ynode *root = NULL;
	if (load_file(site_path, &src, &d) == 0)
		root = yaml_load(&arena, site_path, src.ptr, src.len, 0, &d);
	buf_free(&src);
	int status = 0;
	if (!root || site_load(&m, site_path, root, &d) < 0 || diags_failed(&d)) {
		diags_print(&d, stderr);
		fprintf(stderr, "hhd: new needs a working %s to know the languages\n", site_path);
		status = 1;
		goto out;
	}
	int langs[HHD_MAX_LANGS], n = 0;
	if (o->lang) {
		char *list = arena_strdup(&arena, o->lang), *save = NULL;
		for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
			int li = site_lang(&m.site, c);
			if (li < 0) {
				fprintf(stderr, "hhd: '%s' is not a language of %s\n", c, site_path);
				status = 2;
				goto out;
			}
			int dup = 0;
			for (int i = 0; i < n; i++)
				dup |= langs[i] == li;
			if (!dup)
				langs[n++] = li;
		}
	} else {
		for (int li = 0; li < m.site.nlangs; li++)
			langs[n++] = li;
	}
	/* nothing is written when any of the files exists */
	char *paths[HHD_MAX_LANGS];
	for (int i = 0; i < n; i++) {
		struct buf rel = BUF_INIT;
		scaffold_path((enum scaffold_kind)k, m.site.langs[langs[i]].code, o->name, &rel);
		paths[i] = arena_printf(&arena, "%s/%s", o->content, rel.ptr);
		buf_free(&rel);
		if (access(paths[i], F_OK) == 0) {
			fprintf(stderr, "hhd: %s already exists; hhd new never overwrites (choose another name)\n",
				paths[i]);
			status = 2;
			goto out;
		}
	}
	time_t now = time(NULL);
	struct tm tm;
	char date[16];
	strftime(date, sizeof date, "%Y-%m-%d", localtime_r(&now, &tm));
	for (int i = 0; i < n; i++) {
		char *dir = arena_strdup(&arena, paths[i]);
		*strrchr(dir, '/') = '\0';
		struct buf text = BUF_INIT;
		scaffold_text((enum scaffold_kind)k, m.site.langs[langs[i]].code, date, &text);
		int fd = -1;
		if (dir_make(dir) == 0)
			fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		int ok = fd >= 0 && write(fd, text.ptr, text.len) == (ssize_t)text.len;
		if (fd >= 0 && close(fd) != 0)
			ok = 0;
		buf_free(&text);
		if (!ok) {
			fprintf(stderr, "hhd: cannot write %s: %s\n", paths[i], strerror(errno));
			status = 2;
			goto out;
		}
		fprintf(stderr, "hhd: wrote %s\n", paths[i]);
	}
	fprintf(stderr, "hhd: fill in every 'TODO:'; hhd check lists what is still to write\n");
out:
	diags_free(&d);
	model_free(&m);
	return status;
}

/* ---- hhd new site ---- */

/* Copy the folder `src` into `dst` (made), regular files and folders only. */
static int S_copy_dir(const char *src, const char *dst)
{
	if (dir_make(dst) < 0) {
		fprintf(stderr, "hhd: cannot make %s: %s\n", dst, strerror(errno));
		return -1;
	}
	char **names = dir_names(src, NULL);
	int rc = 0;
	for (char **n = names; *n && rc == 0; n++) {
		struct buf from = BUF_INIT, to = BUF_INIT, data = BUF_INIT;
		buf_addf(&from, "%s/%s", src, *n);
		buf_addf(&to, "%s/%s", dst, *n);
		struct stat st;
		if (stat(from.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = S_copy_dir(from.ptr, to.ptr);
		} else if (stat(from.ptr, &st) == 0 && S_ISREG(st.st_mode)) {
			if (file_read(from.ptr, (size_t)64 << 20, &data) != FILE_OK || file_write(to.ptr, data.ptr, data.len) < 0) {
				fprintf(stderr, "hhd: cannot copy %s to %s: %s\n", from.ptr, to.ptr, strerror(errno));
				rc = -1;
			}
		}
		buf_free(&from);
		buf_free(&to);
		buf_free(&data);
	}
	dir_names_free(names);
	return rc;
}

static int S_new_site(const struct opts *o)
{
	const char *dir = o->name;
	struct stat st;
	if (stat(dir, &st) == 0) {
		char **names = S_ISDIR(st.st_mode) ? dir_names(dir, NULL) : NULL;
		int empty = names && !names[0];
		dir_names_free(names);
		if (!empty) {
			fprintf(stderr, "hhd: %s is not an empty folder; hhd new site writes only into a new or empty "
					"one, so nothing is overwritten\n", dir);
			return 2;
		}
	}
	/* the languages: --lang's, the first the default; or Dutch and English */
	char list[256];
	snprintf(list, sizeof list, "%s", o->lang ? o->lang : "nl,en");
	const char *langs[HHD_MAX_LANGS];
	int n = 0;
	char *save = NULL;
	for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (!scaffold_site_lang(c)) {
			fprintf(stderr, "hhd: hhd new site has no starter texts in language '%s' (it has nl and en); "
					"add a language later as docs/content.md says\n", c);
			return 2;
		}
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= !strcmp(langs[i], c);
		if (!dup && n < HHD_MAX_LANGS)
			langs[n++] = c;
	}
	if (n == 0) {
		fprintf(stderr, "hhd: --lang names no language\n");
		return 2;
	}
	/* the theme: a copy of --theme, else the installed default, found by
	 * hhd build in the new folder as it finds it anywhere */
	if (o->theme_set) {
		struct buf tpl = BUF_INIT;
		buf_addf(&tpl, "%s/templates", o->theme);
		int ok = stat(tpl.ptr, &st) == 0 && S_ISDIR(st.st_mode);
		buf_free(&tpl);
		if (!ok) {
			fprintf(stderr, "hhd: %s is not a theme folder (it has no templates/)\n", o->theme);
			return 2;
		}
	} else if (stat(HHD_THEME_INSTALLED, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "hhd: no installed default theme in %s; name one with --theme DIR "
				"(it is copied into the new site)\n", HHD_THEME_INSTALLED);
		return 2;
	}
	time_t now = time(NULL);
	struct tm tm;
	char date[16];
	strftime(date, sizeof date, "%Y-%m-%d", localtime_r(&now, &tm));
	struct scaffold_file *files;
	size_t nfiles = scaffold_site(langs, n, date, &files);
	int status = 0;
	for (size_t i = 0; i < nfiles && status == 0; i++) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/%s", dir, files[i].path);
		char *slash = strrchr(path.ptr, '/');
		*slash = '\0';
		int fd = -1;
		if (dir_make(path.ptr) == 0) {
			*slash = '/';
			fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		}
		*slash = '/';
		int ok = fd >= 0 && write(fd, files[i].text.ptr, files[i].text.len) == (ssize_t)files[i].text.len;
		if (fd >= 0 && close(fd) != 0)
			ok = 0;
		if (!ok) {
			fprintf(stderr, "hhd: cannot write %s: %s\n", path.ptr, strerror(errno));
			status = 2;
		}
		buf_free(&path);
	}
	if (status == 0 && o->theme_set) {
		struct buf to = BUF_INIT;
		buf_addf(&to, "%s/themes/default", dir);
		if (S_copy_dir(o->theme, to.ptr) < 0)
			status = 2;
		buf_free(&to);
	}
	if (status == 0)
		fprintf(stderr, "hhd: wrote a new site into %s (%zu files%s, theme %s)\n"
				"hhd: next: cd %s && hhd check; fill in every 'TODO' (hhd check lists them), then hhd build\n",
			dir, nfiles, o->theme_set ? " and a copy of the theme" : "",
			o->theme_set ? "themes/default" : HHD_THEME_INSTALLED, dir);
	scaffold_files_free(files, nfiles);
	return status;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	if (S_parse_args(argc, argv, &o) < 0)
		return 2;
	if (!strcmp(o.cmd, "new"))
		return !strcmp(o.kind, "site") ? S_new_site(&o) : S_new(&o);
	md_init();
	if (!strcmp(o.cmd, "serve")) {
		int rc = S_serve(&o);
		md_thread_done();
		return rc;
	}
	struct diags d;
	diags_init(&d);
	d.strict = o.strict;
	int status = S_pipeline(&o, &d);
	diags_print(&d, stderr);
	if (!status && diags_failed(&d)) {
		status = 1;
		if (!o.quiet)
			fprintf(stderr, "hhd: %zu error(s), %zu warning(s)%s\n", d.errors, d.warnings,
				strcmp(o.cmd, "build") ? "" : "; nothing was written");
	} else if (!status && d.warnings && !o.quiet) {
		fprintf(stderr, "hhd: %zu warning(s)\n", d.warnings);
	}
	diags_free(&d);
	md_thread_done();
	return status;
}
