/*
 * NAME
 *   accounts - the account rules that hold above every store backend:
 *   pending grants, who may confirm, web.max_admins, deleting accounts,
 *   resetting a second factor (users.h)
 *
 * DESCRIPTION
 *   A backend keeps rows; the rules of the two-person set-up live here
 *   once, so that SQLite and any later backend apply the same ones:
 *   - login and session: a pending account (users.granted_by set) gets
 *     role operator at most; account_role keeps its own role, for the
 *     second factor (which is asked by the account's role, not the cap);
 *   - confirm: by a confirmed, enabled admin other than the one who made
 *     the grant and other than the account; from the shell (BY NULL) only
 *     while fewer than two confirmed admins exist;
 *   - add or role admin: refused beyond web.max_admins admin accounts;
 *   - delete: not oneself, not the last confirmed admin;
 *   - second-factor reset: clears the enrolment and makes the account
 *     pending (another admin confirms it).
 *
 * FAILURE
 *   Refusals MK_ERR_USAGE with the reason; store failures MK_ERR_TEMP.
 */
#include <string.h>

#include "mfa.h"
#include "store_backend.h"

#define BOOTSTRAP_BY "(bootstrap)"     /* not a valid account name */

static int
refuse(mk_error *err, const char *msg)
{
	mk_error_set(err, MK_ERR_USAGE, "%s", msg);
	return MK_ERR_USAGE;
}

bool
mk_user_unused(const mk_user *u, gint64 days, gint64 now)
{
	gint64 last = u->last_login > 0 ? u->last_login : u->created;

	return last <= now - days * 86400;
}

/* Count accounts: admins (role admin) and confirmed enabled admins. */
static int
count_admins(mk_store *s, gint64 *admins, gint64 *confirmed, mk_error *err)
{
	GPtrArray *a = NULL;
	int rc = s->ops->user_list(s, &a, err);

	*admins = *confirmed = 0;
	if (rc != 0)
		return rc;
	for (guint i = 0; i < a->len; i++) {
		const mk_user *u = g_ptr_array_index(a, i);

		if (u->role != MK_UR_ADMIN)
			continue;
		(*admins)++;
		if (u->granted_by == NULL && !u->disabled)
			(*confirmed)++;
	}
	g_ptr_array_unref(a);
	return 0;
}

int
mk_user_confirmed_admins(mk_store *s, gint64 *n, mk_error *err)
{
	gint64 all = 0;

	return count_admins(s, &all, n, err);
}

static int
admin_room(mk_store *s, mk_error *err)
{
	gint64 admins = 0, confirmed = 0;
	int rc = count_admins(s, &admins, &confirmed, err);

	if (rc == 0 && s->max_admins > 0 && admins >= s->max_admins) {
		mk_error_set(err, MK_ERR_USAGE, "web.max_admins: there are already %"
		             G_GINT64_FORMAT " admin accounts", admins);
		rc = MK_ERR_USAGE;
	}
	return rc;
}

int
mk_user_add(mk_store *s, const char *name, mk_urole role, const char *by, gint64 now,
            char **temp_pw, mk_error *err)
{
	int rc;

	*temp_pw = NULL;
	if (role == MK_UR_ADMIN && (rc = admin_room(s, err)) != 0)
		return rc;
	return s->ops->user_add(s, name, role, by, now, temp_pw, err);
}

int
mk_user_set_role(mk_store *s, const char *name, mk_urole role, const char *by,
                 mk_error *err)
{
	mk_user *u = NULL;
	int rc;

	if (role == MK_UR_ADMIN) {
		if ((rc = s->ops->user_get(s, name, &u, err)) != 0)
			return rc;
		rc = u->role != MK_UR_ADMIN ? admin_room(s, err) : 0;
		mk_user_free(&u);
		if (rc != 0)
			return rc;
	}
	return s->ops->user_set_role(s, name, role, by, err);
}

/* BY may confirm: a confirmed enabled admin (the other checks, not the
 * granter and not the account itself, are the backend's). */
