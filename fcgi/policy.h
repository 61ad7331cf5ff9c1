/* policy.h: the numbers an operator or a privacy statement may need to quote.
 *
 * Everything here is a default; where a command-line option overrides it the
 * option is named beside it. docs/deploy.md lists them for operators. */
#ifndef HHD_POLICY_H
#define HHD_POLICY_H

/* Contact submissions older than this many days are deleted by
 * `hhd-admin purge` when no --older-than is given. The privacy statement
 * promises this retention: change both together. Counters are aggregate
 * (day, path, event, partner) and hold nothing personal; they are kept. */
#define POLICY_RETENTION_DAYS 90

/* An identical submission (same language, incident, node, name, company,
 * e-mail, phone and message) within this many seconds of a stored one is
 * acknowledged but not stored again: a double click, a reload after POST. */
#define POLICY_DEDUP_SECONDS 600

/* In-process limit on POST /api/contact per client address: a token bucket
 * holding POLICY_RATE_BURST submissions, refilled by one every
 * POLICY_RATE_REFILL_SECONDS. hhd-fcgi --rate-limit N overrides the burst
 * (0 turns the limit off, for load tests). Only stored submissions take a
 * token: refused ones (422, 400, ...) and repeats do not, so a visitor who
 * mistypes is not locked out; nginx's limit_req on /api/contact bounds them. */
#define POLICY_RATE_BURST 10
#define POLICY_RATE_REFILL_SECONDS 60

/* The rate limiter keys its table by a keyed hash (SipHash, libsodium's
 * crypto_shorthash) of the client address. The key is random, lives only in
 * memory and is replaced (and the table cleared) this often, so nothing
 * that could identify an address outlives a day or reaches the disk. */
#define POLICY_RATE_KEY_SECONDS 86400

/* How often, at most, hhd-fcgi looks whether the site manifest changed
 * (a rebuilt or redeployed site); a changed manifest is reloaded. */
#define POLICY_MANIFEST_CHECK_SECONDS 2

/* hhd-fcgi writes the counter hits that are waiting on its socket together
 * in one transaction, and answers them only after that commit: at most this
 * many hits per transaction (and connections held open until it is done).
 * A batch also ends when no connection is waiting or a request other than
 * a hit arrives. */
#define POLICY_HIT_BATCH_MAX 32

/* hhd-fcgi keeps the day's unique-visitor sketch (fcgi/hll.h) in memory and
 * stores it, merged register-wise with the stored one, at most this often
 * (and when the day changes, and at exit). A kill -9 loses at most this
 * many seconds of visitors from the unique count; the counters are not
 * affected. */
#define POLICY_VISITOR_FLUSH_SECONDS 10

#endif
