#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# netcon idtool: the zerotier-idtool verbs, outputs and exit codes, against the lab identities.
cd "$(dirname "$0")/../.." || exit 1
NETCON=${NETCON:-${NETCON_BUILD:-build}/netcon}
NETCON=$(cd "$(dirname "$NETCON")" && pwd)/$(basename "$NETCON") # used from other directories
D=tests/data/zt
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
if [ ! -x "$NETCON" ]; then echo "1..0 # SKIP $NETCON not built"; exit 0; fi
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

"$NETCON" idtool --help >"$T/out" 2>&1; ok $? "--help exits 0"
grep -q 'verify <identity.secret/public> <file> <signature>' "$T/out"; ok $? "--help lists verify"
"$NETCON" idtool >"$T/out" 2>&1; [ $? = 1 ] && grep -q generate "$T/out"; ok $? "no command: usage, exit 1"
"$NETCON" idtool frobnicate >"$T/out" 2>&1; [ $? = 1 ]; ok $? "unknown command: exit 1"
"$NETCON" idtool validate >/dev/null 2>&1; [ $? = 1 ]; ok $? "validate without a file: exit 1"

for node in root m1 m2 m3-legacy; do
	for kind in secret public; do
		out=$("$NETCON" idtool validate "$D/$node.identity.$kind" 2>&1)
		[ $? = 0 ] && [ "$out" = "$D/$node.identity.$kind is a valid identity" ]
		ok $? "validate $node.identity.$kind"
	done
	"$NETCON" idtool getpublic "$D/$node.identity.secret" >"$T/pub"
	cmp -s "$T/pub" "$D/$node.identity.public"; ok $? "getpublic $node gives its identity.public byte for byte"
done

# Tampering: one hex digit of the public key changed.
sed 's/^\(.\{20\}\)./\10/' "$D/m1.identity.public" >"$T/bad"
cmp -s "$T/bad" "$D/m1.identity.public" && sed -i 's/^\(.\{20\}\)./\11/' "$T/bad"
out=$("$NETCON" idtool validate "$T/bad" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "$T/bad FAILED validation." ]; ok $? "tampered identity FAILED validation, exit 1"
out=$("$NETCON" idtool validate "$T/nonexistent" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "Identity argument invalid or file unreadable: $T/nonexistent" ]
ok $? "unreadable file: message and exit 1"
echo "not an identity" >"$T/junk"
"$NETCON" idtool getpublic "$T/junk" >/dev/null 2>&1; [ $? = 1 ]; ok $? "garbage identity: exit 1"
out=$("$NETCON" idtool validate "$(cat "$D/root.identity.public")" 2>&1)
[ $? = 0 ] && echo "$out" | grep -q 'is a valid identity$'; ok $? "identity given literally on the command line"

# Sign and verify.
printf 'netcon idtool test message\n' >"$T/msg"
sig=$("$NETCON" idtool sign "$D/m2.identity.secret" "$T/msg"); rc=$?
[ $rc = 0 ] && echo "$sig" | grep -Eq '^[0-9a-f]{192}$'; ok $? "sign prints 96 bytes of hex"
sig2=$("$NETCON" idtool sign "$D/m2.identity.secret" "$T/msg")
[ "$sig" = "$sig2" ]; ok $? "signatures are deterministic (Ed25519)"
# The last 32 bytes are the first half of SHA-512 of the message.
h=$(sha512sum "$T/msg" | cut -c1-64)
[ "$(echo "$sig" | cut -c129-192)" = "$h" ]; ok $? "signature ends with SHA-512(message)[0..31]"
out=$("$NETCON" idtool verify "$D/m2.identity.public" "$T/msg" "$sig" 2>&1)
[ $? = 0 ] && [ "$out" = "$T/msg signature valid" ]; ok $? "verify with the public identity"
printf '%s' "$sig" >"$T/sig"
"$NETCON" idtool verify "$D/m2.identity.public" "$T/msg" "$T/sig" >/dev/null 2>&1; ok $? "verify a signature read from a file"
out=$("$NETCON" idtool verify "$D/m1.identity.public" "$T/msg" "$sig" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "$T/msg signature check FAILED" ]; ok $? "another identity: FAILED, exit 1"
printf 'netcon idtool test messagf\n' >"$T/msg2"
"$NETCON" idtool verify "$D/m2.identity.public" "$T/msg2" "$sig" >/dev/null 2>&1; [ $? = 1 ]; ok $? "altered message fails"
badsig=$(echo "$sig" | sed 's/^./0/;t' | sed 's/^0/1/')
[ "$badsig" = "$sig" ] && badsig=$(echo "$sig" | sed 's/^./2/')
"$NETCON" idtool verify "$D/m2.identity.public" "$T/msg" "$badsig" >/dev/null 2>&1; [ $? = 1 ]; ok $? "altered signature fails"
out=$("$NETCON" idtool sign "$D/m2.identity.public" "$T/msg" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "$D/m2.identity.public does not contain a private key (must use private to sign)" ]
ok $? "sign with a public identity: message and exit 1"
out=$("$NETCON" idtool sign "$D/m2.identity.secret" "$T/none" 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "$T/none is not readable" ]; ok $? "sign an unreadable file: exit 1"

# Generate.
"$NETCON" idtool generate >"$T/gen" 2>/dev/null; rc=$?
[ $rc = 0 ] && grep -Eq '^[0-9a-f]{10}:0:[0-9a-f]{128}:[0-9a-f]{128}$' "$T/gen" && [ "$(wc -c <"$T/gen")" = 270 ]
ok $? "generate prints a secret identity (no newline)"
"$NETCON" idtool validate "$T/gen" >/dev/null; ok $? "and it validates"
out=$(cd "$T" && "$NETCON" idtool generate s.secret s.public 2>&1); rc=$?
[ $rc = 0 ] && [ "$out" = "s.secret written
s.public written" ]; ok $? "generate FILE FILE: both written"
[ "$(cut -c1-141 "$T/s.secret")" = "$(cat "$T/s.public")" ] && [ "$(wc -c <"$T/s.public")" = 141 ]
ok $? "the public file is the secret's public part"
[ "$(stat -c %a "$T/s.secret")" = 600 ]; ok $? "identity.secret is mode 600"
"$NETCON" idtool generate "$T/nodir/x.secret" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && grep -q "^Error writing to $T/nodir/x.secret" "$T/err"; ok $? "unwritable file: error, exit 1"
"$NETCON" idtool generate "$T/v.secret" "$T/v.public" a >/dev/null 2>"$T/err"; rc=$?
[ $rc = 0 ] && grep -q '^a' "$T/v.public" && grep -q 'vanity address: found a' "$T/err"
ok $? "vanity prefix 'a'"

echo "1..$n"
exit $fail
