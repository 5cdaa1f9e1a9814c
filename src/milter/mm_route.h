/*
 * NAME
 *   mm_route - which route a message takes: full CDR (inbound) or AV only
 *
 * SUMMARY
 *   bool mm_route_outbound(const mk_config *cfg, const mm_route_in *in);
 *
 * DESCRIPTION
 *   mm_route_outbound(): the AV-only (outbound) route is taken only when the
 *   SMTP *client* proves it:
 *     - its address falls in one of milter.outbound_clients (CIDRs), or
 *     - it authenticated (SMTP AUTH, the {auth_authen} macro) as one of
 *       milter.outbound_auth_users ("*": any authenticated identity);
 *   and, when milter.outbound_domains is set, the envelope sender's domain
 *   (or a parent domain) is also one of those.  The sender domain only
 *   narrows: on its own it never makes a message outbound, since anyone can
 *   write any MAIL FROM.  Everything else is inbound (full CDR).
 *
 * NEVER
 *   Never reads the message; never widens the route on a parse failure.
 */
#ifndef MM_ROUTE_H
#define MM_ROUTE_H

#include <stdbool.h>

#include "config.h"

typedef struct mm_route_in {
	const char *client_ip;     /* "" or NULL when unknown */
	const char *auth_authen;   /* {auth_authen}; NULL/"" = not authenticated */
	const char *sender;        /* envelope sender, without <> */
} mm_route_in;

bool mm_route_outbound(const mk_config *cfg, const mm_route_in *in);

#endif
