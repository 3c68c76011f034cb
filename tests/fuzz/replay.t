#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Replay every fuzz corpus through its libFuzzer harness (built by `make fuzz`): no crash, no
# sanitizer report. Harnesses that clang could not build are reported as skipped, not passed.
cd "$(dirname "$0")/../.." || exit 1
n=0
set -- tests/fuzz/fuzz_*.c
[ -f "$1" ] || { echo "1..0 # SKIP no fuzz harnesses"; exit 0; }
echo "1..$#"
for src in "$@"; do
	name=$(basename "$src" .c)
	n=$((n + 1))
	bin=${NETCON_BUILD:-build}/fuzz/$name
	corpus=tests/fuzz/corpus/${name#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "ok $n - $name # SKIP not built (no clang?)"
		continue
	fi
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		echo "not ok $n - $name: empty corpus $corpus"
		continue
	fi
	if out=$("$bin" -runs=0 "$corpus"/* 2>&1) && ! echo "$out" | grep -q 'ERROR: \|runtime error'; then
		echo "ok $n - $name replays $(ls "$corpus" | wc -l) inputs"
	else
		echo "not ok $n - $name"
		echo "$out" | tail -20 | sed 's/^/# /'
	fi
done
