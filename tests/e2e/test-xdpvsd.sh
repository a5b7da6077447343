#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvsd: a client, the balancer and three real servers
# in network namespaces, real HTTP servers and a UDP echo server, xdpvsd
# on both of the balancer's interfaces.
#
#  client ns            balancer ns (xdpvsd -i lb0 -i lb1)       switch ns     rsN ns (N = 1..3)
#  cl0 198.18.1.10 --- lb0 198.18.1.1    lb1 198.18.2.1 --- sw0  [br0]  swN --- eth0 198.18.2.1N
#      2001:db8:1::10      2001:db8:1::1     2001:db8:2::1                          2001:db8:2::1N
#                                                                          lo: 198.18.100.2-4 (DR, tunnels)
#
# Real servers answer HTTP on port 80 with their name (python3 -m
# http.server) and UDP on 5300 with "name:message"; their default route
# is the balancer (NAT, and the way back for DR and tunnel replies, which
# the balancer's kernel forwards).  Tunnel cases run xdpvs-decap on the
# real servers (this kernel has no ipip/fou modules).
#
# Services (the -c file): NAT TCP 198.18.100.1:80 and [2001:db8:100::1]:80,
# NAT UDP 198.18.100.1:5300, DR 198.18.100.2:80, IPIP 198.18.100.3:80,
# GUE 198.18.100.4:80, all rr over rs1, rs2, rs3 (added in that order, so
# the kernel's newest-first list makes rr pick rs3, rs2, rs1, rs3 ...).
#
# Each case is a function; exit 0 when all passed, 1 when one failed, 77
# when a prerequisite is missing.  The binaries are $XDPVS_BUILD/xdpvsd
# and xdpvs-decap (build/ by default).  XDPVSD_KEEP=1 leaves the lab up
# after the cases for poking at (the script then waits for Enter).
set -u

BUILD=${XDPVS_BUILD:-build}
BIN=$BUILD/xdpvsd
DECAP=$BUILD/xdpvs-decap
LAB="$(cd "$(dirname "$0")" && pwd)/xdpvsd-lab.py"
SUF=$$
NS_CL=xv-cl-$SUF
NS_LB=xv-lb-$SUF
NS_SW=xv-sw-$SUF
NS_RS=(xv-rs1-$SUF xv-rs2-$SUF xv-rs3-$SUF)
VIP=198.18.100.1
VIP6=2001:db8:100::1
VIP_DR=198.18.100.2
VIP_IPIP=198.18.100.3
VIP_GUE=198.18.100.4
VIP_MARK=198.18.100.5
VIP6_DR=2001:db8:100::2
VIP6_IPIP=2001:db8:100::3
GUE_PORT=6080
TMP=
PIDS=()
XDPVSD=
FAILED=0

skip() { echo "SKIP: $*"; exit 77; }

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

cleanup() {
	local p ns
	[ -n "$XDPVSD" ] && kill "$XDPVSD" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "$NS_CL" "$NS_LB" "$NS_SW" "${NS_RS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMP" ]; then
		umount "$TMP/bpffs" 2>/dev/null
		rm -rf "$TMP"
	fi
}

# Start "$@" in namespace $1 in the background, output to $2.
start_bg() {
	local ns=$1 out=$2
	shift 2
	nsenter --net="/run/netns/$ns" -- "$@" >"$out" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# Wait (at most $2 tenths of a second, default 50) until command $1 is true.
wait_for() {
	local i
	for i in $(seq "${2:-50}"); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1"
	return 1
}

prerequisites() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local c
	for c in ip ethtool nsenter python3 curl socat seq mount; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
	[ -x "$BIN" ] || { echo "FAIL: $BIN not built"; exit 1; }
	[ -x "$DECAP" ] || { echo "FAIL: $DECAP not built"; exit 1; }
	ip netns add "$NS_CL" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$NS_CL"
}

# veth $1 (in ns $2) -- $3 (in ns $4), transmit checksum offload off.
veth() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" || return 1
	in_ns "$2" ethtool -K "$1" tx off >/dev/null || return 1
	in_ns "$4" ethtool -K "$3" tx off >/dev/null || return 1
	in_ns "$2" ip link set "$1" up && in_ns "$4" ip link set "$3" up
}

