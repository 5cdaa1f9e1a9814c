/*
 * NAME
 *   users - review accounts: roles, argon2id passwords, lockout (users.h)
 *
 * DESCRIPTION
 *   Temporary passwords: 16 characters from an unambiguous alphabet drawn
 *   with randombytes_uniform().  An unknown name still costs one argon2id
 *   verification, so timing does not tell which accounts exist.
 *
 *   The argon2id cost of new hashes is web.password_hash_cost, applied to
 *   the process by mk_auth_policy_from() (every caller fills its policy
 *   before touching accounts; the web daemon once, before its threads start).
 *   Until then the interactive limits apply.  Existing hashes keep the cost
 *   they were made with (it is encoded in the hash string).
 *
 * NEVER
 *   Never stores or logs a password; buffers holding one are wiped
 *   (sodium_memzero) before they are freed.
 *
 * FAILURE
 *   See users.h.
 */
#include <sodium.h>
#include <string.h>

#include "store_int.h"
#include "store_backend.h"
#include "config.h"
#include "users.h"


/* web.password_hash_cost -> libsodium limits; the first row is the default. */
static const struct { const char *name; unsigned long long ops; size_t mem; } costs[] = {
	{ "interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE },
	{ "moderate", crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE },
	{ "sensitive", crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE },
	{ "minimum", crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN },
};
static gint cost_idx;   /* into costs[], set by mk_auth_policy_from */
G_STATIC_ASSERT(MK_PW_HASH_BYTES == crypto_pwhash_STRBYTES);
#define SESSION_FIELDS "name, role, pwhash, must_change, failed, " \
	"failed_since_login, locked_until, disabled, last_login, last_login_ip, created, " \
	"granted_by"

static const char *const role_names[] = {
	"none", "viewer", "operator", "approver", "admin",
};

const char *
mk_urole_name(mk_urole r)
{
	return r <= MK_UR_ADMIN ? role_names[r] : "none";
}

mk_urole
mk_urole_parse(const char *s)
{
	for (int r = MK_UR_VIEWER; r <= MK_UR_ADMIN; r++)
		if (s != NULL && strcmp(s, role_names[r]) == 0)
			return (mk_urole)r;
	return MK_UR_NONE;
}

bool
mk_urole_can(mk_urole r, mk_perm p)
{
	return r != MK_UR_NONE && (int)r >= (int)p;
}

void
mk_auth_policy_from(const mk_config *cfg, mk_auth_policy *pol)
{
	pol->max_failed = cfg->web.max_failed_logins;
	pol->lockout_s = cfg->web.lockout_minutes * 60;
	pol->idle_s = cfg->web.idle_timeout_minutes * 60;
	pol->max_s = cfg->web.session_max_minutes * 60;
	pol->min_password = cfg->web.min_password_length;
	for (gint i = 0; i < (gint)G_N_ELEMENTS(costs); i++)
		if (cfg->web.password_hash_cost != NULL &&
		    strcmp(cfg->web.password_hash_cost, costs[i].name) == 0)
			g_atomic_int_set(&cost_idx, i);
}

bool
mk_user_valid_name(const char *name)
{
	gsize n = 0;

	if (name == NULL)
		return false;
	for (const char *p = name; *p; p++, n++)
		if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '.' ||
		      *p == '_' || *p == '-'))
			return false;
	return n >= 1 && n <= 32 && name[0] != '.' && name[0] != '-';
}

int
mk_pw_hash(const char *pw, char out[MK_PW_HASH_BYTES], mk_error *err)
{
	gint c = g_atomic_int_get(&cost_idx);

	if (sodium_init() < 0 ||
	    crypto_pwhash_str_alg(out, pw, strlen(pw), costs[c].ops, costs[c].mem,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "users: password hashing failed "
		             "(out of memory?)");
		return MK_ERR_TEMP;
	}
	return 0;
}

