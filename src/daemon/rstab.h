/* SPDX-License-Identifier: BSD-2-Clause */
/* The reset table: a shared read-only memfd telling programs which connections were reset. */
#ifndef NETCON_RSTAB_H
#define NETCON_RSTAB_H

#include <stdint.h>

/* Create the table (NC_RST_SLOTS slots). Returns 0 or -errno; without it no reset is reported. */
int rstab_init(void);
/* A read-only descriptor of the table for a HELLO/CLONE reply, or -1. Owned by rstab. */
int rstab_fd(void);
/* A slot for a new connection and its generation; slot 0 when none is free. */
void rstab_alloc(uint32_t *slot, uint32_t *gen);
/* The connection was reset: its program reads ECONNRESET where it would read EOF. */
void rstab_reset(uint32_t slot, uint32_t gen);
/* The connection is gone: the slot goes to the end of the free queue. */
void rstab_free(uint32_t slot);

#endif
