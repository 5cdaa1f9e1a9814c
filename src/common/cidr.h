/*
 * NAME
 *   cidr - IPv4/IPv6 network prefixes in text form
 *
 * SUMMARY
 *   int mk_cidr_parse(const char *cidr, mk_cidr *out);
 *   bool mk_cidr_match(const char *cidr, const char *ip);
 *
 * DESCRIPTION
 *   mk_cidr_parse(): "a.b.c.d/n", "a:b::/n" or a bare address (a host
 *   prefix) into OUT; 0, or -1 when it is not one (bad address, prefix
 *   length not a number within 0..32 / 0..128).  mk_cidr_match(): whether
 *   the textual address IP lies in CIDR; false on any malformed input (an
 *   IPv4 address never matches an IPv6 prefix and the reverse).
 *
 * NEVER
 *   Never resolves names.
 */
#ifndef MK_CIDR_H
#define MK_CIDR_H

#include <stdbool.h>

typedef struct mk_cidr {
	int family;              /* AF_INET | AF_INET6 */
	unsigned char net[16];
	int bits;
} mk_cidr;

int mk_cidr_parse(const char *cidr, mk_cidr *out);
bool mk_cidr_match(const char *cidr, const char *ip);

#endif
