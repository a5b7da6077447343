#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvsd's XDP fast path and hitless restart: a client,
# the balancer and a real server in network namespaces; long TCP
# transfers through a NAT service.
#
#  client ns            balancer ns (xdpvsd -i lb0 -i lb1)        rs ns
#  cl0 198.18.1.10 --- lb0 198.18.1.1    lb1 198.18.2.1 --- eth0 198.18.2.11
#
# The real server sends a file at a bounded rate on port 8000 (a transfer
# of several seconds) and a small one on 8001; the client checks every
# byte (sha256) and that the stream ended cleanly (no reset).  Across
# each hand-over the client also sends numbered UDP datagrams at a steady
# rate to a NAT service (port 9000), a DR one (9001) and an IPIP one
# (9002, xdpvs-decap on the real server, which holds the VIP on lo), each
# echoed by the real server (NAT's back through the fast path, DR's and
# IPIP's through the balancer's kernel): every datagram and every echo
# must arrive, exactly once, and the real server's TCP must retransmit
# nothing of the transfer (TCP's retransmissions would hide a loss).
#
# Cases: xdpvsd's programs hold their hooks alone (not behind libxdp's
# dispatcher, which an upgrade could not swap); the transfer goes through
# the fast path (counted there), and
# xdpvsadm's --stats count what the client sent and received, the
# connection ESTABLISHED past its timeout; a restart with --keep-datapath
# in the middle of a transfer, of the same build and as an upgrade; the
# upgrade path (--takeover), from the same build and from another (the
# new program loaded ahead), each without losing a packet of the flows
# established in the fast path, the counters carried on across each, and
# the configuration changed at run time when the new xdpvsd has no -c; a
# clean exit leaves nothing.  Exit 0 when all passed, 1 when one failed, 77 when
# a prerequisite is missing.  XDPVS_OLD_XDPVSD=PATH runs another build's
# xdpvsd first: the restart is then an upgrade from that build.
set -u

BUILD=${XDPVS_BUILD:-build}
BIN=$BUILD/xdpvsd
FIRST_BIN=${XDPVS_OLD_XDPVSD:-$BIN}	# the first daemon's
OTHER_BIN=$BUILD/tests/other/xdpvsd	# this one as another build (mk/rules.mk)
OLD_BIN=$FIRST_BIN			# the running daemon's, until a restart
ADM=$BUILD/xdpvsadm
DECAP=$BUILD/xdpvs-decap
LAB="$(cd "$(dirname "$0")" && pwd)/fastpath-lab.py"
SUF=$$
NS_CL=xf-cl-$SUF
NS_LB=xf-lb-$SUF
NS_RS=xf-rs-$SUF
VIP=198.18.100.1
# XDPVS_TIME_SCALE=N: an emulated machine's N times slower (transfers N
# times longer, bounds N times higher)
SCALE=${XDPVS_TIME_SCALE:-1}
RATE=$((4000000 / SCALE))	# bytes per second of the long transfer
SIZE_MB=20		# so about 5 s
# datagrams per second of each UDP stream (XDPVS_UDP_RATE: fewer on an
# emulated machine, whose receivers would drop them)
UDP_RATE=${XDPVS_UDP_RATE:-2500}
TMP=
PIDS=()
XDPVSD=
STREAM=
SINK=
UP0=
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
	for ns in "$NS_CL" "$NS_LB" "$NS_RS"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMP" ]; then
		umount "$TMP/bpffs" 2>/dev/null
		rm -rf "$TMP"
	fi
}

start_bg() {
	local ns=$1 out=$2
	shift 2
	nsenter --net="/run/netns/$ns" -- "$@" >"$out" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

wait_for() {
	local i
	for i in $(seq $((${2:-50} * SCALE))); do
		eval "$1" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1"
	return 1
}

expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', expected '$3'"
	return 1
}

prerequisites() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local c
	for c in ip ethtool nsenter python3 sha256sum mount awk; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
	[ -x "$BIN" ] && [ -x "$ADM" ] && [ -x "$DECAP" ] ||
		{ echo "FAIL: not built"; exit 1; }
	ip netns add "$NS_CL" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$NS_CL"
}

# veth $1 (in ns $2) -- $3 (in ns $4): checksum offload off, GRO on both
# ends (the fast path redirects into the balancer's ends: their peers
# need NAPI).
veth() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" || return 1
	in_ns "$2" ethtool -K "$1" tx off gro on >/dev/null || return 1
	in_ns "$4" ethtool -K "$3" tx off gro on >/dev/null || return 1
	in_ns "$2" ip link set "$1" up && in_ns "$4" ip link set "$3" up
}

