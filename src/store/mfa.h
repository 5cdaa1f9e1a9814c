/*
 * NAME
 *   mfa - second login factor records: the encrypted TOTP key of an
 *   account, its last used time step and its hashed recovery codes
 *
 * SUMMARY
 *   rc = mk_mfa_get(s, "alice", &rec, err);         // MK_ERR_NOINPUT: none
 *   rc = mk_mfa_enrol(s, "alice", box, len, now, err);
 *   rc = mk_mfa_confirm(s, "alice", step, hashes, err);
 *   rc = mk_mfa_use_step(s, "alice", step, err);    // MK_ERR_USAGE: reused
 *   rc = mk_mfa_use_recovery(s, "alice", hash, err);
 *
 * DESCRIPTION
 *   The store never sees a key in clear: BOX is the caller's ciphertext
 *   (web_mfa.c: XChaCha20-Poly1305 under a key file outside the
 *   database).  Its tables (mfa, mfa_recovery) are part of each backend's
 *   schema (SQLite v5, PostgreSQL v1); their rows go with the account
 *   (ON DELETE CASCADE).  enrol replaces an unconfirmed key, never a confirmed one
 *   (MK_ERR_USAGE), and leaves it unconfirmed; confirm marks it
 *   usable, records the step of the code that confirmed it and stores
 *   the recovery hashes.  use_step moves last_step forward only if STEP
 *   is later (one UPDATE: two parallel logins cannot both use a code).
 *   use_recovery marks a code used, once.  clear removes everything
 *   (an admin's reset).
 *
 * OWNERSHIP
 *   s borrowed; records new (mk_mfa_rec_free).
 *
 * BACKENDS
 *   Operations of the store's table (store_backend.h): sq_mfa.c,
 *   pg_mfa.c.
 *
 * FAILURE
 *   store failures MK_ERR_TEMP; no record MK_ERR_NOINPUT; a used step or
 *   code MK_ERR_USAGE.
 */
#ifndef MK_MFA_H
#define MK_MFA_H

#include <glib.h>
#include <stdbool.h>

#include "mk_error.h"
#include "store.h"

typedef struct mk_mfa_rec {
	GBytes *box;              /* encrypted TOTP key */
	bool confirmed;
	gint64 last_step, created;
} mk_mfa_rec;

int mk_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err);
int mk_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len,
                 gint64 now, mk_error *err);
int mk_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
                   mk_error *err);
int mk_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err);
int mk_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err);
int mk_mfa_clear(mk_store *s, const char *user, mk_error *err);
void mk_mfa_rec_free(mk_mfa_rec **r);

#endif
