/*
 * NAME
 *   sq_review - the SQLite backend's release requests and decisions (the
 *   rules are review.c's)
 *
 * DESCRIPTION
 *   request_insert and decision_write each write one state change and its
 *   audit event in one BEGIN IMMEDIATE transaction.  The schema's
 *   triggers (review_sql.h) refuse a decision by the requester or by an
 *   unconfirmed account again.
 *
 * FAILURE
 *   sqlite failures MK_ERR_TEMP; an open request for the item:
 *   MK_STORE_EXISTS (nothing written); a request decided meanwhile:
 *   MK_ERR_USAGE.
 */
#include <string.h>

#include "store_int.h"
#include "audit.h"
#include "review.h"

static int
step_done(sqlite3 *db, sqlite3_stmt *st, mk_error *err)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mk_sq_fail(db, err, "write");

	sqlite3_finalize(st);
	return rc;
}

int
sq_request_insert(mk_store *q, const mk_actor *a, const char *item, const char *reason,
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

		rc = dup ? MK_STORE_EXISTS : mk_sq_fail(db, err, "insert");
		sqlite3_finalize(st);
		sq_end(q, MK_ERR_TEMP, NULL);
		return rc;
	}
	sqlite3_finalize(st);
	*req_id = sqlite3_last_insert_rowid(db);
	rc = mk_audit_add(q, now, a->who, a->ip, what, item, "ok", reason, err);
out:
	return sq_end(q, rc, err);
}

static int
write_decision(mk_store *q, const mk_actor *a, const mk_request *r, bool approve,
               const char *comment, const char *what, gint64 now, mk_error *err)
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
	return mk_audit_add(q, now, a->who, a->ip, what, r->item, "ok", comment, err);
}

int
sq_decision_write(mk_store *q, const mk_actor *a, const mk_request *r, bool approve,
                  const char *comment, const char *what, gint64 now, mk_error *err)
{
	int rc;

	if ((rc = sq_begin(q, err)) != 0)
		return rc;
	return sq_end(q, write_decision(q, a, r, approve, comment, what, now, err), err);
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

/* --- policy exceptions (the rules: exceptions.c) ------------------------- */

#define EXC_COLS "id, pattern, action, reason, requester, approver, created, " \
	"approved, expires, coalesce(revoked, 0)"

int
sq_exception_insert(mk_store *q, const mk_actor *a, const char *pattern,
                    const char *action, const char *reason, gint64 expires,
                    gint64 now, gint64 *id, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO exceptions (pattern, action, reason, "
	                       "requester, created, expires) VALUES (?1,?2,?3,?4,?5,?6)",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	sqlite3_bind_text(st, 1, pattern, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "exceptions");
	sqlite3_finalize(st);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db);
	return rc;
}

int
sq_exception_update(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                    bool approve, int *changed, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*changed = 0;
	if (sqlite3_prepare_v2(db, approve
	    ? "UPDATE exceptions SET approver = ?2, approved = ?3 WHERE id = ?1 AND "
	      "approver IS NULL AND revoked IS NULL"
	    : "UPDATE exceptions SET revoked = ?3 WHERE id = ?1 AND revoked IS NULL AND "
	      "?2 IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_errcode(db) == SQLITE_CONSTRAINT) {
			mk_error_set(err, MK_ERR_USAGE, "%s", sqlite3_errmsg(db));
			rc = MK_ERR_USAGE;
		} else {
			rc = mk_sq_fail(db, err, "exceptions");
		}
	} else {
		*changed = sqlite3_changes(db);
	}
	sqlite3_finalize(st);
	return rc;
}

static void
exc_free_func(gpointer p)
{
	mk_exception *e = p;

	mk_exception_free(&e);
}

int
sq_exception_list(mk_store *q, GPtrArray **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " EXC_COLS " FROM exceptions ORDER BY id DESC",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	*out = g_ptr_array_new_with_free_func(exc_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_exception *e = g_new0(mk_exception, 1);

		e->id = sqlite3_column_int64(st, 0);
		e->pattern = col(st, 1);
		e->action = col(st, 2);
		e->reason = col(st, 3);
		e->requester = col(st, 4);
		e->approver = col(st, 5);
		e->created = sqlite3_column_int64(st, 6);
		e->approved = sqlite3_column_int64(st, 7);
		e->expires = sqlite3_column_int64(st, 8);
		e->revoked = sqlite3_column_int64(st, 9);
		g_ptr_array_add(*out, e);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "exceptions");
	}
	return 0;
}

