/*
 * NAME
 *   f_image_meta - EMF and WMF metafiles rebuilt from their records
 *
 * SUMMARY
 *   int mk_meta_rebuild(const guint8 *p, gsize n, bool emf, GBytes **out,
 *                       guint *dropped, mk_error *err);
 *
 * DESCRIPTION
 *   The record stream is walked from the header to the end-of-file record:
 *   every record of a known type, its size a multiple of 4 (EMF) or at
 *   least 3 words (WMF), the sizes adding up to exactly the file and to the
 *   size the header declares, the EOF record last.  Comment and escape
 *   records (EMR_COMMENT with EMF+ and anything else, EMR_NAMEDESCAPE, WMF
 *   META_ESCAPE) are removed and counted in *dropped; EMF bitmap records
 *   (BITBLT, STRETCHBLT, SETDIBITSTODEVICE, STRETCHDIBITS) must hold a
 *   bitmap header and bits inside the record that agree with each other.
 *   The output is written anew: EMF header of 88 bytes without
 *   description (nBytes, nRecords recomputed), WMF placeable header
 *   (checksum recomputed) and METAHEADER (size, largest record
 *   recomputed), then the kept records.
 *
 *   Pixel and coordinate data of the kept records are copied as they are:
 *   they are inert to the reader, but not checked for what they spell.
 *
 * FAILURE
 *   MK_ERR_DATA for an unknown record, a size that does not add up, a
 *   missing EOF or header: the caller drops the picture.  Memory only.
 *
 * OWNERSHIP
 *   P is borrowed; *out is new (caller unrefs).
 */
#ifndef MK_F_IMAGE_META_H
#define MK_F_IMAGE_META_H

#include <stdbool.h>

#include <glib.h>

#include "mk_error.h"

int mk_meta_rebuild(const guint8 *p, gsize n, bool emf, GBytes **out,
                    guint *dropped, mk_error *err);

#endif
