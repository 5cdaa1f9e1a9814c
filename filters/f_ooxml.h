/*
 * NAME
 *   f_ooxml - OOXML (docx/xlsx/pptx, docm/xlsm/pptm ...) content disarm
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_ooxml;     name "ooxml"
 *
 * DESCRIPTION
 *   Reads the zip from memory (libarchive), keeps only parts whose content
 *   type is on an allowlist (WordprocessingML/SpreadsheetML/PresentationML/
 *   DrawingML XML parts, core/app/custom properties, raster and metafile
 *   images) and whose path is not one of vbaProject*, vbaData, activeX/,
 *   embeddings/, customUI, macrosheets/, externalLinks/, webextensions/,
 *   queryTables/, connections.xml or a *.bin part (nor of a data
 *   connection or query table type).  Every kept XML part is parsed with
 *   libxml2 (no network, no
 *   DTD, no entity substitution, default size limits) and written anew:
 *     - .rels: relationships with TargetMode="External", of a dangerous type
 *       (attachedTemplate, aFChunk, oleObject, control, package, subDocument,
 *       frame, externalLink*, vbaProject, customUI, macrosheets, mail merge
 *       sources ...) or pointing at a part that is not kept are dropped;
 *     - other parts: r:* attributes naming a dropped relationship removed;
 *       altChunk, OLEObject/oleObj(s), control(s), subDoc elements removed;
 *       Word fields (w:fldSimple, w:fldChar/w:instrText, nested at any
 *       depth) lose their instruction and keep their cached result unless
 *       the instruction is a field type on the harmless list (PAGE, DATE,
 *       TOC, REF, SEQ, document properties ...) and
 *       holds no nested field (a field made by a field, e.g. a QUOTE that
 *       spells DDEAUTO); the markup and results of fields nested in a
 *       dropped instruction go with it.  HYPERLINK fields are dropped too,
 *       like external hyperlink relationships;
 *     - SpreadsheetML: <externalReferences> removed; a cell formula that
 *       calls a function that fetches, links or runs (WEBSERVICE,
 *       FILTERXML, IMAGE, HYPERLINK, RTD, CALL, REGISTER, EXEC, PY, CUBE*
 *       ...), has a DDE "app|topic" link or an external reference "[1]"
 *       goes (with the shared formulas that use it) and the cell keeps its
 *       cached value as a constant; such defined names and conditional
 *       format / validation rules go too.
 *   Every kept part that is not XML must be an image, checked by content:
 *   PNG/JPEG/GIF/BMP/TIFF/WebP are decoded and encoded anew by the image
 *   filter (f_image.h; only pixels survive, GIF/BMP/TIFF become PNG and
 *   their content type follows), EMF/WMF must start with their header;
 *   a part that fails (a PE named image1.png) is removed, and with it its
 *   relationships and r:embed/r:link references.
 *   [Content_Types].xml is rebuilt for the kept parts; a macro-enabled main
 *   part gets the macro-free type, so docm → docx, xlsm → xlsx, pptm → pptx,
 *   dotm → dotx, xltm → xltx, potm → potx, ppsm → ppsx; *out_type is the
 *   resulting document type.  Notes name every removal.
 *
 *   Member count is bounded by o->ooxml_max_parts (ooxml.max_parts), each
 *   unpacked part by o->ooxml_max_part_size (ooxml.max_part_size), total
 *   unpacked size and output by o->max_output; an unset (0) bound fails
 *   with MK_ERR_CONFIG.
 *
 *   Never touches the filesystem; works on memory only.
 *
 * DIAGNOSTICS
 *   MK_ERR_DATA: not a zip (an OLE2 container, i.e. an encrypted OOXML,
 *   says "encrypted"), unsafe or duplicate member names, an XML part that
 *   does not parse or has a DTD, no main document part, a main part we
 *   cannot rebuild (xlsb, add-ins).  MK_ERR_LIMIT: a bound was hit.
 *
 * OWNERSHIP
 *   *out, *out_type and notes strings are new (caller frees).
 */
#ifndef MK_F_OOXML_H
#define MK_F_OOXML_H

#include "worker/wfilter.h"

extern const mk_wfilter mk_wfilter_ooxml;

#endif
