/*
 * NAME
 *   audit - the append-only record of who did what, when, from where
 *
 * SUMMARY
 *   mk_audit_add(s, now, "alice", "192.0.2.1", "release.request", id, "ok",
 *                "reason text", err);
 *   mk_audit_list(s, &filter, &rows, err);
 *   mk_audit_purge(s, retention_days, &n, err);
 *   mk_audit_verify(s, &bad_id, &why, err);
 *
 * DESCRIPTION
 *   Events: who (account, "cli:NAME" from the shell, or "-" before login),
 *   ip (client address, "local" for the CLI), what (dotted verb, e.g.
 *   login, login.locked, release.request, release.approve, release.deny,
 *   release.deliver, item.delete, item.purge, user.add, session.expired),
 *   item (quarantine id or account name), result ("ok", "refused",
 *   "failed") and a one-line detail.
 *
 *   Append-only (DESIGN §5, retention by audit.retention_days): the table
 *   refuses UPDATE always and DELETE of any row younger than the retention
 *   in audit_keep (triggers, review_sql.h).  mk_audit_purge() is the one
 *   delete path: in one transaction it records the retention it applies in
 *   audit_keep, deletes older rows (the trigger lets only those through)
 *   and appends an "audit.purge" event.  Rows are chained with a keyed
 *   MAC whose key and checkpoint live outside the database
 *   (src/store/audit_chain.h); verify() finds any event changed,
 *   inserted or removed, the oldest and the newest included.
 *
 * FAILURE
 *   store failures are MK_ERR_TEMP.  A caller that cannot write its audit
 *   event must not perform (or must roll back) the action it describes.
 */
#ifndef MK_AUDIT_H
#define MK_AUDIT_H

#include <glib.h>

#include "store.h"

#include "mk_error.h"

typedef struct mk_audit_row {
	gint64 id, ts;
	char *who, *ip, *what, *item, *result, *detail;
} mk_audit_row;

typedef struct mk_audit_filter {
	gint64 since, until;     /* 0 = open */
	const char *who, *what, *item;   /* exact; what also matches a prefix "release." */
	int limit, offset;       /* limit 0 = all; newest first */
} mk_audit_filter;

int mk_audit_add(mk_store *s, gint64 now, const char *who, const char *ip,
                 const char *what, const char *item, const char *result,
                 const char *detail, mk_error *err);
/* Array of mk_audit_row* (free func set). */
int mk_audit_list(mk_store *s, const mk_audit_filter *f, GPtrArray **out,
                  mk_error *err);
int mk_audit_purge(mk_store *s, gint64 now, gint64 retention_days, int *n,
                   mk_error *err);
/* *n = events WHAT on ITEM with RESULT at or after SINCE. */
int mk_audit_count(mk_store *s, const char *what, const char *item,
                   const char *result, gint64 since, gint64 *n, mk_error *err);
/* The chain from its first event (event 1, or where the last purge says
 * it starts) to its head, every MAC, and the head not behind the
 * checkpoint.  0 and *bad = 0 when all holds; else 0 with *bad = the first
 * bad event's id (-1: the chain as a whole, e.g. newest events removed)
 * and *why (may be NULL; caller frees) saying what is wrong. */
int mk_audit_verify(mk_store *s, gint64 *bad, char **why, mk_error *err);
/* After an upgrade from a mukaika whose audit chain was not keyed: anchor
 * the oldest kept events that hold as an unkeyed chain, followed by an
 * intact keyed chain, with a keyed audit.reanchor event (WHO: the admin);
 * verify then checks them by the old rule (audit_verify.c).  *first and
 * *last: the segment.  MK_ERR_USAGE when there is nothing to anchor, it is
 * anchored already, or the chain is broken elsewhere. */
int mk_audit_reanchor(mk_store *s, const char *who, gint64 now, gint64 *first,
                      gint64 *last, mk_error *err);
/* A config.load event for CFG by PROGRAM ("mukaika-web"..., "cli");
 * IF_CHANGED: only when the newest config.load names another file or
 * hash (audit_config.c). */
int mk_audit_config_load(mk_store *s, const mk_config *cfg, const char *program,
                         bool if_changed, gint64 now, mk_error *err);
/* The same for a daemon: opens the store for the event; a failure is
 * logged (warning), the daemon goes on. */
void mk_audit_config_note(const mk_config *cfg, const char *program);
/* CSV (RFC 4180, cells starting = + - @ prefixed with ') / JSON lines. */
char *mk_audit_csv(GPtrArray *rows);
char *mk_audit_json(GPtrArray *rows);
void mk_audit_row_free(mk_audit_row **r);

#endif
