/*
 * NAME
 *   health_daemons - read the daemons' metrics textfiles for `mukaika
 *   health` (see health_daemons.h)
 *
 * NEVER
 *   Writes anything; trusts a textfile for more than two numbers (a file
 *   too big, unreadable or without them counts as stale).
 */
#include "health_daemons.h"

#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* Largest textfile read (ours are a few KB). */
#define HEALTH_TEXTFILE_MAX (256 * 1024)

/* The value of the first series NAME{...} in TEXT; false when absent. */
static bool
series(const char *text, const char *name, gint64 *v)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *sp;

		if (strncmp(p, name, n) != 0 || (p[n] != '{' && p[n] != ' '))
			continue;
		sp = strchr(p + n, ' ');
		if (sp == NULL)
			return false;
		*v = g_ascii_strtoll(sp + 1, NULL, 10);
		return true;
	}
	return false;
}

int
cli_health_daemons(const mk_config *cfg, gint64 now, char **detail)
{
	static const char *const names[] = { "milter", "dropd" };
	gint64 stale = MAX(HEALTH_DAEMON_STALE_TICKS * cfg->metrics.interval_s,
	                   HEALTH_DAEMON_STALE_MIN_S);
	char *dir = mk_metrics_dir(cfg);
	GString *d = g_string_new(NULL);
	int level = -1;

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		char *path = g_strdup_printf("%s/mukaika-%s.prom", dir, names[i]);
		char *text = NULL;
		gsize len = 0;
		gint64 ts = 0, ready = 1;
		int lv;

		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_free(path);
			continue;
		}
		if (d->len)
			g_string_append(d, ", ");
		if (!g_file_get_contents(path, &text, &len, NULL) || len > HEALTH_TEXTFILE_MAX ||
		    !series(text, "mukaika_metrics_timestamp_seconds", &ts)) {
			lv = 1;
			g_string_append_printf(d, "%s textfile unreadable", names[i]);
		} else if (series(text, "mukaika_engine_ready", &ready) && ready == 0) {
			lv = 2;
			g_string_append_printf(d, "%s engine not ready (%s)", names[i],
			                       i == 0 ? "mail tempfails" : "files wait");
		} else if (now - ts > stale) {
			lv = 1;
			g_string_append_printf(d, "%s silent for %" G_GINT64_FORMAT " s (not running?)",
			                       names[i], now - ts);
		} else {
			lv = 0;
			g_string_append_printf(d, "%s ok", names[i]);
		}
		level = MAX(level, lv);
		g_free(text);
		g_free(path);
	}
	g_free(dir);
	*detail = g_string_free(d, FALSE);
	return level;
}
