#!/bin/bash
# tests/data/kernel/record.sh — record kernel IPVS reference packets (runs INSIDE refvm).
#
#   cd /work/shared/refvm && ./run.sh --share /work/wt/oracle \
#        --script /work/wt/oracle/tests/data/kernel/record.sh [--out DIR] [CASE ...]
#
# Builds its own lab (namespaces cl, lb, rs1, rs2; see README.md), then runs record.py,
# which writes <case>.in.pcap, <case>.out.pcap, <case>.txt and cases.json next to this
# script.  No CASE: every case.  Nothing here is needed by `make check`.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE
if [ "${1:-}" = --out ]; then OUT=$2; shift 2; fi   # e.g. --out /tmp/x for trial runs

say() { echo "[record] $*"; }
say "kernel $(uname -r), $(ipvsadm --version)"
command -v ethtool >/dev/null || { echo "ethtool missing" >&2; exit 1; }
for m in ip_vs ip_vs_rr; do modprobe "$m"; done

# ---- namespaces and links ----------------------------------------------------------
#   cl:c0  02:00:00:00:00:02  <->  lb:lc  02:00:00:00:00:01  198.18.0.1/24 2001:db8::1/64
#   rs1:eth0 02:00:00:00:01:02 <-> lb:lr1 02:00:00:00:01:01  198.18.1.1/24 2001:db8:1::1/64
#   rs2:eth0 02:00:00:00:02:02 <-> lb:lr2 02:00:00:00:02:01  198.18.2.1/24 2001:db8:2::1/64
#                                  (lr2 <-> rs2 MTU 1400)
#   VIPs on lb's lo: 198.18.100.1-40/32, 2001:db8:100::1-40/128
# cl, rs1, rs2 have no addresses, IPv6 disabled and an nftables ingress drop: their
# stacks never answer, frames are only seen by record.py's packet sockets.
for ns in cl lb rs1 rs2; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
done
for ns in cl rs1 rs2; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip netns exec lb sysctl -qw \
    net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
    net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 \
    net.ipv6.icmp.ratelimit=0 \
    net.ipv6.conf.default.dad_transmits=0 net.ipv6.conf.all.dad_transmits=0 \
    net.ipv6.conf.default.router_solicitations=0

mklink() {   # mklink NS_A DEV_A MAC_A NS_B DEV_B MAC_B
    ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
    ip -n "$1" link set "$2" address "$3"
    ip -n "$4" link set "$5" address "$6"
}
mklink cl c0 02:00:00:00:00:02   lb lc  02:00:00:00:00:01
mklink rs1 eth0 02:00:00:00:01:02 lb lr1 02:00:00:00:01:01
mklink rs2 eth0 02:00:00:00:02:02 lb lr2 02:00:00:00:02:01
ip -n rs2 link set eth0 mtu 1400
ip -n lb link set lr2 mtu 1400

# checksum offloads off on every veth end: checksums in the captures are the real ones
for pair in cl:c0 lb:lc rs1:eth0 lb:lr1 rs2:eth0 lb:lr2; do
    ns=${pair%%:*} dev=${pair#*:}
    for feat in rx tx sg tso gso gro; do
        ip netns exec "$ns" ethtool -K "$dev" "$feat" off >/dev/null 2>&1 || true
    done
done
ip netns exec lb ethtool -k lc | grep -E '^(rx|tx)-checksumming|segmentation-offload|receive-offload' | tr '\n' ' '; echo

for ns in cl rs1 rs2; do
    dev=eth0; [ "$ns" = cl ] && dev=c0
    ip netns exec "$ns" nft -f - <<EOF
table netdev silence {
    chain in { type filter hook ingress device $dev priority 0; policy drop; }
}
EOF
    ip -n "$ns" link set "$dev" up
done

{
    echo "addr add 198.18.0.1/24 dev lc"
    echo "addr add 2001:db8::1/64 dev lc nodad"
    for n in 1 2; do
        echo "addr add 198.18.$n.1/24 dev lr$n"
        echo "addr add 2001:db8:$n::1/64 dev lr$n nodad"
    done
    for i in $(seq 1 40); do
        echo "addr add 198.18.100.$i/32 dev lo"
        echo "addr add 2001:db8:100::$i/128 dev lo"
    done
    echo "neigh replace 198.18.0.2 lladdr 02:00:00:00:00:02 dev lc nud permanent"
    echo "neigh replace 2001:db8::2 lladdr 02:00:00:00:00:02 dev lc nud permanent"
    for n in 1 2; do
        echo "neigh replace 198.18.$n.2 lladdr 02:00:00:00:0$n:02 dev lr$n nud permanent"
        echo "neigh replace 2001:db8:$n::2 lladdr 02:00:00:00:0$n:02 dev lr$n nud permanent"
    done
} > /tmp/lb.batch
for d in lc lr1 lr2; do ip -n lb link set "$d" up; done
ip -n lb -batch /tmp/lb.batch
sleep 1

say "lab up; recording into $OUT"
python3 "$HERE/record.py" "$OUT" "$@"
