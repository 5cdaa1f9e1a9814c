/*
 * NAME
 *   nodewire - the unpack request and the node list that cross the
 *   sandbox boundary (engine <-> mukaika-worker "unpack")
 *
 * SUMMARY
 *   GBytes *mk_wire_req_encode(const mk_wire_req *r);
 *   int mk_wire_req_decode(GBytes *in, mk_wire_req *r, mk_error *err);
 *   void mk_wire_req_clear(mk_wire_req *r);
 *   GBytes *mk_wire_resp_encode(mk_node *leaf, guint first_finding,
 *                               const char *refined, const mk_ctx *ctx);
 *   mk_node *mk_wire_resp_decode(GBytes *out, const mk_node *like,
 *                                mk_wire_counts *c, char **refined,
 *                                mk_error *err);
 *
 * DESCRIPTION
 *   Both messages are a 4-byte magic then records: tag (1 byte), length
 *   (u32 little endian), value.  Integers are i64 little endian.
 *
 *   Request ("MKQ1"): the leaf's true type and declared name, its kind,
 *   role, depth and archive depth, the operations wanted (MK_WIRE_OP_*),
 *   the limits the parsers read (mk_wire_limits), the item's running
 *   totals and the time left of its budget, candidate archive passwords
 *   (PPAP unlock; in the sealed input memfd, never in argv), and the data.
 *
 *   Response ("MKN1"): the refined true type (zip containers: OOXML, ODF,
 *   JAR ...), the findings the parsers added to the leaf (by name), the
 *   updated totals, then the new nodes in pre-order: each "node" record
 *   (parent index: 0 the leaf, i the i-th node; kind; role) is followed by
 *   the records of that node (name, declared type, finding, data).
 *
 *   mk_wire_resp_decode() treats the response as hostile (it comes from
 *   the process that parsed attacker bytes): every length is checked
 *   against the buffer, kinds and roles against their enums, finding names
 *   against the table, parent indexes must point backwards, at most
 *   MAX_NODES nodes and depth below the like node + max_archive_depth +
 *   max_mime_depth.  It returns a holder node shaped like LIKE (same path,
 *   depth, archive depth) whose findings and children are the result; the
 *   children's data are slices of OUT (no copy).
 *
 *   mk_wire_resp_encode() moves each child's data into the response and
 *   drops it from the node as it goes, so the worker holds its output
 *   about once, not twice.
 *
 * OWNERSHIP
 *   Returned GBytes and nodes are new (caller frees).  mk_wire_req_decode()
 *   fills R with new strings, a new password array and a reference to the
 *   data; mk_wire_req_clear() frees them (passwords are wiped first).
 *
 * FAILURE
 *   Decoders: NULL / MK_ERR_DATA with err set on any malformed record.
 */
#ifndef MK_NODEWIRE_H
#define MK_NODEWIRE_H

#include <glib.h>

#include "ctx.h"
#include "item.h"
#include "mk_error.h"

/* The worker's "ok" type of a node list. */
#define MK_WIRE_TYPE "application/x-mukaika-nodes"

enum {
	MK_WIRE_OP_ZIP_REFINE = 1 << 0,  /* refine a zip's true type */
	MK_WIRE_OP_OFFICE     = 1 << 1,  /* active-content inspection */
	MK_WIRE_OP_TNEF       = 1 << 2,
	MK_WIRE_OP_ARCHIVE    = 1 << 3,
	MK_WIRE_OP_UU         = 1 << 4,
};

/* The limits.* values the worker-side parsers read. */
typedef struct mk_wire_limits {
	gint64 max_parts, max_archive_depth, max_archive_members;
	gint64 max_unpacked_size, max_member_size, max_compression_ratio;
	gint64 max_text_size, max_name_length, max_mime_depth;
} mk_wire_limits;

typedef struct mk_wire_counts {
	gint64 nodes, unpacked, decrypted;
} mk_wire_counts;

typedef struct mk_wire_req {
	char *true_type, *declared_name;
	gint64 kind, role, depth, archive_depth;
	gint64 ops;
	mk_wire_limits lim;
	mk_wire_counts counts;
	gint64 time_left_ms;          /* 0 = no item budget */
	GPtrArray *passwords;         /* char*, may be NULL */
	GBytes *data;
} mk_wire_req;

GBytes *mk_wire_req_encode(const mk_wire_req *r);
int mk_wire_req_decode(GBytes *in, mk_wire_req *r, mk_error *err);
void mk_wire_req_clear(mk_wire_req *r);

void mk_wire_limits_from(mk_wire_limits *l, const mk_config *cfg);
void mk_wire_limits_to(const mk_wire_limits *l, mk_config *cfg);

GBytes *mk_wire_resp_encode(mk_node *leaf, guint first_finding,
                            const char *refined, const mk_ctx *ctx);
mk_node *mk_wire_resp_decode(GBytes *out, const mk_node *like,
                             const mk_wire_limits *lim, mk_wire_counts *c,
                             char **refined, mk_error *err);

#endif
