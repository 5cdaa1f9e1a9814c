/*
 * NAME
 *   fuzz_web - libFuzzer target for what mukaika-web parses of a request
 *   itself (src/web/web_parse.c, web_gate.c, web_json.c)
 *
 * DESCRIPTION
 *   The input, as a string, goes to: the URL unescape callback and the
 *   path splitter (each accepted segment must be plain: [A-Za-z0-9._-],
 *   not "." or ".."), the form-body parser (every value kept must be
 *   UTF-8), the pre-login token check (a cookie value; never valid, the
 *   key is random), and the report JSON reader with a walk of what it
 *   built.  Its first three lines are also the Host, Origin and Referer
 *   headers for the Host/Origin gate (TLS on when the input's first byte
 *   is odd), which must accept only a listed host and its own origin.
 *   Headers, cookies and query strings themselves are split by
 *   libmicrohttpd (not ours).  A failed check aborts.
 *
 * NEVER
 *   Opens a socket or a store.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"
#include "web_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* web_html.c's clock (that module needs the whole UI). */
gint64
web_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

static void
check_path(const char *s)
{
	char *u = g_strdup(s), **seg = NULL;
	int nseg = 0;
	size_t len = web_unescape(u);

	if (len > strlen(s) || len != strlen(u))
		abort();
	if (web_split_path(u, &seg, &nseg)) {
		for (int i = 0; i < nseg; i++) {
			if (strcmp(seg[i], "..") == 0 || strcmp(seg[i], ".") == 0 ||
			    strspn(seg[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			           "0123456789._-") != strlen(seg[i]))
				abort();
		}
	} else if (seg == NULL || seg[0] != NULL || nseg != 0) {
		abort();
	}
	g_strfreev(seg);
	g_free(u);
}

static void
check_form(const char *s)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter it;
	gpointer k, v;

	web_parse_form(h, s);
	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (!g_utf8_validate(v, -1, NULL))
			abort();
	g_hash_table_unref(h);
}

static void
walk_json(const wj *v, int depth)
{
	if (v == NULL || depth > 20)
		return;
	(void)wj_str(v);
	for (guint i = 0; i < wj_len(v) && i < 64; i++)
		walk_json(wj_at(v, i), depth + 1);
	walk_json(wj_get(v, "nodes"), depth + 1);
	walk_json(wj_get(v, "findings"), depth + 1);
}

static void
check_gate(web_ctx *ctx, const char *s, bool tls)
{
	char **lines = g_strsplit(s, "\n", 4);
	web_req r = { .ctx = ctx };
	bool host_ok, origin_ok;

	ctx->tls = tls;
	r.host = lines[0];
	r.origin = lines[0] && lines[1] && *lines[1] ? lines[1] : NULL;
	r.referer = lines[0] && lines[1] && lines[2] && *lines[2] ? lines[2] : NULL;
	host_ok = web_host_ok(&r);
	origin_ok = web_origin_ok(&r);
	if (host_ok && g_ascii_strcasecmp(r.host, ctx->hosts[0]) != 0 &&
	    g_ascii_strcasecmp(r.host, ctx->hosts[1]) != 0)
		abort();
	if (origin_ok) {
		const char *o = r.origin ? r.origin : r.referer;
		char *want = g_strconcat(tls ? "https://" : "http://", r.host, NULL);

		if (!host_ok || g_ascii_strncasecmp(o, want, strlen(want)) != 0 ||
		    (r.origin != NULL && o[strlen(want)] != '\0') ||
		    (r.origin == NULL && o[strlen(want)] != '/'))
			abort();
		g_free(want);
	}
	g_strfreev(lines);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *hosts[] = { "mukaika.example", "127.0.0.1:8443", NULL };
	static web_ctx ctx;
	static bool init;
	char *s = g_strndup((const char *)data, size);   /* up to a NUL */
	wj *j;

	if (!init) {
		if (sodium_init() < 0)
			abort();
		randombytes_buf(ctx.pre_key, sizeof ctx.pre_key);
		ctx.hosts = hosts;
		init = true;
	}
	check_path(s);
	check_form(s);
	if (web_pre_valid(&ctx, s))
		abort();                 /* a token we never issued */
	check_gate(&ctx, s, size > 0 && (data[0] & 1));
	if ((j = wj_parse(s, 16)) != NULL) {
		walk_json(j, 0);
		wj_free(j);
	}
	g_free(s);
	return 0;
}
