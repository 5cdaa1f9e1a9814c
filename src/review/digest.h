/*
 * NAME
 *   digest - the review part of the daily summary: held items, their
 *   fate and top sender domains, releases with requester and approver,
 *   failed logins and locked accounts, health alerts, for a period
 *
 * SUMMARY
 *   rc = mk_digest_text(store, from, until, &text, &err);
 *
 * DESCRIPTION
 *   Read from the store interface only (DESIGN §5): the quarantine items
 *   received in [FROM, UNTIL) that were quarantined or rejected, by their
 *   status now (held, released, deleted) and their most frequent
 *   envelope sender domains; and the audit events of the period:
 *   release.request / release.approve / release.deny /
 *   release.deliver grouped by item, login.failed by account,
 *   login.mfa refused, account.locked, and health.alert (written by
 *   `mukaika health` when the check levels change).  The text follows the
 *   totals of stats_report.h in `mukaika report` and its mail.
 *
 * OWNERSHIP
 *   *TEXT is new (caller frees).
 *
 * FAILURE
 *   Store failures MK_ERR_TEMP (nothing in *TEXT).
 */
#ifndef MK_DIGEST_H
#define MK_DIGEST_H

#include <glib.h>

#include "store.h"

int mk_digest_text(mk_store *s, gint64 from, gint64 until, char **text, mk_error *err);

#endif
