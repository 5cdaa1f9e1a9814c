/*
 * NAME
 *   web_summary - the daily summary on the dashboard: the rows `mukaika
 *   report` counts (every finished item, passed mail included), per UTC
 *   day, channel and verdict
 *
 * DESCRIPTION
 *   web_summary() appends a table id="daily-summary" with one line per
 *   day of the last WEB_SUMMARY_DAYS (newest first): items, mail, file
 *   and one column per verdict; the cells carry data-day and data-col so
 *   tests compare them with `mukaika report`.  The same numbers are mailed
 *   to the administrators by `mukaika report --mail` (mukaika-report.timer).
 *
 * NEVER
 *   Writes to the store, or shows an address, subject or name: the rows
 *   hold none (stats.h).
 *
 * FAILURE
 *   A store error shows one line in place of the table; the rest of the
 *   dashboard stays.
 */
#include <string.h>

#include "stats.h"
#include "web.h"

#define WEB_SUMMARY_DAYS 7
#define SECS_PER_DAY 86400
#define N_VERDICTS (MK_V_TEMPFAIL + 1)

typedef struct day_count {
	gint64 mail, file;
	gint64 by[N_VERDICTS];
} day_count;

static const char *
S(const web_req *r, const char *ja, const char *en)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0 ? en : ja;
}

static void
row(web_req *r, const char *day, const day_count *c)
{
	web_printf(r, "<tr><th>%s</th><td data-day=\"%s\" data-col=\"items\">%" G_GINT64_FORMAT
	           "</td><td data-day=\"%s\" data-col=\"mail\">%" G_GINT64_FORMAT "</td>"
	           "<td data-day=\"%s\" data-col=\"file\">%" G_GINT64_FORMAT "</td>",
	           day, day, c->mail + c->file, day, c->mail, day, c->file);
	for (int v = 0; v < N_VERDICTS; v++)
		if (v != MK_V_TEMPFAIL)   /* never a row: the item comes again */
			web_printf(r, "<td data-day=\"%s\" data-col=\"%s\">%" G_GINT64_FORMAT "</td>",
			           day, mk_verdict_name((mk_verdict)v), c->by[v]);
	web_printf(r, "</tr>");
}

void
web_summary(web_req *r)
{
	gint64 now = web_now(), today0 = now - now % SECS_PER_DAY;
	gint64 from = today0 - (WEB_SUMMARY_DAYS - 1) * SECS_PER_DAY;
	day_count days[WEB_SUMMARY_DAYS] = { 0 };
	GPtrArray *rows = NULL;
	mk_error err = { 0 };

	web_printf(r, "<h2>%s</h2>", S(r, "日次集計(UTC、処理した全件)",
	                                "Daily summary (UTC, every item processed)"));
	if (mk_stats_list(r->q, from, today0 + SECS_PER_DAY, &rows, &err) != 0) {
		web_printf(r, "<p id=\"daily-summary-error\">%s</p>",
		           S(r, "集計を読めません。", "The summary cannot be read."));
		return;
	}
	for (guint i = 0; i < rows->len; i++) {
		const mk_stat_row *s = rows->pdata[i];
		gint64 d = (s->received - from) / SECS_PER_DAY;

		if (d < 0 || d >= WEB_SUMMARY_DAYS)
			continue;
		*(strcmp(s->channel, "mail") == 0 ? &days[d].mail : &days[d].file) += 1;
		if (s->verdict >= 0 && s->verdict < N_VERDICTS)
			days[d].by[s->verdict]++;
	}
	web_printf(r, "<table id=\"daily-summary\" class=\"counts\"><tr><th>%s</th><th>%s</th>"
	           "<th>%s</th><th>%s</th>", S(r, "日付", "day"), S(r, "件数", "items"),
	           S(r, "メール", "mail"), S(r, "ファイル", "file"));
	for (int v = 0; v < N_VERDICTS; v++)
		if (v != MK_V_TEMPFAIL)
			web_printf(r, "<th>%s</th>", mk_verdict_name((mk_verdict)v));
	web_printf(r, "</tr>");
	for (int i = WEB_SUMMARY_DAYS - 1; i >= 0; i--) {
		GDateTime *dt = g_date_time_new_from_unix_utc(from + i * SECS_PER_DAY);
		char *day = g_date_time_format(dt, "%Y-%m-%d");

		row(r, day, &days[i]);
		g_free(day);
		g_date_time_unref(dt);
	}
	web_printf(r, "</table>");
	g_ptr_array_unref(rows);
}
