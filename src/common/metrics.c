/*
 * NAME
 *   metrics - counters of one daemon, rendered in the Prometheus text
 *   exposition format and kept in a textfile (see metrics.h)
 *
 * DESCRIPTION
 *   Fixed arrays indexed by our own enums (verdict words, finding codes):
 *   counting is a few additions under a mutex.  The histogram buckets are
 *   upper bounds in milliseconds; an item's time counts in every bucket
 *   it fits (cumulative at render time).
 *
 * NEVER
 *   Takes a label value from the input, or blocks the item it counts on
 *   the file: writing happens from the daemon's timer, not per item.
 */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "finding.h"
#include "util.h"

/* The verdict words of the log lines; the last slot counts anything else. */
static const char *const verdicts[] = {
	"pass", "cleaned", "stripped", "quarantined", "rejected", "tempfail", "too-big",
	"other",
};
#define N_VERDICTS G_N_ELEMENTS(verdicts)

/* Histogram upper bounds (milliseconds); +Inf is implied. */
static const gint64 buckets_ms[] = {
	50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000,
};
#define N_BUCKETS G_N_ELEMENTS(buckets_ms)

struct mk_metrics {
	GMutex lock;
	char *daemon, *channel;
	gint64 started;                  /* unix seconds */
	gint64 in_flight;
	gint64 items[N_VERDICTS];
	gint64 findings[MK_F_COUNT];
	gint64 crashes, timeouts;
	gint64 bucket[N_BUCKETS];        /* not cumulative */
	gint64 dur_count, dur_sum_ms;
};

mk_metrics *
mk_metrics_new(const char *daemon, const char *channel)
{
	mk_metrics *m = g_new0(mk_metrics, 1);

	g_mutex_init(&m->lock);
	m->daemon = g_strdup(daemon);
	m->channel = g_strdup(channel);
	m->started = g_get_real_time() / G_USEC_PER_SEC;
	return m;
}

void
mk_metrics_free(mk_metrics **pm)
{
	mk_metrics *m = pm ? *pm : NULL;

	if (m == NULL)
		return;
	g_mutex_clear(&m->lock);
	g_free(m->daemon);
	g_free(m->channel);
	g_free(m);
	*pm = NULL;
}

void
mk_metrics_begin(mk_metrics *m)
{
	if (m == NULL)
		return;
	g_mutex_lock(&m->lock);
	m->in_flight++;
	g_mutex_unlock(&m->lock);
}

void
mk_metrics_end(mk_metrics *m)
{
	if (m == NULL)
		return;
	g_mutex_lock(&m->lock);
	if (m->in_flight > 0)
		m->in_flight--;
	g_mutex_unlock(&m->lock);
}

static guint
verdict_index(const char *v)
{
	for (guint i = 0; i + 1 < N_VERDICTS; i++)
		if (v != NULL && strcmp(v, verdicts[i]) == 0)
			return i;
	return N_VERDICTS - 1;
}

/* Locked: count each known code of FINDINGS once. */
static void
count_findings(mk_metrics *m, const char *findings)
{
	char **v = g_strsplit(findings ? findings : "", ",", -1);
	bool seen[MK_F_COUNT] = { false };

	for (int i = 0; v[i] != NULL; i++) {
		int c = mk_finding_parse(g_strstrip(v[i]));

		if (c < 0 || c >= MK_F_COUNT || seen[c])
			continue;
		seen[c] = true;
		m->findings[c]++;
		if (c == MK_F_WORKER_CRASH)
			m->crashes++;
		else if (c == MK_F_WORKER_TIMEOUT)
			m->timeouts++;
	}
	g_strfreev(v);
}

void
mk_metrics_item(mk_metrics *m, const char *verdict, gint64 ms, const char *findings)
{
	if (m == NULL)
		return;
	if (ms < 0)
		ms = 0;
	g_mutex_lock(&m->lock);
	m->items[verdict_index(verdict)]++;
	count_findings(m, findings);
	for (guint i = 0; i < N_BUCKETS; i++)
		if (ms <= buckets_ms[i]) {
			m->bucket[i]++;
			break;
		}
	m->dur_count++;
	m->dur_sum_ms += ms;
	g_mutex_unlock(&m->lock);
}

gint64
mk_metrics_count(mk_metrics *m, const char *verdict)
{
	gint64 n;

	if (m == NULL)
		return 0;
	g_mutex_lock(&m->lock);
	n = m->items[verdict_index(verdict)];
	g_mutex_unlock(&m->lock);
	return n;
}

