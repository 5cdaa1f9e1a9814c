/*
 * NAME
 *   mm - internal interfaces of mukaika-milter
 *
 * SUMMARY
 *   mm_engine *mm_engine_get(void);            engine holder (refcounted)
 *   int mm_engine_reload(const char *path, mk_error *err);
 *   int mm_apply_output(SMFICTX *ctx, const mm_msg *m, GBytes *out, ...);
 *   extern struct smfiDesc mm_filter;
 *
 * DESCRIPTION
 *   mm_engine.c owns the current engine + config snapshot; a message takes a
 *   reference at MAIL FROM and keeps it until end of message or abort, so a
 *   SIGHUP reload swaps the holder without touching work in flight.
 *   mm_cb.c holds the libmilter callbacks (thin: they collect into mm_conn /
 *   mm_msg and spool the message); mm_apply.c turns a rebuilt message into
 *   smfi_chgheader/smfi_addheader/smfi_replacebody calls; mm_route.c decides
 *   the mail direction (client network or SMTP AUTH identity, narrowed by
 *   the sender domain).
 *
 * OWNERSHIP
 *   mm_engine_get() returns a new reference (mm_engine_put releases it).
 */
#ifndef MM_H
#define MM_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <libmilter/mfapi.h>

#include "config.h"
#include "engine/engine.h"
#include "metrics.h"
#include "mk_error.h"
#include "mm_route.h"

/* Seconds between readiness retries of an engine that is not ready. */
#define MM_READY_RETRY_S 60
/* Bytes per smfi_replacebody call (below libmilter's MILTER_CHUNK_SIZE). */
#define MM_BODY_CHUNK 65535
/* Macros asked of the MTA at MAIL FROM (smfi_setsymlist): the queue id
 * for the log line and the SMTP AUTH identity for the route. */
#define MM_ENVFROM_MACROS "i {auth_type} {auth_authen}"
/* Longest reason text put into an SMTP reply. */
#define MM_REPLY_MAX 200

typedef struct mm_engine {
	gint ref;
	mk_config *cfg;     /* snapshot, owned */
	mk_engine *engine;  /* owned */
	gint64 created_us;  /* monotonic */
} mm_engine;

/* One original header as the MTA gave it. */
typedef struct mm_hdr {
	char *name;
	char *value;        /* with the leading space when negotiated */
} mm_hdr;

/* Per-message state (reset at MAIL FROM, end of message, abort). */
typedef struct mm_msg {
	mm_engine *eng;     /* reference taken at MAIL FROM */
	char *sender;
	char *auth_authen;  /* {auth_authen} at MAIL FROM; NULL = no SMTP AUTH */
	GPtrArray *rcpts;   /* char* */
	GPtrArray *hdrs;    /* mm_hdr* in arrival order */
	char *message_id;
	FILE *spool;        /* unlinked temp file */
	gint64 size;        /* bytes spooled */
	bool in_body;
	bool outbound;      /* AV-only route (mm_route_outbound), for the log */
	bool failed;        /* internal failure: tempfail at end */
	char fail_reason[160];
	gint64 start_us;
	gint64 eom_us;      /* end of data reached (0: not yet) */
} mm_msg;

/* Per-connection state (smfi_setpriv). */
typedef struct mm_conn {
	char *client_ip;
	bool leadspc;       /* SMFIP_HDR_LEADSPC negotiated */
	bool can_modify;    /* header + body change actions negotiated */
	mm_msg msg;
} mm_conn;

/* Engine holder (mm_engine.c). */
int mm_engine_init(mk_config *cfg, mk_error *err);
mm_engine *mm_engine_get(void);
void mm_engine_put(mm_engine **h);
int mm_engine_reload(const char *path, mk_error *err);
void mm_engine_retry_if_unready(void);
void mm_engine_shutdown(void);

/* Output application (mm_apply.c). */
int mm_apply_output(SMFICTX *ctx, const mm_conn *c, GBytes *out, mk_error *err);
/* Reply-safe copy of TEXT: printable ASCII, no '%', cut at MM_REPLY_MAX. */
char *mm_reply_text(const char *text);

/* The process's counters (mm_main.c; NULL when metrics.enabled is false):
 * every message is counted once, where its log line is written. */
extern mk_metrics *mm_metrics;

/* Callbacks (mm_cb.c). */
extern struct smfiDesc mm_filter;

#endif
