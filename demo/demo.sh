#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: xdpvs balancing real HTTP traffic, in network namespaces.
#
# Builds the lab of tests/lib/lab.sh (a client, the balancer, three real
# servers whose HTTP servers answer with their name), starts xdpvsd on
# the balancer, configures a NAT service with xdpvsadm, sends bursts of
# curl requests from the client to the virtual address (round robin,
# then weighted round robin), shows where they went and xdpvsadm's
# listings, and removes everything it made on exit (even on Ctrl-C).
# Root only; about ten seconds.  The binaries come from $1 (build/).
set -u

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export XDPVS_BUILD=${1:-$ROOT/build}
# shellcheck source=tests/lib/lab.sh
. "$ROOT/tests/lib/lab.sh"
VIP=198.18.100.1

[ "$(id -u)" = 0 ] || { echo "make demo: run it as root (namespaces, XDP)"; exit 1; }
for b in xdpvsd xdpvsadm; do
	[ -x "$XDPVS_BUILD/$b" ] || { echo "make demo: no $XDPVS_BUILD/$b"; exit 1; }
done
PATH=$(cd "$XDPVS_BUILD" && pwd):$PATH

# A heading, bold on a terminal.
say() {
	if [ -t 1 ]; then
		printf '\n\033[1m%s\033[0m\n' "$*"
	else
		printf '\n%s\n' "$*"
	fi
}

# Show a command as typed on the balancer, then run it.
show() {
	printf 'balancer# %s\n' "$*"
	"$@"
}

# $1 requests from the client to the service: each answer, then a count
# per real server.
burst() {
	local i name
	# shellcheck disable=SC2016 # the command as typed
	printf 'client$ for i in $(seq %s); do curl -s http://%s/; done\n' "$1" "$VIP"
	for i in $(seq "$1"); do
		name=$(in_ns "$NS_CL" curl -s --max-time 3 "http://$VIP/") ||
			name="(no answer)"
		printf '  request %2d -> %s\n' "$i" "$name"
		echo "$name" >>"$TMP/answers"
	done
	printf '  spread:'
	sort "$TMP/answers" | uniq -c | awk '{ printf "  %s %d", $2, $1 }'
	printf '\n'
	rm -f "$TMP/answers"
}

trap lab_cleanup EXIT
trap 'exit 1' INT TERM
lab_init xdpvs-demo || exit 1

say "1. A lab in network namespaces"
cat <<EOF
  client 198.18.1.10 --- balancer (xdpvsd) --- switch --- rs1 198.18.2.11
                                                       +-- rs2 198.18.2.12
                                                       +-- rs3 198.18.2.13
  Each real server runs an HTTP server that answers with its name.
EOF
lab_setup || { echo "lab set-up failed"; exit 1; }
lab_http || { echo "the HTTP servers did not start"; exit 1; }

say "2. xdpvsd on the balancer's interfaces"
lab_xdpvsd -q || { echo "xdpvsd did not start"; exit 1; }
echo "balancer# xdpvsd -f -i lb0 -i lb1 --socket $SOCK ... &"
echo "balancer# export XDPVS_SOCKET=$SOCK"
export XDPVS_SOCKET=$SOCK

say "3. A virtual service, NAT to the three real servers (ipvsadm's syntax)"
show xdpvsadm -A -t $VIP:80 -s rr &&
	show xdpvsadm -a -t $VIP:80 -r 198.18.2.11:80 -m &&
	show xdpvsadm -a -t $VIP:80 -r 198.18.2.12:80 -m &&
	show xdpvsadm -a -t $VIP:80 -r 198.18.2.13:80 -m &&
	show xdpvsadm -Ln || exit 1

say "4. Twelve requests to the virtual address: round robin"
burst 12

say "5. Weighted round robin, rs1 weighted 2 and rs3 weighted 0 (quiesced)"
show xdpvsadm -E -t $VIP:80 -s wrr &&
	show xdpvsadm -e -t $VIP:80 -r 198.18.2.11:80 -m -w 2 &&
	show xdpvsadm -e -t $VIP:80 -r 198.18.2.13:80 -m -w 0 || exit 1
burst 12

say "6. What xdpvsd counted"
show xdpvsadm -Ln --stats
show xdpvsadm -Ln
echo "balancer# xdpvsadm -Lnc | head -5"
xdpvsadm -Lnc | head -5

say "7. Clean-up"
show xdpvsadm -C
lab_stop_xdpvsd || exit 1
echo "xdpvsd stopped: no XDP program, pinned map or socket left behind."
echo "The namespaces go too.  Next: man -l cli/xdpvsadm.8, make check."
