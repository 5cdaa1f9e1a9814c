/*
 * NAME
 *   web.h - mukaika-web internals: the request record, routing, HTML helpers
 *
 * DESCRIPTION
 *   The libmicrohttpd callback (web_http.c) stays thin: it copies method,
 *   path, query, form fields, cookies and the client address into a
 *   web_req, checks the session and the CSRF token, and calls one page
 *   function.  Pages append escaped HTML to req->out through the helpers
 *   below; they never write raw input.  One libmicrohttpd polling thread
 *   reads requests and answers the cheap ones (stylesheet, refusals by the
 *   gate of web_gate.c); every other request is handed, with its connection
 *   suspended, to one of three bounded thread pools (web_pool.c): pages,
 *   authentication (argon2id) and long work (PPAP unlock, SMTP release), so
 *   that no kind of work makes the others wait.  Each pool thread has its
 *   own store handle (req->q); the configuration is read-only and the
 *   engine is shared (it is thread-safe).
 */
#ifndef MK_WEB_H
#define MK_WEB_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "engine.h"
#include "qstore.h"
#include "release.h"
#include "review.h"
#include "store_port.h"
#include "users.h"

typedef enum { WEB_POOL_PAGE = 0, WEB_POOL_AUTH, WEB_POOL_WORK, WEB_NPOOLS } web_pool_kind;

typedef struct web_throttle web_throttle;
typedef struct web_mfa web_mfa;

/* web_tls.c: PEM material for libmicrohttpd (NUL-terminated) */
typedef struct web_tls {
	char *cert, *key;           /* owned; the key is wiped by web_tls_clear */
	gsize cert_len, key_len;
} web_tls;

typedef struct web_ctx {
	mk_config *cfg;
	mk_store *q;               /* start-up check only; requests use req->q */
	mk_engine *engine;          /* created on first use, under engine_lock */
	GMutex engine_lock;
	mk_auth_policy pol;
	bool tls;
	GThreadPool *pool[WEB_NPOOLS];
	web_throttle *throttle;     /* POST /login per client address */
	char **hosts;               /* accepted Host values (lower case) */
	unsigned char pre_key[32];  /* MACs pre-login tokens (this process) */
	web_mfa *mfa;               /* second factor: key, pending logins */
	GTimeZone *tz;              /* web.time_zone: every time shown */
	int lfd;                    /* listening socket, bound before the switch */
	web_tls tlsm;               /* PEM material, loaded before the switch */
} web_ctx;

