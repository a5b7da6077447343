#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvsd: the lab of tests/lib/lab.sh (a client, the
# balancer with xdpvsd on both of its interfaces, three real servers),
# real HTTP servers and a UDP echo server.
#
# Real servers answer HTTP on port 80 with their name (python3 -m
# http.server) and UDP on 5300 with "name:message"; their default route
# is the balancer (NAT, and the way back for DR and tunnel replies, which
# the balancer's kernel forwards).  They hold the DR and tunnel VIPs
# (198.18.100.2-4, 2001:db8:100::2-3) on lo.  Tunnel cases run
# xdpvs-decap on the real servers (this kernel has no ipip/fou modules).
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
HERE="$(cd "$(dirname "$0")" && pwd)"
LAB=$HERE/xdpvsd-lab.py
# shellcheck source=tests/lib/lab.sh
. "$HERE/../lib/lab.sh"
VIP=198.18.100.1
VIP6=2001:db8:100::1
VIP_DR=198.18.100.2
VIP_IPIP=198.18.100.3
VIP_GUE=198.18.100.4
VIP_MARK=198.18.100.5
VIP6_DR=2001:db8:100::2
VIP6_IPIP=2001:db8:100::3
GUE_PORT=6080
FAILED=0

prerequisites() {
	lab_prerequisites socat
	[ -x "$BIN" ] || { echo "FAIL: $BIN not built"; exit 1; }
	[ -x "$DECAP" ] || { echo "FAIL: $DECAP not built"; exit 1; }
}

# Real server $1's VIPs for DR and tunnels, and its UDP echo server.
setup_rs() {
	local i=$1 ns=${NS_RS[$1 - 1]} v
	# The VIPs of the DR and tunnel services, never announced.
	for v in "$VIP_DR/32" "$VIP_IPIP/32" "$VIP_GUE/32" "$VIP6_DR/128" \
		"$VIP6_IPIP/128"; do
		in_ns "$ns" ip addr add "$v" dev lo
	done
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.eth0.rp_filter=0
	start_bg "$ns" "$TMP/udp$i.log" python3 "$LAB" udp-echo --name "rs$i" \
		--port 5300 --timeout 600
}

setup() {
	local i
	lab_setup || return 1
	for i in 1 2 3; do
		setup_rs "$i" || return 1
	done
	lab_http || return 1
	for i in 1 2 3; do
		wait_for "grep -q ready $TMP/udp$i.log" || return 1
	done
	write_rules >"$TMP/rules"
}

write_rules() {
	local i
	echo "-A -t $VIP:80 -s rr"
	echo "-A -t [$VIP6]:80 -s rr"
	echo "-A -u $VIP:5300 -s rr"
	echo "-A -u [$VIP6]:5300 -s rr"
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
		echo "-a -u [$VIP6]:5300 -r [2001:db8:2::1$i]:5300 -m -w 1"
		echo "-a -t $VIP_DR:80 -r 198.18.2.1$i:80 -g -w 1"
		echo "-a -t $VIP_IPIP:80 -r 198.18.2.1$i:80 -i -w 1"
		echo "-a -t $VIP_GUE:80 -r 198.18.2.1$i:80 -i -w 1 --tun-type gue --tun-port $GUE_PORT"
		echo "-a -t [$VIP6_DR]:80 -r [2001:db8:2::1$i]:80 -g -w 1"
		echo "-a -t [$VIP6_IPIP]:80 -r [2001:db8:2::1$i]:80 -i -w 1"
		echo "-a -f 5 -r 198.18.2.1$i -m -w 1"
	done
}

