/*
 * NAME
 *   users - review accounts, roles, logins with lockout, sessions
 *
 * SUMMARY
 *   rc = mk_user_add(s, "alice", MK_UR_OPERATOR, now, &temp_pw, err);
 *   rc = mk_user_login(s, name, pw, ip, now, &pol, &res, err);
 *   rc = mk_session_new(s, name, ip, now, &token, err);
 *   rc = mk_session_check(s, token, now, &pol, &sess, err);
 *
 * DESCRIPTION
 *   Roles are ordered viewer < operator < approver < admin and each role
 *   has the rights of the ones below it: viewer looks, operator asks for a
 *   release, approver approves/denies (never their own request: enforced by
 *   the database, see review_sql.h), admin manages accounts and policy
 *   exceptions.
 *
 *   Passwords are hashed with argon2id (libsodium crypto_pwhash_str,
 *   interactive limits).  New accounts and admin resets get a random
 *   temporary password with must_change set; the account can do nothing but
 *   change it.  A failed login counts; reaching pol->max_failed locks the
 *   account until now + pol->lockout_s.  While locked, even the right
 *   password is refused.  A successful login reports the previous
 *   successful login (time, address) and the failures since it.
 *
 *   Sessions: a 256-bit random token (hex) goes to the client; only its
 *   sha256 is stored.  A session ends after pol->idle_s without use and,
 *   for approver/admin, pol->max_s after it began; it ends at once when the
 *   account is locked, disabled, its role or password changes.
 *
 *   Pending accounts (accounts.c, above every backend): an account added,
 *   reset, given a role or whose second factor was reset by admin X is
 *   "pending" (granted_by = X) until another confirmed admin confirms it.
 *   While pending it can do no more than an operator (view, ask for a
 *   release): its login and session carry role operator at most, and a
 *   decision by it is refused by the store and by a trigger; it cannot
 *   confirm, add or change accounts.  So no admin gets a second account
 *   with approval rights alone.  Deleting an account keeps its audit
 *   events.  web.max_admins caps the admin accounts (add and role).
 *
 *   Every `now` is unix seconds from the caller (tests pass fixed times).
 *
 * OWNERSHIP
 *   s is borrowed (store.h).  Returned strings/records are new.
 *
 * FAILURE
 *   store failures MK_ERR_TEMP; unknown user/session MK_ERR_NOINPUT; bad
 *   names, roles or weak passwords MK_ERR_USAGE.
 */
#ifndef MK_USERS_H
#define MK_USERS_H

#include <glib.h>

#include "store.h"
#include <stdbool.h>

#include "mk_error.h"

typedef enum {
	MK_UR_NONE = 0,
	MK_UR_VIEWER,
	MK_UR_OPERATOR,
	MK_UR_APPROVER,
	MK_UR_ADMIN,
} mk_urole;

typedef enum {
	MK_PERM_VIEW = MK_UR_VIEWER,
	MK_PERM_REQUEST = MK_UR_OPERATOR,
	MK_PERM_DECIDE = MK_UR_APPROVER,
	MK_PERM_ADMIN = MK_UR_ADMIN,
} mk_perm;

typedef struct mk_user {
	char *name;
	mk_urole role;
	bool must_change, disabled;
	gint64 failed, failed_since_login, locked_until, last_login, created;
	char *last_login_ip;
	char *granted_by;        /* admin whose grant/reset awaits confirmation */
} mk_user;

typedef struct mk_auth_policy {
	gint64 max_failed;       /* web.max_failed_logins */
	gint64 lockout_s;        /* web.lockout_minutes * 60 */
	gint64 idle_s;           /* web.idle_timeout_minutes * 60 */
	gint64 max_s;            /* web.session_max_minutes * 60 (privileged) */
	gint64 min_password;     /* shortest password accepted */
} mk_auth_policy;

typedef enum { MK_LOGIN_OK = 0, MK_LOGIN_BAD, MK_LOGIN_LOCKED } mk_login_result;

