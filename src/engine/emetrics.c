/*
 * NAME
 *   emetrics - render and write a daemon's metrics textfile (emetrics.h)
 *
 * NEVER
 *   Blocks an item: it runs on the daemon's timer thread; the registry's
 *   lock is held only while the counters are copied into text.
 */
#include "emetrics.h"

#include <string.h>

#include "f_clamav.h"
#include "log.h"

static GMutex last_lock;
static char *last_error;   /* the last failure logged, to log each once */

static void
gauges(const mk_config *cfg, mk_engine *e, mk_metrics_gauges *g)
{
	mk_error err = { 0 };
	gint64 newest = 0;

	g->engine_ready = e == NULL ? 0 : mk_engine_ready(e, &err) == 0;
	g->db_newest = -1;
	if (strcmp(cfg->clamav.backend, "libclamav") == 0 &&
	    mk_scanner_db_newest(cfg->clamav.database_dir, &newest, &err) == 0)
		g->db_newest = newest;
}

static void
note_result(int rc, const char *msg)
{
	g_mutex_lock(&last_lock);
	if (rc == 0) {
		if (last_error != NULL)
			mk_log(MK_LOG_INFO, NULL, "metrics textfile written again");
		g_clear_pointer(&last_error, g_free);
	} else if (last_error == NULL || strcmp(last_error, msg) != 0) {
		mk_log(MK_LOG_WARNING, NULL, "metrics textfile: %s", msg);
		g_free(last_error);
		last_error = g_strdup(msg);
	}
	g_mutex_unlock(&last_lock);
}

int
mk_emetrics_flush(mk_metrics *m, const mk_config *cfg, mk_engine *engine, const char *name)
{
	mk_metrics_gauges g;
	mk_error err = { 0 };
	char *dir, *text;
	int rc;

	if (m == NULL || !cfg->metrics.enabled)
		return 0;
	gauges(cfg, engine, &g);
	text = mk_metrics_render(m, &g, g_get_real_time() / G_USEC_PER_SEC);
	dir = mk_metrics_dir(cfg);
	rc = mk_metrics_write(dir, name, text, &err);
	note_result(rc, err.msg);
	g_free(dir);
	g_free(text);
	return rc;
}
