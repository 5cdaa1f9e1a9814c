/*
 * NAME
 *   review - release requests and two-person decisions (see review.h)
 *
 * DESCRIPTION
 *   Each state change and its audit event are written in one transaction:
 *   if the audit row cannot be written the change is rolled back.  A
 *   refusal is audited on its own (result "refused").
 *
 * NEVER
 *   Never lets the requester decide their own request (checked here before
 *   the database trigger would), never decides a request twice.
 */
#include <string.h>

#include "store_int.h"
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

static int
step_done(sqlite3 *db, sqlite3_stmt *st, mk_error *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mk_sq_fail(db, err, "write");

	sqlite3_finalize(st);
	return rc;
}

/* One open request of KIND for ITEM by A, with its audit event WHAT, in
 * one transaction. */
static int
insert_request(mk_store *q, const mk_actor *a, const char *item, const char *reason,
               const char *kind, const char *what, gint64 now, gint64 *req_id,
               mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = sq_begin(q, err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO requests (item, requester, created, reason, "
	                       "kind) VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL)
	    != SQLITE_OK) {
		rc = mk_sq_fail(db, err, "prepare");
		goto out;
	}
	sqlite3_bind_text(st, 1, item, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		bool dup = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE;

		sqlite3_finalize(st);
		sq_end(q, MK_ERR_TEMP, NULL);
		if (dup)
			return refuse(q, a, what, item, now,
			              "a request for this item is already open", err);
		return mk_sq_fail(db, err, "insert");
	}
	sqlite3_finalize(st);
	*req_id = sqlite3_last_insert_rowid(db);
	rc = mk_audit_add(q, now, a->who, a->ip, what, item, "ok", reason, err);
out:
	return sq_end(q, rc, err);
}

int
sq_review_request(mk_store *q, const mk_actor *a, const char *item,
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
sq_review_delete(mk_store *q, const mk_actor *a, const char *item, gint64 now,
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

static const char *const REQ_SELECT =
	"SELECT r.id, r.created, r.item, r.requester, r.reason, r.status, "
	"d.approver, d.comment, d.created, i.subject, i.sender, r.kind "
	"FROM requests r LEFT JOIN decisions d ON d.request = r.id "
	"LEFT JOIN items i ON i.id = r.item ";

static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

static mk_request *
row_request(sqlite3_stmt *st)
{
	mk_request *r = g_new0(mk_request, 1);

	r->id = sqlite3_column_int64(st, 0);
	r->created = sqlite3_column_int64(st, 1);
	r->item = col(st, 2);
	r->requester = col(st, 3);
	r->reason = col(st, 4);
	r->status = col(st, 5);
	r->approver = col(st, 6);
	r->comment = col(st, 7);
	r->decided = sqlite3_column_int64(st, 8);
	r->subject = col(st, 9);
	r->sender = col(st, 10);
	r->kind = col(st, 11);
	return r;
}

int
sq_review_get(mk_store *q, gint64 req_id, mk_request **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	char *sql = g_strconcat(REQ_SELECT, "WHERE r.id = ?1", NULL);
	int rc = 0, s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		g_free(sql);
		return mk_sq_fail(db, err, "prepare");
	}
	g_free(sql);
	sqlite3_bind_int64(st, 1, req_id);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*out = row_request(st);
	} else if (s == SQLITE_DONE) {
		mk_error_set(err, MK_ERR_NOINPUT, "no request %" G_GINT64_FORMAT, req_id);
		rc = MK_ERR_NOINPUT;
	} else {
		rc = mk_sq_fail(db, err, "select");
	}
	sqlite3_finalize(st);
	return rc;
}

static void
request_free_func(gpointer p)
{
	mk_request *r = p;

	mk_request_free(&r);
}

int
sq_review_list(mk_store *q, const char *status, const char *item,
               GPtrArray **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	char *sql = g_strconcat(REQ_SELECT, "WHERE (?1 = '' OR r.status = ?1) AND "
	                        "(?2 = '' OR r.item = ?2) ORDER BY r.id DESC", NULL);
	int s;

	*out = NULL;
	s = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	g_free(sql);
	if (s != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, status ? status : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, item ? item : "", -1, SQLITE_TRANSIENT);
	*out = g_ptr_array_new_with_free_func(request_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(*out, row_request(st));
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "list");
	}
	return 0;
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

static int
write_decision(mk_store *q, const mk_actor *a, const mk_request *r, bool approve,
               const char *comment, gint64 now, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO decisions (request, approver, created, "
	                       "decision, comment) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, approve ? "approve" : "deny", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, comment ? comment : "", -1, SQLITE_TRANSIENT);
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "UPDATE requests SET status = ?2 WHERE id = ?1 AND "
	                       "status = 'pending'", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, approve ? "approved" : "denied", -1, SQLITE_STATIC);
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	if (sqlite3_changes(db) != 1) {
		mk_error_set(err, MK_ERR_USAGE, "request was decided meanwhile");
		return MK_ERR_USAGE;
	}
	return mk_audit_add(q, now, a->who, a->ip, decision_event(r, approve), r->item, "ok",
	                    comment, err);
}

int
sq_review_decide(mk_store *q, const mk_actor *a, gint64 req_id, bool approve,
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
	else if ((rc = sq_begin(q, err)) == 0 &&
	         (rc = sq_end(q, write_decision(q, a, r, approve, comment, now, err), err)) == 0 &&
	         approve && is_delete(r))
		rc = delete_approved(q, a, r, now, err);
	mk_request_free(&r);
	return rc;
}

int
sq_review_set_status(mk_store *q, gint64 id, const char *from, const char *to,
                     int *changed, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "UPDATE requests SET status = ?3 WHERE id = ?1 "
	                       "AND status = ?2", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "request status");
	else if (changed != NULL)
		*changed = sqlite3_changes(db);
	sqlite3_finalize(st);
	return rc;
}
