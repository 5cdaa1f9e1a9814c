/*
 * NAME
 *   smtp - a minimal SMTP client for re-injecting released originals
 *   (mk_smtp_send, release.h)
 *
 * DESCRIPTION
 *   One connection to HOST:PORT (release.smtp_relay), EHLO, MAIL FROM,
 *   RCPT TO per recipient, DATA with lines normalised to CRLF and
 *   dot-stuffed, QUIT.  Every read and write has the release.timeout_s
 *   timeout (SO_RCVTIMEO/SO_SNDTIMEO).  No TLS and no AUTH: the relay is
 *   the local MTA on a trusted network (loopback in tests).
 *
 * NEVER
 *   Never sends an address containing CR, LF, '<' or '>'; never accepts a
 *   reply other than 2xx (3xx after DATA).
 *
 * FAILURE
 *   Connection, timeout or a refusal by the relay: MK_ERR_TEMP with the
 *   relay's reply line.  A malformed relay or address: MK_ERR_USAGE.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "release.h"

#define REPLY_MAX 1024

typedef struct conn {
	int fd;
	char buf[REPLY_MAX];
	gsize have;
} conn;

static int
connect_relay(const char *relay, gint64 timeout_s, mk_error *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct timeval tv = { .tv_sec = timeout_s };
	const char *colon = strrchr(relay, ':');
	char *host;
	int fd = -1;

	if (colon == NULL || colon == relay || colon[1] == '\0') {
		mk_error_set(err, MK_ERR_USAGE, "release.smtp_relay \"%s\" is not HOST:PORT", relay);
		return -1;
	}
	host = g_strndup(relay, (gsize)(colon - relay));
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0 || res == NULL) {
		mk_error_set(err, MK_ERR_TEMP, "relay %s: cannot resolve", relay);
		goto out;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		mk_error_set(err, MK_ERR_TEMP, "relay %s: %s", relay, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (res != NULL)
		freeaddrinfo(res);
	g_free(host);
	return fd;
}

static int
send_all(conn *c, const char *p, gsize len, mk_error *err)
{
	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error_set(err, MK_ERR_TEMP, "relay: send: %s", g_strerror(errno));
			return MK_ERR_TEMP;
		}
		p += n;
		len -= (gsize)n;
	}
	return 0;
}

/* Read one reply (all continuation lines); code in *code. */
static int
read_reply(conn *c, int *code, mk_error *err)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->have);
		ssize_t n;

		if (nl != NULL) {
			gsize line = (gsize)(nl - c->buf) + 1;
			bool last = line < 4 || c->buf[3] != '-';

			*code = line >= 3 ? atoi(c->buf) : 0;
			if (last) {
				c->buf[line - 1] = '\0';
				g_strchomp(c->buf);
				mk_error_set(err, MK_ERR_TEMP, "relay said: %.200s", c->buf);
			}
			memmove(c->buf, c->buf + line, c->have - line);
			c->have -= line;
			if (last)
				return 0;
			continue;
		}
		if (c->have >= sizeof c->buf - 1) {
			mk_error_set(err, MK_ERR_TEMP, "relay: reply line too long");
			return MK_ERR_TEMP;
		}
		n = recv(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have, 0);
		if (n <= 0) {
			mk_error_set(err, MK_ERR_TEMP, "relay: %s", n == 0 ? "connection closed"
			             : g_strerror(errno));
			return MK_ERR_TEMP;
		}
		c->have += (gsize)n;
	}
}

/* Send CMD (may be NULL: just read) and expect a reply of class WANT. */
static int
command(conn *c, const char *cmd, int want, mk_error *err)
{
	int code = 0, rc;

	if (cmd != NULL && (rc = send_all(c, cmd, strlen(cmd), err)) != 0)
		return rc;
	if ((rc = read_reply(c, &code, err)) != 0)
		return rc;
	return code / 100 == want ? 0 : MK_ERR_TEMP;
}

static bool
safe_addr(const char *a)
{
	return strpbrk(a, "\r\n<> ") == NULL && strlen(a) < 256;
}

/* DATA body: CRLF line ends, leading dots doubled, terminating dot. */
static GString *
stuffed(GBytes *data)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(data, &len);
	GString *g = g_string_sized_new(len + len / 32 + 8);
	bool bol = true;

	for (gsize i = 0; i < len; i++) {
		if (bol && p[i] == '.')
			g_string_append_c(g, '.');
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			g_string_append_c(g, '\r');
		g_string_append_c(g, p[i]);
		bol = p[i] == '\n';
	}
	g_string_append(g, bol ? ".\r\n" : "\r\n.\r\n");
	return g;
}

static int
transaction(conn *c, const char *helo, const char *from, char *const *rcpts,
            GBytes *data, mk_error *err)
{
	char line[600];
	GString *body;
	int rc, ok = 0;

	g_snprintf(line, sizeof line, "EHLO %s\r\n", helo);
	if ((rc = command(c, NULL, 2, err)) != 0 || (rc = command(c, line, 2, err)) != 0)
		return rc;
	g_snprintf(line, sizeof line, "MAIL FROM:<%s>\r\n", from);
	if ((rc = command(c, line, 2, err)) != 0)
		return rc;
	for (char *const *r = rcpts; *r; r++) {
		if (**r == '\0')
			continue;
		g_snprintf(line, sizeof line, "RCPT TO:<%s>\r\n", *r);
		if ((rc = command(c, line, 2, err)) != 0)
			return rc;
		ok++;
	}
	if (ok == 0) {
		mk_error_set(err, MK_ERR_USAGE, "release: the item has no recipients");
		return MK_ERR_USAGE;
	}
	if ((rc = command(c, "DATA\r\n", 3, err)) != 0)
		return rc;
	body = stuffed(data);
	rc = send_all(c, body->str, body->len, err);
	g_string_free(body, TRUE);
	if (rc == 0)
		rc = command(c, NULL, 2, err);
	if (rc == 0)
		(void)command(c, "QUIT\r\n", 2, NULL);
	return rc;
}

int
mk_smtp_send(const char *relay, const char *helo, const char *from,
             char *const *rcpts, GBytes *data, gint64 timeout_s, mk_error *err)
{
	conn c = { .fd = -1 };
	int rc;

	if (!safe_addr(from) || !safe_addr(helo) || *helo == '\0') {
		mk_error_set(err, MK_ERR_USAGE, "release: unusable sender or helo name");
		return MK_ERR_USAGE;
	}
	for (char *const *r = rcpts; *r; r++)
		if (!safe_addr(*r)) {
			mk_error_set(err, MK_ERR_USAGE, "release: unusable recipient address");
			return MK_ERR_USAGE;
		}
	if ((c.fd = connect_relay(relay, timeout_s, err)) < 0)
		return err != NULL && err->code == MK_ERR_USAGE ? MK_ERR_USAGE : MK_ERR_TEMP;
	rc = transaction(&c, helo, from, rcpts, data, err);
	if (rc == 0)
		mk_error_clear(err);
	close(c.fd);
	return rc;
}
