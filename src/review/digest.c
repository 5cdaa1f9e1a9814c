/*
 * NAME
 *   digest - held items, releases, logins and health alerts of a period
 *   as text (see digest.h)
 *
 * NEVER
 *   Writes to the store; shows a subject, address or content (items are
 *   named by their id, people by their account).
 */
#include "digest.h"

#include <string.h>

enum { ST_HELD, ST_RELEASED, ST_DELETED, ST_OTHER, N_ST };

/* Accounts named on one line of per_account() (more: "..."); login.failed
 * names what was typed, which may be anything. */
#define DIGEST_MAX_NAMES 10
/* Sender domains listed under the held items, most frequent first. */
#define DIGEST_TOP_DOMAINS 10

/* Account names and details come from our own store, but are printed
 * one line each: control characters become '?', length capped. */
static char *
clean(const char *s, glong max)
{
	char *v = g_utf8_make_valid(s != NULL && *s ? s : "-", -1);

	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (g_utf8_strlen(v, -1) > max)
		*g_utf8_offset_to_pointer(v, max) = '\0';
	return v;
}

/* The domain of an envelope sender (input: lower-cased, cleaned). */
static void
count_domain(GHashTable *dom, const char *sender)
{
	const char *at = sender ? strrchr(sender, '@') : NULL;
	char *d, *k;

	if (at == NULL || at[1] == '\0')
		return;
	d = clean(at + 1, 64);
	k = g_utf8_strdown(d, -1);
	g_hash_table_replace(dom, k, GUINT_TO_POINTER(GPOINTER_TO_UINT(
	                     g_hash_table_lookup(dom, k)) + 1));
	g_free(d);
}

static gint
by_count(gconstpointer a, gconstpointer b, gpointer dom)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	guint nx = GPOINTER_TO_UINT(g_hash_table_lookup(dom, x));
	guint ny = GPOINTER_TO_UINT(g_hash_table_lookup(dom, y));

	return nx != ny ? (nx > ny ? -1 : 1) : strcmp(x, y);
}

static void
top_domains(GHashTable *dom, GString *t)
{
	GPtrArray *keys = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, dom);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(keys, k);

	g_ptr_array_sort_with_data(keys, by_count, dom);
	g_string_append(t, "top sender domains of these items\n");
	for (guint i = 0; i < keys->len && i < DIGEST_TOP_DOMAINS; i++)
		g_string_append_printf(t, "  %-40s %4u\n", (char *)keys->pdata[i],
		                       GPOINTER_TO_UINT(g_hash_table_lookup(dom, keys->pdata[i])));
	if (keys->len == 0)
		g_string_append(t, "  -\n");
	g_ptr_array_unref(keys);
}

static int
held_items(mk_store *s, gint64 from, gint64 until, GString *t, mk_error *err)
{
	mk_qfilter f = { .since = from, .until = until };
	static const mk_verdict vs[] = { MK_V_QUARANTINED, MK_V_REJECTED };
	gint64 n[2][N_ST] = { { 0 } };
	GPtrArray *rows = NULL;
	GHashTable *dom = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (mk_qstore_search(s, &f, &rows, err) != 0) {
		g_hash_table_unref(dom);
		return MK_ERR_TEMP;
	}
	for (guint i = 0; i < rows->len; i++) {
		const mk_qrecord *r = rows->pdata[i];
		int v = r->verdict == MK_V_QUARANTINED ? 0 : r->verdict == MK_V_REJECTED ? 1 : -1;
		const char *st = r->status ? r->status : "";

		if (v < 0)
			continue;
		count_domain(dom, r->sender);
		n[v][strcmp(st, "held") == 0 ? ST_HELD : strcmp(st, "released") == 0 ? ST_RELEASED
		     : strcmp(st, "deleted") == 0 ? ST_DELETED : ST_OTHER]++;
	}
	g_string_append(t, "\nheld for review (received in the period, status now)\n");
	for (int v = 0; v < 2; v++)
		g_string_append_printf(t, "%-16s %4" G_GINT64_FORMAT "   held %" G_GINT64_FORMAT
		                       ", released %" G_GINT64_FORMAT ", deleted %" G_GINT64_FORMAT
		                       "\n", mk_verdict_name(vs[v]),
		                       n[v][0] + n[v][1] + n[v][2] + n[v][3], n[v][ST_HELD],
		                       n[v][ST_RELEASED], n[v][ST_DELETED]);
	top_domains(dom, t);
	g_hash_table_unref(dom);
	g_ptr_array_unref(rows);
	return 0;
}

