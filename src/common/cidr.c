/*
 * NAME
 *   cidr - parse and match network prefixes (see cidr.h)
 */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int
mk_cidr_parse(const char *cidr, mk_cidr *out)
{
	char net[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(cidr, '/');
	gsize n = slash ? (gsize)(slash - cidr) : strlen(cidr);
	char *end = NULL;
	long bits;

	if (n == 0 || n >= sizeof net)
		return -1;
	memcpy(net, cidr, n);
	net[n] = '\0';
	out->family = strchr(net, ':') ? AF_INET6 : AF_INET;
	bits = out->family == AF_INET6 ? 128 : 32;
	if (inet_pton(out->family, net, out->net) != 1)
		return -1;
	if (slash != NULL) {
		long max = bits;

		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0 || bits > max)
			return -1;
	}
	out->bits = (int)bits;
	return 0;
}

bool
mk_cidr_match(const char *cidr, const char *ip)
{
	unsigned char b[16];
	mk_cidr c;
	int bits;

	if (cidr == NULL || ip == NULL || mk_cidr_parse(cidr, &c) != 0 ||
	    inet_pton(c.family, ip, b) != 1)
		return false;
	bits = c.bits;
	for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));

		if ((c.net[i] & mask) != (b[i] & mask))
			return false;
	}
	return true;
}
