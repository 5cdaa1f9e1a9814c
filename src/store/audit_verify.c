/*
 * NAME
 *   audit_verify - check the SQLite store's audit chain (mk_audit_verify,
 *   audit.h; the rules are audit_chain.h's)
 *
 * DESCRIPTION
 *   The chain must start at event 1 after the genesis value, or where the
 *   newest audit.purge event says the kept chain starts (that event is
 *   itself checked when the walk reaches it); ids must follow one another
 *   without a gap; each event's prev must be the MAC of the one before
 *   and its own MAC must be the keyed MAC of its fields; the newest event
 *   must not be older than the checkpoint, and the event the checkpoint
 *   names must have the MAC it recorded.  A store with events and no
 *   checkpoint, or a checkpoint and no events, is reported too.
 *
 * NEVER
 *   Never writes.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"
#include "audit.h"

#define VERIFY_COLS "id, ts, who, ip, what, item, result, detail, prev, hash"

typedef struct walk {
	gint64 next;            /* the id the next event must have */
	char prev[65];          /* the MAC it must follow */
	gint64 last;            /* id of the newest event seen */
	char last_mac[65];
	gint64 ck_id;           /* checkpoint, 0 = none */
	char ck_mac[65];
	gint64 bad;
	char *why;
} walk;

static void
flag(walk *w, gint64 id, char *why)
{
	if (w->bad == 0) {
		w->bad = id;
		w->why = why;
	} else {
		g_free(why);
	}
}

/* Where the kept chain starts: the newest audit.purge event's anchor,
 * else event 1 after the genesis value. */
static int
find_start(sqlite3 *db, walk *w, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *d, *p;
	int rc = 0, s;

	w->next = 1;
	g_strlcpy(w->prev, MK_AUDIT_GENESIS, sizeof w->prev);
	if (sqlite3_prepare_v2(db, "SELECT detail FROM audit WHERE what = 'audit.purge' "
	                       "AND result = 'ok' ORDER BY id DESC LIMIT 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && (d = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    (p = strstr(d, "chain kept from event ")) != NULL &&
	    sscanf(p, MK_AUDIT_ANCHOR_SCAN, &w->next, w->prev) != 2) {
		w->next = 1;
		g_strlcpy(w->prev, MK_AUDIT_GENESIS, sizeof w->prev);
	} else if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = mk_sq_fail(db, err, "verify");
	}
	sqlite3_finalize(st);
	return rc;
}

static void
check_row(mk_store *q, sqlite3_stmt *st, walk *w)
{
	gint64 id = sqlite3_column_int64(st, 0);
	const char *prev = (const char *)sqlite3_column_text(st, 8);
	const char *mac = (const char *)sqlite3_column_text(st, 9);
	const char *f[6];
	char want[65];

	for (int i = 0; i < 6; i++)
		f[i] = (const char *)sqlite3_column_text(st, i + 2);
	if (id != w->next)
		flag(w, id, id > w->next
		     ? g_strdup_printf("events %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
		                       " are missing before event %" G_GINT64_FORMAT,
		                       w->next, id - 1, id)
		     : g_strdup_printf("event %" G_GINT64_FORMAT " is out of order", id));
	else if (prev == NULL || strcmp(prev, w->prev) != 0)
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " does not follow "
		                            "the event before it", id));
	mk_audit_mac(q->audit_key, prev != NULL ? prev : "", id,
	             sqlite3_column_int64(st, 1), f, want);
	if (mac == NULL || strcmp(mac, want) != 0)
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " was changed (its MAC "
		                            "does not match)", id));
	if (id == w->ck_id && (mac == NULL || strcmp(mac, w->ck_mac) != 0))
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " is not the one the "
		                            "checkpoint recorded", id));
	w->next = id + 1;
	g_strlcpy(w->prev, mac != NULL ? mac : "", sizeof w->prev);
	w->last = id;
}

static void
check_head(mk_store *q, walk *w, int ckrc)
{
	if (ckrc == MK_ERR_NOINPUT && w->last > 0)
		flag(w, -1, g_strdup_printf("no checkpoint %s: the newest events cannot "
		                            "be checked", q->checkpoint));
	else if (ckrc != 0 && ckrc != MK_ERR_NOINPUT)
		flag(w, -1, g_strdup_printf("checkpoint %s unreadable or malformed",
		                            q->checkpoint));
	else if (w->ck_id > 0 && w->last == 0)
		flag(w, -1, g_strdup_printf("every event was removed (the checkpoint names "
		                            "event %" G_GINT64_FORMAT ")", w->ck_id));
	else if (w->ck_id > w->last)
		flag(w, -1, g_strdup_printf("the newest event is %" G_GINT64_FORMAT " but the "
		                            "checkpoint names event %" G_GINT64_FORMAT
		                            ": newer events were removed", w->last, w->ck_id));
}

int
sq_audit_verify(mk_store *q, gint64 *bad, char **why, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	walk w = { 0 };
	int rc, ckrc, s;

	*bad = 0;
	if (why != NULL)
		*why = NULL;
	ckrc = mk_audit_checkpoint_read(q->checkpoint, &w.ck_id, w.ck_mac, NULL);
	if ((rc = find_start(db, &w, err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT " VERIFY_COLS " FROM audit ORDER BY id", -1,
	                       &st, NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		check_row(q, st, &w);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return mk_sq_fail(db, err, "verify");
	check_head(q, &w, ckrc);
	*bad = w.bad;
	if (why != NULL)
		*why = w.why;
	else
		g_free(w.why);
	return 0;
}
