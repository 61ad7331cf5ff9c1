/* test_fcgi_mail.c: notification mail (fcgi/mail.c), with a stand-in
 * sendmail that records its arguments and its standard input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "fileio.h"
#include "mail.h"
#include "t.h"

static char dir[] = "/tmp/hhd-mail-XXXXXX";
static char fake[128], argsp[128], inputp[128];

static const struct mail_config cfg0 = { NULL, "helpdesk@example.nl", "noreply@hackhelpdesk.nl", NULL };

/* Decode quoted-printable (RFC 2045), checking the rules on the way: lines
 * at most MAIL_LINE_MAX, no bare '=' or unencoded trailing space. */
static int S_unqp(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (s + i)) : len - i, j;
		int soft = ll > 0 && s[i + ll - 1] == '=';
		if (ll > MAIL_LINE_MAX || !nl)
			return -1;
		if (ll > 0 && !soft && (s[i + ll - 1] == ' ' || s[i + ll - 1] == '\t'))
			return -1;
		for (j = 0; j < ll - (size_t)soft; j++) {
			unsigned char c = (unsigned char)s[i + j];
			if (c == '=') {
				unsigned v;
				if (j + 2 >= ll + 1 - (size_t)soft || sscanf(s + i + j + 1, "%2X", &v) != 1)
					return -1;
				buf_addch(out, (int)v);
				j += 2;
			} else if (c >= 0x80 || (c < 0x20 && c != '\t')) {
				return -1;
			} else {
				buf_addch(out, c);
			}
		}
		if (!soft)
			buf_addch(out, '\n');
		i += ll + 1;
	}
	return 0;
}

/* Split a message at its blank line; headers unfolded into one "Name: value"
 * per line in hdr, the body left in body. */
static int S_split(const struct buf *m, struct buf *hdr, struct buf *body)
{
	const char *sep = strstr(m->ptr, "\n\n");
	const char *p;

	if (!sep)
		return -1;
	for (p = m->ptr; p <= sep; p++) {
		if (*p == '\n' && p < sep && (p[1] == ' ' || p[1] == '\t'))
			continue;   /* a folded line */
		buf_addch(hdr, *p);
	}
	buf_add(body, sep + 2, m->len - (size_t)(sep + 2 - m->ptr));
	return 0;
}

