/* log.c: hhd-fcgi's log lines on stderr, sanitised so a request can never
 * forge or split one (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

void log_sanitise(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outsz == 0)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

void log_line(const char *reqid, const char *fmt, ...)
{
	char raw[LOG_MAX], clean[LOG_MAX], line[LOG_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	log_sanitise(raw, clean, sizeof clean);
	if (reqid)
		n = snprintf(line, sizeof line, "hhd-fcgi: req=%s: %s\n", reqid, clean);
	else
		n = snprintf(line, sizeof line, "hhd-fcgi: %s\n", clean);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	/* one write(2) per line: lines from a restart never interleave */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
