/* pool.c: the thread pool of pool.h (pthreads and one atomic counter). */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "xalloc.h"

struct worker {
	const struct pool *p;
	atomic_size_t *next;
	size_t njobs;
	void *state;
	int started;          /* a thread of its own, not the caller */
};

static void *S_work(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		size_t i = atomic_fetch_add(w->next, 1);
		if (i >= w->njobs)
			break;
		w->p->job(w->state, i);
	}
	if (w->started && w->p->thread_end)
		w->p->thread_end(w->state);
	return NULL;
}

int pool_threads(int want, size_t njobs, size_t min_per_thread)
{
	size_t most = njobs / (min_per_thread ? min_per_thread : 1) + 1;
	if (want < 1)
		want = 1;
	return (size_t)want > most ? (int)most : want;
}

void pool_run(const struct pool *p, size_t njobs, int nthreads, void *states, size_t state_size)
{
	if (nthreads < 1)
		nthreads = 1;
	atomic_size_t next = 0;
	struct worker *w = xcalloc((size_t)nthreads, sizeof *w);
	pthread_t *th = xcalloc((size_t)nthreads, sizeof *th);
	for (int i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ p, &next, njobs, (char *)states + (size_t)i * state_size, i > 0 };
		if (i > 0 && pthread_create(&th[i], NULL, S_work, &w[i]) != 0)
			abort();
	}
	S_work(&w[0]);
	for (int i = 1; i < nthreads; i++)
		pthread_join(th[i], NULL);
	free(w);
	free(th);
}
