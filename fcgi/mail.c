/* mail.c: see mail.h. */
/* pipe2, memmem and tm_gmtoff need _GNU_SOURCE, which the build defines */
#include "mail.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "utf8.h"
#include "xalloc.h"

extern char **environ;

#define QWORD_ROOM 57   /* payload of one encoded word: "Subject: =?UTF-8?Q?" ... "?=" in 78 */

static const char *const wdays[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int S_fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int S_fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int mail_addr_ok(const char *s)
{
	const char *at = NULL, *p;

	if (!s || !*s || *s == '-' || strlen(s) > MAIL_ADDR_MAX)
		return 0;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return 0;
		if (c == '@') {
			if (at)
				return 0;
			at = p;
		}
	}
	return at && at > s && at[1] != '\0';
}

int mail_config_check(const struct mail_config *c, char *err, size_t errsz)
{
	const char *sm = c->sendmail ? c->sendmail : MAIL_SENDMAIL_DEFAULT;
	const char *p;

	if (!c->to || !mail_addr_ok(c->to))
		return S_fail(err, errsz, "helpdesk address '%.300s' is not a plain local@domain address",
			c->to ? c->to : "");
	if (c->from && !mail_addr_ok(c->from))
		return S_fail(err, errsz, "sender address '%.300s' is not a plain local@domain address", c->from);
	if (c->from_name) {
		if (strlen(c->from_name) > MAIL_NAME_MAX)
			return S_fail(err, errsz, "sender name longer than %d bytes", MAIL_NAME_MAX);
		if (!utf8_valid(c->from_name, strlen(c->from_name), NULL))
			return S_fail(err, errsz, "sender name is not UTF-8");
	}
	if (sm[0] != '/')
		return S_fail(err, errsz, "sendmail path '%.300s' is not absolute", sm);
	for (p = sm; *p; p++)
		if ((unsigned char)*p < 0x20)
			return S_fail(err, errsz, "sendmail path holds a control character");
	return 0;
}

/* The length of the UTF-8 sequence that starts with byte c (valid text). */
static size_t S_seqlen(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Bytes a Q-encoded character takes (RFC 2047 5(3): the safe set in any header). */
static size_t S_qlen(const unsigned char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += (p[i] < 0x80 && (p[i] == ' ' || strchr("!*+-/", p[i]) || (p[i] >= '0' && p[i] <= '9')
			|| ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))) ? 1 : 3;
	return len;
}

static void S_qput(struct buf *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ')
			buf_addch(out, '_');
		else if (S_qlen(&p[i], 1) == 1)
			buf_addch(out, p[i]);
		else
			buf_addf(out, "=%02X", p[i]);
	}
}

/* Append text (valid UTF-8 without control characters) as RFC 2047 Q
 * encoded words of whole characters, folded onto continuation lines. */
static void S_words(struct buf *out, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	size_t room = 0;

	buf_adds(out, "=?UTF-8?Q?");
	while (p < end) {
		size_t n = S_seqlen(*p), q;
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		q = S_qlen(p, n);
		if (room + q > QWORD_ROOM) {
			buf_adds(out, "?=\n =?UTF-8?Q?");
			room = 0;
		}
		S_qput(out, p, n);
		room += q;
		p += n;
	}
	buf_adds(out, "?=");
}

/* Text that may go into a header as it is: printable ASCII, no "=?". */
static int S_plain(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return !memmem(s, len, "=?", 2);
}

/* A header value from untrusted text: control characters become spaces;
 * cut at a character boundary to `max` bytes (with "..."). The copy is
 * malloc'd; *len is its length. NULL when the text is not UTF-8. */
