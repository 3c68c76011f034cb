#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# netcon planet: show the lab and public planets, create/update/show round trips, bad input.
. "$(dirname "$0")/lib.sh"
[ -x "$NETCON" ] || skip_all "build/netcon not built"
D=$TOP/tests/data/zt
W=$(tmpdir)

# expect_rc WANT "description" command...: ok if the command exits WANT
expect_rc() {
	want=$1; d=$2; shift 2
	"$@" >"$W/out" 2>"$W/err"; rc=$?
	if [ "$rc" = "$want" ]; then ok "$d"; else not_ok "$d (exit $rc, want $want)"; sed 's/^/# /' "$W/err"; fi
}
has() { grep -qF -- "$1" "$W/out"; }
size() { wc -c <"$1" | tr -d ' '; }

expect_rc 0 "show the lab planet" "$NETCON" planet show "$D/planet.bin"
check "world 2054450274" has "world 2054450274 (000000007a746c62)"
check "type planet, timestamp" sh -c "grep -qx 'type planet' '$W/out' && grep -qx 'timestamp 1795959366112' '$W/out'"
check "root 5f4e89e209 at 10.213.0.1/9993" grep -qx "root 5f4e89e209 10.213.0.1/9993" "$W/out"
check "signature valid" grep -qx "signature valid" "$W/out"

expect_rc 0 "show --json" "$NETCON" planet show --json "$D/planet.bin"
check "json: id, root, endpoint" sh -c "grep -qF '\"idDecimal\":2054450274' '$W/out' && grep -qF '\"address\":\"5f4e89e209\",\"identity\":\"$(cat "$D/root.identity.public")\",\"stableEndpoints\":[\"10.213.0.1/9993\"]' '$W/out'"
if command -v python3 >/dev/null; then
	check "json parses" sh -c "python3 -m json.tool '$W/out' >/dev/null"
else
	ok "json parses # SKIP no python3"
fi

expect_rc 0 "show the public planet" "$NETCON" planet show "$D/public-planet.bin"
check "world 149604618 with 4 roots, IPv4+IPv6 each" sh -c "has() { grep -qF -- \"\$1\" '$W/out'; }; has 'world 149604618' && [ \$(grep -c '^root .* .*/9993 .*:.*/9993\$' '$W/out') = 4 ] && grep -qx 'root cafe9efeb9 104.194.8.134/9993 2605:9880:200:1200:30:571:e34:51/9993' '$W/out'"

# Create with the lab's id, timestamp and root: only the update key and signature may differ.
expect_rc 0 "create a planet like the lab's" "$NETCON" planet create --root "$D/root.identity.public" \
	--endpoint 10.213.0.1/9993 --id 2054450274 --timestamp 1795959366112 --out "$W/lab"
check "257 bytes" [ "$(size "$W/lab")" = 257 ]
head -c 17 "$D/planet.bin" >"$W/a"; head -c 17 "$W/lab" >"$W/b"
check "type, id and timestamp bytes equal the lab planet's" cmp -s "$W/a" "$W/b"
tail -c +178 "$D/planet.bin" >"$W/a"; tail -c +178 "$W/lab" >"$W/b"
check "root count, identity and endpoint bytes equal the lab planet's" cmp -s "$W/a" "$W/b"
check "signing key kept with mode 0600" [ "$(stat -c %a "$W/lab.signing-key")" = 600 ]
check "signing key file: 128 hex : 128 hex" grep -qxE '[0-9a-f]{128}:[0-9a-f]{128}' "$W/lab.signing-key"
expect_rc 0 "the created planet shows" "$NETCON" planet show "$W/lab"
check "and verifies" sh -c "grep -qx 'signature valid' '$W/out' && grep -qx 'root 5f4e89e209 10.213.0.1/9993' '$W/out'"
key=$(cut -c1-128 "$W/lab.signing-key")
check "its update key is the kept public key" grep -qx "update key $key" "$W/out"

# Same inputs and key: Ed25519 is deterministic, so the same bytes.
cp "$W/lab" "$W/lab.first"
rm "$W/lab"
expect_rc 0 "create again with the kept key" "$NETCON" planet create --root "$D/root.identity.public" \
	--endpoint 10.213.0.1/9993 --id 2054450274 --timestamp 1795959366112 --out "$W/lab"
check "byte-identical" cmp -s "$W/lab" "$W/lab.first"

# Two roots, several endpoints, then an update.
expect_rc 0 "create a two-root planet" "$NETCON" planet create \
	--root "$D/root.identity.public" --endpoint 10.213.0.1/9993 --endpoint fd00:213::1/9993 \
	--root "$D/m1.identity.secret" --endpoint 10.213.0.11/9993 --out "$W/two"
