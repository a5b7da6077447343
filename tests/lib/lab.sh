# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The network-namespace lab of xdpvsd's end-to-end tests and of `make
# demo` (bash, sourced): a client, the balancer, a switch and three real
# servers, joined by veth pairs.
#
#  client ns            balancer ns (xdpvsd -i lb0 -i lb1)       switch ns     rsN ns (N = 1..3)
#  cl0 198.18.1.10 --- lb0 198.18.1.1    lb1 198.18.2.1 --- sw0  [br0]  swN --- eth0 198.18.2.1N
#      198.18.3.10         198.18.3.1                                               2001:db8:2::1N
#      2001:db8:1::10      2001:db8:1::1     2001:db8:2::1
#
# The client has a second network (198.18.3.0/24) on the same link, for
# what depends on the client's address (persistence).  The real servers'
# default route is the balancer (NAT needs it).  Every veth end has
# transmit checksum offload off, the balancer's have GRO on, the real
# servers' side an MTU of 1600 (room for tunnel headers).
#
# lab_init PREFIX names the namespaces PREFIX-cl-PID ... and makes $TMP;
# lab_setup builds the lab; lab_http starts an HTTP server on port 80 of
# each real server answering its name ("rs1"); lab_xdpvsd ARGS starts
# xdpvsd on both balancer interfaces ($XDPVSD, its socket $SOCK);
# lab_cleanup (for an EXIT trap) stops what was started (by PID),
# deletes the namespaces and $TMP.  Every wait is bounded.  The first
# helpers (skip, in_ns, start_bg, stop_pids, wait_for, run_case,
# lab_netns, lab_veth) serve
# scripts with labs of their own too.

NS_CL='' NS_LB='' NS_SW=''
NS_RS=()
TMP=
PIDS=()
XDPVSD=
SOCK=
LAST_PID=

skip() { echo "SKIP: $*"; exit 77; }

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

# Start "$@" in namespace $1 in the background, output to $2; its PID in
# LAST_PID and PIDS.
start_bg() {
	local ns=$1 out=$2
	shift 2
	nsenter --net="/run/netns/$ns" -- "$@" >"$out" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# Stop every process started (PIDS: ours only) and reap it.
stop_pids() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
}

# Wait (at most $2 tenths of a second, default 50; XDPVS_TIME_SCALE times
# that on a slow machine) until command $1 is true.
wait_for() {
	local i
	for i in $(seq $((${2:-50} * ${XDPVS_TIME_SCALE:-1}))); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1"
	return 1
}

# Namespace $1, lo up, no duplicate address detection: while a link's
# link-local address is tentative (a second or two) the kernel sends no
# neighbour solicitation unless a packet's own source address can be
# used (not for xdpvsd's requests to resolve, nor for forwarded packets).
lab_netns() {
	ip netns add "$1" || return 1
	in_ns "$1" ip link set lo up
	in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# veth $1 (in ns $2) -- $3 (in ns $4), transmit checksum offload off.
lab_veth() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" || return 1
	in_ns "$2" ethtool -K "$1" tx off >/dev/null || return 1
	in_ns "$4" ethtool -K "$3" tx off >/dev/null || return 1
	in_ns "$2" ip link set "$1" up && in_ns "$4" ip link set "$3" up
}

# Run case function $1 in this shell (so PIDS keeps what it starts),
# output to $TMP/case, shown when it fails; FAILED counts the failures.
run_case() {
	if "$1" >"$TMP/case" 2>&1; then
		echo "  PASS   ${1#case_}"
	else
		echo "  FAIL   ${1#case_}"
		sed 's/^/         /' "$TMP/case"
		FAILED=$((FAILED + 1))
	fi
}

# Root, network namespaces and the commands named; exit 77 otherwise.
lab_prerequisites() {
	local c
	[ "$(id -u)" = 0 ] || skip "needs root"
	for c in ip ethtool nsenter python3 curl seq mount "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
	ip netns add "lab-probe-$$" 2>/dev/null ||
		skip "cannot create network namespaces"
	ip netns del "lab-probe-$$"
}

lab_init() {
	NS_CL=$1-cl-$$
	NS_LB=$1-lb-$$
	NS_SW=$1-sw-$$
	NS_RS=("$1-rs1-$$" "$1-rs2-$$" "$1-rs3-$$")
	TMP=$(mktemp -d "/tmp/$1.XXXXXX")
}

