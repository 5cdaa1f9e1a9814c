/*
 * NAME
 *   web_http - libmicrohttpd glue: body collection, request record, session
 *   and CSRF gate, routing, security headers (web.h)
 *
 * DESCRIPTION
 *   The callback collects at most web.max_form_size bytes of body (more is
 *   413), then copies the request into a web_req.  In the polling thread
 *   (gate(), no store): only GET/HEAD/POST (HEAD is GET without the body);
 *   the Host must be ours (421) and a POST must come from our origin (403,
 *   web_gate.c); path segments must be plain ([A-Za-z0-9._-], no "." or
 *   "..") or the answer is 404; /static/style.css is answered there;
 *   POST /login takes a token from its address's bucket (else 429).
 *   Everything else is suspended and run by a pool thread (web_pool.c),
 *   whose answer is queued when the connection resumes: /login and /mfa
 *   (the second factor of a pending login, web_mfa.c) are public;
 *   every other path needs a valid session (else 303 to /login, and
 *   403 for POST); a POST needs the session's CSRF token (login: the
 *   pre-login token, which must be one we issued) compared in constant
 *   time, else 403; an account with a temporary password reaches only
 *   /passwd and /logout.
 *   Every answer carries CSP (default-src 'none', no scripts, frame-ancestors
 *   'none'), Cache-Control: no-store, X-Content-Type-Options: nosniff,
 *   X-Frame-Options: DENY, Referrer-Policy: same-origin (and HSTS with TLS).
 *
 * NEVER
 *   Never serves a quarantined original or an attachment; the only
 *   non-HTML answer is the stylesheet.
 */
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "web.h"
#include "web_parse.h"

#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"

typedef struct body {
	GString *data;
	bool too_big;
	struct MHD_Response *resp;  /* answer waiting to be queued */
	unsigned int status;
} body;

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	if (key != NULL && value != NULL && g_utf8_validate(value, -1, NULL))
		g_hash_table_replace(cls, g_strdup(key), g_strdup(value));
	return MHD_YES;
}

static void
client_ip(struct MHD_Connection *c, char *out, gsize len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	g_strlcpy(out, "?", len);
	if (ci != NULL && ci->client_addr != NULL)
		(void)getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6
		                  ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
		                  out, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
}

