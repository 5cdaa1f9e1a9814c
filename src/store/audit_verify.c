/*
 * NAME
 *   audit_verify - check a store's audit chain (mk_audit_verify, audit.h;
 *   the rules are audit_chain.h's): the walk every backend feeds its rows
 *   to (mk_audit_walk_*, store_backend.h), and the SQLite backend's feed
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
#include "util.h"

#define VERIFY_COLS "id, ts, who, ip, what, item, result, detail, prev, hash"
#define MK_AUDIT_LEGACY "legacy unkeyed events %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT \
	" end at %s"
#define MK_AUDIT_LEGACY_SCAN "legacy unkeyed events %" G_GINT64_FORMAT "..%" \
	G_GINT64_FORMAT " end at %64[0-9a-f]"

typedef mk_audit_walk walk;

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

/* The unkeyed hash of mukaika before the keyed chain (legacy segment). */
static void
legacy_hash(const char *prev, gint64 ts, const char *const f[6], char out[65])
{
	GString *g = g_string_new(prev);

	g_string_append_printf(g, "\x1f%" G_GINT64_FORMAT, ts);
	for (int i = 0; i < 6; i++) {
		g_string_append_c(g, '\x1f');
		g_string_append(g, f[i] != NULL ? f[i] : "");
	}
	mk_sha256_hex(g->str, g->len, out);
	g_string_free(g, TRUE);
}

/* The newest audit.reanchor event's segment, if any. */
static int
find_legacy(sqlite3 *db, walk *w, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *d, *p;
	int rc = 0, s;

	if (sqlite3_prepare_v2(db, "SELECT detail FROM audit WHERE what = 'audit.reanchor' "
	                       "AND result = 'ok' ORDER BY id DESC LIMIT 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && (d = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    (p = strstr(d, "legacy unkeyed events ")) != NULL &&
	    sscanf(p, MK_AUDIT_LEGACY_SCAN, &w->lg_first, &w->lg_last, w->lg_head) != 3)
		w->lg_first = w->lg_last = 0;
	else if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "verify");
	sqlite3_finalize(st);
	if (rc == 0 && w->lg_first > w->next) {   /* older ones purged before the keyed chain */
		w->next = w->lg_first;
		w->any_prev = true;
	}
	return rc;
}

void
mk_audit_walk_start(mk_store *q, mk_audit_walk *w, const char *purge_detail)
{
	const char *p;

	memset(w, 0, sizeof *w);
	w->ckrc = mk_audit_checkpoint_read(q->checkpoint, &w->ck_id, w->ck_mac, NULL);
	w->next = 1;
	g_strlcpy(w->prev, MK_AUDIT_GENESIS, sizeof w->prev);
	if (purge_detail != NULL &&
	    (p = strstr(purge_detail, "chain kept from event ")) != NULL &&
	    sscanf(p, MK_AUDIT_ANCHOR_SCAN, &w->next, w->prev) != 2) {
		w->next = 1;
		g_strlcpy(w->prev, MK_AUDIT_GENESIS, sizeof w->prev);
	}
}

