/*
 * NAME
 *   util - small filesystem and hashing helpers
 *
 * SUMMARY
 *   int mk_write_atomic(const char *path, const void *buf, gsize len,
 *                       int mode, mk_error *err);
 *   GBytes *mk_read_file(const char *path, gint64 max, mk_error *err);
 *   void mk_sha256_hex(const void *buf, gsize len, char out[65]);
 *   char *mk_new_id(void);
 *
 * DESCRIPTION
 *   mk_write_atomic() writes PATH.tmp.RANDOM in the same directory, fsyncs,
 *   renames over PATH and fsyncs the directory: readers see the old file or
 *   the whole new one, never a part.  A PATH that is a character device
 *   or a pipe (/dev/null, /dev/stdout) is written in place; one that is
 *   any other non-regular file (a directory, a socket) is refused
 *   (MK_ERR_IO), never renamed over.  mk_read_file() refuses files over MAX
 *   bytes with MK_ERR_LIMIT (MAX <= 0: no bound).  mk_new_id() returns a
 *   new time-ordered id "YYYYMMDD-HHMMSS-xxxxxxxx" (UTC, 32 random bits).
 *
 * OWNERSHIP
 *   Returned strings and bytes are new (caller frees/unrefs).
 */
#ifndef MK_UTIL_H
#define MK_UTIL_H

#include <glib.h>

#include "mk_error.h"

int mk_write_atomic(const char *path, const void *buf, gsize len, int mode,
                    mk_error *err);
/* All of BUF to FD (EINTR retried); 0, or -1 with errno set. */
int mk_write_all(int fd, const void *buf, gsize len);
GBytes *mk_read_file(const char *path, gint64 max, mk_error *err);
GBytes *mk_read_fd(int fd, gint64 max, mk_error *err);
void mk_sha256_hex(const void *buf, gsize len, char out[65]);
char *mk_new_id(void);
int mk_mkdir_p(const char *path, int mode, mk_error *err);
int mk_fsync_dir(const char *dir, mk_error *err);

#endif
