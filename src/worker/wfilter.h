/*
 * NAME
 *   wfilter - filters that run inside the sandboxed worker
 *
 * SUMMARY
 *   const mk_wfilter *mk_wfilter_find(const char *name);
 *
 * DESCRIPTION
 *   A worker filter turns hostile bytes of a complex format (PDF, Office,
 *   RTF, images) into a safe rebuilt document.  It runs only inside
 *   `mukaika-worker FILTER`, after rlimits and the seccomp filter are in
 *   place: it works on memory, opens no file for writing and no socket
 *   (font files may be read, read-only, by the PDF renderer).  It gets the
 *   options the parent passed (mk_wopts) and returns the output bytes and
 *   type, or fails with a message; notes are short lines for the report
 *   ("removed vbaProject.bin", "dropped 3 external relationships").
 *
 *   The engine side (filters/f_worker.c) registers these names in
 *   filters/registry.c with run = mk_worker_filter, which runs the worker
 *   (src/worker/wclient.h) and treats a crash, timeout, limit or non-zero
 *   exit as a failure: never a fallback to the original bytes.
 *
 * OWNERSHIP
 *   *out, *out_type and the strings added to NOTES are new (caller frees).
 */
#ifndef MK_WFILTER_H
#define MK_WFILTER_H

#include <glib.h>
#include <stdbool.h>

#include "mk_error.h"

typedef struct mk_wopts {
	gint64 pdf_dpi, pdf_max_pages, pdf_max_pixels, pdf_max_links;
	gint64 image_max_pixels, image_max_dimension;
	gint64 max_output;
	gint64 rtf_max_depth, ooxml_max_parts, ooxml_max_part_size;
	bool pdf_text_layer, csv_prefix_formulas;
	bool lang_en;            /* general.language = en: marks in English */
} mk_wopts;

typedef struct mk_wfilter {
	const char *name;        /* "ooxml", "pdf", "rtf", "image", ... */
	int (*run)(GBytes *in, const mk_wopts *o, GBytes **out, char **out_type,
	           GPtrArray *notes, mk_error *err);
} mk_wfilter;

/* mk_wfilter_init_all(): load what the sandbox would refuse later (iconv
 * modules are mapped executable: mk_wunpack_init, mk_wtext_init).  Idempotent; called
 * before the seccomp filter, in the zygote once and in each run; reads
 * no document. */

const mk_wfilter *mk_wfilter_find(const char *name);
void mk_wfilter_init_all(void);
void mk_wunpack_init(void);
void mk_wtext_init(void);

#endif
