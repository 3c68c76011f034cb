// SPDX-License-Identifier: BSD-2-Clause
/* names_api: name lookups through the intercept (TAP). Run under `netcon run` with a daemon given
 * --dns 10.79.0.53 --domain vnet, names.t's DNS server there, and HOME/hosts naming files.vnet
 * 10.79.0.20. `names_api isolated` runs the --isolate checks. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tap.h"

/* The first address getaddrinfo gives for name in family, as text ("" if it fails). */
static int gai_first(const char *name, int family, int flags, char *out, size_t n, char *canon)
{
	struct addrinfo hints, *res;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = flags;
	*out = 0;
	r = getaddrinfo(name, "80", &hints, &res);
	if (r)
		return r;
	if (res->ai_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, out,
			  (socklen_t)n);
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, out,
			  (socklen_t)n);
	if (canon)
		snprintf(canon, 256, "%s", res->ai_canonname ? res->ai_canonname : "");
	freeaddrinfo(res);
	return 0;
}

static const char *he_addr(const struct hostent *he, char *buf)
{
	if (!he || !he->h_addr_list[0])
		return "";
	inet_ntop(he->h_addrtype, he->h_addr_list[0], buf, 64);
	return buf;
}

static void t_isolated(void)
{
	char a[64];
	int r = gai_first("localhost", AF_UNSPEC, 0, a, sizeof(a), NULL);

	is_int(r, EAI_NONAME, "--isolate: localhost is not on the virtual network (EAI_NONAME)");
	r = gai_first("web.vnet", AF_INET, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "10.79.0.53"), "--isolate: web.vnet still resolves (%s)", a);
	ok(gethostbyname("nowhere.example") == NULL && h_errno == HOST_NOT_FOUND,
	   "--isolate: gethostbyname of a host name gives HOST_NOT_FOUND");
	r = gai_first("garbage.vnet", AF_INET, 0, a, sizeof(a), NULL);
	is_int(r, EAI_AGAIN, "--isolate: a garbage answer is EAI_AGAIN, not a crash");
}

