#!/bin/sh
# Fetch lwIP's source from Debian (the package liblwip-dev is built from: lwip 2.1.3+dfsg1-2),
# check it against the sha256 sums pinned here, unpack it into DIR and apply Debian's patches
# (its unix port: sys_arch.c, arch/cc.h). The daemon builds it with lwip/include/lwipopts.h; no
# lwIP code is kept in this tree. apt-get source with a deb-src copy of the machine's Debian
# sources, in a lists folder of our own, so nothing of the system's apt state changes.
# Usage: lwip/fetch.sh DIR   (DIR/lwip-2.1.3 is made; DIR/.ok marks a finished fetch)
set -e
DIR=$1
[ -n "$DIR" ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -f "$DIR/.ok" ] && exit 0
VER=2.1.3+dfsg1
ORIG=lwip_$VER.orig.tar.xz
ORIG_SHA=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
DEB=lwip_$VER-2.debian.tar.xz
DEB_SHA=c5a48413d362cc757032cdd58f528f75eb64ee781ca46ca24f010b49b0e62a90
rm -rf "$DIR"
mkdir -p "$DIR/apt/etc" "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial" "$DIR/dl"
DIR=$(cd "$DIR" && pwd)
src=""
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && grep -q '^URIs:.*debian' "$f" && src=$f && break
done
if [ -n "$src" ]; then
	sed 's/^Types:.*/Types: deb-src/' "$src" >"$DIR/apt/etc/src.sources"
elif [ -f /etc/apt/sources.list ]; then
	sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$DIR/apt/etc/src.list"
fi
APT="-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$DIR/apt/etc
 -o Dir::State::Lists=$DIR/apt/lists -o Dir::Cache=$DIR/apt/cache -o Debug::NoLocking=1
 -o APT::Sandbox::User=$(id -un)"
if ! apt-get $APT update >"$DIR/apt.log" 2>&1 ||
	! (cd "$DIR/dl" && apt-get $APT source --download-only lwip=$VER-2 >>"$DIR/apt.log" 2>&1); then
	echo "lwip/fetch.sh: could not fetch Debian's lwip $VER source (see $DIR/apt.log);" \
		"'make LWIP=system' builds against the installed liblwip-dev instead" >&2
	exit 1
fi
cd "$DIR/dl"
echo "$ORIG_SHA  $ORIG
$DEB_SHA  $DEB" | sha256sum -c --quiet || { echo "lwip/fetch.sh: checksum mismatch" >&2; exit 1; }
cd "$DIR"
tar xf "dl/$ORIG"
tar xf "dl/$DEB" -C lwip-2.1.3
cd lwip-2.1.3
for p in $(cat debian/patches/series); do
	patch -s -p1 <"debian/patches/$p"
done
touch "$DIR/.ok"
