/*
 * NAME
 *   pg_ops - the PostgreSQL backend's table of functions (store_backend.h)
 *
 * DESCRIPTION
 *   One database for several gateways and review hosts: items, originals
 *   (chunked bytea), accounts, sessions, requests, decisions, exceptions,
 *   processed rows and the audit chain.  Connection and reconnect:
 *   pg_conn.c; schema and migrations: pg_schema.c; the operations:
 *   pg_items.c, pg_users.c, pg_review.c, pg_audit.c, pg_mfa.c.
 */
#include "pg_int.h"

const mk_store_ops mk_store_postgresql_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.item_put = pg_item_put,
	.item_get = pg_item_get,
	.item_list = pg_item_list,
	.item_object = pg_item_object,
	.item_search = pg_item_search,
	.item_count = pg_item_count,
	.item_set_status = pg_item_set_status,
	.item_set_result = pg_item_set_result,
	.item_delete = pg_item_delete,
	.item_purge = pg_item_purge,
	.user_add = pg_user_add,
	.user_reset = pg_user_reset,
	.user_confirm = pg_user_confirm,
	.user_delete = pg_user_delete,
	.user_change_password = pg_user_change_password,
	.user_set_disabled = pg_user_set_disabled,
	.user_set_role = pg_user_set_role,
	.user_get = pg_user_get,
	.user_list = pg_user_list,
	.user_count = pg_user_count,
	.user_login = pg_user_login,
	.session_new = pg_session_new,
	.session_check = pg_session_check,
	.session_end = pg_session_end,
	.request_insert = pg_request_insert,
	.decision_write = pg_decision_write,
	.review_list = pg_review_list,
	.review_get = pg_review_get,
	.review_set_status = pg_review_set_status,
	.exception_insert = pg_exception_insert,
	.exception_update = pg_exception_update,
	.exception_list = pg_exception_list,
	.stats_add = pg_stats_add,
	.stats_list = pg_stats_list,
	.audit_add = pg_audit_add,
	.audit_list = pg_audit_list,
	.audit_count = pg_audit_count,
	.audit_purge = pg_audit_purge,
	.audit_verify = pg_audit_verify,
	.mfa_get = pg_mfa_get,
	.mfa_enrol = pg_mfa_enrol,
	.mfa_confirm = pg_mfa_confirm,
	.mfa_use_step = pg_mfa_use_step,
	.mfa_use_recovery = pg_mfa_use_recovery,
	.mfa_clear = pg_mfa_clear,
};
