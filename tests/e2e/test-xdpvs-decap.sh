#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvs-decap: a client, a stand-in director and a real
# server in three network namespaces joined by veth pairs.
#
#   client ns                director ns                      real server ns
#   cl0 198.18.1.10 ---- dir0 198.18.1.1   dir1 198.18.2.1 ---- rs0 198.18.2.2
#       2001:db8:1::10       2001:db8:1::1      2001:db8:2::1      2001:db8:2::2
#                                                               lo: VIPs 198.18.100.1
#                                                                   2001:db8:100::1
#
# The client talks to a VIP.  The director's kernel drops packets to the
# VIPs (blackhole routes); decap-lab.py director picks them up on dir0 and
# sends them encapsulated, as IPVS tunnel mode would, to rs0.  xdpvs-decap
# on rs0 strips the tunnel headers, the echo server on the real server
# answers the client directly (routed back through the director's kernel).
# This kernel has no ipip/fou/ip_gre, so without xdpvs-decap nothing would
# arrive; each case also checks xdpvs-decap's counter for its tunnel type.
#
# Exit 0 when every case passed, 1 when one failed, 77 when a prerequisite
# is missing ("skipped").  The binary is $XDPVS_DECAP, else
# $XDPVS_BUILD/xdpvs-decap (build/ by default); DECAP_MODE=skb tests
# generic XDP instead of native.
set -u

BIN=${XDPVS_DECAP:-${XDPVS_BUILD:-build}/xdpvs-decap}
MODE=${DECAP_MODE:-native}
HERE="$(cd "$(dirname "$0")" && pwd)"
LAB=$HERE/decap-lab.py
# shellcheck source=tests/lib/lab.sh
. "$HERE/../lib/lab.sh"
SUF=$$
NS_CL=xdc-cl-$SUF
NS_DIR=xdc-dir-$SUF
NS_REAL=xdc-rs-$SUF
VIP4=198.18.100.1
VIP6=2001:db8:100::1
PORT=8080
GUE_PORT=6080
FAILED=0

cleanup() {
	stop_pids
	ip netns del "$NS_CL" 2>/dev/null
	ip netns del "$NS_DIR" 2>/dev/null
	ip netns del "$NS_REAL" 2>/dev/null
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# Wait (at most 5 s) until file $1 has a line "ready".
wait_ready() {
	local i
	for i in $(seq 50); do
		grep -q '^ready' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "not ready after 5 s: $(cat "$1")"
	return 1
}

stop_bg() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

prerequisites() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local c
	for c in ip ethtool nsenter python3 seq; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
	[ -x "$BIN" ] || { echo "FAIL: $BIN not built"; exit 1; }
	ip netns add "$NS_CL" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$NS_CL"
}

setup() {
	local ns
	TMP=$(mktemp -d) || return 1
	for ns in "$NS_CL" "$NS_DIR" "$NS_REAL"; do
		lab_netns "$ns" || return 1
	done
	lab_veth cl0 "$NS_CL" dir0 "$NS_DIR" || return 1
	lab_veth dir1 "$NS_DIR" rs0 "$NS_REAL" || return 1
	# Room for the outer headers on the tunnel leg.
	in_ns "$NS_DIR" ip link set dir1 mtu 1600
	in_ns "$NS_REAL" ip link set rs0 mtu 1600

	in_ns "$NS_CL" ip addr add 198.18.1.10/24 dev cl0
	in_ns "$NS_CL" ip addr add 2001:db8:1::10/64 dev cl0 nodad
	in_ns "$NS_CL" ip route add default via 198.18.1.1
	in_ns "$NS_CL" ip -6 route add default via 2001:db8:1::1

	in_ns "$NS_DIR" ip addr add 198.18.1.1/24 dev dir0
	in_ns "$NS_DIR" ip addr add 2001:db8:1::1/64 dev dir0 nodad
	in_ns "$NS_DIR" ip addr add 198.18.2.1/24 dev dir1
	in_ns "$NS_DIR" ip addr add 2001:db8:2::1/64 dev dir1 nodad
	in_ns "$NS_DIR" sysctl -qw net.ipv4.ip_forward=1
	in_ns "$NS_DIR" sysctl -qw net.ipv6.conf.all.forwarding=1
	in_ns "$NS_DIR" ip route add blackhole "$VIP4/32"
	in_ns "$NS_DIR" ip -6 route add blackhole "$VIP6/128"

	in_ns "$NS_REAL" ip addr add 198.18.2.2/24 dev rs0
	in_ns "$NS_REAL" ip addr add 2001:db8:2::2/64 dev rs0 nodad
	in_ns "$NS_REAL" ip addr add "$VIP4/32" dev lo
	in_ns "$NS_REAL" ip addr add "$VIP6/128" dev lo
	in_ns "$NS_REAL" ip route add default via 198.18.2.1
	in_ns "$NS_REAL" ip -6 route add default via 2001:db8:2::1

	RS_MAC=$(in_ns "$NS_REAL" cat /sys/class/net/rs0/address 2>/dev/null)
	case "$RS_MAC" in
	??:??:??:??:??:??) ;;
	*) RS_MAC=$(in_ns "$NS_REAL" ip -o link show rs0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p') ;;
	esac
	[ -n "$RS_MAC" ] || return 1

	start_bg "$NS_REAL" "$TMP/server" python3 "$LAB" server --port "$PORT" --timeout 300
	wait_ready "$TMP/server"
}

