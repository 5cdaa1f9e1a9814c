/*
 * NAME
 *   office - active-content detection in Office containers (no rewriting)
 *
 * SUMMARY
 *   void mk_office_inspect(mk_ctx *ctx, mk_node *n);
 *
 * DESCRIPTION
 *   For OOXML (zip with [Content_Types].xml) lists the member names with
 *   libarchive and adds active_content for vbaProject*.bin, activeX/,
 *   embeddings/ (oleObject*, *.bin, packages), macrosheets/, customUI,
 *   attachedTemplate and TargetMode="External" relationships; encrypted for
 *   an OLE2 "EncryptedPackage".  For OLE2 (CFB) walks the directory with a
 *   bounded reader and adds active_content for VBA/_VBA_PROJECT/Macros
 *   storages, ObjectPool, \x01Ole10Native, Workbook XLM macro sheets
 *   (BOUNDSHEET type macro) where detectable, and encrypted for
 *   EncryptionInfo/EncryptedPackage or FILEPASS.  RTF: \object, \objdata,
 *   \objocx -> active_content.  Never modifies the node's data.
 */
#ifndef MK_OFFICE_H
#define MK_OFFICE_H

#include "ctx.h"
#include "item.h"

void mk_office_inspect(mk_ctx *ctx, mk_node *n);

#endif
