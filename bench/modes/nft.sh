# SPDX-License-Identifier: GPL-2.0-only
# nft, nft-1rs: nftables DNAT load balancing (conntrack, nat hook), with
# `numgen inc mod 3` over the three servers, or to rs1 alone (the same
# server capacity as direct: the ratio is the path's cost alone).
bench_mode nft "nftables DNAT, \`dnat to numgen inc mod 3 map { 0 : rs1, 1 : rs2, 2 : rs3 }\` (conntrack)" "udp udp-fixed cc ka tput scale scale-hot"
bench_mode nft-1rs "nftables DNAT to rs1 only" "udp udp-fixed cc ka tput"

nft_up() {
	local to=$1
	in_lb nft -f - <<EOF2
table ip xbench {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $LAB_VIP4 tcp dport 80 dnat to $to
		ip daddr $LAB_VIP4 udp dport 9 dnat to $to
		ip daddr $LAB_VIP4 tcp dport 5201 dnat to 198.18.1.2
	}
}
EOF2
}

nft_down() {
	in_lb nft delete table ip xbench 2>/dev/null
	in_lb conntrack -F >/dev/null 2>&1
	return 0
}

mode_nft_check() {
	command -v nft >/dev/null || { echo "nft not installed"; return 1; }
}
mode_nft_up() {
	TARGET=$LAB_VIP4
	nft_up "numgen inc mod 3 map { 0 : 198.18.1.2, 1 : 198.18.2.2, 2 : 198.18.3.2 }"
}
mode_nft_down() { nft_down; }

# The conntrack table: entries in the balancer's namespace, times the size
# of a conntrack object (slab nf_conntrack; plus its hash bucket).
mode_nft_table() {
	local n sz
	n=$(in_lb cat /proc/sys/net/netfilter/nf_conntrack_count)
	sz=$(awk '$1 == "nf_conntrack" { print $4 }' /proc/slabinfo 2>/dev/null)
	echo "$n $((n * (${sz:-0} + 8)))"
}

mode_nft_1rs_check() { mode_nft_check; }
mode_nft_1rs_up() { TARGET=$LAB_VIP4; nft_up 198.18.1.2; }
mode_nft_1rs_down() { nft_down; }

# The conntrack table is bounded by the host's nf_conntrack_max (global,
# 262144 here): the scale run stays at 3/4 of it.
mode_nft_scale_flows() {
	local max
	max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
	[ $((max * 3 / 4)) -lt "$SCALE_FLOWS" ] && echo $((max * 3 / 4)) || echo "$SCALE_FLOWS"
}
