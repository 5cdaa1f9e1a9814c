/*
 * NAME
 *   stats - one small row per processed item, for `mukaika report`
 *
 * SUMMARY
 *   rc = mk_stats_add(s, &meta, size, stored, err);
 *   rc = mk_stats_list(s, from, until, &rows, err);
 *
 * DESCRIPTION
 *   Every item the engine finishes (mail or file, passed ones included;
 *   not scan-only runs, not TEMPFAIL, which comes again) leaves a row: id,
 *   time received, channel, verdict, finding codes, size and whether the
 *   original was kept.  No content, no addresses, no subject: the rows
 *   are counts for the periodic analysis of the logs (DESIGN §1), kept
 *   like the audit events.  The same id twice (a job re-run) keeps the
 *   first row.
 *
 * OWNERSHIP
 *   Strings in META are borrowed; rows returned are new.
 *
 * FAILURE
 *   Store failures MK_ERR_TEMP.
 */
#ifndef MK_STATS_H
#define MK_STATS_H

#include <glib.h>

#include "item.h"
#include "store.h"

typedef struct mk_stat_row {
	char *id, *channel, *findings;
	mk_verdict verdict;
	gint64 received, size;
	bool stored;
} mk_stat_row;

int mk_stats_add(mk_store *s, const mk_qmeta *meta, gint64 size, bool stored,
                 mk_error *err);
/* Rows received in [FROM, UNTIL), oldest first (mk_stat_row*, free func set). */
int mk_stats_list(mk_store *s, gint64 from, gint64 until, GPtrArray **out,
                  mk_error *err);
void mk_stat_row_free(mk_stat_row **r);

#endif