setup() {
	local ns
	TMP=$(mktemp -d) || return 1
	for ns in "$NS_CL" "$NS_LB" "$NS_RS"; do
		ip netns add "$ns" || return 1
		in_ns "$ns" ip link set lo up
	done
	veth cl0 "$NS_CL" lb0 "$NS_LB" || return 1
	veth lb1 "$NS_LB" eth0 "$NS_RS" || return 1
	in_ns "$NS_CL" ip addr add 198.18.1.10/24 dev cl0
	in_ns "$NS_CL" ip route add default via 198.18.1.1
	in_ns "$NS_LB" ip addr add 198.18.1.1/24 dev lb0
	in_ns "$NS_LB" ip addr add 198.18.2.1/24 dev lb1
	in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0
	in_ns "$NS_RS" ip addr add 198.18.2.11/24 dev eth0
	in_ns "$NS_RS" ip route add default via 198.18.2.1
	# the VIP for DR and IPIP, never announced (the balancer has no
	# route to it that way); the tunnel's packets decapsulated in XDP
	in_ns "$NS_RS" ip addr add "$VIP/32" dev lo
	in_ns "$NS_RS" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.eth0.rp_filter=0
	in_ns "$NS_RS" "$DECAP" -i eth0 -q >/dev/null || return 1
	head -c $((SIZE_MB << 20)) /dev/urandom >"$TMP/big" || return 1
	head -c 100000 /dev/urandom >"$TMP/small" || return 1
	sha256sum <"$TMP/big" | cut -d' ' -f1 >"$TMP/big.sha"
	sha256sum <"$TMP/small" | cut -d' ' -f1 >"$TMP/small.sha"
	start_bg "$NS_RS" "$TMP/serve-big.log" python3 "$LAB" serve \
		--port 8000 --file "$TMP/big" --rate "$RATE" --timeout $((300 * SCALE))
	start_bg "$NS_RS" "$TMP/serve-small.log" python3 "$LAB" serve \
		--port 8001 --file "$TMP/small" --rate 100000000 --timeout $((300 * SCALE))
	wait_for "grep -q ready $TMP/serve-big.log" || return 1
	wait_for "grep -q ready $TMP/serve-small.log" || return 1
	mkdir "$TMP/bpffs" && mount -t bpf bpf "$TMP/bpffs" || return 1
	printf '%s\n' "-A -t $VIP:8000 -s rr" \
		"-a -t $VIP:8000 -r 198.18.2.11:8000 -m" \
		"-A -t $VIP:8001 -s rr" \
		"-a -t $VIP:8001 -r 198.18.2.11:8001 -m" \
		"-A -u $VIP:9000 -s rr" \
		"-a -u $VIP:9000 -r 198.18.2.11:9000 -m" \
		"-A -u $VIP:9001 -s rr" \
		"-a -u $VIP:9001 -r 198.18.2.11:9001 -g" \
		"-A -u $VIP:9002 -s rr" \
		"-a -u $VIP:9002 -r 198.18.2.11:9002 -i" >"$TMP/rules"
}

# Start xdpvsd (log $1, then extra options; $START_BIN if set; with
# $NO_CONFIG set, without -c); XDPVSD is its pid once its pid file names
# it.
start_xdpvsd() {
	local log=$1 config=(-c "$TMP/rules")
	shift
	[ -n "${NO_CONFIG:-}" ] && config=()
	start_bg "$NS_LB" "$TMP/$log" "${START_BIN:-$BIN}" -f -i lb0 -i lb1 \
		"${config[@]}" --socket "$TMP/xdpvsd.sock" \
		--pidfile "$TMP/xdpvsd.pid" --bpffs "$TMP/bpffs" \
		--dump "$TMP/dump" --conn-max 4096 --keep-datapath "$@"
	local pid=$LAST_PID
	wait_for "[ \"\$(cat $TMP/xdpvsd.pid 2>/dev/null)\" = $pid ] || ! kill -0 $pid 2>/dev/null" 100 ||
		return 1
	kill -0 "$pid" 2>/dev/null || { cat "$TMP/$log"; return 1; }
	XDPVSD=$pid
}

adm() { in_ns "$NS_LB" "$ADM" --socket "$TMP/xdpvsd.sock" "$@"; }

# Fresh counters in $TMP/dump.
dump() {
	rm -f "$TMP/dump"
	kill -USR1 "$XDPVSD"
	wait_for "[ -s $TMP/dump ]"
}

# The long transfer in the background: FETCH is its pid.
fetch_start() {
	start_bg "$NS_CL" "$TMP/fetch-$1.log" python3 "$LAB" fetch \
		--addr "$VIP" --port 8000 --out "$TMP/got-$1" --timeout $((60 * SCALE))
	FETCH=$LAST_PID
	# connected before the case goes on (not so soon on a slow machine)
	wait_for "conn_state | grep -qx ESTABLISHED"
}

# Wait for background process $1 and forget it (its pid may be reused).
reap() {
	local p rc
	wait "$1"
	rc=$?
	for p in "${!PIDS[@]}"; do
		[ "${PIDS[$p]}" = "$1" ] && unset "PIDS[$p]"
	done
	return $rc
}

# Wait for it; every byte there, a clean end.
fetch_check() {
	local rc
	reap "$FETCH"
	rc=$?
	[ "$rc" = 0 ] || { echo "transfer $1 failed: $(cat "$TMP/fetch-$1.log")"; return 1; }
	expect "transfer $1 sha256" "$(sha256sum <"$TMP/got-$1" | cut -d' ' -f1)" \
		"$(cat "$TMP/big.sha")"
}

# The small transfer, intact; $TMP/small.log says when it connected.
small_fetch() {
	in_ns "$NS_CL" python3 "$LAB" fetch --addr "$VIP" --port 8001 \
		--out "$TMP/got-small" --timeout $((10 * SCALE)) >"$TMP/small.log" &&
	expect "small transfer" "$(sha256sum <"$TMP/got-small" | cut -d' ' -f1)" \
		"$(cat "$TMP/small.sha")"
}

