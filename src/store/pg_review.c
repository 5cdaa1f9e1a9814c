/*
 * NAME
 *   pg_review - the PostgreSQL backend's release requests, decisions and
 *   policy exceptions (the rules: review.c, exceptions.c)
 *
 * DESCRIPTION
 *   request_insert and decision_write write one state change and its
 *   audit event in one transaction.  The decision flips the request from
 *   pending in one UPDATE, so two approvers on two hosts cannot both
 *   decide it; the schema's triggers (pg_schema.c) refuse a decision by
 *   the requester or an unconfirmed account, and an exception approved by
 *   its proposer.
 *
 * FAILURE
 *   Database MK_ERR_TEMP; an open request for the item MK_STORE_EXISTS;
 *   decided meanwhile or refused by a trigger MK_ERR_USAGE.
 */
#include <string.h>

#include "pg_int.h"

int
pg_request_insert(mk_store *s, const mk_actor *a, const char *item, const char *reason,
                  const char *kind, const char *what, gint64 now, gint64 *req_id,
                  mk_error *err)
{
	char b[24];
	const char *p[] = { item, a->who, pg_i64(b, now), reason, kind };
	PGresult *r;
	int rc;

	if ((rc = pg_begin(s, err)) != 0)
		return rc;
	r = pg_run(s, "request", "INSERT INTO requests (item, requester, created, reason, kind) "
	           "VALUES ($1, $2, $3, $4, $5) RETURNING id", 5, p, err);
	if (r == NULL) {
		rc = strcmp(PG(s)->sqlstate, PG_UNIQUE) == 0 ? MK_STORE_EXISTS : MK_ERR_TEMP;
		pg_end(s, MK_ERR_TEMP, NULL);
		return rc;
	}
	*req_id = pg_int(r, 0, 0);
	PQclear(r);
	rc = mk_audit_add(s, now, a->who, a->ip, what, item, "ok", reason, err);
	return pg_end(s, rc, err);
}

static int
write_decision(mk_store *s, const mk_actor *a, const mk_request *r, bool approve,
               const char *comment, const char *what, gint64 now, mk_error *err)
{
	char b1[24], b2[24];
	const char *p[] = { pg_i64(b1, r->id), a->who, pg_i64(b2, now),
	                    approve ? "approve" : "deny", comment ? comment : "" };
	const char *u[] = { p[0], approve ? "approved" : "denied" };
	int n = 0, rc;

	rc = pg_cmd(s, "decision", "INSERT INTO decisions (request, approver, created, "
	            "decision, comment) VALUES ($1, $2, $3, $4, $5)", 5, p, NULL, err);
	if (rc != 0 && strcmp(PG(s)->sqlstate, PG_CHECK) == 0) {
		err->code = MK_ERR_USAGE;
		return MK_ERR_USAGE;
	}
	if (rc != 0 || (rc = pg_cmd(s, "decision", "UPDATE requests SET status = $2 WHERE "
	                            "id = $1 AND status = 'pending'", 2, u, &n, err)) != 0)
		return rc;
	if (n != 1) {
		mk_error_set(err, MK_ERR_USAGE, "request was decided meanwhile");
		return MK_ERR_USAGE;
	}
	return mk_audit_add(s, now, a->who, a->ip, what, r->item, "ok", comment, err);
}

int
pg_decision_write(mk_store *s, const mk_actor *a, const mk_request *r, bool approve,
                  const char *comment, const char *what, gint64 now, mk_error *err)
{
	int rc;

	if ((rc = pg_begin(s, err)) != 0)
		return rc;
	return pg_end(s, write_decision(s, a, r, approve, comment, what, now, err), err);
}

#define REQ_SELECT "SELECT r.id, r.created, r.item, r.requester, r.reason, r.status, " \
	"d.approver, d.comment, d.created, i.subject, i.sender, r.kind " \
	"FROM requests r LEFT JOIN decisions d ON d.request = r.id " \
	"LEFT JOIN items i ON i.id = r.item "

static mk_request *
row_request(const PGresult *r, int i)
{
	mk_request *q = g_new0(mk_request, 1);

	q->id = pg_int(r, i, 0);
	q->created = pg_int(r, i, 1);
	q->item = pg_text(r, i, 2);
	q->requester = pg_text(r, i, 3);
	q->reason = pg_text(r, i, 4);
	q->status = pg_text(r, i, 5);
	q->approver = pg_text(r, i, 6);
	q->comment = pg_text(r, i, 7);
	q->decided = pg_int(r, i, 8);
	q->subject = pg_text(r, i, 9);
	q->sender = pg_text(r, i, 10);
	q->kind = pg_text(r, i, 11);
	return q;
}

