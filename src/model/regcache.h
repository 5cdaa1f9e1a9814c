/*
 * NAME
 *   regcache - compile each POSIX regex once per process (for libmagic)
 *
 * SUMMARY
 *   void mk_regcache_init(void);
 *   void mk_regcache_stats(size_t *hits, size_t *compiled);
 *
 * DESCRIPTION
 *   libmagic 5.44 (Debian bookworm) calls regcomp()/regexec()/regfree() for
 *   every "regex" test of its database on every buffer, and for the "%s"
 *   check of every description it prints.  On a text file that is most of
 *   the cost of sniffing: about 1 ms of compiling the same few hundred
 *   patterns again, per file.
 *
 *   This module defines regcomp() and regfree() in the executable, so the
 *   dynamic linker binds libmagic's (and anybody else's) calls here, ahead
 *   of libc.  regcomp() looks the pattern up by (flags, locale codeset,
 *   pattern); a hit copies the cached regex_t into the caller's, a miss
 *   compiles with libc's regcomp() and keeps a copy.  regfree() frees only
 *   programs the cache does not own.  A compiled glibc program is read-only
 *   after compilation and regexec() takes its lock, so sharing it between
 *   callers and threads is what glibc already allows for one regex_t.
 *
 *   mk_regcache_init() resolves libc's functions (also done on first use)
 *   and makes sure this object is linked into every program that sniffs.
 *   mk_regcache_stats() reports hits and programs compiled (for tests).
 *
 * LIMITS
 *   At most MK_REGCACHE_MAX programs, patterns up to MK_REGCACHE_PAT_MAX
 *   bytes; beyond that regcomp() and regfree() are libc's, unchanged.
 *   Cached programs live until the process ends.
 *
 * FAILURE
 *   If libc's functions cannot be resolved, regcomp() returns REG_ESPACE
 *   (the caller's match fails; libmagic then reports an error, which the
 *   sniffer turns into MK_ERR_SOFTWARE, never a guessed type).
 */
#ifndef MK_REGCACHE_H
#define MK_REGCACHE_H

#include <stddef.h>

#define MK_REGCACHE_MAX     4096
#define MK_REGCACHE_PAT_MAX 4096

void mk_regcache_init(void);
void mk_regcache_stats(size_t *hits, size_t *compiled);

#endif
