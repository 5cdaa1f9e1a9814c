/*
 * NAME
 *   pg_int.h - internals of the PostgreSQL store shared by the pg_*.c
 *   files of src/store/ (never included outside it)
 *
 * DESCRIPTION
 *   The handle (struct mk_store first, then one libpq connection), the
 *   statement helpers every pg_* file uses and the pg_* operations its
 *   table (pg_ops.c) lists.  Parameters are text ($1, $2...; NULL is SQL
 *   NULL) and results text, except the originals' chunks (bytea, binary
 *   both ways).
 *
 *   A handle is one connection, used by one thread at a time; a process
 *   keeps as many as it has threads that touch the store (the web's pool,
 *   web_pool.c; the engine's port; dropd's handler) - that is the pool.
 *   A lost connection is reset before the next transaction or read
 *   (never a write retried blindly: its outcome is unknown, the caller
 *   gets MK_ERR_TEMP and tempfails).
 */
#ifndef MK_PG_INT_H
#define MK_PG_INT_H

#include <libpq-fe.h>

#include "store_backend.h"

#define PG_ITEM_COLS "id, channel, sender, recipients, subject, verdict, " \
	"findings, report, sha256, size, received, expires, status"

typedef struct pg_store {
	struct mk_store base;
	PGconn *conn;
	char *conninfo;            /* store.postgresql */
	gint64 retention_days;     /* quarantine.retention_days */
	int in_tx;                 /* a transaction of ours is open */
	char sqlstate[6];          /* of the last failed statement */
} pg_store;

#define PG(s) ((pg_store *)(s))

/* SQLSTATEs the operations tell apart. */
#define PG_UNIQUE "23505"
#define PG_CHECK "23514"       /* also raised by the two-person triggers */

/* Format V into BUF (for a text parameter); returns BUF. */
const char *pg_i64(char buf[24], gint64 v);

/* Run SQL with N text parameters V; the result (caller PQclear()s) or
 * NULL with ERR set (MK_ERR_TEMP "store: WHAT: message") and sqlstate. */
PGresult *pg_run(mk_store *s, const char *what, const char *sql, int n,
                 const char *const *v, mk_error *err);
/* As pg_run for a statement without rows; *changes (may be NULL) = rows. */
int pg_cmd(mk_store *s, const char *what, const char *sql, int n,
           const char *const *v, int *changes, mk_error *err);
/* A text cell (NULL for SQL NULL), copied (caller frees). */
char *pg_text(const PGresult *r, int row, int col);
gint64 pg_int(const PGresult *r, int row, int col);

/* BEGIN (resets a lost connection first); pg_end: COMMIT when RC is 0
 * (the audit checkpoint then moves), else ROLLBACK; returns RC or the
 * commit's failure. */
int pg_begin(mk_store *s, mk_error *err);
int pg_end(mk_store *s, int rc, mk_error *err);

/* Store DATA as the chunks of original SHA unless they are there (inside
 * the caller's transaction). */
int pg_object_write(mk_store *s, const char *sha, GBytes *data, mk_error *err);

mk_store *pg_open(const mk_config *cfg, mk_error *err);
void pg_close(mk_store *s);
/* Bring the schema to the newest version (pg_schema.c). */
int pg_migrate(mk_store *s, mk_error *err);

/* The operations (meaning: the public mk_* of the same name). */
int pg_item_put(mk_store *s, const mk_qmeta *m, GBytes *original, mk_error *err);
int pg_item_get(mk_store *s, const char *id, mk_qrecord **out, mk_error *err);
int pg_item_list(mk_store *s, int limit, GPtrArray **out, mk_error *err);
GBytes *pg_item_object(mk_store *s, const char *sha256, mk_error *err);
int pg_item_search(mk_store *s, const mk_qfilter *f, GPtrArray **out, mk_error *err);
int pg_item_count(mk_store *s, const mk_qfilter *f, gint64 *n, mk_error *err);
int pg_item_set_status(mk_store *s, const char *id, const char *status, mk_error *err);
int pg_item_set_result(mk_store *s, const char *id, mk_verdict verdict,
                       const char *findings, const char *report_json, mk_error *err);
