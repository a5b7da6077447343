#!/bin/sh
# Run every unit-test binary given; print one line each and a summary.
# Exit non-zero if any failed.
fail=0
for t in "$@"; do
	if out=$("$t" 2>&1); then
		printf '  PASS   %s\n' "${t#*/tests/unit/}"
	else
		printf '  FAIL   %s\n' "${t#*/tests/unit/}"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "unit: $fail failed"; exit 1; }
echo "unit: all $# passed"
