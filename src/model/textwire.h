/*
 * NAME
 *   textwire - the text run that crosses the sandbox boundary: bodies and
 *   text parts of one item to `mukaika-worker text`, their renderings back
 *
 * SUMMARY
 *   GBytes *mk_twire_req_encode(const mk_config *cfg, GPtrArray *nodes,
 *                               const char *const *ops);
 *   int mk_twire_req_decode(GBytes *in, mk_config *cfg, GPtrArray *parts,
 *                           mk_error *err);
 *   void mk_twire_cfg_clear(mk_config *cfg);
 *   GBytes *mk_twire_resp_encode(GPtrArray *parts, const int *rcs,
 *                                const char *const *msgs);
 *   mk_twire_res *mk_twire_resp_decode(GBytes *out, guint nparts,
 *                                      mk_error *err);
 *   void mk_twire_res_free(mk_twire_res *res, guint nparts);
 *
 * DESCRIPTION
 *   Records as in wirerec.h.  Request ("MKT1"): the settings the text
 *   filters read (text.defang_links, text.show_link_targets,
 *   limits.html_max_nodes, limits.max_text_size, csv.prefix_formulas,
 *   general.language), then per part its operation (OPS[i]: "body" for a
 *   mail body, else the filter name: html2text, text, csv, ics), true and
 *   declared type, declared charset and name, and bytes.
 *   mk_twire_req_decode() gives the worker one new node per part
 *   (n->rule = the operation) and the settings in CFG (language: a new
 *   string, freed by mk_twire_cfg_clear()).
 *
 *   Response ("MKU1"), per part in order: its status (RCS[i] 0 = done,
 *   else the error code, with MSGS[i]), the filter that ran, the rendered text,
 *   the output bytes, type and name, the findings and notes the part
 *   got.  mk_twire_resp_decode() treats it as hostile (it comes from the
 *   process that read attacker bytes): lengths are checked, strings must
 *   be UTF-8 without NUL, findings known by name, an output type one of
 *   text/plain, text/csv, text/calendar, and the number of parts must be
 *   NPARTS.  Each result's node holds what the part got (text, out,
 *   out_type, out_name, filter, findings, notes).
 *
 * OWNERSHIP
 *   NODES are borrowed.  Returned bytes, parts and results are new (caller
 *   frees: parts with mk_node_free, results with mk_twire_res_free).
 *
 * FAILURE
 *   Decoders: negative / NULL with err set (MK_ERR_DATA) on any malformed
 *   record.
 */
#ifndef MK_TEXTWIRE_H
#define MK_TEXTWIRE_H

#include <glib.h>
#include <stdbool.h>

#include "config.h"
#include "item.h"
#include "mk_error.h"

/* The worker's "ok" type of a text response. */
#define MK_TWIRE_TYPE "application/x-mukaika-text"

typedef struct mk_twire_res {
	bool ok;
	int rc;          /* 0, or the part's negative error code */
	char *msg;       /* failure message, may be NULL */
	mk_node *r;      /* what the part got */
} mk_twire_res;

GBytes *mk_twire_req_encode(const mk_config *cfg, GPtrArray *nodes,
                            const char *const *ops);
int mk_twire_req_decode(GBytes *in, mk_config *cfg, GPtrArray *parts,
                        mk_error *err);
void mk_twire_cfg_clear(mk_config *cfg);
GBytes *mk_twire_resp_encode(GPtrArray *parts, const int *rcs,
                             const char *const *msgs);
mk_twire_res *mk_twire_resp_decode(GBytes *out, guint nparts, mk_error *err);
void mk_twire_res_free(mk_twire_res *res, guint nparts);

#endif
