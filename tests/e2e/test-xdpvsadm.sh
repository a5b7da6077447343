#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end test of xdpvsadm against a real control socket: the reference
# system's ipvsadm commands (tests/data/ctl/setup.sh), run with xdpvsadm,
# must give ipvsadm's listings byte for byte (the idle recordings: no
# traffic flows here, so every counter is zero, and the after-traffic
# recordings with their counters zeroed); the recorded bad commands
# (errors.txt) ipvsadm's messages and exit statuses; -S | -R must round
# trip everything xdpvsadm can set, and -Z, -C, --sysctl, mark rules,
# --json, the sync daemon commands and a missing daemon behave as
# documented in xdpvsadm(8).
#
# The server is $XDPVS_BUILD/xdpvsd without an interface (control socket
# only: no data path, so every counter stays zero).  xdpvsd has no
# connection synchronisation yet, so the sync daemon commands are tried
# against $XDPVS_BUILD/tests/lib/ctlserver -s, the same control socket
# with a stand-in sync daemon.  Each case starts its own server on a
# socket in a temporary directory and stops it by PID.  No root or
# namespace is needed.  Exit 0 when every case passed, 1 when one
# failed, 77 when a prerequisite is missing ("skipped").
set -u

BUILD=${XDPVS_BUILD:-build}
ADM=${XDPVS_ADM:-$BUILD/xdpvsadm}
BIN=$BUILD/xdpvsd
SYNCSERVER=$BUILD/tests/lib/ctlserver
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA=$HERE/../data/ctl
# shellcheck source=tests/lib/lab.sh
. "$HERE/../lib/lab.sh"
FAILED=0
SRV_PID=
SOCK=
NSRV=0

prerequisites() {
	[ -x "$ADM" ] || skip "no $ADM (make first)"
	[ -x "$BIN" ] || skip "no $BIN (make first)"
	[ -x "$SYNCSERVER" ] || skip "no $SYNCSERVER (make check builds it)"
	command -v jq >/dev/null || skip "jq missing"
}

cleanup() {
	stop_pids
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# Start a server on a new socket: xdpvsd without an interface, or with
# -s the stand-in with a sync daemon.  XDPVS_SOCKET names it for
# xdpvsadm.  Waits (at most 5 s) until it listens.
start_server() {
	local i cmd
	NSRV=$((NSRV + 1))
	SOCK=$TMP/run$NSRV/xdpvsd.sock
	mkdir -p "$TMP/run$NSRV"
	cmd=("$BIN" -f -q --socket "$SOCK" --conn-max 4096
	     --pidfile "$TMP/run$NSRV/xdpvsd.pid")
	[ "${1:-}" = -s ] && cmd=("$SYNCSERVER" -s "$SOCK")
	"${cmd[@]}" >"$TMP/server$NSRV.out" 2>&1 &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	export XDPVS_SOCKET=$SOCK
	for i in $(seq 50); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "server not ready after 5 s: $(cat "$TMP/server$NSRV.out")"
	return 1
}

# Stop the last server started: it must exit cleanly (0: no sanitizer
# report either) and remove its socket and pid files.
stop_server() {
	local rc
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	rc=$?
	[ "$rc" -eq 0 ] ||
		{ echo "server: exit $rc: $(cat "$TMP/server$NSRV.out")"; return 1; }
	[ ! -e "$SOCK" ] || { echo "socket $SOCK left behind"; return 1; }
	[ ! -e "${SOCK%/*}/xdpvsd.pid" ] ||
		{ echo "pid file left behind"; return 1; }
}

# xdpvsadm found through PATH, so that its messages name "xdpvsadm".
adm() { xdpvsadm "$@"; }

# same WHAT GOT WANT: files equal, else show the difference.
same() {
	if ! diff -u "$3" "$2" >"$TMP/diff"; then
		echo "$1: differs from $(basename "$3") (--- want, +++ got):"
		head -40 "$TMP/diff"
		return 1
	fi
}

# listing WHAT WANT ARGS...: xdpvsadm ARGS prints WANT exactly, no error.
listing() {
	local what=$1 want=$2
	shift 2
	adm "$@" >"$TMP/got" 2>"$TMP/err" ||
		{ echo "$what: exit $?: $(cat "$TMP/err")"; return 1; }
	[ ! -s "$TMP/err" ] || { echo "$what: stderr: $(cat "$TMP/err")"; return 1; }
	same "$what" "$TMP/got" "$want"
}

# fails STATUS MESSAGE ARGS...: xdpvsadm ARGS exits STATUS, prints
# nothing on stdout and exactly MESSAGE (a line) on stderr.
fails() {
	local status=$1 msg=$2 rc
	shift 2
	adm "$@" >"$TMP/got" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq "$status" ] ||
		{ echo "xdpvsadm $*: exit $rc, want $status ($(cat "$TMP/err"))"; return 1; }
	[ ! -s "$TMP/got" ] || { echo "xdpvsadm $*: stdout: $(cat "$TMP/got")"; return 1; }
	printf '%s\n' "$msg" >"$TMP/want"
	same "xdpvsadm $* (stderr)" "$TMP/err" "$TMP/want"
}

