/* pool.h: run N independent jobs on T threads, the calling thread working too.
 *
 * Each thread has its own state (an element of the caller's array, state 0
 * being the calling thread's) and takes the next job index from a shared
 * counter until none are left, so the work balances itself. Which thread ran
 * which job is not fixed: results go back by job index, into memory that job
 * alone writes. Used by the generator's load (Markdown) and render stages. */
#ifndef HHD_POOL_H
#define HHD_POOL_H

#include <stddef.h>

struct pool {
	/* Run job `i` with the running thread's state. */
	void (*job)(void *state, size_t i);
	/* Optional: called on each started thread (not the caller's) before it
	 * ends, for thread-local teardown such as an allocator cache. */
	void (*thread_end)(void *state);
};

/* Threads worth starting for `njobs` jobs of which each thread should get
 * at least `min_per_thread`: from 1 up to `want`. */
int pool_threads(int want, size_t njobs, size_t min_per_thread);
/* Run jobs 0 .. njobs-1 on `nthreads` threads (1 runs everything here);
 * `states` holds nthreads states of `state_size` bytes. Returns when every
 * job is done. Aborts if a thread cannot be started. */
void pool_run(const struct pool *p, size_t njobs, int nthreads, void *states, size_t state_size);

#endif
