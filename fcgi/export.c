/* export.c: escaping submitted text for hhd-admin's terminal and CSV output.
 *
 * Submissions come from the public. Printed raw, a message could move the
 * cursor, retitle the terminal or hide text (escape sequences, bidi
 * overrides); opened in a spreadsheet, a cell starting with '=' could run
 * as a formula. These two functions stand between them and the team. */
#include "export.h"

#include <string.h>

void export_safe(struct buf *out, const char *s, int multiline)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; u[i]; i++) {
		unsigned char c = u[i];
		int bad = (c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f
			|| (c == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			|| (c == 0xe2 && u[i + 1] == 0x80 && u[i + 2] >= 0xa8 && u[i + 2] <= 0xae)
			|| (c == 0xe2 && u[i + 1] == 0x81 && u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9);
		if (!bad) {
			buf_addch(out, c);
		} else if (c == 0xc2) {
			buf_addf(out, "\\x%02x\\x%02x", c, u[i + 1]);
			i += 1;
		} else if (c == 0xe2) {
			buf_addf(out, "\\x%02x\\x%02x\\x%02x", c, u[i + 1], u[i + 2]);
			i += 2;
		} else {
			buf_addf(out, "\\x%02x", c);
		}
	}
}

void export_csv_cell(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	if (*s && strchr("=+-@\t\r", *s))
		buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

void export_waited(struct buf *out, long long s)
{
	long long m = s > 0 ? s / 60 : 0, h = m / 60, d = h / 24;

	if (d > 0) {
		buf_addf(out, "%lld d", d);
		if (h % 24)
			buf_addf(out, " %lld h", h % 24);
	} else if (h > 0) {
		buf_addf(out, "%lld h", h);
		if (m % 60)
			buf_addf(out, " %lld min", m % 60);
	} else {
		buf_addf(out, "%lld min", m);
	}
}
