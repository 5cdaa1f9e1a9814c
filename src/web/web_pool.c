/*
 * NAME
 *   web_pool - the three bounded thread pools of mukaika-web (web.h)
 *
 * DESCRIPTION
 *   pages (web.threads): every page and form that is quick;
 *   auth (web.auth_threads): POST /login, /passwd, /mfa and /users, which
 *   hash passwords with argon2id (slow by design);
 *   work (web.work_threads): PPAP unlock and approve-and-release, which
 *   wait for the sandboxed worker or the SMTP relay (up to
 *   release.timeout_s).
 *   Each pool queues at most web.queue_max requests beyond its running
 *   ones; a request that finds its queue full is answered 503 by the
 *   polling thread.  So a login flood delays only other logins, and a slow
 *   relay delays only other releases.
 *
 *   Each pool thread opens its own store handle on first use (SQLite:
 *   one connection per thread) and closes it when the thread ends.  The
 *   engine is created once, under a mutex, and shared.
 *
 * OWNERSHIP
 *   A pushed request belongs to the pool; the done callback receives it
 *   after the page ran and must free it.
 */
#include <string.h>

#include "web.h"

typedef struct web_job {
	web_req *r;
	struct MHD_Connection *c;
	void *state;
	web_done_fn done;
} web_job;

static void
store_close(gpointer p)
{
	mk_store *q = p;

	mk_store_close(&q);
}

static GPrivate thread_store = G_PRIVATE_INIT(store_close);

static mk_store *
thread_store_get(web_ctx *ctx)
{
	mk_store *q = g_private_get(&thread_store);
	mk_error err = { 0 };

	if (q == NULL) {
		if ((q = mk_store_open(ctx->cfg, &err)) == NULL) {
			g_printerr("mukaika-web: store: %s\n", err.msg);
			return NULL;
		}
		g_private_set(&thread_store, q);
	}
	return q;
}

static void
run(gpointer data, gpointer user)
{
	web_job *j = data;
	web_ctx *ctx = user;

	if ((j->r->q = thread_store_get(ctx)) == NULL)
		web_error(j->r, 503, "failed");
	else
		web_dispatch(j->r);
	j->done(j->r, j->c, j->state);
	g_free(j);
}

int
web_pools_start(web_ctx *ctx, mk_error *err)
{
	const gint64 n[WEB_NPOOLS] = {
		[WEB_POOL_PAGE] = ctx->cfg->web.threads,
		[WEB_POOL_AUTH] = ctx->cfg->web.auth_threads,
		[WEB_POOL_WORK] = ctx->cfg->web.work_threads,
	};
	GError *ge = NULL;

	g_mutex_init(&ctx->engine_lock);
	for (int k = 0; k < WEB_NPOOLS; k++) {
		ctx->pool[k] = g_thread_pool_new(run, ctx, (gint)n[k], FALSE, &ge);
		if (ctx->pool[k] == NULL) {
			mk_error_set(err, MK_ERR_OS, "thread pool: %s", ge->message);
			g_error_free(ge);
			web_pools_stop(ctx);
			return MK_ERR_OS;
		}
	}
	return 0;
}

void
web_pools_stop(web_ctx *ctx)
{
	for (int k = 0; k < WEB_NPOOLS; k++)
		if (ctx->pool[k] != NULL) {
			g_thread_pool_free(ctx->pool[k], FALSE, TRUE);
			ctx->pool[k] = NULL;
		}
}

static bool
post_to(const web_req *r, const char *a, const char *last)
{
	return strcmp(r->method, "POST") == 0 && r->nseg > 0 && strcmp(r->seg[0], a) == 0 &&
	       (last == NULL || strcmp(r->seg[r->nseg - 1], last) == 0);
}

web_pool_kind
web_pool_for(const web_req *r)
{
	if (post_to(r, "login", NULL) || post_to(r, "passwd", NULL) ||
	    post_to(r, "mfa", NULL) || post_to(r, "users", NULL))
		return WEB_POOL_AUTH;
	if ((r->nseg == 3 && post_to(r, "item", "unlock")) ||
	    (r->nseg == 3 && post_to(r, "request", "approve")))
		return WEB_POOL_WORK;
	return WEB_POOL_PAGE;
}

bool
web_pool_push(web_ctx *ctx, web_pool_kind k, web_req *r, struct MHD_Connection *c,
              void *state, web_done_fn done)
{
	web_job *j;

	if (g_thread_pool_unprocessed(ctx->pool[k]) >= (guint)ctx->cfg->web.queue_max)
		return false;
	j = g_new(web_job, 1);
	j->r = r;
	j->c = c;
	j->state = state;
	j->done = done;
	g_thread_pool_push(ctx->pool[k], j, NULL);
	return true;
}

mk_engine *
web_engine(web_req *r)
{
	web_ctx *ctx = r->ctx;
	mk_error err = { 0 };
	mk_engine *e;

	g_mutex_lock(&ctx->engine_lock);
	if (ctx->engine == NULL &&
	    (ctx->engine = mk_engine_new(ctx->cfg, mk_store_port_new(ctx->cfg), &err)) == NULL)
		g_printerr("mukaika-web: engine: %s\n", err.msg);
	e = ctx->engine;
	g_mutex_unlock(&ctx->engine_lock);
	return e;
}
