/* main.c: hhd-fcgi, the FastCGI responder behind nginx's /api/ locations.
 *
 *   hhd-fcgi --db PATH --site DIR [--socket PATH] [--rate-limit N] [--no-seccomp]
 *
 * The listening socket comes from, in order: --socket PATH (a Unix socket
 * created mode 0660), systemd socket activation (LISTEN_PID/LISTEN_FDS, fd
 * 3), or fd 0 as spawn-fcgi passes it. Never TCP: a FastCGI responder has no
 * business on a network.
 *
 * The loop uses libfcgi's fcgiapp.h with one explicit FCGX_Request (not
 * fcgi_stdio.h's global stdin/stdout), accepts with FCGI_FAIL_ACCEPT_ON_INTR
 * so SIGTERM ends a blocked accept at once, and blocks SIGTERM/SIGINT while
 * a request is in hand so a clean stop always finishes that request. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "db.h"
#include "log.h"
#include "policy.h"
#include "sandbox.h"

#define LISTEN_BACKLOG 64
#define ACCEPT_FAILURES_MAX 20   /* in a row: give up and let systemd restart us */

static volatile sig_atomic_t stopping;

/* SIGTERM/SIGINT: stop after the request in hand (or at once when waiting
 * in accept, which fails with EINTR). */
static void S_on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void S_usage(FILE *f)
{
	fprintf(f, "usage: hhd-fcgi --db PATH --site DIR [--socket PATH] [--rate-limit N] [--no-seccomp]\n"
		"  --db PATH        SQLite database (created and migrated as needed)\n"
		"  --site DIR       the built site; its " MANIFEST_NAME " says which pages exist\n"
		"  --socket PATH    listen on a new Unix socket (mode 0660) instead of fd 0 or\n"
		"                   systemd's socket (LISTEN_FDS)\n"
		"  --rate-limit N   contact submissions per client in a burst (default %d,\n"
		"                   then one per %d s; 0 turns the limit off)\n"
		"  --no-seccomp     do not enter the system-call filter (debugging only)\n",
		POLICY_RATE_BURST, POLICY_RATE_REFILL_SECONDS);
}

/* Create a Unix socket at `path`, mode 0660 (nginx's group may connect,
 * nobody else). A stale socket from an earlier run is replaced; any other
 * file in the way is an error. Returns the listening fd or -1. */
