/* report.h: `hhd check --report`: translation status per language. */
#ifndef HHD_REPORT_H
#define HHD_REPORT_H

#include <stdio.h>
#include "model.h"

void report_translations(const struct model *m, FILE *out);

#endif
