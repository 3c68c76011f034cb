// SPDX-License-Identifier: BSD-2-Clause
/* The shared decision core: which sockets netcon carries and where an address goes. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "common/addr.h"
#include "common/route.h"
#include "tap.h"

static struct nc_addr a_(const char *text)
{
	struct nc_route r;

	memset(&r, 0, sizeof(r));
	addr_parse_cidr(&r, text);
	return r.addr;
}

int main(void)
{
	struct nc_route subnets[2];
	struct nc_addr a;

	addr_parse_cidr(&subnets[0], "10.9.0.1/24");
	addr_parse_cidr(&subnets[1], "fd09::1/64");

	is_int(route_proto(AF_INET, SOCK_STREAM, 0), NC_PROTO_TCP, "TCP over IPv4");
	is_int(route_proto(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP), NC_PROTO_UDP,
	       "UDP over IPv6, with type flags");
	is_int(route_proto(AF_UNIX, SOCK_STREAM, 0), 0, "unix sockets stay with the kernel");
	is_int(route_proto(AF_INET, SOCK_STREAM, IPPROTO_SCTP), 0, "SCTP stays with the kernel");

	a = a_("10.9.0.7/32");
	ok(route_needs_subnets(&a, ROUTE_DEST), "a unicast destination needs the subnets");
	is_int(route_virtual(&a, ROUTE_DEST, false, subnets, 2), 1, "10.9.0.7 is virtual");
	a = a_("10.10.0.7/32");
	is_int(route_virtual(&a, ROUTE_DEST, false, subnets, 2), 0, "10.10.0.7 is the host's");
	is_int(route_refusal(&a, ROUTE_DEST, true), ENETUNREACH, "--isolate refuses it");
	is_int(route_refusal(&a, ROUTE_DEST, false), 0, "split routing lets it through");
	is_int(route_refusal(&a, ROUTE_BIND, true), EADDRNOTAVAIL,
	       "--isolate refuses a bind to a host address");
	a = a_("127.0.0.1/32");
	ok(!route_needs_subnets(&a, ROUTE_DEST), "loopback needs no subnets");
	is_int(route_virtual(&a, ROUTE_DEST, false, subnets, 2), 0, "loopback is never virtual");
	a = a_("0.0.0.0/32");
	ok(!route_needs_subnets(&a, ROUTE_BIND), "a wildcard bind needs no subnets");
	is_int(route_virtual(&a, ROUTE_BIND, false, NULL, 0), 1, "a wildcard bind is virtual");
	is_int(route_virtual(&a, ROUTE_BIND, true, NULL, 0), 0, "... but not with --listen-host");
	is_int(route_refusal(&a, ROUTE_BIND, true), 0, "a wildcard bind is never refused");
	a = a_("fd09::9/128");
	is_int(route_virtual(&a, ROUTE_DEST, false, subnets, 2), 1, "fd09::9 is virtual");
	a = a_("fe80::1/128");
	a.scope = NC_IFINDEX_BASE + 2;
	is_int(route_virtual(&a, ROUTE_DEST, false, NULL, 0), 1,
	       "link-local on a virtual interface is virtual");
	a.scope = 2;
	is_int(route_virtual(&a, ROUTE_DEST, false, NULL, 0), 0, "... on the host's is not");
	return done_testing();
}