static char *S_clean(const char *s, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	char *c;

	if (!utf8_valid(s, n, NULL))
		return NULL;
	c = xmalloc(n + 4);
	memcpy(c, s, n + 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || (unsigned char)c[i] == 0x7f)
			c[i] = ' ';
	if (n > max) {
		n = max - 3;
		while (n > 0 && ((unsigned char)c[n] & 0xc0) == 0x80)
			n--;
		memcpy(c + n, "...", 4);
		n += 3;
	}
	*len = n;
	return c;
}

/* The body in quoted-printable (RFC 2045 6.7), LF line ends, encoded lines
 * at most MAIL_LINE_MAX characters. '.' and "From " at a line's start are
 * encoded too, so no MTA or mailbox format can take them for its own. */
static void S_qp(struct buf *out, const unsigned char *p, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		char tok[4];
		size_t tl;

		if (c == '\n') {
			buf_addch(out, '\n');
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=')
		    || ((c == ' ' || c == '\t') && i + 1 < len && p[i + 1] != '\n')) {
			tok[0] = (char)c;
			tl = 1;
		} else {
			snprintf(tok, sizeof tok, "=%02X", c);
			tl = 3;
		}
		if (col == 0 && ((c == '.') || (c == 'F' && len - i >= 5 && memcmp(p + i, "From ", 5) == 0))) {
			snprintf(tok, sizeof tok, "=%02X", c);
			tl = 3;
		}
		/* a soft break keeps room for its '=' */
		if (col + tl > MAIL_LINE_MAX - 1) {
			buf_adds(out, "=\n");
			col = 0;
		}
		buf_add(out, tok, tl);
		col += tl;
	}
	if (len == 0 || p[len - 1] != '\n')
		buf_addch(out, '\n');
}

