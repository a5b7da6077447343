#!/bin/sh
# Replay each fuzz harness's committed corpus: $1 the output directory,
# then the harness names; tests/fuzz/corpus/NAME/ through
# $1/tests/fuzz/replay_NAME.  One line each; exit non-zero if any failed.
o=$1
shift
fail=0
for n in "$@"; do
	if out=$("$o/tests/fuzz/replay_$n" "tests/fuzz/corpus/$n" 2>&1); then
		printf '  PASS   fuzz/%s (%s)\n' "$n" "$out"
	else
		printf '  FAIL   fuzz/%s\n' "$n"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "corpus: $fail failed"; exit 1; }
echo "corpus: all $# passed"
