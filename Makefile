# SPDX-License-Identifier: BSD-2-Clause
# netcon: one build for the daemon/CLI, the intercept library, tests, fuzzers and benchmarks.
#
#   make                  build/netcon and build/libnetcon.so
#   make check            build, install missing test packages (as root), run every test
#   make check SAN=address,undefined   the same under sanitizers
#   make fuzz             libFuzzer harnesses (clang) in build/fuzz/
#   make bench            benchmarks in bench/, printing ratios against a baseline
#   make stress           the stress suite (tests/stress); STRESS_SECONDS=3600 for the long form
#   make install PREFIX=/usr/local DESTDIR=
#   make deps             apt-get the build and test packages that are missing (root)
#   make bench-deps       the same plus wireguard-go, wg and perf for bench/net.sh
#   make format           clang-format every source file

CC ?= cc
comma := ,
PREFIX ?= /usr/local
DESTDIR ?=
# A sanitizer build lives apart, so switching never mixes objects.
B ?= build$(if $(SAN),-san)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
OPT ?= -O2 -g
ifdef SAN
# _FORTIFY_SOURCE and ASan disagree on some wrappers; ASan checks more anyway.
HARDEN :=
else
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
endif
CFLAGS_BASE := -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) $(HARDEN) -Iinclude -Isrc -fPIC $(EXTRA_CFLAGS)
ifdef WERROR
CFLAGS_BASE += -Werror
endif
CFLAGS_ALL := $(CFLAGS_BASE)
CFLAGS_ICPT := $(CFLAGS_BASE)
ifdef SAN
CFLAGS_ALL += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=$(SAN)
# The intercept is loaded into programs that are not ours (curl deadlocks with the ASan runtime
# preloaded): it gets UBSan only, which needs no runtime first in line.
ICPT_SAN := $(filter undefined,$(subst $(comma), ,$(SAN)))
ifneq ($(ICPT_SAN),)
CFLAGS_ICPT += -fsanitize=undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDSAN_ICPT := -fsanitize=undefined
endif
# The daemon's seccomp filter lets the sanitizer runtimes make their own calls.
CFLAGS_ALL += -DNETCON_SANITIZER
ifneq ($(findstring address,$(SAN)),)
# Our own ASan-built test programs run with the intercept preloaded ahead of the ASan runtime.
CFLAGS_ALL += -DNETCON_ASAN_BUILD
endif
endif

# lwIP: by default our own build (LWIP=own) of Debian's lwIP source, pinned and checksummed
# (lwip/fetch.sh), with lwip/include/lwipopts.h: 4 MiB TCP windows, SACK (doc/design.md, "Our own
# lwIP build"). LWIP=system uses the installed liblwip-dev as Debian compiled it (64 KiB windows).
LWIP ?= own
ifeq ($(LWIP),system)
# Asked of pkg-config at first use, not when make reads this file: `make deps all` on a fresh
# machine installs liblwip-dev between the two (a value taken at parse time would be empty).
LWIP_CFLAGS = $(eval LWIP_CFLAGS := $(shell pkg-config --cflags lwip 2>/dev/null))$(LWIP_CFLAGS)
LWIP_LIBS = $(eval LWIP_LIBS := $(shell pkg-config --libs lwip 2>/dev/null || echo -llwip))$(LWIP_LIBS)
LWIP_DEP :=
else
# The source is fetched once for every build folder; each compiles it with its own flags.
LWIP_SRC := build/lwip-src/lwip-2.1.3
LWIP_CFLAGS := -Ilwip/include -I$(LWIP_SRC)/src/include -I$(LWIP_SRC)/port/include
LWIP_LIBS := $(B)/lwip/liblwip.a
LWIP_DEP := $(B)/lwip/liblwip.a
endif
LIBS = $(LWIP_LIBS) -lsodium -llz4 -lpthread

