/*
 * NAME
 *   web_mfa - the second login factor: who needs it, the key file, the
 *   encrypted TOTP keys, pending logins (web_mfa.h; pages: web_mfa_page.c)
 *
 * DESCRIPTION
 *   Accounts of role web.mfa_min_role and above (default approver: those
 *   that approve, release, delete or administer; "viewer" = every
 *   account) get no session from a correct password alone.  POST /login
 *   then calls web_mfa_begin: a pending login (random token, cookie mk_mfa,
 *   HttpOnly, SameSite=Strict) lives web.mfa_pending_minutes in memory
 *   only, and allows web.mfa_max_tries wrong codes.
 *   - With a confirmed key the page asks for the 6-digit code (RFC 6238,
 *     totp.c) or a recovery code.  A code of a step already used is
 *     refused (mfa.c keeps the last step).
 *   - Without one (first login, or an enrolment never finished) a new
 *     20-byte key is made, stored encrypted and shown once, as a QR code
 *     of its otpauth:// URI (libqrencode, drawn as inline SVG) and as
 *     base32 text; the first right code confirms it and the page shows
 *     web.mfa_recovery_codes recovery codes once (only their sha256 is
 *     stored).
 *   Only then is the session made (and the welcome page shown).  The form
 *   token of /mfa is the pending token itself (cookie and field must be
 *   equal); POST /mfa also takes from the login bucket (web_gate.c).
 *
 *   The TOTP key is stored as nonce | XChaCha20-Poly1305(key, AD = account
 *   name) under a 32-byte key file (web.mfa_key_file, default
 *   general.state_dir/mfa.key) outside the database.  mukaika-web makes it
 *   on first use (0640, O_EXCL) and refuses one that others may read or
 *   that is not 32 bytes: the second factor then fails closed.
 *
 * NEVER
 *   Never logs or audits a key or a code; never makes a session for a
 *   pending login that has not passed the second factor.
 */
#include <sodium.h>
#include <string.h>

#include "mfakey.h"
#include "totp.h"
#include "web_mfa.h"

#define BOX_LEN WEB_MFA_BOX_LEN
#define PENDING_MAX 1024        /* pending logins held at once */

typedef struct pending {
	char *user;
	gint64 expires;
	gint64 tries;
	mk_login login;             /* for the welcome page */
} pending;

struct web_mfa {
	GMutex lock;
	GHashTable *pend;           /* token -> pending* */
	bool have_key;
	guint8 key[MK_MFA_KEY_BYTES];
};

static void
pending_free(gpointer p)
{
	pending *x = p;

	g_free(x->user);
	mk_login_clear(&x->login);
	g_free(x);
}

void
web_mfa_init(web_ctx *ctx)
{
	ctx->mfa = g_new0(web_mfa, 1);
	g_mutex_init(&ctx->mfa->lock);
	ctx->mfa->pend = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pending_free);
}

void
web_mfa_clear(web_ctx *ctx)
{
	if (ctx->mfa == NULL)
		return;
	g_hash_table_unref(ctx->mfa->pend);
	sodium_memzero(ctx->mfa->key, sizeof ctx->mfa->key);
	g_mutex_clear(&ctx->mfa->lock);
	g_clear_pointer(&ctx->mfa, g_free);
}

bool
web_mfa_required(const web_ctx *ctx, mk_urole role)
{
	return mk_mfa_required(ctx->cfg, role);
}

/* Read (or make) the key file; under m->lock. */
static int
load_key(web_ctx *ctx, mk_error *err)
{
	int rc = mk_mfa_key_load(ctx->cfg, true, ctx->mfa->key, err);

	ctx->mfa->have_key = rc == 0;
	return rc;
}

static bool
with_key(web_ctx *ctx)
{
	mk_error err = { 0 };
	bool ok;

	g_mutex_lock(&ctx->mfa->lock);
	if (!ctx->mfa->have_key && load_key(ctx, &err) != 0)
		g_printerr("mukaika-web: second factor key: %s\n", err.msg);
	ok = ctx->mfa->have_key;
	g_mutex_unlock(&ctx->mfa->lock);
	return ok;
}

bool
web_mfa_seal(web_ctx *ctx, const char *user, const guint8 *totp, guint8 *box)
{
	return with_key(ctx) && mk_mfa_seal(ctx->mfa->key, user, totp, box);
}

bool
web_mfa_unseal(web_ctx *ctx, const char *user, GBytes *b, guint8 *totp)
{
	gsize len = 0;
	const guint8 *box = g_bytes_get_data(b, &len);

	return with_key(ctx) && mk_mfa_unseal(ctx->mfa->key, user, box, len, totp);
}

/* A new pending login for USER; returns its token (caller frees). */
char *
web_mfa_pending_new(web_req *r, const char *user, mk_login *l)
{
	web_mfa *m = r->ctx->mfa;
	gint64 now = web_now();
	char *tok = web_random_hex();
	pending *p = g_new0(pending, 1);
	GHashTableIter it;
	gpointer k, v;

	p->user = g_strdup(user);
	p->expires = now + r->ctx->cfg->web.mfa_pending_minutes * 60;
	p->login = *l;                      /* takes l's strings */
	memset(l, 0, sizeof *l);
	g_mutex_lock(&m->lock);
	g_hash_table_iter_init(&it, m->pend);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((pending *)v)->expires <= now)
			g_hash_table_iter_remove(&it);
	if (g_hash_table_size(m->pend) >= PENDING_MAX) {
		pending_free(p);
		g_clear_pointer(&tok, g_free);
	} else {
		g_hash_table_insert(m->pend, g_strdup(tok), p);
	}
	g_mutex_unlock(&m->lock);
	return tok;
}

/* Copy of the pending login's user when TOK is live (caller frees). */
char *
web_mfa_pending_user(web_ctx *ctx, const char *tok)
{
	pending *p;
	char *u = NULL;

	if (tok == NULL)
		return NULL;
	g_mutex_lock(&ctx->mfa->lock);
	if ((p = g_hash_table_lookup(ctx->mfa->pend, tok)) != NULL) {
		if (p->expires > web_now() && p->tries < ctx->cfg->web.mfa_max_tries)
			u = g_strdup(p->user);
		else
			g_hash_table_remove(ctx->mfa->pend, tok);
	}
	g_mutex_unlock(&ctx->mfa->lock);
	return u;
}

/* A wrong code; *OUT gets the login record when FINISH (and the pending
 * login ends). */
void
web_mfa_pending_done(web_ctx *ctx, const char *tok, bool finish, mk_login *out)
{
	pending *p;

	g_mutex_lock(&ctx->mfa->lock);
	if ((p = g_hash_table_lookup(ctx->mfa->pend, tok)) != NULL) {
		if (finish) {
			*out = p->login;
			memset(&p->login, 0, sizeof p->login);
			g_hash_table_remove(ctx->mfa->pend, tok);
		} else {
			p->tries++;
		}
	}
	g_mutex_unlock(&ctx->mfa->lock);
}