attach() {
	in_ns "$NS_REAL" "$BIN" -i rs0 --mode "$MODE" --gue-port "$GUE_PORT" "$@" \
		>"$TMP/attach" 2>&1 || { cat "$TMP/attach"; return 1; }
}

detach() {
	in_ns "$NS_REAL" "$BIN" --detach -i rs0 >"$TMP/detach" 2>&1 ||
		{ cat "$TMP/detach"; return 1; }
}

# Packets of xdpvs-decap counter $1 on rs0.
counter() {
	in_ns "$NS_REAL" "$BIN" --stats -i rs0 | awk -v c="$1" '$1 == c { print $2 }'
}

# Run the director with "$@" (--tun ... --src/--dst) in the background.
director() {
	start_bg "$NS_DIR" "$TMP/director" python3 "$LAB" director --rx-if dir0 \
		--tx-if dir1 --dst-mac "$RS_MAC" --vip "$VIP4" --vip "$VIP6" \
		--port "$GUE_PORT" --timeout 30 "$@"
	DIRECTOR=$LAST_PID
	wait_ready "$TMP/director"
}

# Client exchange: proto $1 to address $2; message $3.
exchange() {
	local out
	out=$(in_ns "$NS_CL" python3 "$LAB" client --proto "$1" --addr "$2" \
		--port "$PORT" --msg "$3" --timeout "${4:-3}" 2>&1)
	[ "$out" = "rs:$3" ] || { echo "$1 to $2: got '$out', expected 'rs:$3'"; return 1; }
}

# One tunnel case: counter $1, outer family $2 (4|6), director args after;
# TCP and UDP to the VIP(s) in INNER (default "4 6"), the counter must
# grow by the UDP datagrams plus at least the TCP packets.
tunnel_case() {
	local ctr=$1 outer=$2 before after v addr n=0 ok=0
	shift 2
	local src=198.18.2.1 dst=198.18.2.2
	[ "$outer" = 6 ] && { src=2001:db8:2::1; dst=2001:db8:2::2; }
	before=$(counter "$ctr")
	director --src "$src" --dst "$dst" "$@" || return 1
	for v in ${INNER:-4 6}; do
		addr=$VIP4
		[ "$v" = 6 ] && addr=$VIP6
		exchange udp "$addr" "udp-$ctr-$v" || { stop_bg "$DIRECTOR"; return 1; }
		exchange tcp "$addr" "tcp-$ctr-$v" || { stop_bg "$DIRECTOR"; return 1; }
		n=$((n + 4))	# 1 UDP + at least SYN, ACK+data, FIN... (>= 3)
	done
	stop_bg "$DIRECTOR"
	after=$(counter "$ctr")
	[ $((after - before)) -ge "$n" ] ||
		{ echo "counter $ctr went from $before to $after, expected +$n or more"; return 1; }
}

case_without_xdp_nothing_arrives() {
	local out
	director --src 198.18.2.1 --dst 198.18.2.2 --tun ipip || return 1
	out=$(in_ns "$NS_CL" python3 "$LAB" client --proto udp --addr "$VIP4" \
		--port "$PORT" --msg control --timeout 1 2>&1)
	stop_bg "$DIRECTOR"
	[ "$out" = "rs:control" ] || return 0
	# Only a kernel with the ipip module (tunl0) may answer by itself.
	in_ns "$NS_REAL" ip link show tunl0 >/dev/null 2>&1 && return 0
	echo "answered without xdpvs-decap and without tunl0"
	return 1
}

case_ipip() { INNER=4 tunnel_case ipip 4 --tun ipip; }
case_ip6ip6() { INNER=6 tunnel_case ip6ip6 6 --tun ipip; }
case_ip4in6() { INNER=4 tunnel_case ip4in6 6 --tun ipip; }
case_ip6in4() { INNER=6 tunnel_case ip6in4 4 --tun ipip; }
case_gue_nocsum() { tunnel_case gue 4 --tun gue --csum none; }
case_gue_csum() { tunnel_case gue 6 --tun gue --csum csum; }
case_gue_remcsum_v4() { tunnel_case gue 4 --tun gue --csum remcsum; }
case_gue_remcsum_v6() { tunnel_case gue 6 --tun gue --csum remcsum; }
case_gre_nocsum() { tunnel_case gre 4 --tun gre --csum none; }
case_gre_csum() { tunnel_case gre 6 --tun gre --csum csum; }

