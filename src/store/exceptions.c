/*
 * NAME
 *   exceptions - per-sender / per-domain policy exceptions with an approver
 *   and an expiry (review.h)
 *
 * DESCRIPTION
 *   propose (admin) -> approve (another admin; the database refuses the
 *   proposer as approver) -> active until expires or revoked.  Patterns
 *   are an address (user@example.jp) or a domain (@example.jp), lower case.
 *   Every step is an audit event.  The engine reads active exceptions;
 *   nothing here changes a verdict by itself.
 *
 *   What the engine does with one (mk_exception_match() picks it by the
 *   envelope sender; of several the most restrictive wins):
 *     reject, quarantine  the item's verdict is at least that (a blocked
 *                         sender);
 *     strip               a node held only because of a waivable finding
 *                         (encrypted, active content / legacy macros,
 *                         unknown type, type mismatch, name findings, no
 *                         filter, encrypted mail) or the fallback type
 *                         rule is stripped instead of holding the item;
 *     sanitize, allow     such a node is sanitized when a filter exists,
 *                         else stripped; allow is sanitize: an exception
 *                         never forwards unsanitized content.
 *   Never waived: virus, scan_error, parse_error, limit, unparsed_mime and
 *   the other structural findings, a reject type rule, a TEMPFAIL.  An
 *   encrypted node is always stripped (nothing in it can be sanitized).
 *   The root gets the finding exception_applied "#ID PATTERN ACTION".
 *
 * FAILURE
 *   As review.h: refusals MK_ERR_USAGE (audited), sqlite MK_ERR_TEMP.
 */
#include <string.h>

#include "store_int.h"
#include "audit.h"
#include "review.h"

#define EXC_COLS "id, pattern, action, reason, requester, approver, created, " \
	"approved, expires, coalesce(revoked, 0)"

static int
refuse(mk_store *q, const mk_actor *a, const char *what, const char *msg,
       gint64 now, mk_error *err)
{
	(void)mk_audit_add(q, now, a->who, a->ip, what, NULL, "refused", msg, NULL);
	mk_error_set(err, MK_ERR_USAGE, "%s", msg);
	return MK_ERR_USAGE;
}

/* As mk_urole_can(role, MK_PERM_ADMIN), without linking users.c (and
 * libsodium) into every program that runs the engine. */
static bool
is_admin(const mk_actor *a)
{
	return a->role != MK_UR_NONE && (int)a->role >= (int)MK_PERM_ADMIN;
}

static bool
valid_pattern(const char *p)
{
	const char *at = p != NULL ? strchr(p, '@') : NULL;

	if (at == NULL || strchr(at + 1, '@') != NULL || at[1] == '\0' || strlen(p) > 254)
		return false;
	for (const char *c = p; *c; c++)
		if (!(g_ascii_isalnum(*c) || strchr("@.-_+", *c) != NULL) || g_ascii_isupper(*c))
			return false;
	return true;
}