setup_rs() {
	local i=$1 ns=${NS_RS[$1 - 1]} v
	veth eth0 "$ns" "sw$i" "$NS_SW" || return 1
	in_ns "$NS_SW" ip link set "sw$i" master br0 || return 1
	in_ns "$ns" ip addr add "198.18.2.1$i/24" dev eth0
	in_ns "$ns" ip addr add "2001:db8:2::1$i/64" dev eth0 nodad
	in_ns "$ns" ip route add default via 198.18.2.1
	in_ns "$ns" ip -6 route add default via 2001:db8:2::1
	# The VIPs of the DR and tunnel services, never announced.
	for v in "$VIP_DR/32" "$VIP_IPIP/32" "$VIP_GUE/32" "$VIP6_DR/128" \
		"$VIP6_IPIP/128"; do
		in_ns "$ns" ip addr add "$v" dev lo
	done
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.eth0.rp_filter=0
	mkdir -p "$TMP/www$i" && echo "rs$i" >"$TMP/www$i/index.html"
	start_bg "$ns" "$TMP/http$i.log" timeout 600 python3 -m http.server \
		--bind :: --directory "$TMP/www$i" 80
	start_bg "$ns" "$TMP/udp$i.log" python3 "$LAB" udp-echo --name "rs$i" \
		--port 5300 --timeout 600
}

setup() {
	local ns i
	TMP=$(mktemp -d) || return 1
	for ns in "$NS_CL" "$NS_LB" "$NS_SW" "${NS_RS[@]}"; do
		ip netns add "$ns" || return 1
		in_ns "$ns" ip link set lo up
	done
	in_ns "$NS_SW" ip link add br0 type bridge || return 1
	in_ns "$NS_SW" ip link set br0 up
	veth cl0 "$NS_CL" lb0 "$NS_LB" || return 1
	veth lb1 "$NS_LB" sw0 "$NS_SW" || return 1
	in_ns "$NS_SW" ip link set sw0 master br0 || return 1
	# Room for the tunnel headers on the real servers' side.
	in_ns "$NS_LB" ip link set lb1 mtu 1600
	in_ns "$NS_LB" ethtool -K lb0 gro on >/dev/null
	in_ns "$NS_LB" ethtool -K lb1 gro on >/dev/null
	# The fast path redirects into lb0 and lb1: their peers need NAPI.
	in_ns "$NS_CL" ethtool -K cl0 gro on >/dev/null
	in_ns "$NS_SW" ethtool -K sw0 gro on >/dev/null

	in_ns "$NS_CL" ip addr add 198.18.1.10/24 dev cl0
	in_ns "$NS_CL" ip addr add 2001:db8:1::10/64 dev cl0 nodad
	in_ns "$NS_CL" ip route add default via 198.18.1.1
	in_ns "$NS_CL" ip -6 route add default via 2001:db8:1::1

	in_ns "$NS_LB" ip addr add 198.18.1.1/24 dev lb0
	in_ns "$NS_LB" ip addr add 2001:db8:1::1/64 dev lb0 nodad
	in_ns "$NS_LB" ip addr add 198.18.2.1/24 dev lb1
	in_ns "$NS_LB" ip addr add 2001:db8:2::1/64 dev lb1 nodad
	in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.lb1.rp_filter=0
	for i in 1 2 3; do
		setup_rs "$i" || return 1
		in_ns "${NS_RS[$i - 1]}" ip link set eth0 mtu 1600
		in_ns "$NS_SW" ip link set "sw$i" mtu 1600
	done
	in_ns "$NS_SW" ip link set sw0 mtu 1600
	for i in 1 2 3; do
		wait_for "grep -q ready $TMP/udp$i.log" || return 1
		wait_for "in_ns $NS_LB curl -s -o /dev/null http://198.18.2.1$i/" || return 1
	done
	mkdir "$TMP/bpffs" && mount -t bpf bpf "$TMP/bpffs" || return 1
	write_rules >"$TMP/rules"
}

