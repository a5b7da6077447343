#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvsadm driving a live xdpvsd: the lab of
# tests/lib/lab.sh, xdpvsd started with no rules on the balancer, every
# service configured, edited, listed, zeroed, saved and restored with
# xdpvsadm while real clients talk to real servers through it.
#
# Real servers: HTTP on port 80 answering their name (python3 -m
# http.server), DNS on port 53 (dnsmasq: who.xdpvs.test TXT is the
# server's name, www.xdpvs.test A 198.18.50.80 everywhere), and a TCP
# line echo on port 7000 answering "name:line" (xdpvsd-lab.py).  All
# services are rr over rs1, rs2, rs3, added in that order, so the
# kernel's newest-first list makes rr pick rs3, rs2, rs1, rs3 ...
#
# Counters are checked exactly against a capture on the client's link:
# each connection's packets and bytes (IP length, as IPVS counts them)
# summed per real server from the client port that -Lnc shows going to
# it.  Each case is a function; exit 0 when all passed, 1 when one
# failed, 77 when a prerequisite is missing.  Binaries from
# $XDPVS_BUILD (build/ by default).
set -u

BUILD=${XDPVS_BUILD:-build}
HERE="$(cd "$(dirname "$0")" && pwd)"
LABPY=$HERE/xdpvsd-lab.py
# shellcheck source=tests/lib/lab.sh
. "$HERE/../lib/lab.sh"
VIP=198.18.100.1
VIP6=2001:db8:100::1
VIP_P=198.18.100.2	# the persistent service
ECHO=$VIP:7000
RS=(198.18.2.11 198.18.2.12 198.18.2.13)
RS6=(2001:db8:2::11 2001:db8:2::12 2001:db8:2::13)
FAILED=0
CAP=

prerequisites() {
	lab_prerequisites socat wrk dig dnsmasq tcpdump
	local b
	for b in xdpvsd xdpvsadm; do
		[ -x "$BUILD/$b" ] || { echo "FAIL: $BUILD/$b not built"; exit 1; }
	done
}

adm() { "$BUILD/xdpvsadm" --socket "$SOCK" "$@"; }

# Address $1 as listings write it (IPv6 in brackets).
br() { case $1 in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }

expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', expected '$3'"
	return 1
}

# same WHAT GOT WANT: files equal, else show the difference.
same() {
	diff -u "$3" "$2" >"$TMP/diff" && return 0
	echo "$1 differs (--- want, +++ got):"
	head -30 "$TMP/diff"
	return 1
}

# dnsmasq on real server $1: its name as a TXT record, one A record.
start_dns() {
	local i=$1
	cat >"$TMP/dnsmasq$i.conf" <<-EOF
	port=53
	interface=eth0
	bind-interfaces
	no-resolv
	no-hosts
	keep-in-foreground
	pid-file=
	user=nobody
	log-facility=-
	txt-record=who.xdpvs.test,rs$i
	address=/www.xdpvs.test/198.18.50.80
	EOF
	start_bg "${NS_RS[$i - 1]}" "$TMP/dns$i.log" timeout 600 \
		dnsmasq --conf-file="$TMP/dnsmasq$i.conf"
}

setup() {
	local i
	lab_setup || return 1
	# No tentative address: xdpvsd's first requests to resolve the real
	# servers' IPv6 neighbours would go unsent (lab_netns).
	[ -z "$(in_ns "$NS_LB" ip -6 addr show tentative)" ] ||
		{ echo "tentative addresses on the balancer"; return 1; }
	lab_http || return 1
	for i in 1 2 3; do
		start_dns "$i"
		start_bg "${NS_RS[$i - 1]}" "$TMP/echo$i.log" python3 "$LABPY" \
			tcp-echo --name "rs$i" --port 7000 --timeout 600
	done
	for i in 1 2 3; do
		wait_for "grep -q ready $TMP/echo$i.log" || return 1
		wait_for "in_ns $NS_LB dig +short +tries=1 +time=1 \
			@${RS[$i - 1]} who.xdpvs.test TXT | grep -q rs$i" ||
			return 1
	done
	lab_xdpvsd --conn-max 65536 --dump "$TMP/dump"
}

# ---------------------------------------------------------------------
# Capture on the client's link, counters, connections

# Capture packets matching filter $1 on cl0 until cap_stop.
cap_start() {
	rm -f "$TMP/cap.pcap"
	start_bg "$NS_CL" "$TMP/cap.log" tcpdump --immediate-mode -U \
		-i cl0 -nn -w "$TMP/cap.pcap" "$1"
	CAP=$LAST_PID
	wait_for "grep -qs 'listening on' $TMP/cap.log"
}

