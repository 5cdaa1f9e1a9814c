/*
 * NAME
 *   store_int.h - internals of the SQLite store shared by the files of
 *   src/store/ (never included outside it)
 *
 * DESCRIPTION
 *   The SQLite backend's handle (struct mk_store first, then its state),
 *   the one SQLite error helper, the item row reader and the sq_*
 *   operations its table (sq_ops.c) lists.
 */
#ifndef MK_STORE_INT_H
#define MK_STORE_INT_H

#include <sqlite3.h>

#include "store_backend.h"

#define QSTORE_ITEM_COLS "id, channel, sender, recipients, subject, verdict, " \
	"findings, report, sha256, size, received, expires, status"

typedef struct sq_store {
	struct mk_store base;
	sqlite3 *db;
	char *dir;          /* quarantine.dir */
	char *objdir;       /* DIR/objects */
	char *tmpdir;       /* DIR/tmp */
	gint64 retention_days;
	sqlite3_stmt *st_put, *st_get, *st_list;
} sq_store;

#define SQ(s) ((sq_store *)(s))

mk_store *sq_open(const mk_config *cfg, mk_error *err);
void sq_close(mk_store *s);

/* The connection of S (borrowed). */
sqlite3 *mk_sq_db(mk_store *s);
/* Set ERR to MK_ERR_TEMP "store: WHAT: sqlite message"; returns MK_ERR_TEMP. */
int mk_sq_fail(sqlite3 *db, mk_error *err, const char *what);

/* BEGIN IMMEDIATE. */
int sq_begin(mk_store *q, mk_error *err);
/* COMMIT when RC is 0 (the audit checkpoint then moves to the event the
 * transaction wrote), else ROLLBACK; returns RC or the commit's failure. */
int sq_end(mk_store *q, int rc, mk_error *err);
/* Id and MAC of the newest audit event (0 and the genesis value: none). */
int sq_audit_head(sqlite3 *db, gint64 *id, char mac[65], mk_error *err);

/* DIR/objects/ab/cdef...; *sub (may be NULL) gets DIR/objects/ab.  Caller frees. */
char *qstore_object_path(mk_store *q, const char *sha, char **sub);
/* A row selected with QSTORE_ITEM_COLS; NULL + err on a bad verdict. */
mk_qrecord *qstore_row_record(sqlite3_stmt *st, mk_error *err);
int sq_stats_add(mk_store *s, const mk_qmeta *meta, gint64 size, bool stored,
                 mk_error *err);
int sq_stats_list(mk_store *s, gint64 from, gint64 until, GPtrArray **out,
                  mk_error *err);

/* The operations (meaning: the public mk_* of the same name). */
int sq_qstore_put(mk_store *s, const mk_qmeta *m, GBytes *original, mk_error *err);
int sq_qstore_get(mk_store *s, const char *id, mk_qrecord **out, mk_error *err);
int sq_qstore_list(mk_store *s, int limit, GPtrArray **out, mk_error *err);
GBytes *sq_qstore_object(mk_store *s, const char *sha256, mk_error *err);
int sq_qstore_search(mk_store *s, const mk_qfilter *f, GPtrArray **out, mk_error *err);
int sq_qstore_count(mk_store *s, const mk_qfilter *f, gint64 *n, mk_error *err);
int sq_qstore_set_status(mk_store *s, const char *id, const char *status,
                         mk_error *err);
int sq_qstore_set_result(mk_store *s, const char *id, mk_verdict verdict,
                         const char *findings, const char *report_json, mk_error *err);
int sq_qstore_delete(mk_store *s, const char *id, mk_error *err);
int sq_qstore_purge(mk_store *s, gint64 now, int *n, mk_error *err);
int sq_user_add(mk_store *s, const char *name, mk_urole role, const char *by,
                gint64 now, char **temp_pw, mk_error *err);
int sq_user_reset(mk_store *s, const char *name, const char *by, char **temp_pw,
                  mk_error *err);
int sq_user_confirm(mk_store *s, const char *name, const char *by, mk_error *err);
int sq_user_delete(mk_store *s, const char *name, mk_error *err);
int sq_user_change_password(mk_store *s, const char *name, const char *old_pw,
                            const char *new_pw, const mk_auth_policy *pol,
                            mk_error *err);
int sq_user_set_disabled(mk_store *s, const char *name, bool disabled, mk_error *err);
int sq_user_set_role(mk_store *s, const char *name, mk_urole role, const char *by,
                     mk_error *err);
int sq_user_get(mk_store *s, const char *name, mk_user **out, mk_error *err);
int sq_user_list(mk_store *s, GPtrArray **out, mk_error *err);
int sq_user_count(mk_store *s, gint64 *n, mk_error *err);
int sq_user_login(mk_store *s, const char *name, const char *pw, const char *ip,
                  gint64 now, const mk_auth_policy *pol, mk_login *out, mk_error *err);
int sq_session_new(mk_store *s, const char *user, const char *ip, gint64 now,
                   char **token, mk_error *err);
int sq_session_check(mk_store *s, const char *token, gint64 now,
                     const mk_auth_policy *pol, mk_session **out, mk_error *err);
int sq_session_end(mk_store *s, const char *token, mk_error *err);
int sq_request_insert(mk_store *s, const mk_actor *a, const char *item,
                      const char *reason, const char *kind, const char *what,
                      gint64 now, gint64 *req_id, mk_error *err);
int sq_decision_write(mk_store *s, const mk_actor *a, const mk_request *r, bool approve,
                      const char *comment, const char *what, gint64 now, mk_error *err);
int sq_review_list(mk_store *s, const char *status, const char *item, GPtrArray **out,
                   mk_error *err);
int sq_review_get(mk_store *s, gint64 req_id, mk_request **out, mk_error *err);
int sq_review_set_status(mk_store *s, gint64 id, const char *from, const char *to,
                         int *changed, mk_error *err);
int sq_exception_insert(mk_store *s, const mk_actor *a, const char *pattern,
                        const char *action, const char *reason, gint64 expires,
                        gint64 now, gint64 *id, mk_error *err);
int sq_exception_update(mk_store *s, const mk_actor *a, gint64 id, gint64 now,
                        bool approve, int *changed, mk_error *err);
int sq_exception_list(mk_store *s, GPtrArray **out, mk_error *err);
int sq_audit_add(mk_store *s, gint64 now, const char *who, const char *ip,
                 const char *what, const char *item, const char *result,
                 const char *detail, mk_error *err);
int sq_audit_list(mk_store *s, const mk_audit_filter *f, GPtrArray **out,
                  mk_error *err);
int sq_audit_count(mk_store *s, const char *what, const char *item, const char *result,
                   gint64 since, gint64 *n, mk_error *err);
int sq_audit_purge(mk_store *s, gint64 now, gint64 retention_days, int *n,
                   mk_error *err);
int sq_audit_verify(mk_store *s, gint64 *bad, char **why, mk_error *err);
int sq_audit_reanchor(mk_store *s, const char *who, gint64 now, gint64 *first,
                      gint64 *last, mk_error *err);
int sq_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err);
int sq_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len, gint64 now,
                 mk_error *err);
int sq_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
                   mk_error *err);
int sq_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err);
int sq_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err);
int sq_mfa_clear(mk_store *s, const char *user, mk_error *err);

#endif
