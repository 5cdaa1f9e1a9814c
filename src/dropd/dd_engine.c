/*
 * NAME
 *   dd_engine - mukaika-dropd's engine + configuration snapshot holder
 *
 * SUMMARY
 *   h = dd_engine_new(cfg, err); j->eng = dd_engine_ref(h); dd_engine_put(&h);
 *   rc = dd_owner_resolve(cfg, &uid, &gid, err);   (also for --check)
 *
 * DESCRIPTION
 *   A holder bundles one configuration snapshot, the engine built from it,
 *   a lazily opened quarantine store handle (used only to ask whether a
 *   deterministic job id is already stored, so a re-run does not insert it
 *   twice) and the resolved dropd.out_owner.  A SIGHUP reload builds a new
 *   holder; jobs keep the one they were claimed with until they end.
 *
 * NEVER
 *   Never writes to the store; the engine does that.
 *
 * FAILURE
 *   dd_engine_new() fails only when mk_engine_new() does or out_owner names
 *   an unknown account or one the daemon, as it runs now (after the switch
 *   to general.user), cannot give files to (MK_ERR_CONFIG: a start refuses,
 *   a reload keeps the running configuration).  A store that cannot be opened is
 *   MK_ERR_TEMP from dd_engine_stored() (the job is retried).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "daemon.h"
#include "dd.h"
#include "log.h"
#include "store_port.h"

int
dd_owner_resolve(const mk_config *cfg, uid_t *uid, gid_t *gid, mk_error *err)
{
	const char *spec = cfg->dropd.out_owner;
	char **parts = NULL;
	struct passwd *pw;
	struct group *gr;
	int rc = 0;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (spec == NULL || *spec == '\0')
		return 0;
	parts = g_strsplit(spec, ":", 2);
	pw = getpwnam(parts[0]);
	if (pw == NULL) {
		mk_error_set(err, MK_ERR_CONFIG, "dropd.out_owner: no user \"%s\"", parts[0]);
		rc = MK_ERR_CONFIG;
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (parts[1] != NULL) {
		gr = getgrnam(parts[1]);
		if (gr == NULL) {
			mk_error_set(err, MK_ERR_CONFIG, "dropd.out_owner: no group \"%s\"",
			             parts[1]);
			rc = MK_ERR_CONFIG;
			goto out;
		}
		*gid = gr->gr_gid;
	}
	rc = mk_daemon_chown_ok(cfg->general.user, *uid, *gid, err);
	if (rc != 0)
		mk_error_prefix(err, "dropd.out_owner %s", spec);
out:
	g_strfreev(parts);
	return rc;
}

dd_engine *
dd_engine_new(mk_config *cfg, mk_error *err)
{
	dd_engine *h = g_new0(dd_engine, 1);
	mk_error rerr = { 0 };

	h->ref = 1;
	g_mutex_init(&h->store_lock);
	h->cfg = mk_config_ref(cfg);
	h->created_us = g_get_monotonic_time();
	if (dd_owner_resolve(cfg, &h->out_uid, &h->out_gid, err) != 0)
		goto fail;
	h->engine = mk_engine_new(cfg, mk_store_port_new(cfg), err);
	if (h->engine == NULL)
		goto fail;
	if (mk_engine_ready(h->engine, &rerr) == 0)
		mk_log(MK_LOG_INFO, NULL, "engine ready");
	else
		mk_log(MK_LOG_WARNING, NULL, "engine not ready: %s (nothing is "
		       "claimed; retry every %" G_GINT64_FORMAT " s)", rerr.msg,
		       cfg->dropd.rescan_s);
	return h;
fail:
	dd_engine_put(&h);
	return NULL;
}

dd_engine *
dd_engine_ref(dd_engine *h)
{
	if (h != NULL)
		g_atomic_int_inc(&h->ref);
	return h;
}

void
dd_engine_put(dd_engine **hp)
{
	dd_engine *h;

	if (hp == NULL || *hp == NULL)
		return;
	h = *hp;
	*hp = NULL;
	if (!g_atomic_int_dec_and_test(&h->ref))
		return;
	mk_store_close(&h->store);
	mk_engine_free(&h->engine);
	mk_config_unref(&h->cfg);
	g_mutex_clear(&h->store_lock);
	g_free(h);
}

bool
dd_engine_ready(dd_engine *h, mk_error *err)
{
	if (h == NULL || h->engine == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "no engine");
		return false;
	}
	return mk_engine_ready(h->engine, err) == 0;
}

int
dd_engine_stored(dd_engine *h, const char *id, mk_qrecord **rec, mk_error *err)
{
	mk_error gerr = { 0 };
	int rc;

	*rec = NULL;
	g_mutex_lock(&h->store_lock);
	if (h->store == NULL)
		h->store = mk_store_open(h->cfg, err);
	if (h->store == NULL) {
		rc = MK_ERR_TEMP;
		goto out;
	}
	rc = mk_qstore_get(h->store, id, rec, &gerr);
	if (rc == 0)
		rc = 1;
	else if (rc == MK_ERR_NOINPUT)
		rc = 0;
	else {
		mk_error_set(err, MK_ERR_TEMP, "quarantine lookup: %s", gerr.msg);
		mk_store_close(&h->store);
		rc = MK_ERR_TEMP;
	}
out:
	g_mutex_unlock(&h->store_lock);
	return rc;
}