write_rules() {
	local i
	echo "-A -t $VIP:80 -s rr"
	echo "-A -t [$VIP6]:80 -s rr"
	echo "-A -u $VIP:5300 -s rr"
	echo "-A -t $VIP_DR:80 -s rr"
	echo "-A -t $VIP_IPIP:80 -s rr"
	echo "-A -t $VIP_GUE:80 -s rr"
	echo "-A -t [$VIP6_DR]:80 -s rr"
	echo "-A -t [$VIP6_IPIP]:80 -s rr"
	echo "-A -f 5 -s rr"
	echo "--add-mark 5:any:$VIP_MARK/32"
	for i in 1 2 3; do
		echo "-a -t $VIP:80 -r 198.18.2.1$i:80 -m -w 1"
		echo "-a -t [$VIP6]:80 -r [2001:db8:2::1$i]:80 -m -w 1"
		echo "-a -u $VIP:5300 -r 198.18.2.1$i:5300 -m -w 1"
		echo "-a -t $VIP_DR:80 -r 198.18.2.1$i:80 -g -w 1"
		echo "-a -t $VIP_IPIP:80 -r 198.18.2.1$i:80 -i -w 1"
		echo "-a -t $VIP_GUE:80 -r 198.18.2.1$i:80 -i -w 1 --tun-type gue --tun-port $GUE_PORT"
		echo "-a -t [$VIP6_DR]:80 -r [2001:db8:2::1$i]:80 -g -w 1"
		echo "-a -t [$VIP6_IPIP]:80 -r [2001:db8:2::1$i]:80 -i -w 1"
		echo "-a -f 5 -r 198.18.2.1$i -m -w 1"
	done
}

start_xdpvsd() {
	start_bg "$NS_LB" "$TMP/xdpvsd.log" "$BIN" -f -i lb0 -i lb1 \
		-c "$TMP/rules" --socket "$TMP/xdpvsd.sock" \
		--pidfile "$TMP/xdpvsd.pid" --bpffs "$TMP/bpffs" \
		--dump "$TMP/dump" --conn-max 4096 -v
	XDPVSD=$LAST_PID
	wait_for "[ -s $TMP/xdpvsd.pid ] || ! kill -0 $XDPVSD 2>/dev/null" ||
		return 1
	kill -0 "$XDPVSD" 2>/dev/null || { cat "$TMP/xdpvsd.log"; return 1; }
}

# Fresh counters in $TMP/dump.
dump() {
	rm -f "$TMP/dump"
	kill -USR1 "$XDPVSD"
	wait_for "[ -s $TMP/dump ]"
}

# curl URL $2 from the client $1 times; the names answered, space-separated.
curls() {
	local n=$1 url=$2 i out=
	shift 2
	for i in $(seq "$n"); do
		out="$out $(in_ns "$NS_CL" curl -s --max-time 3 "$@" "$url" || echo FAIL)"
	done
	echo "${out# }"
}

expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', expected '$3'"
	return 1
}

case_nat_tcp4() {
	expect "NAT IPv4" "$(curls 6 "http://$VIP/")" "rs3 rs2 rs1 rs3 rs2 rs1"
}

case_nat_tcp6() {
	expect "NAT IPv6" "$(curls 6 "http://[$VIP6]/")" "rs3 rs2 rs1 rs3 rs2 rs1"
}

case_nat_udp() {
	local i out=
	for i in 1 2 3 4; do
		out="$out $(echo "m$i" | in_ns "$NS_CL" socat -t 2 -T 3 - "UDP4:$VIP:5300")"
	done
	expect "NAT UDP" "${out# }" "rs3:m1 rs2:m2 rs1:m3 rs3:m4"
}

case_dr() {
	expect "DR" "$(curls 4 "http://$VIP_DR/")" "rs3 rs2 rs1 rs3"
}

decap_on() {
	local ns
	for ns in "${NS_RS[@]}"; do
		in_ns "$ns" "$DECAP" -i eth0 --gue-port "$GUE_PORT" -q >/dev/null ||
			return 1
	done
}

case_tun_ipip() {
	decap_on || return 1
	expect "IPIP" "$(curls 4 "http://$VIP_IPIP/")" "rs3 rs2 rs1 rs3"
}

