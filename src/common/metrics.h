/*
 * NAME
 *   metrics - a daemon's counters as a Prometheus textfile (node_exporter's
 *   textfile collector reads it; no port is opened)
 *
 * SUMMARY
 *   mk_metrics *m = mk_metrics_new("milter", "mail");
 *   mk_metrics_begin(m);                         an item enters the engine
 *   mk_metrics_end(m);                           ... and leaves it
 *   mk_metrics_item(m, "cleaned", 412, "html_active,macro");
 *   char *txt = mk_metrics_render(m, &gauges, now);
 *   rc = mk_metrics_write(dir, "milter", txt, &err);
 *   mk_metrics_free(&m);
 *
 * DESCRIPTION
 *   One registry per daemon process, shared by its threads (a mutex).  It
 *   counts finished items by verdict (the log line's word: pass, cleaned,
 *   stripped, quarantined, rejected, tempfail, too-big), the finding codes
 *   they carried, worker failures (worker_crash, worker_timeout findings),
 *   and their time in a histogram; the caller adds gauges it knows at
 *   render time (signature database, engine readiness).  Every label value
 *   comes from our own tables (daemon, channel, verdict, finding code):
 *   never from the input, so the series are few and fixed.
 *
 *   Metric names (STYLE: mukaika_<noun>_<unit>_total), all with labels
 *   daemon and channel:
 *     mukaika_items_total{verdict}               counter
 *     mukaika_findings_total{code}               counter (items carrying it)
 *     mukaika_worker_failures_total{kind}        counter, crash|timeout
 *     mukaika_item_duration_seconds              histogram
 *     mukaika_items_in_flight                    gauge
 *     mukaika_engine_ready                       gauge 0|1 (when known)
 *     mukaika_signature_db_timestamp_seconds     gauge (when known)
 *     mukaika_signature_db_age_seconds           gauge (when known)
 *     mukaika_start_time_seconds                 gauge
 *     mukaika_metrics_timestamp_seconds          gauge: the file's time
 *
 *   mk_metrics_write(): DIR/mukaika-DAEMON.prom, written as a temp file in
 *   DIR, mode 0644 (counts only: nothing secret), then renamed over the
 *   old one, so a scrape never reads half a file.
 *
 * OWNERSHIP
 *   Strings passed in are borrowed; rendered text is new (caller frees).
 *
 * FAILURE
 *   mk_metrics_write() returns MK_ERR_IO with the reason; counting never
 *   fails.  All functions accept a NULL registry (metrics disabled).
 */
#ifndef MK_METRICS_H
#define MK_METRICS_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "mk_error.h"

typedef struct mk_metrics mk_metrics;

/* What the caller knows at render time; a field < 0 is left out. */
typedef struct mk_metrics_gauges {
	gint64 db_newest;     /* build time of the newest signature file (unix s) */
	int engine_ready;     /* 1 ready, 0 not (mail tempfails) */
} mk_metrics_gauges;

/* DAEMON, CHANNEL: short names ("milter", "mail"), copied. */
mk_metrics *mk_metrics_new(const char *daemon, const char *channel);
void mk_metrics_free(mk_metrics **m);

void mk_metrics_begin(mk_metrics *m);
void mk_metrics_end(mk_metrics *m);
/* One finished item: VERDICT as logged, MS its time, FINDINGS the
 * comma-separated codes (mk_report_findings) or NULL. */
void mk_metrics_item(mk_metrics *m, const char *verdict, gint64 ms,
                     const char *findings);
/* Counter value of items with VERDICT (tests). */
gint64 mk_metrics_count(mk_metrics *m, const char *verdict);

/* The textfile (caller frees); G may be NULL.  NOW: unix seconds. */
char *mk_metrics_render(mk_metrics *m, const mk_metrics_gauges *g, gint64 now);

/* metrics.dir or general.state_dir/metrics (caller frees). */
char *mk_metrics_dir(const mk_config *cfg);
/* TEXT into DIR/mukaika-NAME.prom, atomically, mode 0644. */
int mk_metrics_write(const char *dir, const char *name, const char *text,
                     mk_error *err);

#endif
