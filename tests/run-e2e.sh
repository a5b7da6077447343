#!/bin/sh
# Run every end-to-end script given (tests/e2e/test-<program>.sh) with the
# build directory in XDPVS_BUILD; print one line each and a summary.  Exit
# status 77 means "skipped" (not root, no netns, a tool missing).  Exit
# non-zero if any failed.
build=$1
shift
fail=0
skip=0
for t in "$@"; do
	name=$(basename "$t" .sh)
	out=$(XDPVS_BUILD=$build bash "$t" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '  PASS   e2e/%s\n' "$name"
	elif [ "$rc" -eq 77 ]; then
		printf '  SKIP   e2e/%s\n' "$name"
		skip=$((skip + 1))
	else
		printf '  FAIL   e2e/%s\n' "$name"
		fail=$((fail + 1))
	fi
	[ "$rc" -eq 0 ] && [ -z "$V" ] || printf '%s\n' "$out" | sed 's/^/         /'
done
[ "$fail" -eq 0 ] || { echo "e2e: $fail failed"; exit 1; }
echo "e2e: $(($# - skip)) passed, $skip skipped"