start_xdpvsd() {
	lab_xdpvsd -c "$TMP/rules" --dump "$TMP/dump" --conn-max 4096 -v
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

# Each query from a port of its own: a new connection, scheduled in XDP
# with the engine's picks (nothing goes up, its answer neither), in rr's
# order.
case_nat_udp() {
	local i out= svc0 new0
	dump || return 1
	svc0=$(counter xdp service) new0=$(counter xdp fast_new)
	for i in 1 2 3 4; do
		out="$out $(echo "m$i" | in_ns "$NS_CL" socat -t 2 -T 3 - "UDP4:$VIP:5300")"
	done
	dump || return 1
	expect "NAT UDP" "${out# }" "rs3:m1 rs2:m2 rs1:m3 rs3:m4" &&
	expect "up, in XDP" "$(($(counter xdp service) - svc0)) $(($(counter xdp fast_new) - new0))" \
		"0 4"
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
# to the mark rule's address share its scheduler; a datagram larger than
# the links comes in fragments, which its rule (any port) claims: whole
# again, it is balanced like the rest.
case_fwmark() {
	local q out try
	expect "fwmark TCP" "$(curls 3 "http://$VIP_MARK/")" "rs3 rs2 rs1" &&
	expect "fwmark UDP" "$(echo m | in_ns "$NS_CL" socat -t 2 -T 3 - "UDP4:$VIP_MARK:5300")" rs3:m ||
		return 1
	q=$(head -c 3000 /dev/zero | tr '\0' f)
	for try in 1 2; do
		out=$(echo "$q" | in_ns "$NS_CL" socat -t 2 -T 3 - \
			"UDP4:$VIP_MARK:5300,sourceport=40610,reuseaddr")
		[ -n "$out" ] && break
	done
	case "$out" in
	rs[123]:"$q") ;;
	*) echo "fwmark UDP in fragments: a ${#out}-byte answer: ${out:0:20}..."; return 1 ;;
	esac
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

adm() { in_ns "$NS_LB" "$BUILD/xdpvsadm" --socket "$SOCK" "$@"; }

# The state -Lnc lists for the client's connection from port $1.
state_of() {
	adm -Lnc | awk -v c="198.18.1.10:$1" '$1 == "TCP" && $4 == c { print $3 }'
}

# ActiveConn and InActConn of $VIP:80, summed over its real servers.
vip_conns() {
	adm -Ln | awk -v v="$VIP:80" '$1 == "TCP" { in_svc = $2 == v }
		in_svc && $1 == "->" && $2 ~ /:80$/ { a += $(NF - 1); i += $NF }
		END { print a + 0, i + 0 }'
}

# Data path counter $2 ($1: xdp, summed over the interfaces, or dp) in
# the dump.
counter() {
	awk -v k="$1" -v n="$2" '$1 == k && $2 == n { s += $3 } END { print s + 0 }' \
		"$TMP/dump"
}

# A NAT connection whole in the fast path: its SYN scheduled there with
# the engine's choice made ahead (rr), the real server's SYN+ACK, the
# client's ACK and both sides' FINs forwarded (the new connection, the ACK
# and the FINs are told through the ring buffer), nothing going up; yet an
# idle connection is ESTABLISHED and counted active as IPVS would have it,
# and a closed one is TIME_WAIT and inactive.
case_nat_handshake() {
	local a0 i0 a i svc0 nat0 est0 fin0 ev0 new0 svc nat est fin ev new
	dump || return 1
	svc0=$(counter xdp service) nat0=$(counter xdp nat_reply)
	est0=$(counter xdp fast_est) fin0=$(counter xdp fast_close)
	ev0=$(counter dp events) new0=$(counter dp events_new)
	read -r a0 i0 < <(vip_conns)
	start_bg "$NS_CL" "$TMP/idle.log" python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("198.18.1.10", 41000))
s.connect(("'"$VIP"'", 80))
print("up", flush=True)
time.sleep(2)
s.close()'
	local idle=$LAST_PID
	wait_for "grep -q up $TMP/idle.log" || return 1
	expect "idle connection" "$(state_of 41000)" ESTABLISHED || return 1
	read -r a i < <(vip_conns)
	expect "ActiveConn InActConn" "$a $i" "$((a0 + 1)) $i0" || return 1
	expect "NAT handshake" "$(curls 1 "http://$VIP/" --local-port 41001)" \
		rs2 || return 1
	wait "$idle"
	wait_for "[ \"\$(state_of 41000)\" = TIME_WAIT ]" || return 1
	expect "closed connection" "$(state_of 41001)" TIME_WAIT || return 1
	read -r a i < <(vip_conns)
	expect "ActiveConn InActConn after" "$a $i" "$a0 $((i0 + 2))" ||
		return 1
	dump || return 1
	svc=$(($(counter xdp service) - svc0))
	nat=$(($(counter xdp nat_reply) - nat0))
	est=$(($(counter xdp fast_est) - est0))
	fin=$(($(counter xdp fast_close) - fin0))
	ev=$(($(counter dp events) - ev0))
	new=$(($(counter dp events_new) - new0))
	# a FIN sent again is told again: at least the four
	expect "handshake ACKs told, every event applied" "$est $ev" \
		"2 $((est + fin))" &&
	expect "FINs told" "$((fin >= 4))" 1 &&
	expect "new connections told and made" "$new" 2 &&
	expect "up: nothing (2 connections)" "$svc $nat" "0 0"
}

