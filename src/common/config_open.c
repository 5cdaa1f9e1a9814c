/*
 * NAME
 *   config_open - load the configuration, report its problems (config_open.h)
 *
 * DESCRIPTION
 *   The one place the programs turn a config path into a snapshot; what is
 *   wrong with the file goes through a caller-chosen reporter.
 *
 * NEVER
 *   Never falls back to the defaults when a file was named and is bad.
 *
 * FAILURE
 *   See config_open.h.
 */
#include "config_open.h"

#include <stdio.h>

#include "log.h"

void
mk_config_report_stderr(void *ud, const char *line)
{
	(void)ud;
	fprintf(stderr, "%s\n", line);
}

void
mk_config_report_log(void *ud, const char *line)
{
	(void)ud;
	mk_log(MK_LOG_ERROR, NULL, "%s", line);
}

mk_config *
mk_config_open(const char *path, mk_config_report_fn report, void *ud, mk_error *err)
{
	GPtrArray *probs = NULL;
	mk_error local = { 0 };
	mk_config *cfg;

	if (err == NULL)
		err = &local;
	if (path == NULL)
		return mk_config_defaults();
	cfg = mk_config_load(path, &probs, err);
	if (cfg == NULL && report != NULL) {
		for (guint i = 0; probs != NULL && i < probs->len; i++)
			report(ud, g_ptr_array_index(probs, i));
		if (probs == NULL || probs->len == 0)
			report(ud, err->msg[0] ? err->msg : "configuration error");
	}
	if (probs != NULL)
		g_ptr_array_unref(probs);
	return cfg;
}