static void
family(GString *s, const char *name, const char *type, const char *help)
{
	g_string_append_printf(s, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Locked: the counters and the histogram. */
static void
render_counts(const mk_metrics *m, GString *s, const char *lb)
{
	gint64 cum = 0;

	family(s, "mukaika_items_total", "counter",
	       "Items finished, by verdict (tempfail: the sender or the drop folder retries).");
	for (guint i = 0; i < N_VERDICTS; i++)
		g_string_append_printf(s, "mukaika_items_total{%s,verdict=\"%s\"} %" G_GINT64_FORMAT
		                       "\n", lb, verdicts[i], m->items[i]);
	family(s, "mukaika_findings_total", "counter", "Finished items carrying a finding, by code.");
	for (int c = 0; c < MK_F_COUNT; c++)
		g_string_append_printf(s, "mukaika_findings_total{%s,code=\"%s\"} %" G_GINT64_FORMAT
		                       "\n", lb, mk_finding_name((mk_finding_code)c), m->findings[c]);
	family(s, "mukaika_worker_failures_total", "counter",
	       "Items whose sandboxed worker crashed or timed out (the item is held).");
	g_string_append_printf(s, "mukaika_worker_failures_total{%s,kind=\"crash\"} %"
	                       G_GINT64_FORMAT "\n", lb, m->crashes);
	g_string_append_printf(s, "mukaika_worker_failures_total{%s,kind=\"timeout\"} %"
	                       G_GINT64_FORMAT "\n", lb, m->timeouts);
	family(s, "mukaika_item_duration_seconds", "histogram",
	       "Time from the end of the item's data to its verdict.");
	for (guint i = 0; i < N_BUCKETS; i++) {
		cum += m->bucket[i];
		g_string_append_printf(s, "mukaika_item_duration_seconds_bucket{%s,le=\"%g\"} %"
		                       G_GINT64_FORMAT "\n", lb, (double)buckets_ms[i] / 1000.0, cum);
	}
	g_string_append_printf(s, "mukaika_item_duration_seconds_bucket{%s,le=\"+Inf\"} %"
	                       G_GINT64_FORMAT "\n", lb, m->dur_count);
	g_string_append_printf(s, "mukaika_item_duration_seconds_sum{%s} %.3f\n", lb,
	                       (double)m->dur_sum_ms / 1000.0);
	g_string_append_printf(s, "mukaika_item_duration_seconds_count{%s} %" G_GINT64_FORMAT
	                       "\n", lb, m->dur_count);
	family(s, "mukaika_items_in_flight", "gauge", "Items in the engine now.");
	g_string_append_printf(s, "mukaika_items_in_flight{%s} %" G_GINT64_FORMAT "\n", lb,
	                       m->in_flight);
}

static void
render_gauges(const mk_metrics *m, GString *s, const char *lb, const mk_metrics_gauges *g,
              gint64 now)
{
	if (g != NULL && g->engine_ready >= 0) {
		family(s, "mukaika_engine_ready", "gauge",
		       "1 when the scanner is usable; 0: every item tempfails.");
		g_string_append_printf(s, "mukaika_engine_ready{%s} %d\n", lb, g->engine_ready ? 1 : 0);
	}
	if (g != NULL && g->db_newest > 0) {
		family(s, "mukaika_signature_db_timestamp_seconds", "gauge",
		       "Build time of the newest signature file.");
		g_string_append_printf(s, "mukaika_signature_db_timestamp_seconds{%s} %" G_GINT64_FORMAT
		                       "\n", lb, g->db_newest);
		family(s, "mukaika_signature_db_age_seconds", "gauge",
		       "Age of the newest signature file (clamav.max_db_age_hours: mail tempfails).");
		g_string_append_printf(s, "mukaika_signature_db_age_seconds{%s} %" G_GINT64_FORMAT
		                       "\n", lb, MAX(0, now - g->db_newest));
	}
	family(s, "mukaika_start_time_seconds", "gauge", "Start time of the daemon.");
	g_string_append_printf(s, "mukaika_start_time_seconds{%s} %" G_GINT64_FORMAT "\n", lb,
	                       m->started);
	family(s, "mukaika_metrics_timestamp_seconds", "gauge",
	       "When this file was written (an old value: the daemon is not running).");
	g_string_append_printf(s, "mukaika_metrics_timestamp_seconds{%s} %" G_GINT64_FORMAT "\n",
	                       lb, now);
}

char *
mk_metrics_render(mk_metrics *m, const mk_metrics_gauges *g, gint64 now)
{
	GString *s;
	char *lb;

	if (m == NULL)
		return g_strdup("");
	s = g_string_new(NULL);
	lb = g_strdup_printf("daemon=\"%s\",channel=\"%s\"", m->daemon, m->channel);
	g_mutex_lock(&m->lock);
	render_counts(m, s, lb);
	g_mutex_unlock(&m->lock);
	render_gauges(m, s, lb, g, now);
	g_free(lb);
	return g_string_free(s, FALSE);
}

char *
mk_metrics_dir(const mk_config *cfg)
{
	return mk_config_state_path(cfg, cfg->metrics.dir, "metrics");
}

int
mk_metrics_write(const char *dir, const char *name, const char *text, mk_error *err)
{
	char *path = g_strdup_printf("%s/mukaika-%s.prom", dir, name);
	char *tmp = g_strdup_printf("%s/.mukaika-%s.prom.XXXXXX", dir, name);
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0644);
	int rc = MK_ERR_IO;

	if (fd < 0) {
		mk_error_set(err, MK_ERR_IO, "%s: %s", tmp, g_strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0644) != 0 || mk_write_all(fd, text, strlen(text)) != 0) {
		mk_error_set(err, MK_ERR_IO, "%s: %s", tmp, g_strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		mk_error_set(err, MK_ERR_IO, "%s: %s", tmp, g_strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		mk_error_set(err, MK_ERR_IO, "%s: %s", path, g_strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	g_free(tmp);
	g_free(path);
	return rc;
}
