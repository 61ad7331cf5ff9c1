/* main.c: hhd-fcgi, the FastCGI responder behind nginx's /api/ locations.
 *
 *   hhd-fcgi --db PATH --site DIR [--socket PATH] [--rate-limit N] [--no-seccomp]
 *
 * The listening socket comes from, in order: --socket PATH (a Unix socket
 * created mode 0660), systemd socket activation (LISTEN_PID/LISTEN_FDS, fd
 * 3), or fd 0 as spawn-fcgi passes it. Never TCP: a FastCGI responder has no
 * business on a network.
 *
 * The loop uses libfcgi's fcgiapp.h with explicit FCGX_Requests (not
 * fcgi_stdio.h's global stdin/stdout), one per slot of a batch. Counter hits
 * that are waiting on the socket together share one SQLite transaction:
 * each is handled and its reply kept until no further connection is
 * waiting or POLICY_HIT_BATCH_MAX are in hand; then the batch is committed
 * and only then answered (a failed commit answers 503). Any other request
 * first ends the batch in hand and is then handled on its own.
 *
 * The listening socket is non-blocking (accepted connections are not), so
 * "nothing waiting" is an accept that fails with EAGAIN. SIGTERM and SIGINT
 * stay blocked except inside ppoll(), where the loop sleeps when it has
 * nothing in hand: a stop is noticed only there, so the batch in hand is
 * always committed and answered first. */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include "counters.h"
#include "db.h"
#include "log.h"
#include "policy.h"
#include "sandbox.h"
#include "seal.h"

#define LISTEN_BACKLOG 4096       /* --socket: queued connections, as systemd's socket unit gets by default */
#define ACCEPT_FAILURES_MAX 20   /* in a row: give up and let systemd restart us */

static volatile sig_atomic_t stopping;

/* SIGTERM/SIGINT: only ever delivered inside ppoll(), when nothing is in
 * hand; the loop then ends. */
