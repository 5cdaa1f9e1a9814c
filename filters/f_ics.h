/*
 * NAME
 *   f_ics - iCalendar without attachments (in-process filter "ics" for
 *   text/calendar)
 *
 * SUMMARY
 *   int mk_ics_filter(const mk_config *cfg, mk_node *n, mk_error *err);
 *   char *mk_ics_strip(const char *text, gsize len, guint *dropped);
 *
 * DESCRIPTION
 *   A meeting invitation can carry files: an ATTACH property with inline
 *   data (ENCODING=BASE64;VALUE=BINARY, e.g. an executable the calendar
 *   shows as an attachment of the meeting) or a URI the client fetches or
 *   offers to open.  Every ATTACH property (with its folded continuation
 *   lines, RFC 5545 3.1) is dropped, in any component, whatever its case;
 *   everything else is kept as it was (line ends included), decoded to
 *   UTF-8 (mk_text_to_utf8, n->charset as declared; a guess against a
 *   declared charset adds the charset finding; the text ends at a NUL).
 *   Output: text/calendar, UTF-8, the declared name ("invite.ics" without
 *   one).
 *
 *   mk_ics_strip(): the dropping alone; *dropped gets the number of ATTACH
 *   properties removed.  Caller frees.
 *
 * FAILURE
 *   Input over limits.max_text_size: MK_ERR_LIMIT; undecodable text:
 *   MK_ERR_DATA (n->out unset: the part is held, never passed).
 */
#ifndef MK_F_ICS_H
#define MK_F_ICS_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

int mk_ics_filter(const mk_config *cfg, mk_node *n, mk_error *err);
char *mk_ics_strip(const char *text, gsize len, guint *dropped);

#endif
