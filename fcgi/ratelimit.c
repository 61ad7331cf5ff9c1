/* ratelimit.c: the contact form's per-client token bucket, keyed by a
 * daily-rekeyed hash of the address, never the address (see ratelimit.h). */
#include "ratelimit.h"

#include <string.h>

#include <sodium.h>

#include "policy.h"

static void S_rekey(struct ratelimit *rl, time_t now)
{
	crypto_shorthash_keygen(rl->key);
	memset(rl->slots, 0, sizeof rl->slots);
	rl->key_born = now;
}

void ratelimit_init(struct ratelimit *rl, unsigned burst, unsigned refill_seconds, time_t now)
{
	rl->burst = burst;
	rl->refill_seconds = refill_seconds ? refill_seconds : 1;
	S_rekey(rl, now);
}

/* The client's bucket, refilled up to `now` (a new one when not found). */
static struct rl_slot *S_slot(struct ratelimit *rl, const char *addr, time_t now)
{
	unsigned char out[crypto_shorthash_BYTES];
	struct rl_slot *s = NULL, *empty = NULL, *oldest = NULL;
	uint64_t h;
	size_t i, base;

	/* a clock stepped back must not stretch the key's life */
	if (now - rl->key_born >= POLICY_RATE_KEY_SECONDS || now < rl->key_born)
		S_rekey(rl, now);
	if (!addr)
		addr = "";
	crypto_shorthash(out, (const unsigned char *)addr, strlen(addr), rl->key);
	memcpy(&h, out, sizeof h);
	h |= 1;  /* 0 marks an empty slot */

	base = (size_t)(h >> 32);
	for (i = 0; i < RL_PROBE && !s; i++) {
		struct rl_slot *c = &rl->slots[(base + i) & (RL_SLOTS - 1)];
		if (c->hash == h)
			s = c;
		else if (c->hash == 0 && !empty)
			empty = c;
		else if (c->hash != 0 && (!oldest || c->last < oldest->last))
			oldest = c;
	}
	if (!s) {
		/* a new client: an empty slot, else forget the stalest bucket */
		s = empty ? empty : oldest;
		s->hash = h;
		s->last = now;
		s->tokens = rl->burst;
	}
	if (now > s->last) {
		uint64_t add = (uint64_t)(now - s->last) / rl->refill_seconds;
		if (add >= rl->burst - s->tokens) {
			s->tokens = rl->burst;
			s->last = now;
		} else {
			s->tokens += (uint32_t)add;
			s->last += (int64_t)(add * rl->refill_seconds);
		}
	} else if (now < s->last) {
		s->last = now;
	}
	return s;
}

/* 1 when the bucket holds a token; else 0 with *retry_after set. */
static int S_has_token(const struct ratelimit *rl, const struct rl_slot *s, time_t now, unsigned *retry_after)
{
	if (s->tokens > 0)
		return 1;
	*retry_after = (unsigned)(rl->refill_seconds - (uint64_t)(now - s->last));
	if (*retry_after == 0)
		*retry_after = 1;
	return 0;
}

int ratelimit_check(struct ratelimit *rl, const char *addr, time_t now, unsigned *retry_after)
{
	if (rl->burst == 0)
		return 1;
	return S_has_token(rl, S_slot(rl, addr, now), now, retry_after);
}

int ratelimit_take(struct ratelimit *rl, const char *addr, time_t now, unsigned *retry_after)
{
	struct rl_slot *s;

	if (rl->burst == 0)
		return 1;
	s = S_slot(rl, addr, now);
	if (!S_has_token(rl, s, now, retry_after))
		return 0;
	s->tokens--;
	return 1;
}
