/*
 * NAME
 *   f_rtf - RTF content disarm: rebuild the document from our own tokens
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_rtf;     name "rtf"
 *   int mk_rtf_rebuild(const char *buf, gsize len, gsize max_out,
 *                      gsize max_depth, const mk_wopts *img,
 *                      GString **out, GPtrArray *notes, mk_error *err);
 *
 * DESCRIPTION
 *   A bounded tokenizer (groups, control words, control symbols, \binN,
 *   text) re-emits the document token by token into a new buffer.  Dropped
 *   with everything inside their group: \object and every \obj* word
 *   (\objdata, \objocx, \objclass ...), \*\template, \*\datastore, and every
 *   ignorable destination (\*\word) that is not on the known-harmless list
 *   (themedata, htmltag, shpinst, unknown ones ...).  A \fldinst is
 *   dropped, its \fldrslt (the cached result) staying, unless its
 *   instruction (text of the whole group, \'hh decoded) starts with a
 *   field type on the harmless list (PAGE, DATE, TOC, REF, SEQ, document
 *   properties ...: the list of f_ooxml.c) and holds no nested \field (a
 *   QUOTE spelling DDEAUTO); so DDE*, INCLUDE*, IMPORT, LINK, HYPERLINK,
 *   QUOTE, MACROBUTTON ... all go.  A \pict group is written anew from
 *   its data (hex or \binN): PNG, JPEG and DIB are decoded and encoded
 *   again by the image filter (with IMG's limits; IMG NULL drops them) and
 *   come out as \pngblip or \jpegblip, EMF/WMF are rebuilt from their
 *   records without comments and escapes (f_image_meta.h), a PICT v1/v2
 *   keeps its data on its header's word; only the size, scale and crop
 *   words go along, the data as hex.  What cannot be rebuilt (no or two
 *   kinds, a picture in a picture, non-hex text, \wbitmap, \pmmetafile,
 *   data that is not the image declared) drops the group.  A dangerous word anywhere in a
 *   group drops that whole group, even after other tokens; in the root
 *   group it fails the document.  Bytes after the closing brace are
 *   dropped.  Notes say what was removed ("dropped 2 \objdata group(s)").
 *
 *   Rejected (MK_ERR_DATA): no leading "{\rtf", unbalanced braces, control
 *   words longer than 32 letters or parameters over 10 digits, \binN past
 *   the end.  MK_ERR_LIMIT when groups nest deeper than max_depth
 *   (rtf.max_depth) or the output would exceed max_out.  The worker entry
 *   fails with MK_ERR_CONFIG when either option is unset (0).
 *
 *   Never touches the filesystem; works on memory only.
 *
 * OWNERSHIP
 *   *out is new (caller frees with g_string_free); notes get new strings.
 */
#ifndef MK_F_RTF_H
#define MK_F_RTF_H

#include <glib.h>

#include "mk_error.h"
#include "worker/wfilter.h"

extern const mk_wfilter mk_wfilter_rtf;

int mk_rtf_rebuild(const char *buf, gsize len, gsize max_out, gsize max_depth,
                   const mk_wopts *img, GString **out, GPtrArray *notes,
                   mk_error *err);

#endif