/* The newest audit.purge event's detail (caller frees; NULL: none). */
static int
purge_anchor(sqlite3 *db, char **detail, mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;

	*detail = NULL;
	if (sqlite3_prepare_v2(db, "SELECT detail FROM audit WHERE what = 'audit.purge' "
	                       "AND result = 'ok' ORDER BY id DESC LIMIT 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		*detail = g_strdup((const char *)sqlite3_column_text(st, 0));
	else if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = mk_sq_fail(db, err, "verify");
	sqlite3_finalize(st);
	return rc;
}

void
mk_audit_walk_row(mk_store *q, mk_audit_walk *w, gint64 id, gint64 ts,
                  const char *const f[6], const char *prev, const char *mac)
{
	char want[65];

	if (w->any_prev && id == w->next && prev != NULL)
		g_strlcpy(w->prev, prev, sizeof w->prev);
	w->any_prev = false;
	if (id != w->next)
		flag(w, id, id > w->next
		     ? g_strdup_printf("events %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
		                       " are missing before event %" G_GINT64_FORMAT,
		                       w->next, id - 1, id)
		     : g_strdup_printf("event %" G_GINT64_FORMAT " is out of order", id));
	else if (prev == NULL || strcmp(prev, w->prev) != 0)
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " does not follow "
		                            "the event before it", id));
	if (id >= w->lg_first && id <= w->lg_last)
		legacy_hash(prev != NULL ? prev : "", ts, f, want);
	else
		mk_audit_mac(q->audit_key, prev != NULL ? prev : "", id, ts, f, want);
	if (mac == NULL || strcmp(mac, want) != 0) {
		char lg[65];

		legacy_hash(prev != NULL ? prev : "", ts, f, lg);
		flag(w, id, w->lg_last == 0 && mac != NULL && strcmp(mac, lg) == 0
		     ? g_strdup_printf("event %" G_GINT64_FORMAT " is unkeyed: written by an "
		                       "older mukaika (an admin anchors that segment with "
		                       "`mukaika audit reanchor`, which checks it) or "
		                       "rewritten without the key", id)
		     : g_strdup_printf("event %" G_GINT64_FORMAT " was changed (its MAC "
		                       "does not match)", id));
	}
	if (id == w->lg_last && (mac == NULL || strcmp(mac, w->lg_head) != 0))
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " is not the end of the "
		                            "legacy segment the re-anchor recorded", id));
	if (id == w->ck_id && (mac == NULL || strcmp(mac, w->ck_mac) != 0))
		flag(w, id, g_strdup_printf("event %" G_GINT64_FORMAT " is not the one the "
		                            "checkpoint recorded", id));
	w->next = id + 1;
	g_strlcpy(w->prev, mac != NULL ? mac : "", sizeof w->prev);
	w->last = id;
}

void
mk_audit_walk_end(mk_store *q, mk_audit_walk *w, gint64 *bad, char **why)
{
	int ckrc = w->ckrc;

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
	*bad = w->bad;
	if (why != NULL)
		*why = w->why;
	else
		g_free(w->why);
	w->why = NULL;
}

static void
check_row(mk_store *q, sqlite3_stmt *st, walk *w)
{
	const char *f[6];

	for (int i = 0; i < 6; i++)
		f[i] = (const char *)sqlite3_column_text(st, i + 2);
	mk_audit_walk_row(q, w, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), f,
	                  (const char *)sqlite3_column_text(st, 8),
	                  (const char *)sqlite3_column_text(st, 9));
}

int
sq_audit_verify(mk_store *q, gint64 *bad, char **why, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	char *anchor = NULL;
	walk w;
	int rc, s;

	*bad = 0;
	if (why != NULL)
		*why = NULL;
	if ((rc = purge_anchor(db, &anchor, err)) != 0)
		return rc;
	mk_audit_walk_start(q, &w, anchor);
	g_free(anchor);
	if ((rc = find_legacy(db, &w, err)) != 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT " VERIFY_COLS " FROM audit ORDER BY id", -1,
	                       &st, NULL) != SQLITE_OK) {
		g_free(w.why);
		return mk_sq_fail(db, err, "prepare");
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		check_row(q, st, &w);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		g_free(w.why);
		return mk_sq_fail(db, err, "verify");
	}
	mk_audit_walk_end(q, &w, bad, why);
	return 0;
}

/* One event of the re-anchor walk: still legacy (1), the first keyed one
 * or a later keyed one (2), or neither (0). */
typedef struct rewalk {
	gint64 first, last, expect;   /* legacy segment; id the next must have */
	char prev[65];                /* hash/MAC the next must follow */
	bool keyed;                   /* past the legacy segment */
	gint64 ck_id;                 /* the checkpoint's event */
	char ck_mac[65];
	bool ck_ok;                   /* seen, keyed, with the recorded MAC */
} rewalk;