# Golden listings after traffic, their counters as an idle table has
# them: "  -> " lines of the default (conns) or --persistent-conn
# (persist) format, or every number after column 33 (numbers: --stats,
# --rate).
zero_counts() {
	awk -v fmt="$1" '
	fmt == "conns" && /^  -> / && $4 ~ /^[0-9]+$/ {
		printf "  -> %-28s %-7s %-6s %-10s %-10s\n", $2, $3, $4, 0, 0; next }
	fmt == "persist" && /^  -> / && NF == 6 {
		printf "  -> %-28s %-9s %-11s %-10s %-10s\n", $2, $3, 0, 0, 0; next }
	fmt == "numbers" && length($0) > 33 &&
	    substr($0, 34) ~ /^( +[0-9]+[KMGT]?)+$/ {
		n = split(substr($0, 34), a, " "); s = substr($0, 1, 33)
		for (i = 1; i <= n; i++) s = s sprintf(" %8s", 0)
		print s; next }
	{ print }' "$2"
}

# The reference system's configuration, through xdpvsadm (its sync
# daemon only with a server that has one: start_server -s).
apply_setup() {
	local line
	while IFS= read -r line; do
		case "$line" in
		'ipvsadm --start-daemon '*) [ "${1:-}" = sync ] || continue ;;
		'ipvsadm '*) ;;
		*) continue ;;
		esac
		# shellcheck disable=SC2086
		adm ${line#ipvsadm } >"$TMP/got" 2>&1 ||
			{ echo "setup: xdpvsadm ${line#ipvsadm }: $(cat "$TMP/got")"; return 1; }
		[ ! -s "$TMP/got" ] ||
			{ echo "setup: xdpvsadm ${line#ipvsadm }: $(cat "$TMP/got")"; return 1; }
	done <"$DATA/setup.sh"
}

# ---------------------------------------------------------------------
# Cases

# Every listing of the golden configuration, byte for byte.
case_golden_listings() {
	start_server && apply_setup || return 1
	listing "-Ln" "$DATA/idle-ipvsadm-Ln.txt" -Ln || return 1
	listing "-Ln --stats" "$DATA/idle-ipvsadm-Ln--stats.txt" \
		-Ln --stats || return 1
	listing "-Ln --thresholds" "$DATA/idle-ipvsadm-Ln--thresholds.txt" \
		-Ln --thresholds || return 1
	listing "-Lnc" "$DATA/idle-ipvsadm-Lnc.txt" -Lnc || return 1
	zero_counts persist "$DATA/ipvsadm-Ln--persistent-conn.txt" >"$TMP/w1"
	listing "-Ln --persistent-conn" "$TMP/w1" -Ln --persistent-conn || return 1
	zero_counts numbers "$DATA/ipvsadm-Ln--rate.txt" >"$TMP/w2"
	listing "-Ln --rate" "$TMP/w2" -Ln --rate || return 1
	zero_counts numbers "$DATA/ipvsadm-Ln--stats--exact.txt" >"$TMP/w3"
	listing "-Ln --stats --exact" "$TMP/w3" -Ln --stats --exact || return 1
	zero_counts conns "$DATA/ipvsadm-Ln-t_198.18.100.1_80.txt" >"$TMP/w4"
	listing "-Ln -t" "$TMP/w4" -Ln -t 198.18.100.1:80 || return 1
	zero_counts conns "$DATA/ipvsadm-L.txt" >"$TMP/w5"
	listing "-L" "$TMP/w5" -L || return 1
	listing "no arguments" "$TMP/w5" || return 1
	listing "-S -n" "$DATA/ipvsadm-S-n.txt" -S -n || return 1
	listing "-L --timeout" "$DATA/ipvsadm-L--timeout.txt" -L --timeout ||
		return 1
	listing "-L --daemon (none)" /dev/null -L --daemon || return 1
	stop_server
}

