#!/bin/sh
# Replay tests: each tests/replay/*/run.sh (or case directory) is run with
# the xdpvs-replay binary as $1.  Filled in as cases land.
bin=$1
fail=0; n=0
for t in tests/replay/*/run.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	if out=$(sh "$t" "$bin" 2>&1); then
		printf '  PASS   replay/%s\n' "$(basename "$(dirname "$t")")"
	else
		printf '  FAIL   replay/%s\n' "$(basename "$(dirname "$t")")"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "replay: $fail failed"; exit 1; }
echo "replay: all $n passed"
