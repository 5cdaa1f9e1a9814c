/*
 * NAME
 *   store_port - the engine's port over the configured store (see
 *   store_port.h)
 *
 * OWNS
 *   one store handle and the last list of policy exceptions, behind a
 *   mutex.
 *
 * FAILURE
 *   put(): the store's error (the engine turns it into TEMPFAIL).
 *   exception(): never fails; an unreadable store keeps the last list.
 */
#include "store_port.h"

#include "log.h"

typedef struct port_ctx {
	mk_config *cfg;
	GMutex lock;
	mk_store *store;           /* opened on first use */
	GPtrArray *exceptions;     /* mk_exception* */
	gint64 exc_loaded_us;      /* monotonic time of the last attempt */
} port_ctx;

static int
port_put(void *ctx, const mk_qmeta *m, GBytes *original, mk_error *err)
{
	port_ctx *p = ctx;
	int rc;

	g_mutex_lock(&p->lock);
	if (p->store == NULL)
		p->store = mk_store_open(p->cfg, err);
	rc = p->store != NULL ? mk_qstore_put(p->store, m, original, err) : MK_ERR_TEMP;
	if (rc < 0)
		mk_store_close(&p->store);   /* reopen next time */
	g_mutex_unlock(&p->lock);
	return rc;
}

/* Count a finished item; a failure is logged, never the item's. */
static void
port_note(void *ctx, const mk_qmeta *m, gint64 size, bool stored)
{
	port_ctx *p = ctx;
	mk_error err = { 0 };

	g_mutex_lock(&p->lock);
	if (p->store == NULL)
		p->store = mk_store_open(p->cfg, &err);
	if (p->store == NULL || mk_stats_add(p->store, m, size, stored, &err) != 0) {
		mk_log(MK_LOG_ERROR, m->id, "processed item not counted: %s", err.msg);
		mk_store_close(&p->store);   /* reopen next time */
	}
	g_mutex_unlock(&p->lock);
}

/* Re-read the exceptions when due (under the lock).  Never creates a
 * store that does not exist. */
static void
refresh(port_ctx *p)
{
	gint64 now = g_get_monotonic_time();
	GPtrArray *list = NULL;
	mk_error err = { 0 };
	if (p->exc_loaded_us != 0 &&
	    now - p->exc_loaded_us < p->cfg->quarantine.exceptions_refresh_s * G_USEC_PER_SEC)
		return;
	p->exc_loaded_us = now;
	if (p->store == NULL && mk_store_exists(p->cfg))
		p->store = mk_store_open(p->cfg, &err);
	if (p->store == NULL && err.msg[0] == '\0')
		return;                       /* no store yet: no exceptions */
	if (p->store == NULL || mk_exception_list(p->store, &list, &err) != 0) {
		mk_log(MK_LOG_WARNING, NULL, "policy exceptions not re-read, keeping the "
		       "last %u: %s", p->exceptions ? p->exceptions->len : 0, err.msg);
		mk_store_close(&p->store);   /* reopen next time */
		return;
	}
	if (p->exceptions != NULL)
		g_ptr_array_unref(p->exceptions);
	p->exceptions = list;
}

static bool
port_exception(void *ctx, const char *sender, gint64 now, mk_policy_exc *pe,
               char **pattern)
{
	port_ctx *p = ctx;
	const mk_exception *x;
	bool found = false;

	g_mutex_lock(&p->lock);
	refresh(p);
	x = mk_exception_match(p->exceptions, sender, now);
	if (x != NULL && mk_action_parse(x->action, &pe->action) == 0) {
		pe->id = x->id;
		pe->pattern = *pattern = g_strdup(x->pattern);
		found = true;
	}
	g_mutex_unlock(&p->lock);
	return found;
}

static void
port_free(void *ctx)
{
	port_ctx *p = ctx;

	if (p == NULL)
		return;
	mk_store_close(&p->store);
	if (p->exceptions != NULL)
		g_ptr_array_unref(p->exceptions);
	g_mutex_clear(&p->lock);
	mk_config_unref(&p->cfg);
	g_free(p);
}

mk_engine_port *
mk_store_port_new(mk_config *cfg)
{
	mk_engine_port *port = g_new0(mk_engine_port, 1);
	port_ctx *p = g_new0(port_ctx, 1);

	p->cfg = mk_config_ref(cfg);
	g_mutex_init(&p->lock);
	port->ctx = p;
	port->put = port_put;
	port->exception = port_exception;
	port->note = port_note;
	port->free = port_free;
	g_mutex_lock(&p->lock);
	refresh(p);                        /* the list as the engine starts */
	g_mutex_unlock(&p->lock);
	return port;
}
