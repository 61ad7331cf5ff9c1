/* t.h: the smallest test harness that does the job.
 *
 *   T_CHECK(cond)           records a pass or a failure (with file:line)
 *   T_STREQ(got, want)      string equality, printing both on failure
 *   return t_done();        prints "N passed, N failed" and gives the exit code */
#ifndef HHD_T_H
#define HHD_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_CHECK(cond) do { \
	if (cond) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define T_STREQ(got, want) do { \
	const char *t_g_ = (got), *t_w_ = (want); \
	if (t_g_ && t_w_ && strcmp(t_g_, t_w_) == 0) t_pass++; \
	else { t_fail++; fprintf(stderr, "%s:%d: %s\n  got:  [%s]\n  want: [%s]\n", __FILE__, __LINE__, \
		#got, t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)"); } \
} while (0)

static inline int t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
