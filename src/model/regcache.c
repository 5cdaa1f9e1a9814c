/*
 * NAME
 *   regcache - compile each POSIX regex once per process (see regcache.h)
 *
 * OWNS
 *   the cache: a hash table from key to a heap copy of the compiled
 *   regex_t, and the set of compiled programs (regex_t.buffer) it owns.
 *
 * NEVER
 *   changes a match result: a hit hands out the very program libc compiled
 *   for the same pattern, flags and codeset.
 */
#include "regcache.h"

#include <dlfcn.h>
#include <glib.h>
#include <langinfo.h>
#include <regex.h>
#include <string.h>

typedef int (*regcomp_fn)(regex_t *, const char *, int);
typedef void (*regfree_fn)(regex_t *);

static regcomp_fn real_regcomp;
static regfree_fn real_regfree;
static GMutex lock;
static GHashTable *programs;   /* key -> regex_t * (owned) */
static GHashTable *owned;      /* regex_t.buffer of cached programs */
static size_t hits;

static gpointer
resolve(gpointer unused)
{
	(void)unused;
	real_regcomp = (regcomp_fn)dlsym(RTLD_NEXT, "regcomp");
	real_regfree = (regfree_fn)dlsym(RTLD_NEXT, "regfree");
	programs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	owned = g_hash_table_new(g_direct_hash, g_direct_equal);
	return NULL;
}

void
mk_regcache_init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, resolve, NULL);
}

void
mk_regcache_stats(size_t *h, size_t *compiled)
{
	mk_regcache_init();
	g_mutex_lock(&lock);
	if (h != NULL)
		*h = hits;
	if (compiled != NULL)
		*compiled = g_hash_table_size(programs);
	g_mutex_unlock(&lock);
}

/* The compiled form depends on the flags and on the thread's codeset. */
static char *
cache_key(const char *pattern, int cflags)
{
	return g_strdup_printf("%d\x1f%s\x1f%s", cflags, nl_langinfo(CODESET),
	                       pattern);
}

int
regcomp(regex_t *preg, const char *pattern, int cflags)
{
	regex_t *hit, *copy;
	char *key;
	int rc;

	mk_regcache_init();
	if (real_regcomp == NULL || real_regfree == NULL)
		return REG_ESPACE;
	if (strlen(pattern) > MK_REGCACHE_PAT_MAX)
		return real_regcomp(preg, pattern, cflags);
	key = cache_key(pattern, cflags);
	g_mutex_lock(&lock);
	hit = g_hash_table_lookup(programs, key);
	if (hit != NULL) {
		*preg = *hit;
		hits++;
		g_mutex_unlock(&lock);
		g_free(key);
		return 0;
	}
	g_mutex_unlock(&lock);
	rc = real_regcomp(preg, pattern, cflags);
	if (rc != 0) {
		g_free(key);
		return rc;
	}
	g_mutex_lock(&lock);
	if (g_hash_table_size(programs) < MK_REGCACHE_MAX &&
	    !g_hash_table_contains(programs, key)) {
		copy = g_memdup2(preg, sizeof *preg);
		g_hash_table_insert(owned, copy->buffer, copy->buffer);
		g_hash_table_insert(programs, key, copy);
		key = NULL;
	}
	g_mutex_unlock(&lock);
	g_free(key);
	return 0;
}

void
regfree(regex_t *preg)
{
	gboolean cached;

	mk_regcache_init();
	g_mutex_lock(&lock);
	cached = g_hash_table_contains(owned, preg->buffer);
	g_mutex_unlock(&lock);
	if (!cached && real_regfree != NULL)
		real_regfree(preg);
}