typedef struct mk_login {
	mk_login_result result;
	bool now_locked;          /* this failure locked the account */
	bool must_change;
	mk_urole role;            /* what the account may do now (see pending) */
	mk_urole account_role;    /* its role once confirmed (second factor by it) */
	bool pending;             /* grant or reset not yet confirmed */
	gint64 prev_login;        /* 0 = first login */
	char *prev_ip;
	gint64 failed_since;      /* failed attempts since prev_login */
} mk_login;

typedef struct mk_session {
	char *user;
	mk_urole role;            /* capped at operator while pending */
	bool pending;
	char *csrf;               /* per-session form token */
	bool must_change;
	gint64 created, last_seen;
} mk_session;

const char *mk_urole_name(mk_urole r);
mk_urole mk_urole_parse(const char *s);     /* MK_UR_NONE if unknown */
bool mk_urole_can(mk_urole r, mk_perm p);
/* Fill POL from the configuration (web.*). */
struct mk_config;
void mk_auth_policy_from(const struct mk_config *cfg, mk_auth_policy *pol);
bool mk_user_valid_name(const char *name);  /* [a-z0-9._-]{1,32} */

/* BY: the admin who adds, resets or changes the role (NULL: the first
 * account, set up from the shell).  Until another admin confirms it
 * (mk_user_confirm), the account may not decide BY's requests nor BY
 * decide its requests (two-person rule, also a trigger: review_sql.h). */
int mk_user_add(mk_store *s, const char *name, mk_urole role, const char *by,
                gint64 now, char **temp_pw, mk_error *err);
/* Admin reset: new temporary password, must_change, sessions end. */
int mk_user_reset(mk_store *s, const char *name, const char *by, char **temp_pw,
                  mk_error *err);
/* Admin BY confirms the pending grant/reset of NAME; MK_ERR_USAGE when
 * BY is the admin who made it, NAME itself, or nothing is pending. */
int mk_user_confirm(mk_store *s, const char *name, const char *by, mk_error *err);
/* BY NULL: the shell's bootstrap confirm, allowed only while fewer than
 * two confirmed admins exist (the two-person rule cannot be met yet). */
/* Delete NAME (not BY itself, not the last confirmed admin): its
 * sessions and second factor go with it, its audit events stay. */
int mk_user_delete(mk_store *s, const char *name, const char *by, mk_error *err);
/* Admin BY clears NAME's second factor (re-enrolment at the next login)
 * and makes NAME pending: another admin must confirm it. */
int mk_user_mfa_reset(mk_store *s, const char *name, const char *by, mk_error *err);
/* Confirmed (not pending), not disabled admins. */
int mk_user_confirmed_admins(mk_store *s, gint64 *n, mk_error *err);
/* True when U has not logged in for DAYS days at NOW (never: counted
 * from its creation). */
bool mk_user_unused(const mk_user *u, gint64 days, gint64 now);
/* Own change: OLD must verify; NEW must differ and be >= min_password. */
int mk_user_change_password(mk_store *s, const char *name, const char *old_pw,
                            const char *new_pw, const mk_auth_policy *pol,
                            mk_error *err);
int mk_user_set_disabled(mk_store *s, const char *name, bool disabled,
                         mk_error *err);   /* unlock also clears a lockout */
int mk_user_set_role(mk_store *s, const char *name, mk_urole role, const char *by,
                     mk_error *err);
int mk_user_get(mk_store *s, const char *name, mk_user **out, mk_error *err);
int mk_user_list(mk_store *s, GPtrArray **out, mk_error *err);
int mk_user_count(mk_store *s, gint64 *n, mk_error *err);
void mk_user_free(mk_user **u);

int mk_user_login(mk_store *s, const char *name, const char *pw, const char *ip,
                  gint64 now, const mk_auth_policy *pol, mk_login *out,
                  mk_error *err);
void mk_login_clear(mk_login *l);

int mk_session_new(mk_store *s, const char *user, const char *ip, gint64 now,
                   char **token, mk_error *err);
/* MK_ERR_NOINPUT when unknown, expired (removed) or the account is locked. */
int mk_session_check(mk_store *s, const char *token, gint64 now,
                     const mk_auth_policy *pol, mk_session **out, mk_error *err);
int mk_session_end(mk_store *s, const char *token, mk_error *err);
void mk_session_free(mk_session **s);

#endif