char *
mk_pw_temp(void)
{
	static const char alpha[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char *pw = g_malloc0(MK_TEMP_PW_LEN + 1);

	if (sodium_init() < 0)
		g_error("libsodium cannot be initialised");
	for (int i = 0; i < MK_TEMP_PW_LEN; i++)
		pw[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
	return pw;
}

/* Run SQL with text binds A, B, C (NULL = not bound); *changes if asked. */
static int
run(sqlite3 *db, const char *sql, const char *a, const char *b, const char *c,
    int *changes, mk_error *err)
{
	const char *v[] = { a, b, c };
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	for (int i = 0; i < 3; i++)
		if (v[i] != NULL)
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "update");
	else if (changes != NULL)
		*changes = sqlite3_changes(db);
	sqlite3_finalize(st);
	return rc;
}

int
mk_user_none(const char *name, mk_error *err)
{
	mk_error_set(err, MK_ERR_NOINPUT, "no account \"%s\"", name);
	return MK_ERR_NOINPUT;
}

int
sq_user_add(mk_store *q, const char *name, mk_urole role, const char *by, gint64 now,
            char **temp_pw, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char hash[crypto_pwhash_STRBYTES];
	char *pw = NULL, *ts = NULL;
	int rc;

	*temp_pw = NULL;
	if (!mk_user_valid_name(name) || role == MK_UR_NONE) {
		mk_error_set(err, MK_ERR_USAGE, "account names are 1-32 of a-z 0-9 . _ - "
		             "and the role one of viewer, operator, approver, admin");
		return MK_ERR_USAGE;
	}
	pw = mk_pw_temp();
	if ((rc = mk_pw_hash(pw, hash, err)) != 0)
		goto out;
	ts = g_strdup_printf("%" G_GINT64_FORMAT, now);
	rc = run(db, "INSERT INTO users (name, role, pwhash, must_change, created) "
	         "VALUES (?1, ?2, ?3, 1, 0)", name, mk_urole_name(role), hash, NULL, err);
	if (rc == 0 && by != NULL)
		rc = run(db, "UPDATE users SET granted_by = ?2 WHERE name = ?1", name, by,
		         NULL, NULL, err);
	if (rc != 0 && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
		mk_error_set(err, MK_ERR_USAGE, "account \"%s\" exists", name);
		rc = MK_ERR_USAGE;
	}
	if (rc == 0)
		rc = run(db, "UPDATE users SET created = CAST(?2 AS INTEGER) WHERE name = ?1",
		         name, ts, NULL, NULL, err);
out:
	if (rc == 0)
		*temp_pw = pw;
	else if (pw != NULL) {
		sodium_memzero(pw, MK_TEMP_PW_LEN);
		g_free(pw);
	}
	g_free(ts);
	return rc;
}

static int
end_sessions(sqlite3 *db, const char *name, mk_error *err)
{
	return run(db, "DELETE FROM sessions WHERE user = ?1", name, NULL, NULL,
	           NULL, err);
}

static int
set_hash(sqlite3 *db, const char *name, const char *pw, bool temporary,
         mk_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int n = 0, rc;

	if ((rc = mk_pw_hash(pw, hash, err)) != 0)
		return rc;
	rc = run(db, temporary ? "UPDATE users SET pwhash = ?2, must_change = 1 WHERE name = ?1"
	                       : "UPDATE users SET pwhash = ?2, must_change = 0 WHERE name = ?1",
	         name, hash, NULL, &n, err);
	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 ? rc : end_sessions(db, name, err);
}

int
sq_user_reset(mk_store *q, const char *name, const char *by, char **temp_pw,
              mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	char *pw = mk_pw_temp();
	int rc = set_hash(db, name, pw, true, err);

	if (rc == 0)
		rc = run(db, "UPDATE users SET failed = 0, locked_until = 0, "
		         "granted_by = coalesce(granted_by, ?2) WHERE name = ?1", name, by,
		         NULL, NULL, err);
	if (rc == 0) {
		*temp_pw = pw;
		return 0;
	}
	sodium_memzero(pw, MK_TEMP_PW_LEN);
	g_free(pw);
	*temp_pw = NULL;
	return rc;
}

static mk_user *
row_user(sqlite3_stmt *st, char **hash)
{
	mk_user *u = g_new0(mk_user, 1);
	const char *ip = (const char *)sqlite3_column_text(st, 9);

	u->name = g_strdup((const char *)sqlite3_column_text(st, 0));
	u->role = mk_urole_parse((const char *)sqlite3_column_text(st, 1));
	if (hash != NULL)
		*hash = g_strdup((const char *)sqlite3_column_text(st, 2));
	u->must_change = sqlite3_column_int(st, 3) != 0;
	u->failed = sqlite3_column_int64(st, 4);
	u->failed_since_login = sqlite3_column_int64(st, 5);
	u->locked_until = sqlite3_column_int64(st, 6);
	u->disabled = sqlite3_column_int(st, 7) != 0;
	u->last_login = sqlite3_column_int64(st, 8);
	u->last_login_ip = ip != NULL ? g_strdup(ip) : NULL;
	u->created = sqlite3_column_int64(st, 10);
	if (sqlite3_column_text(st, 11) != NULL)
		u->granted_by = g_strdup((const char *)sqlite3_column_text(st, 11));
	return u;
}

static int
get_user(sqlite3 *db, const char *name, mk_user **out, char **hash,
         mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " SESSION_FIELDS " FROM users WHERE name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "select");
	sqlite3_bind_text(st, 1, name != NULL ? name : "", -1, SQLITE_TRANSIENT);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out = row_user(st, hash);
	else if (s == SQLITE_DONE)
		rc = mk_user_none(name != NULL ? name : "", err);
	else
		rc = mk_sq_fail(db, err, "select");
	sqlite3_finalize(st);
	return rc;
}

