/* SPDX-License-Identifier: BSD-2-Clause */
/* The netcon release version, printed by `netcon --version` and reported in status. */
#ifndef NETCON_VERSION_H
#define NETCON_VERSION_H
#define NETCON_VERSION "0.1.0"
#endif
