#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tests/refvm-e2e.sh [REFVM_DIR [TEST...]]: end-to-end tests on another
# kernel: Debian 12's 6.1, in the reference VM of ../shared/refvm (qemu;
# REFVM_BUILD as that folder's README says), as tests/run-e2e.sh runs
# them here.  Not part of `make check`: run it by hand after changing
# bpf/ or dp/.  TEST: names under tests/e2e/ (default test-fastpath.sh,
# test-xdpvsd.sh, test-xdpvs-decap.sh, test-sync.sh); each one's output
# is printed.  All four take ~15 min.
# The VM is emulated (no KVM), many times slower than this host: the
# tests run there with XDPVS_TIME_SCALE=12 (longer waits and transfers,
# higher bounds) and test-fastpath's UDP streams at XDPVS_UDP_RATE=100
# datagrams a second (at 500 the real server's sockets overflow while a
# hand-over's verifier holds a CPU).
#
# The guest has libbpf and libxdp but not json-c: this host's (the same
# Debian release) is copied under build/refvm-lib/ for it.
set -eu
cd "$(dirname "$0")/.."
REFVM=${1:-../shared/refvm}
[ -x "$REFVM/run.sh" ] || { echo "no $REFVM/run.sh" >&2; exit 77; }
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- test-fastpath.sh test-xdpvsd.sh test-xdpvs-decap.sh \
	test-sync.sh
make -s
make -s build/tests/other/xdpvsd
lib=build/refvm-lib
mkdir -p "$lib"
cp -L /usr/lib/x86_64-linux-gnu/libjson-c.so.5 "$lib/"
cat >"$lib/e2e.sh" <<'GUEST'
#!/bin/sh
cd /mnt/host
echo "kernel $(uname -r)"
LD_LIBRARY_PATH=/mnt/host/build/refvm-lib
XDPVS_TIME_SCALE=12
XDPVS_UDP_RATE=100
export LD_LIBRARY_PATH XDPVS_TIME_SCALE XDPVS_UDP_RATE
fail=0
for t in "$@"; do
	start=$(date +%s)
	V=1 sh tests/run-e2e.sh build "tests/e2e/$t" || fail=1
	echo "  ($t: $(($(date +%s) - start)) s)"
done
exit $fail
GUEST
chmod +x "$lib/e2e.sh"
"$REFVM/run.sh" --share "$(pwd)" --timeout 1800 --script "$lib/e2e.sh" "$@"
