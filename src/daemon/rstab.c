// SPDX-License-Identifier: BSD-2-Clause
/* The reset table: a shared read-only memfd telling programs which connections were reset. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/rstab.h"
#include "netcon/rpc.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static uint32_t *tab;
static int tab_fd = -1;
/* Slots never used yet are handed out first, then freed ones oldest first: a slot whose reset a
 * program has not read yet keeps its meaning as long as possible. */
static uint32_t next_fresh = 1;
static uint32_t *freeq;
static uint32_t fq_head, fq_len;

int rstab_init(void)
{
	size_t size = (size_t)NC_RST_SLOTS * sizeof(uint32_t);
	char path[64];
	int fd, ro, e;
	void *p;

	fd = memfd_create("netcon-reset", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		goto fail;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	freeq = calloc(NC_RST_SLOTS, sizeof(*freeq));
	if (!freeq) {
		munmap(p, size);
		errno = ENOMEM;
		goto fail;
	}
	tab = p;
	/* Programs may read, never write, shrink or grow it: a descriptor opened read-only, and
	 * seals for kernels that honour them. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE) < 0)
		fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro >= 0) {
		close(fd);
		fd = ro;
	} else {
		log_warn("reset table: no read-only descriptor (%m); passing the sealed one");
	}
	tab_fd = fd;
	return 0;
fail:
	e = -errno;
	close(fd);
	return e;
}

int rstab_fd(void)
{
	return tab_fd;
}

void rstab_alloc(uint32_t *slot, uint32_t *gen)
{
	uint32_t s = 0, g;

	if (!tab) {
		*slot = *gen = 0;
		return;
	}
	if (next_fresh < NC_RST_SLOTS) {
		s = next_fresh++;
	} else if (fq_len) {
		s = freeq[fq_head];
		fq_head = (fq_head + 1) % NC_RST_SLOTS;
		fq_len--;
	}
	if (!s) {
		*slot = *gen = 0;
		return;
	}
	g = ((tab[s] & NC_RST_GEN_MASK) + 1) & NC_RST_GEN_MASK;
	if (!g)
		g = 1;
	__atomic_store_n(&tab[s], g, __ATOMIC_RELEASE);
	*slot = s;
	*gen = g;
}

void rstab_reset(uint32_t slot, uint32_t gen)
{
	if (!tab || !slot || slot >= NC_RST_SLOTS || (tab[slot] & NC_RST_GEN_MASK) != gen)
		return;
	__atomic_store_n(&tab[slot], gen | NC_RST_RESET, __ATOMIC_RELEASE);
}

void rstab_free(uint32_t slot)
{
	if (!tab || !slot || slot >= NC_RST_SLOTS || fq_len >= NC_RST_SLOTS)
		return;
	freeq[(fq_head + fq_len) % NC_RST_SLOTS] = slot;
	fq_len++;
}
