# SPDX-License-Identifier: GPL-2.0-only
# haproxy: HAProxy `mode tcp`, round robin over the three servers, one
# thread pinned to the balancer's CPU.  It terminates TCP, so there is no
# UDP workload, and its packet counts differ on both sides.
bench_mode haproxy "HAProxy \`mode tcp\`, roundrobin over 3 servers, 1 thread" "cc ka tput"

mode_haproxy_check() {
	command -v haproxy >/dev/null || { echo "haproxy not installed"; return 1; }
}

mode_haproxy_up() {
	local cfg=$LAB_DIR/haproxy.cfg i
	cat >"$cfg" <<EOF2
global
	maxconn 8000
	nbthread 1
	tune.maxaccept 64
defaults
	mode tcp
	timeout connect 5s
	timeout client 60s
	timeout server 60s
frontend web
	bind $LAB_VIP4:80
	default_backend web
backend web
	balance roundrobin
	server rs1 198.18.1.2:80
	server rs2 198.18.2.2:80
	server rs3 198.18.3.2:80
frontend iperf
	bind $LAB_VIP4:5201
	default_backend iperf
backend iperf
	server rs1 198.18.1.2:5201
EOF2
	lab_bg "$LAB_NS_LB" "$LAB_DIR/haproxy.log" on_lb_cpu haproxy -db -f "$cfg"
	HAPROXY_PID=$LAB_PID
	LB_PIDS="$LB_PIDS $HAPROXY_PID"
	TARGET=$LAB_VIP4
	for i in $(seq 50); do
		in_cl curl -s --max-time 1 -o /dev/null "http://$LAB_VIP4/" && return 0
		sleep 0.1
	done
	echo "haproxy: not answering: $(tail -3 "$LAB_DIR/haproxy.log")" >&2
	return 1
}

mode_haproxy_down() { lab_kill "$HAPROXY_PID"; }