lab_cleanup() {
	local ns
	stop_pids
	for ns in "$NS_CL" "$NS_LB" "$NS_SW" "${NS_RS[@]}"; do
		[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMP" ]; then
		umount "$TMP/bpffs" 2>/dev/null
		rm -rf "$TMP"
	fi
}

lab_rs() {
	local i=$1 ns=${NS_RS[$1 - 1]}
	lab_veth eth0 "$ns" "sw$i" "$NS_SW" || return 1
	in_ns "$NS_SW" ip link set "sw$i" master br0 || return 1
	in_ns "$NS_SW" ip link set "sw$i" mtu 1600
	in_ns "$ns" ip link set eth0 mtu 1600
	in_ns "$ns" ip addr add "198.18.2.1$i/24" dev eth0
	in_ns "$ns" ip addr add "2001:db8:2::1$i/64" dev eth0 nodad
	in_ns "$ns" ip route add default via 198.18.2.1
	in_ns "$ns" ip -6 route add default via 2001:db8:2::1
}

lab_setup() {
	local ns i
	for ns in "$NS_CL" "$NS_LB" "$NS_SW" "${NS_RS[@]}"; do
		lab_netns "$ns" || return 1
	done
	in_ns "$NS_SW" ip link add br0 type bridge || return 1
	in_ns "$NS_SW" ip link set br0 up
	lab_veth cl0 "$NS_CL" lb0 "$NS_LB" || return 1
	lab_veth lb1 "$NS_LB" sw0 "$NS_SW" || return 1
	in_ns "$NS_SW" ip link set sw0 master br0 || return 1
	in_ns "$NS_SW" ip link set sw0 mtu 1600
	in_ns "$NS_LB" ip link set lb1 mtu 1600
	in_ns "$NS_LB" ethtool -K lb0 gro on >/dev/null
	in_ns "$NS_LB" ethtool -K lb1 gro on >/dev/null
	# The fast path redirects into lb0 and lb1: their peers need NAPI.
	in_ns "$NS_CL" ethtool -K cl0 gro on >/dev/null
	in_ns "$NS_SW" ethtool -K sw0 gro on >/dev/null

	in_ns "$NS_CL" ip addr add 198.18.1.10/24 dev cl0
	in_ns "$NS_CL" ip addr add 198.18.3.10/24 dev cl0
	in_ns "$NS_CL" ip addr add 2001:db8:1::10/64 dev cl0 nodad
	in_ns "$NS_CL" ip route add default via 198.18.1.1
	in_ns "$NS_CL" ip -6 route add default via 2001:db8:1::1

	in_ns "$NS_LB" ip addr add 198.18.1.1/24 dev lb0
	in_ns "$NS_LB" ip addr add 198.18.3.1/24 dev lb0
	in_ns "$NS_LB" ip addr add 2001:db8:1::1/64 dev lb0 nodad
	in_ns "$NS_LB" ip addr add 198.18.2.1/24 dev lb1
	in_ns "$NS_LB" ip addr add 2001:db8:2::1/64 dev lb1 nodad
	in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.lb1.rp_filter=0
	for i in 1 2 3; do
		lab_rs "$i" || return 1
	done
	mkdir "$TMP/bpffs" && mount -t bpf bpf "$TMP/bpffs"
}

# An HTTP server on port 80 of each real server (both families) serving
# $TMP/wwwN, whose index.html is its name; up once the balancer's host
# gets that name from each.
lab_http() {
	local i
	for i in 1 2 3; do
		mkdir -p "$TMP/www$i" && echo "rs$i" >"$TMP/www$i/index.html"
		start_bg "${NS_RS[$i - 1]}" "$TMP/http$i.log" timeout 600 \
			python3 -m http.server --bind :: --directory "$TMP/www$i" 80
	done
	for i in 1 2 3; do
		wait_for "in_ns $NS_LB curl -s -o /dev/null http://198.18.2.1$i/" ||
			return 1
	done
}

# Start xdpvsd (options "$@") on lb0 and lb1 in the foreground, logging
# to $TMP/xdpvsd.log; its pins under $TMP/bpffs, socket $SOCK, pid file
# $TMP/xdpvsd.pid.  Up once the pid file is written.
lab_xdpvsd() {
	SOCK=$TMP/xdpvsd.sock
	start_bg "$NS_LB" "$TMP/xdpvsd.log" "${XDPVS_BUILD:-build}/xdpvsd" \
		-f -i lb0 -i lb1 --socket "$SOCK" --pidfile "$TMP/xdpvsd.pid" \
		--bpffs "$TMP/bpffs" "$@"
	XDPVSD=$LAST_PID
	wait_for "[ -s $TMP/xdpvsd.pid ] || ! kill -0 $XDPVSD 2>/dev/null" ||
		return 1
	kill -0 "$XDPVSD" 2>/dev/null || { cat "$TMP/xdpvsd.log"; return 1; }
}

# SIGTERM to lab_xdpvsd's daemon: it must exit 0 and leave nothing.
lab_stop_xdpvsd() {
	local rc
	kill -TERM "$XDPVSD"
	wait "$XDPVSD"
	rc=$?
	XDPVSD=
	[ "$rc" = 0 ] || { echo "exit status $rc"; return 1; }
	lab_left_nothing
}

# Nothing left behind by an xdpvsd that exited: no XDP program on the
# balancer's links, no pin, no socket, no pid file.
lab_left_nothing() {
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
