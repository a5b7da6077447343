# SPDX-License-Identifier: GPL-2.0-only
# xdp-ceiling: bench/xdp/ceiling.bpf.c on the balancer's client-side and
# rs1-side veths, rewriting MACs and redirecting (devmap) both ways; what
# any XDP balancer costs at least on this path.
# xdp-ceiling-3: the same spreading the client's frames over the three
# servers by source address, as the balancers spread their flows: on veth
# every egress interface's peer thread is woken on its own, a cost per
# way out that the single-server ceiling does not pay.
bench_mode xdp-ceiling "client -> rs1 by an XDP program that only rewrites MACs and redirects through a devmap, both ways: the XDP ceiling"
bench_mode xdp-ceiling-3 "xdp-ceiling spreading the client's frames over rs1..rs3 by source address: the XDP ceiling with the balancers' fan-out" "udp udp-fixed"

mode_xdp_ceiling_check() {
	[ -x "$LAB_XBENCH" ] || { echo "$LAB_XBENCH not built"; return 1; }
}

mode_xdp_ceiling_up() {
	TARGET=198.18.1.2
	in_lb "$LAB_XBENCH" ceiling "xblc=xblr1/$(lab_mac "$(lab_ns_rs 1)" xbr1)" \
		"xblr1=xblc/$(lab_mac "$LAB_NS_CL" xbc0)"
}

mode_xdp_ceiling_down() { in_lb "$LAB_XBENCH" detach xblc xblr1; }

mode_xdp_ceiling_3_check() { mode_xdp_ceiling_check; }

mode_xdp_ceiling_3_up() {
	local n ways="" back=()
	TARGET=198.18.1.2
	for n in $(seq "$LAB_NRS"); do
		ways="$ways${ways:+,}xblr$n/$(lab_mac "$(lab_ns_rs "$n")" "xbr$n")"
		back+=("xblr$n=xblc/$(lab_mac "$LAB_NS_CL" xbc0)")
	done
	in_lb "$LAB_XBENCH" ceiling "xblc=$ways" "${back[@]}"
}

mode_xdp_ceiling_3_down() {
	local n
	for n in $(seq "$LAB_NRS"); do in_lb "$LAB_XBENCH" detach "xblr$n"; done
	in_lb "$LAB_XBENCH" detach xblc
}
