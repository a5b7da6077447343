#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of connection synchronisation: two xdpvsd, a master and
# a backup, with the same services, on a sync link of their own.
#
#  client ns          master ns (xdpvsd -i lb0 -i lb1)         switch ns      rsN ns (N = 1, 2)
#  cl0 198.18.1.10 --- lb0 198.18.1.1   lb1 198.18.2.1 --- swm  [br0]  swN --- eth0 198.18.2.1N
#                      sm0 198.18.200.1                                        TCP echo on 7000
#                        |  sync link                     |
#                      sb0 198.18.200.2                   |
#  cl1 198.18.3.10 --- lb0 198.18.3.1   lb1 198.18.2.2 --- swb
#                     backup ns (xdpvsd -i lb0 -i lb1)
#
# The client reaches the virtual addresses (198.18.100.0/24) through the
# master and the real servers answer through it (their default route);
# taking over is moving both routes to the backup.  Services: NAT TCP
# 198.18.100.1:7000 rr and 198.18.100.2:7000 rr persistent 300 over rs1
# and rs2.
#
# Cases: daemons start and list as ipvsadm shows them, with the kernel's
# refusals; connections made through the master appear on the backup
# with their states; garbage and truncated datagrams to the backup are
# counted and ignored while it keeps taking the master's; both again on
# an IPv6 group; the master
# dies and the backup carries an established connection on to the same
# real server; --stop-daemon.  Exit 0 when all passed, 1 when one failed,
# 77 when a prerequisite is missing.
set -u

BUILD=${XDPVS_BUILD:-build}
BIN=$BUILD/xdpvsd
ADM=$BUILD/xdpvsadm
LAB="$(cd "$(dirname "$0")" && pwd)/sync-lab.py"
SUF=$$
NS_CL=xs-cl-$SUF
NS_M=xs-m-$SUF
NS_B=xs-b-$SUF
NS_SW=xs-sw-$SUF
NS_RS=(xs-rs1-$SUF xs-rs2-$SUF)
TMP=
PIDS=()
PID_M=
PID_B=
FAILED=0

skip() { echo "SKIP: $*"; exit 77; }

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

cleanup() {
	local p ns
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "$NS_CL" "$NS_M" "$NS_B" "$NS_SW" "${NS_RS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMP" ]; then
		umount "$TMP/bpffs-m" "$TMP/bpffs-b" 2>/dev/null
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

prerequisites() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local c
	for c in ip ethtool nsenter python3 seq mount mkfifo; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
	[ -x "$BIN" ] && [ -x "$ADM" ] || { echo "FAIL: not built"; exit 1; }
	ip netns add "$NS_CL" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "$NS_CL"
}

# A veth pair; GRO on both ends gives each NAPI, without which frames the
# fast path redirects into the other end are lost.
veth() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" || return 1
	in_ns "$2" ethtool -K "$1" tx off gro on >/dev/null || return 1
	in_ns "$4" ethtool -K "$3" tx off gro on >/dev/null || return 1
	in_ns "$2" ip link set "$1" up && in_ns "$4" ip link set "$3" up
}

# Director $1 (namespace), client side $2/24, server side $3/24.
setup_lb() {
	veth lb1 "$1" "$4" "$NS_SW" || return 1
	in_ns "$NS_SW" ip link set "$4" master br0 || return 1
	in_ns "$1" ip addr add "$2/24" dev lb0
	in_ns "$1" ip addr add "$3/24" dev lb1
	in_ns "$1" ethtool -K lb0 gro on >/dev/null
	in_ns "$1" ethtool -K lb1 gro on >/dev/null
	in_ns "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.lb1.rp_filter=0
}

