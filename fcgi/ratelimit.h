/* ratelimit.h: a per-client token bucket that never stores an address.
 *
 * Clients are told apart by an 8-byte keyed hash (SipHash-2-4 through
 * libsodium's crypto_shorthash) of their address. The key is random, lives
 * only in this struct and is replaced every POLICY_RATE_KEY_SECONDS, when
 * the table is also cleared; so the table can neither be reversed into
 * addresses nor linked across days. The table has a fixed size: when it is
 * full the stalest entry in a short probe window is reused, so a flood of
 * addresses costs nothing but forgetting some buckets. */
#ifndef HHD_RATELIMIT_H
#define HHD_RATELIMIT_H

#include <stdint.h>
#include <time.h>

#define RL_SLOTS 4096   /* power of two */
#define RL_PROBE 8      /* slots looked at per lookup */

struct rl_slot {
	uint64_t hash;      /* 0: empty */
	int64_t last;       /* when tokens were last refilled */
	uint32_t tokens;
};

struct ratelimit {
	unsigned char key[16];
	int64_t key_born;
	unsigned burst;           /* 0: no limit */
	unsigned refill_seconds;  /* one token per this many seconds */
	struct rl_slot slots[RL_SLOTS];
};

/* Needs sodium_init() to have succeeded. */
void ratelimit_init(struct ratelimit *rl, unsigned burst, unsigned refill_seconds, time_t now);
/* Take a token for the client at `addr` (any string; NULL counts as "").
 * Returns 1 when allowed; 0 when not, with *retry_after set to the seconds
 * until the next token. */
int ratelimit_take(struct ratelimit *rl, const char *addr, time_t now, unsigned *retry_after);
/* As ratelimit_take() but without taking the token: whether the client
 * may try. The contact form checks first and takes only for what it stored. */
int ratelimit_check(struct ratelimit *rl, const char *addr, time_t now, unsigned *retry_after);

#endif
