/*
 * NAME
 *   pg_users - the PostgreSQL backend's review accounts and sessions
 *   (users.h)
 *
 * DESCRIPTION
 *   The rules are users.c's and session.c's (argon2id, temporary
 *   passwords, lockout, session expiry: store_backend.h); this file keeps
 *   the rows.  Column "user" of sessions is quoted (a reserved word).
 *
 * NEVER
 *   Never stores or logs a password; buffers holding one are wiped.
 *
 * FAILURE
 *   As users.h: database MK_ERR_TEMP, unknown MK_ERR_NOINPUT, refused
 *   MK_ERR_USAGE.
 */
#include <sodium.h>
#include <string.h>

#include "pg_int.h"
#include "log.h"
#include "util.h"

#define USER_COLS "name, role, pwhash, must_change, failed, failed_since_login, " \
	"locked_until, disabled, last_login, last_login_ip, created, granted_by"

static void
wipe(char *pw)
{
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		g_free(pw);
	}
}

int
pg_user_add(mk_store *s, const char *name, mk_urole role, const char *by, gint64 now,
            char **temp_pw, mk_error *err)
{
	char hash[MK_PW_HASH_BYTES], b[24];
	char *pw;
	int rc;

	*temp_pw = NULL;
	if (!mk_user_valid_name(name) || role == MK_UR_NONE) {
		mk_error_set(err, MK_ERR_USAGE, "account names are 1-32 of a-z 0-9 . _ - "
		             "and the role one of viewer, operator, approver, admin");
		return MK_ERR_USAGE;
	}
	pw = mk_pw_temp();
	if ((rc = mk_pw_hash(pw, hash, err)) == 0) {
		const char *p[] = { name, mk_urole_name(role), hash, pg_i64(b, now), by };

		rc = pg_cmd(s, "user", "INSERT INTO users (name, role, pwhash, must_change, "
		            "created, granted_by) VALUES ($1, $2, $3, 1, $4, $5)", 5, p, NULL, err);
		if (rc != 0 && strcmp(PG(s)->sqlstate, PG_UNIQUE) == 0) {
			mk_error_set(err, MK_ERR_USAGE, "account \"%s\" exists", name);
			rc = MK_ERR_USAGE;
		}
	}
	if (rc == 0)
		*temp_pw = pw;
	else
		wipe(pw);
	return rc;
}

static int
end_sessions(mk_store *s, const char *name, mk_error *err)
{
	const char *p[] = { name };

	return pg_cmd(s, "sessions", "DELETE FROM sessions WHERE \"user\" = $1", 1, p, NULL,
	              err);
}

static int
set_hash(mk_store *s, const char *name, const char *pw, bool temporary, mk_error *err)
{
	char hash[MK_PW_HASH_BYTES];
	const char *p[] = { name, hash };
	int n = 0, rc;

	if ((rc = mk_pw_hash(pw, hash, err)) != 0)
		return rc;
	rc = pg_cmd(s, "password", temporary
	            ? "UPDATE users SET pwhash = $2, must_change = 1 WHERE name = $1"
	            : "UPDATE users SET pwhash = $2, must_change = 0 WHERE name = $1",
	            2, p, &n, err);
	sodium_memzero(hash, sizeof hash);
	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 ? rc : end_sessions(s, name, err);
}

int
pg_user_reset(mk_store *s, const char *name, const char *by, char **temp_pw,
              mk_error *err)
{
	char *pw = mk_pw_temp();
	const char *p[] = { name, by };
	int rc = set_hash(s, name, pw, true, err);

	if (rc == 0)
		rc = pg_cmd(s, "reset", "UPDATE users SET failed = 0, locked_until = 0, "
		            "granted_by = coalesce(granted_by, $2) WHERE name = $1", 2, p, NULL,
		            err);
	*temp_pw = rc == 0 ? pw : NULL;
	if (rc != 0)
		wipe(pw);
	return rc;
}

