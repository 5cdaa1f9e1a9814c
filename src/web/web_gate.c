/*
 * NAME
 *   web_gate - checks made before a request reaches a pool: Host, Origin,
 *   the pre-login token and the login throttle (web.h)
 *
 * DESCRIPTION
 *   Host: every request must name one of our hosts: web.listen itself,
 *   "localhost:PORT" when web.listen is a loopback address, and each
 *   entry of web.hostnames (HOST or HOST:PORT; HOST alone also matches
 *   HOST:PORT of web.listen).  A request for any other name (DNS
 *   rebinding, a misrouted proxy) is refused.
 *
 *   Origin: a POST must carry Origin equal to our scheme and its own
 *   (accepted) Host; without Origin, a Referer on that origin is accepted;
 *   with neither, or "null", or another origin, the POST is refused.
 *
 *   Pre-login token: GET /login issues HEX(nonce[16] | time[8] |
 *   MAC[32]), the MAC (crypto_auth, HMAC-SHA512/256) keyed with a random
 *   key of this process.  Only a token we issued, younger than
 *   WEB_PRE_MAX_AGE_S, is accepted or kept; a value the client chose is
 *   replaced.
 *
 *   Throttle: POST /login takes a token from its client address's bucket
 *   (web.login_burst, refilled at web.login_rate_per_minute) before any
 *   password is hashed; an empty bucket is answered 429 at once.  The
 *   table holds at most WEB_THROTTLE_MAX addresses; when full, buckets
 *   that are full again are dropped first, then all (fail open for
 *   addresses, never for the per-account lockout of users.c).
 *
 *   web_gate_init also loads web.time_zone (an unknown zone stops the
 *   start, 78).
 *
 * NEVER
 *   Never touches the store: it runs in the polling thread.
 */
#include <sodium.h>
#include <string.h>

#include "web.h"

#define WEB_PRE_MAX_AGE_S  3600
#define WEB_THROTTLE_MAX   4096
#define PRE_NONCE 16
#define PRE_TIME 8
#define PRE_RAW (PRE_NONCE + PRE_TIME + crypto_auth_BYTES)

typedef struct bucket {
	double tokens;
	gint64 at;                  /* monotonic microseconds */
} bucket;

struct web_throttle {
	GMutex lock;
	GHashTable *ip;             /* char* -> bucket* */
	double burst, per_us;
};

static void
add_host(GPtrArray *a, const char *h)
{
	if (*h != '\0')
		g_ptr_array_add(a, g_ascii_strdown(h, -1));
}

static bool
loopback_listen(const char *listen)
{
	return g_str_has_prefix(listen, "127.") || g_str_has_prefix(listen, "[::1]:");
}

int
web_gate_init(web_ctx *ctx, mk_error *err)
{
	const char *listen = ctx->cfg->web.listen, *colon = strrchr(listen, ':');
	char **names = g_strsplit_set(ctx->cfg->web.hostnames, ", \t", -1);
	GPtrArray *a = g_ptr_array_new();

	if (colon == NULL) {
		g_strfreev(names);
		g_ptr_array_free(a, TRUE);
		mk_error_set(err, MK_ERR_CONFIG, "web.listen \"%s\" is not ADDRESS:PORT", listen);
		return MK_ERR_CONFIG;
	}
	add_host(a, listen);
	if (loopback_listen(listen)) {
		char *lh = g_strconcat("localhost", colon, NULL);

		add_host(a, lh);
		g_free(lh);
	}
	for (char **n = names; *n; n++) {
		char *with_port = strchr(*n, ':') == NULL && **n != '\0'
		                  ? g_strconcat(*n, colon, NULL) : NULL;

		add_host(a, *n);
		if (with_port != NULL)
			add_host(a, with_port);
		g_free(with_port);
	}
	g_strfreev(names);
	g_ptr_array_add(a, NULL);
	ctx->hosts = (char **)g_ptr_array_free(a, FALSE);
	if ((ctx->tz = g_time_zone_new_identifier(ctx->cfg->web.time_zone)) == NULL) {
		mk_error_set(err, MK_ERR_CONFIG, "web.time_zone \"%s\" is not a known time zone",
		             ctx->cfg->web.time_zone);
		return MK_ERR_CONFIG;
	}
	randombytes_buf(ctx->pre_key, sizeof ctx->pre_key);
	ctx->throttle = g_new0(web_throttle, 1);
	g_mutex_init(&ctx->throttle->lock);
	ctx->throttle->ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ctx->throttle->burst = (double)ctx->cfg->web.login_burst;
	ctx->throttle->per_us = (double)ctx->cfg->web.login_rate_per_minute / 60e6;
	return 0;
}

