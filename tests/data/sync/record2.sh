#!/bin/bash
# record2.sh — runs INSIDE refvm (run.sh --share DIR --script DIR/record2.sh),
# DIR holding the xd-*.bin datagrams gen-xdpvs.c wrote.  The lab of
# record.sh (kernel master in rv-lb, kernel backup in rv-bk, the sync link
# lsync/bsync), plus an SCTP and a persistent IPv6 service:
#  1. a direct-routing connection (scapy: the real server's answers cannot
#     come back through this lab) recorded as the master sends it;
#  2. every xd-*.bin sent to the group from rv-lb, one a second, with the
#     backup's listing after each.
# Output in $OUT (default ./out2): dr.pcap, phases.log, backup.txt.
set -u
. /mnt/refvm/tests/lib/topo.sh
OUT=${OUT:-$PWD/out2}
mkdir -p "$OUT"
TD_PID=
cleanup() { [ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null; sleep 1; topo_down; ip netns del rv-bk 2>/dev/null; }
trap cleanup EXIT
in_bk() { ip netns exec rv-bk "$@"; }
phase() { echo "$1 $(date +%s.%N)" >> "$OUT/phases.log"; echo "== phase $1"; }

: > "$OUT/phases.log"
for m in ip_vs ip_vs_rr ip_vs_pe_sip; do modprobe $m || echo "modprobe $m failed"; done
topo_up 2
ip netns add rv-bk
ip link add lsync netns rv-lb type veth peer name bsync netns rv-bk
in_lb ip addr add 198.18.200.1/24 dev lsync
in_lb ip link set lsync up
in_bk ip link set lo up
in_bk ip addr add 198.18.200.2/24 dev bsync
in_bk ip link set bsync up

services() {
    ipvsadm -A -t 198.18.100.1:80 -s rr
    ipvsadm -a -t 198.18.100.1:80 -r 198.18.1.2:80 -m
    ipvsadm -a -t 198.18.100.1:80 -r 198.18.2.2:80 -m
    ipvsadm -A -t 198.18.100.2:443 -s rr -p 300
    ipvsadm -a -t 198.18.100.2:443 -r 198.18.1.2:443 -m
    ipvsadm -a -t 198.18.100.2:443 -r 198.18.2.2:443 -m
    ipvsadm -A -t 198.18.100.3:80 -s rr
    ipvsadm -a -t 198.18.100.3:80 -r 198.18.1.2:80 -g
    ipvsadm -A -f 1 -s rr -p 60
    ipvsadm -a -f 1 -r 198.18.1.2:80 -m
    ipvsadm -A -u 198.18.100.6:5060 -s rr -p 60 --pe sip
    ipvsadm -a -u 198.18.100.6:5060 -r 198.18.2.2:5060 -m
    ipvsadm --add-service --sctp-service 198.18.100.8:3868 -s rr
    ipvsadm -a --sctp-service 198.18.100.8:3868 -r 198.18.1.2:3868 -m
    ipvsadm -A -t [2001:db8:100::2]:443 -s rr -p 120
    ipvsadm -a -t [2001:db8:100::2]:443 -r [2001:db8:1::2]:443 -m
}
export -f services
in_lb bash -c services
in_bk bash -c services

in_lb tcpdump -i lsync -U -s 0 -w "$OUT/dr.pcap" udp &
TD_PID=$!
sleep 3
in_bk ipvsadm --start-daemon backup --mcast-interface bsync
in_lb ipvsadm --start-daemon master --mcast-interface lsync --syncid 5
sleep 2

phase dr
in_client python3 - <<'PY'
from scapy.all import IP, TCP, Raw, send, conf
conf.verb = 0
ip = IP(src="198.18.0.2", dst="198.18.100.3")
send(ip / TCP(sport=42000, dport=80, flags="S", seq=1000), iface="c0")
send(ip / TCP(sport=42000, dport=80, flags="A", seq=1001, ack=1), iface="c0")
send(ip / TCP(sport=42000, dport=80, flags="PA", seq=1001, ack=1) / Raw(b"GET / HTTP/1.0\r\n\r\n"), iface="c0")
send(ip / TCP(sport=42000, dport=80, flags="FA", seq=1019, ack=1), iface="c0")
PY
sleep 4
{
echo "--- lb: ipvsadm -Lnc (after dr)"; in_lb ipvsadm -Lnc
echo "--- bk: ipvsadm -Lnc (after dr)"; in_bk ipvsadm -Lnc
} > "$OUT/backup.txt"
kill "$TD_PID"; TD_PID=
in_lb ipvsadm --stop-daemon master

for f in /mnt/host/xd-*.bin; do
    n=$(basename "$f" .bin)
    phase "$n"
    in_lb python3 - "$f" <<'PY'
import socket, sys
data = open(sys.argv[1], "rb").read()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.200.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.sendto(data, ("224.0.0.81", 8848))
PY
    sleep 1
    { echo "--- bk after $n: ipvsadm -Lnc"; in_bk ipvsadm -Lnc; } >> "$OUT/backup.txt"
done
{
echo "--- bk: ipvsadm -Ln"; in_bk ipvsadm -Ln
echo "--- bk: /proc/net/ip_vs_conn_sync"; in_bk cat /proc/net/ip_vs_conn_sync
} >> "$OUT/backup.txt"
echo done
