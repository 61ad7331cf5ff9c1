/* t_diag.h: diagnostics as text, for tests that compare what hhd prints. */
#ifndef HHD_T_DIAG_H
#define HHD_T_DIAG_H

#include <stdio.h>

#include "buf.h"
#include "diag.h"

/* Every diagnostic in `d` as printed (sorted), one per line, without the
 * final newline; "" when none. The text lives until the next call. */
static inline const char *t_printed(struct diags *d)
{
	static char out[8192];
	struct buf text = BUF_INIT;
	diags_text(d, &text);
	if (text.len && text.ptr[text.len - 1] == '\n')
		buf_setlen(&text, text.len - 1);
	snprintf(out, sizeof out, "%s", text.ptr);
	buf_free(&text);
	return out;
}

#endif