setup() {
	local ns i
	TMP=$(mktemp -d) || return 1
	for ns in "$NS_CL" "$NS_M" "$NS_B" "$NS_SW" "${NS_RS[@]}"; do
		ip netns add "$ns" || return 1
		in_ns "$ns" ip link set lo up
	done
	in_ns "$NS_SW" ip link add br0 type bridge || return 1
	in_ns "$NS_SW" ip link set br0 up
	veth cl0 "$NS_CL" lb0 "$NS_M" || return 1
	veth cl1 "$NS_CL" lb0 "$NS_B" || return 1
	setup_lb "$NS_M" 198.18.1.1 198.18.2.1 swm || return 1
	setup_lb "$NS_B" 198.18.3.1 198.18.2.2 swb || return 1
	veth sm0 "$NS_M" sb0 "$NS_B" || return 1
	in_ns "$NS_M" ip addr add 198.18.200.1/24 dev sm0
	in_ns "$NS_B" ip addr add 198.18.200.2/24 dev sb0
	in_ns "$NS_CL" ip addr add 198.18.1.10/24 dev cl0
	in_ns "$NS_CL" ip addr add 198.18.3.10/24 dev cl1
	in_ns "$NS_CL" ip route add 198.18.100.0/24 via 198.18.1.1
	in_ns "$NS_CL" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.cl0.rp_filter=0 net.ipv4.conf.cl1.rp_filter=0
	# the backup reaches the client's address through its own link
	in_ns "$NS_B" ip route add 198.18.1.0/24 via 198.18.3.10
	for i in 1 2; do
		ns=${NS_RS[$i - 1]}
		veth eth0 "$ns" "sw$i" "$NS_SW" || return 1
		in_ns "$NS_SW" ip link set "sw$i" master br0 || return 1
		in_ns "$ns" ip addr add "198.18.2.1$i/24" dev eth0
		in_ns "$ns" ip route add default via 198.18.2.1
		start_bg "$ns" "$TMP/echo$i.log" python3 "$LAB" tcp-echo \
			--name "rs$i" --port 7000 --timeout 300
	done
	for i in 1 2; do
		wait_for "grep -q ready $TMP/echo$i.log" || return 1
	done
	mkdir "$TMP/bpffs-m" "$TMP/bpffs-b" &&
		mount -t bpf bpf "$TMP/bpffs-m" &&
		mount -t bpf bpf "$TMP/bpffs-b" || return 1
	cat >"$TMP/rules" <<-EOF
	-A -t 198.18.100.1:7000 -s rr
	-a -t 198.18.100.1:7000 -r 198.18.2.11:7000 -m
	-a -t 198.18.100.1:7000 -r 198.18.2.12:7000 -m
	-A -t 198.18.100.2:7000 -s rr -p 300
	-a -t 198.18.100.2:7000 -r 198.18.2.11:7000 -m
	-a -t 198.18.100.2:7000 -r 198.18.2.12:7000 -m
	EOF
}

# Start xdpvsd in namespace $1 as $2 (m or b).
start_xdpvsd() {
	start_bg "$1" "$TMP/xdpvsd-$2.log" "$BIN" -f -i lb0 -i lb1 \
		-c "$TMP/rules" --socket "$TMP/$2.sock" \
		--pidfile "$TMP/$2.pid" --bpffs "$TMP/bpffs-$2" \
		--dump "$TMP/dump-$2" --conn-max 4096 -v
	wait_for "[ -s $TMP/$2.pid ] || ! kill -0 $LAST_PID 2>/dev/null" ||
		return 1
	kill -0 "$LAST_PID" 2>/dev/null || { cat "$TMP/xdpvsd-$2.log"; return 1; }
}

adm_m() { in_ns "$NS_M" "$ADM" --socket "$TMP/m.sock" "$@"; }
adm_b() { in_ns "$NS_B" "$ADM" --socket "$TMP/b.sock" "$@"; }

expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', expected '$3'"
	return 1
}

# "$@" fails with exit status $1 and message $2.
fails() {
	local st=$1 msg=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$st" ] && [ "$out" = "$msg" ] && return 0
	echo "$*: exit $rc '$out', expected $st '$msg'"
	return 1
}

# The backup's connection lines matching $1 (a regex).
backup_conns() { adm_b -Lnc | grep -E "$1"; }

# Fresh counters of the backup in $TMP/dump-b.
dump_b() {
	rm -f "$TMP/dump-b"
	kill -USR1 "$PID_B"
	wait_for "[ -s $TMP/dump-b ]"
}

counter() { awk -v k="$1" '$0 ~ "^" k " " { print $NF }' "$TMP/dump-b"; }