void
web_gate_clear(web_ctx *ctx)
{
	g_strfreev(ctx->hosts);
	ctx->hosts = NULL;
	g_clear_pointer(&ctx->tz, g_time_zone_unref);
	if (ctx->throttle != NULL) {
		g_hash_table_unref(ctx->throttle->ip);
		g_mutex_clear(&ctx->throttle->lock);
		g_clear_pointer(&ctx->throttle, g_free);
	}
	sodium_memzero(ctx->pre_key, sizeof ctx->pre_key);
}

bool
web_host_ok(const web_req *r)
{
	if (r->host == NULL || r->ctx->hosts == NULL)
		return false;
	for (char **h = r->ctx->hosts; *h; h++)
		if (g_ascii_strcasecmp(*h, r->host) == 0)
			return true;
	return false;
}

/* "http://HOST" or "https://HOST" exactly, then END (may be "" or "/"). */
static bool
same_origin(const web_req *r, const char *v, bool path_follows)
{
	const char *scheme = r->ctx->tls ? "https://" : "http://";
	gsize sl = strlen(scheme), hl = strlen(r->host);

	if (g_ascii_strncasecmp(v, scheme, sl) != 0 ||
	    g_ascii_strncasecmp(v + sl, r->host, hl) != 0)
		return false;
	v += sl + hl;
	return path_follows ? *v == '/' : *v == '\0';
}

bool
web_origin_ok(const web_req *r)
{
	if (!web_host_ok(r))
		return false;
	if (r->origin != NULL)
		return same_origin(r, r->origin, false);
	return r->referer != NULL && same_origin(r, r->referer, true);
}

bool
web_login_allowed(web_req *r)
{
	web_throttle *t = r->ctx->throttle;
	gint64 now = g_get_monotonic_time();
	bucket *b;
	bool ok;

	g_mutex_lock(&t->lock);
	if ((b = g_hash_table_lookup(t->ip, r->ip)) == NULL) {
		if (g_hash_table_size(t->ip) >= WEB_THROTTLE_MAX) {
			GHashTableIter it;
			gpointer k, v;

			g_hash_table_iter_init(&it, t->ip);
			while (g_hash_table_iter_next(&it, &k, &v)) {
				bucket *o = v;

				if (o->tokens + (double)(now - o->at) * t->per_us >= t->burst)
					g_hash_table_iter_remove(&it);
			}
			if (g_hash_table_size(t->ip) >= WEB_THROTTLE_MAX)
				g_hash_table_remove_all(t->ip);
		}
		b = g_new(bucket, 1);
		b->tokens = t->burst;
		b->at = now;
		g_hash_table_insert(t->ip, g_strdup(r->ip), b);
	}
	b->tokens = MIN(t->burst, b->tokens + (double)(now - b->at) * t->per_us);
	b->at = now;
	if ((ok = b->tokens >= 1.0))
		b->tokens -= 1.0;
	g_mutex_unlock(&t->lock);
	return ok;
}

static void
pre_mac(web_ctx *ctx, const unsigned char *raw, unsigned char *mac)
{
	crypto_auth(mac, raw, PRE_NONCE + PRE_TIME, ctx->pre_key);
}

char *
web_pre_issue(web_ctx *ctx)
{
	unsigned char raw[PRE_RAW];
	guint64 now = (guint64)web_now();
	char *hex = g_malloc(PRE_RAW * 2 + 1);

	randombytes_buf(raw, PRE_NONCE);
	for (int i = 0; i < PRE_TIME; i++)
		raw[PRE_NONCE + i] = (unsigned char)(now >> (8 * i));
	pre_mac(ctx, raw, raw + PRE_NONCE + PRE_TIME);
	sodium_bin2hex(hex, PRE_RAW * 2 + 1, raw, PRE_RAW);
	return hex;
}

bool
web_pre_valid(web_ctx *ctx, const char *tok)
{
	unsigned char raw[PRE_RAW], mac[crypto_auth_BYTES];
	size_t n = 0;
	guint64 t = 0;
	gint64 now = web_now();

	if (tok == NULL || strlen(tok) != PRE_RAW * 2 ||
	    sodium_hex2bin(raw, sizeof raw, tok, strlen(tok), NULL, &n, NULL) != 0 ||
	    n != PRE_RAW)
		return false;
	pre_mac(ctx, raw, mac);
	if (sodium_memcmp(mac, raw + PRE_NONCE + PRE_TIME, sizeof mac) != 0)
		return false;
	for (int i = 0; i < PRE_TIME; i++)
		t |= (guint64)raw[PRE_NONCE + i] << (8 * i);
	return (gint64)t <= now && now - (gint64)t < WEB_PRE_MAX_AGE_S;
}
