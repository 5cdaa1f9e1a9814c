/*
 * NAME
 *   f_clamd - clamd pool client (see f_clamd.h)
 *
 * DESCRIPTION
 *   One connection per command (clamd closes after each z-command).
 *   Connect is non-blocking with poll() up to clamd_connect_timeout_ms;
 *   then every send and receive waits at most clamd_io_timeout_ms
 *   (SO_SNDTIMEO / SO_RCVTIMEO).  INSTREAM sends the data in chunks of
 *   MK_CLAMD_CHUNK bytes, each behind its 4-byte big-endian length, then a
 *   zero length.  When clamd stops reading (StreamMaxLength reached) the
 *   send fails; the reply is still read, so the size-limit answer counts.
 *
 *   Members are marked down (atomically) by a failed scan or health check
 *   and up again only by a passing health check (mk_clamd_fresh).  The
 *   round-robin cursor is one atomic counter.
 *
 * OWNS
 *   The member list; one socket per running command, closed on return.
 *
 * FAILURE
 *   Every failure is MK_ERR_TEMP with the member named; no member up is
 *   MK_ERR_TEMP; nothing here ever reports clean without an "OK" reply.
 */
#include "f_clamd.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mk_limits.h"

typedef struct {
	char *spec;          /* as configured, for messages */
	char *host;          /* unix: the path */
	char *port;          /* NULL for unix */
	gint up;             /* atomic: 1 up, 0 down */
} member;

struct mk_clamd {
	GPtrArray *members;  /* member*, owned */
	guint rr;            /* atomic round-robin cursor */
	gint64 connect_ms, io_ms, max_age_h, max_filesize;
	char *desc;
};

static void
member_free(gpointer p)
{
	member *m = p;

	g_free(m->spec);
	g_free(m->host);
	g_free(m->port);
	g_free(m);
}

/* Wait for a non-blocking connect on FD; 0 when connected. */
static int
connect_wait(int fd, gint64 ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t sl = sizeof soerr;

	if (poll(&pfd, 1, (int)ms) != 1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)
		return -1;
	return 0;
}

static int
set_io(int fd, gint64 ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
		return -1;
	return 0;
}

/* Connect FD to ADDR within the connect timeout and set the I/O timeouts. */
static int
try_connect(mk_clamd *c, int fd, const struct sockaddr *addr, socklen_t len)
{
	if (connect(fd, addr, len) != 0 &&
	    (errno != EINPROGRESS || connect_wait(fd, c->connect_ms) != 0))
		return -1;
	return set_io(fd, c->io_ms);
}