int pg_item_delete(mk_store *s, const char *id, mk_error *err);
int pg_item_purge(mk_store *s, gint64 now, int *n, mk_error *err);
int pg_stats_add(mk_store *s, const mk_qmeta *meta, gint64 size, bool stored,
                 mk_error *err);
int pg_stats_list(mk_store *s, gint64 from, gint64 until, GPtrArray **out,
                  mk_error *err);
int pg_user_add(mk_store *s, const char *name, mk_urole role, const char *by,
                gint64 now, char **temp_pw, mk_error *err);
int pg_user_reset(mk_store *s, const char *name, const char *by, char **temp_pw,
                  mk_error *err);
int pg_user_confirm(mk_store *s, const char *name, const char *by, mk_error *err);
/* Sessions and second factor go with the row (ON DELETE CASCADE). */
int pg_user_delete(mk_store *s, const char *name, mk_error *err);
int pg_user_change_password(mk_store *s, const char *name, const char *old_pw,
                            const char *new_pw, const mk_auth_policy *pol,
                            mk_error *err);
int pg_user_set_disabled(mk_store *s, const char *name, bool disabled, mk_error *err);
int pg_user_set_role(mk_store *s, const char *name, mk_urole role, const char *by,
                     mk_error *err);
int pg_user_get(mk_store *s, const char *name, mk_user **out, mk_error *err);
int pg_user_list(mk_store *s, GPtrArray **out, mk_error *err);
int pg_user_count(mk_store *s, gint64 *n, mk_error *err);
int pg_user_login(mk_store *s, const char *name, const char *pw, const char *ip,
                  gint64 now, const mk_auth_policy *pol, mk_login *out, mk_error *err);
int pg_session_new(mk_store *s, const char *user, const char *ip, gint64 now,
                   char **token, mk_error *err);
int pg_session_check(mk_store *s, const char *token, gint64 now,
                     const mk_auth_policy *pol, mk_session **out, mk_error *err);
int pg_session_end(mk_store *s, const char *token, mk_error *err);
int pg_request_insert(mk_store *s, const mk_actor *a, const char *item,
                      const char *reason, const char *kind, const char *what,
                      gint64 now, gint64 *req_id, mk_error *err);
int pg_decision_write(mk_store *s, const mk_actor *a, const mk_request *r, bool approve,
                      const char *comment, const char *what, gint64 now, mk_error *err);
int pg_review_list(mk_store *s, const char *status, const char *item, GPtrArray **out,
                   mk_error *err);
int pg_review_get(mk_store *s, gint64 req_id, mk_request **out, mk_error *err);
int pg_review_set_status(mk_store *s, gint64 id, const char *from, const char *to,
                         int *changed, mk_error *err);
int pg_exception_insert(mk_store *s, const mk_actor *a, const char *pattern,
                        const char *action, const char *reason, gint64 expires,
                        gint64 now, gint64 *id, mk_error *err);
int pg_exception_update(mk_store *s, const mk_actor *a, gint64 id, gint64 now,
                        bool approve, int *changed, mk_error *err);
int pg_exception_list(mk_store *s, GPtrArray **out, mk_error *err);
int pg_audit_add(mk_store *s, gint64 now, const char *who, const char *ip,
                 const char *what, const char *item, const char *result,
                 const char *detail, mk_error *err);
int pg_audit_list(mk_store *s, const mk_audit_filter *f, GPtrArray **out,
                  mk_error *err);
int pg_audit_count(mk_store *s, const char *what, const char *item, const char *result,
                   gint64 since, gint64 *n, mk_error *err);
int pg_audit_purge(mk_store *s, gint64 now, gint64 retention_days, int *n,
                   mk_error *err);
int pg_audit_verify(mk_store *s, gint64 *bad, char **why, mk_error *err);
int pg_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err);
int pg_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len, gint64 now,
                 mk_error *err);
int pg_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
                   mk_error *err);
int pg_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err);
int pg_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err);
int pg_mfa_clear(mk_store *s, const char *user, mk_error *err);

#endif