# errors.txt in order: same stderr, same exit status, same final state.
case_golden_errors() {
	local line args="" want_status want_msg rc n=0
	start_server && apply_setup || return 1
	set -f
	while IFS= read -r line; do
		case "$line" in
		'$ ipvsadm '*'(state after'*) break ;;
		'$ ipvsadm '*) args=${line#'$ ipvsadm '}; continue ;;
		'[exit '*) ;;
		*) continue ;;
		esac
		want_status=${line#'[exit '}
		want_status=${want_status%]}
		IFS= read -r want_msg
		want_msg=${want_msg//ipvsadm/xdpvsadm}
		# shellcheck disable=SC2086
		adm $args >"$TMP/got" 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq "$want_status" ] ||
			{ echo "xdpvsadm $args: exit $rc, want $want_status"; return 1; }
		if [ -n "$want_msg" ]; then
			printf '%s\n' "$want_msg" >"$TMP/want"
		else
			: >"$TMP/want"
		fi
		same "xdpvsadm $args (stderr)" "$TMP/err" "$TMP/want" || return 1
		n=$((n + 1))
	done <"$DATA/errors.txt"
	set +f
	[ "$n" -ge 19 ] || { echo "only $n commands replayed"; return 1; }
	# What is left of the file is the listing of the state they left.
	sed -n '/(state after/,$p' "$DATA/errors.txt" | tail -n +2 >"$TMP/w"
	zero_counts conns "$TMP/w" >"$TMP/want"
	{ adm -Ln -t 198.18.100.1:80 && adm -Ln -u 198.18.100.99:80; } \
		>"$TMP/got" || return 1
	same "state after the errors" "$TMP/got" "$TMP/want" || return 1
	stop_server
}

# -S | -R restores everything xdpvsadm can set, on the same daemon and
# on another one.
case_save_restore() {
	local first first_pid
	start_server && apply_setup || return 1
	first=$SOCK
	first_pid=$SRV_PID
	adm --set 7200 60 120 && adm --sysctl expire_nodest_conn=1 &&
		adm --sysctl sloppy_tcp=1 &&
		adm --add-mark 1:tcp:198.18.100.5/32:80 &&
		adm --add-mark 2:tcp:[2001:db8:100::2]/128:80 || return 1
	adm -S -n >"$TMP/saved" || return 1
	{ cat "$DATA/ipvsadm-S-n.txt"; cat <<-EOF
	--set 7200 60 120
	--sysctl expire_nodest_conn=1
	--sysctl sloppy_tcp=1
	--add-mark 1:tcp:198.18.100.5/32:80
	--add-mark 2:tcp:[2001:db8:100::2]/128:80
	EOF
	} >"$TMP/want"
	same "-S -n with extensions" "$TMP/saved" "$TMP/want" || return 1
	# Back to an empty, default daemon...
	adm -C && adm --set 900 120 300 && adm --sysctl expire_nodest_conn=0 &&
		adm --sysctl sloppy_tcp=0 &&
		adm --del-mark 1:tcp:198.18.100.5/32:80 &&
		adm --del-mark 2:tcp:[2001:db8:100::2]/128:80 || return 1
	listing "-S -n of a default daemon" /dev/null -S -n || return 1
	# ... and restored.
	adm -R <"$TMP/saved" >"$TMP/got" 2>&1 ||
		{ echo "-R: $(cat "$TMP/got")"; return 1; }
	[ ! -s "$TMP/got" ] || { echo "-R said: $(cat "$TMP/got")"; return 1; }
	listing "-S -n after -R" "$TMP/saved" -S -n || return 1
	listing "-Ln after -R" "$DATA/idle-ipvsadm-Ln.txt" -Ln || return 1
	# Onto a second daemon, through --socket.
	start_server || return 1
	adm --socket "$first" -S -n | adm --socket="$SOCK" -R || return 1
	listing "-S -n on the second daemon" "$TMP/saved" -S -n || return 1
	listing "-L --timeout on the second daemon" /dev/stdin \
		-L --timeout <<<"Timeout (tcp tcpfin udp): 7200 60 120" || return 1
	stop_server || return 1
	SRV_PID=$first_pid SOCK=$first NSRV=$((NSRV - 1)) stop_server
}

