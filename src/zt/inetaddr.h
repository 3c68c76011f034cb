/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's InetAddress: its binary form (HELLO, World, network configs) and its IP/PORT text. */
#ifndef NETCON_ZT_INETADDR_H
#define NETCON_ZT_INETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Type bytes of the serialized form (InetAddress::serialize). */
#define ZT_INETADDR_TYPE_NIL 0x00
#define ZT_INETADDR_TYPE_ETHERNET 0x01 /* reserved: 6 bytes of data, skipped */
#define ZT_INETADDR_TYPE_BLUETOOTH 0x02 /* reserved: 6 bytes of data, skipped */
#define ZT_INETADDR_TYPE_OTHER 0x03 /* reserved: [2] length, then data, skipped */
#define ZT_INETADDR_TYPE_IPV4 0x04
#define ZT_INETADDR_TYPE_IPV6 0x06

/* Largest serialized IP address: type, 16 bytes, port. */
#define ZT_INETADDR_MAX_SIZE 19
/* "ffff:...:ffff/65535" with its NUL fits. */
#define ZT_INETADDR_STRLEN 56

/* An address and port. family is 0 (none), 4 or 6; in network configs the port holds the netmask
 * bits of a static IP or route. */
struct zt_inetaddr {
	uint8_t family;
	uint8_t ip[16]; /* network byte order; IPv4 uses the first 4 bytes */
	uint16_t port;
};

/* Read one serialized address from p[0..len). Reserved types 1..3 are skipped and read as none,
 * as ZeroTier does. Returns the bytes consumed, or -EBADMSG (out untouched). */
int zt_inetaddr_deserialize(struct zt_inetaddr *out, const uint8_t *p, size_t len);
/* Bytes zt_inetaddr_serialize writes for a: 1, 7 or 19. */
size_t zt_inetaddr_size(const struct zt_inetaddr *a);
/* Write a into out[0..size). Returns the bytes written or -ENOSPC; -EINVAL for a bad family. */
int zt_inetaddr_serialize(const struct zt_inetaddr *a, uint8_t *out, size_t size);
/* "10.213.0.1/9993" or "2001:db8::1/9993" (inet_ntop form, as InetAddress::toString writes),
 * "" for none. buf must hold ZT_INETADDR_STRLEN bytes. Returns buf. */
char *zt_inetaddr_to_string(const struct zt_inetaddr *a, char *buf);
/* Parse "IP/PORT" (IPv4 or IPv6, port 0..65535 required). Returns 0 or -EINVAL (out untouched). */
int zt_inetaddr_from_string(struct zt_inetaddr *out, const char *s);
/* Make an address from family (4 or 6), raw IP bytes and port. */
void zt_inetaddr_set(struct zt_inetaddr *out, int family, const void *ip, uint16_t port);
/* Netmask bits of the NDP-emulated addresses (the port of the static IP a controller sends):
 * rfc4193 is one /128 per node inside the network's /88, 6plane one /80 per node inside the
 * network's /40. */
#define ZT_INETADDR_RFC4193_BITS 88
#define ZT_INETADDR_6PLANE_BITS 40

/* InetAddress::makeIpv6rfc4193: fd, the 8 bytes of nwid, 99 93, the 5 bytes of node; port 88. */
void zt_inetaddr_rfc4193(struct zt_inetaddr *out, uint64_t nwid, uint64_t node);
/* InetAddress::makeIpv66plane: fc, the 4 bytes of nwid ^ (nwid >> 32), the 5 bytes of node, then
 * zeros and a last byte 1; port 40. */
void zt_inetaddr_6plane(struct zt_inetaddr *out, uint64_t nwid, uint64_t node);

/* Do a and b hold the same family, IP and port? */
bool zt_inetaddr_equal(const struct zt_inetaddr *a, const struct zt_inetaddr *b);
/* Is a in 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104 (a path that never leaves this machine)? */
bool zt_inetaddr_is_loopback(const struct zt_inetaddr *a);

#endif
