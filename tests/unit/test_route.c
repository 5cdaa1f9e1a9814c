/*
 * NAME
 *   test_route - the milter's direction decision (mm_route_outbound) and
 *   the CIDR matcher under it (mk_cidr_match)
 *
 * DESCRIPTION
 *   Rows: the three route keys, then client address, SMTP AUTH identity
 *   and envelope sender, and whether the AV-only (outbound) route is
 *   taken.  The class under test: only the client proves the route (its
 *   network or its authenticated identity); a sender domain narrows and
 *   never widens, so a forged municipal sender from any other client gets
 *   the full CDR (inbound).
 */
#include <string.h>

#include "cidr.h"
#include "mm_route.h"
#include "testutil.h"

typedef struct {
	const char *clients, *auth_users, *domains;
	const char *ip, *auth, *sender;
	bool outbound;
} route_row;

static const route_row ROUTE_ROWS[] = {
	/* nothing configured: everything is inbound */
	{ "", "", "", "192.0.2.10", NULL, "a@city.example.jp", false },
	{ "", "", "", "192.0.2.10", "alice", "a@city.example.jp", false },
	/* client network */
	{ "192.0.2.0/24", "", "", "192.0.2.10", NULL, "a@city.example.jp", true },
	{ "192.0.2.0/24", "", "", "192.0.2.10", NULL, "", true },
	{ "192.0.2.0/24", "", "", "198.51.100.7", NULL, "a@city.example.jp", false },
	{ "192.0.2.0/24;2001:db8::/32", "", "", "2001:db8::5", NULL, "x@y.example", true },
	{ "192.0.2.0/24;2001:db8::/32", "", "", "2001:db9::5", NULL, "x@y.example", false },
	{ "192.0.2.10", "", "", "192.0.2.10", NULL, "x@y.example", true },
	{ "192.0.2.10", "", "", "192.0.2.11", NULL, "x@y.example", false },
	{ "192.0.2.0/24", "", "", "", NULL, "a@city.example.jp", false },
	/* SMTP AUTH identity */
	{ "", "alice;bob", "", "198.51.100.7", "bob", "b@city.example.jp", true },
	{ "", "alice;bob", "", "198.51.100.7", "mallory", "b@city.example.jp", false },
	{ "", "alice;bob", "", "198.51.100.7", "Bob", "b@city.example.jp", false },
	{ "", "alice;bob", "", "198.51.100.7", NULL, "b@city.example.jp", false },
	{ "", "alice;bob", "", "198.51.100.7", "", "b@city.example.jp", false },
	{ "", "*", "", "198.51.100.7", "anyone", "b@other.example", true },
	{ "", "*", "", "198.51.100.7", NULL, "b@city.example.jp", false },
	{ "", "*", "", "198.51.100.7", "", "b@city.example.jp", false },
	/* a domain narrows a client proof ... */
	{ "192.0.2.0/24", "", "city.example.jp", "192.0.2.10", NULL, "a@city.example.jp", true },
	{ "192.0.2.0/24", "", "city.example.jp", "192.0.2.10", NULL, "a@sub.city.example.jp", true },
	{ "192.0.2.0/24", "", "city.example.jp", "192.0.2.10", NULL, "a@evil.example", false },
	{ "192.0.2.0/24", "", "city.example.jp", "192.0.2.10", NULL, "a@notcity.example.jp", false },
	{ "192.0.2.0/24", "", "city.example.jp", "192.0.2.10", NULL, "", false },
	{ "", "*", "city.example.jp", "198.51.100.7", "alice", "a@city.example.jp", true },
	{ "", "*", "city.example.jp", "198.51.100.7", "alice", "a@evil.example", false },
	/* ... and never widens: the forged municipal sender from elsewhere */
	{ "192.0.2.0/24", "", "city.example.jp", "203.0.113.9", NULL, "x@city.example.jp", false },
	{ "192.0.2.0/24", "", "city.example.jp", "203.0.113.9", NULL, "x@CITY.EXAMPLE.JP", false },
	{ "", "alice", "city.example.jp", "203.0.113.9", NULL, "x@city.example.jp", false },
	{ "", "alice", "city.example.jp", "203.0.113.9", "eve", "x@city.example.jp", false },
	{ "", "", "city.example.jp", "203.0.113.9", NULL, "x@city.example.jp", false },
	{ "", "", "city.example.jp", "192.0.2.10", "alice", "x@city.example.jp", false },
};

START_TEST(test_route_rows)
{
	const route_row *r = &ROUTE_ROWS[_i];
	mk_config *cfg = mk_config_defaults();
	mm_route_in in = { .client_ip = r->ip, .auth_authen = r->auth, .sender = r->sender };

	g_free(cfg->milter.outbound_clients);
	g_free(cfg->milter.outbound_auth_users);
	g_free(cfg->milter.outbound_domains);
	cfg->milter.outbound_clients = g_strdup(r->clients);
	cfg->milter.outbound_auth_users = g_strdup(r->auth_users);
	cfg->milter.outbound_domains = g_strdup(r->domains);
	ck_assert_msg(mm_route_outbound(cfg, &in) == r->outbound,
	              "row %d: clients=\"%s\" auth_users=\"%s\" domains=\"%s\" ip=%s "
	              "auth=%s sender=%s: want %s", _i, r->clients, r->auth_users,
	              r->domains, r->ip, r->auth ? r->auth : "(none)", r->sender,
	              r->outbound ? "outbound" : "inbound");
	mk_config_unref(&cfg);
}
END_TEST

static const struct { const char *cidr, *ip; bool match; } CIDR_ROWS[] = {
	{ "10.0.0.0/8", "10.1.2.3", true },
	{ "10.0.0.0/8", "11.0.0.1", false },
	{ "10.1.2.3/32", "10.1.2.3", true },
	{ "0.0.0.0/0", "203.0.113.1", true },
	{ "192.0.2.128/25", "192.0.2.127", false },
	{ "192.0.2.128/25", "192.0.2.200", true },
	{ "::1", "::1", true },
	{ "2001:db8::/32", "192.0.2.1", false },
	{ "10.0.0.0/8", "::ffff:10.0.0.1", false },
	{ "10.0.0.0/33", "10.0.0.1", false },
	{ "10.0.0.0/", "10.0.0.1", false },
	{ "10.0.0.0/8x", "10.0.0.1", false },
	{ "10.0.0.0/-1", "10.0.0.1", false },
	{ "city.example.jp", "10.0.0.1", false },
	{ "10.0.0.0/8", "", false },
	{ "10.0.0.0/8", "not-an-ip", false },
};

START_TEST(test_cidr_rows)
{
	ck_assert_msg(mk_cidr_match(CIDR_ROWS[_i].cidr, CIDR_ROWS[_i].ip) == CIDR_ROWS[_i].match,
	              "%s in %s", CIDR_ROWS[_i].ip, CIDR_ROWS[_i].cidr);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_route_rows, 0, G_N_ELEMENTS(ROUTE_ROWS));
	tcase_add_loop_test(tc, test_cidr_rows, 0, G_N_ELEMENTS(CIDR_ROWS));
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
