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
 *   Above the verdict, one 【注意】 line per problem of the sender and
 *   recipient headers (mk_addr_issues: a display name holding an address,
 *   no or several From mailboxes, an ambiguous parse).  A converted part
 *   says what its filter made of it and what the filter notes say was
 *   removed (macros, objects, links, field instructions ...), and its new
 *   name; a removed one why (the findings that force the action, or the
 *   type rule); a held one why, and for an encrypted one how the password
 *   reaches the administrator.
 */
#ifndef MK_NOTICE_H
#define MK_NOTICE_H

#include <stdbool.h>

#include "config.h"
#include "item.h"

char *mk_notice_text(const mk_config *cfg, const mk_node *root, mk_verdict v,
                     const char *id, bool stored);
/* Why ROOT was held, rejected or stripped, in the configured language:
 * the reason of the node with the highest action (for an encrypted one,
 * how the password reaches the administrator); NULL when nothing was.
 * Caller frees. */
char *mk_notice_why(const mk_config *cfg, const mk_node *root);
/* Human size "12 KB". Caller frees. */
char *mk_notice_size(gint64 n);

#endif