case_tun_gue() {
	expect "GUE" "$(curls 4 "http://$VIP_GUE/")" "rs3 rs2 rs1 rs3"
}

case_dr6() {
	expect "DR IPv6" "$(curls 4 "http://[$VIP6_DR]/")" "rs3 rs2 rs1 rs3"
}

case_tun_ip6ip6() {
	expect "IPv6 in IPv6" "$(curls 4 "http://[$VIP6_IPIP]/")" "rs3 rs2 rs1 rs3"
}

# A firewall-mark service (NAT, real servers without a port): TCP and UDP
# to the mark rule's address share its scheduler.
case_fwmark() {
	expect "fwmark TCP" "$(curls 3 "http://$VIP_MARK/")" "rs3 rs2 rs1" &&
	expect "fwmark UDP" "$(echo m | in_ns "$NS_CL" socat -t 2 -T 3 - "UDP4:$VIP_MARK:5300")" rs3:m
}

# The host's own traffic is not taken: the balancer reaches a NAT real
# server's port itself (a health check), and pings go through.
case_host_traffic() {
	expect "health check" "$(in_ns "$NS_LB" curl -s --max-time 3 http://198.18.2.12/)" rs2 &&
	in_ns "$NS_CL" python3 "$LAB" ping --addr 198.18.2.11 ||
		{ echo "ping through the balancer failed"; return 1; }
}

# Service line "TCP  ADDR:PORT" of -Ln --stats in $TMP/dump: its Conns.
conns_of() {
	awk -v s="$1" '$1 == s && $2 == "'"$2"'" { print $3 }' "$TMP/dump"
}

case_counters() {
	dump || return 1
	expect "conns of $VIP:80" "$(conns_of TCP "$VIP:80")" 6 &&
	expect "conns of [$VIP6]:80" "$(conns_of TCP "[$VIP6]:80")" 6 &&
	expect "conns of $VIP:5300" "$(conns_of UDP "$VIP:5300")" 4 &&
	expect "conns of $VIP_DR:80" "$(conns_of TCP "$VIP_DR:80")" 4 &&
	expect "real server conns" "$(awk '$2 == "198.18.2.11:80" { print $3 }' "$TMP/dump" | head -1)" 2 &&
	expect "frames passed up and dropped" \
		"$(awk '$1 == "dp" && $2 == "pass_dropped" { print $3 }' "$TMP/dump")" 0 &&
	expect "TCP connections listed" \
		"$(grep -c "^TCP .*198.18.1.10:.* $VIP:80 " "$TMP/dump")" 6
}

case_second_instance() {
	local out rc
	out=$(in_ns "$NS_LB" "$BIN" -f -i lb0 --socket "$TMP/b.sock" \
		--pidfile "$TMP/b.pid" --bpffs "$TMP/bpffs" 2>&1)
	rc=$?
	[ "$rc" = 1 ] || { echo "second instance: exit $rc: $out"; return 1; }
	case "$out" in
	*"lb0: an xdpvsd XDP program is already attached"*) ;;
	*) echo "second instance said: $out"; return 1 ;;
	esac
	out=$(in_ns "$NS_LB" "$BIN" -f -i lb1 --pidfile "$TMP/xdpvsd.pid" \
		--socket "$TMP/c.sock" 2>&1)
	case "$out" in
	*"another xdpvsd is running (pid $XDPVSD)"*) ;;
	*) echo "same pid file said: $out"; return 1 ;;
	esac
	[ ! -e "$TMP/b.sock" ] && [ ! -e "$TMP/c.sock" ] ||
		{ echo "a refused instance left its socket"; return 1; }
}

case_errors() {
	local out
	out=$(in_ns "$NS_LB" "$BIN" -f -i eth9 --pidfile "$TMP/e.pid" \
		--socket "$TMP/e.sock" 2>&1)
	expect "missing interface" "$? $out" "1 xdpvsd: eth9: No such device" || return 1
	"$BIN" -n -c "$TMP/rules" >/dev/null 2>&1 ||
		{ echo "-n refused the rules"; return 1; }
	printf '%s\n' "-A -t $VIP:80 -s rr" "-a -t $VIP:80 -r 198.18.2.11:80 -m" \
		"-a -t $VIP:80 -r 198.18.2.11:80 -m" >"$TMP/bad"
	out=$("$BIN" -n -c "$TMP/bad" 2>&1)
	expect "-n with a duplicate" "$? $out" \
		"1 xdpvsd: $TMP/bad:3: Destination already exists"
}

