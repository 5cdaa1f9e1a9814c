/*
 * NAME
 *   f_clamav - the virus scanner: in-process libclamav or a clamd pool
 *
 * SUMMARY
 *   mk_scanner *mk_scanner_new(const mk_config *cfg, mk_error *err);
 *   int mk_scanner_scan(mk_scanner *s, const void *buf, size_t len,
 *                       GPtrArray *hits, mk_error *err);
 *
 * DESCRIPTION
 *   Loads every signature file in clamav.database_dir (cl_load with
 *   CL_DB_STDOPT), sets the engine limits from clamav.* and compiles.  A
 *   missing, empty or unloadable database, or one whose newest file is older
 *   than clamav.max_db_age_hours, fails with MK_ERR_TEMP: the caller must
 *   tempfail, never pass.  mk_scanner_fresh() re-checks the age later.
 *
 *   mk_scanner_scan() scans a memory buffer (cl_fmap_open_memory +
 *   cl_scanmap_callback) with archive, mail, OLE2, PDF, HTML parsing on and,
 *   per config, heuristic alerts (macros, encrypted).  Every detection is
 *   collected through clcb_virus_found (all-match mode), so several names
 *   and heuristic hits with a NULL name ("Heuristics.Unknown") are kept.
 *   Returns 0 clean, 1 infected (names appended to HITS as new strings),
 *   negative MK_ERR_TEMP on a scanner error.  Thread safe: one compiled
 *   engine is shared read-only by all threads.
 *
 *   clamav.backend = clamd: the same interface runs on the clamd pool of
 *   f_clamd.h (INSTREAM, round robin, health checks, the database age taken
 *   from VERSION); the process then loads no signatures.
 *
 * OWNERSHIP
 *   mk_scanner_new returns a new scanner (free with mk_scanner_free); HITS
 *   must have g_free as its free func.
 */
#ifndef MK_F_CLAMAV_H
#define MK_F_CLAMAV_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "mk_error.h"

typedef struct mk_scanner mk_scanner;

mk_scanner *mk_scanner_new(const mk_config *cfg, mk_error *err);
void mk_scanner_free(mk_scanner **s);
int mk_scanner_scan(mk_scanner *s, const void *buf, size_t len,
                    GPtrArray *hits, mk_error *err);
/* 0 if the database is still within clamav.max_db_age_hours, else MK_ERR_TEMP. */
int mk_scanner_fresh(mk_scanner *s, mk_error *err);
/* The rule mk_scanner_new() applies, without loading: build time (unix
 * seconds) of the newest signature file in DIR; MK_ERR_TEMP when DIR is
 * missing or holds none (for `mukaika health`). */
int mk_scanner_db_newest(const char *dir, gint64 *newest, mk_error *err);
/* Signature count and a version string ("clamav 1.4.6, N sigs"). Borrowed. */
const char *mk_scanner_describe(const mk_scanner *s);
/* What identifies the loaded signatures (libclamav: its version, the
 * database version, signature count and newest database time; clamd:
 * the pool's description), for keys that must change with them.
 * Borrowed. */
const char *mk_scanner_db_version(const mk_scanner *s);
/* Map a hit name to the finding it means: Heuristics.Encrypted.* ->
 * encrypted, *.OLE2.ContainsMacros / *.Macros -> active_content, else virus. */
int mk_scanner_hit_finding(const char *name);

#endif