/* The value of header `name` in unfolded headers, copied into out. */
static int S_header(const struct buf *hdr, const char *name, struct buf *out)
{
	size_t n = strlen(name);
	const char *p = hdr->ptr;

	buf_reset(out);
	while (p && *p) {
		if (strncmp(p, name, n) == 0 && p[n] == ':' && p[n + 1] == ' ') {
			const char *e = strchr(p, '\n');
			buf_add(out, p + n + 2, (size_t)(e - p) - n - 2);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* Decode a value of RFC 2047 Q words (separated by folding whitespace,
 * already unfolded to single spaces) or plain text. */
static int S_unword(const char *v, struct buf *out)
{
	if (strncmp(v, "=?UTF-8?Q?", 10) != 0) {
		buf_adds(out, v);
		return 0;
	}
	while (*v) {
		const char *e;
		if (strncmp(v, "=?UTF-8?Q?", 10) != 0)
			return -1;
		v += 10;
		e = strstr(v, "?=");
		if (!e || e - v + 12 > 75)
			return -1;
		for (; v < e; v++) {
			unsigned x;
			if (*v == '_')
				buf_addch(out, ' ');
			else if (*v == '=' && sscanf(v + 1, "%2X", &x) == 1) {
				buf_addch(out, (int)x);
				v += 2;
			} else if ((unsigned char)*v > 0x20 && (unsigned char)*v < 0x7f && *v != '?')
				buf_addch(out, *v);
			else
				return -1;
		}
		v = e + 2;
		if (*v == ' ')
			v++;
	}
	return 0;
}

static void S_build(const char *subject, const char *body, struct buf *m)
{
	char err[200] = "";

	buf_reset(m);
	T_CHECK(mail_build(&cfg0, subject, body, body ? strlen(body) : 0, 1764946980, m, err, sizeof err) == 0);
	if (*err)
		fprintf(stderr, "mail_build: %s\n", err);
}

/* Every header line is one of ours (or a continuation): nothing from the
 * data can start a header or end the header block. */
static int S_only_our_headers(const struct buf *m)
{
	static const char *const ours[] = { "From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ",
		"Auto-Submitted: ", "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: " };
	const char *p = m->ptr, *sep = strstr(m->ptr, "\n\n");
	size_t i, seen = 0;

	if (!sep)
		return 0;
	while (p < sep) {
		const char *e = strchr(p, '\n');
		int ok = *p == ' ';
		for (i = 0; i < sizeof ours / sizeof ours[0] && !ok; i++)
			if (strncmp(p, ours[i], strlen(ours[i])) == 0) {
				ok = 1;
				seen++;
			}
		if (!ok || (size_t)(e - p) > MAIL_HEADER_MAX + 20)
			return 0;
		for (; p < e; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				return 0;   /* headers are ASCII without controls */
		p = e + 1;
	}
	return seen == sizeof ours / sizeof ours[0];
}

static void test_headers(void)
{
	struct buf m = BUF_INIT, h = BUF_INIT, b = BUF_INIT, v = BUF_INIT, d = BUF_INIT;
	struct tm tm;
	time_t t = 1764946980;
	char want[64];

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	S_build("Nieuwe melding: ransomware", "Hallo\n", &m);
	T_CHECK(S_only_our_headers(&m));
	T_CHECK(S_split(&m, &h, &b) == 0);
	{
		static const char *const hdrs[][2] = {
			{ "From", "Hackhelpdesk <noreply@hackhelpdesk.nl>" },
			{ "To", "helpdesk@example.nl" },
			{ "Subject", "Nieuwe melding: ransomware" },
			{ "Date", "Fri, 05 Dec 2025 16:03:00 +0100" },
			{ "Content-Type", "text/plain; charset=UTF-8" },
			{ "Content-Transfer-Encoding", "quoted-printable" },
			{ "Auto-Submitted", "auto-generated" },
			{ "MIME-Version", "1.0" },
		};
		size_t i;
		for (i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
			T_CHECK(S_header(&h, hdrs[i][0], &v) == 0);
			T_STREQ(v.ptr, hdrs[i][1]);
		}
	}
	/* the Date agrees with the C library's own formatting of the time */
	T_CHECK(S_header(&h, "Date", &v) == 0);
	localtime_r(&t, &tm);
	strftime(want, sizeof want, "%d %b %Y %H:%M:%S %z", &tm);
	T_CHECK(strstr(v.ptr, want) != NULL);
	T_CHECK(S_header(&h, "Message-ID", &v) == 0);
	T_CHECK(v.len == 1 + 32 + strlen("@hackhelpdesk.nl") + 1 && v.ptr[0] == '<'
		&& strcmp(v.ptr + 33, "@hackhelpdesk.nl>") == 0);
	T_STREQ(b.ptr, "Hallo\n");
	/* a fresh Message-ID each time */
	{
		struct buf m2 = BUF_INIT, h2 = BUF_INIT, b2 = BUF_INIT, v2 = BUF_INIT;
		S_build("Nieuwe melding: ransomware", "Hallo\n", &m2);
		S_split(&m2, &h2, &b2);
		S_header(&h, "Message-ID", &v);
		S_header(&h2, "Message-ID", &v2);
		T_CHECK(strcmp(v.ptr, v2.ptr) != 0);
		buf_free(&m2);
		buf_free(&h2);
		buf_free(&b2);
		buf_free(&v2);
	}
	/* the sender defaults to the helpdesk address; a non-ASCII name is encoded */
	{
		struct mail_config c = { NULL, "helpdesk@example.nl", NULL, "Hulp bij hacks – NL" };
		char err[100];
		buf_reset(&m);
		T_CHECK(mail_build(&c, "x", "y", 1, t, &m, err, sizeof err) == 0);
		buf_reset(&h);
		buf_reset(&b);
		S_split(&m, &h, &b);
		S_header(&h, "From", &v);
		T_CHECK(strncmp(v.ptr, "=?UTF-8?Q?", 10) == 0);
		T_CHECK(strstr(v.ptr, "?= <helpdesk@example.nl>") != NULL);
		buf_reset(&d);
		*strstr(v.ptr, " <helpdesk") = '\0';
		T_CHECK(S_unword(v.ptr, &d) == 0);
		T_STREQ(d.ptr, "Hulp bij hacks – NL");
	}
	buf_free(&m);
	buf_free(&h);
	buf_free(&b);
	buf_free(&v);
	buf_free(&d);
}

/* The subject as it reads after decoding, and its encoded form's rules. */
static void S_subject(const char *in, const char *want, int encoded)
{
	struct buf m = BUF_INIT, h = BUF_INIT, b = BUF_INIT, v = BUF_INIT, d = BUF_INIT;

	S_build(in, "x", &m);
	T_CHECK(S_only_our_headers(&m));
	S_split(&m, &h, &b);
	T_CHECK(S_header(&h, "Subject", &v) == 0);
	T_CHECK((strncmp(v.ptr, "=?UTF-8?Q?", 10) == 0) == encoded);
	T_CHECK(S_unword(v.ptr, &d) == 0);
	T_STREQ(d.ptr, want);
	T_STREQ(b.ptr, "x\n");
	buf_free(&m);
	buf_free(&h);
	buf_free(&b);
	buf_free(&v);
	buf_free(&d);
}

static void test_subject(void)
{
	char in[MAIL_SUBJECT_MAX + 8], want[MAIL_SUBJECT_MAX + 8];
	struct buf m = BUF_INIT;
	char err[100];

	S_subject("Melding", "Melding", 0);
	S_subject("", "", 0);
	S_subject(NULL, "", 0);
	S_subject("Spoed: Bakkerij “De Vries” – gijzelsoftware ë", "Spoed: Bakkerij “De Vries” – gijzelsoftware ë", 1);
	S_subject("looks =?like?= a word", "looks =?like?= a word", 1);
	S_subject("q_u?e=s", "q_u?e=s", 0);
	S_subject("日本語のテキスト日本語のテキスト日本語のテキスト日本語のテキスト",
		"日本語のテキスト日本語のテキスト日本語のテキスト日本語のテキスト", 1);
	/* 69 ASCII bytes fit "Subject: " on one line; 70 are folded into words */
	memset(in, 'a', 69);
	in[69] = '\0';
	S_subject(in, in, 0);
	in[69] = 'a';
	in[70] = '\0';
	S_subject(in, in, 1);

	/* injection: CR, LF and other controls become spaces, so no header and
	 * no end of the header block can be smuggled in */
	S_subject("Hi\r\nBcc: victim@example.com\r\n\r\nspam", "Hi  Bcc: victim@example.com    spam", 0);
	S_subject("a\nb\tc\x01\x7f" "d", "a b c  d", 0);
	S_subject("ë\r\nBcc: victim@example.com", "ë  Bcc: victim@example.com", 1);

	/* MAIL_SUBJECT_MAX bytes stay whole; one more is cut with "..." */
	memset(in, 'b', MAIL_SUBJECT_MAX);
	in[MAIL_SUBJECT_MAX] = '\0';
	S_subject(in, in, 1);
	in[MAIL_SUBJECT_MAX] = 'b';
	in[MAIL_SUBJECT_MAX + 1] = '\0';
	memset(want, 'b', MAIL_SUBJECT_MAX - 3);
	strcpy(want + MAIL_SUBJECT_MAX - 3, "...");
	S_subject(in, want, 1);
	/* ... at a character boundary: "ë" (2 bytes) straddling the cut goes whole */
	memset(in, 'c', MAIL_SUBJECT_MAX + 4);
	memcpy(in + MAIL_SUBJECT_MAX - 4, "ë", 2);
	in[MAIL_SUBJECT_MAX + 4] = '\0';
	memset(want, 'c', MAIL_SUBJECT_MAX - 4);
	strcpy(want + MAIL_SUBJECT_MAX - 4, "...");
	S_subject(in, want, 1);

	T_CHECK(mail_build(&cfg0, "\xff", "x", 1, 0, &m, err, sizeof err) == -1);
	T_STREQ(err, "subject is not UTF-8");
	T_CHECK(m.len == 0);
	buf_free(&m);
}

static void S_body(const char *body, size_t len)
{
	struct buf m = BUF_INIT, h = BUF_INIT, b = BUF_INIT, d = BUF_INIT;
	char err[100];
	size_t i;
	int clean = 1;

	T_CHECK(mail_build(&cfg0, "s", body, len, 0, &m, err, sizeof err) == 0);
	S_split(&m, &h, &b);
	T_CHECK(S_unqp(b.ptr, b.len, &d) == 0);
	/* the decoded body is the text, with a final newline added if missing */
	T_CHECK(d.len == len + (len == 0 || body[len - 1] != '\n'));
	T_CHECK(memcmp(d.ptr, body, len) == 0);
	/* 7-bit, and no line starts with '.' or "From " */
	for (i = 0; i < b.len; i++) {
		clean &= (unsigned char)b.ptr[i] < 0x80;
		if (i == 0 || b.ptr[i - 1] == '\n')
			clean &= b.ptr[i] != '.' && strncmp(b.ptr + i, "From ", 5) != 0;
	}
	T_CHECK(clean);
	buf_free(&m);
	buf_free(&h);
	buf_free(&b);
	buf_free(&d);
}

static void test_body(void)
{
	static const char *const bodies[] = {
		"", "Hallo\n", "geen regeleinde", "prijs = 5 euro\n", "spatie aan het eind \nen tab\t\n",
		"eind met spatie ", ".\n.punt\n..\n", "From me\nFrom: header?\n", "CR\r\nLF\n",
		"Ünïcödé — 日本語 🙂\n", "=\n==\n=3D\n",
	};
	char *big;
	struct buf m = BUF_INIT;
	char err[100];
	size_t i;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		S_body(bodies[i], strlen(bodies[i]));
	/* long lines: soft breaks, never inside an =XX; lines of each length around the limit */
	big = malloc(MAIL_BODY_MAX + 1);
	for (i = 70; i < 80; i++) {
		memset(big, 'x', i);
		S_body(big, i);
		memset(big, ' ', i);   /* spaces, the last one encoded */
		S_body(big, i);
	}
	for (i = 0; i < 3000; i++)
		big[i] = "é=a \t"[i % 5];
	S_body(big, 3000);
	/* MAIL_BODY_MAX bytes are taken, one more is refused */
	memset(big, 'm', MAIL_BODY_MAX + 1);
	S_body(big, MAIL_BODY_MAX);
	T_CHECK(mail_build(&cfg0, "s", big, MAIL_BODY_MAX + 1, 0, &m, err, sizeof err) == -1);
	T_STREQ(err, "body of 1048577 bytes is longer than 1048576");
	T_CHECK(mail_build(&cfg0, "s", "a\0b", 3, 0, &m, err, sizeof err) == -1);
	T_STREQ(err, "body holds a NUL byte");
	T_CHECK(mail_build(&cfg0, "s", "ab\xc3", 3, 0, &m, err, sizeof err) == -1);
	T_STREQ(err, "body is not UTF-8 (byte 2)");
	T_CHECK(m.len == 0);
	free(big);
	buf_free(&m);
}

static void test_config(void)
{
	static const char *const good[] = { "a@b", "helpdesk@example.nl", "x.y+z@sub.example.org" };
	static const char *const bad[] = {
		"", "ab", "@b", "a@", "a@@b", "a@b@c", "-a@b", "a b@c", "a@b\n", "a@b\r\nBcc: c@d", "<a@b>",
		"a,b@c", "a@b;", "\"a\"@b", "é@b", "a@b\x7f",
	};
	struct mail_config c = cfg0;
	char addr[MAIL_ADDR_MAX + 2], err[200];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		T_CHECK(mail_addr_ok(good[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_CHECK(!mail_addr_ok(bad[i]));
	T_CHECK(!mail_addr_ok(NULL));
	/* MAIL_ADDR_MAX bytes at the edge */
	memset(addr, 'a', MAIL_ADDR_MAX);
	addr[1] = '@';
	addr[MAIL_ADDR_MAX] = '\0';
	T_CHECK(mail_addr_ok(addr));
	addr[MAIL_ADDR_MAX] = 'a';
	addr[MAIL_ADDR_MAX + 1] = '\0';
	T_CHECK(!mail_addr_ok(addr));

	T_CHECK(mail_config_check(&c, err, sizeof err) == 0);
	c.to = "evil@x\nBcc: y@z";
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1 && strstr(err, "helpdesk address") != NULL);
	c.to = NULL;
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1);
	c = cfg0;
	c.from = "no reply@x";
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1 && strstr(err, "sender address") != NULL);
	c = cfg0;
	c.sendmail = "sendmail";
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1 && strstr(err, "not absolute") != NULL);
	c = cfg0;
	memset(addr, 'n', MAIL_NAME_MAX + 1);
	addr[MAIL_NAME_MAX] = '\0';
	c.from_name = addr;
	T_CHECK(mail_config_check(&c, err, sizeof err) == 0);
	addr[MAIL_NAME_MAX] = 'n';
	addr[MAIL_NAME_MAX + 1] = '\0';
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1 && strstr(err, "longer than 64") != NULL);
	c.from_name = "\xc3(";
	T_CHECK(mail_config_check(&c, err, sizeof err) == -1 && strstr(err, "not UTF-8") != NULL);
	/* a control character in the name is neutralised like in a subject */
	{
		struct buf m = BUF_INIT;
		c.from_name = "Help\r\nBcc: x@y";
		T_CHECK(mail_build(&c, "s", "b", 1, 0, &m, err, sizeof err) == 0);
		T_CHECK(S_only_our_headers(&m));
		T_CHECK(strstr(m.ptr, "\nBcc") == NULL);
		buf_free(&m);
	}
}

/* The stand-in sendmail: records each argument on a line of $dir/args and
 * its input in $dir/input; exits with $HHD_FAKE_EXIT; with HHD_FAKE_MODE
 * "noread" it exits before reading, "kill" kills itself. */
static void S_write_fake(void)
{
	static const char script[] =
		"#!/bin/sh\n"
		"d=$(dirname \"$0\")\n"
		": > \"$d/args\"\n"
		"for a in \"$0\" \"$@\"; do printf '%s\\n' \"$a\" >> \"$d/args\"; done\n"
		"case \"$HHD_FAKE_MODE\" in\n"
		"noread) exit \"${HHD_FAKE_EXIT:-0}\" ;;\n"
		"kill) cat > \"$d/input\"; kill -TERM $$ ;;\n"
		"esac\n"
		"cat > \"$d/input\"\n"
		"exit \"${HHD_FAKE_EXIT:-0}\"\n";

	T_CHECK(file_write(fake, script, sizeof script - 1) == 0);
	T_CHECK(chmod(fake, 0755) == 0);
}

static void test_send(void)
{
	struct mail_config c = cfg0;
	struct buf m = BUF_INIT, got = BUF_INIT;
	char err[300], want[300], *big;
	int status = 99;
	size_t bigsz = 1 << 20;

	c.sendmail = fake;
	S_write_fake();
	unsetenv("HHD_FAKE_MODE");
	unsetenv("HHD_FAKE_EXIT");
	S_build("Melding ë", "Bericht\n", &m);
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == 0);
	T_CHECK(status == 0);
	snprintf(want, sizeof want, "%s\n-t\n-oi\n", fake);
	T_CHECK(file_read(argsp, 4096, &got) == FILE_OK);
	T_STREQ(got.ptr, want);
	buf_reset(&got);
	T_CHECK(file_read(inputp, 1 << 20, &got) == FILE_OK);
	T_CHECK(got.len == m.len && memcmp(got.ptr, m.ptr, m.len) == 0);

	/* with -t the header names the recipients: only the configuration's
	 * address, alone, gets a message through; sendmail is not even run */
	{
		static const char *const bad[] = {
			"To: visitor@example.com\n\nhi\n",
			"To: helpdesk@example.nl\nBcc: other@example.com\n\nhi\n",
			"To: helpdesk@example.nl\ncc: other@example.com\n\nhi\n",
			"To: helpdesk@example.nl\nResent-To: other@example.com\n\nhi\n",
			"To: helpdesk@example.nl,\n other@example.com\n\nhi\n",
			"To: helpdesk@example.nl\nTo: helpdesk@example.nl\n\nhi\n",
			"To: helpdesk@example.nl, other@example.com\n\nhi\n",
			"Subject: x\n\nTo: helpdesk@example.nl\n",
			"To: helpdesk@example.nl\n",
		};
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
			unlink(argsp);
			T_CHECK(mail_send(&c, bad[i], strlen(bad[i]), &status, err, sizeof err) == -1);
			T_CHECK(status == -1 && strstr(err, "helpdesk address alone") != NULL);
			T_CHECK(access(argsp, F_OK) != 0);
		}
		static const char ok[] = "Subject: x\nTO: helpdesk@example.nl\n\nBcc: in the body\n";
		T_CHECK(mail_send(&c, ok, strlen(ok), &status, err, sizeof err) == 0);
		buf_reset(&got);
		file_read(argsp, 4096, &got);
		T_STREQ(got.ptr, want);
	}

	/* a failing sendmail: its status is reported */
	setenv("HHD_FAKE_EXIT", "75", 1);
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == -1);
	T_CHECK(status == 75);
	T_CHECK(strstr(err, "exited with status 75") != NULL);
	/* one that quits without reading a large message: no SIGPIPE for us */
	big = malloc(bigsz);
	memset(big, 'z', bigsz);
	memcpy(big, "To: helpdesk@example.nl\n\n", 25);
	setenv("HHD_FAKE_MODE", "noread", 1);
	setenv("HHD_FAKE_EXIT", "1", 1);
	T_CHECK(mail_send(&c, big, bigsz, &status, err, sizeof err) == -1);
	T_CHECK(status == 1 && strstr(err, "exited with status 1") != NULL);
	setenv("HHD_FAKE_EXIT", "0", 1);
	T_CHECK(mail_send(&c, big, bigsz, &status, err, sizeof err) == -1);
	T_CHECK(status == 0 && strstr(err, "did not read the whole message") != NULL);
	free(big);
	/* killed by a signal */
	setenv("HHD_FAKE_MODE", "kill", 1);
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == -1);
	T_CHECK(status == 128 + 15 && strstr(err, "killed by signal 15") != NULL);
	unsetenv("HHD_FAKE_MODE");
	unsetenv("HHD_FAKE_EXIT");
	/* a sendmail that is missing or cannot run */
	snprintf(want, sizeof want, "%s/missing", dir);
	c.sendmail = want;
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == -1);
	T_CHECK(status == -1 && strstr(err, "cannot run") && strstr(err, "No such file"));
	chmod(fake, 0644);
	c.sendmail = fake;
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == -1);
	T_CHECK(status == -1 && strstr(err, "Permission denied"));
	/* a bad configuration starts nothing */
	c.to = "visitor@example.com\n";
	T_CHECK(mail_send(&c, m.ptr, m.len, &status, err, sizeof err) == -1);
	T_CHECK(status == -1 && strstr(err, "helpdesk address") != NULL);
	buf_free(&m);
	buf_free(&got);
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	snprintf(fake, sizeof fake, "%s/sendmail", dir);
	snprintf(argsp, sizeof argsp, "%s/args", dir);
	snprintf(inputp, sizeof inputp, "%s/input", dir);
	test_headers();
	test_subject();
	test_body();
	test_config();
	test_send();
	unlink(fake);
	unlink(argsp);
	unlink(inputp);
	rmdir(dir);
	return t_done();
}
