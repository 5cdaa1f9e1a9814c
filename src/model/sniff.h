/*
 * NAME
 *   sniff - true type of content by libmagic, never by name
 *
 * SUMMARY
 *   mk_sniffer *mk_sniffer_thread(mk_error *err);
 *   int mk_sniff(mk_sniffer *s, const void *buf, size_t len,
 *                char **mime, char **desc, mk_error *err);
 *
 * DESCRIPTION
 *   libmagic handles are not thread safe; mk_sniffer_thread() returns the
 *   calling thread's handle (created on first use, freed at thread exit).
 *   mk_sniff() sets *mime to the lower-case MIME type without parameters
 *   ("application/octet-stream" when unknown) and *desc to the one-line
 *   description.  Zip containers stay libmagic's answer: their refinement
 *   (OOXML, ODF, JAR, APK, XPS) reads the archive and runs in the worker
 *   (zipsniff.h).
 *   Empty input is "application/x-empty".  A type that a lenient reader
 *   finds in the same bytes (a PDF header after junk, sniffed HTML, a zip
 *   found from its end, RTF after junk) replaces libmagic's answer when it
 *   is more dangerous (sniff_poly.c); *desc keeps libmagic's description
 *   and names the other reading.
 *
 * OWNERSHIP
 *   *mime and *desc are new strings, caller frees.
 */
#ifndef MK_SNIFF_H
#define MK_SNIFF_H

#include <stddef.h>
#include <stdbool.h>
#include <glib.h>

#include "ctx.h"
#include "mk_error.h"

mk_sniffer *mk_sniffer_new(mk_error *err);
void mk_sniffer_free(mk_sniffer **s);
mk_sniffer *mk_sniffer_thread(mk_error *err);   /* borrowed */

int mk_sniff(mk_sniffer *s, const void *buf, size_t len,
             char **mime, char **desc, mk_error *err);

/* sniff_poly.c: the most dangerous type a lenient reader (PDF reader,
 * browser, Word, unzip) finds in BUF, or NULL; WHY gets the reason.
 * mk_sniff_rank(): 3 executable, 2 active document or archive, 1 any
 * other type (text, image, unknown), 0 none.  mk_sniff_zip_from_end():
 * bytes before a zip found from its end-of-central-directory record, or
 * -1 when there is none. */
const char *mk_sniff_polyglot(const void *buf, size_t len, char *why,
                              size_t why_len);
int mk_sniff_rank(const char *type);
gssize mk_sniff_zip_from_end(const void *buf, size_t len);

/* True if the type carries no information (octet-stream, x-empty ...). */
bool mk_sniff_is_unknown(const char *mime);

#endif
