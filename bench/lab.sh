# SPDX-License-Identifier: GPL-2.0-only
# bench/lab.sh: the benchmark's network-namespace lab (sourced by
# bench/run.sh and tests/e2e/test-bench-lab.sh; bash).
#
#   client ns xb-cl          balancer ns xb-lb               real servers xb-rsN
#   xbc0 198.18.0.2/24 ---- xblc 198.18.0.1/24
#        2001:db8::2/64          2001:db8::1/64
#   (generator sources           xblrN 198.18.N.1/24 ---- xbrN 198.18.N.2/24
#    198.19.0.0/16, routed             2001:db8:N::1/64        2001:db8:N::2/64
#    to the client)                                            nginx :80 "rsN\n",
#                                                              iperf3 -s :5201
#   VIP 198.18.100.1 / 2001:db8:100::1 (port 80 HTTP, 5201 iperf3, 9 UDP)
#
# Variants (lab_variant): nat (default) - the servers route everything
# back through the balancer (their default route), the VIP lives on the
# balancer's lo; dr - the servers also hold the VIP on lo (ARP hidden) and
# answer the client directly over a return link of their own (xbqN
# 198.18.1N.2 -- xbcqN 198.18.1N.1 in the client), as a router would carry
# DR replies past the balancer; tun - dr plus xdpvs-decap on the servers'
# veth to strip IPIP/GUE/GRE (this kernel has no ipip module), the UDP
# sink sharing its XDP hook (lab_tun_sink).
#
# A bpf filesystem of the lab's own is mounted at $LAB_DIR/bpffs
# (LIBXDP_BPFFS points there: this host has none at /sys/fs/bpf); libxdp
# and xbench sink --with pin there.
#
# CPU placement, the point of this lab: every veth end has NAPI (GRO on)
# in threaded mode, so each end's receive processing runs in its own
# kernel thread "napi/DEV-ID" instead of in the sender's softirq.  The
# balancer's threads (xblc, xblrN) are pinned to LAB_LB_CPU, everything
# else (client, servers, their NAPI threads) to LAB_GEN_CPU; the
# balancer's work is then exactly what runs on LAB_LB_CPU, and its CPU
# time is read per thread (lab_lb_cpu_ns).
#
# Every process started here is remembered by PID in $LAB_DIR and killed
# by PID; lab_down removes all of it.  Only 198.18.0.0/15, 2001:db8::/32.

LAB_NS_CL=xb-cl
LAB_NS_LB=xb-lb
LAB_NRS=3
LAB_DIR=${LAB_DIR:-/run/xdpvs-bench}
LAB_GEN_CPU=${LAB_GEN_CPU:-0}
LAB_LB_CPU=${LAB_LB_CPU:-1}
LAB_NICE=${LAB_NICE:--10}	# for every thread and process of the lab
LAB_VIP4=198.18.100.1
LAB_VIP6=2001:db8:100::1
LAB_VARIANT=nat
LAB_PIDS=()
LAB_XBENCH=${XDPVS_BUILD:-build}/bench/xbench

lab_ns_rs() { echo "xb-rs$1"; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }
in_cl() { in_ns "$LAB_NS_CL" "$@"; }
in_lb() { in_ns "$LAB_NS_LB" "$@"; }
in_rs() { local n=$1; shift; in_ns "$(lab_ns_rs "$n")" "$@"; }

# lab_mac NS DEV: the MAC address of DEV in namespace NS
lab_mac() { in_ns "$1" cat "/sys/class/net/$2/address" 2>/dev/null ||
	ip -n "$1" -o link show dev "$2" | sed -n 's|.*link/ether \([^ ]*\).*|\1|p'; }

# lab_ifindex NS DEV
lab_ifindex() { ip -n "$1" -o link show dev "$2" | cut -d: -f1; }

