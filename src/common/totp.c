/*
 * NAME
 *   totp - RFC 6238 one-time passwords, base32, recovery codes (totp.h)
 *
 * DESCRIPTION
 *   HMAC-SHA-1 comes from OpenSSL (libsodium has none); random bytes and
 *   constant-time comparison from libsodium.  Never logs a key or a code.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <string.h>

#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

guint32
mk_totp_code(const guint8 *key, gsize len, gint64 step)
{
	guint8 msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	guint32 bin, mod = 1;

	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (guint8)(step & 0xff);
	if (HMAC(EVP_sha1(), key, (int)len, msg, sizeof msg, mac, &mlen) == NULL || mlen < 20)
		return G_MAXUINT32;     /* never a valid 6-digit code */
	bin = ((guint32)(mac[mac[19] & 0xf] & 0x7f) << 24) |
	      ((guint32)mac[(mac[19] & 0xf) + 1] << 16) |
	      ((guint32)mac[(mac[19] & 0xf) + 2] << 8) | mac[(mac[19] & 0xf) + 3];
	for (int i = 0; i < MK_TOTP_DIGITS; i++)
		mod *= 10;
	sodium_memzero(mac, sizeof mac);
	return bin % mod;
}

bool
mk_totp_verify(const guint8 *key, gsize len, gint64 now, const char *code,
               gint64 last_step, gint64 *step)
{
	gint64 t = now / MK_TOTP_PERIOD;
	bool ok = false;

	if (code == NULL || strlen(code) != MK_TOTP_DIGITS ||
	    strspn(code, "0123456789") != MK_TOTP_DIGITS)
		return false;
	for (gint64 s = t - 1; s <= t + 1; s++) {
		char want[MK_TOTP_DIGITS + 1];

		g_snprintf(want, sizeof want, "%06u", mk_totp_code(key, len, s));
		if (s > last_step && !ok && sodium_memcmp(want, code, MK_TOTP_DIGITS) == 0) {
			ok = true;
			*step = s;
		}
	}
	return ok;
}

char *
mk_base32(const guint8 *data, gsize len)
{
	GString *g = g_string_new(NULL);
	guint32 buf = 0;
	int bits = 0;

	for (gsize i = 0; i < len; i++) {
		buf = (buf << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			g_string_append_c(g, b32[(buf >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		g_string_append_c(g, b32[(buf << (5 - bits)) & 31]);
	return g_string_free(g, FALSE);
}

char *
mk_recovery_new(void)
{
	guint8 raw[MK_RECOVERY_LEN * 5 / 8];
	char *s;

	randombytes_buf(raw, sizeof raw);
	s = mk_base32(raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	return s;
}

char *
mk_recovery_hash(const char *code)
{
	GString *g = g_string_new(NULL);
	guint8 h[crypto_hash_sha256_BYTES];
	char *hex = g_malloc(sizeof h * 2 + 1);

	for (const char *p = code; p != NULL && *p; p++)
		if (*p != '-' && *p != ' ')
			g_string_append_c(g, g_ascii_toupper(*p));
	crypto_hash_sha256(h, (const guint8 *)g->str, g->len);
	sodium_bin2hex(hex, sizeof h * 2 + 1, h, sizeof h);
	sodium_memzero(g->str, g->len);
	g_string_free(g, TRUE);
	return hex;
}