case_start() {
	adm_m --start-daemon master --mcast-interface sm0 --syncid 7 &&
		adm_b --start-daemon backup --mcast-interface sb0 || return 1
	expect "master -L --daemon" "$(adm_m -L --daemon)" \
		"master sync daemon (mcast=sm0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" &&
	expect "backup -L --daemon" "$(adm_b -L --daemon)" \
		"backup sync daemon (mcast=sb0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"
}

case_refusals() {
	fails 255 "Daemon has already run" \
		adm_m --start-daemon master --mcast-interface sm0 &&
	fails 255 "No such device" \
		adm_m --start-daemon backup --mcast-interface nosuch0 &&
	fails 255 "No daemon is running" adm_m --stop-daemon backup &&
	adm_b -A -t 198.18.100.9:80 &&
	fails 255 "Invalid operation.  Possibly wrong module version, address not unicast, ..." \
		adm_b -a -t 198.18.100.9:80 -r '[2001:db8::9]:80' -i &&
	adm_b -D -t 198.18.100.9:80
}

# Connections through the master, client port $1 to $2; answered by $3.
CLIENTS=()
client() {
	local port=$1 vip=$2 fifo=$TMP/fifo$1
	mkfifo "$fifo" || return 1
	start_bg "$NS_CL" "$TMP/client$1.log" python3 "$LAB" tcp-client \
		--addr "$vip" --port 7000 --cport "$port" --fifo "$fifo" \
		--timeout 120
	CLIENTS+=("$LAST_PID")
	# read-write: opening does not wait for the reader
	exec {fd}<>"$fifo"
	eval "FIFO_$port=$fd"
}

# Send line $2 on client $1's connection; its answer.
say() {
	local fd n
	eval "fd=\$FIFO_$1"
	# (the client's log may not be there yet: its shell opens it)
	n=$(wc -l <"$TMP/client$1.log" 2>/dev/null)
	echo "$2" >&"$fd"
	wait_for "[ \$(wc -l <$TMP/client$1.log 2>/dev/null || echo 0) -gt ${n:-0} ]" 50 ||
		return 1
	tail -n 1 "$TMP/client$1.log"
}

RS_40001=
case_conns_appear() {
	local a
	client 40001 198.18.100.1 && client 40002 198.18.100.2 || return 1
	a=$(say 40001 one) || return 1
	case $a in rs1:one|rs2:one) RS_40001=${a%%:*} ;;
	*) echo "first answer: $a"; return 1 ;; esac
	expect "second answer" "$(say 40001 two)" "$RS_40001:two" || return 1
	say 40002 one >/dev/null && say 40002 two >/dev/null || return 1
	# the 3rd client packet was sent; within the 2 s flush, and a bit
	wait_for "backup_conns 'ESTABLISHED +198.18.1.10:40001 +198.18.100.1:7000 +198.18.2.1[12]:7000' >/dev/null" 60 ||
		{ adm_b -Lnc; return 1; }
	backup_conns "198.18.1.10:40001 .*198.18.2.1${RS_40001#rs}:7000" >/dev/null ||
		{ echo "backup: not to $RS_40001"; adm_b -Lnc; return 1; }
	wait_for "backup_conns 'ASSURED +198.18.1.10:0 +198.18.100.2:7000' >/dev/null" 60 ||
		{ adm_b -Lnc; return 1; }
	wait_for "backup_conns 'ESTABLISHED +198.18.1.10:40002 +198.18.100.2:7000' >/dev/null" 60 ||
		{ adm_b -Lnc; return 1; }
}

case_garbage() {
	local before after m
	dump_b || return 1
	before=$(counter "sync backup msgs")
	m="--addr 224.0.0.81 --port 8848 --iface-addr 198.18.200.1"
	# too short; size field wrong; a good header with a record cut short;
	# a record of size 0; then what the master sends goes on
	in_ns "$NS_M" python3 "$LAB" send $m --hex 00 &&
	in_ns "$NS_M" python3 "$LAB" send $m --hex 0007ffff01010000 &&
	in_ns "$NS_M" python3 "$LAB" send $m \
		--hex 0007001401010000000600240000000000011f41 &&
	in_ns "$NS_M" python3 "$LAB" send $m \
		--hex "0007002c0101000000060000$(printf '0%.0s' $(seq 64))" ||
		return 1
	wait_for "dump_b >/dev/null && [ \$(counter 'sync backup msgs') -ge \$((before + 4)) ]" 30 ||
		{ cat "$TMP/dump-b"; return 1; }
	expect "short" "$(counter 'sync backup drop short')" 1 &&
	expect "bad size" "$(counter 'sync backup drop bad_size')" 1 &&
	expect "truncated" "$(counter 'sync backup drop truncated')" 1 &&
	expect "record size" "$(counter 'sync backup drop bad_record_size')" 1 ||
		return 1
	# still at work: a new connection through the master shows up
	client 40003 198.18.100.1 || return 1
	say 40003 a >/dev/null && say 40003 b >/dev/null || return 1
	wait_for "backup_conns 'ESTABLISHED +198.18.1.10:40003 ' >/dev/null" 60 ||
		{ adm_b -Lnc; return 1; }
}