typedef struct web_req {
	web_ctx *ctx;
	mk_store *q;               /* this thread's store handle (borrowed) */
	const char *method;         /* "GET" | "HEAD" | "POST" */
	char **seg;                 /* path segments, NULL-terminated */
	int nseg;
	GHashTable *query;          /* char* -> char* */
	GHashTable *form;           /* POST fields */
	char *cookie_session, *cookie_pre, *cookie_lang, *cookie_mfa;
	char *host, *origin, *referer;   /* request headers, NULL if absent */
	char ip[64];
	const char *lang;           /* "ja" | "en" */
	char *token;                /* session token (the cookie value) */
	mk_session *sess;           /* NULL when not logged in */
	/* response */
	int status;
	GString *out;
	const char *ctype;
	const char *csp;            /* a stricter policy for this page; NULL: the default */
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
void web_label(web_req *r, const char *prefix, const char *code);   /* ja + code */
void web_findings(web_req *r, const char *csv);
void web_redirect(web_req *r, const char *to);
void web_header(web_req *r, const char *name, const char *value);
const char *web_field(const web_req *r, const char *name);   /* form, "" if absent */
const char *web_arg(const web_req *r, const char *name);     /* query, "" if absent */
gint64 web_now(void);
void web_audit(web_req *r, const char *what, const char *item, const char *result,
               const char *detail);
extern const char web_css[];
/* web_msgs.c: further messages T() looks up (NULL: unknown key) */
const char *web_msg_more(const char *key, bool en);

/* web_auth.c */
void page_login(web_req *r);
void page_login_post(web_req *r);
void page_logout(web_req *r);
void page_passwd(web_req *r);
void page_passwd_post(web_req *r);
char *web_random_hex(void);
void web_set_cookie(web_req *r, const char *name, const char *value, bool expire);
void web_welcome(web_req *r, const mk_login *l, const GPtrArray *recovery);

/* web_mfa.c, web_mfa_page.c: the second login factor */
void web_mfa_init(web_ctx *ctx);
void web_mfa_clear(web_ctx *ctx);
bool web_mfa_required(const web_ctx *ctx, mk_urole role);
/* After a right password of an account that needs the second factor:
 * the code form, or the enrolment; never a session.  Takes L's strings. */
void web_mfa_begin(web_req *r, const char *user, mk_login *l);
void page_mfa(web_req *r);
void page_mfa_post(web_req *r);

/* web_items.c */
void page_items(web_req *r);
void page_item(web_req *r, const char *id);
void page_request_post(web_req *r, const char *id);
void page_unlock_post(web_req *r, const char *id);      /* PPAP */
/* web_safeview.c: GET /item/ID/view, the original as text only */
void page_safe_view(web_req *r, const char *id);

/* web_review.c */
void page_approvals(web_req *r);
void page_decide_post(web_req *r, const char *req_id, bool approve);
void page_audit(web_req *r);
bool web_admin_only(web_req *r);   /* 403 + audit unless admin */

/* web_bulk.c: many items or requests at once */
void web_bulk_box(web_req *r, const char *form, const char *id);   /* a <td> */
void web_bulk_form(web_req *r, const char *id, const char *action,
                   const char *const *ops, gsize n);
void page_approvals_bulk_post(web_req *r);
void page_items_bulk_post(web_req *r);

/* web_audit.c: the audit list with filters, paging, CSV/JSON export */
void page_audit_export(web_req *r);
/* web_items.c: a date filter field NAME (YYYY-MM-DD in web.time_zone) as
 * unix seconds at 00:00 (+ DAYS days), 0 when empty or not a date; its input */
gint64 web_day_start(web_req *r, const char *name, int days);
void web_date_input(web_req *r, const char *name);

/* web_admin.c */
void page_users(web_req *r);
void page_users_post(web_req *r);
void page_exceptions(web_req *r);
void page_exceptions_post(web_req *r);
void page_dashboard(web_req *r);

/* web_summary.c: the daily summary table of the dashboard */
void web_summary(web_req *r);

/* web_json.c: a small JSON reader for the stored reports */
typedef struct wj wj;
wj *wj_parse(const char *text, gsize max_depth);
void wj_free(wj *v);
const wj *wj_get(const wj *obj, const char *key);
const wj *wj_at(const wj *arr, guint i);
guint wj_len(const wj *arr);
const char *wj_str(const wj *v);       /* strings; numbers/bools as text */

int web_tls_load(const mk_config *cfg, web_tls *t, mk_error *err);
void web_tls_clear(web_tls *t);
struct sockaddr_storage;
bool web_listen_allowed(const struct sockaddr_storage *ss, bool tls);

/* web_http.c: web_listen() before the switch to general.user (address
 * checked, TLS material loaded into ctx->tlsm, ctx->lfd bound); web_serve()
 * after it, until *STOP. */
int web_listen(web_ctx *ctx, mk_error *err);
int web_serve(web_ctx *ctx, volatile int *stop, mk_error *err);
void web_dispatch(web_req *r);     /* in a pool thread, r->q set */

/* web_gate.c: checks made in the polling thread, without the store */
int web_gate_init(web_ctx *ctx, mk_error *err);
void web_gate_clear(web_ctx *ctx);
bool web_host_ok(const web_req *r);               /* Host is one of ours */
bool web_origin_ok(const web_req *r);             /* POST from our origin */
bool web_login_allowed(web_req *r);               /* per-address token bucket */
char *web_pre_issue(web_ctx *ctx);                /* new pre-login token */
bool web_pre_valid(web_ctx *ctx, const char *tok);   /* ours and fresh */

/* web_pool.c */
int web_pools_start(web_ctx *ctx, mk_error *err);
void web_pools_stop(web_ctx *ctx);                 /* waits for queued work */
web_pool_kind web_pool_for(const web_req *r);
/* Queue R (owned from now on) for a pool thread; false when the pool's
 * queue is full (web.queue_max): the caller answers 503. */
struct MHD_Connection;
typedef void (*web_done_fn)(web_req *r, struct MHD_Connection *c, void *state);
bool web_pool_push(web_ctx *ctx, web_pool_kind k, web_req *r,
                   struct MHD_Connection *c, void *state, web_done_fn done);
mk_engine *web_engine(web_req *r);                 /* shared, NULL on failure */

#endif
