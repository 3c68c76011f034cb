/* SPDX-License-Identifier: BSD-2-Clause */
/* ZeroTier's public planet, compiled in as the default world. */
#ifndef NETCON_ZT_PLANET_DEFAULT_H
#define NETCON_ZT_PLANET_DEFAULT_H

#include <stdint.h>

#define ZT_PLANET_DEFAULT_LEN 570

extern const uint8_t zt_planet_default[ZT_PLANET_DEFAULT_LEN];

#endif