# SYNs to $VIP:80 from the client: the names answered; and how many of
# them went up ($TMP/up) and were scheduled in XDP ($TMP/fast).
curls_counted() {
	local svc0 new0 out
	dump || return 1
	svc0=$(counter xdp service) new0=$(counter xdp fast_new)
	out=$(curls "$1" "http://$VIP/")
	dump || return 1
	echo $(($(counter xdp service) - svc0)) >"$TMP/up"
	echo $(($(counter xdp fast_new) - new0)) >"$TMP/fast"
	echo "$out"
}

# An HTTP/1.0 GET to $VIP from the client's port $1, read until the server
# closes (it closes first: the client's side of the port is free at once,
# where curl, closing first, would hold it in TIME_WAIT); the body.
get_from_port() {
	in_ns "$NS_CL" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(3)
s.bind(("198.18.1.10", int(sys.argv[1])))
s.connect((sys.argv[2], 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
buf = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    buf += d
s.close()
print(buf.split(b"\r\n\r\n", 1)[-1].decode().strip())' "$1" "$VIP" 2>&1
}

# A client reusing its port once the connection is closed (TIME_WAIT, the
# server having closed first): IPVS schedules the new SYN anew
# (conn_reuse_mode); the fast path, which saw both FINs, does it with the
# next choice, and nothing goes up.
case_port_reuse() {
	local svc0 new0 first second
	dump || return 1
	svc0=$(counter xdp service) new0=$(counter xdp fast_new)
	first=$(get_from_port 41100)
	wait_for "[ \"\$(state_of 41100)\" = TIME_WAIT ]" || return 1
	second=$(get_from_port 41100)
	dump || return 1
	expect "the port's two connections" \
		"$([ "$first" != "$second" ] && echo "${first:0:2} ${second:0:2}")" \
		"rs rs" &&
	expect "up, in XDP" "$(($(counter xdp service) - svc0)) $(($(counter xdp fast_new) - new0))" \
		"0 2"
}

# Configuration changes take the fast path's choices back first: with wlc
# the SYNs go up; back to rr (its sequence starts again) they are
# scheduled in XDP, and a real server at weight 0 is skipped at once, as
# the engine alone would do.
case_pick_changes() {
	local out rs3="198.18.2.13:80"
	adm -E -t "$VIP:80" -s wlc || return 1
	out=$(curls_counted 3) || return 1
	expect "wlc answers" "$(echo "$out" | grep -c FAIL)" 0 &&
	expect "wlc: SYNs up, none in XDP" "$(cat "$TMP/up") $(cat "$TMP/fast")" \
		"3 0" || return 1
	adm -E -t "$VIP:80" -s rr || return 1
	sleep 1.2	# published again on the next housekeeping at the latest
	out=$(curls_counted 3) || return 1
	expect "rr again" "$out" "rs3 rs2 rs1" &&
	expect "rr: none up, all in XDP" "$(cat "$TMP/up") $(cat "$TMP/fast")" \
		"0 3" || return 1
	adm -e -t "$VIP:80" -r "$rs3" -m -w 0 || return 1
	sleep 1.2
	out=$(curls_counted 4) || return 1
	adm -e -t "$VIP:80" -r "$rs3" -m -w 1 || return 1
	expect "rs3 at weight 0" "$out" "rs2 rs1 rs2 rs1" &&
	expect "weight 0: all in XDP" "$(cat "$TMP/up") $(cat "$TMP/fast")" \
		"0 4"
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

# Datagrams larger than every link, both ways: the client's kernel
# fragments the query, xdpvsd reassembles it, NATs it and sends it on in
# fragments; the real server's answer comes back in fragments the same
# way.  Each answer must be whole: the real server's name, then the query.
# IPv6 answers come in 1600-byte fragments, too big for the client's
# 1500-byte link: the first is answered with "packet too big" (as the
# kernel does, judging by the largest fragment), and the real server
# fragments the next one smaller; the same source port keeps the same
# real server.
case_nat_udp_fragments() {
	local q out i n try
	q=$(head -c 3000 /dev/zero | tr '\0' q)
	for i in 4 6; do
		if [ $i = 4 ]; then n="UDP4:$VIP:5300"; else n="UDP6:[$VIP6]:5300"; fi
		for try in 1 2; do
			out=$(echo "$q" | in_ns "$NS_CL" socat -t 2 -T 2 - \
				"$n,sourceport=4060$i,reuseaddr")
			[ -n "$out" ] && break
		done
		case "$out" in
		rs[123]:"$q") ;;
		*) echo "IPv$i: a ${#out}-byte answer: ${out:0:20}..."; return 1 ;;
		esac
	done
	dump || return 1
	n=$(awk '$1 == "xdp" && $2 == "fragment" { s += $3 } END { print s + 0 }' "$TMP/dump")
	[ "$n" -ge 10 ] || { echo "fragments up to xdpvsd: $n"; return 1; }
	expect "fragments dropped" \
		"$(awk '$1 == "drop" && $2 ~ /^frag/ { s += $3 } END { print s + 0 }' "$TMP/dump")" 0
}

# IPv6 UDP with a hop-by-hop header (the client's socket adds it): the XDP
# filter walks past it to the service, the engine NATs it, the real
# server answers; whole and in fragments behind that header.
case_nat_udp6_hop_by_hop() {
	local out n
	for n in 10 3000; do
		out=$(in_ns "$NS_CL" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS,
             bytes([0, 0, 1, 4, 0, 0, 0, 0]))    # PadN
s.settimeout(2)
q = b"h" * int(sys.argv[2])
for _ in range(3):
    s.sendto(q, (sys.argv[1], 5300))
    try:
        print(s.recv(8192).decode()); break
    except socket.timeout:
        pass' "$VIP6" "$n")
		case "$out" in
		rs[123]:hhhhhhhhhh*) ;;
		*) echo "$n bytes behind a hop-by-hop header: answer '${out:0:20}'"; return 1 ;;
		esac
	done
}