cap_stop() {
	sleep 0.3	# the last ACK of a close
	kill -INT "$CAP" && wait "$CAP"
	CAP=
}

# Client ports and their counts in the capture, traffic of service
# address $1 (addr.port as tcpdump writes it): "PORT IN_PKTS OUT_PKTS
# IN_BYTES OUT_BYTES" per port, bytes as IP lengths (frame - 14).
cap_counts() {
	tcpdump -nn -e -r "$TMP/cap.pcap" 2>/dev/null | awk -v svc="$1" '
	function port(a) { sub(/.*\./, "", a); return a }
	{
		for (i = 1; i < NF && $i != "length"; i++) ;
		len = $(i + 1) - 14; src = $(i + 2); dst = $(i + 4)
		sub(/:$/, "", dst)
		if (dst == svc) { p = port(src); ip[p]++; ib[p] += len }
		else if (src == svc) { p = port(dst); op[p]++; ob[p] += len }
		else next
		seen[p] = 1
	}
	END { for (p in seen) print p, ip[p] + 0, op[p] + 0, ib[p] + 0, ob[p] + 0 }'
}

# "CLIENT_PORT DEST" for each connection to virtual address $2 in the
# -Lnc listing in file $1 (IPv6 in brackets, as listed).
conn_dests() {
	awk -v v="$2" '$5 == v { p = $4; sub(/.*:/, "", p); print p, $6 }' "$1"
}

