/*
 * NAME
 *   health_daemons - the "daemons" check of `mukaika health`: what the
 *   running mukaika-milter and mukaika-dropd say about themselves in their
 *   metrics textfiles
 *
 * SUMMARY
 *   int lv = cli_health_daemons(cfg, now, &detail);
 *
 * DESCRIPTION
 *   For each of metrics.dir/mukaika-milter.prom and mukaika-dropd.prom
 *   that exists: mukaika_engine_ready 0 is CRITICAL (the daemon's own
 *   scanner is unusable: mail tempfails, files wait -- this also covers a
 *   clamd pool, whose age the signatures check cannot see); a
 *   mukaika_metrics_timestamp_seconds older than HEALTH_DAEMON_STALE_TICKS
 *   times metrics.interval_s (at least HEALTH_DAEMON_STALE_MIN_S) is
 *   WARNING: the daemon stopped updating it (not running, or hung).  A
 *   daemon without a file (not installed, metrics off) is not judged.
 *
 * OWNERSHIP
 *   *DETAIL is new (caller frees): "milter ok, dropd engine not ready".
 *
 * RETURNS
 *   0 OK, 1 WARNING, 2 CRITICAL; -1 when no textfile was found.
 */
#ifndef CLI_HEALTH_DAEMONS_H
#define CLI_HEALTH_DAEMONS_H

#include <glib.h>

#include "config.h"

#define HEALTH_DAEMON_STALE_TICKS 4
#define HEALTH_DAEMON_STALE_MIN_S 120

int cli_health_daemons(const mk_config *cfg, gint64 now, char **detail);

#endif
