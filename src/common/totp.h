/*
 * NAME
 *   totp - one-time passwords (RFC 6238: HMAC-SHA-1, 30 s, 6 digits),
 *   base32 and recovery codes for the second login factor
 *
 * SUMMARY
 *   guint32 c = mk_totp_code(key, 20, step);        // step = unix time / 30
 *   ok = mk_totp_verify(key, 20, now, "123456", last_step, &step);
 *   b32 = mk_base32(key, 20);                       // for otpauth:// URIs
 *
 * DESCRIPTION
 *   mk_totp_verify accepts the code of the current step or one step
 *   either side (clock drift), but only a step later than LAST_STEP: a
 *   code already used (or an older one) is refused, so a code seen over a
 *   shoulder cannot be replayed.  The comparison does not stop at the
 *   first differing digit.  Recovery codes are MK_RECOVERY_LEN characters
 *   of base32 (80 bits); only their sha256 (hex) is kept.
 *
 * OWNERSHIP
 *   Returned strings are new.  Keys are borrowed.
 */
#ifndef MK_TOTP_H
#define MK_TOTP_H

#include <glib.h>
#include <stdbool.h>

#define MK_TOTP_KEY_LEN 20     /* bytes, as RFC 4226 recommends for SHA-1 */
#define MK_TOTP_PERIOD 30
#define MK_TOTP_DIGITS 6
#define MK_RECOVERY_LEN 16

guint32 mk_totp_code(const guint8 *key, gsize len, gint64 step);
bool mk_totp_verify(const guint8 *key, gsize len, gint64 now, const char *code,
                    gint64 last_step, gint64 *step);
char *mk_base32(const guint8 *data, gsize len);
/* A new random recovery code (base32, upper case). */
char *mk_recovery_new(void);
/* sha256 hex of a recovery code as typed: case and '-'/' ' ignored. */
char *mk_recovery_hash(const char *code);

#endif
