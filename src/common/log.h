/*
 * NAME
 *   log - single-line, escaped, length-capped log records
 *
 * SUMMARY
 *   mk_log_open(const char *ident, const char *level, const char *target);
 *   mk_log(MK_LOG_INFO, item_id, "fmt", ...);
 *
 * DESCRIPTION
 *   Each record is one line: "TIMESTAMP IDENT[PID]: LEVEL: [ITEM] message".
 *   Control characters and non-printable bytes in the message are escaped
 *   (\n, \xNN); the line is cut at MK_LOG_LINE_MAX.  Target "" is stderr,
 *   "syslog" is syslog(3), anything else a file opened for append.
 *   mk_log_open() returns -1 with errno set when that file cannot be
 *   opened (records then go to stderr until the caller stops: a daemon
 *   must treat it as a startup error, see mk_daemon_main()).
 *   Timestamps are UTC ISO 8601 with milliseconds.  Thread safe.
 */
#ifndef MK_LOG_H
#define MK_LOG_H

typedef enum { MK_LOG_ERROR = 0, MK_LOG_WARNING, MK_LOG_INFO, MK_LOG_DEBUG } mk_log_level;

int mk_log_open(const char *ident, const char *level, const char *target);
void mk_log(mk_log_level lvl, const char *item, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mk_log_close(void);
/* Escape S for a log field: controls -> \xNN, quotes kept, cut at MAX bytes.
 * Returns a new string (caller frees). */
char *mk_log_escape(const char *s, int max);

#endif
