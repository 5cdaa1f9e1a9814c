/*
 * NAME
 *   sq_ops - the SQLite backend's table of functions (store_backend.h)
 *
 * DESCRIPTION
 *   Also the helpers every sq_* file shares: the one SQLite error helper
 *   and the transaction pair that moves the audit checkpoint on commit.
 *   The operations live in qstore.c, qsearch.c (items and originals),
 *   users.c, session.c (accounts, sessions), review.c (requests,
 *   decisions), exceptions.c and audit.c.  Schema: qstore.c's migrations
 *   and review_sql.h.
 */
#include "store_int.h"

int
mk_sq_fail(sqlite3 *db, mk_error *err, const char *what)
{
	mk_error_set(err, MK_ERR_TEMP, "store: %s: %s", what,
	             db != NULL ? sqlite3_errmsg(db) : "no handle");
	return MK_ERR_TEMP;
}

int
sq_begin(mk_store *q, mk_error *err)
{
	if (sqlite3_exec(SQ(q)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return mk_sq_fail(SQ(q)->db, err, "begin");
	return 0;
}

int
sq_end(mk_store *q, int rc, mk_error *err)
{
	if (rc == 0 && sqlite3_exec(SQ(q)->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = mk_sq_fail(SQ(q)->db, err, "commit");
	if (rc != 0) {
		sqlite3_exec(SQ(q)->db, "ROLLBACK", NULL, NULL, NULL);
		q->head_id = 0;             /* that event is gone */
	} else {
		mk_store_head_flush(q);
	}
	return rc;
}

const mk_store_ops mk_store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.item_put = sq_qstore_put,
	.item_get = sq_qstore_get,
	.item_list = sq_qstore_list,
	.item_object = sq_qstore_object,
	.item_search = sq_qstore_search,
	.item_count = sq_qstore_count,
	.item_set_status = sq_qstore_set_status,
	.item_set_result = sq_qstore_set_result,
	.item_delete = sq_qstore_delete,
	.item_purge = sq_qstore_purge,
	.user_add = sq_user_add,
	.user_reset = sq_user_reset,
	.user_confirm = sq_user_confirm,
	.user_change_password = sq_user_change_password,
	.user_set_disabled = sq_user_set_disabled,
	.user_set_role = sq_user_set_role,
	.user_get = sq_user_get,
	.user_list = sq_user_list,
	.user_count = sq_user_count,
	.user_login = sq_user_login,
	.session_new = sq_session_new,
	.session_check = sq_session_check,
	.session_end = sq_session_end,
	.request_insert = sq_request_insert,
	.decision_write = sq_decision_write,
	.review_list = sq_review_list,
	.review_get = sq_review_get,
	.review_set_status = sq_review_set_status,
	.exception_insert = sq_exception_insert,
	.exception_update = sq_exception_update,
	.exception_list = sq_exception_list,
	.stats_add = sq_stats_add,
	.stats_list = sq_stats_list,
	.audit_add = sq_audit_add,
	.audit_list = sq_audit_list,
	.audit_count = sq_audit_count,
	.audit_purge = sq_audit_purge,
	.audit_verify = sq_audit_verify,
	.user_delete = sq_user_delete,
	.audit_reanchor = sq_audit_reanchor,
	.mfa_get = sq_mfa_get,
	.mfa_enrol = sq_mfa_enrol,
	.mfa_confirm = sq_mfa_confirm,
	.mfa_use_step = sq_mfa_use_step,
	.mfa_use_recovery = sq_mfa_use_recovery,
	.mfa_clear = sq_mfa_clear,
};