# What -Ln --stats --exact must show for service $1 (ADDR:PORT as
# listed) after the captured traffic, connections from -Lnc file $2:
# "service CONNS INPKTS OUTPKTS INBYTES OUTBYTES" and a line per server.
want_stats() {
	local a=${1//[\[\]]/}
	cap_counts "${a%:*}.${a##*:}" >"$TMP/counts"
	conn_dests "$2" "$1" | sort >"$TMP/dests"
	sort "$TMP/counts" | join - "$TMP/dests" | awk '
	{ d = $6; c[d]++; ip[d] += $2; op[d] += $3; ib[d] += $4; ob[d] += $5
	  C++; IP += $2; OP += $3; IB += $4; OB += $5 }
	END { print "service", C, IP, OP, IB, OB
	      for (d in c) print d, c[d], ip[d], op[d], ib[d], ob[d] }' | sort
}

# The same from xdpvsadm -Ln --stats --exact.
got_stats() {
	adm -Ln --stats --exact | awk -v s="$1" '
	$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { on = $2 == s
		if (on) print "service", $3, $4, $5, $6, $7; next }
	on && $1 == "->" && NF == 7 { print $2, $3, $4, $5, $6, $7 }' | sort
}

# Check the counters of service $1 (PROTO VIP:PORT as listed: "TCP
# [2001:db8:100::1]:80") against the capture.
check_stats() {
	local proto=${1%% *} svc=${1#* }
	adm -Lnc >"$TMP/conns" || return 1
	want_stats "$svc" "$TMP/conns" >"$TMP/want"
	got_stats "$svc" >"$TMP/got"
	[ "$(wc -l <"$TMP/want")" -eq 4 ] ||
		{ echo "$1: want 3 servers:"; cat "$TMP/want"; return 1; }
	same "$proto $svc --stats --exact" "$TMP/got" "$TMP/want"
}

# ---------------------------------------------------------------------
# Cases

# The services, with xdpvsadm on the running daemon; -S gives them back.
case_configure() {
	local i line
	{
		echo "-A -t $VIP:80 -s rr"
		echo "-A -t [$VIP6]:80 -s rr"
		echo "-A -u $VIP:53 -s rr"
		echo "-A -u [$VIP6]:53 -s rr"
		echo "-A -t $ECHO -s rr"
		echo "-A -t $VIP_P:80 -s rr -p 60"
	} >"$TMP/services"
	for i in 0 1 2; do
		echo "-a -t $VIP:80 -r ${RS[i]}:80 -m -w 1"
		echo "-a -t [$VIP6]:80 -r [${RS6[i]}]:80 -m -w 1"
		echo "-a -u $VIP:53 -r ${RS[i]}:53 -m -w 1"
		echo "-a -u [$VIP6]:53 -r [${RS6[i]}]:53 -m -w 1"
		echo "-a -t $ECHO -r ${RS[i]}:7000 -m -w 1"
		echo "-a -t $VIP_P:80 -r ${RS[i]}:80 -m -w 1"
	done >"$TMP/dests"
	cat "$TMP/services" "$TMP/dests" | while read -r line; do
		# shellcheck disable=SC2086
		adm $line || { echo "xdpvsadm $line failed"; exit 1; }
	done || return 1
	# -S: the same lines (in -L order).
	adm -S -n | sort >"$TMP/got" || return 1
	sort "$TMP/services" "$TMP/dests" >"$TMP/want"
	same "-S -n" "$TMP/got" "$TMP/want"
}

# curl URL $1 $2 times: "NAME LOCAL_PORT" lines.
curls() {
	local i out
	for i in $(seq "$2"); do
		out=$(in_ns "$NS_CL" curl -s --max-time 3 -w ' %{local_port}' \
			"$1") || out="FAIL -"
		echo "${out//$'\n'/}"
	done
}

# NAT HTTP from client address $1 to $2, real servers $3...: rr order,
# each connection in TIME_WAIT in -Lnc to the server that answered it
# (TCP only: an earlier case's UDP entry may have the same client port),
# the counters (zeroed first) exactly what the client's link carried.
nat_http() {
	local cl vip rs want port name
	cl=$(br "$1") vip=$(br "$2")
	shift 2
	rs=("$@")
	adm -Z -t "$vip:80" && cap_start "tcp port 80" || return 1
	curls "http://$vip/" 6 >"$TMP/answers"
	cap_stop
	expect "answers from http://$vip/" "$(cut -d' ' -f1 <"$TMP/answers" |
		tr '\n' ' ')" "rs3 rs2 rs1 rs3 rs2 rs1 " || return 1
	adm -Lnc >"$TMP/conns" || return 1
	while read -r name port; do
		want="TCP TIME_WAIT $cl:$port $vip:80 $(br "${rs[${name#rs} - 1]}"):80"
		expect "-Lnc line of port $port" "$(awk -v c="$cl:$port" \
			'$1 == "TCP" && $4 == c { print $1, $3, $4, $5, $6 }' \
			"$TMP/conns")" \
			"$want" || return 1
	done <"$TMP/answers"
	check_stats "TCP $vip:80"
}

case_nat_http4() { nat_http 198.18.1.10 "$VIP" "${RS[@]}"; }
case_nat_http6() { nat_http 2001:db8:1::10 "$VIP6" "${RS6[@]}"; }

# wrk for 2 s (6 connections): no error, every server got connections,
# rr's spread (no two servers more than one connection apart), at least
# a connection per request (http.server closes each), rates in --rate.
wrk_run() {
	local svc=$1 url=$2 n
	adm -Z || return 1
	in_ns "$NS_CL" timeout 10 wrk -t 2 -c 6 -d 2s --timeout 2s "$url" \
		>"$TMP/wrk" 2>&1 || { cat "$TMP/wrk"; return 1; }
	n=$(awk '/requests in/ { print $1 }' "$TMP/wrk")
	if grep -Eq 'Socket errors|Non-2xx' "$TMP/wrk" || [ "${n:-0}" -lt 100 ]
	then
		echo "wrk $url:"; cat "$TMP/wrk"; return 1
	fi
	got_stats "$svc" >"$TMP/got"
	awk -v n="$n" '
	$1 == "service" { total = $2; next }
	{ k++; if (k == 1 || $2 < min) min = $2; if ($2 > max) max = $2 }
	END { if (k != 3 || min < 1 || max - min > 1 || total < n) exit 1 }' \
		"$TMP/got" || { echo "wrk: $n requests, counters:"; cat "$TMP/got"; return 1; }
	# The 2 s estimator has seen the traffic (within its next round).
	wait_for "adm -Ln --rate --json -t $svc | jq -e '.services[0] |
		.rates.cps > 0 and .rates.inbps > 0 and
		all(.dests[]; .rates.outpps > 0)' >/dev/null" 30
}

case_wrk4() { wrk_run "$VIP:80" "http://$VIP/"; }
case_wrk6() { wrk_run "[$VIP6]:80" "http://[$VIP6]/"; }

# DNS over NAT UDP: the fixed record right, rr over the servers' TXT
# names, a UDP connection per query in -Lnc, exact counters.
nat_dns() {
	local vip=$1 listed=$2 i out=
	adm -Z -u "$listed" && cap_start "udp port 53" || return 1
	for i in 1 2 3 4 5 6; do
		out="$out $(in_ns "$NS_CL" dig +short +tries=1 +time=2 "@$vip" \
			who.xdpvs.test TXT)"
	done
	out="$out $(in_ns "$NS_CL" dig +short +tries=1 +time=2 "@$vip" \
		www.xdpvs.test A)"
	cap_stop
	expect "DNS answers from $vip" "$out" \
		' "rs3" "rs2" "rs1" "rs3" "rs2" "rs1" 198.18.50.80' || return 1
	adm -Lnc >"$TMP/conns" || return 1
	expect "UDP connections listed" "$(awk -v v="$listed" \
		'$1 == "UDP" && $3 == "UDP" && $5 == v' "$TMP/conns" | wc -l)" 7 ||
		return 1
	check_stats "UDP $listed"
}

case_nat_dns4() { nat_dns "$VIP" "$VIP:53"; }
case_nat_dns6() { nat_dns "$VIP6" "[$VIP6]:53"; }

# A TCP session with the echo service: sess_open; sess_say LINE prints
# the answer (nothing after 1 s); sess_read S the next line (nothing
# after S s); sess_close.
sess_open() {
	coproc SESS { exec nsenter --net="/run/netns/$NS_CL" -- \
		socat -T 20 - "TCP:$ECHO"; }
	PIDS+=("$SESS_PID")
}

sess_read() {
	local line=
	IFS= read -r -t "$1" line <&"${SESS[0]}"
	echo "$line"
}

sess_say() {
	echo "$1" >&"${SESS[1]}"
	sess_read 1
}

sess_close() {
	local pid=$SESS_PID
	eval "exec ${SESS[1]}>&-"
	wait "$pid"
}

# New echo connections, one line each: the names that answered.
echoes() {
	local i out=
	for i in $(seq "$1"); do
		out="$out $(echo "m$i" | in_ns "$NS_CL" socat -t 2 -T 3 - "TCP:$ECHO")"
	done
	echo "${out# }"
}

# Field $2 of real server $1's line of the echo service in -Ln.
rs_field() {
	adm -Ln -t "$ECHO" | awk -v r="$1:7000" -v f="$2" '$2 == r { print $f }'
}

# Weight 0: no new connection to rs3, its open session goes on to the end.
case_weight0() {
	sess_open
	expect "session" "$(sess_say a)" rs3:a || return 1
	adm -e -t "$ECHO" -r "${RS[2]}:7000" -m -w 0 || return 1
	expect "rs3 weight" "$(rs_field "${RS[2]}" 4)" 0 &&
	expect "rs3 active connections" "$(rs_field "${RS[2]}" 5)" 1 &&
	expect "new connections" "$(echoes 3)" "rs2:m1 rs1:m2 rs2:m3" &&
	expect "session after -w 0" "$(sess_say b)" rs3:b || return 1
	sess_close || { echo "session did not end cleanly"; return 1; }
	wait_for "[ \"\$(adm -Lnc | awk '\$6 == \"${RS[2]}:7000\" { print \$3 }')\" = TIME_WAIT ]" 20 ||
		{ adm -Lnc; return 1; }
	adm -e -t "$ECHO" -r "${RS[2]}:7000" -m -w 1
}

# Drops counted by the engine for a server that is gone.
dest_gone() {
	rm -f "$TMP/dump"
	kill -USR1 "$XDPVSD"
	wait_for "[ -s $TMP/dump ]" >/dev/null &&
		awk '$1 == "drop" && $2 == "dest_gone" { print $3 }' "$TMP/dump"
}

# Open a session; the address of the real server it went to in RS_ADDR.
sess_server() {
	local name
	sess_open
	name=$(sess_say "$1")
	name=${name%:"$1"}
	case "$name" in
	rs[123]) RS_ADDR=${RS[${name#rs} - 1]} ;;
	*) echo "session: '$name'"; return 1 ;;
	esac
}

# -d as IPVS does it: the server leaves the listing, new connections go
# to the others; its connections stay listed but their packets are
# dropped (expire_nodest_conn=0) until it is added back (from the
# trash: the connection goes on); with expire_nodest_conn=1 they are
# expired at once.
case_delete_server() {
	local gone name out
	sess_server a || return 1
	name=rs${RS_ADDR##*.1}
	gone=$(dest_gone)
	adm -d -t "$ECHO" -r "$RS_ADDR:7000" || return 1
	expect "-Ln after -d" "$(rs_field "$RS_ADDR" 2)" "" &&
	expect "session after -d" "$(sess_say b)" "" || return 1
	expect "dest_gone drops" "$(( $(dest_gone) > gone ))" 1 || return 1
	out=$(echoes 2)
	[[ $out =~ ^rs[123]:m1\ rs[123]:m2$ && $out != *"$name:"* ]] ||
		{ echo "new connections after -d: $out"; return 1; }
	adm -Lnc | grep -q "ESTABLISHED .* $RS_ADDR:7000 *$" ||
		{ echo "the session's connection is no longer listed"; return 1; }
	adm -a -t "$ECHO" -r "$RS_ADDR:7000" -m -w 1 || return 1
	# TCP sends "b" again: the server is back, and so is the session.
	expect "session after -a" "$(sess_read 4)" "$name:b" &&
	expect "session after -a" "$(sess_say c)" "$name:c" || return 1
	sess_close
	adm --sysctl expire_nodest_conn=1 && sess_server d || return 1
	adm -d -t "$ECHO" -r "$RS_ADDR:7000" || return 1
	adm -Lnc | grep -q "ESTABLISHED .* $RS_ADDR:7000 *$" &&
		{ echo "expire_nodest_conn=1: connection still listed"; return 1; }
	expect "session after -d (expired)" "$(sess_say e)" "" || return 1
	sess_close
	adm --sysctl expire_nodest_conn=0 &&
		adm -a -t "$ECHO" -r "$RS_ADDR:7000" -m -w 1
}

# -p 60: a client stays on its server, another client address may go
# elsewhere (rr's next); the templates are listed.
case_persistence() {
	local a b c
	a=$(in_ns "$NS_CL" curl -s --max-time 3 "http://$VIP_P/")
	b=$(in_ns "$NS_CL" curl -s --max-time 3 "http://$VIP_P/")
	c=$(in_ns "$NS_CL" curl -s --max-time 3 --interface 198.18.3.10 \
		"http://$VIP_P/")
	expect "persistent answers" "$a $b $c" "rs3 rs3 rs2" || return 1
	adm -Lnc >"$TMP/conns"
	# Assured: their connections have had replies.
	expect "templates" "$(awk -v v="$VIP_P:80" '$3 == "ASSURED" && $5 == v {
		print $4, $6 }' "$TMP/conns" | sort | tr '\n' ' ')" \
		"198.18.1.10:0 198.18.2.13:80 198.18.3.10:0 198.18.2.12:80 "
}

# -Z zeroes every counter; the next connection counts from zero.
case_zero() {
	adm -Z || return 1
	adm -Ln --stats --exact | awk '$1 ~ /^(TCP|UDP)$/ || $1 == "->" {
		for (i = 3; i <= NF; i++) if ($i != 0) bad = 1 }
		END { exit bad }' || { echo "after -Z:"; adm -Ln --stats; return 1; }
	in_ns "$NS_CL" curl -s -o /dev/null --max-time 3 "http://$VIP/" || return 1
	expect "conns after -Z and a request" \
		"$(got_stats "$VIP:80" | awk '$1 == "service" { print $2 }')" 1
}

# -S | -C | -R on the live daemon: an identical -S, and service again.
case_save_restore() {
	adm -S -n >"$TMP/saved" || return 1
	adm -C || return 1
	expect "-S after -C" "$(adm -S -n)" "" || return 1
	in_ns "$NS_CL" curl -s --max-time 2 "http://$VIP/" >/dev/null &&
		{ echo "answered with no service"; return 1; }
	adm -R <"$TMP/saved" || return 1
	adm -S -n >"$TMP/restored" || return 1
	same "-S after -R" "$TMP/restored" "$TMP/saved" || return 1
	expect "after -R" "$(curls "http://$VIP/" 2 | cut -d' ' -f1 | tr '\n' ' ')" \
		"rs3 rs2 "
}

# SIGTERM: exit 0, no XDP program, pin, socket or pid file left.
case_clean_exit() { lab_stop_xdpvsd; }

prerequisites
trap lab_cleanup EXIT
trap 'exit 1' INT TERM
lab_init xl || exit 1
setup || { echo "FAIL: setup"; cat "$TMP"/*.log 2>/dev/null; exit 1; }
# CASES="case_configure case_nat_dns4 ..." runs some only (debugging).
# DNS over IPv6 first: its first query must not wait for neighbours.
for c in ${CASES:-case_configure case_nat_dns6 case_nat_dns4 \
	case_nat_http4 case_nat_http6 case_wrk4 case_wrk6 case_weight0 \
	case_delete_server case_persistence case_zero case_save_restore \
	case_clean_exit}; do
	run_case "$c"
done
if [ -n "${LIVE_KEEP:-}" ]; then
	echo "lab kept: namespaces xl-*-$$, socket $SOCK; Enter to clean up"
	read -r _
fi
if [ "$FAILED" -ne 0 ]; then
	echo "--- xdpvsd log"
	cat "$TMP/xdpvsd.log"
	echo "e2e/xdpvsadm-live: $FAILED failed"
	exit 1
fi
echo "e2e/xdpvsadm-live: all passed"
