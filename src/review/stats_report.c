/*
 * NAME
 *   stats_report - the period report of processed items (see
 *   stats_report.h)
 *
 * NEVER
 *   Never reads the store: it formats the rows it is given.
 */
#include "stats_report.h"

#include <string.h>

#include "csvcell.h"
#include "json.h"

#define N_VERDICTS (MK_V_TEMPFAIL + 1)

typedef struct totals {
	gint64 items, mail, file, stored, bytes;
	gint64 by[N_VERDICTS][2];       /* verdict x (mail, file) */
	GHashTable *findings;           /* code -> count (GINT_TO_POINTER) */
	GHashTable *days;               /* "YYYY-MM-DD" -> gint64[2] */
	GPtrArray *day_keys, *finding_keys;
} totals;

static char *
utc(gint64 t, const char *fmt)
{
	GDateTime *d = g_date_time_new_from_unix_utc(t);
	char *s = d != NULL ? g_date_time_format(d, fmt) : g_strdup("?");

	if (d != NULL)
		g_date_time_unref(d);
	return s;
}

static void
count_findings(totals *t, const char *list)
{
	char **v = g_strsplit(list != NULL ? list : "", ",", -1);

	for (char **p = v; *p; p++) {
		gint64 n;

		if (*g_strstrip(*p) == '\0')
			continue;
		n = GPOINTER_TO_INT(g_hash_table_lookup(t->findings, *p));
		if (n == 0)
			g_ptr_array_add(t->finding_keys, g_strdup(*p));
		g_hash_table_replace(t->findings, g_strdup(*p), GINT_TO_POINTER(n + 1));
	}
	g_strfreev(v);
}

static void
count_row(totals *t, const mk_stat_row *r)
{
	int ch = strcmp(r->channel, "mail") == 0 ? 0 : 1;
	char *day = utc(r->received, "%Y-%m-%d");
	gint64 *d = g_hash_table_lookup(t->days, day);

	t->items++;
	*(ch == 0 ? &t->mail : &t->file) += 1;
	t->stored += r->stored ? 1 : 0;
	t->bytes += r->size;
	if (r->verdict >= 0 && r->verdict < N_VERDICTS)
		t->by[r->verdict][ch]++;
	if (d == NULL) {
		d = g_new0(gint64, 2);
		g_ptr_array_add(t->day_keys, g_strdup(day));
		g_hash_table_insert(t->days, g_strdup(day), d);
	}
	d[ch]++;
	count_findings(t, r->findings);
	g_free(day);
}

static gint
by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
totals_init(totals *t, GPtrArray *rows)
{
	memset(t, 0, sizeof *t);
	t->findings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->days = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	t->day_keys = g_ptr_array_new_with_free_func(g_free);
	t->finding_keys = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < rows->len; i++)
		count_row(t, g_ptr_array_index(rows, i));
	g_ptr_array_sort(t->day_keys, by_name);
	g_ptr_array_sort(t->finding_keys, by_name);
}

static void
totals_clear(totals *t)
{
	g_hash_table_unref(t->findings);
	g_hash_table_unref(t->days);
	g_ptr_array_unref(t->day_keys);
	g_ptr_array_unref(t->finding_keys);
}

static char *
as_text(const totals *t, gint64 from, gint64 until)
{
	GString *g = g_string_new(NULL);
	char *a = utc(from, "%Y-%m-%d"), *b = utc(until - 1, "%Y-%m-%d");

	g_string_append_printf(g, "mukaika report %s .. %s (UTC, both days included)\n\n"
	                       "items %" G_GINT64_FORMAT " (mail %" G_GINT64_FORMAT
	                       ", file %" G_GINT64_FORMAT "), originals kept %"
	                       G_GINT64_FORMAT ", bytes %" G_GINT64_FORMAT "\n\n",
	                       a, b, t->items, t->mail, t->file, t->stored, t->bytes);
	g_string_append_printf(g, "%-12s %8s %8s %8s\n", "verdict", "mail", "file", "total");
	for (int v = 0; v < N_VERDICTS; v++)
		g_string_append_printf(g, "%-12s %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8"
		                       G_GINT64_FORMAT "\n", mk_verdict_name((mk_verdict)v),
		                       t->by[v][0], t->by[v][1], t->by[v][0] + t->by[v][1]);
	g_string_append_printf(g, "\n%-24s %8s\n", "finding", "items");
	for (guint i = 0; i < t->finding_keys->len; i++) {
		const char *k = g_ptr_array_index(t->finding_keys, i);
		g_string_append_printf(g, "%-24s %8d\n", k,
		                       GPOINTER_TO_INT(g_hash_table_lookup(t->findings, k)));
	}
	g_string_append_printf(g, "\n%-12s %8s %8s %8s\n", "day", "mail", "file", "total");
	for (guint i = 0; i < t->day_keys->len; i++) {
		const char *k = g_ptr_array_index(t->day_keys, i);
		const gint64 *d = g_hash_table_lookup(t->days, k);
		g_string_append_printf(g, "%-12s %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8"
		                       G_GINT64_FORMAT "\n", k, d[0], d[1], d[0] + d[1]);
	}
	g_free(a);
	g_free(b);
	return g_string_free(g, FALSE);
}

