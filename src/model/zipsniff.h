/*
 * NAME
 *   zipsniff - refine a zip's true type from its members (worker side)
 *
 * SUMMARY
 *   char *mk_zip_refine(const void *buf, size_t len);
 *
 * DESCRIPTION
 *   For BUF starting with a zip local header (else NULL): the OOXML (docx/xlsx/pptx and
 *   macro-enabled variants), XPS, ODF/EPUB, JAR or APK type, or NULL to keep
 *   libmagic's answer.  Reads the archive: called in mukaika-worker only.
 *
 * OWNERSHIP
 *   The result is new (caller frees).
 */
#ifndef MK_ZIPSNIFF_H
#define MK_ZIPSNIFF_H

#include <stddef.h>

char *mk_zip_refine(const void *buf, size_t len);

#endif
