/*
 * NAME
 *   review - release requests and two-person decisions (see review.h):
 *   the rules, the same for every backend
 *
 * DESCRIPTION
 *   Roles, the requester, accounts not yet confirmed, the item's state
 *   are checked here, above the backend; the backend's request_insert and
 *   decision_write (sq_review.c, pg_review.c) write each state change and
 *   its audit event in one transaction: if the audit row cannot be
 *   written the change is rolled back.  Each backend's schema enforces
 *   the two-person rule again (triggers).  A refusal is audited on its
 *   own (result "refused").
 *
 * NEVER
 *   Never lets the requester decide their own request (checked here before
 *   the database trigger would), never decides a request twice.
 */
#include <string.h>

#include "store_backend.h"
#include "audit.h"
#include "review.h"

/* Audit a refusal and return MK_ERR_USAGE with MSG. */
static int
refuse(mk_store *q, const mk_actor *a, const char *what, const char *item,
       gint64 now, const char *msg, mk_error *err)
{
	mk_error e2 = { 0 };

	(void)mk_audit_add(q, now, a->who, a->ip, what, item, "refused", msg, &e2);
	mk_error_set(err, MK_ERR_USAGE, "%s", msg);
	return MK_ERR_USAGE;
}

/* One open request of KIND for ITEM with its audit event WHAT (backend:
 * one transaction); an open request already there is a refusal. */
static int
insert_request(mk_store *q, const mk_actor *a, const char *item, const char *reason,
               const char *kind, const char *what, gint64 now, gint64 *req_id,
               mk_error *err)
{
	int rc = q->ops->request_insert(q, a, item, reason, kind, what, now, req_id, err);

	if (rc == MK_STORE_EXISTS)
		return refuse(q, a, what, item, now, "a request for this item is already open",
		              err);
	return rc;
}

int
mk_review_request(mk_store *q, const mk_actor *a, const char *item,
                  const char *reason, gint64 now, gint64 *req_id, mk_error *err)
{
	mk_qrecord *r = NULL;
	const char *why = NULL;
	int rc;

	*req_id = 0;
	if (!mk_qstore_valid_id(item))
		return refuse(q, a, "release.request", NULL, now, "malformed item id", err);
	if (!mk_urole_can(a->role, MK_PERM_REQUEST))
		return refuse(q, a, "release.request", item, now, "role may not request", err);
	if (reason == NULL || *reason == '\0')
		return refuse(q, a, "release.request", item, now, "a reason is required", err);
	if ((rc = mk_qstore_get(q, item, &r, err)) != 0)
		return rc;
	if (strcmp(r->status, "held") != 0)
		why = "item is not held";
	else if (mk_codes_have(r->findings, "virus"))
		why = MK_VIRUS_NO_RELEASE;
	mk_qrecord_free(&r);
	if (why != NULL)
		return refuse(q, a, "release.request", item, now, why, err);
	return insert_request(q, a, item, reason, "release", "release.request", now, req_id,
	                      err);
}

int
mk_review_delete(mk_store *q, const mk_actor *a, const char *item, gint64 now,
                 gint64 *req_id, mk_error *err)
{
	mk_qrecord *r = NULL;
	int rc;

	*req_id = 0;
	if (!mk_qstore_valid_id(item))
		return refuse(q, a, "item.delete", NULL, now, "malformed item id", err);
	if (!mk_urole_can(a->role, MK_PERM_ADMIN))
		return refuse(q, a, "item.delete", item, now, "only an admin may delete", err);
	if ((rc = mk_qstore_get(q, item, &r, err)) != 0)
		return rc;
	mk_qrecord_free(&r);
	return insert_request(q, a, item, "delete", "delete", "item.delete.request", now,
	                      req_id, err);
}

void
mk_request_free(mk_request **rp)
{
	mk_request *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	g_free(r->item);
	g_free(r->requester);
	g_free(r->reason);
	g_free(r->status);
	g_free(r->approver);
	g_free(r->comment);
	g_free(r->subject);
	g_free(r->sender);
	g_free(r->kind);
	g_free(r);
	*rp = NULL;
}

static bool
is_delete(const mk_request *r)
{
	return g_strcmp0(r->kind, "delete") == 0;
}

static const char *
decision_event(const mk_request *r, bool approve)
{
	if (is_delete(r))
		return approve ? "item.delete.approve" : "item.delete.deny";
	return approve ? "release.approve" : "release.deny";
}

/* Why A may not decide R under the two-person rule for accounts: one of
 * them was set up or reset by the other and no third admin confirmed it
 * (users.granted_by), or A's own grant awaits confirmation at all
 * (pending, users.h); NULL when A may.  The triggers decisions_unconfirmed
 * and decisions_pending say the same. */
static const char *
unconfirmed(mk_store *q, const mk_actor *a, const mk_request *r)
{
	mk_user *u = NULL;
	const char *why = NULL;

	if (mk_user_get(q, a->who, &u, NULL) != 0)
		;                       /* no account row: the role decides */
	else if (g_strcmp0(u->granted_by, r->requester) == 0)
		why = "two-person rule: your account was set up or reset by the requester "
		      "and no other admin has confirmed it (mukaika user confirm)";
	else if (u->granted_by != NULL)
		why = "two-person rule: your account awaits confirmation by a second admin "
		      "(mukaika user confirm) and cannot decide yet";
	mk_user_free(&u);
	if (why == NULL && mk_user_get(q, r->requester, &u, NULL) == 0 &&
	    g_strcmp0(u->granted_by, a->who) == 0)
		why = "two-person rule: you set up or reset the requester's account and no "
		      "other admin has confirmed it (mukaika user confirm)";
	mk_user_free(&u);
	return why;
}

/* An approved deletion takes effect at once; the item's requests go with
 * it, the audit events stay. */
static int
delete_approved(mk_store *q, const mk_actor *a, const mk_request *r, gint64 now,
                mk_error *err)
{
	char *detail = g_strdup_printf("requested by %s, approved by %s", r->requester, a->who);
	int rc = mk_qstore_delete(q, r->item, err);

	(void)mk_audit_add(q, now, a->who, a->ip, "item.delete", r->item,
	                   rc == 0 ? "ok" : "failed", rc == 0 ? detail : err->msg, NULL);
	g_free(detail);
	return rc;
}

int
mk_review_decide(mk_store *q, const mk_actor *a, gint64 req_id, bool approve,
                 const char *comment, gint64 now, mk_error *err)
{
	const char *what, *why;
	mk_request *r = NULL;
	int rc;

	if ((rc = mk_review_get(q, req_id, &r, err)) != 0)
		return rc;
	what = decision_event(r, approve);
	if (!mk_urole_can(a->role, is_delete(r) ? MK_PERM_ADMIN : MK_PERM_DECIDE))
		rc = refuse(q, a, what, r->item, now, is_delete(r) ? "only an admin may decide "
		            "a deletion" : "role may not approve or deny", err);
	else if (strcmp(r->requester, a->who) == 0)
		rc = refuse(q, a, what, r->item, now,
		            "two-person rule: the requester cannot decide their own request", err);
	else if ((why = unconfirmed(q, a, r)) != NULL)
		rc = refuse(q, a, what, r->item, now, why, err);
	else if (strcmp(r->status, "pending") != 0)
		rc = refuse(q, a, what, r->item, now, "request is not pending", err);
	else if ((rc = q->ops->decision_write(q, a, r, approve, comment, what, now,
	                                      err)) == 0 && approve && is_delete(r))
		rc = delete_approved(q, a, r, now, err);
	mk_request_free(&r);
	return rc;
}