# Both daemons again on an IPv6 group: the headers are 48 bytes, so
# maxlen 1452; connections keep coming through.
case_ipv6_group() {
	wait_for "! in_ns $NS_M ip -6 addr show dev sm0 | grep -q tentative && ! in_ns $NS_B ip -6 addr show dev sb0 | grep -q tentative" ||
		return 1
	adm_m --stop-daemon master && adm_b --stop-daemon backup &&
	adm_m --start-daemon master --mcast-interface sm0 --syncid 7 \
		--mcast-group ff02::1:81 --mcast-port 8850 --mcast-ttl 2 &&
	adm_b --start-daemon backup --mcast-interface sb0 \
		--mcast-group ff02::1:81 --mcast-port 8850 --syncid 7 ||
		return 1
	expect "master -L --daemon" "$(adm_m -L --daemon)" \
		"master sync daemon (mcast=sm0, syncid=7, maxlen=1452, group=ff02::1:81, port=8850, ttl=2)" &&
	expect "backup -L --daemon" "$(adm_b -L --daemon)" \
		"backup sync daemon (mcast=sb0, syncid=7, maxlen=1452, group=ff02::1:81, port=8850, ttl=1)" ||
		return 1
	client 40004 198.18.100.1 || return 1
	say 40004 a >/dev/null && say 40004 b >/dev/null || return 1
	wait_for "backup_conns 'ESTABLISHED +198.18.1.10:40004 ' >/dev/null" 60 ||
		{ adm_b -Lnc; return 1; }
	# the connection from before is still there, still ESTABLISHED
	backup_conns 'ESTABLISHED +198.18.1.10:40001 ' >/dev/null ||
		{ adm_b -Lnc; return 1; }
}

case_takeover() {
	kill "$PID_M" && wait "$PID_M" 2>/dev/null
	PID_M=
	in_ns "$NS_CL" ip route replace 198.18.100.0/24 via 198.18.3.1 &&
	in_ns "${NS_RS[0]}" ip route replace default via 198.18.2.2 &&
	in_ns "${NS_RS[1]}" ip route replace default via 198.18.2.2 || return 1
	expect "after the master died" "$(say 40001 three)" \
		"$RS_40001:three" &&
	expect "and again" "$(say 40001 four)" "$RS_40001:four"
}

case_stop() {
	adm_b --stop-daemon backup || return 1
	expect "-L --daemon after stop" "$(adm_b -L --daemon)" "" &&
	fails 255 "No daemon is running" adm_b --stop-daemon backup
}

run() {
	if "$1"; then
		echo "  PASS   ${1#case_}"
	else
		echo "  FAIL   ${1#case_}"
		FAILED=1
	fi
}

prerequisites
trap cleanup EXIT
setup || { echo "FAIL: lab setup"; exit 1; }
start_xdpvsd "$NS_M" m || { echo "FAIL: master xdpvsd did not start"; exit 1; }
PID_M=$LAST_PID
start_xdpvsd "$NS_B" b || { echo "FAIL: backup xdpvsd did not start"; exit 1; }
PID_B=$LAST_PID
run case_start
run case_refusals
run case_conns_appear
run case_garbage
run case_ipv6_group
run case_takeover
run case_stop
if [ "$FAILED" != 0 ]; then
	echo "--- master log"; cat "$TMP/xdpvsd-m.log"
	echo "--- backup log"; cat "$TMP/xdpvsd-b.log"
fi
exit "$FAILED"
