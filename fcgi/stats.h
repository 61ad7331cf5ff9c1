/* stats.h: `hhd-admin stats`, the counters as a report in text, CSV, JSON
 * or HTML (see stats.c). */
#ifndef HHD_STATS_H
#define HHD_STATS_H

#include "buf.h"
#include "db.h"
#include "siteindex.h"

enum stats_format { STATS_TEXT, STATS_CSV, STATS_JSON, STATS_HTML };

/* Build the report for days from..to (YYYY-MM-DD, inclusive) into out;
 * with the site's manifest (site, or NULL) it also has each tree's funnel
 * and the pages' languages as the manifest says. 0, or -1 with a message
 * on stderr. */
int stats_report(struct db *db, const struct siteindex *site, const char *from, const char *to,
		 enum stats_format fmt, struct buf *out);

/* Whether s is a real calendar date written YYYY-MM-DD. */
int stats_date_ok(const char *s);
/* The date `days` days after (or before, negative) `date`, into out[11]. */
void stats_date_add(const char *date, int days, char out[11]);

#endif
