/*
 * NAME
 *   mm_route - the mail direction decision (see mm_route.h)
 *
 * DESCRIPTION
 *   Lists are ';', ',' or blank separated.  A client proof (network or
 *   authenticated identity) is required; the sender domain list, when set,
 *   is one more condition.
 *
 * NEVER
 *   Never makes a message outbound from the envelope sender alone.
 */
#include "mm_route.h"

#include <string.h>

#include <glib.h>

#include "cidr.h"

static bool
list_match(const char *list, const char *s, bool (*match)(const char *, const char *))
{
	char **v;
	bool hit = false;

	if (list == NULL || *list == '\0' || s == NULL || *s == '\0')
		return false;
	v = g_strsplit_set(list, MK_CONFIG_LIST_SEP, -1);
	for (char **p = v; *p && !hit; p++)
		hit = **p != '\0' && match(*p, s);
	g_strfreev(v);
	return hit;
}

static bool
domain_match(const char *dom, const char *d)
{
	gsize dl = strlen(dom), l = strlen(d);

	if (l == dl)
		return g_ascii_strcasecmp(d, dom) == 0;
	return l > dl && d[l - dl - 1] == '.' &&
	       g_ascii_strcasecmp(d + l - dl, dom) == 0;
}

/* "*" stands for any authenticated identity; otherwise exact. */
static bool
user_match(const char *allowed, const char *user)
{
	return strcmp(allowed, "*") == 0 || strcmp(allowed, user) == 0;
}

static bool
sender_domain_ok(const char *list, const char *sender)
{
	const char *at = sender ? strrchr(sender, '@') : NULL;
	char *dom;
	bool ok;

	if (at == NULL)
		return false;
	dom = g_strdup(at + 1);
	g_strdelimit(dom, ">", '\0');
	ok = list_match(list, dom, domain_match);
	g_free(dom);
	return ok;
}

bool
mm_route_outbound(const mk_config *cfg, const mm_route_in *in)
{
	bool client = list_match(cfg->milter.outbound_clients, in->client_ip,
	                         mk_cidr_match) ||
	              list_match(cfg->milter.outbound_auth_users, in->auth_authen,
	                         user_match);
	const char *doms = cfg->milter.outbound_domains;

	if (!client)
		return false;
	if (doms == NULL || *doms == '\0')
		return true;
	return sender_domain_ok(doms, in->sender);
}
