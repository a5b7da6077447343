#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo` keeps working: demo/demo.sh on the build in $XDPVS_BUILD
# exits 0, its bursts spread as rr and wrr say, and it leaves no
# namespace behind.  Exit 77 when not root or without namespaces.
set -u

BUILD=${XDPVS_BUILD:-build}
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/lib/lab.sh
. "$HERE/../lib/lab.sh"

lab_prerequisites
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
timeout 120 bash "$HERE/../../demo/demo.sh" "$BUILD" >"$out" 2>&1 &
pid=$!
wait "$pid"
rc=$?
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
[ "$rc" = 0 ] || fail "demo exit status $rc"
[ "$(grep -c '^  spread:' "$out")" = 2 ] &&
	grep -qx '  spread:  rs1 4  rs2 4  rs3 4' "$out" &&
	grep -qx '  spread:  rs1 8  rs2 4' "$out" || fail "spread"
grep -q "^TCP  198.18.100.1:80 *24 " "$out" || fail "-Ln --stats"
left=$(ip netns list | grep -- "-$pid\\b")
[ -z "$left" ] || fail "namespaces left: $left"
echo "demo: all passed"
