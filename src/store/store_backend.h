/*
 * NAME
 *   store_backend.h - the table of functions a store backend provides
 *   (internal to src/store/)
 *
 * DESCRIPTION
 *   mk_store_open() (store.c) picks the table named by store.backend and
 *   calls its open(); every public operation of store.h is a one-line
 *   dispatch through s->ops.  A backend's handle starts with struct
 *   mk_store (its ops pointer) and keeps its own state after it, the way
 *   OpenSMTPD's queue backends are one struct of functions each.  An
 *   operation keeps the meaning, ownership and error codes its public
 *   declaration states; the rules the database enforces (two-person
 *   decisions, append-only audit) are enforced by every backend's schema.
 *
 *   Backends: sqlite (sq_*.c, qstore.c, users.c..., store_int.h) and
 *   postgresql (pg_*.c, pg_int.h).  The rules both share sit above the
 *   table (review.c, exceptions.c) or are helpers declared below
 *   (passwords, sessions, the audit walk).
 */
#ifndef MK_STORE_BACKEND_H
#define MK_STORE_BACKEND_H

#include "audit_chain.h"
#include "store.h"
#include "mfa.h"

typedef enum {
	MK_STORE_SQLITE = 0,
	MK_STORE_POSTGRESQL,
} mk_store_backend;

/* request_insert: an open request for the item exists already. */
#define MK_STORE_EXISTS 1

typedef struct mk_store_ops {
	const char *name;
	mk_store *(*open)(const mk_config *cfg, mk_error *err);
	void (*close)(mk_store *s);
	int (*item_put)(mk_store *s, const mk_qmeta *m, GBytes *original,
	                mk_error *err);
	int (*item_get)(mk_store *s, const char *id, mk_qrecord **out, mk_error *err);
	int (*item_list)(mk_store *s, int limit, GPtrArray **out, mk_error *err);
	GBytes *(*item_object)(mk_store *s, const char *sha256, mk_error *err);
	int (*item_search)(mk_store *s, const mk_qfilter *f, GPtrArray **out,
	                   mk_error *err);
	int (*item_count)(mk_store *s, const mk_qfilter *f, gint64 *n, mk_error *err);
	int (*item_set_status)(mk_store *s, const char *id, const char *status,
	                       mk_error *err);
	int (*item_set_result)(mk_store *s, const char *id, mk_verdict verdict,
	                       const char *findings, const char *report_json,
	                       mk_error *err);
	int (*item_delete)(mk_store *s, const char *id, mk_error *err);
	int (*item_purge)(mk_store *s, gint64 now, int *n, mk_error *err);
	int (*user_add)(mk_store *s, const char *name, mk_urole role, const char *by,
	                gint64 now, char **temp_pw, mk_error *err);
	int (*user_reset)(mk_store *s, const char *name, const char *by, char **temp_pw,
	                  mk_error *err);
	int (*user_confirm)(mk_store *s, const char *name, const char *by, mk_error *err);
	int (*user_change_password)(mk_store *s, const char *name, const char *old_pw,
	                            const char *new_pw, const mk_auth_policy *pol,
	                            mk_error *err);
	int (*user_set_disabled)(mk_store *s, const char *name, bool disabled,
	                         mk_error *err);
	int (*user_set_role)(mk_store *s, const char *name, mk_urole role,
	                     const char *by, mk_error *err);
	int (*user_get)(mk_store *s, const char *name, mk_user **out, mk_error *err);
	int (*user_list)(mk_store *s, GPtrArray **out, mk_error *err);
	int (*user_count)(mk_store *s, gint64 *n, mk_error *err);
	int (*user_login)(mk_store *s, const char *name, const char *pw,
	                  const char *ip, gint64 now, const mk_auth_policy *pol,
	                  mk_login *out, mk_error *err);
	int (*session_new)(mk_store *s, const char *user, const char *ip, gint64 now,
	                   char **token, mk_error *err);
	int (*session_check)(mk_store *s, const char *token, gint64 now,
	                     const mk_auth_policy *pol, mk_session **out,
	                     mk_error *err);
	int (*session_end)(mk_store *s, const char *token, mk_error *err);
	/* One open request of KIND for ITEM by A and its audit event WHAT in
	 * one transaction; MK_STORE_EXISTS (nothing written) when one is
	 * open already.  The rules are checked before, in review.c. */
	int (*request_insert)(mk_store *s, const mk_actor *a, const char *item,
	                      const char *reason, const char *kind, const char *what,
	                      gint64 now, gint64 *req_id, mk_error *err);
	/* The decision on R, R pending -> approved|denied and the audit event
	 * WHAT in one transaction; MK_ERR_USAGE when R was decided meanwhile. */
	int (*decision_write)(mk_store *s, const mk_actor *a, const mk_request *r,
	                      bool approve, const char *comment, const char *what,
	                      gint64 now, mk_error *err);
	int (*review_list)(mk_store *s, const char *status, const char *item,
	                   GPtrArray **out, mk_error *err);
	int (*review_get)(mk_store *s, gint64 req_id, mk_request **out, mk_error *err);
	int (*review_set_status)(mk_store *s, gint64 id, const char *from,
	                         const char *to, int *changed, mk_error *err);
	/* A new proposal (its rules and audit: exceptions.c). */
	int (*exception_insert)(mk_store *s, const mk_actor *a, const char *pattern,
	                        const char *action, const char *reason, gint64 expires,
	                        gint64 now, gint64 *id, mk_error *err);
	/* Approve (approver = A) or revoke open exception ID; *changed rows;
	 * MK_ERR_USAGE when the database refuses (two-person rule). */
	int (*exception_update)(mk_store *s, const mk_actor *a, gint64 id, gint64 now,
	                        bool approve, int *changed, mk_error *err);
	int (*exception_list)(mk_store *s, GPtrArray **out, mk_error *err);
	int (*stats_add)(mk_store *s, const mk_qmeta *meta, gint64 size, bool stored,
	                 mk_error *err);
	int (*stats_list)(mk_store *s, gint64 from, gint64 until, GPtrArray **out,
	                  mk_error *err);
	int (*audit_add)(mk_store *s, gint64 now, const char *who, const char *ip,
	                 const char *what, const char *item, const char *result,
	                 const char *detail, mk_error *err);
	int (*audit_list)(mk_store *s, const mk_audit_filter *f, GPtrArray **out,
	                  mk_error *err);
	int (*audit_count)(mk_store *s, const char *what, const char *item,
	                   const char *result, gint64 since, gint64 *n, mk_error *err);
	int (*audit_purge)(mk_store *s, gint64 now, gint64 retention_days, int *n,
	                   mk_error *err);
	int (*audit_verify)(mk_store *s, gint64 *bad, char **why, mk_error *err);
	/* Remove the account row; sessions and second factor go with it
	 * (the rules are checked above the backend, accounts.c). */
	int (*user_delete)(mk_store *s, const char *name, mk_error *err);
	/* Anchor the unkeyed events of an older mukaika (audit_verify.c);
	 * NULL in a backend that never held any. */
	int (*audit_reanchor)(mk_store *s, const char *who, gint64 now, gint64 *first,
	                      gint64 *last, mk_error *err);
	int (*mfa_get)(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err);
	int (*mfa_enrol)(mk_store *s, const char *user, const guint8 *box, gsize len,
	                 gint64 now, mk_error *err);
	int (*mfa_confirm)(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
	                   mk_error *err);
	int (*mfa_use_step)(mk_store *s, const char *user, gint64 step, mk_error *err);
	int (*mfa_use_recovery)(mk_store *s, const char *user, const char *hash,
	                        mk_error *err);
	int (*mfa_clear)(mk_store *s, const char *user, mk_error *err);
} mk_store_ops;