static int S_bind_unix(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		log_line(NULL, "socket path '%s' is longer than %zu bytes", path, sizeof sa.sun_path - 1);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_line(NULL, "'%s' exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_line(NULL, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		umask(old);
		log_line(NULL, "cannot bind '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0660) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		log_line(NULL, "cannot listen on '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The listening socket, from --socket, systemd, or fd 0. -1 on error. */
static int S_listen_fd(const char *socket_path)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int acc = 0;
	socklen_t len = sizeof acc;

	if (socket_path)
		return S_bind_unix(socket_path);
	if (fds && pid) {
		char *end;
		long p = strtol(pid, &end, 10);
		if (*end || p != (long)getpid() || strcmp(fds, "1") != 0) {
			log_line(NULL, "socket activation: expected one socket for pid %ld (LISTEN_FDS=%.16s)",
				(long)getpid(), fds);
			return -1;
		}
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
		return 3;
	}
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 && acc)
		return 0;
	log_line(NULL, "no listening socket: give --socket PATH, or start me from spawn-fcgi or systemd");
	return -1;
}

/* req_read_fn over a FastCGI input stream. */
static long S_read(void *ctx, char *dst, size_t n)
{
	int want = n > INT_MAX ? INT_MAX : (int)n;

	return FCGX_GetStr(dst, want, ctx);
}

/* Answer one accepted request. */
static void S_serve(struct app *app, FCGX_Request *fr, struct reply *rp, struct buf *out,
	unsigned prefix, unsigned long long seq)
{
	struct req rq;

	memset(&rq, 0, sizeof rq);
	rq.method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	rq.path = FCGX_GetParam("DOCUMENT_URI", fr->envp);
	rq.query = FCGX_GetParam("QUERY_STRING", fr->envp);
	rq.content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	rq.content_length = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	rq.accept = FCGX_GetParam("HTTP_ACCEPT", fr->envp);
	rq.user_agent = FCGX_GetParam("HTTP_USER_AGENT", fr->envp);
	rq.remote_addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
	rq.read = S_read;
	rq.read_ctx = fr->in;
	rq.now = time(NULL);
	snprintf(rq.id, sizeof rq.id, "%08x-%llu", prefix, seq);

	reply_set(rp, 500, NULL);
	app_handle(app, &rq, rp);
	buf_reset(out);
	reply_format(rp, out);
	/* No flush here: FCGX_Finish_r() sends what is left of the reply and the
	 * end-of-request record together, one write instead of two (nginx is
	 * woken once per request). */
	if (FCGX_PutStr(out->ptr, (int)out->len, fr->out) < 0)
		log_line(rq.id, "client went away before the reply was written");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "site", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "rate-limit", required_argument, NULL, 'r' },
		{ "no-seccomp", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = NULL, *site = NULL, *sock = NULL;
	unsigned burst = POLICY_RATE_BURST, failures = 0, prefix;
	unsigned long long seq = 0;
	int c, fd, seccomp = 1;
	struct sigaction sa;
	sigset_t stopset;
	FCGX_Request fr;
	struct reply rp;
	struct buf out = BUF_INIT;
	struct app app;
	struct db *db;
	char err[512];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 's': site = optarg; break;
		case 'S': sock = optarg; break;
		case 'r': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || v > 1000000) {
				fprintf(stderr, "hhd-fcgi: --rate-limit wants a number from 0 to 1000000\n");
				return 2;
			}
			burst = (unsigned)v;
			break;
		}
		case 'n': seccomp = 0; break;
		case 'h': S_usage(stdout); return 0;
		case 'V': printf("hhd-fcgi %s\n", HHD_VERSION); return 0;
		default: S_usage(stderr); return 2;
		}
	}
	if (optind != argc || !db_path || !site) {
		S_usage(stderr);
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = S_on_stop;   /* no SA_RESTART: accept must fail with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigprocmask(SIG_BLOCK, &stopset, NULL);

	if (sodium_init() < 0) {
		log_line(NULL, "libsodium failed to initialise");
		return 1;
	}
	tzset();  /* localtime_r must not open files once the filter is on */
	db = db_open(db_path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	if (!db) {
		log_line(NULL, "%s", err);
		return 1;
	}
	fd = S_listen_fd(sock);
	if (fd < 0) {
		db_close(db);
		return 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_line(NULL, "libfcgi failed to initialise");
		db_close(db);
		return 1;
	}
	app_init(&app, db, site, burst, time(NULL));
	reply_init(&rp);
	prefix = randombytes_random();
	if (seccomp && sandbox_enter(err, sizeof err) < 0) {
		log_line(NULL, "%s", err);
		return 1;
	}
	log_line(NULL, "ready (%s, rate limit %u%s)", sock ? sock : fd == 3 ? "systemd socket" : "fd 0",
		burst, seccomp ? ", seccomp on" : ", seccomp OFF");

	while (!stopping) {
		int rc;

		/* a stop signal that arrived while we were busy is delivered here */
		sigprocmask(SIG_UNBLOCK, &stopset, NULL);
		rc = stopping ? -1 : FCGX_Accept_r(&fr);
		sigprocmask(SIG_BLOCK, &stopset, NULL);
		if (rc < 0) {
			if (stopping)
				break;
			log_line(NULL, "accept failed: %s", strerror(-rc > 0 ? -rc : EIO));
			if (++failures >= ACCEPT_FAILURES_MAX)
				break;
			continue;
		}
		failures = 0;
		S_serve(&app, &fr, &rp, &out, prefix, ++seq);
		FCGX_Finish_r(&fr);
		arena_reset(&app.arena);
	}
	log_line(NULL, "stopping after %llu requests", seq);
	FCGX_Free(&fr, 1);
	reply_free(&rp);
	buf_free(&out);
	app_free(&app);
	db_close(db);
	return failures >= ACCEPT_FAILURES_MAX ? 1 : 0;
}
