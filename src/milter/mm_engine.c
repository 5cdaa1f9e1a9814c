/*
 * NAME
 *   mm_engine - the milter's current engine and configuration snapshot
 *
 * SUMMARY
 *   mm_engine_init(cfg, err); h = mm_engine_get(); ... mm_engine_put(&h);
 *   mm_engine_reload(path, err);   (SIGHUP)
 *   mm_engine_retry_if_unready();  (every MM_READY_RETRY_S from the main loop)
 *
 * DESCRIPTION
 *   One holder is current at a time.  A message takes a reference when it
 *   starts and keeps that holder (engine and config) until it ends, so a reload
 *   builds a new holder, swaps the pointer under a mutex and drops only the
 *   holder's own reference: the old engine is freed when its last message ends.
 *   An engine that is not ready (signature database missing or stale, store
 *   unusable) stays current -- every message then tempfails -- and is rebuilt
 *   from the same snapshot by mm_engine_retry_if_unready().
 *
 * NEVER
 *   Never blocks a callback on a reload: the new engine is built outside the
 *   lock.
 *
 * FAILURE
 *   A reload whose configuration does not load keeps the running holder and
 *   returns the error.  mk_engine_new() failing leaves the old holder too.
 */
#include <glib.h>

#include "config_open.h"
#include "log.h"
#include "mm.h"
#include "store_port.h"
#include "store.h"

static GMutex cur_lock;
static mm_engine *cur;

static mm_engine *
holder_new(mk_config *cfg, mk_error *err)
{
	mk_engine *e = mk_engine_new(cfg, mk_store_port_new(cfg), err);
	mm_engine *h;
	mk_error rerr = {0};

	if (e == NULL)
		return NULL;
	h = g_new0(mm_engine, 1);
	h->ref = 1;
	h->cfg = mk_config_ref(cfg);
	h->engine = e;
	h->created_us = g_get_monotonic_time();
	if (mk_engine_ready(e, &rerr) == 0)
		mk_log(MK_LOG_INFO, NULL, "engine ready");
	else
		mk_log(MK_LOG_WARNING, NULL, "engine not ready: %s "
		       "(every message tempfails; retry in %d s)", rerr.msg,
		       MM_READY_RETRY_S);
	return h;
}

static void
swap_in(mm_engine *h)
{
	mm_engine *old;

	g_mutex_lock(&cur_lock);
	old = cur;
	cur = h;
	g_mutex_unlock(&cur_lock);
	mm_engine_put(&old);
}

int
mm_engine_init(mk_config *cfg, mk_error *err)
{
	mm_engine *h = holder_new(cfg, err);

	if (h == NULL)
		return err ? err->code : MK_ERR_SOFTWARE;
	swap_in(h);
	return 0;
}

mm_engine *
mm_engine_get(void)
{
	mm_engine *h;

	g_mutex_lock(&cur_lock);
	h = cur;
	if (h != NULL)
		g_atomic_int_inc(&h->ref);
	g_mutex_unlock(&cur_lock);
	return h;
}

void
mm_engine_put(mm_engine **hp)
{
	mm_engine *h;

	if (hp == NULL || *hp == NULL)
		return;
	h = *hp;
	*hp = NULL;
	if (!g_atomic_int_dec_and_test(&h->ref))
		return;
	mk_engine_free(&h->engine);
	mk_config_unref(&h->cfg);
	g_free(h);
}

int
mm_engine_reload(const char *path, mk_error *err)
{
	mk_config *cfg;
	mm_engine *h;
	int rc = 0;

	/* a bad file on SIGHUP: every problem line goes to the log */
	cfg = mk_config_open(path, mk_config_report_log, NULL, err);
	if (cfg == NULL) {
		rc = err ? err->code : MK_ERR_CONFIG;
		goto out;
	}
	h = holder_new(cfg, err);
	if (h == NULL) {
		rc = err ? err->code : MK_ERR_SOFTWARE;
		goto out;
	}
	swap_in(h);
	mk_audit_config_note(cfg, "mukaika-milter");
	mk_log(MK_LOG_INFO, NULL, "configuration reloaded from %s",
	       path ? path : "(defaults)");
out:
	mk_config_unref(&cfg);
	return rc;
}

void
mm_engine_retry_if_unready(void)
{
	mm_engine *h = mm_engine_get(), *n;
	mk_error err = {0};

	if (h == NULL || mk_engine_ready(h->engine, &err) == 0)
		goto out;
	if (g_get_monotonic_time() - h->created_us <
	    (gint64)MM_READY_RETRY_S * G_USEC_PER_SEC)
		goto out;
	mk_log(MK_LOG_INFO, NULL, "engine not ready (%s): rebuilding", err.msg);
	n = holder_new(h->cfg, &err);
	if (n != NULL)
		swap_in(n);
	else
		mk_log(MK_LOG_ERROR, NULL, "engine rebuild failed: %s", err.msg);
out:
	mm_engine_put(&h);
}

void
mm_engine_shutdown(void)
{
	swap_in(NULL);
}
