#!/bin/sh
# Replay each fuzz harness's committed corpus: $1 the output directory,
# then the harness names; tests/fuzz/corpus/NAME/ through
# $1/tests/fuzz/replay_NAME.  One line each; a harness that exits 77
# (fuzz_xdp without BPF) is skipped, not failed; exit non-zero if any
# failed.
o=$1
shift
fail=0
skip=0
for n in "$@"; do
	out=$("$o/tests/fuzz/replay_$n" "tests/fuzz/corpus/$n" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '  PASS   fuzz/%s (%s)\n' "$n" "$out"
	elif [ "$rc" -eq 77 ]; then
		printf '  SKIP   fuzz/%s\n' "$n"
		printf '%s\n' "$out" | sed 's/^/         /'
		skip=$((skip + 1))
	else
		printf '  FAIL   fuzz/%s\n' "$n"
		printf '%s\n' "$out" | sed 's/^/         /'
		fail=$((fail + 1))
	fi
done
[ "$fail" -eq 0 ] || { echo "corpus: $fail failed"; exit 1; }
if [ "$skip" -eq 0 ]; then
	echo "corpus: all $# passed"
else
	echo "corpus: $(($# - skip)) passed, $skip skipped"
fi
