/*
 * NAME
 *   web.h - mukaika-web internals: the request record, routing, HTML helpers
 *
 * DESCRIPTION
 *   The libmicrohttpd callback (web_http.c) stays thin: it copies method,
 *   path, query, form fields, cookies and the client address into a
 *   web_req, checks the session and the CSRF token, and calls one page
 *   function.  Pages append escaped HTML to req->out through the helpers
 *   below; they never write raw input.  One internal polling thread serves
 *   every connection, so the store handle is used by one thread only.
 */
#ifndef MK_WEB_H
#define MK_WEB_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "engine.h"
#include "qstore.h"
#include "review.h"
#include "users.h"

typedef struct web_ctx {
	mk_config *cfg;
	mk_qstore *q;
	mk_engine *engine;          /* created on first use (text view) */
	mk_auth_policy pol;
	bool tls;
} web_ctx;

typedef struct web_req {
	web_ctx *ctx;
	const char *method;         /* "GET" | "POST" */
	char **seg;                 /* path segments, NULL-terminated */
	int nseg;
	GHashTable *query;          /* char* -> char* */
	GHashTable *form;           /* POST fields */
	const char *cookie_session, *cookie_pre, *cookie_lang;
	char ip[64];
	const char *lang;           /* "ja" | "en" */
	char *token;                /* session token (the cookie value) */
	mk_session *sess;           /* NULL when not logged in */
	/* response */
	int status;
	GString *out;
	const char *ctype;
	GPtrArray *headers;         /* "Name: value" strings */
} web_req;

/* web_html.c */
const char *T(const web_req *r, const char *key);
void web_esc(GString *out, const char *s);
void web_printf(web_req *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void web_put(web_req *r, const char *s);            /* escaped */
void web_begin(web_req *r, const char *title);
void web_end(web_req *r);
void web_csrf_field(web_req *r);
void web_time(web_req *r, gint64 t);
void web_error(web_req *r, int status, const char *msg_key);
void web_redirect(web_req *r, const char *to);
void web_header(web_req *r, const char *name, const char *value);
const char *web_field(const web_req *r, const char *name);   /* form, "" if absent */
const char *web_arg(const web_req *r, const char *name);     /* query, "" if absent */
gint64 web_now(void);
void web_audit(web_req *r, const char *what, const char *item, const char *result,
               const char *detail);
extern const char web_css[];

/* web_auth.c */
void page_login(web_req *r);
void page_login_post(web_req *r);
void page_logout(web_req *r);
void page_passwd(web_req *r);
void page_passwd_post(web_req *r);
char *web_random_hex(void);

/* web_items.c */
void page_items(web_req *r);
void page_item(web_req *r, const char *id);
void page_request_post(web_req *r, const char *id);
void page_unlock_post(web_req *r, const char *id);      /* PPAP */

/* web_review.c */
void page_approvals(web_req *r);
void page_decide_post(web_req *r, const char *req_id, bool approve);
void page_audit(web_req *r);
bool web_admin_only(web_req *r);   /* 403 + audit unless admin */

/* web_admin.c */
void page_users(web_req *r);
void page_users_post(web_req *r);
void page_exceptions(web_req *r);
void page_exceptions_post(web_req *r);
void page_dashboard(web_req *r);

/* web_json.c: a small JSON reader for the stored reports */
typedef struct wj wj;
wj *wj_parse(const char *text, gsize max_depth);
void wj_free(wj *v);
const wj *wj_get(const wj *obj, const char *key);
const wj *wj_at(const wj *arr, guint i);
guint wj_len(const wj *arr);
const char *wj_str(const wj *v);       /* strings; numbers/bools as text */

/* web_tls.c: PEM material for libmicrohttpd (NUL-terminated) */
typedef struct web_tls {
	char *cert, *key;           /* owned; the key is wiped by web_tls_clear */
	gsize cert_len, key_len;
} web_tls;
int web_tls_load(const mk_config *cfg, web_tls *t, mk_error *err);
void web_tls_clear(web_tls *t);
struct sockaddr_storage;
bool web_listen_allowed(const struct sockaddr_storage *ss, bool tls);

/* web_http.c */
int web_serve(web_ctx *ctx, volatile int *stop, mk_error *err);

#endif