/* Events WHAT (exact, or a prefix ending in '.') of the period, oldest first. */
static GPtrArray *
events(mk_store *s, const char *what, gint64 from, gint64 until, mk_error *err)
{
	mk_audit_filter f = { .since = from, .until = until, .what = what };
	GPtrArray *rows = NULL;

	if (mk_audit_list(s, &f, &rows, err) != 0)
		return NULL;
	for (guint i = 0; i < rows->len / 2; i++) {   /* newest first -> oldest first */
		gpointer x = rows->pdata[i];

		rows->pdata[i] = rows->pdata[rows->len - 1 - i];
		rows->pdata[rows->len - 1 - i] = x;
	}
	return rows;
}

typedef struct release_line {
	char *item, *requester, *decider, *decision;
	bool delivered;
} release_line;

static void
release_line_free(gpointer p)
{
	release_line *l = p;

	g_free(l->item);
	g_free(l->requester);
	g_free(l->decider);
	g_free(l->decision);
	g_free(l);
}

static int
releases(mk_store *s, gint64 from, gint64 until, GString *t, mk_error *err)
{
	GPtrArray *ev = events(s, "release.", from, until, err);
	GPtrArray *lines = g_ptr_array_new_with_free_func(release_line_free);
	GHashTable *by = g_hash_table_new(g_str_hash, g_str_equal);

	if (ev == NULL) {
		g_ptr_array_unref(lines);
		g_hash_table_unref(by);
		return MK_ERR_TEMP;
	}
	for (guint i = 0; i < ev->len; i++) {
		const mk_audit_row *e = ev->pdata[i];
		release_line *l;

		if (e->result == NULL || strcmp(e->result, "ok") != 0 || e->item == NULL)
			continue;
		if ((l = g_hash_table_lookup(by, e->item)) == NULL) {
			l = g_new0(release_line, 1);
			l->item = clean(e->item, 64);
			g_ptr_array_add(lines, l);
			g_hash_table_insert(by, l->item, l);
		}
		if (strcmp(e->what, "release.request") == 0 && l->requester == NULL)
			l->requester = clean(e->who, 20);
		else if (strcmp(e->what, "release.approve") == 0 || strcmp(e->what, "release.deny") == 0) {
			g_free(l->decider);
			g_free(l->decision);
			l->decider = clean(e->who, 20);
			l->decision = g_strdup(strcmp(e->what, "release.approve") == 0 ? "approved"
			                       : "denied");
		} else if (strcmp(e->what, "release.deliver") == 0)
			l->delivered = true;
	}
	g_string_append_printf(t, "\nrelease requests %u\n", lines->len);
	if (lines->len > 0)
		g_string_append_printf(t, "%-28s %-20s %-9s %-20s %s\n", "item", "requested by",
		                       "decision", "decided by", "delivered");
	for (guint i = 0; i < lines->len; i++) {
		const release_line *l = lines->pdata[i];

		g_string_append_printf(t, "%-28s %-20s %-9s %-20s %s\n", l->item,
		                       l->requester ? l->requester : "-",
		                       l->decision ? l->decision : "pending",
		                       l->decider ? l->decider : "-", l->delivered ? "yes" : "no");
	}
	g_hash_table_unref(by);
	g_ptr_array_unref(lines);
	g_ptr_array_unref(ev);
	return 0;
}