static int
confirmer_ok(mk_store *s, const char *by, mk_error *err)
{
	mk_user *b = NULL;
	gint64 n = 0;
	int rc;

	if (by == NULL) {
		if ((rc = mk_user_confirmed_admins(s, &n, err)) != 0)
			return rc;
		return n < 2 ? 0 : refuse(err, "two-person rule: there are two confirmed "
		                          "admins; one of them confirms (--as)");
	}
	if ((rc = s->ops->user_get(s, by, &b, err)) != 0)
		return rc;
	if (b->role != MK_UR_ADMIN || b->disabled)
		rc = refuse(err, "only an admin may confirm accounts");
	else if (b->granted_by != NULL)
		rc = refuse(err, "two-person rule: your own account awaits confirmation "
		            "by another admin");
	mk_user_free(&b);
	return rc;
}

int
mk_user_confirm(mk_store *s, const char *name, const char *by, mk_error *err)
{
	int rc = confirmer_ok(s, by, err);

	return rc != 0 ? rc : s->ops->user_confirm(s, name, by != NULL ? by : BOOTSTRAP_BY,
	                                           err);
}

static void
cap(mk_store *s, const char *name, mk_urole *role, bool *pending)
{
	mk_user *u = NULL;
	mk_error e = { 0 };

	/* unknown now (deleted meanwhile): the least rights */
	if (s->ops->user_get(s, name, &u, &e) != 0 || u->granted_by != NULL) {
		*pending = true;
		if ((int)*role > (int)MK_UR_OPERATOR)
			*role = MK_UR_OPERATOR;
	}
	mk_user_free(&u);
}

int
mk_user_login(mk_store *s, const char *name, const char *pw, const char *ip,
              gint64 now, const mk_auth_policy *pol, mk_login *out, mk_error *err)
{
	int rc = s->ops->user_login(s, name, pw, ip, now, pol, out, err);

	if (rc == 0 && out->result == MK_LOGIN_OK) {
		out->account_role = out->role;
		cap(s, name, &out->role, &out->pending);
	}
	return rc;
}

int
mk_session_check(mk_store *s, const char *token, gint64 now, const mk_auth_policy *pol,
                 mk_session **out, mk_error *err)
{
	int rc = s->ops->session_check(s, token, now, pol, out, err);

	if (rc == 0)
		cap(s, (*out)->user, &(*out)->role, &(*out)->pending);
	return rc;
}

int
mk_user_delete(mk_store *s, const char *name, const char *by, mk_error *err)
{
	mk_user *u = NULL;
	gint64 n = 0;
	int rc;

	if (s->ops->user_delete == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "accounts cannot be deleted in this store backend");
		return MK_ERR_TEMP;
	}
	if (by != NULL && strcmp(by, name) == 0)
		return refuse(err, "not on your own account");
	if ((rc = s->ops->user_get(s, name, &u, err)) != 0)
		return rc;
	if (u->role == MK_UR_ADMIN && u->granted_by == NULL && !u->disabled &&
	    (rc = mk_user_confirmed_admins(s, &n, err)) == 0 && n <= 1)
		rc = refuse(err, "the last confirmed admin cannot be deleted");
	mk_user_free(&u);
	if (rc == 0)
		rc = s->ops->user_delete(s, name, err);
	return rc;
}

int
mk_user_mfa_reset(mk_store *s, const char *name, const char *by, mk_error *err)
{
	mk_user *u = NULL;
	int rc;

	if (by == NULL || strcmp(by, name) == 0)
		return refuse(err, "two-person rule: another admin resets your second factor");
	if ((rc = s->ops->user_get(s, name, &u, err)) != 0)
		return rc;
	/* the same role again: granted_by = BY (pending) and sessions end */
	if ((rc = mk_mfa_clear(s, name, err)) == 0)
		rc = s->ops->user_set_role(s, name, u->role, by, err);
	mk_user_free(&u);
	return rc;
}
