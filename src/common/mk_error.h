/*
 * NAME
 *   mk_error - caller-owned error record
 *
 * SUMMARY
 *   Every fallible function takes an `mk_error *` (may be NULL) and fills it on
 *   failure; there is no global error state.  Codes say what the caller should do
 *   with the failure, the message says why (one line, no trailing newline).
 *
 * OWNERSHIP
 *   The record is a plain value owned by the caller; nothing to free.
 */
#ifndef MK_ERROR_H
#define MK_ERROR_H

#include <stdarg.h>

typedef enum {
	MK_OK = 0,
	MK_ERR_USAGE = -64,   /* bad invocation */
	MK_ERR_DATA = -65,    /* input cannot be parsed */
	MK_ERR_NOINPUT = -66, /* input file missing/unreadable */
	MK_ERR_SOFTWARE = -70,/* internal error */
	MK_ERR_OS = -71,      /* system call failed */
	MK_ERR_IO = -74,      /* read/write failure */
	MK_ERR_TEMP = -75,    /* try again later (scanner, store, disk) */
	MK_ERR_CONFIG = -78,  /* configuration error */
	MK_ERR_LIMIT = -80,   /* a configured limit was hit */
} mk_errcode;

typedef struct mk_error {
	int code;
	char msg[512];
} mk_error;

void mk_error_set(mk_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mk_error_clear(mk_error *err);
/* Prefix the existing message: "what: old message". */
void mk_error_prefix(mk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
