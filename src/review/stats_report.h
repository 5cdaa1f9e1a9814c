/*
 * NAME
 *   stats_report - `mukaika report`: the processed items of a period as
 *   text, CSV or JSON
 *
 * SUMMARY
 *   char *s = mk_stats_report(rows, from, until, MK_SR_TEXT);
 *
 * DESCRIPTION
 *   ROWS are mk_stat_row* (stats.h) of [FROM, UNTIL).  Text: totals by
 *   channel and verdict, originals kept, bytes, items per finding code and
 *   per day (UTC).  CSV (RFC 4180, formula cells neutralised): one line
 *   per item: id, received (UTC), channel, verdict, size, stored,
 *   findings.  JSON: "count" (items), "mail", "file", "stored", "bytes",
 *   "verdicts" (both channels), "mail_verdicts", "file_verdicts", "days"
 *   ({"YYYY-MM-DD": {"mail": N, "file": N}}), "findings" and the "items"
 *   (one key each: a JSON reader keeps them all).
 *
 * OWNERSHIP
 *   The text is new (caller frees); ROWS are borrowed.
 */
#ifndef MK_STATS_REPORT_H
#define MK_STATS_REPORT_H

#include <glib.h>

#include "stats.h"

typedef enum { MK_SR_TEXT = 0, MK_SR_CSV, MK_SR_JSON } mk_sr_format;

/* "text" | "csv" | "json" (NULL: text); -1 when unknown. */
int mk_sr_format_parse(const char *s, mk_sr_format *out);
char *mk_stats_report(GPtrArray *rows, gint64 from, gint64 until, mk_sr_format f);

#endif
