/*
 * NAME
 *   f_clamd - a pool of clamd daemons as the virus scanner
 *
 * SUMMARY
 *   mk_clamd *mk_clamd_new(const mk_config *cfg, mk_error *err);
 *   int mk_clamd_scan(mk_clamd *c, const void *buf, size_t len,
 *                     GPtrArray *hits, mk_error *err);
 *   int mk_clamd_fresh(mk_clamd *c, mk_error *err);
 *
 * DESCRIPTION
 *   The backend of f_clamav.h for clamav.backend = clamd: the process loads
 *   no signatures; every scan is one zINSTREAM to one member of
 *   clamav.clamd_sockets ("unix:/PATH" or "tcp:HOST:PORT", ';'-separated),
 *   chosen round robin.  A member that cannot be reached, times out
 *   (clamav.clamd_connect_timeout_ms / clamd_io_timeout_ms) or answers
 *   nonsense is marked down and the next one is tried; no member left is
 *   MK_ERR_TEMP, never clean.
 *
 *   mk_clamd_fresh() is the health check: PING (PONG) and VERSION
 *   ("ClamAV x/DBVER/DATE") on every member; a member is up when it answers
 *   and its database date is within clamav.max_db_age_hours (a member that
 *   reports no database date counts as stale unless the check is off).
 *   No member up is MK_ERR_TEMP.  mk_clamd_new() runs it once.
 *
 *   Replies: "stream: OK" clean (0); "stream: NAME FOUND" infected (1, NAME
 *   in HITS); a size-limit reply (clamd StreamMaxLength) and data over
 *   clamav.max_filesize become the hit "Heuristics.Limits.Exceeded.*"
 *   (finding `limit`, a hold), never a pass; "... ERROR" or anything else
 *   is MK_ERR_TEMP.
 *
 *   The parsers are public for the unit tests: they read only their
 *   argument.
 *
 * OWNERSHIP
 *   mk_clamd_new returns a new pool (mk_clamd_free); thread safe: member
 *   state is atomic, each scan has its own connection.
 */
#ifndef MK_F_CLAMD_H
#define MK_F_CLAMD_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "mk_error.h"

typedef struct mk_clamd mk_clamd;

/* Result of mk_clamd_parse_reply(). */
typedef enum {
	MK_CLAMD_CLEAN = 0,
	MK_CLAMD_FOUND = 1,
	MK_CLAMD_LIMIT = 2,
	MK_CLAMD_ERROR = -1,
} mk_clamd_reply;

#define MK_CLAMD_LIMIT_HIT "Heuristics.Limits.Exceeded.StreamMaxLength"
#define MK_CLAMD_FILESIZE_HIT "Heuristics.Limits.Exceeded.MaxFileSize"

mk_clamd *mk_clamd_new(const mk_config *cfg, mk_error *err);
void mk_clamd_free(mk_clamd **c);
int mk_clamd_scan(mk_clamd *c, const void *buf, size_t len, GPtrArray *hits,
                  mk_error *err);
int mk_clamd_fresh(mk_clamd *c, mk_error *err);
const char *mk_clamd_describe(const mk_clamd *c);   /* borrowed */

/* One INSTREAM reply (NUL or newline terminated text).  FOUND sets *NAME
 * (caller frees); ERROR sets a message in ERR. */
mk_clamd_reply mk_clamd_parse_reply(const char *reply, char **name,
                                    mk_error *err);
/* A VERSION reply: 0 and *DBVER / *DBTIME (epoch seconds; both 0 when the
 * reply names no database), or MK_ERR_TEMP when it is not a VERSION reply. */
int mk_clamd_parse_version(const char *reply, gint64 *dbver, gint64 *dbtime,
                           mk_error *err);
/* One pool member: "unix:/PATH" (*PORT = NULL) or "tcp:HOST:PORT".  0 and
 * new strings in *HOST (the path for unix) and *PORT, or MK_ERR_CONFIG. */
int mk_clamd_parse_socket(const char *spec, char **host, char **port,
                          mk_error *err);

#endif