static bool
same_token(const char *a, const char *b)
{
	gsize n = strlen(a);

	return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* Session lookup; an expired one is audited. */
static void
load_session(web_req *r)
{
	mk_error err = { 0 };

	if (r->cookie_session == NULL)
		return;
	if (mk_session_check(r->q, r->cookie_session, web_now(),
	                     &r->ctx->pol, &r->sess, &err) == 0) {
		r->token = g_strdup(r->cookie_session);
	} else if (strcmp(err.msg, "session expired") == 0) {
		web_audit(r, "session.expired", NULL, "ok", NULL);
	}
}

static void
route_admin(web_req *r, const char *a, bool post)
{
	if (strcmp(a, "users") == 0)
		post ? page_users_post(r) : page_users(r);
	else if (strcmp(a, "exceptions") == 0)
		post ? page_exceptions_post(r) : page_exceptions(r);
	else
		web_error(r, 404, "not_found");
}

static void
route(web_req *r)
{
	bool post = strcmp(r->method, "POST") == 0;
	const char *a = r->nseg > 0 ? r->seg[0] : "";

	if (r->nseg == 0)
		web_redirect(r, "/dashboard");
	else if (strcmp(a, "logout") == 0 && post)
		page_logout(r);
	else if (strcmp(a, "passwd") == 0)
		post ? page_passwd_post(r) : page_passwd(r);
	else if (r->sess->must_change)
		web_redirect(r, "/passwd");
	else if (strcmp(a, "dashboard") == 0 && !post)
		page_dashboard(r);
	else if (strcmp(a, "items") == 0 && !post && r->nseg == 1)
		page_items(r);
	else if (strcmp(a, "items") == 0 && post && r->nseg == 2 &&
	         strcmp(r->seg[1], "bulk") == 0)
		page_items_bulk_post(r);
	else if (strcmp(a, "approvals") == 0 && post && r->nseg == 2 &&
	         strcmp(r->seg[1], "bulk") == 0)
		page_approvals_bulk_post(r);
	else if (strcmp(a, "item") == 0 && r->nseg == 2 && !post)
		page_item(r, r->seg[1]);
	else if (strcmp(a, "item") == 0 && r->nseg == 3 && !post &&
	         strcmp(r->seg[2], "view") == 0)
		page_safe_view(r, r->seg[1]);
	else if (strcmp(a, "item") == 0 && r->nseg == 3 && post &&
	         strcmp(r->seg[2], "request") == 0)
		page_request_post(r, r->seg[1]);
	else if (strcmp(a, "item") == 0 && r->nseg == 3 && post &&
	         strcmp(r->seg[2], "unlock") == 0)
		page_unlock_post(r, r->seg[1]);
	else if (strcmp(a, "approvals") == 0 && !post && r->nseg == 1)
		page_approvals(r);
	else if (strcmp(a, "request") == 0 && r->nseg == 3 && post &&
	         (strcmp(r->seg[2], "approve") == 0 || strcmp(r->seg[2], "deny") == 0))
		page_decide_post(r, r->seg[1], strcmp(r->seg[2], "approve") == 0);
	else if (strcmp(a, "audit") == 0 && !post && r->nseg == 1)
		page_audit(r);
	else if (strcmp(a, "audit") == 0 && !post && r->nseg == 2 &&
	         strcmp(r->seg[1], "export") == 0)
		page_audit_export(r);
	else if (r->nseg == 1)
		route_admin(r, a, post);
	else
		web_error(r, 404, "not_found");
}

void
web_dispatch(web_req *r)
{
	bool post = strcmp(r->method, "POST") == 0;
	const char *a = r->nseg > 0 ? r->seg[0] : "";

	if (strcmp(a, "mfa") == 0 && r->nseg == 1) {
		post ? page_mfa_post(r) : page_mfa(r);
		return;
	}
	if (strcmp(a, "login") == 0 && r->nseg == 1) {
		if (!post)
			page_login(r);
		else if (!web_pre_valid(r->ctx, r->cookie_pre) ||
		         !same_token(web_field(r, "csrf"), r->cookie_pre))
			web_error(r, 403, "csrf");
		else
			page_login_post(r);
		return;
	}
	load_session(r);
	if (r->sess == NULL) {
		if (post)
			web_error(r, 403, "forbidden");
		else
			web_redirect(r, "/login");
		return;
	}
	if (post && !same_token(web_field(r, "csrf"), r->sess->csrf)) {
		web_audit(r, "csrf.refused", NULL, "refused", "POST without a valid form token");
		web_error(r, 403, "csrf");
		return;
	}
	route(r);
}

static struct MHD_Response *
make_response(web_req *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(r->out->len,
		r->out->str, MHD_RESPMEM_MUST_COPY);

	MHD_add_response_header(resp, "Content-Type", r->ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", r->csp != NULL ? r->csp : CSP);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Pragma", "no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* same-origin, not no-referrer: with no-referrer browsers send
	 * "Origin: null" on our own form posts */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (r->ctx->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	for (guint i = 0; i + 1 < r->headers->len; i += 2)
		MHD_add_response_header(resp, g_ptr_array_index(r->headers, i),
		                        g_ptr_array_index(r->headers, i + 1));
	return resp;
}

static void
set_lang(web_req *r)
{
	const char *q = web_arg(r, "lang");
	const char *def = r->ctx->cfg->general.language;

	if (strcmp(q, "en") == 0 || strcmp(q, "ja") == 0) {
		char *ck = g_strdup_printf("mk_lang=%s; Path=/; SameSite=Strict%s", q,
		                           r->ctx->tls ? "; Secure" : "");
		r->lang = strcmp(q, "en") == 0 ? "en" : "ja";
		web_header(r, "Set-Cookie", ck);
		g_free(ck);
	} else if (r->cookie_lang != NULL && strcmp(r->cookie_lang, "en") == 0) {
		r->lang = "en";
	} else if (r->cookie_lang != NULL && strcmp(r->cookie_lang, "ja") == 0) {
		r->lang = "ja";
	} else {
		r->lang = strcmp(def, "en") == 0 ? "en" : "ja";
	}
}

static char *
header(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, kind, name);

	return v != NULL ? g_strdup(v) : NULL;
}

/* Everything a page may read is copied here, in the polling thread: a
 * pool thread never touches the connection. */
static web_req *
req_new(web_ctx *ctx, struct MHD_Connection *c, const char *method, body *b)
{
	web_req *r = g_new0(web_req, 1);

	r->ctx = ctx;
	r->method = strcmp(method, "HEAD") == 0 ? "HEAD" : strcmp(method, "GET") == 0 ? "GET"
	            : strcmp(method, "POST") == 0 ? "POST" : "OTHER";
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
	r->out = g_string_new(NULL);
	r->headers = g_ptr_array_new_with_free_func(g_free);
	r->query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	r->form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, r->query);
	client_ip(c, r->ip, sizeof r->ip);
	r->cookie_session = header(c, MHD_COOKIE_KIND, "mk_session");
	r->cookie_pre = header(c, MHD_COOKIE_KIND, "mk_pre");
	r->cookie_lang = header(c, MHD_COOKIE_KIND, "mk_lang");
	r->cookie_mfa = header(c, MHD_COOKIE_KIND, "mk_mfa");
	r->host = header(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	r->origin = header(c, MHD_HEADER_KIND, "Origin");
	r->referer = header(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER);
	if (b->data != NULL)
		web_parse_form(r->form, b->data->str);
	set_lang(r);
	return r;
}

static void
wipe_form(GHashTable *form)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, form);
	while (g_hash_table_iter_next(&it, &k, &v))
		sodium_memzero(v, strlen(v));   /* may be passwords */
	g_hash_table_unref(form);
}

