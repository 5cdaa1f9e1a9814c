/*
 * NAME
 *   log - single-line, escaped, length-capped log records (see log.h)
 *
 * OWNS
 *   the log target (stderr, syslog or one FILE*), guarded by a mutex.
 */
#include "log.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "mk_limits.h"

static GMutex lock;
static FILE *out;            /* NULL = stderr */
static int use_syslog;
static mk_log_level max_level = MK_LOG_INFO;
static char ident_buf[64] = "mukaika";

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
mk_log_open(const char *ident, const char *level, const char *target)
{
	g_mutex_lock(&lock);
	if (ident != NULL)
		g_strlcpy(ident_buf, ident, sizeof ident_buf);
	for (int i = 0; level != NULL && i < 4; i++)
		if (strcmp(level, level_names[i]) == 0)
			max_level = (mk_log_level)i;
	if (out != NULL)
		fclose(out);
	out = NULL;
	use_syslog = 0;
	if (target != NULL && strcmp(target, "syslog") == 0) {
		openlog(ident_buf, LOG_PID, LOG_MAIL);
		use_syslog = 1;
	} else if (target != NULL && target[0] != '\0') {
		out = fopen(target, "ae");
		if (out == NULL) {   /* the caller reports it: no silent fallback */
			int e = errno;

			g_mutex_unlock(&lock);
			errno = e;
			return -1;
		}
		setvbuf(out, NULL, _IOLBF, 0);
	}
	g_mutex_unlock(&lock);
	return 0;
}

char *
mk_log_escape(const char *s, int max)
{
	GString *g = g_string_new(NULL);

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((int)g->len >= max) {
			g_string_append(g, "...");
			break;
		}
		if (*p == '\\')
			g_string_append(g, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			g_string_append_printf(g, "\\x%02x", *p);
		else
			g_string_append_c(g, (char)*p);
	}
	return g_string_free(g, FALSE);
}

void
mk_log(mk_log_level lvl, const char *item, const char *fmt, ...)
{
	char msg[MK_LOG_LINE_MAX];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	g_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *esc = mk_log_escape(msg, MK_LOG_LINE_MAX - 128);

	g_mutex_lock(&lock);
	if (use_syslog) {
		static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
		syslog(prio[lvl], "%s: %s%s%s%s", level_names[lvl],
		       item ? "[" : "", item ? item : "", item ? "] " : "", esc);
	} else {
		GDateTime *now = g_date_time_new_now_utc();
		char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ");
		/* %f gives microseconds; keep milliseconds */
		char *dot = strrchr(ts, '.');
		if (dot != NULL && strlen(dot) > 5) {
			dot[4] = 'Z';
			dot[5] = '\0';
		}
		fprintf(out ? out : stderr, "%s %s[%d]: %s: %s%s%s%s\n", ts, ident_buf,
		        (int)getpid(), level_names[lvl], item ? "[" : "",
		        item ? item : "", item ? "] " : "", esc);
		g_free(ts);
		g_date_time_unref(now);
	}
	g_mutex_unlock(&lock);
	g_free(esc);
}

void
mk_log_close(void)
{
	g_mutex_lock(&lock);
	if (out != NULL)
		fclose(out);
	out = NULL;
	if (use_syslog)
		closelog();
	use_syslog = 0;
	g_mutex_unlock(&lock);
}
