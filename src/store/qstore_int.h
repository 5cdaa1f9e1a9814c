/*
 * NAME
 *   qstore_int.h - internals shared by qstore.c and qsearch.c (not public)
 */
#ifndef MK_QSTORE_INT_H
#define MK_QSTORE_INT_H

#include <sqlite3.h>

#include "qstore.h"

#define QSTORE_ITEM_COLS "id, channel, sender, recipients, subject, verdict, " \
	"findings, report, sha256, size, received, expires, status"

bool qstore_valid_sha256(const char *s);
/* DIR/objects/ab/cdef...; *sub (may be NULL) gets DIR/objects/ab.  Caller frees. */
char *qstore_object_path(mk_qstore *q, const char *sha, char **sub);
/* A row selected with QSTORE_ITEM_COLS; NULL + err on a bad verdict. */
mk_qrecord *qstore_row_record(sqlite3_stmt *st, mk_error *err);
void qstore_record_free_func(gpointer p);

#endif
