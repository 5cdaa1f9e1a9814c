/*
 * NAME
 *   sancache - results of sandboxed filter runs, kept for the same bytes
 *
 * SUMMARY
 *   mk_sancache *c = mk_sancache_new(max_bytes, config_digest, db_version);
 *   if (!mk_sancache_get(c, filter, sha256, &out, &type, notes)) {
 *           ... run the filter ...
 *           mk_sancache_put(c, filter, sha256, out, type, notes);
 *   }
 *   mk_sancache_free(&c);
 *
 * DESCRIPTION
 *   A document that was already sanitized - the same bytes (sha256), the
 *   same filter, the same configuration (CONFIG_DIGEST: sha256 of the
 *   effective configuration, mk_sancache_config_digest()) and the same
 *   signature database (DB_VERSION) - is not sanitized again: the filter's
 *   output, output type and notes are handed back.  What a filter makes
 *   of a document depends on nothing else (the worker gets the filter
 *   name, the configuration and the bytes).  Only the filter run is
 *   saved: parsing, typing, scanning and the policy run for every item.
 *
 *   The key holds all four parts (mk_sancache_key()), and one cache
 *   belongs to one engine, made with that engine's configuration and
 *   database: a reload (new configuration or database) makes a new
 *   engine with an empty cache, so nothing is ever shared across
 *   configurations or kept across a database reload.
 *   mk_sancache_set_db() empties the cache when the database version
 *   changes under it.
 *
 *   Bounded: the outputs, keys and notes kept add up to at most MAX_BYTES
 *   (least recently used entries are dropped first); an output bigger than
 *   an eighth of MAX_BYTES is not kept.  MAX_BYTES = 0: nothing is kept.
 *   Safe to call from several threads (one mutex).
 *
 * OWNERSHIP
 *   get() returns new references/strings (caller unrefs/frees) and appends
 *   copies of the notes; put() copies what it keeps (OUT by reference:
 *   GBytes are immutable).
 */
#ifndef MK_SANCACHE_H
#define MK_SANCACHE_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"

typedef struct mk_sancache mk_sancache;

typedef struct mk_sancache_stats {
	guint64 hits, misses, evictions;
	gsize bytes;             /* what is kept now (accounted size) */
	guint entries;
} mk_sancache_stats;

/* sha256 hex of the effective configuration (mk_config_dump). */
void mk_sancache_config_digest(const mk_config *cfg, char out[65]);

mk_sancache *mk_sancache_new(gsize max_bytes, const char *config_digest,
                             const char *db_version);
void mk_sancache_free(mk_sancache **cp);

/* The key of FILTER over the bytes with hex digest SHA256. Caller frees. */
char *mk_sancache_key(const mk_sancache *c, const char *filter, const char *sha256);

bool mk_sancache_get(mk_sancache *c, const char *filter, const char *sha256,
                     GBytes **out, char **out_type, GPtrArray *notes);
void mk_sancache_put(mk_sancache *c, const char *filter, const char *sha256,
                     GBytes *out, const char *out_type, const GPtrArray *notes);

/* A new database version: every entry goes when it differs. */
void mk_sancache_set_db(mk_sancache *c, const char *db_version);

void mk_sancache_get_stats(mk_sancache *c, mk_sancache_stats *st);

#endif
