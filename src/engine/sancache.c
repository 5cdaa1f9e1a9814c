/*
 * NAME
 *   sancache - results of sandboxed filter runs, kept for the same bytes
 *   (see sancache.h)
 *
 * DESCRIPTION
 *   A hash table from key to entry and a queue in use order (head: most
 *   recent) for eviction.  An entry's accounted size is its output, its
 *   key, its type and notes, plus a fixed overhead.
 *
 * OWNS
 *   Its entries (outputs by reference).
 *
 * NEVER
 *   Looks at the bytes of a document or decides anything: what is kept
 *   is what the filter returned for the same key.
 */
#include "sancache.h"

#include <string.h>

#include "util.h"

#define ENTRY_OVERHEAD 256   /* table slot, queue link, structs */

typedef struct entry {
	char *key;
	GBytes *out;
	char *out_type;
	GPtrArray *notes;    /* char*, owned */
	gsize cost;
	GList *link;         /* in c->lru */
} entry;

struct mk_sancache {
	GMutex lock;
	GHashTable *map;     /* key (owned by the entry) -> entry */
	GQueue lru;          /* entry*, head = most recently used */
	gsize max_bytes, bytes;
	char *digest;
	char *db;
	mk_sancache_stats st;
};

void
mk_sancache_config_digest(const mk_config *cfg, char out[65])
{
	char *dump = mk_config_dump(cfg);

	mk_sha256_hex(dump ? dump : "", dump ? strlen(dump) : 0, out);
	g_free(dump);
}

static void
entry_free(entry *e)
{
	g_free(e->key);
	if (e->out != NULL)
		g_bytes_unref(e->out);
	g_free(e->out_type);
	if (e->notes != NULL)
		g_ptr_array_unref(e->notes);
	g_free(e);
}

mk_sancache *
mk_sancache_new(gsize max_bytes, const char *config_digest, const char *db_version)
{
	mk_sancache *c = g_new0(mk_sancache, 1);

	g_mutex_init(&c->lock);
	c->map = g_hash_table_new(g_str_hash, g_str_equal);
	g_queue_init(&c->lru);
	c->max_bytes = max_bytes;
	c->digest = g_strdup(config_digest ? config_digest : "");
	c->db = g_strdup(db_version ? db_version : "");
	return c;
}

static void
clear_all(mk_sancache *c)
{
	entry *e;

	while ((e = g_queue_pop_head(&c->lru)) != NULL)
		entry_free(e);
	g_hash_table_remove_all(c->map);
	c->bytes = 0;
}

void
mk_sancache_free(mk_sancache **cp)
{
	mk_sancache *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	*cp = NULL;
	clear_all(c);
	g_hash_table_unref(c->map);
	g_mutex_clear(&c->lock);
	g_free(c->digest);
	g_free(c->db);
	g_free(c);
}

char *
mk_sancache_key(const mk_sancache *c, const char *filter, const char *sha256)
{
	return g_strdup_printf("%s:%s:%s:%s", c->digest, c->db, filter ? filter : "",
	                       sha256 ? sha256 : "");
}

bool
mk_sancache_get(mk_sancache *c, const char *filter, const char *sha256,
                GBytes **out, char **out_type, GPtrArray *notes)
{
	char *key;
	entry *e;

	*out = NULL;
	*out_type = NULL;
	if (c == NULL || sha256 == NULL || sha256[0] == '\0')
		return false;
	g_mutex_lock(&c->lock);
	key = mk_sancache_key(c, filter, sha256);
	e = g_hash_table_lookup(c->map, key);
	if (e != NULL) {
		g_queue_unlink(&c->lru, e->link);
		g_queue_push_head_link(&c->lru, e->link);
		*out = g_bytes_ref(e->out);
		*out_type = g_strdup(e->out_type);
		for (guint i = 0; notes != NULL && i < e->notes->len; i++)
			g_ptr_array_add(notes, g_strdup(g_ptr_array_index(e->notes, i)));
		c->st.hits++;
	} else {
		c->st.misses++;
	}
	g_mutex_unlock(&c->lock);
	g_free(key);
	return e != NULL;
}

static void
evict_to(mk_sancache *c, gsize room)
{
	while (c->bytes + room > c->max_bytes && c->lru.length > 0) {
		entry *e = g_queue_pop_tail(&c->lru);

		g_hash_table_remove(c->map, e->key);
		c->bytes -= e->cost;
		c->st.evictions++;
		entry_free(e);
	}
}

void
mk_sancache_put(mk_sancache *c, const char *filter, const char *sha256,
                GBytes *out, const char *out_type, const GPtrArray *notes)
{
	entry *e;
	gsize cost;

	if (c == NULL || out == NULL || sha256 == NULL || sha256[0] == '\0' ||
	    c->max_bytes == 0)
		return;
	e = g_new0(entry, 1);
	e->out_type = g_strdup(out_type);
	e->notes = g_ptr_array_new_with_free_func(g_free);
	e->out = g_bytes_ref(out);
	cost = ENTRY_OVERHEAD + g_bytes_get_size(out) + (out_type ? strlen(out_type) : 0);
	for (guint i = 0; notes != NULL && i < notes->len; i++) {
		const char *s = g_ptr_array_index(notes, i);

		g_ptr_array_add(e->notes, g_strdup(s));
		cost += strlen(s) + 1 + sizeof(char *);
	}
	g_mutex_lock(&c->lock);
	e->key = mk_sancache_key(c, filter, sha256);
	e->cost = cost + strlen(e->key);
	cost = e->cost;
	/* too big for the cache, or already there (a run in parallel) */
	if (cost > c->max_bytes / 8 || g_hash_table_contains(c->map, e->key)) {
		g_mutex_unlock(&c->lock);
		entry_free(e);
		return;
	}
	evict_to(c, cost);
	g_queue_push_head(&c->lru, e);
	e->link = c->lru.head;
	g_hash_table_insert(c->map, e->key, e);
	c->bytes += cost;
	g_mutex_unlock(&c->lock);
}

void
mk_sancache_set_db(mk_sancache *c, const char *db_version)
{
	if (c == NULL)
		return;
	g_mutex_lock(&c->lock);
	if (g_strcmp0(c->db, db_version ? db_version : "") != 0) {
		clear_all(c);
		g_free(c->db);
		c->db = g_strdup(db_version ? db_version : "");
	}
	g_mutex_unlock(&c->lock);
}

void
mk_sancache_get_stats(mk_sancache *c, mk_sancache_stats *st)
{
	g_mutex_lock(&c->lock);
	*st = c->st;
	st->bytes = c->bytes;
	st->entries = c->lru.length;
	g_mutex_unlock(&c->lock);
}
