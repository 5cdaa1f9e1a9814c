/*
 * NAME
 *   notice - the text put at the top of a forwarded body (or alone, for a
 *   held item) saying what was converted or removed, and why
 *
 * SUMMARY
 *   char *mk_notice_text(const mk_config *cfg, const mk_node *root,
 *                        mk_verdict v, const char *id, bool stored);
 *
 * DESCRIPTION
 *   Japanese by default, English with general.language = en.  One line per
 *   converted body and per removed or converted part (display name made
 *   safe, true type, size, reason from the deciding finding or rule), then
 *   the report id and, when the original is kept, how to ask for it.
 *   A PASS gets a short notice too.  Caller frees.
 */
#ifndef MK_NOTICE_H
#define MK_NOTICE_H

#include <stdbool.h>

#include "config.h"
#include "item.h"

char *mk_notice_text(const mk_config *cfg, const mk_node *root, mk_verdict v,
                     const char *id, bool stored);
/* Human size "12 KB". Caller frees. */
char *mk_notice_size(gint64 n);

#endif
