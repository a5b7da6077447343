# SPDX-License-Identifier: GPL-2.0-only
# xdpvs-nat, xdpvs-dr, xdpvs-tun: xdpvsd on the balancer's four veths
# with the rules below (ipvsadm -S format), pinned to the balancer's CPU.
# Skipped, with a note in RESULTS.md, while $XDPVS_BUILD/xdpvsd does not
# exist.  Everything xdpvs-specific the runner needs is in this file:
#
#   XDPVSD          the daemon (default $XDPVS_BUILD/xdpvsd)
#   XDPVSD_ARGS     extra xdpvsd options (e.g. --skb-mode)
#   XDPVS_SCHED     scheduler of the services (rr)
#   XDPVS_CONN_MAX  --conn-max (2^21: room for the 1M-flow scale run)
#
# The LB CPU counted for these modes is the balancer's NAPI threads (the
# XDP program runs there) plus every thread of xdpvsd (AF_XDP, engine).
bench_mode xdpvs-nat "xdpvsd, masquerading (-m), rr over 3 servers" "udp udp-fixed cc ka tput scale scale-hot"
bench_mode xdpvs-dr "xdpvsd, direct routing (-g), rr over 3 servers" "udp udp-fixed cc ka tput"
bench_mode xdpvs-tun "xdpvsd, IPIP tunnelling (-i), rr over 3 servers, xdpvs-decap on the servers" "udp udp-fixed cc ka tput"
# The XDP ceiling's own path: every flow to rs1, so the rate compares
# with xdp-ceiling's without the fan-out the three-server modes pay.
bench_mode xdpvs-nat-1rs "xdpvsd, masquerading (-m), rr to rs1 only: xdp-ceiling's path" "udp udp-fixed"

XDPVSD=${XDPVSD:-${XDPVS_BUILD:-build}/xdpvsd}
XDPVS_SCHED=${XDPVS_SCHED:-rr}
XDPVS_CONN_MAX=${XDPVS_CONN_MAX:-2097152}

xdpvs_check() {
	[ -x "$XDPVSD" ] || { echo "$XDPVSD not built yet"; return 1; }
	[ "$1" != tun ] || [ -x "${XDPVS_BUILD:-build}/xdpvs-decap" ] ||
		{ echo "${XDPVS_BUILD:-build}/xdpvs-decap not built"; return 1; }
}

# xdpvs_rules FLAG NRS: the services (-m, -g or -i) over rs1..rsNRS in
# ipvsadm -S format
xdpvs_rules() {
	local n
	echo "-A -t $LAB_VIP4:80 -s $XDPVS_SCHED"
	for n in $(seq "$2"); do echo "-a -t $LAB_VIP4:80 -r 198.18.$n.2:80 $1 -w 1"; done
	echo "-A -u $LAB_VIP4:9 -s $XDPVS_SCHED"
	for n in $(seq "$2"); do echo "-a -u $LAB_VIP4:9 -r 198.18.$n.2:9 $1 -w 1"; done
	echo "-A -t $LAB_VIP4:5201 -s $XDPVS_SCHED"
	echo "-a -t $LAB_VIP4:5201 -r 198.18.1.2:5201 $1 -w 1"
}

# xdpvs_up nat|dr|tun FLAG [NRS]: start xdpvsd; ready when its socket
# exists.
xdpvs_up() {
	local variant=$1 flag=$2 nrs=${3:-$LAB_NRS} i
	lab_variant "$variant" || return 1
	xdpvs_rules "$flag" "$nrs" >"$LAB_DIR/xdpvs.rules"
	# shellcheck disable=SC2086
	lab_bg "$LAB_NS_LB" "$LAB_DIR/xdpvsd.log" on_lb_cpu \
		"$XDPVSD" -f -q -i xblc -i xblr1 -i xblr2 -i xblr3 \
		-c "$LAB_DIR/xdpvs.rules" --socket "$LAB_DIR/xdpvsd.sock" \
		--pidfile "$LAB_DIR/xdpvsd.pid" --bpffs "$LAB_DIR/bpffs" \
		--conn-max "$XDPVS_CONN_MAX" ${XDPVSD_ARGS:-}
	XDPVSD_PID=$LAB_PID
	LB_PIDS="$LB_PIDS $XDPVSD_PID"
	TARGET=$LAB_VIP4
	for i in $(seq 100); do
		[ -S "$LAB_DIR/xdpvsd.sock" ] && return 0
		kill -0 "$XDPVSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "xdpvsd did not start: $(tail -5 "$LAB_DIR/xdpvsd.log")" >&2
	return 1
}

xdpvs_down() {
	lab_kill "$XDPVSD_PID"
	cat "$LAB_DIR/xdpvsd.log" >>"$WORK/xdpvsd.log" 2>/dev/null
	rm -rf "$LAB_DIR/bpffs/xdpvs"	# pinned maps: the next mode starts afresh
	lab_variant nat
}

# xdpvs_conns: the engine's connection count (the control socket's
# "info", ctl/proto.h)
xdpvs_conns() {
	python3 - "$LAB_DIR/xdpvsd.sock" <<'EOF' 2>/dev/null
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b'{"v":1,"id":1,"type":"info"}\n')
buf = b""
while not buf.endswith(b"\n"):
    d = s.recv(1 << 16)
    if not d:
        break
    buf += d
print(json.loads(buf)["info"]["conn_count"])
EOF
}

# Table size for the scale run: connections (one per UDP flow) and
# memory: xdpvsd's resident set plus the BPF maps pinned under its bpffs
# directory (bpftool's bytes_memlock: the flow map's buckets and, without
# preallocation, its elements in use).
mode_xdpvs_nat_table() {
	local rss maps
	rss=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$XDPVSD_PID/status")
	maps=$(for f in "$LAB_DIR"/bpffs/xdpvs/*/*; do
		bpftool -j map show pinned "$f" && echo
	done 2>/dev/null | python3 -c '
import json, sys
print(sum(json.loads(l).get("bytes_memlock", 0) for l in sys.stdin if l.strip()))')
	echo "$(xdpvs_conns || echo -) $((rss + ${maps:-0}))"
}

# The scale run's fill: connections in the table so far
mode_xdpvs_nat_filled() { xdpvs_conns; }

mode_xdpvs_nat_check() { xdpvs_check nat; }
mode_xdpvs_nat_up() { xdpvs_up nat -m; }
mode_xdpvs_nat_down() { xdpvs_down; }
mode_xdpvs_dr_check() { xdpvs_check dr; }
mode_xdpvs_dr_up() { xdpvs_up dr -g; }
mode_xdpvs_dr_down() { xdpvs_down; }
mode_xdpvs_tun_check() { xdpvs_check tun; }
mode_xdpvs_tun_up() { xdpvs_up tun "-i"; }
mode_xdpvs_tun_down() { xdpvs_down; }
mode_xdpvs_nat_1rs_check() { xdpvs_check nat; }
mode_xdpvs_nat_1rs_up() { xdpvs_up nat -m 1; }
mode_xdpvs_nat_1rs_down() { xdpvs_down; }
