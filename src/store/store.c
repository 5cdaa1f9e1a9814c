/*
 * NAME
 *   store - open the configured backend and dispatch every operation of
 *   store.h through its table (store_backend.h)
 *
 * DESCRIPTION
 *   store.backend names the backend; a backend that is known but not
 *   built into this program (postgresql without libpq) is a start-up
 *   error, never a silent fall back to another one.  Opening also loads
 *   (or at first start creates) the audit chain's key: a store whose
 *   events could not be keyed does not open.
 *
 * FAILURE
 *   Unknown or unbuilt backend: MK_ERR_CONFIG.  Otherwise the backend's.
 */
#include <string.h>

#include "store_backend.h"

static const struct {
	const char *name;
	mk_store_backend id;
	const mk_store_ops *ops;     /* NULL: not built */
} backends[] = {
	{ "sqlite", MK_STORE_SQLITE, &mk_store_sqlite_ops },
	{ "postgresql", MK_STORE_POSTGRESQL, &mk_store_postgresql_ops },
};

mk_store *
mk_store_open(const mk_config *cfg, mk_error *err)
{
	const char *want = cfg->store.backend != NULL && *cfg->store.backend
	                   ? cfg->store.backend : "sqlite";

	for (gsize i = 0; i < G_N_ELEMENTS(backends); i++) {
		mk_store *s;

		if (strcmp(backends[i].name, want) != 0)
			continue;
		if (backends[i].ops == NULL)
			break;
		if ((s = backends[i].ops->open(cfg, err)) == NULL)
			return NULL;
		s->checkpoint = mk_audit_checkpoint_path(cfg);
		s->max_admins = cfg->web.max_admins;
		if (mk_audit_key_load(cfg, s->audit_key, err) != 0)
			mk_store_close(&s);
		return s;
	}
	mk_error_set(err, MK_ERR_CONFIG, "store.backend %s is not built into this "
	             "program", want);
	return NULL;
}

void
mk_store_close(mk_store **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	explicit_bzero((*sp)->audit_key, sizeof (*sp)->audit_key);
	g_free((*sp)->checkpoint);
	(*sp)->ops->close(*sp);
	*sp = NULL;
}

bool
mk_store_exists(const mk_config *cfg)
{
	char *db;
	bool yes;

	if (g_strcmp0(cfg->store.backend, "postgresql") == 0)
		return true;
	db = mk_config_state_path(cfg, cfg->quarantine.db, "mukaika.db");
	yes = g_file_test(db, G_FILE_TEST_EXISTS);
	g_free(db);
	return yes;
}

void
mk_store_head_flush(mk_store *s)
{
	if (s->head_id == 0)
		return;
	mk_audit_checkpoint_write(s->checkpoint, s->head_id, s->head_mac);
	s->head_id = 0;
}

/* --- dispatch: one line per operation ------------------------------------ */
/* (the account operations that carry rules above the backend: accounts.c) */

int
mk_qstore_put(mk_store *s, const mk_qmeta *m, GBytes *original, mk_error *err)
{
	return s->ops->item_put(s, m, original, err);
}

int
mk_qstore_get(mk_store *s, const char *id, mk_qrecord **out, mk_error *err)
{
	return s->ops->item_get(s, id, out, err);
}

int
mk_qstore_list(mk_store *s, int limit, GPtrArray **out, mk_error *err)
{
	return s->ops->item_list(s, limit, out, err);
}

GBytes *
mk_qstore_object(mk_store *s, const char *sha256, mk_error *err)
{
	return s->ops->item_object(s, sha256, err);
}

int
mk_qstore_search(mk_store *s, const mk_qfilter *f, GPtrArray **out, mk_error *err)
{
	return s->ops->item_search(s, f, out, err);
}

int
mk_qstore_count(mk_store *s, const mk_qfilter *f, gint64 *n, mk_error *err)
{
	return s->ops->item_count(s, f, n, err);
}

int
mk_qstore_set_status(mk_store *s, const char *id, const char *status, mk_error *err)
{
	return s->ops->item_set_status(s, id, status, err);
}

int
mk_qstore_set_result(mk_store *s, const char *id, mk_verdict verdict,
                     const char *findings, const char *report_json, mk_error *err)
{
	return s->ops->item_set_result(s, id, verdict, findings, report_json, err);
}

int
mk_qstore_delete(mk_store *s, const char *id, mk_error *err)
{
	return s->ops->item_delete(s, id, err);
}

int
mk_qstore_purge(mk_store *s, gint64 now, int *n, mk_error *err)
{
	return s->ops->item_purge(s, now, n, err);
}