# "Conns InPkts OutPkts" of the service on port $1 and of its real
# server (two lines), from --stats --exact.
svc_stats() {
	adm -Ln --stats --exact | awk -v v="$VIP:$1" '
		$1 == "TCP" { on = $2 == v }
		on { print $(NF - 4), $(NF - 3), $(NF - 2) }'
}

# Every figure of $2 (from svc_stats) at least its figure in $1, and the
# connections not zero: the counters carried on across a restart ($3).
stats_carried_on() {
	python3 -c '
import sys
a, b = ([int(x) for x in s.split()] for s in sys.argv[1:3])
sys.exit(not (len(a) == len(b) == 6 and a[0] > 0 and
              all(y >= x for x, y in zip(a, b))))' "$1" "$2" && return 0
	echo "$3: counters before $(echo $1), after $(echo $2)"
	return 1
}

# The state of the client's connection to port 8000 in -Lnc, or nothing.
conn_state() {
	adm -Lnc | awk -v v="$VIP:8000" '$1 == "TCP" && $5 == v { print $3 }'
}

# Packets the client's interface sent (tx) or received (rx).
cl_packets() {
	# /proc/net/dev: "cl0: rx_bytes rx_packets ... tx_bytes tx_packets"
	in_ns "$NS_CL" awk -v d=$1 -F'[: ]+' '$2 == "cl0" {
		print d == "rx" ? $4 : $12 }' /proc/net/dev
}

# |$1 - $2| within 2% of $2 (and a few packets of ARP and the like).
near() {
	local d=$(($1 - $2))
	[ "${d#-}" -le $(($2 / 50 + 20)) ] && return 0
	echo "$3: $1, expected about $2"
	return 1
}

# A long transfer through the fast path: it is counted there, xdpvsadm's
# --stats show what the client sent and received, --rate moves, and the
# connection stays ESTABLISHED past its 3 s timeout while it is active.
case_fast_path_counts() {
	local tx0 rx0 tx rx inp outp state rate fast
	adm --set 3 3 3 || return 1
	adm -Z || return 1
	tx0=$(cl_packets tx)
	rx0=$(cl_packets rx)
	fetch_start counts
	sleep 4
	state=$(conn_state)
	rate=$(adm -Ln --rate | awk -v v="$VIP:8000" '$1 == "TCP" && $2 == v { print $5 }')
	fetch_check counts || return 1
	expect "state after 4 s (timeout 3 s)" "$state" ESTABLISHED || return 1
	[ "${rate:-0}" -gt $((100 / SCALE)) ] || { echo "--rate OutPPS: '$rate'"; return 1; }
	sleep 1.5	# a fold of the fast path's counters
	tx=$(($(cl_packets tx) - tx0))
	rx=$(($(cl_packets rx) - rx0))
	read -r inp outp < <(adm -Ln --stats --exact | awk -v v="$VIP:8000" \
		'$1 == "TCP" && $2 == v { print $4, $5 }')
	near "$inp" "$tx" "InPkts" && near "$outp" "$rx" "OutPkts" || return 1
	dump || return 1
	fast=$(awk '$1 == "xdp" && $2 == "fast" { s += $3 } END { print s }' "$TMP/dump")
	echo "client sent $tx, received $rx packets; --stats InPkts $inp" \
		"OutPkts $outp; fast path forwarded $fast; OutPPS $rate"
	[ "$fast" -gt $(((tx + rx) * 9 / 10)) ] ||
		{ echo "fast path forwarded $fast of $((tx + rx)) packets"; return 1; }
	adm --set 900 120 300
}