/* What every backend's handle starts with: its table, and the audit
 * chain's key and checkpoint (audit_chain.h), loaded by mk_store_open(). */
struct mk_store {
	const mk_store_ops *ops;
	guint8 audit_key[MK_AUDIT_KEY_BYTES];
	char *checkpoint;          /* audit.checkpoint_file */
	gint64 head_id;            /* written, not yet committed: id 0 = none */
	char head_mac[65];
	gint64 max_admins;         /* web.max_admins (accounts.c) */
};

extern const mk_store_ops mk_store_sqlite_ops;
extern const mk_store_ops mk_store_postgresql_ops;

/* --- what every backend shares (users.c, session.c, audit*.c) ------------ */

/* The walk of `audit verify` (audit_verify.c): start with the detail of
 * the newest audit.purge event (NULL: none), feed every event in id
 * order, end with the first bad id (0: none) and why (caller frees). */
typedef struct mk_audit_walk {
	gint64 next;            /* the id the next event must have */
	char prev[65];          /* the MAC it must follow */
	gint64 last;            /* id of the newest event seen */
	char last_mac[65];
	gint64 ck_id;           /* checkpoint, 0 = none */
	char ck_mac[65];
	int ckrc;               /* reading the checkpoint */
	gint64 bad;
	char *why;
	gint64 lg_first, lg_last;   /* anchored legacy segment, 0 = none */
	char lg_head[65];
	bool any_prev;          /* the first event follows purged legacy ones */
} mk_audit_walk;
void mk_audit_walk_start(mk_store *s, mk_audit_walk *w, const char *purge_detail);
void mk_audit_walk_row(mk_store *s, mk_audit_walk *w, gint64 id, gint64 ts,
                       const char *const f[6], const char *prev, const char *mac);
void mk_audit_walk_end(mk_store *s, mk_audit_walk *w, gint64 *bad, char **why);
/* The id of the event after LAST, never at or below the checkpoint
 * (audit.c: newest events removed leave their gap visible). */
gint64 mk_audit_next_id(mk_store *s, gint64 last);

/* qstore.c: 64 lower-case hex digits; a verdict name as stored (-1 when
 * unknown); the free function of arrays of mk_qrecord. */
bool qstore_valid_sha256(const char *s);
int qstore_parse_verdict(const char *s, mk_verdict *out);
void qstore_record_free_func(gpointer p);

#define MK_TEMP_PW_LEN 16
#define MK_PW_HASH_BYTES 128   /* crypto_pwhash_STRBYTES */
/* argon2id of PW at the configured cost into OUT; MK_ERR_TEMP on failure. */
int mk_pw_hash(const char *pw, char out[MK_PW_HASH_BYTES], mk_error *err);
/* A new temporary password (caller wipes and frees). */
char *mk_pw_temp(void);
/* Does PW match HASH?  HASH NULL (no account) costs the same time. */
bool mk_pw_verify(const char *hash, const char *pw);
/* OUT's fields from a successful login of U. */
void mk_login_fill(mk_login *out, const mk_user *u);
/* MK_ERR_NOINPUT "no account NAME". */
int mk_user_none(const char *name, mk_error *err);
/* 64 random hex digits (caller frees). */
char *mk_sess_random_hex(void);
bool mk_sess_valid_token(const char *t);
/* Has session S ended (idle, too old, account BLOCKED)? */
bool mk_sess_expired(const mk_session *s, bool blocked, gint64 now,
                     const mk_auth_policy *pol);

/* The head of the chain after a committed transaction: moves the
 * checkpoint to the newest event S wrote, if any, and forgets it. */
void mk_store_head_flush(mk_store *s);

#endif