# -R as ipvsadm: a bad line stops it (earlier lines kept); a refused
# command is reported and the rest read; the status is the last one's.
case_restore_errors() {
	start_server || return 1
	printf '%s\n' '-A -t 198.18.100.1:80 -s rr' \
		'-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m' \
		'# a comment' '' \
		'-A -t 198.18.100.99 -s rr' \
		'-A -t 198.18.100.2:80 -s rr' >"$TMP/rules"
	fails 2 "Zero port specified for non-persistent service" \
		-R <"$TMP/rules" || return 1
	printf '%s\n' '-A -t 198.18.100.1:80 -s rr' \
		'-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -w 1' >"$TMP/want"
	listing "-S -n after a bad line" "$TMP/want" -S -n || return 1
	printf '%s\n' '-A -t 198.18.100.1:80 -s rr' \
		'-A -t 198.18.100.3:80 -s rr' >"$TMP/rules"
	fails 0 "Service already exists" -R <"$TMP/rules" || return 1
	printf '%s\n' '-A -t 198.18.100.4:80 -s rr' \
		'-d -t 198.18.100.4:80 -r 198.18.9.9:80' >"$TMP/rules"
	fails 255 "No such destination" -R <"$TMP/rules" || return 1
	printf '%s\n' '-A -t 198.18.100.1:80 -s rr' \
		'-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -w 1' \
		'-A -t 198.18.100.3:80 -s rr' '-A -t 198.18.100.4:80 -s rr' \
		>"$TMP/want"
	listing "-S -n after refusals" "$TMP/want" -S -n || return 1
	fails 255 "Try \`xdpvsadm -h' or 'xdpvsadm --help' for more information." \
		-R <<<"-R" || return 1
	stop_server
}

# -Z zeroes (all, one service, a fwmark service); -C empties the table.
case_zero_and_flush() {
	local head
	start_server && apply_setup || return 1
	adm -Z && adm -Z -t 198.18.100.1:80 && adm -Z -f 1 &&
		adm -Z -f 2 -6 || return 1
	fails 255 "No such service" -Z -t 198.18.100.99:80 || return 1
	fails 255 "No such service" -Z -f 9 || return 1
	listing "-Ln --stats after -Z" "$DATA/idle-ipvsadm-Ln--stats.txt" \
		-Ln --stats || return 1
	adm -C || return 1
	head -3 "$DATA/idle-ipvsadm-Ln.txt" >"$TMP/head"
	listing "-Ln after -C" "$TMP/head" -Ln || return 1
	listing "-S after -C" /dev/null -S || return 1
	# Timeouts are not services: still there.
	listing "-L --timeout after -C" "$DATA/ipvsadm-L--timeout.txt" \
		-L --timeout || return 1
	adm -C || { echo "-C of an empty table failed"; return 1; }
	stop_server
}

# --sysctl lists, reads and sets the switches.
case_sysctl() {
	start_server || return 1
	adm --sysctl >"$TMP/all" || return 1
	[ "$(wc -l <"$TMP/all")" -eq 31 ] &&
		grep -qx 'mh_tab_index = 12' "$TMP/all" &&
		grep -qx 'sync_threshold = 3' "$TMP/all" &&
		grep -qx 'sync_period = 50' "$TMP/all" &&
		grep -qx 'conn_reuse_mode = 1' "$TMP/all" &&
		grep -qx 'am_droprate = 10' "$TMP/all" ||
		{ echo "--sysctl:"; cat "$TMP/all"; return 1; }
	listing "--sysctl am_droprate" /dev/stdin --sysctl am_droprate \
		<<<"am_droprate = 10" || return 1
	adm --sysctl am_droprate=20 || return 1
	listing "--sysctl am_droprate after =20" /dev/stdin \
		--sysctl am_droprate <<<"am_droprate = 20" || return 1
	fails 255 "No such sysctl" --sysctl no_such_switch=1 || return 1
	fails 1 "No such sysctl" --sysctl no_such_switch || return 1
	fails 255 "Value out of range for this sysctl" --sysctl drop_entry=7 ||
		return 1
	fails 2 "invalid sysctl \`Bad' specified" --sysctl Bad || return 1
	listing "-S -n with a switch" /dev/stdin -S -n \
		<<<"--sysctl am_droprate=20" || return 1
	stop_server
}

