/* state.h: struct app, the state of one hhd-fcgi process that the request
 * handlers (contact.c, counters.c) read and update.
 *
 * Only a definition, no functions: app.c sets it up and routes requests to
 * the handlers, and the handlers see it through this header alone, so the
 * files depend on each other one way (app.c -> handlers -> state.h).
 *
 * Everything a handler allocates for a request comes from `arena`, which
 * main.c resets once every reply it has pending (a batch of hits, or a
 * single request) has been sent. */
#ifndef HHD_STATE_H
#define HHD_STATE_H

#include <sys/types.h>
#include <time.h>

#include "arena.h"
#include "hll.h"
#include "siteindex.h"
#include "ratelimit.h"

struct db;
struct seal_key;

struct app {
	struct db *db;
	struct siteindex *man;        /* never NULL; empty when none could be loaded */
	char *manifest_path;
	struct {
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime;
		int seen;
	} man_stat;
	time_t man_checked;
	int warned_no_addr;          /* logged once: nginx passed no REMOTE_ADDR */
	struct ratelimit rl;
	/* the helpdesk's public key (--seal-key): submissions' personal fields
	 * are stored sealed to it. NULL: stored in plaintext (logged at start) */
	const struct seal_key *seal;
	/* unique visitors of `day` seen by this process (counters.c): stored,
	 * merged with the stored sketch, every POLICY_VISITOR_FLUSH_SECONDS,
	 * when the day changes and at exit */
	struct {
		struct hll *sketch;
		struct hll_key key;       /* in memory only; a new one every day */
		char day[11];             /* "" before the first visitor */
		time_t flushed;
		int dirty;                /* visitors added since the last store */
	} visitors;
	struct arena arena;
};

#endif