static mk_user *
row_user(const PGresult *r, int i, char **hash)
{
	mk_user *u = g_new0(mk_user, 1);

	u->name = pg_text(r, i, 0);
	u->role = mk_urole_parse(PQgetvalue(r, i, 1));
	if (hash != NULL)
		*hash = pg_text(r, i, 2);
	u->must_change = pg_int(r, i, 3) != 0;
	u->failed = pg_int(r, i, 4);
	u->failed_since_login = pg_int(r, i, 5);
	u->locked_until = pg_int(r, i, 6);
	u->disabled = pg_int(r, i, 7) != 0;
	u->last_login = pg_int(r, i, 8);
	u->last_login_ip = pg_text(r, i, 9);
	u->created = pg_int(r, i, 10);
	u->granted_by = pg_text(r, i, 11);
	return u;
}

static int
get_user(mk_store *s, const char *name, mk_user **out, char **hash, mk_error *err)
{
	const char *p[] = { name != NULL ? name : "" };
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "user", "SELECT " USER_COLS " FROM users WHERE name = $1", 1, p,
	                err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) > 0)
		*out = row_user(r, 0, hash);
	PQclear(r);
	return *out != NULL ? 0 : mk_user_none(p[0], err);
}

int
pg_user_get(mk_store *s, const char *name, mk_user **out, mk_error *err)
{
	return get_user(s, name, out, NULL, err);
}

static void
user_free_func(gpointer p)
{
	mk_user *u = p;

	mk_user_free(&u);
}

int
pg_user_list(mk_store *s, GPtrArray **out, mk_error *err)
{
	PGresult *r;

	*out = NULL;
	if ((r = pg_run(s, "users", "SELECT " USER_COLS " FROM users ORDER BY name", 0, NULL,
	                err)) == NULL)
		return MK_ERR_TEMP;
	*out = g_ptr_array_new_with_free_func(user_free_func);
	for (int i = 0; i < PQntuples(r); i++)
		g_ptr_array_add(*out, row_user(r, i, NULL));
	PQclear(r);
	return 0;
}

int
pg_user_count(mk_store *s, gint64 *n, mk_error *err)
{
	PGresult *r = pg_run(s, "count", "SELECT count(*) FROM users", 0, NULL, err);

	if (r == NULL)
		return MK_ERR_TEMP;
	*n = pg_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_user_set_disabled(mk_store *s, const char *name, bool disabled, mk_error *err)
{
	const char *p[] = { name };
	int n = 0;
	int rc = pg_cmd(s, "disable", disabled
	                ? "UPDATE users SET disabled = 1 WHERE name = $1"
	                : "UPDATE users SET disabled = 0, failed = 0, locked_until = 0 "
	                  "WHERE name = $1", 1, p, &n, err);

	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 || !disabled ? rc : end_sessions(s, name, err);
}

int
pg_user_set_role(mk_store *s, const char *name, mk_urole role, const char *by,
                 mk_error *err)
{
	const char *p[] = { name, mk_urole_name(role), by };
	int n = 0, rc;

	if (role == MK_UR_NONE) {
		mk_error_set(err, MK_ERR_USAGE, "role must be viewer, operator, approver or admin");
		return MK_ERR_USAGE;
	}
	rc = pg_cmd(s, "role", "UPDATE users SET role = $2, granted_by = coalesce(granted_by, "
	            "$3) WHERE name = $1", 3, p, &n, err);
	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 ? rc : end_sessions(s, name, err);
}

int
pg_user_confirm(mk_store *s, const char *name, const char *by, mk_error *err)
{
	mk_user *u = NULL;
	int n = 0, rc;

	if ((rc = get_user(s, name, &u, NULL, err)) != 0)
		return rc;
	if (u->granted_by == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "account \"%s\" has nothing to confirm", name);
		rc = MK_ERR_USAGE;
	} else if (by == NULL || strcmp(by, u->granted_by) == 0 || strcmp(by, name) == 0) {
		mk_error_set(err, MK_ERR_USAGE, "two-person rule: \"%s\" was set up by %s; "
		             "another admin must confirm it", name, u->granted_by);
		rc = MK_ERR_USAGE;
	} else {
		const char *p[] = { name, u->granted_by };

		rc = pg_cmd(s, "confirm", "UPDATE users SET granted_by = NULL WHERE name = $1 "
		            "AND granted_by = $2", 2, p, &n, err);
		if (rc == 0 && n != 1) {
			mk_error_set(err, MK_ERR_USAGE, "account \"%s\" changed meanwhile", name);
			rc = MK_ERR_USAGE;
		}
	}
	mk_user_free(&u);
	return rc;
}

