/*
 * NAME
 *   zipsniff - refine a zip's true type from its members (worker side)
 *
 * SUMMARY
 *   char *mk_zip_refine(const void *buf, size_t len);
 *   char *mk_zip_refine_type(const void *buf, size_t len,
 *                            const char *true_type);
 *
 * DESCRIPTION
 *   For BUF starting with a zip local header (else NULL): the OOXML (docx/xlsx/pptx and
 *   macro-enabled variants), XPS, ODF/EPUB, JAR or APK type, or NULL to keep
 *   libmagic's answer.  Reads the archive: called in mukaika-worker only.
 *
 *   mk_zip_refine_type(): what the worker's unpack run does with a leaf of
 *   TRUE_TYPE: a zip at the start is refined; so is a zip behind junk,
 *   found from its end (sniff_poly.c), when the engine's polyglot sniffing
 *   made the type application/zip.
 *
 * OWNERSHIP
 *   The result is new (caller frees).
 */
#ifndef MK_ZIPSNIFF_H
#define MK_ZIPSNIFF_H

#include <stddef.h>

char *mk_zip_refine(const void *buf, size_t len);
char *mk_zip_refine_type(const void *buf, size_t len, const char *true_type);

#endif
