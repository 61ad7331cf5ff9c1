/* log.h: hhd-fcgi's log lines, one per event, on stderr.
 *
 * Format: "hhd-fcgi: req=ID: message" (or without req= at start-up). The
 * message is sanitised: control characters, non-ASCII bytes, backslash and
 * quotes are escaped as \xNN, and it is cut at LOG_MAX bytes, so a line can
 * never be split or forged. Callers never pass personal data (field
 * values, addresses, user agents): only ids, statuses and reasons. */
#ifndef HHD_LOG_H
#define HHD_LOG_H

#include <stddef.h>

#define LOG_MAX 512

/* Write one line; `reqid` may be NULL. */
void log_line(const char *reqid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Escape s into out (size outsz, always NUL-terminated); for the tests. */
void log_sanitise(const char *s, char *out, size_t outsz);

#endif