check "355 bytes" [ "$(size "$W/two")" = 355 ]
expect_rc 0 "it shows" "$NETCON" planet show "$W/two"
check "both roots with their endpoints" sh -c "grep -qx 'root 5f4e89e209 10.213.0.1/9993 fd00:213::1/9993' '$W/out' && grep -qx 'root 8f953d94cf 10.213.0.11/9993' '$W/out'"
check "the secret key is not in the file" sh -c "! grep -qF \"\$(cut -d: -f4 '$D/m1.identity.secret' | head -c 32)\" '$W/two'"
id1=$(sed -n 's/^world \([0-9]*\) .*/\1/p' "$W/out")
ts1=$(sed -n 's/^timestamp //p' "$W/out")
expect_rc 0 "update it (one root)" "$NETCON" planet create --root "$D/root.identity.public" \
	--endpoint 10.213.0.1/9993 --out "$W/two"
expect_rc 0 "the update shows" "$NETCON" planet show "$W/two"
id2=$(sed -n 's/^world \([0-9]*\) .*/\1/p' "$W/out")
ts2=$(sed -n 's/^timestamp //p' "$W/out")
check "same world id, later timestamp" sh -c "[ -n '$id1' ] && [ '$id1' = '$id2' ] && [ '$ts2' -gt '$ts1' ]"
check "one root now, signature valid" sh -c "[ \$(grep -c '^root ' '$W/out') = 1 ] && grep -qx 'signature valid' '$W/out'"
expect_rc 1 "an older --timestamp is refused" "$NETCON" planet create --root "$D/root.identity.public" \
	--endpoint 10.213.0.1/9993 --timestamp 1000 --out "$W/two"

expect_rc 0 "a moon" "$NETCON" planet create --moon --root "$D/root.identity.public" \
	--endpoint 10.213.0.1/9993 --out "$W/moon"
expect_rc 0 "the moon shows" "$NETCON" planet show "$W/moon"
check "moon id is the root's address" sh -c "grep -qx 'type moon' '$W/out' && grep -qF '(0000005f4e89e209)' '$W/out'"

# Tampering.
cp "$W/lab" "$W/bad"
printf '\001' | dd of="$W/bad" bs=1 seek=250 conv=notrunc 2>/dev/null
expect_rc 1 "a tampered planet fails" "$NETCON" planet show "$W/bad"
check "and says so" sh -c "grep -qx 'signature INVALID' '$W/out' && grep -q 'does not verify' '$W/err'"
head -c 200 "$W/lab" >"$W/short"
expect_rc 1 "a truncated planet fails" "$NETCON" planet show "$W/short"
check "not a valid world file" grep -q "not a valid world file" "$W/err"
cat "$W/lab" "$W/lab" >"$W/long"
expect_rc 1 "trailing bytes fail" "$NETCON" planet show "$W/long"

# Bad input.
cp "$D/planet.bin" "$W/theirs"
expect_rc 1 "updating a planet whose key we lack is refused" "$NETCON" planet create \
	--root "$D/root.identity.public" --endpoint 10.213.0.1/9993 --out "$W/theirs"
check "no signing key was made for it" [ ! -e "$W/theirs.signing-key" ]
check "and the file is unchanged" cmp -s "$W/theirs" "$D/planet.bin"
expect_rc 2 "no --out" "$NETCON" planet create --root "$D/root.identity.public" --endpoint 1.2.3.4/9993
expect_rc 2 "no --root" "$NETCON" planet create --out "$W/x"
expect_rc 2 "--endpoint before --root" "$NETCON" planet create --endpoint 1.2.3.4/9993 --out "$W/x"
expect_rc 2 "a root without endpoint" "$NETCON" planet create --root "$D/root.identity.public" --out "$W/x"
expect_rc 2 "endpoint without port" "$NETCON" planet create --root "$D/root.identity.public" --endpoint 1.2.3.4 --out "$W/x"
expect_rc 2 "endpoint port out of range" "$NETCON" planet create --root "$D/root.identity.public" --endpoint 1.2.3.4/70000 --out "$W/x"
expect_rc 1 "a missing identity file" "$NETCON" planet create --root "$W/nope" --endpoint 1.2.3.4/9993 --out "$W/x"
echo "5f4e89e209:0:00" >"$W/badid"
expect_rc 1 "a bad identity" "$NETCON" planet create --root "$W/badid" --endpoint 1.2.3.4/9993 --out "$W/x"
check "nothing written on errors" [ ! -e "$W/x" ]
expect_rc 1 "show a missing file" "$NETCON" planet show "$W/nope"
expect_rc 1 "show a non-world" "$NETCON" planet show "$D/root.identity.public"
expect_rc 2 "unknown action" "$NETCON" planet frobnicate
expect_rc 2 "no action" "$NETCON" planet
expect_rc 0 "--help" "$NETCON" planet --help
check "help mentions create and show" sh -c "grep -q 'planet show' '$W/out' && grep -q 'planet create' '$W/out'"

done_testing
