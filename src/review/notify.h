/*
 * NAME
 *   notify - a plain text mail to the administrators (notify.admins): the
 *   daily summary, health alerts
 *
 * SUMMARY
 *   rc = mk_notify_admins(cfg, "daily", subject, text, now, &err);
 *   char *msg = mk_notify_message(cfg, "daily", subject, text, now);
 *
 * DESCRIPTION
 *   The message is built here (From notify.from, To every address of
 *   notify.admins, an RFC 2047 UTF-8 Subject, Date, Message-ID,
 *   Auto-Submitted: auto-generated, X-Mukaika-Notice: KIND, a base64
 *   text/plain UTF-8 body) and handed to notify.smtp_relay (empty:
 *   release.smtp_relay) with mk_smtp_send(); the envelope sender is
 *   notify.from.  No input of any mail goes into it: the text is made by
 *   our own report code.
 *
 * OWNERSHIP
 *   Arguments are borrowed; mk_notify_message() returns a new string.
 *
 * FAILURE
 *   mk_notify_admins(): 0 sent; 1 when notify.admins is empty (nothing to
 *   do, not an error); MK_ERR_CONFIG for an unusable address or relay;
 *   MK_ERR_TEMP when the relay is unreachable or refuses (the caller
 *   exits non-zero so the timer's unit is marked failed).
 */
#ifndef MK_NOTIFY_H
#define MK_NOTIFY_H

#include <glib.h>

#include "config.h"
#include "mk_error.h"

int mk_notify_admins(const mk_config *cfg, const char *kind, const char *subject,
                     const char *text, gint64 now, mk_error *err);
char *mk_notify_message(const mk_config *cfg, const char *kind, const char *subject,
                        const char *text, gint64 now);
/* notify.from or mukaika@HOST (caller frees). */
char *mk_notify_from(const mk_config *cfg);

#endif
