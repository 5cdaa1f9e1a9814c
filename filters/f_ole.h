/*
 * NAME
 *   f_ole - legacy Office (OLE2: .doc, .xls, .ppt) content disarm
 *
 * SUMMARY
 *   extern const mk_wfilter mk_wfilter_ole;     name "ole"
 *   int mk_ole_word(GBytes **wdoc, GBytes **table0, GBytes **table1, counts, err);
 *   int mk_ole_xls(GBytes **book, counts, err);
 *   int mk_ole_ppt(GBytes **doc, counts, err);
 *
 * DESCRIPTION
 *   The compound file is read (f_cfb.h), its kind found by its main
 *   stream (WordDocument, Workbook/Book, PowerPoint Document), and only
 *   the root entries that kind needs are kept (an allowlist: the main
 *   stream, Word's 0Table/1Table/Data, Excel's pivot caches, PowerPoint's
 *   Current User/Pictures, \x01CompObj and the SummaryInformation
 *   property set; DocumentSummaryInformation goes: it holds a copy of
 *   every hyperlink, _PID_HLINKS, that LibreOffice makes live again).  Gone
 *   with everything else: VBA and macro storages (Macros, _VBA_PROJECT_CUR,
 *   VBA), ObjectPool and MBD* (embedded OLE objects with their
 *   \x01Ole10Native/Package streams), \x01Ole (link monikers), signatures,
 *   custom data stores.  Then, per kind:
 *     Word (f_ole_doc.c, mk_ole_word): the text, through the piece table,
 *       is scanned for fields (0x13 instruction 0x14 result 0x15); the
 *       instruction of a field whose type is not harmless
 *       (mk_field_instr_safe: DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE,
 *       HYPERLINK, MACROBUTTON ...) or that holds a nested field is
 *       overwritten with spaces; the result shown stays.  A HYPERLINK
 *       field is counted as a web link made inactive or a link of another
 *       scheme removed (the stream has no room to add its URL as text).
 *     Excel (f_ole_xls.c, mk_ole_xls): Excel 4 macro sheets and VB
 *       module sheets (BOUNDSHEET type 1 and 6) become empty worksheets
 *       (sheet indices stay valid); names Auto_Open, Auto_Close,
 *       Auto_Activate, Auto_Deactivate (built-in or spelt out) and macro
 *       or command names are renamed "_mk_removed_N" with no formula;
 *       external workbook paths and DDE server/topic in SUPBOOK become
 *       "_" and EXTERNNAME's DDE/OLE flags are cleared; OBJPROJ goes.
 *       The stream is rebuilt with BOUNDSHEET, INDEX and EXTSST stream
 *       positions moved to the new offsets.
 *     PowerPoint (f_ole_ppt.c, mk_ole_ppt): the document stream is made
 *       inert in place (the persist directory holds byte offsets): each
 *       ExOleObjStg (embedded object, control, linked object, VBA
 *       project) is zeroed and the atoms pointing at it cleared; click
 *       actions that run a macro, a program or an OLE verb, and
 *       hyperlinks to outside targets, become "no action"; non-web link
 *       targets and outside media paths are zeroed.
 *   The compound file is written anew (mk_cfb_write).
 *
 * DIAGNOSTICS
 *   Encrypted (FILEPASS, fEncrypted, CryptSession10) or damaged:
 *   MK_ERR_DATA; output over max_output: MK_ERR_LIMIT.  Notes are
 *   structured (src/common/fnote.h), one per kind of change with its
 *   count ("vba 1: removed 1 VBA project(s) (macros)").
 *
 * OWNERSHIP
 *   mk_ole_word/xls/ppt replace *streams with new bytes (the old are
 *   unref'd) and add into COUNTS (int[MK_FN_N], indexed by note code).
 */
#ifndef MK_F_OLE_H
#define MK_F_OLE_H

#include "fnote.h"
#include "worker/wfilter.h"

extern const mk_wfilter mk_wfilter_ole;

int mk_ole_word(GBytes **wdoc, GBytes **table0, GBytes **table1,
                int *counts, mk_error *err);
int mk_ole_xls(GBytes **book, int *counts, mk_error *err);
int mk_ole_ppt(GBytes **doc, int *counts, mk_error *err);

#endif
