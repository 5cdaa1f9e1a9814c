/*
 * NAME
 *   session - review UI sessions (declared in users.h)
 *
 * DESCRIPTION
 *   The client holds a 256-bit random token (64 hex digits); the table
 *   holds sha256(token) only, so a copy of the database does not give
 *   working sessions.  Each session has its own CSRF token (also 256-bit).
 *   check() ends a session that was idle longer than pol->idle_s, or (for
 *   approver and admin) began more than pol->max_s ago, or whose account
 *   is disabled or locked; otherwise it refreshes last_seen.  The SELECT
 *   is finished before any write, so the write waits for another
 *   process's write lock (busy timeout) instead of failing at once; a
 *   last_seen that still cannot be written is logged and the session
 *   stays valid (a busy store never logs anyone out).
 *
 * FAILURE
 *   Unknown/expired: MK_ERR_NOINPUT.  sqlite: MK_ERR_TEMP.
 */
#include <sodium.h>
#include <string.h>

#include "store_int.h"
#include "users.h"
#include "log.h"
#include "util.h"

#define TOKEN_BYTES 32

char *
mk_sess_random_hex(void)
{
	unsigned char b[TOKEN_BYTES];
	char *hex = g_malloc(TOKEN_BYTES * 2 + 1);

	if (sodium_init() < 0)
		g_error("libsodium cannot be initialised");
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(hex, TOKEN_BYTES * 2 + 1, b, sizeof b);
	sodium_memzero(b, sizeof b);
	return hex;
}

bool
mk_sess_valid_token(const char *t)
{
	if (t == NULL || strlen(t) != TOKEN_BYTES * 2)
		return false;
	for (const char *p = t; *p; p++)
		if (!g_ascii_isxdigit(*p))
			return false;
	return true;
}

int
sq_session_new(mk_store *q, const char *user, const char *ip, gint64 now,
               char **token, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char *tok = mk_sess_random_hex(), *csrf = mk_sess_random_hex();
	char hash[65];
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*token = NULL;
	mk_sha256_hex(tok, strlen(tok), hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO sessions (token_hash, user, csrf, ip, "
	                       "created, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = mk_sq_fail(db, err, "prepare");
		goto out;
	}
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, ip != NULL ? ip : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "insert");
out:
	sqlite3_finalize(st);
	g_free(csrf);
	if (rc == 0)
		*token = tok;
	else
		g_free(tok);
	return rc;
}

static int
delete_hash(sqlite3 *db, const char *hash, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE token_hash = ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "delete");
	sqlite3_finalize(st);
	return rc;
}

bool
mk_sess_expired(const mk_session *s, bool blocked, gint64 now, const mk_auth_policy *pol)
{
	if (blocked || now - s->last_seen > pol->idle_s || now < s->created)
		return true;
	return mk_urole_can(s->role, MK_PERM_DECIDE) && now - s->created > pol->max_s;
}

static int
touch(sqlite3 *db, const char *hash, gint64 now, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "touch");
	sqlite3_finalize(st);
	return rc;
}

int
sq_session_check(mk_store *q, const char *token, gint64 now,
                 const mk_auth_policy *pol, mk_session **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	mk_session *s = NULL;
	mk_error terr = { 0 };
	bool blocked;
	char hash[65];
	int rc = 0, step;

	*out = NULL;
	if (!mk_sess_valid_token(token)) {
		mk_error_set(err, MK_ERR_NOINPUT, "no session");
		return MK_ERR_NOINPUT;
	}
	mk_sha256_hex(token, strlen(token), hash);
	if (sqlite3_prepare_v2(db, "SELECT s.user, u.role, s.csrf, u.must_change, "
	                       "s.created, s.last_seen, u.disabled, u.locked_until "
	                       "FROM sessions s JOIN users u ON u.name = s.user "
	                       "WHERE s.token_hash = ?1", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? MK_ERR_NOINPUT : mk_sq_fail(db, err, "select");
		if (rc == MK_ERR_NOINPUT)
			mk_error_set(err, MK_ERR_NOINPUT, "no session");
		goto out;
	}
	s = g_new0(mk_session, 1);
	s->user = g_strdup((const char *)sqlite3_column_text(st, 0));
	s->role = mk_urole_parse((const char *)sqlite3_column_text(st, 1));
	s->csrf = g_strdup((const char *)sqlite3_column_text(st, 2));
	s->must_change = sqlite3_column_int(st, 3) != 0;
	s->created = sqlite3_column_int64(st, 4);
	s->last_seen = sqlite3_column_int64(st, 5);
	blocked = sqlite3_column_int(st, 6) != 0 || sqlite3_column_int64(st, 7) > now;
	/* End the read before writing: a write under an open SELECT cannot
	 * wait for another connection's write lock (busy timeout). */
	sqlite3_finalize(st);
	st = NULL;
	if (mk_sess_expired(s, blocked, now, pol)) {
		mk_session_free(&s);
		mk_error_set(err, MK_ERR_NOINPUT, "session expired");
		rc = delete_hash(db, hash, err);
		rc = rc != 0 ? rc : MK_ERR_NOINPUT;
		goto out;
	}
	if (touch(db, hash, now, &terr) != 0)   /* still valid: only last use is lost */
		mk_log(MK_LOG_WARNING, NULL, "session of %s: last use not recorded: %s",
		       s->user, terr.msg);
out:
	sqlite3_finalize(st);
	if (rc == 0)
		*out = s;
	else
		mk_session_free(&s);
	return rc;
}

int
sq_session_end(mk_store *q, const char *token, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char hash[65];

	if (!mk_sess_valid_token(token))
		return 0;
	mk_sha256_hex(token, strlen(token), hash);
	return delete_hash(db, hash, err);
}

void
mk_session_free(mk_session **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	g_free((*sp)->user);
	g_free((*sp)->csrf);
	g_free(*sp);
	*sp = NULL;
}