static int
open_unix(mk_clamd *c, const member *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(m->host) >= sizeof sa.sun_path)
		return -1;
	g_strlcpy(sa.sun_path, m->host, sizeof sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && try_connect(c, fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
open_tcp(mk_clamd *c, const member *m)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL, *ai;
	int fd = -1;

	if (getaddrinfo(m->host, m->port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		            SOCK_CLOEXEC, ai->ai_protocol);
		if (fd >= 0 && try_connect(c, fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* mk_write_all() with MSG_NOSIGNAL: a clamd that hangs up (StreamMaxLength)
 * must not raise SIGPIPE in the caller. */
static int
send_all(int fd, const void *p, size_t len)
{
	const char *b = p;

	while (len > 0) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one reply (up to NUL, EOF or MK_CLAMD_REPLY_MAX) into BUF. */
static int
read_reply(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size - 1) {
		ssize_t n = recv(fd, buf + got, size - 1 - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(buf, '\0', got) != NULL)
			break;
	}
	buf[got] = '\0';
	return got > 0 ? 0 : -1;
}

/* Send BUF as an INSTREAM body; a failed send is left to the reply. */
static void
send_stream(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	guint32 zero = 0;

	while (len > 0) {
		size_t n = MIN(len, (size_t)MK_CLAMD_CHUNK);
		guint32 be = GUINT32_TO_BE((guint32)n);

		if (send_all(fd, &be, 4) != 0 || send_all(fd, p, n) != 0)
			return;
		p += n;
		len -= n;
	}
	(void)send_all(fd, &zero, 4);
}

/* Run CMD (a z-command, NUL included in CMDLEN) on M, with BUF as the
 * INSTREAM body when CMD is zINSTREAM; the reply in REPLY. */
static int
command(mk_clamd *c, const member *m, const char *cmd, const void *buf,
        size_t len, char *reply, size_t rsize)
{
	int fd = m->port == NULL ? open_unix(c, m) : open_tcp(c, m);
	int rc = -1;

	if (fd < 0)
		return -1;
	if (send_all(fd, cmd, strlen(cmd) + 1) != 0)
		goto out;
	if (buf != NULL)
		send_stream(fd, buf, len);
	rc = read_reply(fd, reply, rsize);
out:
	close(fd);
	return rc;
}

/* The database date check of one VERSION answer; 0 when fresh enough. */
static int
check_age(mk_clamd *c, const member *m, gint64 dbtime, mk_error *err)
{
	gint64 age_s;

	if (c->max_age_h <= 0)
		return 0;
	if (dbtime <= 0) {
		mk_error_set(err, MK_ERR_TEMP, "clamd %s reports no signature "
		             "database date (clamav.max_db_age_hours is set)",
		             m->spec);
		return MK_ERR_TEMP;
	}
	age_s = MAX((gint64)time(NULL) - dbtime, 0);
	if (age_s > c->max_age_h * 3600) {
		mk_error_set(err, MK_ERR_TEMP, "clamd %s: signature database is %"
		             G_GINT64_FORMAT " hours old (clamav.max_db_age_hours "
		             "= %" G_GINT64_FORMAT ")", m->spec, age_s / 3600,
		             c->max_age_h);
		return MK_ERR_TEMP;
	}
	return 0;
}

/* PING and VERSION on M; marks it up or down.  *VERSION gets the VERSION
 * reply when non-NULL and the member is up (caller frees). */
static int
health(mk_clamd *c, member *m, char **version, mk_error *err)
{
	char reply[MK_CLAMD_REPLY_MAX];
	gint64 dbver, dbtime;
	int rc = MK_ERR_TEMP;

	if (command(c, m, "zPING", NULL, 0, reply, sizeof reply) != 0 ||
	    strcmp(reply, "PONG") != 0) {
		mk_error_set(err, MK_ERR_TEMP, "clamd %s does not answer PING",
		             m->spec);
		goto out;
	}
	if (command(c, m, "zVERSION", NULL, 0, reply, sizeof reply) != 0) {
		mk_error_set(err, MK_ERR_TEMP, "clamd %s does not answer VERSION",
		             m->spec);
		goto out;
	}
	if (mk_clamd_parse_version(reply, &dbver, &dbtime, err) != 0 ||
	    check_age(c, m, dbtime, err) != 0)
		goto out;
	if (version != NULL)
		*version = g_strdup(reply);
	rc = 0;
out:
	g_atomic_int_set(&m->up, rc == 0);
	return rc;
}

int
mk_clamd_fresh(mk_clamd *c, mk_error *err)
{
	mk_error last = { 0 };
	guint up = 0;

	for (guint i = 0; i < c->members->len; i++)
		if (health(c, c->members->pdata[i], NULL, &last) == 0)
			up++;
	if (up > 0)
		return 0;
	mk_error_set(err, MK_ERR_TEMP, "no clamd of %u is usable (last: %s)",
	             c->members->len, last.msg);
	return MK_ERR_TEMP;
}

static int
add_members(mk_clamd *c, const char *list, mk_error *err)
{
	char **v = g_strsplit(list != NULL ? list : "", ";", -1);
	int rc = 0;

	for (char **p = v; *p != NULL && rc == 0; p++) {
		member *m;

		g_strstrip(*p);
		if (**p == '\0')
			continue;
		m = g_new0(member, 1);
		m->spec = g_strdup(*p);
		g_ptr_array_add(c->members, m);
		rc = mk_clamd_parse_socket(*p, &m->host, &m->port, err);
	}
	g_strfreev(v);
	if (rc == 0 && c->members->len == 0) {
		mk_error_set(err, MK_ERR_CONFIG, "clamav.backend = clamd but "
		             "clamav.clamd_sockets is empty");
		rc = MK_ERR_CONFIG;
	}
	if (rc == 0 && c->members->len > MK_CLAMD_MAX_SOCKETS) {
		mk_error_set(err, MK_ERR_CONFIG, "clamav.clamd_sockets: more than %d "
		             "members", MK_CLAMD_MAX_SOCKETS);
		rc = MK_ERR_CONFIG;
	}
	return rc;
}

mk_clamd *
mk_clamd_new(const mk_config *cfg, mk_error *err)
{
	mk_clamd *c = g_new0(mk_clamd, 1);
	mk_error last = { 0 };
	char *ver = NULL;
	guint up = 0;

	c->members = g_ptr_array_new_with_free_func(member_free);
	c->connect_ms = cfg->clamav.clamd_connect_timeout_ms;
	c->io_ms = cfg->clamav.clamd_io_timeout_ms;
	c->max_age_h = cfg->clamav.max_db_age_hours;
	c->max_filesize = cfg->clamav.max_filesize;
	if (add_members(c, cfg->clamav.clamd_sockets, err) != 0)
		goto fail;
	for (guint i = 0; i < c->members->len; i++)
		if (health(c, c->members->pdata[i], ver == NULL ? &ver : NULL,
		           &last) == 0)
			up++;
	if (up == 0) {
		mk_error_set(err, MK_ERR_TEMP, "no clamd of %u is usable (last: %s)",
		             c->members->len, last.msg);
		goto fail;
	}
	c->desc = g_strdup_printf("clamd pool, %u of %u up at start, %s", up,
	                          c->members->len, ver);
	g_free(ver);
	return c;
fail:
	g_free(ver);
	mk_clamd_free(&c);
	return NULL;
}

void
mk_clamd_free(mk_clamd **cp)
{
	mk_clamd *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	g_ptr_array_unref(c->members);
	g_free(c->desc);
	g_free(c);
	*cp = NULL;
}

const char *
mk_clamd_describe(const mk_clamd *c)
{
	return c != NULL && c->desc != NULL ? c->desc : "clamd (not connected)";
}

/* The reply of one member turned into the scan result. */
static int
take_reply(const member *m, const char *reply, GPtrArray *hits, mk_error *err)
{
	char *name = NULL;
	mk_error perr = { 0 };

	switch (mk_clamd_parse_reply(reply, &name, &perr)) {
	case MK_CLAMD_CLEAN:
		return 0;
	case MK_CLAMD_FOUND:
		g_ptr_array_add(hits, name);
		return 1;
	case MK_CLAMD_LIMIT:
		g_ptr_array_add(hits, g_strdup(MK_CLAMD_LIMIT_HIT));
		return 1;
	default:
		mk_error_set(err, MK_ERR_TEMP, "%s (clamd %s)", perr.msg, m->spec);
		return MK_ERR_TEMP;
	}
}

int
mk_clamd_scan(mk_clamd *c, const void *buf, size_t len, GPtrArray *hits,
              mk_error *err)
{
	char reply[MK_CLAMD_REPLY_MAX];
	guint n = c->members->len;
	guint start = (guint)g_atomic_int_add((gint *)&c->rr, 1);
	const char *last = "all are down";

	if ((gint64)len > c->max_filesize) {
		g_ptr_array_add(hits, g_strdup(MK_CLAMD_FILESIZE_HIT));
		return 1;
	}
	for (guint i = 0; i < n; i++) {
		member *m = c->members->pdata[(start + i) % n];

		if (!g_atomic_int_get(&m->up))
			continue;
		if (command(c, m, "zINSTREAM", buf != NULL ? buf : "", len, reply,
		            sizeof reply) == 0)
			return take_reply(m, reply, hits, err);
		g_atomic_int_set(&m->up, 0);
		last = m->spec;
	}
	mk_error_set(err, MK_ERR_TEMP, "no clamd of %u answered (last tried: %s)",
	             n, last);
	return MK_ERR_TEMP;
}
