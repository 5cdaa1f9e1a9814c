/*
 * NAME
 *   wirerec - the record codec of the messages that cross the sandbox
 *   boundary (nodewire.h, textwire.h, the zip rebuild)
 *
 * SUMMARY
 *   void mk_wrec_put(GByteArray *b, char tag, const void *p, gsize len);
 *   void mk_wrec_put_str(GByteArray *b, char tag, const char *s);
 *   void mk_wrec_put_i64s(GByteArray *b, char tag, const gint64 *v, gsize n);
 *   void mk_wrec_put_finding(GByteArray *b, char tag, const mk_finding *f);
 *   bool mk_wrec_open(mk_wrec_rd *r, GBytes *b, const char *magic);
 *   int mk_wrec_next(mk_wrec_rd *r, char *tag, const guint8 **val, gsize *vlen);
 *   bool mk_wrec_get_i64s(const guint8 *v, gsize vlen, gint64 *out, gsize n);
 *   char *mk_wrec_get_str(const guint8 *v, gsize vlen);
 *   bool mk_wrec_add_finding(mk_node *n, const guint8 *v, gsize vlen);
 *
 * DESCRIPTION
 *   A message is a 4-byte magic then records: tag (1 byte), length (u32
 *   little endian), value.  Integers are i64 little endian (at most 16 in
 *   one record).  Strings travel without a terminating NUL; a finding is
 *   its name, then a NUL and its detail when it has one.
 *
 *   mk_wrec_open(): checks MAGIC and places R after it.  mk_wrec_next():
 *   1 with the next record, 0 at the end, -1 when a length runs past the
 *   buffer.  mk_wrec_get_str(): a new string, NULL when the value holds a
 *   NUL or is not UTF-8.  mk_wrec_add_finding(): adds the finding to N,
 *   false on an unknown name or a malformed detail.
 *
 * NEVER
 *   Trusts a length: every one is checked against the buffer.
 *
 * OWNERSHIP
 *   R borrows the bytes it reads; returned strings are new (caller frees).
 */
#ifndef MK_WIREREC_H
#define MK_WIREREC_H

#include <glib.h>
#include <stdbool.h>

#include "finding.h"
#include "item.h"

typedef struct mk_wrec_rd {
	const guint8 *p;
	gsize len, off;
} mk_wrec_rd;

void mk_wrec_put(GByteArray *b, char tag, const void *p, gsize len);
void mk_wrec_put_str(GByteArray *b, char tag, const char *s);
void mk_wrec_put_i64s(GByteArray *b, char tag, const gint64 *v, gsize n);
void mk_wrec_put_finding(GByteArray *b, char tag, const mk_finding *f);

bool mk_wrec_open(mk_wrec_rd *r, GBytes *b, const char *magic);
int mk_wrec_next(mk_wrec_rd *r, char *tag, const guint8 **val, gsize *vlen);
bool mk_wrec_get_i64s(const guint8 *v, gsize vlen, gint64 *out, gsize n);
char *mk_wrec_get_str(const guint8 *v, gsize vlen);
bool mk_wrec_add_finding(mk_node *n, const guint8 *v, gsize vlen);

#endif