int mail_build(const struct mail_config *c, const char *subject, const char *body, size_t body_len,
	time_t date, struct buf *out, char *err, size_t errsz)
{
	const char *from = c->from ? c->from : c->to;
	const char *name = c->from_name ? c->from_name : MAIL_FROM_NAME_DEFAULT;
	unsigned char rnd[16];
	char hex[33], *s, *nm;
	size_t slen, nlen = 0, bad;
	struct tm tm;
	long off;

	if (mail_config_check(c, err, errsz) < 0)
		return -1;
	if (!body)
		body_len = 0;
	if (body_len > MAIL_BODY_MAX)
		return S_fail(err, errsz, "body of %zu bytes is longer than %d", body_len, MAIL_BODY_MAX);
	if (body_len && memchr(body, '\0', body_len))
		return S_fail(err, errsz, "body holds a NUL byte");
	if (body_len && !utf8_valid(body, body_len, &bad))
		return S_fail(err, errsz, "body is not UTF-8 (byte %zu)", bad);
	if (!localtime_r(&date, &tm))
		return S_fail(err, errsz, "date out of range");
	s = S_clean(subject ? subject : "", MAIL_SUBJECT_MAX, &slen);
	if (!s)
		return S_fail(err, errsz, "subject is not UTF-8");
	nm = S_clean(name, MAIL_NAME_MAX, &nlen);   /* checked above: never NULL */

	buf_adds(out, "From: ");
	if (S_plain(nm, nlen) && !strpbrk(nm, "<>()[]\\,;:\"@."))
		buf_add(out, nm, nlen);
	else
		S_words(out, nm, nlen);
	buf_addf(out, " <%s>\nTo: %s\nSubject: ", from, c->to);
	if (S_plain(s, slen) && 9 + slen <= MAIL_HEADER_MAX)
		buf_add(out, s, slen);
	else
		S_words(out, s, slen);
	off = tm.tm_gmtoff / 60;
	buf_addf(out, "\nDate: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\n",
		wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
		tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_addf(out, "Message-ID: <%s%s>\n", hex, strchr(from, '@'));
	buf_adds(out, "Auto-Submitted: auto-generated\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"Content-Transfer-Encoding: quoted-printable\n\n");
	S_qp(out, (const unsigned char *)(body ? body : ""), body_len);
	free(s);
	free(nm);
	return 0;
}

/* With -t sendmail takes the recipients from the header: the message's
 * header block must name exactly the configured helpdesk address, in one
 * unfolded "To:" line, and no other recipient header (Cc, Bcc, Resent-*). */
static int S_recipients_ok(const struct mail_config *c, const char *msg, size_t len)
{
	static const char *const rcpt[] = { "to:", "cc:", "bcc:", "resent-to:", "resent-cc:", "resent-bcc:" };
	const char *p = msg, *end = msg + len;
	size_t tolen = strlen(c->to), i;
	int to = 0, after_to = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n == 0)
			return to == 1;  /* the end of the header block */
		if (p[0] == ' ' || p[0] == '\t') {
			if (after_to)
				return 0;  /* a To: folded onto more lines */
		} else {
			after_to = 0;
			for (i = 0; i < sizeof rcpt / sizeof *rcpt; i++) {
				size_t k = strlen(rcpt[i]);
				if (n >= k && strncasecmp(p, rcpt[i], k) == 0) {
					if (i != 0 || n != 4 + tolen || p[3] != ' ' || memcmp(p + 4, c->to, tolen) != 0)
						return 0;
					to++;
					after_to = 1;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;  /* no body: not a message mail_build made */
}

int mail_send(const struct mail_config *c, const void *msg, size_t len, int *status,
	char *err, size_t errsz)
{
	const char *sm = c->sendmail ? c->sendmail : MAIL_SENDMAIL_DEFAULT;
	char *argv[] = { "sendmail", "-t", "-oi", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int in[2], ep[2], e = 0, ws, wrote_all = 1;
	size_t off = 0;
	ssize_t r;
	pid_t pid;

	if (status)
		*status = -1;
	if (mail_config_check(c, err, errsz) < 0)
		return -1;
	if (!S_recipients_ok(c, msg, len))
		return S_fail(err, errsz, "the message's header must name the helpdesk address alone (To: %.300s)",
			c->to);
	if (pipe2(in, O_CLOEXEC) < 0)
		return S_fail(err, errsz, "pipe: %s", strerror(errno));
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return S_fail(err, errsz, "pipe: %s", strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(in[0]);
		close(in[1]);
		close(ep[0]);
		close(ep[1]);
		return S_fail(err, errsz, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		/* the child: stdin from the pipe, then sendmail; on failure the
		 * errno goes back through ep (closed on exec when all is well) */
		if (dup2(in[0], 0) < 0 || fcntl(0, F_SETFD, 0) < 0 || execve(sm, argv, environ) < 0)
			e = errno;
		if (write(ep[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(in[0]);
	close(ep[1]);
	do
		r = read(ep[0], &e, sizeof e);
	while (r < 0 && errno == EINTR);
	close(ep[0]);
	if (r == (ssize_t)sizeof e) {
		close(in[1]);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		return S_fail(err, errsz, "cannot run '%.300s': %s", sm, strerror(e));
	}

	/* a sendmail that quits early must not kill us with SIGPIPE */
	sigaction(SIGPIPE, &ign, &old);
	while (off < len) {
		ssize_t w = write(in[1], (const char *)msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			wrote_all = 0;
			break;
		}
		off += (size_t)w;
	}
	close(in[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return S_fail(err, errsz, "waitpid: %s", strerror(errno));
	}
	if (WIFSIGNALED(ws)) {
		if (status)
			*status = 128 + WTERMSIG(ws);
		return S_fail(err, errsz, "'%.300s' was killed by signal %d", sm, WTERMSIG(ws));
	}
	if (status)
		*status = WEXITSTATUS(ws);
	if (WEXITSTATUS(ws) != 0)
		return S_fail(err, errsz, "'%.300s' exited with status %d", sm, WEXITSTATUS(ws));
	if (!wrote_all)
		return S_fail(err, errsz, "'%.300s' exited 0 but did not read the whole message", sm);
	return 0;
}