/* "N (who a, who b, ...)" of the events WHAT with RESULT (NULL: any). */
static int
per_account(mk_store *s, const char *what, const char *result, const char *label,
            gint64 from, gint64 until, GString *t, mk_error *err)
{
	GPtrArray *ev = events(s, what, from, until, err);
	GHashTable *n = g_hash_table_new(g_str_hash, g_str_equal);   /* keys in ORDER */
	GPtrArray *order = g_ptr_array_new_with_free_func(g_free);
	guint total = 0;

	if (ev == NULL) {
		g_hash_table_unref(n);
		g_ptr_array_unref(order);
		return MK_ERR_TEMP;
	}
	for (guint i = 0; i < ev->len; i++) {
		const mk_audit_row *e = ev->pdata[i];
		const char *who = strcmp(what, "account.locked") == 0 ? e->item : e->who;
		char *k;
		guint c;

		if (result != NULL && (e->result == NULL || strcmp(e->result, result) != 0))
			continue;
		k = clean(who, 20);
		c = GPOINTER_TO_UINT(g_hash_table_lookup(n, k));
		if (c == 0)
			g_ptr_array_add(order, k);
		else {
			char *have = NULL;

			g_hash_table_lookup_extended(n, k, (gpointer *)&have, NULL);
			g_free(k);
			k = have;
		}
		g_hash_table_insert(n, k, GUINT_TO_POINTER(c + 1));
		total++;
	}
	g_string_append_printf(t, "%-26s %4u", label, total);
	for (guint i = 0; i < order->len && i < DIGEST_MAX_NAMES; i++)
		g_string_append_printf(t, "%s%s %u", i ? ", " : "   (", (char *)order->pdata[i],
		                       GPOINTER_TO_UINT(g_hash_table_lookup(n, order->pdata[i])));
	g_string_append(t, order->len > DIGEST_MAX_NAMES ? ", ...)\n" : order->len ? ")\n" : "\n");
	g_ptr_array_unref(order);
	g_hash_table_unref(n);
	g_ptr_array_unref(ev);
	return 0;
}

static int
health_alerts(mk_store *s, gint64 from, gint64 until, GString *t, mk_error *err)
{
	GPtrArray *ev = events(s, "health.alert", from, until, err);

	if (ev == NULL)
		return MK_ERR_TEMP;
	g_string_append_printf(t, "\nhealth alerts %u (signature age, disk, store, clock)\n", ev->len);
	for (guint i = 0; i < ev->len; i++) {
		const mk_audit_row *e = ev->pdata[i];
		GDateTime *d = g_date_time_new_from_unix_utc(e->ts);
		char *when = d ? g_date_time_format(d, "%Y-%m-%d %H:%M") : g_strdup("?");
		char *res = clean(e->result, 10), *det = clean(e->detail, 160);

		g_string_append_printf(t, "%s UTC  %-8s  %s\n", when, res, det);
		g_free(det);
		g_free(res);
		g_free(when);
		if (d)
			g_date_time_unref(d);
	}
	g_ptr_array_unref(ev);
	return 0;
}

int
mk_digest_text(mk_store *s, gint64 from, gint64 until, char **text, mk_error *err)
{
	GString *t = g_string_new(NULL);
	int rc;

	*text = NULL;
	if ((rc = held_items(s, from, until, t, err)) != 0 ||
	    (rc = releases(s, from, until, t, err)) != 0)
		goto out;
	g_string_append(t, "\nadministration\n");
	if ((rc = per_account(s, "login.failed", NULL, "failed logins", from, until, t,
	                      err)) != 0 ||
	    (rc = per_account(s, "login.mfa", "refused", "second factor refused", from,
	                      until, t, err)) != 0 ||
	    (rc = per_account(s, "account.locked", NULL, "accounts locked", from, until, t,
	                      err)) != 0 ||
	    (rc = health_alerts(s, from, until, t, err)) != 0)
		goto out;
	*text = g_string_free(g_steal_pointer(&t), FALSE);
out:
	if (t != NULL)
		g_string_free(t, TRUE);
	return rc;
}
