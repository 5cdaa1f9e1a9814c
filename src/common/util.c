/*
 * NAME
 *   util - small filesystem and hashing helpers (see util.h)
 *
 * FAILURE
 *   Every function reports through mk_error and leaves no temp file behind.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

int
mk_fsync_dir(const char *dir, mk_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		mk_error_set(err, MK_ERR_IO, "%s: %s", dir, g_strerror(errno));
		return MK_ERR_IO;
	}
	if (fsync(fd) < 0 && errno != EINVAL) {
		mk_error_set(err, MK_ERR_IO, "fsync %s: %s", dir, g_strerror(errno));
		close(fd);
		return MK_ERR_IO;
	}
	close(fd);
	return 0;
}

int
mk_write_all(int fd, const void *buf, gsize left)
{
	const char *p = buf;

	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		left -= (gsize)n;
	}
	return 0;
}

/* PATH exists and is a character device or a pipe (/dev/null, /dev/stdout,
 * a FIFO): written in place, there is no file to replace.  Anything else
 * that is not a regular file (a directory, a socket, a block device) is
 * refused: renaming over it would destroy it. */
static int
special_target(const char *path, const void *buf, gsize len, mk_error *err)
{
	struct stat sb;
	int fd, rc = MK_ERR_IO;

	if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode))
		return 1;
	if (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
		mk_error_set(err, MK_ERR_IO, "%s: not a regular file", path);
		return MK_ERR_IO;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || mk_write_all(fd, buf, len) < 0)
		mk_error_set(err, MK_ERR_IO, "write %s: %s", path, g_strerror(errno));
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

int
mk_write_atomic(const char *path, const void *buf, gsize len, int mode,
                mk_error *err)
{
	int special = special_target(path, buf, len, err);

	if (special != 1)
		return special;
	char *dir = g_path_get_dirname(path);
	char *tmp = g_strdup_printf("%s.tmp.%08x", path, g_random_int());
	const char *p = buf;
	gsize left = len;
	int rc = MK_ERR_IO;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0) {
		mk_error_set(err, MK_ERR_IO, "%s: %s", tmp, g_strerror(errno));
		goto out;
	}
	if (mk_write_all(fd, p, left) < 0) {
		mk_error_set(err, MK_ERR_IO, "write %s: %s", tmp, g_strerror(errno));
		goto out;
	}
	if (fsync(fd) < 0) {
		mk_error_set(err, MK_ERR_IO, "fsync %s: %s", tmp, g_strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		mk_error_set(err, MK_ERR_IO, "close %s: %s", tmp, g_strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		mk_error_set(err, MK_ERR_IO, "rename %s: %s", path, g_strerror(errno));
		goto out;
	}
	rc = mk_fsync_dir(dir, err);
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	g_free(tmp);
	g_free(dir);
	return rc;
}

GBytes *
mk_read_fd(int fd, gint64 max, mk_error *err)
{
	GByteArray *a = g_byte_array_new();
	guint8 chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mk_error_set(err, MK_ERR_IO, "read: %s", g_strerror(errno));
			g_byte_array_unref(a);
			return NULL;
		}
		if (n == 0)
			break;
		if (max > 0 && (gint64)a->len + n > max) {
			mk_error_set(err, MK_ERR_LIMIT, "input larger than %" G_GINT64_FORMAT
			             " bytes", max);
			g_byte_array_unref(a);
			return NULL;
		}
		g_byte_array_append(a, chunk, (guint)n);
	}
	return g_byte_array_free_to_bytes(a);
}

GBytes *
mk_read_file(const char *path, gint64 max, mk_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	GBytes *b;

	if (fd < 0) {
		mk_error_set(err, MK_ERR_NOINPUT, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	b = mk_read_fd(fd, max, err);
	if (b == NULL)
		mk_error_prefix(err, "%s", path);
	close(fd);
	return b;
}

/* OpenSSL's SHA-256 (SHA-NI/AVX2 where the CPU has them): GLib's is
 * several times slower, and every node and every quarantined original is
 * hashed.  EVP_Digest cannot fail for SHA-256 short of memory exhaustion;
 * then the hash is GLib's, never a wrong or empty one. */
void
mk_sha256_hex(const void *buf, gsize len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
		GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(c, buf, (gssize)len);
		g_strlcpy(out, g_checksum_get_string(c), 65);
		g_checksum_free(c);
		return;
	}
	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

char *
mk_new_id(void)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *ts = g_date_time_format(now, "%Y%m%d-%H%M%S");
	char *id = g_strdup_printf("%s-%08x", ts, g_random_int());

	g_free(ts);
	g_date_time_unref(now);
	return id;
}

int
mk_mkdir_p(const char *path, int mode, mk_error *err)
{
	if (g_mkdir_with_parents(path, mode) < 0) {
		mk_error_set(err, MK_ERR_IO, "mkdir %s: %s", path, g_strerror(errno));
		return MK_ERR_IO;
	}
	return 0;
}
