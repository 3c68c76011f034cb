// SPDX-License-Identifier: BSD-2-Clause
/* Which front end a program needs: LD_PRELOAD reaches only programs whose libc is loaded by ld.so. */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/elfkind.h"

#define ELFKIND_NOTE_MAX 4096
/* The note the Go linker writes (.note.go.buildid): name "Go\0\0", type 4. */
#define ELFKIND_GO_NOTE_TYPE 4

static int elfkind_open(const char *prog)
{
	char path[PATH_MAX];
	const char *env, *p, *colon;

	if (strchr(prog, '/'))
		return open(prog, O_RDONLY | O_CLOEXEC);
	env = getenv("PATH");
	for (p = env ? env : "/usr/local/bin:/usr/bin:/bin"; p; p = colon ? colon + 1 : NULL) {
		int fd, n;

		colon = strchr(p, ':');
		n = snprintf(path, sizeof(path), "%.*s/%s",
			     colon ? (int)(colon - p) : (int)strlen(p), p, prog);
		if (n <= 0 || n >= (int)sizeof(path) || access(path, X_OK) < 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* Does a PT_NOTE segment hold Go's build id note? */
static bool elfkind_go_note(int fd, const Elf64_Phdr *ph)
{
	unsigned char buf[ELFKIND_NOTE_MAX];
	size_t len = ph->p_filesz < sizeof(buf) ? ph->p_filesz : sizeof(buf), off = 0;

	if (pread(fd, buf, len, (off_t)ph->p_offset) != (ssize_t)len)
		return false;
	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		size_t name_at = off + sizeof(nh);

		memcpy(&nh, buf + off, sizeof(nh));
		if ((nh.n_namesz == 3 || nh.n_namesz == 4) && name_at + 3 <= len &&
		    memcmp(buf + name_at, "Go", 3) == 0 && nh.n_type == ELFKIND_GO_NOTE_TYPE)
			return true;
		off = name_at + ((nh.n_namesz + 3u) & ~3u) + ((nh.n_descsz + 3u) & ~3u);
	}
	return false;
}

const char *elfkind_needs_seccomp(const char *prog)
{
	const char *why = NULL;
	bool interp = false;
	Elf64_Ehdr eh;
	int fd = elfkind_open(prog);

	if (fd < 0)
		return NULL;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256)
		goto out;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (size_t)i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			goto out;
		if (ph.p_type == PT_INTERP) {
			char name[PATH_MAX];
			size_t len =
			    ph.p_filesz < sizeof(name) - 1 ? ph.p_filesz : sizeof(name) - 1;
			ssize_t n = pread(fd, name, len, (off_t)ph.p_offset);

			interp = true;
			name[n > 0 ? n : 0] = 0;
			if (strstr(name, "musl"))
				why = "musl";
		} else if (ph.p_type == PT_NOTE && !why && elfkind_go_note(fd, &ph)) {
			why = "Go";
		}
	}
	if (!interp && !why)
		why = "static";
out:
	close(fd);
	return why;
}