int
sq_user_get(mk_store *q, const char *name, mk_user **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	return get_user(db, name, out, NULL, err);
}

static void
user_free_func(gpointer p)
{
	mk_user *u = p;

	mk_user_free(&u);
}

int
sq_user_list(mk_store *q, GPtrArray **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " SESSION_FIELDS " FROM users ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "list");
	*out = g_ptr_array_new_with_free_func(user_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(*out, row_user(st, NULL));
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "list");
	}
	return 0;
}

int
sq_user_count(mk_store *q, gint64 *n, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM users", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = mk_sq_fail(db, err, "count");
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

void
mk_user_free(mk_user **up)
{
	if (up == NULL || *up == NULL)
		return;
	g_free((*up)->name);
	g_free((*up)->last_login_ip);
	g_free((*up)->granted_by);
	g_free(*up);
	*up = NULL;
}

int
sq_user_set_disabled(mk_store *q, const char *name, bool disabled, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	int n = 0;
	int rc = run(db, disabled ? "UPDATE users SET disabled = 1 WHERE name = ?1"
	                          : "UPDATE users SET disabled = 0, failed = 0, "
	                            "locked_until = 0 WHERE name = ?1",
	             name, NULL, NULL, &n, err);

	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 || !disabled ? rc : end_sessions(db, name, err);
}

int
sq_user_set_role(mk_store *q, const char *name, mk_urole role, const char *by,
                 mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	int n = 0, rc;

	if (role == MK_UR_NONE) {
		mk_error_set(err, MK_ERR_USAGE, "role must be viewer, operator, approver or admin");
		return MK_ERR_USAGE;
	}
	rc = run(db, "UPDATE users SET role = ?2, granted_by = coalesce(granted_by, ?3) "
	         "WHERE name = ?1", name, mk_urole_name(role), by, &n, err);
	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc != 0 ? rc : end_sessions(db, name, err);
}

int
sq_user_confirm(mk_store *q, const char *name, const char *by, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	mk_user *u = NULL;
	int n = 0, rc;

	if ((rc = get_user(db, name, &u, NULL, err)) != 0)
		return rc;
	if (u->granted_by == NULL) {
		mk_error_set(err, MK_ERR_USAGE, "account \"%s\" has nothing to confirm", name);
		rc = MK_ERR_USAGE;
	} else if (by == NULL || strcmp(by, u->granted_by) == 0 || strcmp(by, name) == 0) {
		mk_error_set(err, MK_ERR_USAGE, "two-person rule: \"%s\" was set up by %s; "
		             "another admin must confirm it", name, u->granted_by);
		rc = MK_ERR_USAGE;
	} else {
		rc = run(db, "UPDATE users SET granted_by = NULL WHERE name = ?1 AND "
		         "granted_by = ?2", name, u->granted_by, NULL, &n, err);
		if (rc == 0 && n != 1) {
			mk_error_set(err, MK_ERR_USAGE, "account \"%s\" changed meanwhile", name);
			rc = MK_ERR_USAGE;
		}
	}
	mk_user_free(&u);
	return rc;
}

int
sq_user_delete(mk_store *q, const char *name, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	int n = 0, rc = run(db, "DELETE FROM users WHERE name = ?1", name, NULL, NULL, &n, err);

	if (rc == 0 && n == 0)
		return mk_user_none(name, err);
	return rc;
}

bool
mk_pw_verify(const char *hash, const char *pw)
{
	static gsize once = 0;
	static char dummy[crypto_pwhash_STRBYTES];

	if (sodium_init() < 0)
		return false;
	if (g_once_init_enter(&once)) {
		if (mk_pw_hash("mukaika-dummy-password", dummy, NULL) != 0)
			dummy[0] = '\0';
		g_once_init_leave(&once, 1);
	}
	if (hash == NULL) {   /* unknown account: spend the same time */
		if (dummy[0] != '\0')
			if (crypto_pwhash_str_verify(dummy, pw, strlen(pw)) == 0)
				return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void
mk_login_fill(mk_login *out, const mk_user *u)
{
	out->role = u->role;
	out->must_change = u->must_change;
	out->prev_login = u->last_login;
	out->prev_ip = g_strdup(u->last_login_ip);
	out->failed_since = u->failed_since_login;
}

/* One failure: count it, lock at the limit.  A lock that has run out
 * starts a new count. */
static int
count_failure(sqlite3 *db, const mk_user *u, gint64 now,
              const mk_auth_policy *pol, mk_login *out, mk_error *err)
{
	gint64 failed = (u->locked_until != 0 && u->locked_until <= now ? 0 : u->failed) + 1;
	gint64 until = u->locked_until > now ? u->locked_until : 0;
	char *f = g_strdup_printf("%" G_GINT64_FORMAT, failed);
	char *l;
	int rc;

	if (until == 0 && failed >= pol->max_failed) {
		until = now + pol->lockout_s;
		out->now_locked = true;
	}
	l = g_strdup_printf("%" G_GINT64_FORMAT, until);
	rc = run(db, "UPDATE users SET failed = CAST(?2 AS INTEGER), locked_until = "
	         "CAST(?3 AS INTEGER), failed_since_login = failed_since_login + 1 "
	         "WHERE name = ?1", u->name, f, l, NULL, err);
	g_free(f);
	g_free(l);
	return rc;
}

static int
record_success(sqlite3 *db, const mk_user *u, const char *ip, gint64 now,
               mk_error *err)
{
	char *t = g_strdup_printf("%" G_GINT64_FORMAT, now);
	int rc = run(db, "UPDATE users SET failed = 0, failed_since_login = 0, "
	             "locked_until = 0, last_login = CAST(?2 AS INTEGER), "
	             "last_login_ip = ?3 WHERE name = ?1", u->name, t,
	             ip != NULL ? ip : "", NULL, err);

	g_free(t);
	return rc;
}

int
sq_user_login(mk_store *q, const char *name, const char *pw, const char *ip,
              gint64 now, const mk_auth_policy *pol, mk_login *out,
              mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	mk_user *u = NULL;
	char *hash = NULL;
	bool ok;
	int rc;

	memset(out, 0, sizeof *out);
	out->result = MK_LOGIN_BAD;
	rc = mk_user_valid_name(name) ? get_user(db, name, &u, &hash, err) : MK_ERR_NOINPUT;
	if (rc != 0 && rc != MK_ERR_NOINPUT)
		return rc;
	ok = mk_pw_verify(rc == 0 ? hash : NULL, pw != NULL ? pw : "");
	rc = 0;
	if (u == NULL)
		goto out;
	if (u->disabled || u->locked_until > now) {
		out->result = MK_LOGIN_LOCKED;
		rc = count_failure(db, u, now, pol, out, err);
		goto out;
	}
	if (!ok) {
		rc = count_failure(db, u, now, pol, out, err);
		if (out->now_locked)
			out->result = MK_LOGIN_LOCKED;
		goto out;
	}
	mk_login_fill(out, u);
	if ((rc = record_success(db, u, ip, now, err)) == 0)
		out->result = MK_LOGIN_OK;
out:
	g_free(hash);
	mk_user_free(&u);
	return rc;
}

void
mk_login_clear(mk_login *l)
{
	if (l != NULL)
		g_clear_pointer(&l->prev_ip, g_free);
}

int
sq_user_change_password(mk_store *q, const char *name, const char *old_pw,
                        const char *new_pw, const mk_auth_policy *pol,
                        mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	mk_user *u = NULL;
	char *hash = NULL;
	int rc;

	if ((rc = get_user(db, name, &u, &hash, err)) != 0)
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
		mk_error_set(err, MK_ERR_USAGE, "the new password must differ from the "
		             "old one and not contain the account name");
		rc = MK_ERR_USAGE;
	} else {
		rc = set_hash(db, name, new_pw, false, err);
	}
	g_free(hash);
	mk_user_free(&u);
	return rc;
}
