/* Unit tests for fcgi/ratelimit.c: token buckets keyed by a keyed hash. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "policy.h"
#include "ratelimit.h"
#include "t.h"

static struct ratelimit rl;

static void test_bucket(void)
{
	unsigned retry = 0;
	time_t t0 = 1700000000;
	int i, ok = 0;

	ratelimit_init(&rl, 3, 60, t0);
	for (i = 0; i < 3; i++)
		ok += ratelimit_take(&rl, "192.0.2.1", t0, &retry);
	T_CHECK(ok == 3);
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0, &retry) == 0 && retry == 60);
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 59, &retry) == 0 && retry == 1);
	/* another client has its own bucket */
	T_CHECK(ratelimit_take(&rl, "192.0.2.2", t0, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "2001:db8::1", t0, &retry) == 1);
	/* one token back per refill period */
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 60, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 60, &retry) == 0 && retry == 60);
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 150, &retry) == 1);  /* 90 s: one token */
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 150, &retry) == 0 && retry == 30);
	/* a long pause refills to the burst, no more */
	ok = 0;
	for (i = 0; i < 10; i++)
		ok += ratelimit_take(&rl, "192.0.2.1", t0 + 10000, &retry);
	T_CHECK(ok == 3);
	/* a clock stepped back does not hand out tokens */
	T_CHECK(ratelimit_take(&rl, "192.0.2.1", t0 + 5000, &retry) == 0);
	/* NULL is one (shared) client */
	T_CHECK(ratelimit_take(&rl, NULL, t0, &retry) == 1);
}

static void test_rotation(void)
{
	unsigned char key[16];
	unsigned retry;
	time_t t0 = 1700000000;
	int i, used;

	ratelimit_init(&rl, 1, 3600, t0);
	memcpy(key, rl.key, sizeof key);
	T_CHECK(ratelimit_take(&rl, "198.51.100.7", t0, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "198.51.100.7", t0 + 10, &retry) == 0);
	/* the same key until a day has passed */
	T_CHECK(memcmp(key, rl.key, sizeof key) == 0);
	/* a day later: a new key, an empty table */
	T_CHECK(ratelimit_take(&rl, "198.51.100.7", t0 + POLICY_RATE_KEY_SECONDS, &retry) == 1);
	T_CHECK(memcmp(key, rl.key, sizeof key) != 0);
	/* only the one client that just came is in the table */
	for (i = 0, used = 0; i < RL_SLOTS; i++)
		used += rl.slots[i].hash != 0;
	T_CHECK(used == 1);
}

static void test_nothing_stored(void)
{
	const char *addr = "203.0.113.99";
	const unsigned char *p = (const unsigned char *)&rl;
	unsigned retry;
	size_t i, n = strlen(addr);

	ratelimit_init(&rl, 5, 60, 1700000000);
	ratelimit_take(&rl, addr, 1700000000, &retry);
	/* the address appears nowhere in the limiter's memory */
	for (i = 0; i + n <= sizeof rl; i++)
		if (memcmp(p + i, addr, n) == 0)
			break;
	T_CHECK(i + n > sizeof rl);
}

static void test_flood(void)
{
	char addr[32];
	unsigned retry;
	time_t t0 = 1700000000;
	int i, denied = 0;

	ratelimit_init(&rl, 2, 60, t0);
	/* far more clients than slots: old buckets are forgotten, nothing breaks */
	for (i = 0; i < 5 * RL_SLOTS; i++) {
		snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		if (!ratelimit_take(&rl, addr, t0 + i / 100, &retry))
			denied++;
	}
	T_CHECK(denied == 0);
	/* a client hammering among the flood is still limited */
	T_CHECK(ratelimit_take(&rl, "10.99.99.99", t0 + 1000, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "10.99.99.99", t0 + 1000, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "10.99.99.99", t0 + 1000, &retry) == 0);
}

static void test_off(void)
{
	unsigned retry;
	int i, ok = 0;

	ratelimit_init(&rl, 0, 60, 1700000000);
	for (i = 0; i < 1000; i++)
		ok += ratelimit_take(&rl, "192.0.2.1", 1700000000, &retry);
	T_CHECK(ok == 1000);
}

/* ratelimit_check() says whether a token is there without taking it: any
 * number of checks (refused posts) leave the burst whole. */
static void test_check(void)
{
	unsigned retry = 0;
	time_t t0 = 1700000000;
	int i, ok = 0;

	ratelimit_init(&rl, 2, 60, t0);
	for (i = 0; i < 100; i++)
		ok += ratelimit_check(&rl, "192.0.2.9", t0, &retry);
	T_CHECK(ok == 100);
	T_CHECK(ratelimit_take(&rl, "192.0.2.9", t0, &retry) == 1);
	T_CHECK(ratelimit_check(&rl, "192.0.2.9", t0, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "192.0.2.9", t0, &retry) == 1);
	T_CHECK(ratelimit_check(&rl, "192.0.2.9", t0, &retry) == 0 && retry == 60);
	T_CHECK(ratelimit_check(&rl, "192.0.2.9", t0 + 60, &retry) == 1);
	T_CHECK(ratelimit_take(&rl, "192.0.2.9", t0 + 60, &retry) == 1);
	T_CHECK(ratelimit_check(&rl, "192.0.2.9", t0 + 60, &retry) == 0);
	ratelimit_init(&rl, 0, 60, t0);
	T_CHECK(ratelimit_check(&rl, "192.0.2.9", t0, &retry) == 1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_bucket();
	test_rotation();
	test_nothing_stored();
	test_flood();
	test_off();
	test_check();
	return t_done();
}
