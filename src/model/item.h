/*
 * NAME
 *   item - the item tree: one node per message, MIME part, archive member or
 *   extracted object, with everything the engine learns about it
 *
 * SUMMARY
 *   mk_node *mk_node_new(mk_node_kind kind, mk_node *parent);
 *   void mk_node_free(mk_node **node);
 *   void mk_node_add_finding(mk_node *n, mk_finding_code c, const char *fmt, ...);
 *
 * DESCRIPTION
 *   Parsers (mime, archive, tnef, uu) build the tree; classify/scan/policy
 *   annotate it; filters fill `out`; rebuild and report read it.  Paths are
 *   "1", "1.2", "1.2.3": the root is "1", child i (1-based) of P is "P.i".
 *
 * OWNERSHIP
 *   A node owns its children, strings, data and findings.  mk_node_new()
 *   appends the new node to PARENT's children (the parent owns it).  The root
 *   is freed by the caller with mk_node_free(), which frees the whole subtree.
 *   `parent` is borrowed.  `mime` holds one GMime reference, released on free.
 *
 * NEVER
 *   Holds a filesystem path derived from input.  Names are data only.
 */
#ifndef MK_ITEM_H
#define MK_ITEM_H

#include <glib.h>
#include <gmime/gmime.h>
#include <stdbool.h>

#include "config.h"
#include "finding.h"

typedef enum {
	MK_NODE_FILE = 0,   /* root of a file item */
	MK_NODE_MESSAGE,    /* RFC 822 message (root or message/rfc822 part) */
	MK_NODE_MULTIPART,  /* multipart/ * container */
	MK_NODE_PART,       /* MIME leaf */
	MK_NODE_MEMBER,     /* archive member */
	MK_NODE_EMBEDDED,   /* extracted by us: TNEF attachment, uuencoded block */
} mk_node_kind;

typedef enum {
	MK_ROLE_NONE = 0,
	MK_ROLE_BODY,       /* text shown to the reader (text/plain, text/html) */
	MK_ROLE_ALTERNATIVE,/* a body alternative that is not used */
	MK_ROLE_ATTACHMENT, /* anything else the reader would get as a file */
	MK_ROLE_INLINE,     /* inline object referenced by the body (cid:) */
} mk_role;

typedef enum {
	MK_V_PASS = 0,
	MK_V_CLEANED,
	MK_V_STRIPPED,
	MK_V_QUARANTINED,
	MK_V_REJECTED,
	MK_V_TEMPFAIL,
} mk_verdict;

typedef struct mk_finding {
	mk_finding_code code;
	char *detail;       /* UTF-8, one line, may be NULL; owned */
} mk_finding;

typedef struct mk_node mk_node;
struct mk_node {
	mk_node *parent;          /* borrowed */
	GPtrArray *children;      /* mk_node*, owned */
	mk_node_kind kind;
	mk_role role;
	char *path;               /* "1.2.3" */
	int depth;                /* MIME + archive nesting below the root */
	int archive_depth;        /* archive nesting only */

	/* what the input says */
	char *declared_name;      /* UTF-8 (RFC 2047/2231 decoded), may be NULL */
	char *declared_type;      /* lower-case "type/subtype", may be NULL */
	char *charset;            /* declared charset, may be NULL */
	char *disposition;        /* "inline" | "attachment" | NULL */
	char *content_id;         /* without <>, may be NULL */
	char *subtype;            /* multipart subtype ("mixed", ...) */

	/* what the content is */
	GBytes *data;             /* decoded content of leaves, owned, may be NULL */
	gint64 size;              /* decoded size */
	char sha256[65];          /* hex of data, "" when no data */
	char *true_type;          /* libmagic MIME type, e.g. "application/pdf" */
	char *magic;              /* libmagic description, one line */

	/* message nodes */
	GMimeObject *mime;        /* one reference owned; GMimeMessage for messages */

	/* decisions */
	GPtrArray *findings;      /* mk_finding*, owned */
	mk_action action;
	char *rule;               /* why: matched policy pattern or "finding:NAME" */

	/* sanitize result */
	char *filter;             /* filter name that ran, or NULL */
	char *filter_result;      /* "ok" | "failed: ..." | NULL */
	GPtrArray *notes;         /* char*, owned, never NULL: what the filter
	                           * removed ("removed vbaProject.bin"), for the
	                           * report; from the worker, one line each */
	GBytes *out;              /* sanitized content (forwarded instead of data) */
	char *out_type;           /* MIME type of out */
	char *out_name;           /* file name for out (UTF-8) */
	char *text;               /* for bodies: rendered UTF-8 text, owned */
};

/* New node of KIND; if PARENT is not NULL the node is appended to its
 * children, gets path PARENT.path + "." + index and depth PARENT.depth + 1. */
mk_node *mk_node_new(mk_node_kind kind, mk_node *parent);
void mk_node_free(mk_node **node);

/* Set data (takes a new reference on BYTES), size and sha256. */
void mk_node_set_data(mk_node *n, GBytes *bytes);

void mk_node_add_finding(mk_node *n, mk_finding_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool mk_node_has_finding(const mk_node *n, mk_finding_code code);

/* Depth-first pre-order walk; stop early when FN returns false. */
typedef bool (*mk_node_fn)(mk_node *n, void *user);
void mk_node_walk(mk_node *root, mk_node_fn fn, void *user);

/* Number of nodes in the subtree, root included. */
guint mk_node_count(const mk_node *root);

/* Item verdict for a node action ("allow" → PASS, ...). */
/* What is kept beside an item's original in the quarantine: the engine
 * fills it (its port's put), the store keeps it (qstore.h).  Strings are
 * borrowed. */
typedef struct mk_qmeta {
	const char *id;          /* report/quarantine id */
	const char *channel;     /* "mail" | "file" */
	const char *sender;      /* envelope sender or NULL */
	const char *recipients;  /* comma-separated, or owner for files */
	const char *subject;     /* subject (mail) or file name (file) */
	mk_verdict verdict;
	const char *findings;    /* comma-separated finding names */
	const char *report_json;
	gint64 received;         /* unix seconds */
} mk_qmeta;

mk_verdict mk_verdict_for_action(mk_action a, bool sanitized_ok);
const char *mk_verdict_name(mk_verdict v);  /* "pass", "cleaned", ... */
const char *mk_node_kind_name(mk_node_kind k);
const char *mk_role_name(mk_role r);

/* Replace *slot with a copy of S (NULL allowed). */
void mk_set_str(char **slot, const char *s);

#endif