int main(int argc, char **argv)
{
	char a[64], canon[256], buf[2048], host[256], serv[32];
	struct hostent he, *res = NULL, *hp;
	struct sockaddr_in sin;
	struct addrinfo hints, *ai, *p;
	int r, herr = 0, n;

	if (argc > 1 && !strcmp(argv[1], "isolated")) {
		t_isolated();
		return done_testing();
	}
	r = gai_first("web.vnet", AF_UNSPEC, AI_CANONNAME, a, sizeof(a), canon);
	ok(r == 0 && !strcmp(a, "10.79.0.53"), "getaddrinfo(web.vnet) is 10.79.0.53 (%s)", a);
	ok(!strcmp(canon, "web.vnet"), "AI_CANONNAME: %s", canon);
	r = gai_first("web", AF_INET, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "10.79.0.53"), "getaddrinfo(web): the search domain (%s)", a);
	r = gai_first("www.vnet", AF_INET, AI_CANONNAME, a, sizeof(a), canon);
	ok(r == 0 && !strcmp(a, "10.79.0.53") && !strcmp(canon, "web.vnet"),
	   "www.vnet is a CNAME for web.vnet (%s, %s)", a, canon);
	r = gai_first("db.vnet", AF_INET6, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "fd79::81"), "getaddrinfo(db.vnet, AF_INET6) is fd79::81 (%s)", a);
	r = gai_first("web.vnet", AF_INET6, AI_V4MAPPED, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "::ffff:10.79.0.53"), "AI_V4MAPPED maps web.vnet (%s)", a);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	r = getaddrinfo("db.vnet", "53", &hints, &ai);
	n = 0;
	if (r == 0) {
		for (p = ai; p; p = p->ai_next)
			n++;
		freeaddrinfo(ai);
	}
	/* two addresses, each with SOCK_STREAM, SOCK_DGRAM and SOCK_RAW as glibc gives them */
	ok(r == 0 && n == 6, "socktype 0: one result per socktype and address (%d)", n);
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_family = AF_INET;
	r = getaddrinfo("web.vnet", "domain", &hints, &ai);
	ok(r == 0 && !ai->ai_next && ai->ai_protocol == IPPROTO_UDP &&
	       ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port) == 53,
	   "a service name and SOCK_DGRAM: one UDP result, port 53");
	if (r == 0)
		freeaddrinfo(ai);
	hints.ai_socktype = 0;
	is_int(getaddrinfo("web.vnet", "no-such-service-x", &hints, &ai), EAI_SERVICE,
	       "an unknown service is EAI_SERVICE");

	hp = gethostbyname("web.vnet");
	ok(hp && hp->h_addrtype == AF_INET && !strcmp(he_addr(hp, a), "10.79.0.53"),
	   "gethostbyname(web.vnet) is 10.79.0.53 (%s)", he_addr(hp, a));
	hp = gethostbyname2("db.vnet", AF_INET6);
	ok(hp && hp->h_length == 16 && !strcmp(he_addr(hp, a), "fd79::81"),
	   "gethostbyname2(db.vnet, AF_INET6) is fd79::81 (%s)", he_addr(hp, a));
	r = gethostbyname_r("db", &he, buf, sizeof(buf), &res, &herr);
	ok(r == 0 && res == &he && !strcmp(he_addr(res, a), "10.79.0.81") &&
	       !strcmp(he.h_name, "db.vnet"),
	   "gethostbyname_r(db) is db.vnet 10.79.0.81 (%s)", he_addr(res, a));
	r = gethostbyname_r("db.vnet", &he, buf, 16, &res, &herr);
	ok(r == ERANGE && !res, "gethostbyname_r with a small buffer is ERANGE");
	r = gethostbyname2_r("files", AF_INET, &he, buf, sizeof(buf), &res, &herr);
	ok(r == 0 && res && !strcmp(he.h_name, "files.vnet") && he.h_aliases[0] &&
	       !strcmp(he.h_aliases[0], "files"),
	   "gethostbyname2_r(files): the hosts file's name and alias");

	r = gai_first("files.vnet", AF_INET, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "10.79.0.20"), "the hosts file wins over DNS for files.vnet (%s)",
	   a);
	r = gai_first("v6host", AF_INET6, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "fd79::20"), "an IPv6 line of the hosts file (%s)", a);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	inet_pton(AF_INET, "10.79.0.20", &sin.sin_addr);
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), serv,
			sizeof(serv), 0);
	ok(r == 0 && !strcmp(host, "files.vnet") && !strcmp(serv, "http"),
	   "getnameinfo(10.79.0.20:80) is files.vnet, http (%s %s)", host, serv);
	inet_pton(AF_INET, "10.79.0.77", &sin.sin_addr);
	is_int(getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), NULL, 0,
			   NI_NAMEREQD),
	       EAI_NONAME, "getnameinfo of an unnamed virtual address with NI_NAMEREQD");
	r = getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), NULL, 0, 0);
	ok(r == 0 && !strcmp(host, "10.79.0.77"), "and without it: the numeric form (%s)", host);
	inet_pton(AF_INET, "10.79.0.20", &sin.sin_addr);
	hp = gethostbyaddr(&sin.sin_addr, 4, AF_INET);
	ok(hp && !strcmp(hp->h_name, "files.vnet"), "gethostbyaddr(10.79.0.20) is files.vnet");

	r = gai_first("localhost", AF_INET, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "127.0.0.1"), "localhost falls back to the host (%s)", a);
	r = gai_first("nope.vnet", AF_INET, 0, a, sizeof(a), NULL);
	ok(r != 0, "nope.vnet (NXDOMAIN on the virtual network) does not resolve (%d)", r);
	r = gai_first("garbage.vnet", AF_INET, 0, a, sizeof(a), NULL);
	ok(r != 0, "a garbage answer fails cleanly (%s)", gai_strerror(r));
	r = gai_first("10.79.0.5", AF_INET, 0, a, sizeof(a), NULL);
	ok(r == 0 && !strcmp(a, "10.79.0.5"), "a numeric host is the real call's");
	return done_testing();
}