# Mark rules: added, listed in order, saved, refused twice, deleted.
case_marks() {
	start_server || return 1
	adm --add-mark 1:tcp:198.18.100.5/32:80 &&
		adm --add-mark 2:any:[2001:db8:100::]/64 &&
		adm --add-mark 3:udp:198.18.100.0/24:5060-5061 || return 1
	cat >"$TMP/want" <<-'EOF'
	Mark       Prot Prefix                                        Ports
	1          tcp  198.18.100.5/32                               80
	2          any  [2001:db8:100::]/64                           any
	3          udp  198.18.100.0/24                               5060-5061
	EOF
	listing "--list-marks" "$TMP/want" --list-marks || return 1
	fails 255 "Mark rule already exists" \
		--add-mark 1:tcp:198.18.100.5/32:80 || return 1
	adm --del-mark 2:any:[2001:db8:100::]/64 || return 1
	fails 255 "No such mark rule" --del-mark 2:any:[2001:db8:100::]/64 ||
		return 1
	printf '%s\n' '--add-mark 1:tcp:198.18.100.5/32:80' \
		'--add-mark 3:udp:198.18.100.0/24:5060-5061' >"$TMP/want"
	listing "-S with marks" "$TMP/want" -S || return 1
	fails 2 "invalid mark rule \`1:tcp:198.18.100.5/33' specified" \
		--add-mark 1:tcp:198.18.100.5/33 || return 1
	stop_server
}

# --json: every listing parses and holds the table's values.
case_json() {
	local n
	start_server && apply_setup || return 1
	n=$(grep -c '^-A' "$DATA/ipvsadm-S-n.txt")
	adm -Ln --json | jq -e ".size == 4096 and (.services | length) == $n
		and .services[0].dests[0].weight == 3" >/dev/null ||
		{ echo "-Ln --json"; return 1; }
	adm -Ln --stats --json | jq -e '.services[0].stats.conns == 0' \
		>/dev/null || { echo "-Ln --stats --json"; return 1; }
	adm -Ln -t 198.18.100.1:80 --json |
		jq -e '.services[0].scheduler == "wrr"' >/dev/null ||
		{ echo "-Ln -t --json"; return 1; }
	adm -Lnc --json | jq -e '.connections == []' >/dev/null ||
		{ echo "-Lnc --json"; return 1; }
	adm -L --timeout --json | jq -e '.tcp == 900 and .udp == 300' \
		>/dev/null || { echo "-L --timeout --json"; return 1; }
	adm --sysctl --json | jq -e '.sysctls.conn_reuse_mode == 1' \
		>/dev/null || { echo "--sysctl --json"; return 1; }
	adm --add-mark 1:tcp:198.18.100.5/32:80 || return 1
	adm --list-marks --json | jq -e '.marks[0].prefix == "198.18.100.5/32"' \
		>/dev/null || { echo "--list-marks --json"; return 1; }
	adm -S -n --json | jq -e ".services | length == $n" >/dev/null ||
		{ echo "-S --json"; return 1; }
	stop_server
}