static void
req_free(web_req *r)
{
	g_strfreev(r->seg);
	g_hash_table_unref(r->query);
	wipe_form(r->form);
	g_ptr_array_unref(r->headers);
	g_string_free(r->out, TRUE);
	mk_session_free(&r->sess);
	g_free(r->token);
	g_free(r->cookie_session);
	g_free(r->cookie_pre);
	g_free(r->cookie_lang);
	g_free(r->cookie_mfa);
	g_free(r->host);
	g_free(r->origin);
	g_free(r->referer);
	g_free(r);
}

/* Answers given in the polling thread (no store): true when R is done. */
static bool
gate(web_req *r, const char *url, body *b)
{
	bool post = strcmp(r->method, "POST") == 0;

	if (strcmp(r->method, "OTHER") == 0) {
		web_error(r, 405, "bad_request");
		web_header(r, "Allow", "GET, HEAD, POST");
	} else if (b->too_big) {
		web_error(r, 413, "bad_request");
	} else if (!web_host_ok(r)) {
		web_error(r, 421, "bad_host");
	} else if (post && !web_origin_ok(r)) {
		web_error(r, 403, "bad_origin");
	} else if (!web_split_path(url, &r->seg, &r->nseg)) {
		web_error(r, 404, "not_found");
	} else if (r->nseg == 2 && strcmp(r->seg[0], "static") == 0 &&
	           strcmp(r->seg[1], "style.css") == 0 && !post) {
		g_string_assign(r->out, web_css);
		r->ctype = "text/css; charset=utf-8";
	} else if (post && r->nseg == 1 && (strcmp(r->seg[0], "login") == 0 ||
	                                    strcmp(r->seg[0], "mfa") == 0) &&
	           !web_login_allowed(r)) {
		web_error(r, 429, "throttled");
		web_header(r, "Retry-After", "60");
	} else {
		return false;
	}
	return true;
}

/* Pool thread: the page ran; hand the answer to the polling thread. */
static void
job_done(web_req *r, struct MHD_Connection *c, void *state)
{
	body *b = state;

	b->status = (unsigned int)r->status;
	b->resp = make_response(r);
	req_free(r);
	MHD_resume_connection(c);
}

static enum MHD_Result
queue_answer(struct MHD_Connection *c, body *b)
{
	enum MHD_Result ret = MHD_queue_response(c, b->status, b->resp);

	MHD_destroy_response(b->resp);
	b->resp = NULL;
	return ret;
}

