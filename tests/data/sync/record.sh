#!/bin/bash
# record.sh — runs INSIDE refvm (run.sh --share DIR --script DIR/record.sh):
# a kernel IPVS sync master (netns rv-lb) and a kernel sync backup (netns
# rv-bk) on a veth "sync link"; traffic of several kinds through the
# master; tcpdump on the master's sync interface keeps every datagram.
# Output in $OUT (default ./out): sync.pcap, phases.log (phase name and
# start time), lists.txt (what master and backup list), errors.txt.
set -u
. /mnt/refvm/tests/lib/topo.sh
OUT=${OUT:-$PWD/out}
mkdir -p "$OUT"
TD_PID=
cleanup() { [ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null; sleep 1; topo_down; ip netns del rv-bk 2>/dev/null; ip netns del rv-mx 2>/dev/null; }
trap cleanup EXIT
in_bk() { ip netns exec rv-bk "$@"; }
phase() { echo "$1 $(date +%s.%N)" >> "$OUT/phases.log"; echo "== phase $1"; }
settle() { sleep "${1:-4}"; }

udp_send() {  # udp_send DST PORT SPORT COUNT [PAYLOAD-FILE]
    in_client python3 - "$@" <<'PY'
import socket, sys, time
dst, dport, sport, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = open(sys.argv[5], "rb").read() if len(sys.argv) > 5 else b"ping"
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(("", sport))
for i in range(count):
    s.sendto(data, (dst, dport))
    time.sleep(0.05)
PY
}
get() { in_client curl -s --max-time 3 "$@"; echo " (rc $?)"; }

: > "$OUT/phases.log"
for m in ip_vs ip_vs_rr ip_vs_pe_sip; do modprobe $m || echo "modprobe $m failed"; done
topo_up 2
nginx_all_up 1
# direct routing to rs1: it holds the VIP and answers the client itself
in_rs 1 ip addr add 198.18.100.3/32 dev lo
in_rs 1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
# the sync link
ip netns add rv-bk
ip link add lsync netns rv-lb type veth peer name bsync netns rv-bk
in_lb ip addr add 198.18.200.1/24 dev lsync
in_lb ip link set lsync up
in_bk ip link set lo up
in_bk ip addr add 198.18.200.2/24 dev bsync
in_bk ip link set bsync up
in_lb nft -f - <<'EOF'
table inet rec_fwmark {
    chain pre {
        type filter hook prerouting priority mangle; policy accept;
        ip daddr 198.18.100.5 tcp dport 80 meta mark set 1
    }
}
EOF

services() {  # the same services on master and backup
    ipvsadm -A -t 198.18.100.1:80 -s rr
    ipvsadm -a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
    ipvsadm -a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
    ipvsadm -A -u 198.18.100.1:53 -s rr
    ipvsadm -a -u 198.18.100.1:53 -r 198.18.1.2:53 -m
    ipvsadm -A -t 198.18.100.2:443 -s rr -p 300
    ipvsadm -a -t 198.18.100.2:443 -r 198.18.1.2:443 -m
    ipvsadm -a -t 198.18.100.2:443 -r 198.18.2.2:443 -m
    ipvsadm -A -t 198.18.100.3:80 -s rr
    ipvsadm -a -t 198.18.100.3:80 -r 198.18.1.2:80 -g
    ipvsadm -A -f 1 -s rr -p 60
    ipvsadm -a -f 1 -r 198.18.1.2:80 -m
    ipvsadm -A -t [2001:db8:100::1]:80 -s rr
    ipvsadm -a -t [2001:db8:100::1]:80 -r [2001:db8:1::2]:80 -m
    ipvsadm -A -u 198.18.100.6:5060 -s rr -p 60 --pe sip
    ipvsadm -a -u 198.18.100.6:5060 -r 198.18.2.2:5060 -m
    ipvsadm -A -u 198.18.100.7:53 -s rr -o
    ipvsadm -a -u 198.18.100.7:53 -r 198.18.2.2:53 -m
}
export -f services
in_lb bash -c services
in_bk bash -c services
for n in 1 2; do
    for i in $(seq 1 50); do in_client curl -s --max-time 1 -o /dev/null "http://198.18.$n.2/" && break; sleep 0.2; done
done

in_lb tcpdump -i lsync -U -s 0 -w "$OUT/sync.pcap" udp &
TD_PID=$!
sleep 3
in_bk ipvsadm --start-daemon backup --mcast-interface bsync
in_lb ipvsadm --start-daemon master --mcast-interface lsync --syncid 5
settle 2

{
echo "--- lb: ipvsadm -L --daemon"; in_lb ipvsadm -L --daemon
echo "--- bk: ipvsadm -L --daemon"; in_bk ipvsadm -L --daemon
} >> "$OUT/lists.txt"

phase tcp-nat;   get http://198.18.100.1/; settle
phase udp;       udp_send 198.18.100.1 53 40001 4; settle
phase persist;   get http://198.18.100.2:443/; settle
phase dr;        get http://198.18.100.3/; settle
phase fwmark;    get http://198.18.100.5/; settle
phase ipv6;      get 'http://[2001:db8:100::1]/'; settle
printf 'INVITE sip:bob@198.18.100.6 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.2:5060\r\nFrom: <sip:alice@198.18.0.2>;tag=1\r\nTo: <sip:bob@198.18.100.6>\r\nCall-ID: a84b4c76e66710@198.18.0.2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' > /tmp/sip.txt
phase sip;       udp_send 198.18.100.6 5060 5060 4 /tmp/sip.txt; settle
phase ops;       udp_send 198.18.100.7 53 40003 4; settle
{
echo "--- after v1 phases, lb: ipvsadm -Lnc"; in_lb ipvsadm -Lnc
echo "--- bk: ipvsadm -Lnc"; in_bk ipvsadm -Lnc
echo "--- bk: ipvsadm -Ln"; in_bk ipvsadm -Ln
echo "--- bk: /proc/net/ip_vs_conn_sync"; in_bk cat /proc/net/ip_vs_conn_sync
} >> "$OUT/lists.txt"

in_lb sysctl -qw net.ipv4.vs.sync_version=0
phase v0-tcp;    get http://198.18.100.1/; settle
phase v0-udp;    udp_send 198.18.100.1 53 40002 4; settle
phase v0-persist; get http://198.18.100.2:443/ --interface 198.18.0.10; settle
{
echo "--- after v0 phases, lb: ipvsadm -Lnc"; in_lb ipvsadm -Lnc
echo "--- bk: ipvsadm -Lnc"; in_bk ipvsadm -Lnc
echo "--- bk: /proc/net/ip_vs_conn_sync"; in_bk cat /proc/net/ip_vs_conn_sync
} >> "$OUT/lists.txt"
in_lb sysctl -qw net.ipv4.vs.sync_version=1

in_lb ipvsadm --stop-daemon master
in_lb ipvsadm --start-daemon master --mcast-interface lsync --syncid 5 --sync-maxlen 120
settle 2
echo "--- lb: ipvsadm -L --daemon (maxlen 120)" >> "$OUT/lists.txt"
in_lb ipvsadm -L --daemon >> "$OUT/lists.txt"
phase maxlen120
for p in 41001 41002 41003 41004 41005 41006 41007; do udp_send 198.18.100.1 53 $p 3; done
settle 5

{
echo "--- errors"
echo "\$ ipvsadm --start-daemon master --mcast-interface lsync"
in_lb ipvsadm --start-daemon master --mcast-interface lsync 2>&1; echo "rc $?"
echo "\$ ipvsadm --start-daemon backup --mcast-interface nosuch"
in_lb ipvsadm --start-daemon backup --mcast-interface nosuch 2>&1; echo "rc $?"
echo "\$ ipvsadm --start-daemon master --mcast-interface nosuch  (master running)"
in_lb ipvsadm --start-daemon master --mcast-interface nosuch 2>&1; echo "rc $?"
echo "\$ ipvsadm --stop-daemon backup  (none)"
in_lb ipvsadm --stop-daemon backup 2>&1; echo "rc $?"
echo "\$ ipvsadm --start-daemon backup --mcast-interface lsync --mcast-group 198.18.0.5"
in_lb ipvsadm --start-daemon backup --mcast-interface lsync --mcast-group 198.18.0.5 2>&1; echo "rc $?"
echo "\$ ipvsadm --start-daemon backup --mcast-interface lsync --syncid 300"
in_lb ipvsadm --start-daemon backup --mcast-interface lsync --syncid 300 2>&1; echo "rc $?"
echo "\$ ipvsadm --start-daemon backup --mcast-interface lsync --sync-maxlen 10 --mcast-port 9000 --mcast-ttl 3 --mcast-group 239.1.2.3"
in_lb ipvsadm --start-daemon backup --mcast-interface lsync --sync-maxlen 10 --mcast-port 9000 --mcast-ttl 3 --mcast-group 239.1.2.3 2>&1; echo "rc $?"
in_lb ipvsadm -L --daemon
in_lb ipvsadm --stop-daemon backup 2>&1; echo "rc $?"
echo "\$ ipvsadm -a (IPv6 dest to IPv4 service, tunnel) while a daemon runs"
in_lb ipvsadm -A -t 198.18.100.9:80 2>&1
in_lb ipvsadm -a -t 198.18.100.9:80 -r [2001:db8:1::2]:80 -i 2>&1; echo "rc $?"
echo "\$ mixed-family service first, then --start-daemon"
ip netns add rv-mx
ip netns exec rv-mx ip link set lo up
ip netns exec rv-mx ipvsadm -A -t 198.18.100.9:80 2>&1
ip netns exec rv-mx ipvsadm -a -t 198.18.100.9:80 -r [2001:db8:1::2]:80 -i 2>&1; echo "rc $?"
ip netns exec rv-mx ipvsadm --start-daemon master --mcast-interface lo 2>&1; echo "rc $?"
echo "\$ sysctl writes"
for v in "3 50" "0 0" "5 5" "6 5" "-1 10" "3 0"; do
    in_lb sysctl -w net.ipv4.vs.sync_threshold="$v" 2>&1; echo "rc $?"
done
for v in 2 3 0 -1; do in_lb sysctl -w net.ipv4.vs.sync_version=$v 2>&1; echo "rc $?"; done
for v in 4 3 0; do in_lb sysctl -w net.ipv4.vs.sync_retries=$v 2>&1; echo "rc $?"; done
for v in 3 0 4; do in_lb sysctl -w net.ipv4.vs.sync_ports=$v 2>&1; echo "rc $?"; done
in_lb sysctl -w net.ipv4.vs.sync_ports=1
for n in sync_threshold sync_version sync_ports sync_persist_mode sync_refresh_period sync_retries sync_qlen_max sync_sock_size backup_only; do
    in_lb sysctl net.ipv4.vs.$n
done
} > "$OUT/errors.txt" 2>&1
kill "$TD_PID"; TD_PID=
sleep 1
echo done
