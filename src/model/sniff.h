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
 *   description.  Zip containers are refined by their member names:
 *   OOXML (docx/xlsx/pptx and macro-enabled variants), ODF, JAR, APK, XPS.
 *   Empty input is "application/x-empty".
 *
 * OWNERSHIP
 *   *mime and *desc are new strings, caller frees.
 */
#ifndef MK_SNIFF_H
#define MK_SNIFF_H

#include <stddef.h>
#include <stdbool.h>

#include "ctx.h"
#include "mk_error.h"

mk_sniffer *mk_sniffer_new(mk_error *err);
void mk_sniffer_free(mk_sniffer **s);
mk_sniffer *mk_sniffer_thread(mk_error *err);   /* borrowed */

int mk_sniff(mk_sniffer *s, const void *buf, size_t len,
             char **mime, char **desc, mk_error *err);

/* True if the type carries no information (octet-stream, x-empty ...). */
bool mk_sniff_is_unknown(const char *mime);

#endif
