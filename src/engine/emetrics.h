/*
 * NAME
 *   emetrics - a daemon's metrics textfile from its registry and its
 *   running engine
 *
 * SUMMARY
 *   mk_emetrics_flush(m, cfg, engine, "milter");
 *
 * DESCRIPTION
 *   Renders the registry (metrics.h) with the gauges only the engine
 *   knows -- readiness, and the build time of the newest signature file
 *   of clamav.database_dir by the scanner's own rule (libclamav backend;
 *   a clamd pool reports its own) -- and writes it to metrics.dir as
 *   mukaika-NAME.prom.  Nothing when metrics.enabled is false.  Called
 *   from a daemon's timer, never per item.
 *
 * FAILURE
 *   A write failure is logged (once until it changes) and returned; the
 *   daemon goes on: metrics never stop mail.
 */
#ifndef MK_EMETRICS_H
#define MK_EMETRICS_H

#include "config.h"
#include "engine.h"
#include "metrics.h"

/* ENGINE may be NULL (not built yet). */
int mk_emetrics_flush(mk_metrics *m, const mk_config *cfg, mk_engine *engine,
                      const char *name);

#endif
