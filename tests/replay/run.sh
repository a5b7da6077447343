#!/bin/sh
# Replay tests: every tests/replay/*/case.py runs xdpvs-replay ($1) on
# frames it builds and checks what comes out.  Needs Debian's python3-scapy
# (/usr/bin/python3: the system Python, where Debian installs it).
bin=$(realpath "$1")
py=/usr/bin/python3
fail=0; n=0
for t in tests/replay/*/case.py; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$(dirname "$t")")
	if out=$(cd "$(dirname "$t")" && PYTHONPATH=.. "$py" case.py "$bin" 2>&1); then
		printf '  PASS   replay/%s\n' "$name"
	else
		printf '  FAIL   replay/%s\n' "$name"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "replay: $fail of $n failed"; exit 1; }
echo "replay: all $n passed"