COMMON_SRC := $(wildcard src/common/*.c)
ZT_SRC := $(wildcard src/zt/*.c)
DAEMON_SRC := $(wildcard src/daemon/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
ICPT_SRC := $(wildcard src/intercept/*.c)
# The intercept links only libc: it takes the common files that do no allocation or stdio.
ICPT_COMMON := src/common/log.c src/common/fdpass.c src/common/addr.c src/common/rpc_check.c \
	src/common/dns.c src/common/route.c \
	src/common/sockopts.c

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
picobj = $(patsubst %.c,$(B)/pic/%.o,$(1))

NETCON_OBJ := $(call obj,$(COMMON_SRC) $(ZT_SRC) $(DAEMON_SRC) $(CLI_SRC))
ICPT_OBJ := $(call picobj,$(ICPT_SRC) $(ICPT_COMMON))

UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
INTEG_SRC := $(wildcard tests/integ/*.c)
INTEG_BIN := $(patsubst tests/integ/%.c,$(B)/tests/integ/%,$(INTEG_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))

.PHONY: all check deps bench-deps fuzz fuzz-replay bench install format format-check clean tests apps stress demo interop

all: $(B)/netcon $(B)/libnetcon.so

$(B)/obj/%.o: %.c $(LWIP_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LWIP_CFLAGS) -MMD -MP -c $< -o $@

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ICPT) -fvisibility=hidden -MMD -MP -c $< -o $@

$(B)/netcon: $(NETCON_OBJ) $(LWIP_DEP)
	$(CC) $(LDSAN) -o $@ $(NETCON_OBJ) $(LIBS)

FORCE:

build/lwip-src/.ok: lwip/fetch.sh
	lwip/fetch.sh build/lwip-src

# lwIP is not our code: compiled without our warnings, with the build's optimisation and sanitizers.
# Always asked of lwip/lwip.mk, which knows lwIP's objects and remakes only what is out of date.
$(B)/lwip/liblwip.a: build/lwip-src/.ok lwip/include/lwipopts.h lwip/lwip.mk FORCE
	@$(MAKE) --no-print-directory -f lwip/lwip.mk SRC=$(LWIP_SRC) OUT=$(B)/lwip \
		LWIP_CC_FLAGS="-std=gnu11 -D_GNU_SOURCE $(OPT) -fPIC -w $(filter -fsanitize% -fno-%,$(CFLAGS_ALL))"

# The sandbox names a refused system call: every name, from the C library's <sys/syscall.h>.
$(B)/gen/sysnames.h:
	@mkdir -p $(dir $@)
	echo '#include <sys/syscall.h>' | $(CC) -E -dM -x c - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/SANDBOX_NAME(\1)/p' | sort >$@.tmp && mv $@.tmp $@
$(B)/obj/src/daemon/sandbox.o: $(B)/gen/sysnames.h
$(B)/obj/src/daemon/sandbox.o: CFLAGS_ALL += -I$(B)/gen
$(B)/fuzzobj/src/daemon/sandbox.o: $(B)/gen/sysnames.h
$(B)/fuzzobj/src/daemon/sandbox.o: FUZZ_FLAGS += -I$(B)/gen

$(B)/libnetcon.so: $(ICPT_OBJ)
	$(CC) $(LDSAN_ICPT) -shared -Wl,-z,defs -o $@ $^ -ldl -lpthread

# Library archives for tests: an archive link pulls in only the objects a test uses.
$(B)/libnc.a: $(call obj,$(COMMON_SRC) $(ZT_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The file module's test watches its system calls through the linker.
UNIT_LDFLAGS_file := -Wl,--wrap=fsync,--wrap=rename,--wrap=open
# A daemon layer's test links that layer's object and fakes the layer below it.
UNIT_OBJS_daemon_ctrl := $(B)/obj/src/daemon/ctrl.o
$(B)/tests/unit/daemon_ctrl: $(UNIT_OBJS_daemon_ctrl)
UNIT_OBJS_daemon_ztnet := $(addprefix $(B)/obj/src/daemon/,ztnet.o stack.o resolv.o)
UNIT_LDFLAGS_daemon_ztnet = $(LWIP_LIBS)
$(B)/tests/unit/daemon_ztnet: $(UNIT_OBJS_daemon_ztnet) $(LWIP_DEP)

$(B)/tests/unit/%: tests/unit/%.c $(B)/libnc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $< $(UNIT_OBJS_$*) $(B)/libnc.a $(UNIT_LDFLAGS_$*) \
		$(LDSAN) -lsodium -llz4 -lpthread

# The virtual socket's state machine: the test links only the file it tests.
$(B)/tests/unit/vconn_fsm: tests/unit/vconn_fsm.c $(B)/obj/src/daemon/vconn_fsm.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $^ $(LDSAN)

$(B)/tests/integ/%: tests/integ/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $< $(LDSAN) -lpthread

# zt_inject speaks ZeroTier through our protocol library.
$(B)/tests/integ/zt_inject: tests/integ/zt_inject.c $(B)/libnc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $< $(B)/libnc.a $(LDSAN) -lsodium -llz4 -lpthread

$(B)/bench/%: bench/%.c $(B)/libnc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $< $(B)/libnc.a $(LDSAN) -lsodium -llz4 -lpthread

# Programs the intercept cannot reach, for the --isolate and seccomp tests: a static musl build
# and a Go build (stdlib only, offline). The tools are looked for when the recipe runs, not when
# make reads this file (`make check` installs them first); without them the tests say skip.
FOREIGN_BIN := $(B)/tests/integ/rawnet.musl $(B)/tests/integ/gonet $(B)/tests/integ/tcp_api.musl

$(B)/tests/integ/rawnet.musl: tests/integ/rawnet.c
	@mkdir -p $(dir $@)
	@if command -v musl-gcc >/dev/null 2>&1; then \
		echo "musl-gcc -static -o $@ $<"; \
		musl-gcc -static -std=gnu11 -D_GNU_SOURCE -O2 -Wall -o $@ $<; \
	else echo "no musl-gcc (musl-tools): $@ not built"; fi

# tcp_api.c built static with musl, for tests/apps/musl-tcpapi (the seccomp front end).
$(B)/tests/integ/tcp_api.musl: tests/integ/tcp_api.c
	@mkdir -p $(dir $@)
	@if command -v musl-gcc >/dev/null 2>&1; then \
		echo "musl-gcc -static -o $@ $<"; \
		musl-gcc -static -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Itests -o $@ $<; \
	else echo "no musl-gcc (musl-tools): $@ not built"; fi

$(B)/tests/integ/gonet: tests/integ/gonet.go
	@mkdir -p $(dir $@) $(abspath $(B))/gocache
	@if command -v go >/dev/null 2>&1; then \
		echo "go build -o $@ $<"; \
		GOCACHE=$(abspath $(B))/gocache GOFLAGS= GO111MODULE=off CGO_ENABLED=0 \
			go build -o $@ $<; \
	else echo "no go (golang-go): $@ not built"; fi

tests: all $(UNIT_BIN) $(INTEG_BIN) $(FOREIGN_BIN)

# `make check`: what CI runs. Installs what is missing when root, then runs every test with prove.
check: deps tests fuzz-replay-build
	NETCON_BUILD=$(abspath $(B)) tests/run-all

deps:
	@tests/deps.sh

bench-deps:
	@tests/deps.sh bench

# Fuzz harnesses: clang + libFuzzer + ASan/UBSan. The sources they test are compiled once into
# one archive (instrumented for coverage, not linked with libFuzzer's main), and every harness
# links that archive: an archive link pulls in only the objects a harness uses.
FUZZ_CC ?= clang
FUZZ_SAN := address,undefined
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc
FUZZ_OBJ := $(patsubst %.c,$(B)/fuzzobj/%.o,$(COMMON_SRC) $(ZT_SRC))

$(B)/fuzzobj/%.o: %.c $(LWIP_DEP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(LWIP_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -MMD -MP -c $< -o $@

$(B)/fuzz/libfuzznc.a: $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/fuzz/%: tests/fuzz/%.c $(B)/fuzz/libfuzznc.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -MMD -MP -o $@ $< \
		$(B)/fuzz/libfuzznc.a -lsodium -llz4 -lpthread

# The stateful handler fuzzer links the daemon itself (not its main or its epoll loop, which the
# harness drives) and lwIP: its objects are a second archive, built like the first.
FUZZ_HANDLERS_SRC := $(filter-out src/daemon/daemon.c src/daemon/loop.c,$(DAEMON_SRC))
$(B)/fuzz/libfuzzdaemon.a: $(patsubst %.c,$(B)/fuzzobj/%.o,$(FUZZ_HANDLERS_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The harness keeps lwIP's clock (sys_now) itself: our static lwIP's own is made weak in a copy.
FUZZ_LWIP_LIBS = $(if $(LWIP_DEP),$(B)/fuzz/liblwip-fuzz.a,$(LWIP_LIBS))
$(B)/fuzz/liblwip-fuzz.a: $(LWIP_DEP)
	@mkdir -p $(dir $@)
	objcopy --weaken-symbol=sys_now $< $@

$(B)/fuzz/fuzz_handlers: tests/fuzz/fuzz_handlers.c $(B)/fuzz/libfuzzdaemon.a $(B)/fuzz/libfuzznc.a \
		$(if $(LWIP_DEP),$(B)/fuzz/liblwip-fuzz.a)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(LWIP_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -MMD -MP -o $@ $< \
		$(B)/fuzz/libfuzzdaemon.a $(B)/fuzz/libfuzznc.a $(FUZZ_LWIP_LIBS) -lsodium -llz4 -lpthread

fuzz: $(FUZZ_BIN)

# make check replays every corpus through the harnesses (built if clang is present).
fuzz-replay-build:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) --no-print-directory fuzz; fi

bench: bench-deps all $(BENCH_BIN)
	bench/run-all

apps: tests
	tests/apps/run-all

# The stress suite (tests/stress): short by default; STRESS_SECONDS=3600 make stress for the long form.
stress: tests
	tests/stress/run-all

demo: all
	tests/demo.sh

# netcon against a stock ZeroTierOne node in both roles: ZEROTIER_ONE=/path/to/zerotier-one (root).
interop: all
	NETCON_BUILD=$(abspath $(B)) tests/interop/stock.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/netcon $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/netcon $(DESTDIR)$(PREFIX)/bin/netcon
	install -m 0755 $(B)/libnetcon.so $(DESTDIR)$(PREFIX)/lib/netcon/libnetcon.so
	install -m 0644 doc/netcon.1 $(DESTDIR)$(PREFIX)/share/man/man1/netcon.1
	@# The user a daemon started as root becomes (src/daemon/sandbox.c); a staged install
	@# (DESTDIR) leaves that to the package's own scripts.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ! getent passwd netcon >/dev/null; then \
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin netcon && echo "install: created system user netcon"; fi

FMT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FMT_FILES)

format-check:
	@clang-format --dry-run -Werror $(FMT_FILES)

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