# The sync daemon commands, with and without a sync daemon behind: the
# reference system's daemon listed as ipvsadm lists it, kept by -C.
case_sync_daemon() {
	start_server -s && apply_setup sync || return 1
	listing "-L --daemon" "$DATA/ipvsadm-L--daemon.txt" -L --daemon ||
		return 1
	adm -L --daemon --json | jq -e '.daemons[0].syncid == 7' >/dev/null ||
		{ echo "-L --daemon --json"; return 1; }
	adm -C && adm --stop-daemon master || return 1
	adm --start-daemon backup --mcast-interface rvsync --syncid 9 || return 1
	fails 255 "Daemon has already run" \
		--start-daemon backup --mcast-interface rvsync || return 1
	listing "-L --daemon" /dev/stdin -L --daemon <<<"backup sync daemon (mcast=rvsync, syncid=9, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" ||
		return 1
	adm --stop-daemon backup || return 1
	fails 255 "No daemon is running" --stop-daemon backup || return 1
	listing "-L --daemon when stopped" /dev/null -L --daemon || return 1
	stop_server
	# xdpvsd itself (test-sync.sh runs its daemons for real): the
	# kernel's answers to a missing interface and to no daemon.
	start_server || return 1
	fails 255 "No such device" \
		--start-daemon master --mcast-interface rvsync || return 1
	fails 255 "No daemon is running" --stop-daemon master || return 1
	listing "-L --daemon, none running" /dev/null -L --daemon || return 1
	stop_server
}

# No daemon: a clear message and ipvsadm's status for a missing ip_vs;
# what needs no daemon still works.
case_no_daemon() {
	local none=$TMP/nothing/here.sock
	XDPVS_SOCKET=$none fails 1 \
		"xdpvsadm: cannot connect to $none: No such file or directory (is xdpvsd running?)" \
		-Ln || return 1
	fails 1 "xdpvsadm: cannot connect to $none: No such file or directory (is xdpvsd running?)" \
		--socket "$none" -A -t 198.18.100.1:80 || return 1
	if [ ! -e /run/xdpvs/xdpvsd.sock ]; then
		env -u XDPVS_SOCKET "$ADM" -Ln 2>"$TMP/err"
		[ $? -eq 1 ] && grep -q 'connect to /run/xdpvs/xdpvsd.sock' \
			"$TMP/err" || { echo "default path: $(cat "$TMP/err")"; return 1; }
	fi
	XDPVS_SOCKET=$none listing "-v" "$DATA/ipvsadm--version.txt" -v ||
		return 1
	XDPVS_SOCKET=$none adm -h >"$TMP/got" 2>&1 || return 1
	head -1 "$TMP/got" | cmp -s - "$DATA/ipvsadm--version.txt" &&
		grep -q '^  --add-service     -A' "$TMP/got" ||
		{ echo "-h:"; head -5 "$TMP/got"; return 1; }
	# Bad command lines are refused before any connection.
	XDPVS_SOCKET=$none fails 2 \
		"Zero port specified for non-persistent service" \
		-A -t 198.18.100.99 -s rr || return 1
	XDPVS_SOCKET=$none fails 2 "xdpvsadm: --socket needs a path" \
		-Ln --socket || return 1
}

# The socket: mode 0600, a second server refused, a live one unharmed.
case_socket() {
	start_server || return 1
	[ "$(stat -c %a "$SOCK")" = 600 ] ||
		{ echo "mode $(stat -c %a "$SOCK")"; return 1; }
	# Another pid file: only the live socket stops it.
	"$BIN" -f --socket "$SOCK" --pidfile "$TMP/second.pid" \
		>"$TMP/second" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait "$pid"
	[ $? -eq 1 ] && grep -q 'Address already in use' "$TMP/second" ||
		{ echo "second server: $(cat "$TMP/second")"; return 1; }
	adm -A -t 198.18.100.1:80 -s rr && adm -Ln >/dev/null || return 1
	stop_server
}

prerequisites
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/xdpvsadm-e2e.XXXXXX) || exit 1
mkdir -p "$TMP/bin"
ln -s "$(cd "$(dirname "$ADM")" && pwd)/$(basename "$ADM")" "$TMP/bin/xdpvsadm"
export PATH="$TMP/bin:$PATH"

for c in case_golden_listings case_golden_errors case_save_restore \
	case_restore_errors case_zero_and_flush case_sysctl case_marks \
	case_json case_sync_daemon case_no_daemon case_socket; do
	run_case "$c"
done
[ "$FAILED" -eq 0 ] || { echo "e2e/xdpvsadm: $FAILED failed"; exit 1; }
echo "e2e/xdpvsadm: all passed"
