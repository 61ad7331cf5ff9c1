/* mail.h: notification mail to the helpdesk, through the local sendmail.
 *
 * mail_build() writes one RFC 5322 message (LF line ends, as sendmail takes
 * it on its standard input):
 *   From: NAME <FROM>        NAME as an RFC 2047 encoded word when not plain ASCII
 *   To: TO
 *   Subject: ...             plain ASCII, or RFC 2047 "Q" encoded words of
 *                            whole UTF-8 characters, folded at 78 columns
 *   Date: Sat, 05 Dec 2026 14:03:00 +0100
 *   Message-ID: <32 random hex digits@FROM's domain>
 *   Auto-Submitted: auto-generated     (RFC 3834: no auto-replies to it)
 *   MIME-Version: 1.0
 *   Content-Type: text/plain; charset=UTF-8
 *   Content-Transfer-Encoding: quoted-printable
 * and the body in quoted-printable (RFC 2045), so any UTF-8 text and any line
 * length passes any mail transfer agent unchanged.
 *
 * Header injection: the subject and the sender's name may hold text a
 * visitor typed; every control character in them (CR, LF, tab, the rest of
 * C0, DEL) becomes a space before encoding, and encoded words cannot carry
 * a line break. Addresses come from the configuration only and must be a
 * plain local@domain (mail_addr_ok).
 *
 * mail_send() runs `SENDMAIL -t -oi` with fork and execve (no shell),
 * writes the message to its standard input and waits for it. With -t the
 * MTA takes the recipients from the header, so mail_send() first checks
 * that the header names the configured helpdesk address `to` alone (one
 * "To:" line, no Cc, Bcc or Resent-*), and refuses any other message: there
 * is no way to mail a visitor through this module, so the contact form can
 * never become a relay. */
#ifndef HHD_MAIL_H
#define HHD_MAIL_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define MAIL_SENDMAIL_DEFAULT "/usr/sbin/sendmail"
#define MAIL_FROM_NAME_DEFAULT "Hackhelpdesk"
#define MAIL_ADDR_MAX 254          /* bytes in an address (RFC 5321 path) */
#define MAIL_NAME_MAX 64           /* bytes in the sender's display name */
#define MAIL_SUBJECT_MAX 200       /* bytes of subject text; longer is cut at a character, with "..." */
#define MAIL_BODY_MAX (1 << 20)    /* bytes of body text; longer is refused */
#define MAIL_LINE_MAX 76           /* encoded body line length (RFC 2045) */
#define MAIL_HEADER_MAX 78         /* header line length aimed at (RFC 5322) */

struct mail_config {
	const char *sendmail;    /* absolute path; NULL: MAIL_SENDMAIL_DEFAULT */
	const char *to;          /* the helpdesk's address, the only recipient */
	const char *from;        /* the sender address; NULL: the same as `to` */
	const char *from_name;   /* NULL: MAIL_FROM_NAME_DEFAULT */
};

/* 1 when s is a plain address local@domain: printable ASCII without spaces
 * or any of <>()[]\,;:" , one '@' with text on both sides, not starting
 * with '-', at most MAIL_ADDR_MAX bytes. */
int mail_addr_ok(const char *s);
/* Check a configuration before use. 0, or -1 with the reason in err. */
int mail_config_check(const struct mail_config *c, char *err, size_t errsz);
/* Append the message (headers and body) to out. subject and body are UTF-8
 * (NULL counts as ""); `date` is the Date header's time, shown in the local
 * time zone. Needs sodium_init() (the Message-ID's random part). 0, or -1
 * with the reason in err (bad configuration, text that is not UTF-8, a body
 * over MAIL_BODY_MAX or holding a NUL). */
int mail_build(const struct mail_config *c, const char *subject, const char *body, size_t body_len,
	time_t date, struct buf *out, char *err, size_t errsz);
/* Pipe msg to `SENDMAIL -t -oi` and wait. 0 when it exited 0; -1 otherwise,
 * with the reason in err and *status (when given) set to its exit status,
 * 128 + the signal that killed it, or -1 when it could not be started (or
 * msg's header names another recipient than c->to). */
int mail_send(const struct mail_config *c, const void *msg, size_t len, int *status,
	char *err, size_t errsz);

#endif
