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
 *   A meeting invitation can carry files and links: an ATTACH property
 *   with inline data (ENCODING=BASE64;VALUE=BINARY, e.g. an executable the
 *   calendar shows as an attachment of the meeting) or a URI, an HTML
 *   description (X-ALT-DESC) Outlook renders, vCalendar 1.0 alarms that
 *   play a URL or run a program (AALARM, PALARM, DALARM, MALARM), and text
 *   a client makes clickable.  The filter reads logical lines as a client
 *   does (folding undone, also inside a name; CRLF, LF or bare CR), drops
 *   those properties, in any component, whatever their case, and defangs
 *   the shown text (DESCRIPTION, SUMMARY, LOCATION, COMMENT, URL, CONTACT,
 *   RESOURCES, CATEGORIES: f_defang.h); other lines are kept unfolded with
 *   CRLF ends.  The text is decoded to UTF-8 first, as for every text
 *   filter (mk_filter_decode, registry.h; the text ends at a NUL).
 *   Output: text/calendar, UTF-8, the declared name ("invite.ics" without
 *   one).  Text named .ics/.vcs or declared text/calendar comes here too,
 *   whatever libmagic calls it (names.h, mk_names_rendered_as).
 *
 *   mk_ics_strip(): the rewriting alone; *dropped gets the number of
 *   properties removed.  Caller frees.
 *
 * FAILURE
 *   Input over limits.max_text_size: MK_ERR_LIMIT; an internal decoding
 *   error: MK_ERR_SOFTWARE (n->out unset: the part is held, never passed).
 */
#ifndef MK_F_ICS_H
#define MK_F_ICS_H

#include <glib.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

int mk_ics_filter(const mk_config *cfg, mk_node *n, mk_error *err);
char *mk_ics_strip(const char *text, gsize len, guint *dropped);

#endif