static char *
as_csv(GPtrArray *rows)
{
	GString *g = g_string_new("id,received,channel,verdict,size,stored,findings\r\n");

	for (guint i = 0; i < rows->len; i++) {
		const mk_stat_row *r = g_ptr_array_index(rows, i);
		char *ts = utc(r->received, "%Y-%m-%dT%H:%M:%SZ");
		char size[24];

		g_snprintf(size, sizeof size, "%" G_GINT64_FORMAT, r->size);
		mk_csv_cell(g, r->id, false);
		mk_csv_cell(g, ts, false);
		mk_csv_cell(g, r->channel, false);
		mk_csv_cell(g, mk_verdict_name(r->verdict), false);
		mk_csv_cell(g, size, false);
		mk_csv_cell(g, r->stored ? "yes" : "no", false);
		mk_csv_cell(g, r->findings, true);
		g_free(ts);
	}
	return g_string_free(g, FALSE);
}

static void
json_items(mk_json *j, GPtrArray *rows)
{
	mk_json_begin_array(j, "items");
	for (guint i = 0; i < rows->len; i++) {
		const mk_stat_row *r = g_ptr_array_index(rows, i);

		mk_json_begin_object(j, NULL);
		mk_json_string(j, "id", r->id);
		mk_json_int(j, "received", r->received);
		mk_json_string(j, "channel", r->channel);
		mk_json_string(j, "verdict", mk_verdict_name(r->verdict));
		mk_json_int(j, "size", r->size);
		mk_json_bool(j, "stored", r->stored);
		mk_json_string(j, "findings", r->findings);
		mk_json_end_object(j);
	}
	mk_json_end_array(j);
}

static char *
as_json(const totals *t, GPtrArray *rows, gint64 from, gint64 until)
{
	mk_json *j = mk_json_new(true);

	mk_json_begin_object(j, NULL);
	mk_json_int(j, "from", from);
	mk_json_int(j, "until", until);
	mk_json_int(j, "count", t->items);
	mk_json_int(j, "mail", t->mail);
	mk_json_int(j, "file", t->file);
	mk_json_int(j, "stored", t->stored);
	mk_json_int(j, "bytes", t->bytes);
	mk_json_begin_object(j, "verdicts");
	for (int v = 0; v < N_VERDICTS; v++)
		mk_json_int(j, mk_verdict_name((mk_verdict)v), t->by[v][0] + t->by[v][1]);
	mk_json_end_object(j);
	for (int ch = 0; ch < 2; ch++) {
		mk_json_begin_object(j, ch == 0 ? "mail_verdicts" : "file_verdicts");
		for (int v = 0; v < N_VERDICTS; v++)
			mk_json_int(j, mk_verdict_name((mk_verdict)v), t->by[v][ch]);
		mk_json_end_object(j);
	}
	mk_json_begin_object(j, "days");
	for (guint i = 0; i < t->day_keys->len; i++) {
		const char *k = g_ptr_array_index(t->day_keys, i);
		const gint64 *d = g_hash_table_lookup(t->days, k);

		mk_json_begin_object(j, k);
		mk_json_int(j, "mail", d[0]);
		mk_json_int(j, "file", d[1]);
		mk_json_end_object(j);
	}
	mk_json_end_object(j);
	mk_json_begin_object(j, "findings");
	for (guint i = 0; i < t->finding_keys->len; i++) {
		const char *k = g_ptr_array_index(t->finding_keys, i);
		mk_json_int(j, k, GPOINTER_TO_INT(g_hash_table_lookup(t->findings, k)));
	}
	mk_json_end_object(j);
	json_items(j, rows);
	mk_json_end_object(j);
	return mk_json_finish(&j);
}

int
mk_sr_format_parse(const char *s, mk_sr_format *out)
{
	static const char *const names[] = { "text", "csv", "json" };

	for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
		if (s == NULL || strcmp(s, names[i]) == 0) {
			*out = (mk_sr_format)(s == NULL ? 0 : i);
			return 0;
		}
	return -1;
}

char *
mk_stats_report(GPtrArray *rows, gint64 from, gint64 until, mk_sr_format f)
{
	totals t;
	char *s;

	if (f == MK_SR_CSV)
		return as_csv(rows);
	totals_init(&t, rows);
	s = f == MK_SR_JSON ? as_json(&t, rows, from, until) : as_text(&t, from, until);
	totals_clear(&t);
	return s;
}