int
mk_user_reset(mk_store *s, const char *name, const char *by, char **temp_pw,
              mk_error *err)
{
	return s->ops->user_reset(s, name, by, temp_pw, err);
}

int
mk_user_change_password(mk_store *s, const char *name, const char *old_pw,
                        const char *new_pw, const mk_auth_policy *pol, mk_error *err)
{
	return s->ops->user_change_password(s, name, old_pw, new_pw, pol, err);
}

int
mk_user_set_disabled(mk_store *s, const char *name, bool disabled, mk_error *err)
{
	return s->ops->user_set_disabled(s, name, disabled, err);
}

int
mk_user_get(mk_store *s, const char *name, mk_user **out, mk_error *err)
{
	return s->ops->user_get(s, name, out, err);
}

int
mk_user_list(mk_store *s, GPtrArray **out, mk_error *err)
{
	return s->ops->user_list(s, out, err);
}

int
mk_user_count(mk_store *s, gint64 *n, mk_error *err)
{
	return s->ops->user_count(s, n, err);
}

int
mk_session_new(mk_store *s, const char *user, const char *ip, gint64 now, char **token,
               mk_error *err)
{
	return s->ops->session_new(s, user, ip, now, token, err);
}

int
mk_session_end(mk_store *s, const char *token, mk_error *err)
{
	return s->ops->session_end(s, token, err);
}

int
mk_review_list(mk_store *s, const char *status, const char *item, GPtrArray **out,
               mk_error *err)
{
	return s->ops->review_list(s, status, item, out, err);
}

int
mk_review_get(mk_store *s, gint64 req_id, mk_request **out, mk_error *err)
{
	return s->ops->review_get(s, req_id, out, err);
}

int
mk_review_set_status(mk_store *s, gint64 id, const char *from, const char *to,
                     int *changed, mk_error *err)
{
	return s->ops->review_set_status(s, id, from, to, changed, err);
}

int
mk_exception_list(mk_store *s, GPtrArray **out, mk_error *err)
{
	return s->ops->exception_list(s, out, err);
}

int
mk_audit_add(mk_store *s, gint64 now, const char *who, const char *ip,
             const char *what, const char *item, const char *result,
             const char *detail, mk_error *err)
{
	return s->ops->audit_add(s, now, who, ip, what, item, result, detail, err);
}

int
mk_audit_list(mk_store *s, const mk_audit_filter *f, GPtrArray **out, mk_error *err)
{
	return s->ops->audit_list(s, f, out, err);
}

int
mk_audit_count(mk_store *s, const char *what, const char *item, const char *result,
               gint64 since, gint64 *n, mk_error *err)
{
	return s->ops->audit_count(s, what, item, result, since, n, err);
}

int
mk_audit_purge(mk_store *s, gint64 now, gint64 retention_days, int *n, mk_error *err)
{
	return s->ops->audit_purge(s, now, retention_days, n, err);
}

int
mk_audit_verify(mk_store *s, gint64 *bad, char **why, mk_error *err)
{
	return s->ops->audit_verify(s, bad, why, err);
}

int
mk_stats_add(mk_store *s, const mk_qmeta *meta, gint64 size, bool stored, mk_error *err)
{
	return s->ops->stats_add(s, meta, size, stored, err);
}

int
mk_stats_list(mk_store *s, gint64 from, gint64 until, GPtrArray **out, mk_error *err)
{
	return s->ops->stats_list(s, from, until, out, err);
}

int
mk_mfa_get(mk_store *s, const char *user, mk_mfa_rec **out, mk_error *err)
{
	return s->ops->mfa_get(s, user, out, err);
}

int
mk_mfa_enrol(mk_store *s, const char *user, const guint8 *box, gsize len, gint64 now,
             mk_error *err)
{
	return s->ops->mfa_enrol(s, user, box, len, now, err);
}

int
mk_mfa_confirm(mk_store *s, const char *user, gint64 step, GPtrArray *hashes,
               mk_error *err)
{
	return s->ops->mfa_confirm(s, user, step, hashes, err);
}

int
mk_mfa_use_step(mk_store *s, const char *user, gint64 step, mk_error *err)
{
	return s->ops->mfa_use_step(s, user, step, err);
}

int
mk_mfa_use_recovery(mk_store *s, const char *user, const char *hash, mk_error *err)
{
	return s->ops->mfa_use_recovery(s, user, hash, err);
}

int
mk_mfa_clear(mk_store *s, const char *user, mk_error *err)
{
	return s->ops->mfa_clear(s, user, err);
}

void
mk_mfa_rec_free(mk_mfa_rec **r)
{
	if (r == NULL || *r == NULL)
		return;
	if ((*r)->box != NULL)
		g_bytes_unref((*r)->box);
	g_clear_pointer(r, g_free);
}
