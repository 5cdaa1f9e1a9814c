/*
 * NAME
 *   web_mfa.h - second login factor of mukaika-web (web_mfa.c: state and
 *   keys; web_mfa_page.c: the /mfa pages)
 */
#ifndef MK_WEB_MFA_H
#define MK_WEB_MFA_H

#include <sodium.h>

#include "mfakey.h"
#include "totp.h"
#include "web.h"

#define WEB_MFA_BOX_LEN MK_MFA_BOX_LEN

/* BOX (WEB_MFA_BOX_LEN bytes) = nonce | AEAD(TOTP, AD = USER); false when
 * the key file is unusable (fail closed). */
bool web_mfa_seal(web_ctx *ctx, const char *user, const guint8 *totp, guint8 *box);
bool web_mfa_unseal(web_ctx *ctx, const char *user, GBytes *box, guint8 *totp);
/* Pending logins: new (takes L's strings; NULL when full), the user of a
 * live token (NULL otherwise; caller frees), and a wrong try or the end. */
char *web_mfa_pending_new(web_req *r, const char *user, mk_login *l);
char *web_mfa_pending_user(web_ctx *ctx, const char *tok);
void web_mfa_pending_done(web_ctx *ctx, const char *tok, bool finish, mk_login *out);

#endif
