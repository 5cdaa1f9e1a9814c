/*
 * NAME
 *   f_clamd_proto - clamd reply and address parsers (see f_clamd.h)
 *
 * DESCRIPTION
 *   Pure functions over one string: the INSTREAM reply ("stream: OK",
 *   "stream: NAME FOUND", "INSTREAM size limit exceeded. ERROR",
 *   "... ERROR"), the VERSION reply ("ClamAV 1.4.6/27000/Wed Jan  1
 *   00:00:00 2026", or "ClamAV 1.4.6" without a daily database) and a pool
 *   member address.
 *
 * NEVER
 *   Reads anything but its arguments; an unknown reply is an error, never
 *   clean.
 */
#include "f_clamd.h"

#include <string.h>
#include <time.h>

/* Copy of REPLY up to its first NUL or newline, trailing blanks removed. */
static char *
reply_line(const char *reply)
{
	char *s = g_strndup(reply, strcspn(reply, "\r\n"));

	return g_strstrip(s);
}

mk_clamd_reply
mk_clamd_parse_reply(const char *reply, char **name, mk_error *err)
{
	char *s = reply_line(reply != NULL ? reply : "");
	const char *body = s;
	const char *colon = strstr(s, ": ");
	mk_clamd_reply r = MK_CLAMD_ERROR;
	size_t len;

	*name = NULL;
	if (colon != NULL)
		body = colon + 2;
	len = strlen(body);
	if (strstr(s, "size limit exceeded") != NULL) {
		r = MK_CLAMD_LIMIT;
	} else if (colon != NULL && strcmp(body, "OK") == 0) {
		r = MK_CLAMD_CLEAN;
	} else if (colon != NULL && g_str_has_suffix(body, " FOUND") && len > 6) {
		*name = g_strndup(body, len - 6);
		g_strstrip(*name);
		if ((*name)[0] == '\0') {
			g_clear_pointer(name, g_free);
			mk_error_set(err, MK_ERR_TEMP, "clamd: FOUND without a name");
		} else {
			r = MK_CLAMD_FOUND;
		}
	} else if (g_str_has_suffix(s, " ERROR")) {
		mk_error_set(err, MK_ERR_TEMP, "clamd: %.200s", s);
	} else {
		mk_error_set(err, MK_ERR_TEMP, "clamd: unexpected reply \"%.80s\"",
		             s);
	}
	g_free(s);
	return r;
}

/* ctime(3) text as clamd prints it (local time) to epoch seconds. */
static gint64
parse_ctime(const char *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(t, "%a %b %d %H:%M:%S %Y", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	return (gint64)mktime(&tm);
}

int
mk_clamd_parse_version(const char *reply, gint64 *dbver, gint64 *dbtime,
                       mk_error *err)
{
	char *s = reply_line(reply != NULL ? reply : "");
	char **f = NULL;
	int rc = MK_ERR_TEMP;
	guint64 v = 0;

	*dbver = 0;
	*dbtime = 0;
	if (!g_str_has_prefix(s, "ClamAV ")) {
		mk_error_set(err, MK_ERR_TEMP, "clamd: not a VERSION reply \"%.80s\"",
		             s);
		goto out;
	}
	f = g_strsplit(s, "/", 3);
	if (f[1] == NULL) {          /* no daily database loaded */
		rc = 0;
		goto out;
	}
	if (f[2] == NULL || !g_ascii_string_to_unsigned(f[1], 10, 1,
	    G_MAXINT64, &v, NULL) || (*dbtime = parse_ctime(f[2])) <= 0) {
		*dbtime = 0;
		mk_error_set(err, MK_ERR_TEMP, "clamd: bad VERSION reply \"%.80s\"",
		             s);
		goto out;
	}
	*dbver = (gint64)v;
	rc = 0;
out:
	g_strfreev(f);
	g_free(s);
	return rc;
}

int
mk_clamd_parse_socket(const char *spec, char **host, char **port,
                      mk_error *err)
{
	const char *colon;

	*host = NULL;
	*port = NULL;
	if (g_str_has_prefix(spec, "unix:/") && spec[6] != '\0') {
		*host = g_strdup(spec + 5);
		return 0;
	}
	if (g_str_has_prefix(spec, "tcp:") &&
	    (colon = strrchr(spec + 4, ':')) != NULL && colon > spec + 4) {
		guint64 p;

		if (g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &p, NULL)) {
			const char *h = spec + 4;
			gsize hl = (gsize)(colon - h);

			if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
				h++;          /* tcp:[::1]:3310 */
				hl -= 2;
			}
			*host = g_strndup(h, hl);
			*port = g_strdup(colon + 1);
			return 0;
		}
	}
	mk_error_set(err, MK_ERR_CONFIG, "clamav.clamd_sockets: bad member "
	             "\"%.80s\" (unix:/PATH or tcp:HOST:PORT)", spec);
	return MK_ERR_CONFIG;
}