# lab_bg NS LOG CMD...: start CMD in NS in the background, remember its PID
# (in LAB_PID and $LAB_DIR/pids).  A first word on_gen_cpu or on_lb_cpu
# pins CMD to that CPU at the lab's priority.
lab_bg() {
	local ns=$1 log=$2
	shift 2
	case $1 in
	on_gen_cpu) shift; set -- taskset -c "$LAB_GEN_CPU" nice -n "$LAB_NICE" "$@" ;;
	on_lb_cpu) shift; set -- taskset -c "$LAB_LB_CPU" nice -n "$LAB_NICE" "$@" ;;
	esac
	if [ -n "${LAB_LOCK_FD:-}" ]; then
		nsenter --net="/run/netns/$ns" -- "$@" >"$log" 2>&1 {LAB_LOCK_FD}>&- &
	else
		nsenter --net="/run/netns/$ns" -- "$@" >"$log" 2>&1 &
	fi
	LAB_PID=$!
	LAB_PIDS+=("$LAB_PID")
	echo "$LAB_PID" >>"$LAB_DIR/pids"
}

# lab_kill PID...: stop processes this lab started, by PID, and reap them.
lab_kill() {
	local p i
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for p in "$@"; do
		for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# lab_veth DEV NS PEER PEERNS: a veth pair, checksum offload off on both ends
# (XDP must see full checksums, as from a NIC), GRO on both ends (NAPI:
# needed to receive XDP_REDIRECT and for the threaded NAPI placement).
lab_veth() {
	ip link add "$1" netns "$2" type veth peer name "$3" netns "$4" || return 1
	in_ns "$2" ethtool -K "$1" tx off gro on >/dev/null || return 1
	in_ns "$4" ethtool -K "$3" tx off gro on >/dev/null || return 1
	ip -n "$2" link set "$1" up && ip -n "$4" link set "$3" up
}

# lab_napi_thread NS DEV CPU: threaded NAPI for DEV, its kthread pinned to
# CPU at nice LAB_NICE; the thread's PID is written to $LAB_DIR/napi.DEV.  Names are
# napi/DEV-ID; the xb prefix of our devices keeps them apart from other labs'.
lab_napi_thread() {
	local ns=$1 dev=$2 cpu=$3 p pids
	ip netns exec "$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" || return 1
	pids=$(ps -eo pid=,comm= | awk -v d="napi/$dev-" 'index($2, d) == 1 { print $1 }')
	[ -n "$pids" ] || { echo "lab: no NAPI thread for $dev" >&2; return 1; }
	for p in $pids; do
		taskset -pc "$cpu" "$p" >/dev/null && renice -n "$LAB_NICE" -p "$p" >/dev/null || return 1
	done
	echo $pids >"$LAB_DIR/napi.$dev"
}

# lab_lb_threads: PIDs of the balancer's NAPI threads
lab_lb_threads() { cat "$LAB_DIR"/napi.xbl* 2>/dev/null | tr '\n' ' '; }

# lab_cpu_ns PID...: CPU time used so far by these tasks and all their
# threads, in ns (schedstat: exact, unlike the 10 ms ticks of /proc/PID/stat)
lab_cpu_ns() {
	local p t s=0 v
	for p in "$@"; do
		for t in /proc/"$p"/task/*/schedstat; do
			read -r v _ <"$t" 2>/dev/null || continue
			s=$((s + v))
		done
	done
	echo "$s"
}

# lab_sinks on|off: the servers' UDP sinks (bench/xdp/sink.bpf.c)
lab_sinks() {
	local n
	for n in $(seq "$LAB_NRS"); do
		in_rs "$n" "$LAB_XBENCH" detach "xbr$n" 2>/dev/null
		[ "$1" = on ] || continue
		in_rs "$n" "$LAB_XBENCH" sink "xbr$n" || return 1
	done
	return 0
}

# lab_tx NS DEV: "packets dropped" sent (and dropped on sending: a full
# ring at the peer) by DEV; skbs and XDP frames alike.
lab_tx() {
	ip -n "$1" -s link show dev "$2" | awk '/TX:/ { getline; print $2, $4; exit }'
}

# lab_counters: one line "FWD LBTX DELIVERED" - frames the balancer sent
# towards the servers (delivered or dropped at their full rings), frames
# it sent on all its interfaces, frames the servers' veths received.
lab_counters() {
	local n fwd=0 tx=0 dlv=0 p d v
	read -r p d < <(lab_tx "$LAB_NS_LB" xblc)
	tx=$((p + d))
	for n in $(seq "$LAB_NRS"); do
		read -r p d < <(lab_tx "$LAB_NS_LB" "xblr$n")
		fwd=$((fwd + p + d))
		v=$(in_rs "$n" ethtool -S "xbr$n" | awk '$1 == "rx_queue_0_xdp_packets:" { print $2 }')
		dlv=$((dlv + ${v:-0}))
	done
	echo "$fwd $((tx + fwd)) $dlv"
}

# lab_wait_ns PID...: time these tasks spent runnable but waiting for a
# CPU, in ns (schedstat's run_delay: CPU they wanted and others had)
lab_wait_ns() {
	local p t s=0 v
	for p in "$@"; do
		for t in /proc/"$p"/task/*/schedstat; do
			read -r _ v _ <"$t" 2>/dev/null || continue
			s=$((s + v))
		done
	done
	echo "$s"
}

# lab_up: build the namespaces, links, addresses, routes and NAPI threads.
# One lab at a time on a machine (the names are fixed): fails when another
# holds the lock.
lab_up() {
	local n ns
	exec {LAB_LOCK_FD}>/run/xdpvs-bench.lock || return 1
	if ! flock -n "$LAB_LOCK_FD"; then
		exec {LAB_LOCK_FD}>&-
		LAB_LOCK_FD=
		echo "lab: another bench lab is running" >&2
		return 2
	fi
	lab_down
	mkdir -p "$LAB_DIR" || return 1
	: >"$LAB_DIR/pids"
	for ns in "$LAB_NS_CL" "$LAB_NS_LB" $(for n in $(seq "$LAB_NRS"); do lab_ns_rs "$n"; done); do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	in_lb sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	in_lb sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	in_cl sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	in_cl sysctl -qw net.ipv4.tcp_tw_reuse=1

	lab_veth xbc0 "$LAB_NS_CL" xblc "$LAB_NS_LB" || return 1
	ip -n "$LAB_NS_CL" addr add 198.18.0.2/24 dev xbc0
	ip -n "$LAB_NS_CL" addr add 2001:db8::2/64 dev xbc0 nodad
	ip -n "$LAB_NS_CL" route add default via 198.18.0.1
	ip -n "$LAB_NS_CL" -6 route add default via 2001:db8::1
	ip -n "$LAB_NS_LB" addr add 198.18.0.1/24 dev xblc
	ip -n "$LAB_NS_LB" addr add 2001:db8::1/64 dev xblc nodad
	ip -n "$LAB_NS_LB" route add 198.19.0.0/16 via 198.18.0.2
	# The generator's frames (xdp) are not answered; a static neighbour
	# keeps the reverse direction from resolving anything.
	ip -n "$LAB_NS_LB" neigh replace 198.18.0.2 lladdr "$(lab_mac "$LAB_NS_CL" xbc0)" dev xblc nud permanent
	ip -n "$LAB_NS_CL" neigh replace 198.18.0.1 lladdr "$(lab_mac "$LAB_NS_LB" xblc)" dev xbc0 nud permanent
	ip -n "$LAB_NS_LB" addr add "$LAB_VIP4/32" dev lo
	ip -n "$LAB_NS_LB" addr add "$LAB_VIP6/128" dev lo

	for n in $(seq "$LAB_NRS"); do
		ns=$(lab_ns_rs "$n")
		lab_veth "xbr$n" "$ns" "xblr$n" "$LAB_NS_LB" || return 1
		ip -n "$ns" addr add "198.18.$n.2/24" dev "xbr$n"
		ip -n "$ns" addr add "2001:db8:$n::2/64" dev "xbr$n" nodad
		ip -n "$ns" route add default via "198.18.$n.1"
		ip -n "$ns" -6 route add default via "2001:db8:$n::1"
		ip -n "$LAB_NS_LB" addr add "198.18.$n.1/24" dev "xblr$n"
		ip -n "$LAB_NS_LB" addr add "2001:db8:$n::1/64" dev "xblr$n" nodad
		ip -n "$LAB_NS_LB" neigh replace "198.18.$n.2" lladdr "$(lab_mac "$ns" "xbr$n")" dev "xblr$n" nud permanent
		ip -n "$ns" neigh replace "198.18.$n.1" lladdr "$(lab_mac "$LAB_NS_LB" "xblr$n")" dev "xbr$n" nud permanent
	done

	# Threads last: a veth going down and up again gets new NAPI threads.
	lab_napi_thread "$LAB_NS_CL" xbc0 "$LAB_GEN_CPU" || return 1
	lab_napi_thread "$LAB_NS_LB" xblc "$LAB_LB_CPU" || return 1
	for n in $(seq "$LAB_NRS"); do
		lab_napi_thread "$LAB_NS_LB" "xblr$n" "$LAB_LB_CPU" || return 1
		lab_napi_thread "$(lab_ns_rs "$n")" "xbr$n" "$LAB_GEN_CPU" || return 1
	done
	LAB_VARIANT=nat
	mkdir -p "$LAB_DIR/bpffs" && mount -t bpf bpf "$LAB_DIR/bpffs" || return 1
	export LIBXDP_BPFFS=$LAB_DIR/bpffs
	lab_sinks on
}

# lab_return_links: the DR/tunnel servers' own links to the client (once)
lab_return_links() {
	local n ns
	[ -e "$LAB_DIR/return-links" ] && return 0
	in_cl sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	for n in $(seq "$LAB_NRS"); do
		ns=$(lab_ns_rs "$n")
		lab_veth "xbq$n" "$ns" "xbcq$n" "$LAB_NS_CL" || return 1
		ip -n "$ns" addr add "198.18.1$n.2/24" dev "xbq$n"
		ip -n "$LAB_NS_CL" addr add "198.18.1$n.1/24" dev "xbcq$n"
		ip -n "$ns" neigh replace "198.18.1$n.1" lladdr "$(lab_mac "$LAB_NS_CL" "xbcq$n")" dev "xbq$n" nud permanent
		lab_napi_thread "$ns" "xbq$n" "$LAB_GEN_CPU" || return 1
		lab_napi_thread "$LAB_NS_CL" "xbcq$n" "$LAB_GEN_CPU" || return 1
	done
	touch "$LAB_DIR/return-links"
}

# lab_variant nat|dr|tun: how the real servers receive the VIP's packets.
lab_variant() {
	local v=$1 n ns
	[ "$v" = "$LAB_VARIANT" ] && return 0
	[ "$v" = tun ] && lab_sinks off
	[ "$v" = nat ] || lab_return_links || return 1
	for n in $(seq "$LAB_NRS"); do
		ns=$(lab_ns_rs "$n")
		if [ "$v" = nat ]; then
			ip -n "$ns" route replace default via "198.18.$n.1"
		else
			ip -n "$ns" route replace default via "198.18.1$n.1" dev "xbq$n"
		fi
		ip -n "$ns" addr del "$LAB_VIP4/32" dev lo 2>/dev/null
		ip -n "$ns" addr del "$LAB_VIP6/128" dev lo 2>/dev/null
		if [ "$LAB_VARIANT" = tun ]; then
			in_ns "$ns" "$LAB_XBENCH" detach --with "xbr$n" 2>/dev/null
			in_ns "$ns" "${XDPVS_BUILD:-build}/xdpvs-decap" --detach -i "xbr$n" >/dev/null 2>&1
		fi
		[ "$v" = nat ] && continue
		# dr, tun: the server owns the VIP but never answers ARP/ND for it
		ip -n "$ns" addr add "$LAB_VIP4/32" dev lo
		ip -n "$ns" addr add "$LAB_VIP6/128" dev lo
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0
		if [ "$v" = tun ]; then
			[ -x "${XDPVS_BUILD:-build}/xdpvs-decap" ] ||
				{ echo "lab: tun needs ${XDPVS_BUILD:-build}/xdpvs-decap" >&2; return 1; }
			in_ns "$ns" "${XDPVS_BUILD:-build}/xdpvs-decap" -i "xbr$n" >>"$LAB_DIR/decap.log" 2>&1 ||
				{ cat "$LAB_DIR/decap.log" >&2; return 1; }
			lab_tun_sink "$ns" "xbr$n" || return 1
		fi
	done
	LAB_VARIANT=$v
	# tun: xdpvs-decap and the sink share the servers' XDP hook (counted
	# by the veth there): lab_tun_sink.
	[ "$v" = tun ] || lab_sinks on
}

# lab_tun_sink NS DEV: the tunnel servers' UDP sink.  xdpvs-decap hands
# the inner packet on with XDP_PASS; in the stack, UDP to the closed port
# 9 would cost the generator's core a whole receive (skb, GRO, socket
# lookup, ICMP error) per packet, and in the tun udp run that core, not
# the balancer, would set the rate.  So sink.bpf.c drops it in XDP, as in
# the other variants, added to decap's hook by xbench sink --with: behind
# decap in libxdp's dispatcher (the lab's bpffs: LIBXDP_BPFFS) where the
# kernel runs one, else in front of decap, which it tail-calls for
# everything but the tunnelled UDP to port 9 (this VM's kernel refuses the
# freplace programs the dispatcher is made of: decap runs alone).
lab_tun_sink() {
	in_ns "$1" "$LAB_XBENCH" sink --with "$2"
}

# lab_servers_up: nginx (one worker, "rsN\n") and iperf3 -s in every server,
# on the generator's CPU.
lab_servers_up() {
	local n d i
	for n in $(seq "$LAB_NRS"); do
		d="$LAB_DIR/rs$n"
		mkdir -p "$d/tmp"
		cat >"$d/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $d/nginx.pid;
error_log $d/error.log warn;
user root;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 65;
    client_body_temp_path $d/tmp;
    proxy_temp_path $d/tmp;
    fastcgi_temp_path $d/tmp;
    uwsgi_temp_path $d/tmp;
    scgi_temp_path $d/tmp;
    server {
        listen 80 backlog=4096;
        listen [::]:80 backlog=4096;
        default_type text/plain;
        location / { return 200 "rs$n\n"; }
    }
}
EOF
		lab_bg "$(lab_ns_rs "$n")" "$d/nginx.log" on_gen_cpu nginx -c "$d/nginx.conf"
		lab_bg "$(lab_ns_rs "$n")" "$d/iperf3.log" on_gen_cpu iperf3 -s -p 5201
	done
	for n in $(seq "$LAB_NRS"); do
		for i in $(seq 50); do
			in_cl curl -s --max-time 1 "http://198.18.$n.2/" 2>/dev/null | grep -q "^rs$n" && break
			sleep 0.1
		done
		[ "$i" -lt 50 ] || { echo "lab: nginx in rs$n does not answer" >&2; return 1; }
	done
}

# lab_down: stop what the lab started, delete its namespaces and files.
lab_down() {
	local p ns
	if [ -f "$LAB_DIR/pids" ]; then
		# shellcheck disable=SC2046
		lab_kill $(cat "$LAB_DIR/pids")
	fi
	for ns in "$LAB_NS_CL" "$LAB_NS_LB" $(for p in $(seq "$LAB_NRS"); do lab_ns_rs "$p"; done); do
		ip netns del "$ns" 2>/dev/null
	done
	mountpoint -q "$LAB_DIR/bpffs" 2>/dev/null && umount "$LAB_DIR/bpffs"
	[ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ] && rm -rf "$LAB_DIR"
	LAB_PIDS=()
	return 0
}

# lab_release: lab_down, then let the next lab run.  Nothing without the
# lock: when lab_up found another lab running (a bench while make check
# runs test-bench-lab), that lab's namespaces and processes are not ours.
lab_release() {
	[ -n "${LAB_LOCK_FD:-}" ] || return 0
	lab_down
	exec {LAB_LOCK_FD}>&-
	LAB_LOCK_FD=
	return 0
}
