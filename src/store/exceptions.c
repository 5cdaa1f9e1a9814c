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
 *   As review.h: refusals MK_ERR_USAGE (audited), store MK_ERR_TEMP.
 *   The rules are here, the same for every backend; the rows are the
 *   backend's (exception_insert, exception_update, exception_list).
 */
#include <string.h>

#include "store_backend.h"
#include "audit.h"
#include "review.h"


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
mk_exception_propose(mk_store *q, const mk_actor *a, const char *pattern,
                     const char *action, const char *reason, gint64 expires,
                     gint64 now, gint64 *id, mk_error *err)
{
	mk_action act;
	char detail[400];
	int rc;

	*id = 0;
	if (!is_admin(a))
		return refuse(q, a, "exception.propose", "only an admin may propose", now, err);
	if (!valid_pattern(pattern) || mk_action_parse(action, &act) != 0 ||
	    reason == NULL || *reason == '\0' || expires <= now)
		return refuse(q, a, "exception.propose", "need an address or @domain, an "
		              "action, a reason and a future expiry", now, err);
	if ((rc = q->ops->exception_insert(q, a, pattern, action, reason, expires, now, id,
	                                   err)) != 0)
		return rc;
	g_snprintf(detail, sizeof detail, "#%" G_GINT64_FORMAT " %s = %s: %s", *id,
	           pattern, action, reason);
	return mk_audit_add(q, now, a->who, a->ip, "exception.propose", NULL, "ok",
	                    detail, err);
}

static int
update_exc(mk_store *q, const mk_actor *a, gint64 id, gint64 now, bool approve,
           mk_error *err)
{
	const char *what = approve ? "exception.approve" : "exception.revoke";
	char detail[32];
	int rc, n = 0;

	if (!is_admin(a))
		return refuse(q, a, what, "only an admin may do this", now, err);
	rc = q->ops->exception_update(q, a, id, now, approve, &n, err);
	if (rc == MK_ERR_USAGE)
		return refuse(q, a, what, "two-person rule: the proposer cannot approve", now, err);
	if (rc != 0)
		return rc;
	if (n != 1)
		return refuse(q, a, what, "no such open exception", now, err);
	g_snprintf(detail, sizeof detail, "#%" G_GINT64_FORMAT, id);
	return mk_audit_add(q, now, a->who, a->ip, what, NULL, "ok", detail, err);
}

int
mk_exception_approve(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                     mk_error *err)
{
	return update_exc(q, a, id, now, true, err);
}

int
mk_exception_revoke(mk_store *q, const mk_actor *a, gint64 id, gint64 now,
                    mk_error *err)
{
	return update_exc(q, a, id, now, false, err);
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
