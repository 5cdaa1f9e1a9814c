/*
 * NAME
 *   mfakey - the key file that encrypts the TOTP keys of the second login
 *   factor, sealing and opening them, and checking a code from the shell
 *
 * SUMMARY
 *   rc = mk_mfa_key_load(cfg, create, key, &err);
 *   ok = mk_mfa_seal(key, "alice", totp, box);
 *   ok = mk_mfa_unseal(key, "alice", box, len, totp);
 *   rc = mk_mfa_check_code(s, cfg, "alice", "123456", now, &err);
 *
 * DESCRIPTION
 *   The key file (web.mfa_key_file, default general.state_dir/mfa.key) is
 *   32 bytes, mode 0640 or stricter, outside the database.  mukaika-web
 *   makes it on first use (CREATE, O_EXCL); the CLI only reads it.  A TOTP
 *   key is stored as nonce | XChaCha20-Poly1305(key, AD = account name).
 *
 *   mk_mfa_check_code() is the second factor of the CLI (`--as` of an
 *   account that needs one): a 6-digit code of a confirmed enrolment,
 *   whose step is then used up as on the web, or one of its recovery
 *   codes.
 *
 * NEVER
 *   Never logs a key or a code.
 *
 * FAILURE
 *   Key file missing, readable by others or of the wrong size:
 *   MK_ERR_CONFIG (the second factor fails closed).  No enrolment:
 *   MK_ERR_NOINPUT.  Wrong or reused code: MK_ERR_USAGE.
 */
#ifndef MK_MFAKEY_H
#define MK_MFAKEY_H

#include <glib.h>
#include <sodium.h>
#include <stdbool.h>

#include "config.h"
#include "mk_error.h"
#include "totp.h"

#define MK_MFA_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define MK_MFA_BOX_LEN (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + MK_TOTP_KEY_LEN + \
                        crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* Accounts of role web.mfa_min_role and above need the second factor. */
bool mk_mfa_required(const mk_config *cfg, int role);
char *mk_mfa_key_path(const mk_config *cfg);      /* caller frees */
int mk_mfa_key_load(const mk_config *cfg, bool create, guint8 *key, mk_error *err);
bool mk_mfa_seal(const guint8 *key, const char *user, const guint8 *totp, guint8 *box);
bool mk_mfa_unseal(const guint8 *key, const char *user, const guint8 *box, gsize len,
                   guint8 *totp);

struct mk_store;
int mk_mfa_check_code(struct mk_store *s, const mk_config *cfg, const char *user,
                      const char *code, gint64 now, mk_error *err);

#endif
