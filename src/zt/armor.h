/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier packet armor: Poly1305 MAC (suite 0) or Salsa20/12 + Poly1305 (suite 1), in place. */
#ifndef NETCON_ZT_ARMOR_H
#define NETCON_ZT_ARMOR_H

#include <stddef.h>
#include <stdint.h>

/* The protocol version we advertise in HELLO: 11 is the last before AES-GMAC-SIV (12), so peers
 * keep using Salsa20/12 + Poly1305 with us. */
#define ZT_ARMOR_PROTO_VERSION 11

/* Cipher suites (ZT_PROTO_CIPHER_SUITE__*), bits 5..3 of the flags byte. */
#define ZT_ARMOR_CIPHER_POLY1305_NONE 0
#define ZT_ARMOR_CIPHER_POLY1305_SALSA2012 1
#define ZT_ARMOR_CIPHER_NONE 2 /* trusted path: not supported */
#define ZT_ARMOR_CIPHER_AES_GMAC_SIV 3 /* not supported */

/* Bytes of the per-peer key that Salsa20/12 + Poly1305 use (of the 48 agreed). */
#define ZT_ARMOR_KEY_LEN 32

/* Set the cipher bits of pkt's flags (with the legacy 0x80 bit for suite 1, keeping the
 * fragmented bit and hops), encrypt the verb and payload for suite 1, and write the MAC.
 * len is the whole packet, 28..10024 bytes. Returns 0, -EINVAL (bad length or suite). */
int zt_armor_seal(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN], unsigned cipher);

/* Authenticate pkt (constant-time MAC check) and decrypt it for suite 1. Returns 0, -EBADMSG
 * (bad MAC or length: pkt untouched) or -EPROTONOSUPPORT (suite 2 or 3 or unknown). */
int zt_armor_open(uint8_t *pkt, size_t len, const uint8_t key[ZT_ARMOR_KEY_LEN]);

/* HELLO's cryptField: XOR field[0..len) with Salsa20/12 under the unmangled key and the packet ID
 * with its low 3 bits cleared. Its own inverse. */
void zt_armor_crypt_field(const uint8_t key[ZT_ARMOR_KEY_LEN], const uint8_t packet_id[8],
			  uint8_t *field, size_t len);

#endif