# The first datagrams of new UDP flows too big for the way to the real
# servers (on the balancer, a route of MTU 1400 to each; the client's
# link is 1500), sent without DF: the XDP program takes a pick for each,
# cannot use it (the datagram is above its template's MTU) and gives it
# back (XDPVS_FLOW_EV_UNUSED); the datagram goes up, and the engine
# schedules it with that pick, fragments it and sends it on.  A service
# of two real servers (rr; rs1 added first, so rs2 first): the flows
# alternate between them as IPVS would have them (a pick lost instead
# made each such flow skip one: all on the same server), and each answer
# comes back whole.  A route's MTU rather than lb1's: the answers, a few
# bytes larger than the queries, come back in on lb1 whole.
BIG_SVC=$VIP:5301

too_big_setup() {
	local i
	adm -A -u "$BIG_SVC" -s rr || return 1
	for i in 1 2; do
		adm -a -u "$BIG_SVC" -r "198.18.2.1$i:5300" -m -w 1 &&
		in_ns "$NS_LB" ip route add "198.18.2.1$i/32" dev lb1 mtu 1400 ||
			return 1
	done
	sleep 1.2	# published on the next housekeeping at the latest
}

# Whatever too_big_setup made, gone (what it did not make is no error);
# non-zero if anything is left.
too_big_cleanup() {
	local i
	for i in 1 2; do
		in_ns "$NS_LB" ip route del "198.18.2.1$i/32" dev lb1 2>/dev/null
	done
	adm -D -u "$BIG_SVC" 2>/dev/null
	[ -z "$(in_ns "$NS_LB" ip route show | grep '^198\.18\.2\.1[12] ')" ] &&
	[ -z "$(adm -Ln | awk -v v="$BIG_SVC" '$1 == "UDP" && $2 == v')" ] ||
		{ echo "left behind: the routes or $BIG_SVC"; return 1; }
}

