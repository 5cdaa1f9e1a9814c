/*
 * NAME
 *   review - release requests, two-person decisions, policy exceptions
 *
 * SUMMARY
 *   rc = mk_review_request(q, &actor, item_id, reason, now, &req_id, err);
 *   rc = mk_review_decide(q, &actor, req_id, true, comment, now, err);
 *   (release and unlock, which sit above the engine: src/review/release.h)
 *
 * DESCRIPTION
 *   An original leaves the quarantine only through an approved request:
 *   request (operator or above; item must be held, one open request per
 *   item) -> decide (approver or above, never the requester: checked here
 *   and by a trigger) -> release (release.h).  Every step,
 *   refused ones included, is an audit event written by these functions
 *   (actor->who, actor->ip).
 *
 *   Exceptions: an admin proposes (pattern = sender address or @domain,
 *   action, reason, expiry); a different admin approves; only approved,
 *   unexpired, unrevoked exceptions are "active"; the engine applies the
 *   one matching the envelope sender (semantics in exceptions.c).
 *
 * FAILURE
 *   Not allowed (role, two-person rule, wrong state): MK_ERR_USAGE with
 *   the reason, audited as "refused".  Unknown ids MK_ERR_NOINPUT.
 */
#ifndef MK_REVIEW_H
#define MK_REVIEW_H

#include <glib.h>

#include "store.h"

#include "config.h"

/* An item with a virus finding (found when it arrived or by a PPAP
 * unlock) never leaves as its original: requests and releases refuse. */
#define MK_VIRUS_NO_RELEASE "the original holds a virus: it can never be released " \
	"(delete it, or use its sanitized copy)"

typedef struct mk_actor {
	const char *who;     /* account name */
	mk_urole role;
	const char *ip;      /* client address, "local" for the CLI */
} mk_actor;

typedef struct mk_request {
	gint64 id, created, decided;
	char *item, *requester, *reason, *status;
	char *approver, *comment;      /* NULL while pending */
	char *subject, *sender;        /* of the item, for lists */
	char *kind;                    /* "release" | "delete" */
} mk_request;

typedef struct mk_exception {
	gint64 id, created, approved, expires, revoked;
	char *pattern, *action, *reason, *requester, *approver;
} mk_exception;

int mk_review_request(mk_store *q, const mk_actor *a, const char *item,
                      const char *reason, gint64 now, gint64 *req_id,
                      mk_error *err);
int mk_review_decide(mk_store *q, const mk_actor *a, gint64 req_id,
                     bool approve, const char *comment, gint64 now,
                     mk_error *err);
/* Requests, newest first; status NULL = all, item NULL = any. */
int mk_review_list(mk_store *q, const char *status, const char *item,
                   GPtrArray **out, mk_error *err);
int mk_review_get(mk_store *q, gint64 req_id, mk_request **out, mk_error *err);
void mk_request_free(mk_request **r);
/* Request ID from status FROM to TO in one step; *changed (may be NULL) =
 * 1 when it was in FROM, 0 when not (someone else moved it). */
int mk_review_set_status(mk_store *s, gint64 id, const char *from, const char *to,
                         int *changed, mk_error *err);

/* Admin: ask to delete ITEM (*req_id).  Deleting an original is a
 * two-person action: another admin approves the request with
 * mk_review_decide(), which deletes the item at once (its requests go
 * with it; audit events stay). */
int mk_review_delete(mk_store *q, const mk_actor *a, const char *item,
                     gint64 now, gint64 *req_id, mk_error *err);

int mk_exception_propose(mk_store *q, const mk_actor *a, const char *pattern,
                         const char *action, const char *reason, gint64 expires,
                         gint64 now, gint64 *id, mk_error *err);
int mk_exception_approve(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                         mk_error *err);
int mk_exception_revoke(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                        mk_error *err);
int mk_exception_list(mk_store *q, GPtrArray **out, mk_error *err);
void mk_exception_free(mk_exception **e);
/* Approved, not revoked and not expired at NOW. */
bool mk_exception_active(const mk_exception *e, gint64 now);
/* The active exception of LIST (mk_exception*) that applies to envelope
 * SENDER at NOW, or NULL (borrowed from LIST).  An address pattern matches
 * the whole address, "@domain" its domain (case-insensitive, <> ignored).
 * Of several, the most restrictive action wins (reject > quarantine >
 * strip > sanitize > allow): a block always beats a relaxation. */
const mk_exception *mk_exception_match(const GPtrArray *list, const char *sender,
                                       gint64 now);

#endif
