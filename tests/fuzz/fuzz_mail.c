/* fuzz_mail.c: libFuzzer target for the notification message (fcgi/mail.c),
 * whose subject and body carry what a visitor typed. The input up to its
 * first NUL is the subject, the rest the body. When mail_build accepts
 * them, the message must have exactly our nine header fields, each line
 * of the header block printable ASCII (an encoded word or folded
 * continuation at most), and a 7-bit body (printable and tab) of lines of
 * at most MAIL_LINE_MAX characters: nothing in the data can add a header, end the
 * header block early or reach the MTA unencoded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "mail.h"
#include "xalloc.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const names[] = {
	"From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ", "Auto-Submitted: ", "MIME-Version: ",
	"Content-Type: ", "Content-Transfer-Encoding: ",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mail_config c = { NULL, "helpdesk@example.nl", NULL, "Hackhelpdesk" };
	static int ready;
	struct buf m = BUF_INIT;
	const char *p, *sep, *nul = memchr(data, '\0', size);
	char *subject, err[200];
	size_t slen = nul ? (size_t)(nul - (const char *)data) : size, line = 0, i, col;
	int in_header = 1;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	subject = xstrndup((const char *)data, slen);
	if (mail_build(&c, subject, nul ? nul + 1 : "", nul ? size - slen - 1 : 0, 0, &m, err, sizeof err) < 0) {
		CHECK(m.len == 0 && err[0] != '\0');
		free(subject);
		return 0;
	}
	free(subject);
	sep = strstr(m.ptr, "\n\n");
	CHECK(sep != NULL && m.ptr[m.len - 1] == '\n');
	for (p = m.ptr; p < m.ptr + m.len; p = strchr(p, '\n') + 1) {
		const char *e = strchr(p, '\n');
		if (p == sep + 1) {
			in_header = 0;
			continue;
		}
		if (in_header) {
			int known = *p == ' ';
			for (i = 0; i < sizeof names / sizeof names[0] && !known; i++)
				if (strncmp(p, names[i], strlen(names[i])) == 0 && line++ == i)
					known = 1;
			CHECK(known);
			CHECK((size_t)(e - p) <= MAIL_HEADER_MAX || strncmp(p, "From: ", 6) == 0
				|| strncmp(p, "Message-ID: ", 12) == 0);
		} else {
			CHECK((size_t)(e - p) <= MAIL_LINE_MAX);
		}
		for (col = 0; p + col < e; col++)
			CHECK((p[col] >= 0x20 && p[col] < 0x7f) || (!in_header && p[col] == '\t'));
	}
	CHECK(line == sizeof names / sizeof names[0]);
	buf_free(&m);
	return 0;
}