int
pg_user_delete(mk_store *s, const char *name, mk_error *err)
{
	const char *p[] = { name };
	int n = 0, rc = pg_cmd(s, "delete", "DELETE FROM users WHERE name = $1", 1, p, &n,
	                       err);

	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc;
}

static int
count_failure(mk_store *s, const mk_user *u, gint64 now, const mk_auth_policy *pol,
              mk_login *out, mk_error *err)
{
	gint64 failed = (u->locked_until != 0 && u->locked_until <= now ? 0 : u->failed) + 1;
	gint64 until = u->locked_until > now ? u->locked_until : 0;
	char b1[24], b2[24];

	if (until == 0 && failed >= pol->max_failed) {
		until = now + pol->lockout_s;
		out->now_locked = true;
	}
	{
		const char *p[] = { u->name, pg_i64(b1, failed), pg_i64(b2, until) };

		return pg_cmd(s, "login", "UPDATE users SET failed = $2, locked_until = $3, "
		              "failed_since_login = failed_since_login + 1 WHERE name = $1",
		              3, p, NULL, err);
	}
}

static int
record_success(mk_store *s, const mk_user *u, const char *ip, gint64 now, mk_error *err)
{
	char b[24];
	const char *p[] = { u->name, pg_i64(b, now), ip != NULL ? ip : "" };

	return pg_cmd(s, "login", "UPDATE users SET failed = 0, failed_since_login = 0, "
	              "locked_until = 0, last_login = $2, last_login_ip = $3 WHERE name = $1",
	              3, p, NULL, err);
}

int
pg_user_login(mk_store *s, const char *name, const char *pw, const char *ip, gint64 now,
              const mk_auth_policy *pol, mk_login *out, mk_error *err)
{
	mk_user *u = NULL;
	char *hash = NULL;
	bool ok;
	int rc;

	memset(out, 0, sizeof *out);
	out->result = MK_LOGIN_BAD;
	rc = mk_user_valid_name(name) ? get_user(s, name, &u, &hash, err) : MK_ERR_NOINPUT;
	if (rc != 0 && rc != MK_ERR_NOINPUT)
		return rc;
	ok = mk_pw_verify(rc == 0 ? hash : NULL, pw != NULL ? pw : "");
	rc = 0;
	if (u == NULL)
		goto out;
	if (u->disabled || u->locked_until > now) {
		out->result = MK_LOGIN_LOCKED;
		rc = count_failure(s, u, now, pol, out, err);
		goto out;
	}
	if (!ok) {
		rc = count_failure(s, u, now, pol, out, err);
		if (out->now_locked)
			out->result = MK_LOGIN_LOCKED;
		goto out;
	}
	mk_login_fill(out, u);
	if ((rc = record_success(s, u, ip, now, err)) == 0)
		out->result = MK_LOGIN_OK;
out:
	g_free(hash);
	mk_user_free(&u);
	return rc;
}

int
pg_user_change_password(mk_store *s, const char *name, const char *old_pw,
                        const char *new_pw, const mk_auth_policy *pol, mk_error *err)
{
	mk_user *u = NULL;
	char *hash = NULL;
	int rc;

	if ((rc = get_user(s, name, &u, &hash, err)) != 0)
		return rc;
	if (!mk_pw_verify(hash, old_pw != NULL ? old_pw : "")) {
		mk_error_set(err, MK_ERR_USAGE, "the current password is wrong");
		rc = MK_ERR_USAGE;
	} else if (new_pw == NULL || (gint64)g_utf8_strlen(new_pw, -1) < pol->min_password ||
	           !g_utf8_validate(new_pw, -1, NULL)) {
		mk_error_set(err, MK_ERR_USAGE, "the new password needs at least %"
		             G_GINT64_FORMAT " characters", pol->min_password);
		rc = MK_ERR_USAGE;
	} else if (strcmp(old_pw, new_pw) == 0 || strstr(new_pw, name) != NULL) {
		mk_error_set(err, MK_ERR_USAGE, "the new password must differ from the old one "
		             "and not contain the account name");
		rc = MK_ERR_USAGE;
	} else {
		rc = set_hash(s, name, new_pw, false, err);
	}
	g_free(hash);
	mk_user_free(&u);
	return rc;
}