too_big_flows() {
	local port name out='' dests unused0 new0 bad=0
	dump || return 1
	unused0=$(counter dp events_unused) new0=$(counter xdp fast_new)
	for port in 40700 40701 40702 40703; do
		name=$(in_ns "$NS_CL" python3 "$LAB" udp-query --addr "$VIP" \
			--port 5301 --bind 198.18.1.10 --sport "$port" \
			--size 1450 --no-df) ||
			{ echo "from port $port: $name"; return 1; }
		out="$out $name"
	done
	dump || return 1
	# -Lnc: pro expire state source virtual destination
	dests=$(adm -Lnc | awk -v v="$BIG_SVC" '$1 == "UDP" && $5 == v { print $4, $6 }' |
		sort | awk '{ print $2 }' | xargs)
	# each told, for a failure to show all that differs
	expect "answers" "${out# }" "rs2 rs1 rs2 rs1" || bad=1
	expect "connections' real servers" "$dests" \
		"198.18.2.12:5300 198.18.2.11:5300 198.18.2.12:5300 198.18.2.11:5300" ||
		bad=1
	expect "picks given back, flows made in XDP" \
		"$(($(counter dp events_unused) - unused0)) $(($(counter xdp fast_new) - new0))" \
		"4 0" || bad=1
	return "$bad"
}

case_nat_udp_too_big() {
	local rc
	too_big_setup && too_big_flows
	rc=$?
	too_big_cleanup || rc=1
	return "$rc"
}

# SIGTERM: exit 0, nothing left behind.
# dp's count of passes over the flows after route changes, in $TMP/dump.
refresh_passes() {
	awk '$1 == "dp" && $2 == "flow_refresh" { print $3 }' "$TMP/dump"
}

# 100 neighbour changes in one burst (ip -batch) make a few passes over
# the flows, not one each; NAT still goes after them.
case_route_burst() {
	local before after i out
	dump || return 1
	before=$(refresh_passes)
	for i in $(seq 100 199); do
		printf 'neigh replace 198.18.2.%d lladdr 02:00:00:00:aa:%02x dev lb1 nud permanent\n' \
			"$i" $((i - 100))
	done >"$TMP/neigh"
	in_ns "$NS_LB" ip -batch "$TMP/neigh" || return 1
	sleep 0.2	# the pass put off, if any
	dump || return 1
	after=$(refresh_passes)
	[ -n "$before" ] && [ -n "$after" ] ||
		{ echo "no flow_refresh in the dump"; return 1; }
	[ "$after" -gt "$before" ] && [ $((after - before)) -le 20 ] ||
		{ echo "100 changes, $((after - before)) passes"; return 1; }
	sed 's/^neigh replace \([^ ]*\) .*/neigh del \1 dev lb1/' \
		"$TMP/neigh" >"$TMP/neigh-del"
	in_ns "$NS_LB" ip -batch "$TMP/neigh-del" || return 1
	out=$(curls 3 "http://$VIP/")
	expect "NAT after the burst" "$(echo "$out" | tr ' ' '\n' | sort | xargs)" \
		"rs1 rs2 rs3"
}

case_clean_exit() {
	lab_stop_xdpvsd || return 1
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
	lab_left_nothing
}

prerequisites
trap lab_cleanup EXIT
lab_init xv || exit 1
setup || { echo "FAIL: setup"; exit 1; }
start_xdpvsd || { echo "FAIL: xdpvsd did not start"; cat "$TMP/xdpvsd.log"; exit 1; }
run_case case_nat_tcp4
run_case case_nat_tcp6
run_case case_nat_udp
run_case case_dr
run_case case_tun_ipip
run_case case_tun_gue
run_case case_dr6
run_case case_tun_ip6ip6
run_case case_fwmark
run_case case_host_traffic
run_case case_counters
run_case case_nat_handshake
run_case case_pick_changes
run_case case_port_reuse
run_case case_nat_udp_fragments
run_case case_nat_udp6_hop_by_hop
run_case case_nat_udp_too_big
run_case case_second_instance
run_case case_errors
run_case case_route_burst
if [ -n "${XDPVSD_KEEP:-}" ]; then
	dump; cat "$TMP/dump"
	echo "lab kept: namespaces xv-*-$$, files in $TMP; Enter to clean up"
	read -r _
fi
run_case case_clean_exit
run_case case_daemon_mode
[ "$FAILED" -eq 0 ] && exit 0
echo "--- xdpvsd log"
cat "$TMP/xdpvsd.log"
exit 1