static int
reanchor_row(mk_store *q, sqlite3_stmt *st, rewalk *w)
{
	gint64 id = sqlite3_column_int64(st, 0), ts = sqlite3_column_int64(st, 1);
	const char *prev = (const char *)sqlite3_column_text(st, 8);
	const char *mac = (const char *)sqlite3_column_text(st, 9);
	const char *f[6];
	char lg[65], kd[65];
	bool follows = w->expect == 0 || (id == w->expect && prev != NULL &&
	                                  strcmp(prev, w->prev) == 0);

	for (int i = 0; i < 6; i++)
		f[i] = (const char *)sqlite3_column_text(st, i + 2);
	if (prev == NULL || mac == NULL)
		return 0;
	if (w->expect == 0 && id == 1 && strcmp(prev, MK_AUDIT_GENESIS) != 0)
		follows = false;
	if (!follows)
		return 0;
	legacy_hash(prev, ts, f, lg);
	mk_audit_mac(q->audit_key, prev, id, ts, f, kd);
	if (strcmp(mac, kd) == 0)
		w->keyed = true;
	else if (w->keyed || strcmp(mac, lg) != 0)
		return 0;
	if (!w->keyed) {
		if (w->first == 0)
			w->first = id;
		w->last = id;
	} else if (id == w->ck_id && strcmp(mac, w->ck_mac) == 0) {
		w->ck_ok = true;
	}
	w->expect = id + 1;
	g_strlcpy(w->prev, mac, sizeof w->prev);
	return 1;
}

/* The stored hash of event ID. */
static int
legacy_end(sqlite3 *db, gint64 id, char out[65], mk_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE id = ?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return mk_sq_fail(db, err, "prepare");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_text(st, 0) == NULL)
		rc = mk_sq_fail(db, err, "reanchor");
	else
		g_strlcpy(out, (const char *)sqlite3_column_text(st, 0), 65);
	sqlite3_finalize(st);
	return rc;
}

int
sq_audit_reanchor(mk_store *q, const char *who, gint64 now, gint64 *first,
                  gint64 *last, mk_error *err)
{
	sqlite3 *db = mk_sq_db(q);
	sqlite3_stmt *st = NULL;
	rewalk w = { 0 };
	walk old = { 0 };
	char detail[256];
	gint64 bad = 0;
	int rc, s;

	*first = *last = 0;
	if ((rc = sq_begin(q, err)) != 0)
		return rc;
	(void)mk_audit_checkpoint_read(q->checkpoint, &w.ck_id, w.ck_mac, NULL);
	if ((rc = find_legacy(db, &old, err)) != 0)
		goto out;
	if (old.lg_last > 0) {
		mk_error_set(err, MK_ERR_USAGE, "the legacy events %" G_GINT64_FORMAT "..%"
		             G_GINT64_FORMAT " are anchored already", old.lg_first, old.lg_last);
		rc = MK_ERR_USAGE;
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT " VERIFY_COLS " FROM audit ORDER BY id", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = mk_sq_fail(db, err, "prepare");
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW && bad == 0)
		if (reanchor_row(q, st, &w) == 0)
			bad = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE && s != SQLITE_ROW) {
		rc = mk_sq_fail(db, err, "reanchor");
	} else if (bad != 0) {
		mk_error_set(err, MK_ERR_USAGE, "event %" G_GINT64_FORMAT " is neither part of "
		             "an intact unkeyed segment nor of the keyed chain after it: "
		             "nothing re-anchored (see `mukaika audit verify`)", bad);
		rc = MK_ERR_USAGE;
	} else if (w.last == 0) {
		mk_error_set(err, MK_ERR_USAGE, "no unkeyed events: nothing to re-anchor");
		rc = MK_ERR_USAGE;
	} else if (!w.keyed || !w.ck_ok) {
		/* an upgraded store has keyed events after its old ones, and the
		 * checkpoint names one of them; a chain rewritten without the key
		 * up to its head has not */
		mk_error_set(err, MK_ERR_USAGE, "the unkeyed events %" G_GINT64_FORMAT "..%"
		             G_GINT64_FORMAT " are not followed by keyed events up to the "
		             "checkpoint: they may have been rewritten; nothing re-anchored",
		             w.first, w.last);
		rc = MK_ERR_USAGE;
	} else {
		char head[65];

		/* the segment's last hash: the prev of the first keyed event, or
		 * the head itself when no keyed event follows yet */
		if ((rc = legacy_end(db, w.last, head, err)) != 0)
			goto out;
		g_snprintf(detail, sizeof detail, MK_AUDIT_LEGACY ", anchored by this keyed event",
		           w.first, w.last, head);
		rc = mk_audit_add(q, now, who, "local", "audit.reanchor", NULL, "ok", detail, err);
		*first = w.first;
		*last = w.last;
	}
out:
	return sq_end(q, rc, err);
}