int
sq_exception_propose(mk_store *q, const mk_actor *a, const char *pattern,
                     const char *action, const char *reason, gint64 expires,
                     gint64 now, gint64 *id, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	mk_action act;
	char detail[400];
	int rc = 0;

	*id = 0;
	if (!is_admin(a))
		return refuse(q, a, "exception.propose", "only an admin may propose", now, err);
	if (!valid_pattern(pattern) || mk_action_parse(action, &act) != 0 ||
	    reason == NULL || *reason == '\0' || expires <= now)
		return refuse(q, a, "exception.propose", "need an address or @domain, an "
		              "action, a reason and a future expiry", now, err);
	if (sqlite3_prepare_v2(db, "INSERT INTO exceptions (pattern, action, reason, "
	                       "requester, created, expires) VALUES (?1,?2,?3,?4,?5,?6)",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	sqlite3_bind_text(st, 1, pattern, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "exceptions");
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	g_snprintf(detail, sizeof detail, "#%" G_GINT64_FORMAT " %s = %s: %s", *id,
	           pattern, action, reason);
	return mk_audit_add(q, now, a->who, a->ip, "exception.propose", NULL, "ok",
	                    detail, err);
}

static int
update_exc(mk_store *q, const mk_actor *a, gint64 id, gint64 now, bool approve,
           mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	const char *what = approve ? "exception.approve" : "exception.revoke";
	sqlite3_stmt *st = NULL;
	char detail[32];
	int rc = 0, n = 0;

	if (!is_admin(a))
		return refuse(q, a, what, "only an admin may do this", now, err);
	if (sqlite3_prepare_v2(db, approve
	    ? "UPDATE exceptions SET approver = ?2, approved = ?3 WHERE id = ?1 AND "
	      "approver IS NULL AND revoked IS NULL"
	    : "UPDATE exceptions SET revoked = ?3 WHERE id = ?1 AND revoked IS NULL AND "
	      "?2 IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a->who, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return refuse(q, a, what, "two-person rule: the proposer cannot approve", now, err);
	}
	n = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (n != 1)
		return refuse(q, a, what, "no such open exception", now, err);
	g_snprintf(detail, sizeof detail, "#%" G_GINT64_FORMAT, id);
	rc = mk_audit_add(q, now, a->who, a->ip, what, NULL, "ok", detail, err);
	return rc;
}

int
sq_exception_approve(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                     mk_error *err)
{
	return update_exc(q, a, id, now, true, err);
}

int
sq_exception_revoke(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                    mk_error *err)
{
	return update_exc(q, a, id, now, false, err);
}

static void
exc_free_func(gpointer p)
{
	mk_exception *e = p;

	mk_exception_free(&e);
}

static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

int
sq_exception_list(mk_store *q, GPtrArray **out, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	int s;

	*out = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " EXC_COLS " FROM exceptions ORDER BY id DESC",
	                       -1, &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "exceptions");
	*out = g_ptr_array_new_with_free_func(exc_free_func);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		mk_exception *e = g_new0(mk_exception, 1);

		e->id = sqlite3_column_int64(st, 0);
		e->pattern = col(st, 1);
		e->action = col(st, 2);
		e->reason = col(st, 3);
		e->requester = col(st, 4);
		e->approver = col(st, 5);
		e->created = sqlite3_column_int64(st, 6);
		e->approved = sqlite3_column_int64(st, 7);
		e->expires = sqlite3_column_int64(st, 8);
		e->revoked = sqlite3_column_int64(st, 9);
		g_ptr_array_add(*out, e);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_clear_pointer(out, g_ptr_array_unref);
		return mk_sq_fail(db, err, "exceptions");
	}
	return 0;
}

void
mk_exception_free(mk_exception **ep)
{
	mk_exception *e;

	if (ep == NULL || *ep == NULL)
		return;
	e = *ep;
	g_free(e->pattern);
	g_free(e->action);
	g_free(e->reason);
	g_free(e->requester);
	g_free(e->approver);
	g_free(e);
	*ep = NULL;
}

bool
mk_exception_active(const mk_exception *e, gint64 now)
{
	return e->approver != NULL && e->approved > 0 && e->revoked == 0 &&
	       e->expires > now;
}

/* Lower-case address without <> and blanks; NULL when it has no '@'. */
static char *
norm_sender(const char *sender)
{
	char *s, *lt, *gt;

	if (sender == NULL)
		return NULL;
	s = g_ascii_strdown(sender, -1);
	g_strstrip(s);
	if ((lt = strrchr(s, '<')) != NULL && (gt = strchr(lt, '>')) != NULL) {
		*gt = '\0';
		memmove(s, lt + 1, strlen(lt + 1) + 1);
	}
	if (strchr(s, '@') == NULL) {
		g_free(s);
		return NULL;
	}
	return s;
}

static bool
pattern_matches(const char *pattern, const char *addr)
{
	if (pattern == NULL || pattern[0] == '\0')
		return false;
	if (pattern[0] == '@')
		return g_ascii_strcasecmp(strrchr(addr, '@'), pattern) == 0;
	return g_ascii_strcasecmp(addr, pattern) == 0;
}

const mk_exception *
mk_exception_match(const GPtrArray *list, const char *sender, gint64 now)
{
	const mk_exception *best = NULL;
	mk_action best_act = MK_ACT_NONE, act;
	char *addr = norm_sender(sender);

	for (guint i = 0; addr != NULL && list != NULL && i < list->len; i++) {
		const mk_exception *e = g_ptr_array_index(list, i);

		if (!mk_exception_active(e, now) || !pattern_matches(e->pattern, addr) ||
		    mk_action_parse(e->action, &act) != 0)
			continue;
		if (best == NULL || act > best_act) {
			best = e;
			best_act = act;
		}
	}
	g_free(addr);
	return best;
}
