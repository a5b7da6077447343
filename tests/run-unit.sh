#!/bin/sh
# Run every unit-test binary given; print one line each and a summary.
# Exit status 77 from a test means "skipped" (a prerequisite such as root
# or BPF is missing).  Exit non-zero if any failed.
fail=0
skip=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '  PASS   %s\n' "${t#*/tests/unit/}"
	elif [ "$rc" -eq 77 ]; then
		printf '  SKIP   %s\n' "${t#*/tests/unit/}"
		printf '%s\n' "$out" | sed 's/^/         /'
		skip=$((skip + 1))
	else
		printf '  FAIL   %s\n' "${t#*/tests/unit/}"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "unit: $fail failed"; exit 1; }
if [ "$skip" -eq 0 ]; then
	echo "unit: all $# passed"
else
	echo "unit: $(($# - skip)) passed, $skip skipped"
fi