static enum MHD_Result
handle(web_ctx *ctx, struct MHD_Connection *c, const char *url, const char *method,
       body *b)
{
	web_req *r;

	if (b->resp != NULL)            /* resumed: the pool's answer is ready */
		return queue_answer(c, b);
	r = req_new(ctx, c, method, b);
	if (!gate(r, url, b)) {
		MHD_suspend_connection(c);
		if (web_pool_push(ctx, web_pool_for(r), r, c, b, job_done))
			return MHD_YES;
		web_error(r, 503, "busy");
		web_header(r, "Retry-After", "5");
		job_done(r, c, b);      /* resumes; answered on the next call */
		return MHD_YES;
	}
	b->status = (unsigned int)r->status;
	b->resp = make_response(r);
	req_free(r);
	return queue_answer(c, b);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **state)
{
	web_ctx *ctx = cls;
	body *b = *state;

	if (b == NULL) {   /* first call: headers only */
		*state = g_new0(body, 1);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (b->data == NULL)
			b->data = g_string_new(NULL);
		if ((gint64)(b->data->len + *upload_size) > ctx->cfg->web.max_form_size)
			b->too_big = true;
		else
			g_string_append_len(b->data, upload, (gssize)*upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return handle(ctx, c, url, method, b);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **state,
        enum MHD_RequestTerminationCode toe)
{
	body *b = *state;

	if (b != NULL) {
		if (b->data != NULL) {
			sodium_memzero(b->data->str, b->data->len);   /* may hold passwords */
			g_string_free(b->data, TRUE);
		}
		if (b->resp != NULL)
			MHD_destroy_response(b->resp);
		g_free(b);
		*state = NULL;
	}
}

/* URL decoding for libmicrohttpd: web_unescape() (web_parse.h). */
static size_t
unescape_cb(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return web_unescape(s);
}

static int
listen_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len, mk_error *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST },
		*res = NULL;
	const char *colon = strrchr(spec, ':');
	char *host = colon != NULL ? g_strndup(spec, (gsize)(colon - spec)) : NULL;
	int rc = 0;

	if (host != NULL && host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (host == NULL || getaddrinfo(host, colon + 1, &hints, &res) != 0 || res == NULL) {
		mk_error_set(err, MK_ERR_CONFIG, "web.listen \"%s\" is not ADDRESS:PORT", spec);
		rc = MK_ERR_CONFIG;
	} else {
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		*len = res->ai_addrlen;
	}
	if (res != NULL)
		freeaddrinfo(res);
	g_free(host);
	return rc;
}

/* TLS 1.2 and 1.3 only (GnuTLS priority string). */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static struct MHD_Daemon *
start_daemon(web_ctx *ctx)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	                     MHD_ALLOW_SUSPEND_RESUME;

	if (!ctx->tls)
		return MHD_start_daemon(flags, 0, NULL, NULL, on_request, ctx,
		                        MHD_OPTION_LISTEN_SOCKET, ctx->lfd,
		                        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		                        MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
		                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
		                        MHD_OPTION_END);
	return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, on_request, ctx,
	                        MHD_OPTION_LISTEN_SOCKET, ctx->lfd,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	                        MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	                        MHD_OPTION_HTTPS_MEM_CERT, ctx->tlsm.cert,
	                        MHD_OPTION_HTTPS_MEM_KEY, ctx->tlsm.key,
	                        MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
	                        MHD_OPTION_END);
}

/* A bound, listening socket for SS, or -1. */
static int
bind_listen(const struct sockaddr_storage *ss, socklen_t sl)
{
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (const struct sockaddr *)ss, sl) != 0 || listen(fd, SOMAXCONN) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Before the switch to general.user.  Fails closed: a non-loopback address
 * without TLS, a half or broken TLS configuration are configuration
 * errors, never plain HTTP. */
int
web_listen(web_ctx *ctx, mk_error *err)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int rc = 0;

	ctx->lfd = -1;
	if ((rc = listen_addr(ctx->cfg->web.listen, &ss, &sl, err)) != 0)
		return rc;
	if (!web_listen_allowed(&ss, ctx->tls)) {
		mk_error_set(err, MK_ERR_CONFIG, "web.listen %s is not a loopback address: "
		             "plain HTTP is served on loopback only; set web.tls_cert and "
		             "web.tls_key", ctx->cfg->web.listen);
		return MK_ERR_CONFIG;
	}
	if (ctx->tls && (rc = web_tls_load(ctx->cfg, &ctx->tlsm, err)) != 0)
		return rc;
	if ((ctx->lfd = bind_listen(&ss, sl)) < 0) {
		mk_error_set(err, MK_ERR_OS, "cannot listen on %s: %s", ctx->cfg->web.listen,
		             g_strerror(errno));
		return MK_ERR_OS;
	}
	return 0;
}

/* After the switch: second factor, gate, pools and the daemon on ctx->lfd. */
int
web_serve(web_ctx *ctx, volatile int *stop, mk_error *err)
{
	struct MHD_Daemon *d;
	int rc = 0;

	web_mfa_init(ctx);
	if ((rc = web_gate_init(ctx, err)) != 0 || (rc = web_pools_start(ctx, err)) != 0)
		goto out;
	if ((d = start_daemon(ctx)) == NULL) {
		mk_error_set(err, MK_ERR_OS, "cannot serve on %s%s", ctx->cfg->web.listen,
		             ctx->tls ? " with TLS" : "");
		rc = MK_ERR_OS;
		goto out;
	}
	mk_log(MK_LOG_INFO, NULL, "listening on %s%s", ctx->cfg->web.listen,
	       ctx->tls ? " (TLS)" : "");
	while (!*stop)
		pause();
	(void)MHD_quiesce_daemon(d);
	web_pools_stop(ctx);    /* every queued request answered and resumed */
	MHD_stop_daemon(d);
out:
	web_pools_stop(ctx);
	web_gate_clear(ctx);
	web_mfa_clear(ctx);
	return rc;
}
