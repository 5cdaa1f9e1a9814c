/*
 * NAME
 *   audit_chain - audit key, HMAC and checkpoint (see audit_chain.h)
 *
 * NEVER
 *   Never logs or prints the key; never moves the checkpoint backwards.
 */
#include "audit_chain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define KEY_HEX (MK_AUDIT_KEY_BYTES * 2)
#define CKPT_MAX 128

/* A file root creates belongs to the owner and group of its directory
 * (the state directory's: the daemons' user, the CLI group). */
static void
give_to_dir_owner(int fd, const char *path)
{
	char *dir = g_path_get_dirname(path);
	struct stat dst;

	if (geteuid() == 0 && stat(dir, &dst) == 0)
		(void)!fchown(fd, dst.st_uid, dst.st_gid);
	g_free(dir);
}

static int
key_fail(mk_error *err, const char *path, const char *what)
{
	mk_error_set(err, MK_ERR_TEMP, "audit key %s: %s", path, what);
	return MK_ERR_TEMP;
}

static int
key_parse(const char *path, const char *text, gsize len, guint8 *key, mk_error *err)
{
	if (len < KEY_HEX || (len > KEY_HEX && text[KEY_HEX] != '\n'))
		return key_fail(err, path, "not 64 hex digits");
	for (int i = 0; i < MK_AUDIT_KEY_BYTES; i++) {
		int hi = g_ascii_xdigit_value(text[2 * i]);
		int lo = g_ascii_xdigit_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return key_fail(err, path, "not 64 hex digits");
		key[i] = (guint8)(hi << 4 | lo);
	}
	return 0;
}

static int
key_read(const char *path, guint8 *key, mk_error *err)
{
	char buf[KEY_HEX + 2];
	struct stat st;
	ssize_t n;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? MK_ERR_NOINPUT : key_fail(err, path, g_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		rc = key_fail(err, path, "not a regular file");
	else if (st.st_mode & S_IRWXO)
		rc = key_fail(err, path, "readable by others (chmod 0640)");
	else if ((n = read(fd, buf, sizeof buf)) < 0)
		rc = key_fail(err, path, g_strerror(errno));
	else
		rc = key_parse(path, buf, (gsize)n, key, err);
	close(fd);
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/* A new random key, written beside PATH and linked in place (two first
 * starts at once: the second one reads the first one's key). */
static int
key_create(const char *path, mk_error *err)
{
	guint8 raw[MK_AUDIT_KEY_BYTES];
	char hex[KEY_HEX + 2], *dir = g_path_get_dirname(path);
	char *tmp = g_strdup_printf("%s.new-%08x", path, g_random_int());
	int fd = -1, rc = MK_ERR_TEMP;

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		key_fail(err, path, "no random bytes");
		goto out;
	}
	for (int i = 0; i < MK_AUDIT_KEY_BYTES; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[KEY_HEX] = '\n';
	if (g_mkdir_with_parents(dir, 0750) < 0 ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0 ||
	    fchmod(fd, 0640) < 0 || write(fd, hex, KEY_HEX + 1) != KEY_HEX + 1 ||
	    fsync(fd) < 0) {
		key_fail(err, path, g_strerror(errno));
		goto out;
	}
	give_to_dir_owner(fd, path);
	if (link(tmp, path) < 0 && errno != EEXIST) {
		key_fail(err, path, g_strerror(errno));
		goto out;
	}
	rc = 0;
	mk_log(MK_LOG_INFO, NULL, "audit key created: %s", path);
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	explicit_bzero(raw, sizeof raw);
	explicit_bzero(hex, sizeof hex);
	g_free(tmp);
	g_free(dir);
	return rc;
}

int
mk_audit_key_load(const mk_config *cfg, guint8 key[MK_AUDIT_KEY_BYTES], mk_error *err)
{
	char *path = mk_config_state_path(cfg, cfg->audit.key_file, "audit.key");
	int rc = key_read(path, key, err);

	if (rc == MK_ERR_NOINPUT && (rc = key_create(path, err)) == 0)
		rc = key_read(path, key, err);
	if (rc == MK_ERR_NOINPUT)
		rc = key_fail(err, path, "missing");
	g_free(path);
	return rc;
}

void
mk_audit_mac(const guint8 key[MK_AUDIT_KEY_BYTES], const char *prev, gint64 id,
             gint64 ts, const char *const f[6], char out[65])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, MK_AUDIT_KEY_BYTES);
	char num[48];

	g_hmac_update(h, (const guchar *)prev, (gssize)strlen(prev));
	g_snprintf(num, sizeof num, "\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT, id, ts);
	g_hmac_update(h, (const guchar *)num, (gssize)strlen(num));
	for (int i = 0; i < 6; i++) {
		g_hmac_update(h, (const guchar *)"\x1f", 1);
		if (f[i] != NULL)
			g_hmac_update(h, (const guchar *)f[i], (gssize)strlen(f[i]));
	}
	g_strlcpy(out, g_hmac_get_string(h), 65);
	g_hmac_unref(h);
}

char *
mk_audit_checkpoint_path(const mk_config *cfg)
{
	return mk_config_state_path(cfg, cfg->audit.checkpoint_file, "audit.head");
}

static bool
ckpt_parse(const char *buf, gint64 *id, char mac[65])
{
	char m[65];
	long long v;

	if (sscanf(buf, "%lld %64[0-9a-f]", &v, m) != 2 || strlen(m) != 64 || v < 1)
		return false;
	*id = v;
	g_strlcpy(mac, m, 65);
	return true;
}

void
mk_audit_checkpoint_write(const char *path, gint64 id, const char *mac)
{
	char buf[CKPT_MAX] = "", cur[65];
	gint64 have = 0;
	ssize_t n;
	int fd;

	mk_log(MK_LOG_INFO, NULL, "audit head %" G_GINT64_FORMAT " %s", id, mac);
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0 ||
	    flock(fd, LOCK_EX) < 0) {
		mk_log(MK_LOG_ERROR, NULL, "audit checkpoint %s: %s", path, g_strerror(errno));
		goto out;
	}
	give_to_dir_owner(fd, path);
	if ((n = pread(fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[n] = '\0';
		if (ckpt_parse(buf, &have, cur) && have >= id)
			goto out;              /* never backwards */
	}
	n = g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT " %s\n", id, mac);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n || fsync(fd) < 0)
		mk_log(MK_LOG_ERROR, NULL, "audit checkpoint %s: %s", path, g_strerror(errno));
out:
	if (fd >= 0)
		close(fd);   /* releases the lock */
}

int
mk_audit_checkpoint_read(const char *path, gint64 *id, char mac[65], mk_error *err)
{
	gchar *text = NULL;
	GError *ge = NULL;
	int rc = 0;

	*id = 0;
	if (!g_file_get_contents(path, &text, NULL, &ge)) {
		rc = g_error_matches(ge, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? MK_ERR_NOINPUT
		     : MK_ERR_TEMP;
		mk_error_set(err, rc, "audit checkpoint %s: %s", path, ge->message);
		g_error_free(ge);
		return rc;
	}
	if (!ckpt_parse(text, id, mac)) {
		mk_error_set(err, MK_ERR_DATA, "audit checkpoint %s is malformed", path);
		rc = MK_ERR_DATA;
	}
	g_free(text);
	return rc;
}