/* --- sessions (the rules: session.c) ------------------------------------ */

int
pg_session_new(mk_store *s, const char *user, const char *ip, gint64 now, char **token,
               mk_error *err)
{
	char *tok = mk_sess_random_hex(), *csrf = mk_sess_random_hex();
	char hash[65], b[24];
	const char *p[] = { hash, user, csrf, ip != NULL ? ip : "", pg_i64(b, now) };
	int rc;

	mk_sha256_hex(tok, strlen(tok), hash);
	rc = pg_cmd(s, "session", "INSERT INTO sessions (token_hash, \"user\", csrf, ip, "
	            "created, last_seen) VALUES ($1, $2, $3, $4, $5, $5)", 5, p, NULL, err);
	g_free(csrf);
	*token = rc == 0 ? tok : NULL;
	if (rc != 0)
		g_free(tok);
	return rc;
}

int
pg_session_check(mk_store *s, const char *token, gint64 now, const mk_auth_policy *pol,
                 mk_session **out, mk_error *err)
{
	mk_session *se;
	mk_error terr = { 0 };
	char hash[65], b[24];
	const char *p[] = { hash, pg_i64(b, now) };
	PGresult *r;
	bool blocked;

	*out = NULL;
	if (!mk_sess_valid_token(token)) {
		mk_error_set(err, MK_ERR_NOINPUT, "no session");
		return MK_ERR_NOINPUT;
	}
	mk_sha256_hex(token, strlen(token), hash);
	if ((r = pg_run(s, "session", "SELECT s.\"user\", u.role, s.csrf, u.must_change, "
	                "s.created, s.last_seen, u.disabled, u.locked_until FROM sessions s "
	                "JOIN users u ON u.name = s.\"user\" WHERE s.token_hash = $1", 1, p,
	                err)) == NULL)
		return MK_ERR_TEMP;
	if (PQntuples(r) == 0) {
		PQclear(r);
		mk_error_set(err, MK_ERR_NOINPUT, "no session");
		return MK_ERR_NOINPUT;
	}
	se = g_new0(mk_session, 1);
	se->user = pg_text(r, 0, 0);
	se->role = mk_urole_parse(PQgetvalue(r, 0, 1));
	se->csrf = pg_text(r, 0, 2);
	se->must_change = pg_int(r, 0, 3) != 0;
	se->created = pg_int(r, 0, 4);
	se->last_seen = pg_int(r, 0, 5);
	blocked = pg_int(r, 0, 6) != 0 || pg_int(r, 0, 7) > now;
	PQclear(r);
	if (mk_sess_expired(se, blocked, now, pol)) {
		int rc;

		mk_session_free(&se);
		mk_error_set(err, MK_ERR_NOINPUT, "session expired");
		rc = pg_cmd(s, "session", "DELETE FROM sessions WHERE token_hash = $1", 1, p,
		            NULL, err);
		return rc != 0 ? rc : MK_ERR_NOINPUT;
	}
	if (pg_cmd(s, "session", "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1",
	           2, p, NULL, &terr) != 0)
		mk_log(MK_LOG_WARNING, NULL, "session of %s: last use not recorded: %s",
		       se->user, terr.msg);
	*out = se;
	return 0;
}

int
pg_session_end(mk_store *s, const char *token, mk_error *err)
{
	char hash[65];
	const char *p[] = { hash };

	if (!mk_sess_valid_token(token))
		return 0;
	mk_sha256_hex(token, strlen(token), hash);
	return pg_cmd(s, "session", "DELETE FROM sessions WHERE token_hash = $1", 1, p, NULL,
	              err);
}
