#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian packages that building and testing netcon need, when they are missing.
# Runs apt-get only as root and only if something is missing, so `make check` is fast when set up.
set -e
PKGS="build-essential pkg-config patch xz-utils liblwip-dev libsodium-dev liblz4-dev clang libclang-rt-14-dev
 clang-format perl python3 curl socat nginx-light apache2 redis-server redis-tools openssh-server
 openssh-client openssh-sftp-server iproute2 nftables procps psmisc util-linux wrk iperf3
 musl-tools golang-go prometheus caddy etcd-server etcd-client busybox-static"
# `tests/deps.sh bench` adds what bench/net.sh compares against and profiles with.
[ "$1" = bench ] && PKGS="$PKGS wireguard-go wireguard-tools linux-perf"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# The dedicated user a daemon started as root becomes (src/daemon/sandbox.c): without it, it runs
# as nobody, which other programs may share.
if [ "$(id -u)" = 0 ] && ! getent passwd netcon >/dev/null; then
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin netcon
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
	exit 0
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
