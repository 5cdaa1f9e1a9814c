/*
 * NAME
 *   mfakey - second-factor key file, sealed TOTP keys, CLI code check
 *   (mfakey.h)
 *
 * DESCRIPTION
 *   Shared by mukaika-web (web_mfa.c) and the CLI (cmd_user.c), so that
 *   both read the same key the same way.
 *
 * NEVER
 *   Never writes the key anywhere but a new key file; wipes key copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mfa.h"
#include "mfakey.h"
#include "users.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

bool
mk_mfa_required(const mk_config *cfg, int role)
{
	mk_urole min = mk_urole_parse(cfg->web.mfa_min_role);

	return min == MK_UR_NONE || (int)role >= (int)min;
}

char *
mk_mfa_key_path(const mk_config *cfg)
{
	return *cfg->web.mfa_key_file != '\0' ? g_strdup(cfg->web.mfa_key_file)
	       : g_build_filename(cfg->general.state_dir, "mfa.key", NULL);
}

int
mk_mfa_key_load(const mk_config *cfg, bool create, guint8 *key, mk_error *err)
{
	char *path = mk_mfa_key_path(cfg);
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = MK_ERR_CONFIG;

	if (sodium_init() < 0)
		goto out;
	if (fd < 0 && errno == ENOENT && create &&
	    (fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640)) >= 0) {
		randombytes_buf(key, MK_MFA_KEY_BYTES);
		if (write(fd, key, MK_MFA_KEY_BYTES) != (ssize_t)MK_MFA_KEY_BYTES || fsync(fd) != 0)
			mk_error_set(err, MK_ERR_OS, "%s: cannot write", path);
		else
			rc = 0;
		goto out;
	}
	if (fd < 0) {
		mk_error_set(err, MK_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 0027) != 0) {
		mk_error_set(err, MK_ERR_CONFIG, "%s: not a regular file of mode 0640 or "
		             "stricter", path);
		goto out;
	}
	if (read(fd, key, MK_MFA_KEY_BYTES) != (ssize_t)MK_MFA_KEY_BYTES ||
	    read(fd, &sb, 1) != 0)
		mk_error_set(err, MK_ERR_CONFIG, "%s: not a %d-byte key", path,
		             (int)MK_MFA_KEY_BYTES);
	else
		rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		sodium_memzero(key, MK_MFA_KEY_BYTES);
	g_free(path);
	return rc;
}

bool
mk_mfa_seal(const guint8 *key, const char *user, const guint8 *totp, guint8 *box)
{
	unsigned long long clen = 0;

	randombytes_buf(box, NONCE);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(
		box + NONCE, &clen, totp, MK_TOTP_KEY_LEN, (const guint8 *)user, strlen(user),
		NULL, box, key) == 0;
}

bool
mk_mfa_unseal(const guint8 *key, const char *user, const guint8 *box, gsize len,
              guint8 *totp)
{
	unsigned long long mlen = 0;

	if (len != MK_MFA_BOX_LEN)
		return false;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		totp, &mlen, NULL, box + NONCE, len - NONCE, (const guint8 *)user,
		strlen(user), box, key) == 0 && mlen == MK_TOTP_KEY_LEN;
}

int
mk_mfa_check_code(struct mk_store *s, const mk_config *cfg, const char *user,
                  const char *code, gint64 now, mk_error *err)
{
	guint8 key[MK_MFA_KEY_BYTES], totp[MK_TOTP_KEY_LEN];
	mk_mfa_rec *rec = NULL;
	gint64 step = 0;
	gsize len = 0;
	const guint8 *box;
	int rc;

	if ((rc = mk_mfa_get(s, user, &rec, err)) != 0)
		return rc;
	if (!rec->confirmed) {
		mk_error_set(err, MK_ERR_NOINPUT, "%s has no confirmed second factor: "
		             "enrol it at the first login to mukaika-web", user);
		rc = MK_ERR_NOINPUT;
		goto out;
	}
	if (code != NULL && strlen(code) > MK_TOTP_DIGITS) {     /* a recovery code */
		char *h = mk_recovery_hash(code);

		rc = mk_mfa_use_recovery(s, user, h, err);
		g_free(h);
		goto out;
	}
	if ((rc = mk_mfa_key_load(cfg, false, key, err)) != 0)
		goto out;
	box = g_bytes_get_data(rec->box, &len);
	if (!mk_mfa_unseal(key, user, box, len, totp)) {
		mk_error_set(err, MK_ERR_CONFIG, "the second factor key does not open "
		             "%s's record", user);
		rc = MK_ERR_CONFIG;
	} else if (!mk_totp_verify(totp, sizeof totp, now, code != NULL ? code : "",
	                           rec->last_step, &step)) {
		mk_error_set(err, MK_ERR_USAGE, "wrong or already used second-factor code");
		rc = MK_ERR_USAGE;
	} else {
		rc = mk_mfa_use_step(s, user, step, err);
	}
out:
	sodium_memzero(key, sizeof key);
	sodium_memzero(totp, sizeof totp);
	mk_mfa_rec_free(&rec);
	return rc;
}