# Nothing left behind by an xdpvsd that exited.
left_nothing() {
	local left
	left=$(in_ns "$NS_LB" ip -d link show | grep -i 'prog/xdp')
	[ -z "$left" ] || { echo "XDP left attached: $left"; return 1; }
	# maps.debug and progs.debug: the kernel's own (bpf_preload)
	left=$(find "$TMP/bpffs" -mindepth 1 -not -type d \
		-not -name maps.debug -not -name progs.debug)
	[ -z "$left" ] || { echo "pinned objects left: $left"; return 1; }
	[ ! -e "$TMP/bpffs/xdpvs" ] || { echo "left $TMP/bpffs/xdpvs"; return 1; }
	[ ! -e "$TMP/xdpvsd.sock" ] || { echo "control socket left"; return 1; }
	[ ! -e "$TMP/xdpvsd.pid" ] || { echo "pid file left"; return 1; }
}

# SIGTERM: exit 0, nothing left behind.
case_clean_exit() {
	local rc
	kill -TERM "$XDPVSD"
	wait "$XDPVSD"
	rc=$?
	XDPVSD=
	[ "$rc" = 0 ] || { echo "exit status $rc"; cat "$TMP/xdpvsd.log"; return 1; }
	left_nothing || return 1
	grep -q "^dp rx" "$TMP/dump" || { echo "no dump at exit"; return 1; }
}

# Without -f: the parent returns 0 once the daemon runs; it serves (here
# in generic XDP mode, copy-mode AF_XDP), and leaves nothing behind after
# SIGTERM.
case_daemon_mode() {
	local pid
	in_ns "$NS_LB" "$BIN" -i lb0 -i lb1 -c "$TMP/rules" --skb-mode \
		--socket "$TMP/xdpvsd.sock" --pidfile "$TMP/xdpvsd.pid" \
		--bpffs "$TMP/bpffs" --conn-max 4096 >"$TMP/daemon.log" 2>&1 ||
		{ echo "start failed: $(cat "$TMP/daemon.log")"; return 1; }
	pid=$(cat "$TMP/xdpvsd.pid")
	[ -n "$pid" ] && kill -0 "$pid" || { echo "no daemon running"; return 1; }
	XDPVSD=$pid
	in_ns "$NS_LB" ip link show lb0 | grep -q xdpgeneric ||
		{ echo "not in generic mode"; return 1; }
	expect "daemon NAT" "$(curls 3 "http://$VIP/")" "rs3 rs2 rs1" || return 1
	expect "daemon NAT IPv6" "$(curls 1 "http://[$VIP6]/")" rs3 || return 1
	[ -S "$TMP/xdpvsd.sock" ] || { echo "no control socket"; return 1; }
	kill -TERM "$pid"
	wait_for "! kill -0 $pid 2>/dev/null" || return 1
	XDPVSD=
	left_nothing
}

run() {
	if "$1"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		FAILED=1
	fi
}

prerequisites
trap cleanup EXIT
setup || { echo "FAIL: setup"; exit 1; }
start_xdpvsd || { echo "FAIL: xdpvsd did not start"; cat "$TMP/xdpvsd.log"; exit 1; }
run case_nat_tcp4
run case_nat_tcp6
run case_nat_udp
run case_dr
run case_tun_ipip
run case_tun_gue
run case_dr6
run case_tun_ip6ip6
run case_fwmark
run case_host_traffic
run case_counters
run case_second_instance
run case_errors
if [ -n "${XDPVSD_KEEP:-}" ]; then
	dump; cat "$TMP/dump"
	echo "lab kept: namespaces *-$SUF, files in $TMP; Enter to clean up"
	read -r _
fi
run case_clean_exit
run case_daemon_mode
[ "$FAILED" = 0 ] || { echo "--- xdpvsd log"; cat "$TMP/xdpvsd.log"; }
exit "$FAILED"
