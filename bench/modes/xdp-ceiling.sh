# SPDX-License-Identifier: GPL-2.0-only
# xdp-ceiling: bench/xdp/ceiling.bpf.c on the balancer's client-side and
# rs1-side veths, rewriting MACs and redirecting (devmap) both ways; what
# any XDP balancer costs at least on this path.
bench_mode xdp-ceiling "client -> rs1 by an XDP program that only rewrites MACs and redirects through a devmap, both ways: the XDP ceiling"

mode_xdp_ceiling_check() {
	[ -x "$LAB_XBENCH" ] || { echo "$LAB_XBENCH not built"; return 1; }
}

mode_xdp_ceiling_up() {
	TARGET=198.18.1.2
	in_lb "$LAB_XBENCH" ceiling "xblc=xblr1/$(lab_mac "$(lab_ns_rs 1)" xbr1)" \
		"xblr1=xblc/$(lab_mac "$LAB_NS_CL" xbc0)"
}

mode_xdp_ceiling_down() { in_lb "$LAB_XBENCH" detach xblc xblr1; }
