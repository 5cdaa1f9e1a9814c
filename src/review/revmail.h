/*
 * NAME
 *   revmail - mail to the reviewers when a request waits, and to the
 *   requester when it is decided (through release.smtp_relay)
 *
 * SUMMARY
 *   mk_revmail_request(q, cfg, req_id);     after a release/deletion request
 *   mk_revmail_decision(q, cfg, req_id);    after an approval or denial
 *
 * DESCRIPTION
 *   A new request mails notify.approvers (addresses; none when empty); a
 *   decision mails the requester at ACCOUNT@notify.account_domain (none
 *   when that is empty).  The mail is plain UTF-8 text in Japanese first
 *   and English (request number, kind, item, subject, requester, reason,
 *   decision, who decided), From notify.from (empty: mukaika@HOST), sent
 *   with mk_smtp_send() via notify.smtp_relay (empty: release.smtp_relay).  Text from the held item (its subject) and
 *   from accounts (reason, comment) is cut to one line without control
 *   characters; the original is never attached.
 *
 *   A mail that cannot be sent never undoes the action: it is logged and
 *   audited (notify.send, result failed); one that was sent is audited
 *   too (result ok, the recipients).
 *
 * FAILURE
 *   Returns 0 when sent or nothing to send, else the SMTP error (already
 *   audited and logged).
 */
#ifndef MK_REVMAIL_H
#define MK_REVMAIL_H

#include "config.h"
#include "store.h"

int mk_revmail_request(mk_store *q, const mk_config *cfg, gint64 req_id);
int mk_revmail_decision(mk_store *q, const mk_config *cfg, gint64 req_id);
/* The message (headers and body, CRLF) for tests; caller frees. */
char *mk_revmail_message(const mk_config *cfg, const mk_request *r, bool decided,
                        const char *to);

#endif