# One UDP datagram through GUE: exactly one more in the gue counter.
case_stats_count_exactly() {
	local before after out sent
	before=$(counter gue)
	director --src 198.18.2.1 --dst 198.18.2.2 --tun gue || return 1
	out=$(in_ns "$NS_CL" python3 "$LAB" client --proto udp --addr "$VIP4" \
		--port "$PORT" --msg exact --sent-file "$TMP/sent" 2>&1)
	stop_bg "$DIRECTOR"
	[ "$out" = "rs:exact" ] || { echo "udp exchange: got '$out'"; return 1; }
	# one GUE packet per datagram the client had to send
	sent=$(cat "$TMP/sent")
	after=$(counter gue)
	[ $((after - before)) -eq "$sent" ] ||
		{ echo "gue counter went from $before to $after, expected +$sent"; return 1; }
}

# --addr limits decapsulation to the listed outer destinations.
case_addr_filter() {
	local before after ret=0
	detach && attach --addr 198.18.2.99 --addr 2001:db8:2::2 || return 1
	before=$(counter not-local)
	director --src 198.18.2.1 --dst 198.18.2.2 --tun ipip || return 1
	if in_ns "$NS_CL" python3 "$LAB" client --proto udp --addr "$VIP4" \
		--port "$PORT" --msg filtered --timeout 1 >/dev/null 2>&1; then
		echo "a packet to an unlisted outer address was answered"
		ret=1
	fi
	stop_bg "$DIRECTOR"
	after=$(counter not-local)
	[ $((after - before)) -ge 1 ] ||
		{ echo "not-local counter went from $before to $after"; ret=1; }
	[ $ret = 0 ] && { INNER=6 tunnel_case ip6ip6 6 --tun ipip || ret=1; }
	detach && attach || ret=1
	return $ret
}

case_refuses_second_attach() {
	local out
	out=$(in_ns "$NS_REAL" "$BIN" -i rs0 --mode "$MODE" 2>&1) &&
		{ echo "second attach succeeded: $out"; return 1; }
	case "$out" in
	*"rs0: already attached"*) return 0 ;;
	*) echo "unexpected message: $out"; return 1 ;;
	esac
}

case_missing_interface_is_named() {
	local out
	out=$(in_ns "$NS_REAL" "$BIN" -i xdcnosuch0 2>&1) &&
		{ echo "attach to a missing interface succeeded"; return 1; }
	case "$out" in
	*"interface xdcnosuch0: No such device"*) return 0 ;;
	*) echo "unexpected message: $out"; return 1 ;;
	esac
}

case_detach() {
	local out
	detach || return 1
	in_ns "$NS_REAL" ip link show rs0 | grep -q 'prog/xdp' &&
		{ echo "XDP still attached after --detach"; return 1; }
	out=$(in_ns "$NS_REAL" "$BIN" --detach -i rs0 2>&1) &&
		{ echo "second --detach succeeded"; return 1; }
	case "$out" in
	*"rs0: xdpvs-decap is not attached"*) ;;
	*) echo "unexpected message: $out"; return 1 ;;
	esac
}

# -f stays attached until SIGTERM, then detaches.
case_foreground() {
	local i
	start_bg "$NS_REAL" "$TMP/fg" "$BIN" -f -i rs0 --mode "$MODE"
	for i in $(seq 50); do
		grep -q 'attached to rs0' "$TMP/fg" && break
		sleep 0.1
	done
	in_ns "$NS_REAL" ip link show rs0 | grep -q 'prog/xdp' ||
		{ echo "not attached with -f: $(cat "$TMP/fg")"; stop_bg "$LAST_PID"; return 1; }
	stop_bg "$LAST_PID"
	in_ns "$NS_REAL" ip link show rs0 | grep -q 'prog/xdp' &&
		{ echo "still attached after SIGTERM"; return 1; }
	return 0
}

prerequisites
trap cleanup EXIT
trap 'exit 1' INT TERM
setup || { echo "FAIL: lab setup"; exit 1; }

run_case case_without_xdp_nothing_arrives
attach || { echo "FAIL: attach"; exit 1; }
for c in case_ipip case_ip6ip6 case_ip4in6 case_ip6in4 case_gue_nocsum \
	case_gue_csum case_gue_remcsum_v4 case_gue_remcsum_v6 case_gre_nocsum \
	case_gre_csum case_stats_count_exactly case_addr_filter \
	case_refuses_second_attach case_missing_interface_is_named case_detach \
	case_foreground; do
	run_case "$c"
done
[ "$FAILED" -eq 0 ] || { echo "e2e/xdpvs-decap: $FAILED failed"; exit 1; }
echo "e2e/xdpvs-decap: all passed"
