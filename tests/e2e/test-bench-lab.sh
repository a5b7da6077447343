#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the benchmark's lab (bench/lab.sh, used by `make bench`):
# the namespaces come up, every server answers over plain forwarding, the
# threads are placed as the CPU attribution needs, and - when the bench
# helper is built (make bench-tools) - XDP-generated UDP crosses the
# XDP-ceiling forwarder and is counted; then everything is gone again.
# Exit 0 pass, 1 fail, 77 skipped (not root, a tool missing, a bench
# lab already running).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
export XDPVS_BUILD=${XDPVS_BUILD:-build}
LAB_DIR=/run/xdpvs-bench-test.$$
. "$HERE/../../bench/lab.sh"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
for c in ip ethtool nsenter taskset flock curl nginx iperf3; do
	command -v "$c" >/dev/null || skip "$c not installed"
done
[ -x "$LAB_XBENCH" ] || skip "$LAB_XBENCH not built (make bench-tools)"
[ "$(nproc)" -ge 2 ] || { LAB_LB_CPU=0; }
trap lab_release EXIT
lab_up
case $? in 0) ;; 2) skip "a bench lab is running" ;; *) fail "lab_up" ;; esac
lab_servers_up || fail "servers"

for n in 1 2 3; do
	body=$(in_cl curl -s --max-time 2 "http://198.18.$n.2/")
	[ "$body" = "rs$n" ] || fail "rs$n answered '$body'"
done
echo "ok: rs1..rs3 answer through the balancer's forwarding"

for p in $(lab_lb_threads); do
	[ "$(taskset -pc "$p" | awk '{ print $NF }')" = "$LAB_LB_CPU" ] ||
		fail "NAPI thread $p not on CPU $LAB_LB_CPU"
done
[ "$(lab_cpu_ns $(lab_lb_threads))" -gt 0 ] || fail "no CPU time on the balancer's threads"
echo "ok: balancer's NAPI threads pinned to CPU $LAB_LB_CPU and accounted"

if [ -x "$LAB_XBENCH" ]; then
	in_lb "$LAB_XBENCH" ceiling "xblc=xblr1/$(lab_mac xb-rs1 xbr1)" \
		"xblr1=xblc/$(lab_mac xb-cl xbc0)" || fail "xbench ceiling"
	read -r f0 _ d0 < <(lab_counters)
	in_cl "$LAB_XBENCH" gen -s "$(lab_mac xb-cl xbc0)" -d "$(lab_mac xb-lb xblc)" \
		-S 198.19.0.0 -D 198.18.1.2 -n 16 -r 20000 -t 0.5 xbc0 >/dev/null ||
		fail "xbench gen"
	read -r f1 _ d1 < <(lab_counters)
	[ $((f1 - f0)) -gt 1000 ] && [ $((d1 - d0)) -gt 1000 ] ||
		fail "UDP through the XDP ceiling: forwarded $((f1 - f0)), delivered $((d1 - d0))"
	body=$(in_cl curl -s --max-time 2 "http://198.18.1.2/")
	[ "$body" = rs1 ] || fail "TCP through the XDP ceiling: '$body'"
	echo "ok: XDP ceiling forwards generated UDP ($((f1 - f0)) frames) and TCP"
else
	echo "note: $LAB_XBENCH not built (make bench-tools): XDP part not run"
fi

# The name of the XDP program on server n's veth ("" for none).
rs_prog() {
	local id
	id=$(in_rs "$1" ip link show "xbr$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	[ -n "$id" ] || return 0
	bpftool -j prog show id "$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])'
}

# Tunnel variant: the UDP sink stands in front of xdpvs-decap on each
# server (this VM's kernel runs no libxdp dispatcher) and passes it the
# rest through a pinned program array; back to NAT, the plain sink alone.
if [ -x "$LAB_XBENCH" ] && [ -x "$XDPVS_BUILD/xdpvs-decap" ]; then
	lab_variant tun || fail "lab_variant tun"
	for n in 1 2 3; do
		p=$(rs_prog $n)
		case $p in
		xb_sink_front) ;;
		xdp_dispatcher) ;;	# a kernel with freplace: sink behind decap
		*) fail "rs$n: '$p' on the tunnel server's hook" ;;
		esac
	done
	[ "$p" = xdp_dispatcher ] || ls "$LAB_DIR"/bpffs/xbench-sink-next-* >/dev/null ||
		fail "the sink's program array is not pinned"
	lab_variant nat || fail "lab_variant nat"
	for n in 1 2 3; do
		[ "$(rs_prog $n)" = xb_sink ] || fail "rs$n: '$(rs_prog $n)' after the tunnel variant"
	done
	! ls "$LAB_DIR"/bpffs/xbench-sink-next-* >/dev/null 2>&1 ||
		fail "the sink's program array left pinned"
	echo "ok: tunnel variant: the UDP sink in front of xdpvs-decap, and gone again"
fi

lab_release
trap - EXIT
for ns in xb-cl xb-lb xb-rs1 xb-rs2 xb-rs3; do
	[ ! -e "/run/netns/$ns" ] || fail "$ns left behind"
done
[ ! -d "$LAB_DIR" ] || fail "$LAB_DIR left behind"
echo "ok: cleaned up"