int
pg_review_get(mk_store *s, gint64 req_id, mk_request **out, mk_error *err)
{
	char b[24];
	const char *p[] = { pg_i64(b, req_id) };
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "request", REQ_SELECT "WHERE r.id = $1::bigint", 1, p, err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0)
		*out = row_request(r, 0);
	PQclear(r);
	if (*out == NULL) {
		mk_error_set(err, MK_ERR_NOINPUT, "no request %" G_GINT64_FORMAT, req_id);
		return MK_ERR_NOINPUT;
	}
	return 0;
}

static void
request_free_func(gpointer p)
{
	mk_request *r = p;

	mk_request_free(&r);
}

int
pg_review_list(mk_store *s, const char *status, const char *item, GPtrArray **out,
               mk_error *err)
{
	const char *p[] = { status ? status : "", item ? item : "" };
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "requests", REQ_SELECT "WHERE ($1::text = '' OR r.status = $1) AND "
	                "($2::text = '' OR r.item = $2) ORDER BY r.id DESC", 2, p, err)) == NULL)
		return MK_ERR_TEMP;
	*out = g_ptr_array_new_with_free_func(request_free_func);
	for (int i = 0; i < PQntuples(r); i++)
		g_ptr_array_add(*out, row_request(r, i));
	PQclear(r);
	return 0;
}

int
pg_review_set_status(mk_store *s, gint64 id, const char *from, const char *to,
                     int *changed, mk_error *err)
{
	char b[24];
	const char *p[] = { pg_i64(b, id), from, to };
	int n = 0;
	int rc = pg_cmd(s, "request status", "UPDATE requests SET status = $3 WHERE "
	                "id = $1::bigint AND status = $2", 3, p, &n, err);

	if (rc == 0 && changed != NULL)
		*changed = n;
	return rc;
}

/* --- policy exceptions --------------------------------------------------- */

int
pg_exception_insert(mk_store *s, const mk_actor *a, const char *pattern,
                    const char *action, const char *reason, gint64 expires, gint64 now,
                    gint64 *id, mk_error *err)
{
	char b1[24], b2[24];
	const char *p[] = { pattern, action, reason, a->who, pg_i64(b1, now),
	                    pg_i64(b2, expires) };
	PGresult *r = pg_run(s, "exceptions", "INSERT INTO exceptions (pattern, action, reason, "
	                     "requester, created, expires) VALUES ($1,$2,$3,$4,$5,$6) "
	                     "RETURNING id", 6, p, err);

	if (r == NULL)
		return MK_ERR_TEMP;
	*id = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_exception_update(mk_store *s, const mk_actor *a, gint64 id, gint64 now, bool approve,
                    int *changed, mk_error *err)
{
	char b1[24], b2[24];
	const char *p[] = { pg_i64(b1, id), a->who, pg_i64(b2, now) };
	int rc;

	*changed = 0;
	rc = pg_cmd(s, "exceptions", approve
	            ? "UPDATE exceptions SET approver = $2, approved = $3 WHERE id = $1 AND "
	              "approver IS NULL AND revoked IS NULL"
	            : "UPDATE exceptions SET revoked = $3 WHERE id = $1 AND revoked IS NULL "
	              "AND $2::text IS NOT NULL", 3, p, changed, err);
	if (rc != 0 && strcmp(PG(s)->sqlstate, PG_CHECK) == 0) {
		err->code = MK_ERR_USAGE;
		return MK_ERR_USAGE;
	}
	return rc;
}

static void
exc_free_func(gpointer p)
{
	mk_exception *e = p;

	mk_exception_free(&e);
}

int
pg_exception_list(mk_store *s, GPtrArray **out, mk_error *err)
{
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "exceptions", "SELECT id, pattern, action, reason, requester, "
	                "approver, created, coalesce(approved, 0), expires, "
	                "coalesce(revoked, 0) FROM exceptions ORDER BY id DESC", 0, NULL,
	                err)) == NULL)
		return MK_ERR_TEMP;
	*out = g_ptr_array_new_with_free_func(exc_free_func);
	for (int i = 0; i < PQntuples(r); i++) {
		mk_exception *e = g_new0(mk_exception, 1);

		e->id = pg_int(r, i, 0);
		e->pattern = pg_text(r, i, 1);
		e->action = pg_text(r, i, 2);
		e->reason = pg_text(r, i, 3);
		e->requester = pg_text(r, i, 4);
		e->approver = pg_text(r, i, 5);
		e->created = pg_int(r, i, 6);
		e->approved = pg_int(r, i, 7);
		e->expires = pg_int(r, i, 8);
		e->revoked = pg_int(r, i, 9);
		g_ptr_array_add(*out, e);
	}
	PQclear(r);
	return 0;
}
