/*
 * NAME
 *   wselftest - worker filters that break the sandbox rules on purpose
 *
 * SUMMARY
 *   const mk_wfilter *mk_wselftest_find(const char *name);
 *
 * DESCRIPTION
 *   Compiled into mukaika-worker only when the test suite is built
 *   (MK_WORKER_SELFTEST).  Names: selftest-echo (copies the input, type
 *   application/octet-stream, note "echo"), selftest-fds (ok when no
 *   descriptor above 5 is open), selftest-socket, selftest-connect,
 *   selftest-write (opens /tmp/... for writing), selftest-exec,
 *   selftest-fork, selftest-memory (allocates and touches until it fails),
 *   selftest-loop (spins forever), selftest-crash (NULL write),
 *   selftest-output (writes more than max_output itself),
 *   selftest-exemem (asks for an executable mapping).
 *   Each one that gets past the sandbox reports "fail escaped: ...", so a
 *   test can tell a confined failure from an escape.
 */
#ifndef MK_WSELFTEST_H
#define MK_WSELFTEST_H

#include "wfilter.h"

const mk_wfilter *mk_wselftest_find(const char *name);

#endif