# xdpvsd's programs hold the hooks alone, not behind libxdp's dispatcher
# (which takes them where the kernel runs it, as 6.1 does): what the
# kernel says is attached is what xdpvsd attached, which an upgrade can
# then swap in one step.
case_hook_alone() {
	local ifc id
	for ifc in lb0 lb1; do
		id=$(in_ns "$NS_LB" ip link show "$ifc" |
			sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
		grep -q "$ifc: XDP program attached (native mode, program id ${id:-none})" \
			"$TMP/xdpvsd-1.log" ||
			{ echo "$ifc: program ${id:-none} attached:"
			  cat "$TMP/xdpvsd-1.log"; return 1; }
	done
}

# Counters of the XDP programs ("xdp NAME" in a fresh dump, all
# interfaces), named after it, their values in that order.
xdp_counters() {
	dump || return 1
	awk -v names="$*" '$1 == "xdp" { s[$2] += $3 }
		END {
			n = split(names, want, " ")
			for (i = 1; i <= n; i++)
				printf "%s%s", s[want[i]] + 0, i < n ? " " : "\n"
		}' "$TMP/dump"
}

# What the XDP programs sent up (a packet of a service, a NAT reply, one
# of a flow), dropped because it would have gone up, and forwarded.
XDP_UP_NAMES="service nat_reply fast_up held fast"

# TCP counters of namespace $1 ("Tcp:NAME" of /proc/net/snmp, "TcpExt:NAME"
# of /proc/net/netstat) named after it, their values in that order.
tcp_counters() {
	local ns=$1
	shift
	# each a line of names, then a line of values
	in_ns "$ns" awk -v names="$*" '
		$1 == "Tcp:" || $1 == "TcpExt:" {
			if (!named[$1]) {
				for (i = 2; i <= NF; i++) col[$1 $i] = i
				named[$1] = 1
				next
			}
			for (i = 2; i <= NF; i++) val[$1 $i] = $i
		}
		END {
			n = split(names, want, " ")
			for (i = 1; i <= n; i++)
				printf "%s%s", val[want[i]] + 0, i < n ? " " : "\n"
		}' /proc/net/snmp /proc/net/netstat
}

# The real server's TCP counters: segments sent again, of which SYN+ACKs,
# loss probes, timeouts, segments the client said it had twice (D-SACK);
# then the client's: segments queued out of order.
tcp_state() {
	echo "$(tcp_counters "$NS_RS" Tcp:RetransSegs TcpExt:TCPSynRetrans \
		TcpExt:TCPLossProbes TcpExt:TCPTimeouts TcpExt:TCPDSACKRecvSegs)" \
		"$(tcp_counters "$NS_CL" TcpExt:TCPOFOQueue)"
}

# Each figure of $2 less the same of $1 (lines of numbers).
minus() {
	local a b i d=()
	read -r -a a <<<"$1"
	read -r -a b <<<"$2"
	for i in "${!a[@]}"; do
		d+=($((b[i] - a[i])))
	done
	echo "${d[*]}"
}

# Case $1's TCP transfer (tcp_state $2 before, $3 after) lost no segment:
# the real server sent none again, or only what the client had already
# (each D-SACKed, none out of order: a loss probe sent while the ACKs
# were late on this loaded 2-core VM).
no_segment_lost() {
	local d
	read -r -a d <<<"$(minus "$2" "$3")"
	echo "$1: the real server retransmitted $((d[0] - d[1])) segments" \
		"(loss probes ${d[2]}, timeouts ${d[3]}, D-SACKed by the" \
		"client ${d[4]}); the client queued ${d[5]} out of order"
	[ "$((d[0] - d[1]))" = 0 ] ||
		{ [ "$((d[0] - d[1]))" = "${d[4]}" ] && [ "${d[5]}" = 0 ]; }
}

# The UDP streams of case $1 started (9000, 9001, 9002 at UDP_RATE each,
# echoed), their connections made and established in the fast path:
# the client's datagrams and the NAT echoes forwarded there (at least
# half of what the streams sent meanwhile), none went up.  SINK, STREAM:
# the pids; UP0, the XDP programs' counters before (XDP_UP_NAMES).
udp_start() {
	local f0 f1 u0 u1 t0 t1 n conns want= port=9000 from
	udp_stop	# a failed case's
	start_bg "$NS_RS" "$TMP/sink-$1.log" python3 "$LAB" udp-sink --echo \
		--port 9000 --port "$VIP/9001" --port "$VIP/9002" --timeout $((120 * SCALE))
	SINK=$LAST_PID
	wait_for "grep -qs ready $TMP/sink-$1.log" || return 1
	UP0=$(xdp_counters $XDP_UP_NAMES) || return 1
	start_bg "$NS_CL" "$TMP/stream-$1.log" python3 "$LAB" udp-stream \
		--addr "$VIP" --port 9000 --port 9001 --port 9002 --echo \
		--rate "$UDP_RATE" --seconds $((40 * SCALE))
	STREAM=$LAST_PID
	wait_for "grep -qs sending $TMP/stream-$1.log" || return 1
	sleep 0.2
	# the client's sockets, one a port, in that order
	for from in $(sed -n 's/^sending from //p' "$TMP/stream-$1.log"); do
		want+="$from->$VIP:$((port++)) "
	done
	conns=$(adm -Lnc | awk -v want="$want" '$1 == "UDP" &&
		index(want, $4 "->" $5 " ") { print $4 "->" $5 }' | sort | tr '\n' ' ')
	want=$(printf '%s\n' $want | sort | tr '\n' ' ')
	expect "$1: the UDP streams' connections" "$conns" "$want" || return 1
	read -r f0 u0 < <(xdp_counters fast service) && [ -n "$u0" ] || return 1
	t0=$(date +%s%N)
	sleep 0.5
	read -r f1 u1 < <(xdp_counters fast service) && [ -n "$u1" ] || return 1
	t1=$(date +%s%N)
	# each stream's datagrams, and NAT's echoes
	n=$((UDP_RATE * 4 * (t1 - t0) / 1000000000))
	echo "$1: UDP streams in the fast path: it forwarded $((f1 - f0)) packets" \
		"in $(((t1 - t0) / 1000000)) ms (about $n sent), $((u1 - u0)) went up"
	[ $((f1 - f0)) -ge $((n / 2)) ] && [ "$u1" = "$u0" ]
}

# Stop the UDP streams, the sender first (it waits up to 1 s for the
# last echoes).
udp_stop() {
	[ -n "$STREAM" ] && kill -TERM "$STREAM" && reap "$STREAM"
	[ -n "$SINK" ] && kill -TERM "$SINK" && reap "$SINK"
	STREAM= SINK=
}

# Stop case $1's UDP streams: every datagram and every echo arrived,
# once; none went up nor was held (but a few SYNs of the case's own), the
# fast path forwarded at least each datagram and each NAT echo.
udp_check() {
	local d sent
	udp_stop
	read -r -a d <<<"$(minus "$UP0" "$(xdp_counters $XDP_UP_NAMES)")"
	echo "$1: meanwhile the XDP programs sent up ${d[0]} packets of a" \
		"service, ${d[1]} NAT replies, ${d[2]} packets of a flow, held" \
		"${d[3]}; the fast path forwarded ${d[4]}"
	python3 "$LAB" udp-verdict --stream "$TMP/stream-$1.log" \
		--sink "$TMP/sink-$1.log" --label "9000=$1: UDP NAT" \
		--label "9001=$1: UDP DR" --label "9002=$1: UDP IPIP" || return 1
	# 9000 twice (NAT: the echo too), 9001, 9002
	sent=$(awk '$1 == "stream" { n += ($2 == "9000:" ? 2 : 1) * $4 }
		END { print n + 0 }' "$TMP/stream-$1.log")
	[ "${d[0]}" -lt 10 ] && [ "${d[1]}" = 0 ] && [ "${d[2]}" = 0 ] &&
		[ "${d[3]}" = 0 ] && [ "${d[4]}" -ge "$sent" ] ||
		{ echo "$1: the UDP streams' $sent packets not all in the fast path"
		  return 1; }
}

# The id of the XDP program on lb0 (ip link's "prog/xdp id N").
xdp_prog_id() {
	in_ns "$NS_LB" ip link show lb0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

# The saved state's hash of the attached program (dp/keep.c's header,
# bytes 12-15) set to 0, as a build before it writes: the kept program is
# then another build's.
saved_from_older_build() {
	local map=$TMP/bpffs/xdpvs/v3/xdpvs_saved value
	value=$(in_ns "$NS_LB" bpftool -j map lookup pinned "$map" key 0 0 0 0 |
		python3 -c '
import json, sys
v = json.load(sys.stdin)["value"]
v[12:16] = ["0x00"] * 4
print(" ".join(v))') || return 1
	# shellcheck disable=SC2086
	in_ns "$NS_LB" bpftool map update pinned "$map" key 0 0 0 0 value $value
}

# Packets the XDP programs sent up to xdpvsd's sockets ("xdp service"
# in a fresh dump).
sent_up() {
	dump || return 1
	awk '$1 == "xdp" && $2 == "service" { s += $3 } END { print s + 0 }' "$TMP/dump"
}

# A connection to port 8001 whose packets go up (wlc: no picks), and back
# to rr: the new program hands them to the new xdpvsd's sockets.
fetch_up() {
	local up0
	adm -E -t "$VIP:8001" -s wlc || return 1
	up0=$(sent_up) || return 1
	small_fetch || return 1
	expect "the SYN went up to the new xdpvsd" "$(( $(sent_up) > up0 ))" 1 &&
		adm -E -t "$VIP:8001" -s rr
}

# The ms of xdpvsd log $1's "serving N ms after the previous xdpvsd ...".
serving_ms() {
	sed -n 's/.*serving \([0-9]*\) ms after the previous xdpvsd.*/\1/p' "$TMP/$1"
}

# After an upgrade by stop + start (log $1, kept program $2, SIGTERM at
# $3 ns, $4 packets sent up before): the new xdpvsd serves through the
# kept program (its counters carry on) while its own
# loads in the background.  A new connection whose SYN goes up (wlc: no
# picks) is answered then, soon after the restart; its own program then
# replaces the kept one on both interfaces, the counters carry on, and
# what goes up reaches its sockets through it (fetch_up).
upgrade_in_background() {
	local log=$1 id0=$2 t0=$3 up0=$4 up1 up2 early ans serve load id1
	adm -E -t "$VIP:8001" -s wlc || return 1
	small_fetch || return 1
	early=$(grep -c "adopted and replaced" "$TMP/$log")
	ans=$(sed -n 's/.*connected at \([0-9]*\) ns.*/\1/p' "$TMP/small.log")
	ans=$(((ans - t0) / 1000000))
	up1=$(sent_up) || return 1
	expect "the SYN went up through the kept program" \
		"$((up1 > up0))" 1 || return 1
	wait_for "grep -q 'lb1: XDP program adopted and replaced' $TMP/$log" 100 ||
		{ cat "$TMP/$log"; return 1; }
	serve=$(serving_ms "$log")
	load=$(sed -n 's/.*lb0: .*loaded in the background in \([0-9]*\) ms.*/\1/p' \
		"$TMP/$log")
	echo "upgrade: serving ${serve:-?} ms after the old xdpvsd left its" \
		"data path; a new connection going up connected $ans ms after" \
		"SIGTERM; this build's program loaded in the background in" \
		"${load:-?} ms"
	# bounds for a slow 2-core VM: a synchronous load served after
	# 1.3-1.6 s, the background one takes more than a second
	[ -n "$serve" ] && [ "$serve" -lt $((800 * SCALE)) ] ||
		{ echo "serving after ${serve:-?} ms, not under $((800 * SCALE))"
		  return 1; }
	[ -n "$load" ] || { cat "$TMP/$log"; return 1; }
	[ "$early" = 0 ] || [ "$load" -lt $((1000 * SCALE)) ] ||
		{ echo "the connection was answered only after the replacement"
		  return 1; }
	id1=$(xdp_prog_id)
	[ -n "$id0" ] && [ -n "$id1" ] && [ "$id0" != "$id1" ] &&
		grep -q "lb0: XDP program adopted and replaced .*id $id1, was $id0; loaded in the background in" \
			"$TMP/$log" ||
		{ echo "program $id0 not replaced ($id1):"; cat "$TMP/$log"; return 1; }
	up2=$(sent_up) || return 1
	expect "the data path's counters carried on across the swap" \
		"$((up2 >= up1))" 1 || return 1
	fetch_up
}

# SIGTERM with --keep-datapath in the middle of a transfer, a new xdpvsd
# started: the transfer completes intact, the connection is taken over.
# The kept XDP program is the new xdpvsd's build: it is adopted as it is;
# with $1 = upgrade, the saved state says another build's: the new
# xdpvsd serves through it at once and replaces it with its own, loaded
# in the background, on the same maps (upgrade_in_background).
case_restart() {
	local old=$XDPVSD old_bin=$OLD_BIN rc t0 id0 id1 st0 log=xdpvsd-2.log
	local name=restart up0 r0 r1
	[ "${1:-}" = upgrade ] && log=xdpvsd-2u.log name=upgrade
	id0=$(xdp_prog_id)
	up0=$(sent_up) || return 1
	udp_start $name || return 1
	r0=$(tcp_state)
	fetch_start $name
	sleep 1.5
	st0=$(svc_stats 8000)
	t0=$(date +%s%N)
	kill -TERM "$old"
	wait "$old"
	rc=$?
	XDPVSD=
	[ "$rc" = 0 ] || { echo "old xdpvsd exited $rc"; return 1; }
	in_ns "$NS_LB" ip link show lb0 | grep -q "prog/xdp" ||
		{ echo "XDP program not left attached"; return 1; }
	[ -e "$TMP/bpffs/xdpvs/v3/xdpvs_saved" ] ||
		{ echo "no saved state"; return 1; }
	[ -e "$TMP/bpffs/xdpvs/v3/xdpvs_events" ] ||
		{ echo "the fast path's event ring not kept"; return 1; }
	if [ "${1:-}" = upgrade ]; then
		local t1=$(date +%s%N)
		saved_from_older_build || { echo "cannot rewrite the saved state"; return 1; }
		echo "(the saved state rewritten in $((($(date +%s%N) - t1) / 1000000)) ms" \
			"of the restart's time)"
	fi
	start_xdpvsd "$log" || return 1
	echo "restart: $((($(date +%s%N) - t0) / 1000000)) ms from SIGTERM" \
		"to the new xdpvsd serving (${name}: it says $(serving_ms "$log")" \
		"ms after the old one left its data path)"
	grep -q "took over [1-9]" "$TMP/$log" ||
		{ echo "nothing taken over:"; cat "$TMP/$log"; return 1; }
	# (not from an XDPVS_OLD_XDPVSD that may predate saving them)
	if [ "$old_bin" = "$BIN" ]; then
		stats_carried_on "$st0" "$(svc_stats 8000)" $name || return 1
	fi
	OLD_BIN=$BIN
	# the first xdpvsd of another build (XDPVS_OLD_XDPVSD): an upgrade too
	if [ "${1:-}" = upgrade ] || [ "$FIRST_BIN" != "$BIN" ]; then
		upgrade_in_background "$log" "$id0" "$t0" "$up0" || return 1
	else
		id1=$(xdp_prog_id)
		[ -n "$id0" ] && [ "$id0" = "$id1" ] &&
			grep -q "lb0: XDP program adopted (native mode, program id $id0)" "$TMP/$log" ||
			{ echo "program $id0 not kept as it was ($id1):"; cat "$TMP/$log"; return 1; }
	fi
	conn_state | grep -qx ESTABLISHED ||
		{ echo "not ESTABLISHED after the restart: $(conn_state)"; return 1; }
	fetch_check $name || return 1
	r1=$(tcp_state)
	udp_check $name && no_segment_lost $name "$r0" "$r1" && small_fetch
}

# xdpvsd ($START_BIN if set) with --takeover, log $1: the running one
# lets go, ours serves.
takeover() {
	local old=$XDPVSD
	start_xdpvsd "$1" --takeover || return 1
	wait_for "! kill -0 $old 2>/dev/null" || return 1
	echo "takeover: $(sed -n 's/.*serving \([0-9]*\) ms after.*/\1/p' "$TMP/$1")" \
		"ms from the old xdpvsd letting go to the new one serving"
}

# Everything of the configuration that xdpvsadm shows: -S (services,
# timeouts, switches, mark rules) and the thresholds ipvsadm's -S leaves
# out (not the connection counts beside them).
whole_config() {
	adm -S -n && adm -L --daemon && adm -Ln --thresholds |
		awk '$1 == "->" { print $2, $3, $4; next } { print }'
}

# The configuration changed at run time: a service and a real server
# with thresholds, timeouts, a switch, a mark rule, a sync daemon.
change_config() {
	adm --start-daemon backup --mcast-interface lb1 --syncid 9 &&
	adm -A -t "$VIP:8002" -s wrr &&
	adm -a -t "$VIP:8002" -r 198.18.2.11:8001 -m -w 2 -x 50 -y 40 &&
	adm --set 901 122 301 &&
	adm --sysctl expire_nodest_conn=1 &&
	adm --add-mark 9:tcp:198.18.100.9/32:80
}

# The upgrade path: a new xdpvsd with --takeover while the old one runs.
# With $1 = upgrade, the old one is another build's ($OTHER_BIN, which
# took over first): the new xdpvsd loads its program ahead, on the maps
# the old one pinned, while that one still serves, and after the
# hand-over swaps it in for the kept one on the same maps.
case_takeover() {
	local id0 id1 st0 cf0= log=xdpvsd-3.log name=takeover r0 r1
	[ "${1:-}" = upgrade ] && name=upgrade-takeover
	# (across both takeovers of an upgrade)
	udp_start $name || return 1
	r0=$(tcp_state)
	if [ "${1:-}" = upgrade ]; then
		log=xdpvsd-3u.log
		[ -x "$OTHER_BIN" ] || { echo "$OTHER_BIN not built"; return 1; }
		START_BIN=$OTHER_BIN takeover xdpvsd-3o.log || return 1
		small_fetch || return 1
	fi
	if [ "${1:-}" != upgrade ]; then
		# started without -c: the configuration changed at run time
		# carries on
		change_config || return 1
		cf0=$(whole_config) || return 1
	fi
	id0=$(xdp_prog_id)
	fetch_start $name
	sleep 1.5
	st0=$(svc_stats 8000)
	NO_CONFIG=${cf0:+1} takeover $log || return 1
	if [ -n "$cf0" ]; then
		expect "the configuration after the takeover" \
			"$(whole_config)" "$cf0" || return 1
		grep -q "the previous xdpvsd's configuration carried on" \
			"$TMP/$log" || { cat "$TMP/$log"; return 1; }
	fi
	grep -q "took over [1-9]" "$TMP/$log" ||
		{ echo "nothing taken over:"; cat "$TMP/$log"; return 1; }
	stats_carried_on "$st0" "$(svc_stats 8000)" $name || return 1
	id1=$(xdp_prog_id)
	if [ "${1:-}" = upgrade ]; then
		# ours was loaded before the old one let go, and swapped in
		grep -q "XDP program loaded ahead on the running xdpvsd's maps (2 instance" \
			"$TMP/$log" &&
			[ -n "$id0" ] && [ -n "$id1" ] && [ "$id0" != "$id1" ] &&
			grep -q "lb0: XDP program adopted and replaced .*id $id1, was $id0; loaded ahead)" \
				"$TMP/$log" &&
			grep -q "lb1: XDP program adopted and replaced .*; loaded ahead)" \
				"$TMP/$log" ||
			{ echo "program $id0 not replaced by one loaded ahead ($id1):"
			  cat "$TMP/$log"; return 1; }
		fetch_up || return 1
	else
		# the same build's program: nothing to load ahead would be
		# used, and it stays as it was
		[ -n "$id0" ] && [ "$id0" = "$id1" ] ||
			{ echo "program $id0 not kept as it was ($id1)"; return 1; }
	fi
	fetch_check $name || return 1
	r1=$(tcp_state)
	udp_check $name && no_segment_lost $name "$r0" "$r1" && small_fetch
}

# Without --keep-datapath... a plain SIGTERM of a daemon run without it
# removes everything.
case_clean_exit() {
	local rc left
	# a failed case's streams: no traffic when XDP is detached (6.1's
	# veth with GRO on can run the program once more after it freed
	# what ctx->ingress_ifindex reads: a NULL dereference, a panic)
	udp_stop
	kill -USR2 "$XDPVSD"	# hand over to the plain one below
	wait_for "! kill -0 $XDPVSD 2>/dev/null" || return 1
	start_bg "$NS_LB" "$TMP/xdpvsd-4.log" "$BIN" -f -i lb0 -i lb1 \
		-c "$TMP/rules" --socket "$TMP/xdpvsd.sock" \
		--pidfile "$TMP/xdpvsd.pid" --bpffs "$TMP/bpffs" --conn-max 4096
	XDPVSD=$LAST_PID
	wait_for "[ \"\$(cat $TMP/xdpvsd.pid 2>/dev/null)\" = $XDPVSD ]" || return 1
	small_fetch || return 1
	kill -TERM "$XDPVSD"
	wait "$XDPVSD"
	rc=$?
	XDPVSD=
	[ "$rc" = 0 ] || { echo "exit status $rc"; return 1; }
	left=$(in_ns "$NS_LB" ip -d link show | grep -i 'prog/xdp')
	[ -z "$left" ] || { echo "XDP left attached: $left"; return 1; }
	left=$(find "$TMP/bpffs" -mindepth 1 -not -type d \
		-not -name maps.debug -not -name progs.debug)
	[ -z "$left" ] || { echo "pinned objects left: $left"; return 1; }
}

# The AF_XDP sockets' counters named (the dump's "xsk Q NAME N ...",
# summed over the sockets), in that order.
xsk_counter() {
	awk -v names="$*" '$1 == "xsk" { for (i = 3; i < NF; i += 2) s[$i] += $(i + 1) }
		END {
			n = split(names, want, " ")
			for (i = 1; i <= n; i++)
				printf "%s%s", s[want[i]] + 0, i < n ? " " : "\n"
		}' "$TMP/dump"
}

# Is this kernel older than 6.6 (no XDP_USE_SG, no jumbo veth beside XDP)?
old_kernel() {
	uname -r | awk -F'[.-]' '{ exit !($1 < 6 || ($1 == 6 && $2 < 6)) }'
}

# Jumbo frames: with a 9000-byte MTU everywhere, xdpvsd attaches in
# native mode, the transfer's 8948-byte segments go through the fast path
# (in several buffers each), and 8000-byte datagrams of a service whose
# first datagram goes up (wlc: no pick) arrive, and their echoes: the
# first one through AF_XDP in several descriptors each way (XDP_USE_SG,
# kernel 6.6 and later), the others through the fast path.
case_jumbo() {
	local ifc pkts bytes sg g t
	for ifc in "$NS_CL cl0" "$NS_LB lb0" "$NS_LB lb1" "$NS_RS eth0"; do
		set -- $ifc
		in_ns "$1" ip link set "$2" mtu 9000 && continue
		# veth before 6.6 (Debian 12's 6.1) keeps a page's MTU on a
		# link whose peer has XDP, multi-buffer or not
		old_kernel || return 1
		echo "jumbo: $2: MTU 9000 refused beside XDP by kernel $(uname -r): not tried"
		return 0
	done
	{ cat "$TMP/rules"
	  printf '%s\n' "-A -u $VIP:9003 -s wlc" \
		"-a -u $VIP:9003 -r 198.18.2.11:9003 -m"; } >"$TMP/rules-jumbo"
	start_bg "$NS_LB" "$TMP/xdpvsd-5.log" "$BIN" -f -i lb0 -i lb1 \
		-c "$TMP/rules-jumbo" --socket "$TMP/xdpvsd.sock" \
		--pidfile "$TMP/xdpvsd.pid" --bpffs "$TMP/bpffs" \
		--dump "$TMP/dump" --conn-max 4096
	XDPVSD=$LAST_PID
	wait_for "[ \"\$(cat $TMP/xdpvsd.pid 2>/dev/null)\" = $XDPVSD ]" || return 1
	expect "interfaces in native mode" \
		"$(grep -c 'XDP program attached (native mode' "$TMP/xdpvsd-5.log")" 2 ||
		return 1
	fetch_start jumbo
	fetch_check jumbo || return 1
	read -r pkts bytes < <(dump && awk '$1 == "xdp" && $2 == "fast" {
		p += $3; b += $5 } END { print p + 0, b + 0 }' "$TMP/dump")
	echo "jumbo: the fast path forwarded $pkts packets of $((bytes / (pkts + 1))) bytes on average"
	[ "$pkts" -gt 1000 ] && [ $((bytes / pkts)) -gt 4096 ] ||
		{ echo "jumbo: the transfer's big segments not in the fast path"; return 1; }
	sg=$(xsk_counter sg)
	[ "$sg" -gt 0 ] || ! old_kernel ||
		{ echo "jumbo: no XDP_USE_SG (kernel before 6.6): UDP not tried"; return 0; }
	start_bg "$NS_RS" "$TMP/sink-jumbo.log" python3 "$LAB" udp-sink --echo \
		--port 9003 --timeout 30
	SINK=$LAST_PID
	wait_for "grep -qs ready $TMP/sink-jumbo.log" || return 1
	start_bg "$NS_CL" "$TMP/stream-jumbo.log" python3 "$LAB" udp-stream \
		--addr "$VIP" --port 9003 --echo --rate 100 --count 200 \
		--size 8000 --seconds 10
	STREAM=$LAST_PID
	reap "$STREAM"
	STREAM=
	udp_stop
	python3 "$LAB" udp-verdict --stream "$TMP/stream-jumbo.log" \
		--sink "$TMP/sink-jumbo.log" --label "9003=jumbo: UDP NAT" || return 1
	dump || return 1
	read -r g t < <(xsk_counter rx_gathered tx_split)
	echo "jumbo: frames received in several descriptors $g, sent in several $t"
	[ "$g" -ge 1 ] && [ "$t" -ge 1 ]
}

run() {
	if "$@"; then
		echo "ok   $*"
	else
		echo "FAIL $*"
		FAILED=1
	fi
}

prerequisites
trap cleanup EXIT
setup || { echo "FAIL: setup"; exit 1; }
START_BIN=$FIRST_BIN start_xdpvsd xdpvsd-1.log ||
	{ echo "FAIL: xdpvsd did not start"; exit 1; }
[ "$FIRST_BIN" = "$BIN" ] && run case_hook_alone
run case_fast_path_counts
run case_restart
run case_restart upgrade
run case_takeover
run case_takeover upgrade
run case_clean_exit
run case_jumbo
if [ "$FAILED" != 0 ]; then
	for f in "$TMP"/xdpvsd-*.log; do
		echo "--- $f"; cat "$f"
	done
fi
exit "$FAILED"