static void S_on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void S_usage(FILE *f)
{
	fprintf(f, "usage: hhd-fcgi (--db PATH|URI | --db-file FILE) --site DIR [--socket PATH]\n"
		"                [--rate-limit N] [--seal-key PUBFILE] [--pg-sync LEVEL] [--no-seccomp]\n"
		"  --db PATH        SQLite database (created and migrated as needed)\n"
		"  --db URI         PostgreSQL: postgresql://USER@HOST[,HOST2]/DB?...\n"
		"                   (target_session_attrs=read-write finds the primary)\n"
		"  --db-file FILE   read the PATH or URI from FILE's first line (keeps the\n"
		"                   password out of process lists and unit files)\n"
		"  --pg-sync LEVEL  PostgreSQL: synchronous_commit of a submission: remote_apply,\n"
		"                   on (default: on the synchronous standby's disk), remote_write,\n"
		"                   local or off\n"
		"  --site DIR       the built site; its " MANIFEST_NAME " says which pages exist\n"
		"  --socket PATH    listen on a new Unix socket (mode 0660) instead of fd 0 or\n"
		"                   systemd's socket (LISTEN_FDS)\n"
		"  --rate-limit N   contact submissions per client in a burst (default %d,\n"
		"                   then one per %d s; 0 turns the limit off)\n"
		"  --seal-key PUBFILE  seal each submission's name, company, e-mail, phone and\n"
		"                   message to this public key (hhd-admin keygen); only the\n"
		"                   secret key, kept by the helpdesk, opens them\n"
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

/* The request slots. Slots [0, n) hold requests that are handled but not
 * yet answered: the hits of the open batch, whose parameters (in their
 * FCGX_Request) and bodies (in app->arena) stay valid until answered. */
struct loop {
	struct app *app;
	FCGX_Request fr[POLICY_HIT_BATCH_MAX];
	struct req rq[POLICY_HIT_BATCH_MAX];
	struct reply rp[POLICY_HIT_BATCH_MAX];
	size_t n;
	struct buf out;
	unsigned prefix;
	unsigned long long seq;
};

/* Fill slot i's request from its FastCGI parameters. */
static void S_params(struct loop *l, size_t i)
{
	FCGX_Request *fr = &l->fr[i];
	struct req *rq = &l->rq[i];

	memset(rq, 0, sizeof *rq);
	rq->method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	rq->path = FCGX_GetParam("DOCUMENT_URI", fr->envp);
	rq->query = FCGX_GetParam("QUERY_STRING", fr->envp);
	rq->content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	rq->content_length = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	rq->accept = FCGX_GetParam("HTTP_ACCEPT", fr->envp);
	rq->user_agent = FCGX_GetParam("HTTP_USER_AGENT", fr->envp);
	rq->remote_addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
	rq->read = S_read;
	rq->read_ctx = fr->in;
	rq->now = time(NULL);
	snprintf(rq->id, sizeof rq->id, "%08x-%llu", l->prefix, ++l->seq);
}

/* Handle slot i's request into its reply (not sent yet). */
static void S_handle(struct loop *l, size_t i)
{
	reply_set(&l->rp[i], 500, NULL);
	app_handle(l->app, &l->rq[i], &l->rp[i]);
}

/* Send the replies of slots [from, to), then close their connections. All
 * replies go out before the first close (libfcgi's close waits until nginx
 * has read its reply and hung up), so nginx can take them in together. */
static void S_answer(struct loop *l, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		FCGX_Request *fr = &l->fr[i];

		buf_reset(&l->out);
		reply_format(&l->rp[i], &l->out);
		/* closing stderr, then stdout, puts the reply and the
		 * end-of-request record into one write (FCGX_Finish_r's order) */
		if (FCGX_PutStr(l->out.ptr, (int)l->out.len, fr->out) < 0
		    || FCGX_FClose(fr->err) < 0 || FCGX_FClose(fr->out) < 0)
			log_line(l->rq[i].id, "client went away before the reply was written");
	}
	for (i = from; i < to; i++)
		FCGX_Finish_r(&l->fr[i]);
}

/* End what is in hand: commit the open batch, answer every pending request
 * and free what they used. */
static void S_flush(struct loop *l)
{
	app_batch_end(l->app, l->rq, l->rp, l->n);
	S_answer(l, 0, l->n);
	l->n = 0;
	arena_reset(&l->app->arena);
}

/* Handle the request just accepted into slot n. A hit joins the batch (one
 * is opened if need be) and waits; anything else ends the batch first and
 * is answered at once. */
static void S_serve(struct loop *l)
{
	size_t i = l->n;

	S_params(l, i);
	if (app_batchable(&l->rq[i])) {
		if (!app_batch_open(l->app))
			app_batch_begin(l->app);
		S_handle(l, i);
		l->n++;
		/* no batch (BEGIN failed): the hit committed on its own */
		if (!app_batch_open(l->app) || l->n == POLICY_HIT_BATCH_MAX)
			S_flush(l);
		return;
	}
	S_flush(l);
	S_handle(l, i);
	S_answer(l, i, i + 1);
	arena_reset(&l->app->arena);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "db-file", required_argument, NULL, 'f' },
		{ "pg-sync", required_argument, NULL, 'p' },
		{ "site", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "rate-limit", required_argument, NULL, 'r' },
		{ "seal-key", required_argument, NULL, 'k' },
		{ "no-seccomp", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_path = NULL, *db_file = NULL, *pg_sync = NULL, *site = NULL, *sock = NULL, *key_path = NULL;
	static char target[DB_TARGET_MAX + 1];
	struct seal_key key;
	unsigned burst = POLICY_RATE_BURST, failures = 0;
	int c, fd, fl, seccomp = 1;
	struct sigaction sa;
	sigset_t stopset, waitmask;
	struct pollfd pfd;
	struct loop l;
	struct app app;
	struct db *db;
	char err[512];
	size_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'f': db_file = optarg; break;
		case 'p': pg_sync = optarg; break;
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
		case 'k': key_path = optarg; break;
		case 'n': seccomp = 0; break;
		case 'h': S_usage(stdout); return 0;
		case 'V': printf("hhd-fcgi %s\n", HHD_VERSION); return 0;
		default: S_usage(stderr); return 2;
		}
	}
	if (optind != argc || !db_path == !db_file || !site) {
		S_usage(stderr);
		return 2;
	}
	if (db_file) {
		if (db_target_read(db_file, target, sizeof target, err, sizeof err) < 0) {
			log_line(NULL, "--db-file: %s", err);
			return 1;
		}
		db_path = target;
	}
	if (pg_sync && !db_is_uri(db_path)) {
		fprintf(stderr, "hhd-fcgi: --pg-sync is for a PostgreSQL --db\n");
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	/* blocked from here on (a stop at start-up waits for the loop); only
	 * ppoll() lets them in */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigprocmask(SIG_BLOCK, &stopset, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = S_on_stop;   /* no SA_RESTART: ppoll must fail with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (sodium_init() < 0) {
		log_line(NULL, "libsodium failed to initialise");
		return 1;
	}
	tzset();  /* localtime_r must not open files once the filter is on */
	if (key_path) {
		if (seal_key_load(key_path, &key, err, sizeof err) < 0) {
			log_line(NULL, "--seal-key: %s", err);
			return 1;
		}
		if (key.has_secret) {
			/* the web server must never be able to read the inbox */
			seal_key_wipe(&key);
			log_line(NULL, "--seal-key %s is a secret key; give the public key (hhd-admin keygen"
				" writes both)", key_path);
			return 1;
		}
	}
	db = db_open(db_path, DB_CREATE | DB_KEEP_WAL, err, sizeof err);
	if (!db) {
		log_line(NULL, "%s", err);
		return 1;
	}
	if (pg_sync && db_set_sync(db, pg_sync, err, sizeof err) < 0) {
		log_line(NULL, "%s", err);
		db_close(db);
		return 2;
	}
	fd = S_listen_fd(sock);
	if (fd < 0) {
		db_close(db);
		return 1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		log_line(NULL, "cannot make the listening socket non-blocking: %s", strerror(errno));
		db_close(db);
		return 1;
	}
	memset(&l, 0, sizeof l);
	if (FCGX_Init() != 0) {
		log_line(NULL, "libfcgi failed to initialise");
		db_close(db);
		return 1;
	}
	for (i = 0; i < POLICY_HIT_BATCH_MAX; i++) {
		if (FCGX_InitRequest(&l.fr[i], fd, 0) != 0) {
			log_line(NULL, "libfcgi failed to initialise");
			db_close(db);
			return 1;
		}
		reply_init(&l.rp[i]);
	}
	app_init(&app, db, site, burst, time(NULL));
	if (key_path) {
		char hex[SEAL_KEYID_HEX];
		seal_keyid_hex(key.id, hex);
		app.seal = &key;
		log_line(NULL, "contact submissions are sealed to key %s", hex);
	} else {
		log_line(NULL, "no --seal-key: contact submissions are stored in plaintext");
	}
	l.app = &app;
	buf_init(&l.out);
	l.prefix = randombytes_random();
	if (seccomp && sandbox_enter(db_is_uri(db_path), err, sizeof err) < 0) {
		log_line(NULL, "%s", err);
		return 1;
	}
	log_line(NULL, "ready (%s, %s, rate limit %u%s)", sock ? sock : fd == 3 ? "systemd socket" : "fd 0",
		db_engine_name(db), burst, seccomp ? ", seccomp on" : ", seccomp OFF");

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (failures < ACCEPT_FAILURES_MAX) {
		int rc;

		/* nothing in hand: sleep until a connection or a stop signal */
		if (!l.n) {
			rc = ppoll(&pfd, 1, NULL, &waitmask);
			if (stopping)
				break;
			if (rc < 0) {
				if (errno != EINTR) {
					log_line(NULL, "poll failed: %s", strerror(errno));
					failures++;
				}
				continue;
			}
		}
		rc = FCGX_Accept_r(&l.fr[l.n]);
		if (rc < 0) {
			/* nothing (more) waiting, or another process on the
			 * socket was faster: the batch in hand is complete */
			S_flush(&l);
			if (rc != -EAGAIN && rc != -EWOULDBLOCK) {
				log_line(NULL, "accept failed: %s", strerror(-rc > 0 ? -rc : EIO));
				failures++;
			}
			continue;
		}
		failures = 0;
		S_serve(&l);
	}
	S_flush(&l);
	log_line(NULL, "stopping after %llu requests", l.seq);
	for (i = 0; i < POLICY_HIT_BATCH_MAX; i++) {
		FCGX_Free(&l.fr[i], 1);
		reply_free(&l.rp[i]);
	}
	buf_free(&l.out);
	hit_visitors_flush(&app, time(NULL));
	app_free(&app);
	if (key_path)
		seal_key_wipe(&key);
	db_close(db);
	return failures >= ACCEPT_FAILURES_MAX ? 1 : 0;
}
