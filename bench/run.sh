#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/run.sh: the benchmark behind `make bench` (root; bash).  Builds the
# lab (bench/lab.sh), then, for BENCH_REPS repetitions, brings up every
# mode of bench/modes/*.sh in turn (interleaved: rep 1 of every mode, then
# rep 2 ...) and runs each of its workloads once:
#
#   udp    64-byte UDP frames injected by XDP into the client's veth (xbench
#          gen, BENCH_UDP_FLOWS flows) as fast as the generator goes,
#          counted where the balancer sends them: forwarded packets/s, LB
#          ns per packet
#   udp-fixed  the same at BENCH_UDP_RATE packets/s offered: LB ns per
#          packet at the same load for every mode
#   cc     wrk, one request per TCP connection: connections/s, LB us/conn
#   ka     wrk, keep-alive: requests/s, LB us/request
#   tput   iperf3, one TCP stream: Mbit/s, LB ms per GB
#   scale  udp with BENCH_SCALE_FLOWS flows, after BENCH_SCALE_WARM s to
#          fill the table (and up to BENCH_SCALE_FILL s more until it holds
#          them, for modes that count): packets/s at that size while the
#          traffic walks all the flows, table entries, memory, fill time
#   scale-hot  the same table (filled as for scale unless it still holds
#          the flows), then traffic to BENCH_UDP_FLOWS of its flows only:
#          the table's size without its working set
#
# LB CPU: the balancer's work runs in its veths' NAPI threads, pinned to
# LAB_LB_CPU, and in the mode's userspace processes (LB_PIDS, pinned there
# too); their CPU time (schedstat, ns) is the balancer's.  Load generators
# and servers run on LAB_GEN_CPU.
#
# Host load: the machine is shared.  Our processes run in a cpuacct cgroup;
# "foreign" CPU is all CPU time used (/proc/stat) minus the cgroup's and
# our NAPI threads'.  Each run first waits (at most BENCH_QUIET_WAIT s, and
# BENCH_WAIT_BUDGET s over the whole run) for two quiet seconds (foreign
# <= BENCH_QUIET_PCT % of a core), and a run during which foreign load was
# above that is repeated (BENCH_TRIES tries in all, BENCH_RETRY_BUDGET s of
# repeats over the whole run); the least disturbed try is kept.  No
# repetition starts that would, at the pace of the last one, end after
# BENCH_LIMIT s; the lab and the warm-up take ~30 s more.
#
# Usage: bench/run.sh [MODE...]   (default: every registered mode)
# Writes BENCH_OUT (bench/RESULTS.md) through bench/report.py; samples and
# logs in BENCH_WORK.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
XDPVS_BUILD=${XDPVS_BUILD:-build}
OUT=${BENCH_OUT:-$HERE/RESULTS.md}
WORK=${BENCH_WORK:-$XDPVS_BUILD/bench/run}
REPS=${BENCH_REPS:-3}
D=${BENCH_SECONDS:-4}
WORKLOADS=${BENCH_WORKLOADS:-udp udp-fixed cc ka tput scale scale-hot}
UDP_FLOWS=${BENCH_UDP_FLOWS:-1024}
UDP_RATE=${BENCH_UDP_RATE:-200000}
SCALE_FLOWS=${BENCH_SCALE_FLOWS:-1048576}
SCALE_WARM=${BENCH_SCALE_WARM:-8}
SCALE_FILL=${BENCH_SCALE_FILL:-20}
CONNS=${BENCH_CONNS:-32}
QUIET_PCT=${BENCH_QUIET_PCT:-25}
QUIET_WAIT=${BENCH_QUIET_WAIT:-30}
WAIT_BUDGET=${BENCH_WAIT_BUDGET:-150}
TRIES=${BENCH_TRIES:-2}
RETRY_BUDGET=${BENCH_RETRY_BUDGET:-120}
LIMIT=${BENCH_LIMIT:-1320}
CG=/sys/fs/cgroup/cpuacct/xdpvs-bench
HZ_TCK=$(getconf CLK_TCK)
T_START=$(date +%s)

export XDPVS_BUILD
. "$HERE/lab.sh"
ON_GEN=(taskset -c "$LAB_GEN_CPU" nice -n "$LAB_NICE")

MODES_ALL=()
declare -A MODE_DESC MODE_WL MODE_SKIP
# bench_mode NAME DESCRIPTION [WORKLOADS]: called by bench/modes/*.sh
bench_mode() {
	MODES_ALL+=("$1")
	MODE_DESC[$1]=$2
	MODE_WL[$1]=${3:-udp udp-fixed cc ka tput}
}
# mode_call NAME STEP: run mode_NAME_STEP if defined (status 0 otherwise)
mode_call() {
	local f="mode_${1//-/_}_$2"
	declare -F "$f" >/dev/null || return 0
	"$f"
}
mode_has() { declare -F "mode_${1//-/_}_$2" >/dev/null; }

log() { echo "bench: $*" >&2; }

# --- host load -----------------------------------------------------------

cg_enter() {
	mkdir -p "$CG" 2>/dev/null && echo "$BASHPID" >"$CG/cgroup.procs" 2>/dev/null
}
# cg_leave: back to the parent cgroup; ours goes once its last task has
# exited (reaped children can linger a moment)
cg_leave() {
	local i
	[ -d "$CG" ] || return 0
	echo "$BASHPID" >"${CG%/*}/cgroup.procs" 2>/dev/null
	for i in $(seq 50); do
		rmdir "$CG" 2>/dev/null && return 0
		sleep 0.1
	done
	log "could not remove $CG: $(cat "$CG/tasks" | tr '\n' ' ')"
	return 0
}

# snap_cpu: "T BUSY OURS" - monotonic seconds, CPU time used by everyone
# and by us, ns
snap_cpu() {
	local t busy ours napi
	t=$(awk '{ print $1 }' /proc/uptime)
	busy=$(awk -v hz="$HZ_TCK" '$1 == "cpu" { printf "%.0f", ($2 + $3 + $4 + $7 + $8 + $9) * 1e9 / hz; exit }' /proc/stat)
	# shellcheck disable=SC2046
	napi=$(lab_cpu_ns $(cat "$LAB_DIR"/napi.* 2>/dev/null))
	ours=$(( $(cat "$CG/cpuacct.usage" 2>/dev/null || echo 0) + napi ))
	echo "$t $busy $ours"
}

# foreign_pct "SNAP0" "SNAP1": others' CPU use between two snapshots, % of
# one core
foreign_pct() {
	echo "$1 $2" | awk '{ dt = $4 - $1; f = ($5 - $2) - ($6 - $3);
		if (f < 0) f = 0; printf "%d\n", (dt > 0) ? f / dt / 1e7 : 0 }'
}

# hostload_sampler MAINPID: the foreign load of every second, one line
# each, in $WORK/hostload; ends with MAINPID (and after an hour at most)
hostload_sampler() {
	local i a b
	a=$(snap_cpu)
	for i in $(seq 3600); do
		sleep 1
		[ -d "/proc/$1" ] || break
		b=$(snap_cpu)
		foreign_pct "$a" "$b" >>"$WORK/hostload"
		a=$b
	done
}

WAITED=0
RETRIED=0
# wait_quiet: until the last two seconds were quiet, at most QUIET_WAIT s
# (and what is left of WAIT_BUDGET)
wait_quiet() {
	local i max=$QUIET_WAIT
	[ $((WAIT_BUDGET - WAITED)) -lt "$max" ] && max=$((WAIT_BUDGET - WAITED))
	for i in $(seq 0 "$max"); do
		[ "$i" -gt 0 ] && sleep 1
		tail -n 2 "$WORK/hostload" 2>/dev/null | awk -v q="$QUIET_PCT" '
			$1 > q { busy = 1 } END { exit busy || NR < 2 }' && break
	done
	WAITED=$((WAITED + i))
	return 0
}

# --- measurements --------------------------------------------------------
# Each w_* prints "RATE UNITS LBCPU_NS LBPKTS OFFERED DELIVERED SECONDS
# FOREIGN% EXTRA LBWAIT_NS": RATE in the workload's unit per second, UNITS
# done, the balancer's CPU ns and packets sent, generator frames/s and
# frames/s reaching the servers (udp), the window, the foreign load, one
# extra word, and how long the balancer's threads waited for their CPU.

# snap: "CPUSNAP LBCPU_NS FWD LBTX DELIVERED LBWAIT_NS"
snap() {
	# shellcheck disable=SC2086
	echo "$(snap_cpu) $(lab_cpu_ns $(lab_lb_threads) $LB_PIDS) $(lab_counters)" \
		"$(lab_wait_ns $(lab_lb_threads) $LB_PIDS)"
}

# result S0 S1 RATE UNITS OFFERED DELIVERED EXTRA
result() {
	local a=($1) b=($2)
	printf '%s %s %s %s %s %s %s %s %s %s\n' "$3" "$4" \
		$((b[3] - a[3])) $((b[5] - a[5])) "$5" "$6" \
		"$(awk -v a="${a[0]}" -v b="${b[0]}" 'BEGIN { printf "%.3f", b - a }')" \
		"$(foreign_pct "${a[*]:0:3}" "${b[*]:0:3}")" "$7" $((b[7] - a[7]))
}

# fill_wait FLOWS WARM: the scale run's fill.  For modes that count their
# table (mode_NAME_filled), until it holds FLOWS (99 %), asked every
# second, at most WARM + SCALE_FILL s; else WARM s.  Sets FILL_S, the
# seconds it took (- for modes that cannot count; the last fill's when
# the table was still full): the rate is meant at that size, not while
# filling.
fill_wait() {
	local i n t0
	if ! mode_has "$MODE" filled; then
		sleep "$2"
		FILL_S=-
		return 0
	fi
	t0=$(date +%s.%N)
	for i in $(seq 0 $(($2 + SCALE_FILL))); do
		[ "$i" -gt 0 ] && sleep 1
		n=$(mode_call "$MODE" filled)
		[ "${n:-0}" -ge $(($1 * 99 / 100)) ] && break
	done
	FILL_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	[ "${n:-0}" -ge $(($1 * 99 / 100)) ] ||
		log "$MODE: table at ${n:-?} of $1 flows after $FILL_S s"
	# full at once: a repeated run, the table left by the try before,
	# whose fill time stands
	if [ "$i" = 0 ]; then
		FILL_S=$(cat "$WORK/fill.$MODE" 2>/dev/null || echo -)
	else
		echo "$FILL_S" >"$WORK/fill.$MODE"
	fi
}

# gen_start FLOWS PPS SECONDS LOG: the generator over FLOWS flows (at PPS
# frames/s; "" for as fast as it goes) for SECONDS s, in the background
# (LAB_PID)
gen_start() {
	lab_bg "$LAB_NS_CL" "$4" on_gen_cpu "$LAB_XBENCH" gen \
		-s "$(lab_mac "$LAB_NS_CL" xbc0)" -d "$(lab_mac "$LAB_NS_LB" xblc)" \
		-S 198.19.0.0 -D "$TARGET" -p 9 -n "$1" ${2:+-r "$2"} -t "$3" xbc0
}

# w_udp FLOWS WARM [PPS] [HOT]: the generator over FLOWS flows (at PPS)
# for WARM + D s; the window is the last D s.  A scale run (FLOWS >
# UDP_FLOWS) fills the table first (fill_wait) and reports its size.
# With HOT, the fill has a generator of its own (none if the table
# already holds FLOWS, from the scale run before), then the window's
# traffic goes to the first HOT of those flows only (the generator's flow
# f is the same packet whatever its flow count): the table stays full,
# the working set is small.
w_udp() {
	local flows=$1 warm=$2 pps=${3:-} hot=${4:-} s0 s1 gen a b sent secs el dlv
	local scale=0 table=- n
	FILL_S=-
	[ "$flows" -gt "$UDP_FLOWS" ] && scale=1
	if [ -n "$hot" ]; then
		n=$(mode_call "$MODE" filled)
		if [ "${n:-0}" -lt $((flows * 99 / 100)) ]; then
			gen_start "$flows" "" $((warm + SCALE_FILL + 1)) "$WORK/gen-fill.log"
			fill_wait "$flows" "$warm"
			kill "$LAB_PID" 2>/dev/null
			wait "$LAB_PID"
		fi
		gen_start "$hot" "$pps" $((1 + D + 1)) "$WORK/gen.log"
		gen=$LAB_PID
		sleep 1
	else
		gen_start "$flows" "$pps" $((warm + scale * SCALE_FILL + D + 1)) "$WORK/gen.log"
		gen=$LAB_PID
		if [ "$scale" = 1 ]; then fill_wait "$flows" "$warm"; else sleep "$warm"; fi
	fi
	s0=$(snap)
	sleep "$D"
	s1=$(snap)
	[ "$scale" = 1 ] && mode_has "$MODE" table && table=$(mode_call "$MODE" table | tr ' ' :):$FILL_S
	# SIGTERM: it stops and reports what it sent (a fill ended early)
	[ "$scale" = 1 ] && kill "$gen" 2>/dev/null
	wait "$gen"
	# its "sent" line: stopped by a signal, it may write an error first
	read -r _ sent secs < <(grep '^sent ' "$WORK/gen.log" 2>/dev/null)
	a=($s0) b=($s1)
	el=$(awk -v a="${a[0]}" -v b="${b[0]}" 'BEGIN { print b - a }')
	dlv=$(awk -v d=$((b[6] - a[6])) -v t="$el" 'BEGIN { printf "%.0f", d / t }')
	result "$s0" "$s1" "$(awk -v d=$((b[4] - a[4])) -v t="$el" 'BEGIN { printf "%.0f", d / t }')" \
		$((b[4] - a[4])) "$(awk -v s="${sent:-0}" -v t="${secs:-1}" 'BEGIN { printf "%.0f", s / t }')" \
		"$dlv" "$table"
}

# w_wrk cc|ka: one wrk run of D s, 1 thread, CONNS connections
w_wrk() {
	local hdr=() s0 s1 out rate n err
	[ "$1" = cc ] && hdr=(-H 'Connection: close')
	s0=$(snap)
	out=$(in_cl "${ON_GEN[@]}" timeout $((D + 20)) wrk -t1 -c"$CONNS" \
		-d"${D}s" --timeout 5s "${hdr[@]}" "http://$TARGET/" 2>&1)
	s1=$(snap)
	printf '### %s %s rep %s\n%s\n' "$MODE" "$1" "$REP" "$out" >>"$WORK/wrk.log"
	rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
	n=$(awk '/requests in/ { print $1 }' <<<"$out")
	err=$(awk '/Socket errors|Non-2xx/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i } END { print s + 0 }' <<<"$out")
	result "$s0" "$s1" "${rate:-0}" "${n:-0}" - - "errors:$err"
}

# w_tput: one iperf3 stream of D s to TARGET:5201
w_tput() {
	local s0 s1 out mbit bytes
	s0=$(snap)
	out=$(in_cl "${ON_GEN[@]}" timeout $((D + 20)) iperf3 -c "$TARGET" -p 5201 \
		-t "$D" -f m 2>&1)
	s1=$(snap)
	printf '### %s tput rep %s\n%s\n' "$MODE" "$REP" "$out" >>"$WORK/iperf3.log"
	read -r mbit bytes < <(awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") {
		u = $(i - 2); m = u == "GBytes" ? 2^30 : u == "MBytes" ? 2^20 : u == "KBytes" ? 2^10 : 1
		printf "%s %.0f\n", $(i - 1), $(i - 3) * m } }' <<<"$out")
	result "$s0" "$s1" "${mbit:-0}" "${bytes:-0}" - - -
}

# run_workload W: one measurement with the host-load retries; the kept
# result, followed by the number of tries, in RESULT (no subshell: the
# waits are counted in WAITED)
run_workload() {
	local w=$1 try line best="" bestf=999999 f t0
	for try in $(seq "$TRIES"); do
		[ "$try" -gt 1 ] && [ "$RETRIED" -ge "$RETRY_BUDGET" ] && break
		wait_quiet
		t0=$(date +%s)
		case $w in
		udp) line=$(w_udp "$UDP_FLOWS" 1) ;;
		udp-fixed) line=$(w_udp "$UDP_FLOWS" 1 "$UDP_RATE") ;;
		scale) line=$(w_udp "$(mode_scale_flows)" "$SCALE_WARM") ;;
		scale-hot) line=$(w_udp "$(mode_scale_flows)" "$SCALE_WARM" "" "$UDP_FLOWS") ;;
		cc | ka) line=$(w_wrk "$w") ;;
		tput) line=$(w_tput) ;;
		esac
		[ "$try" -gt 1 ] && RETRIED=$((RETRIED + $(date +%s) - t0))
		f=$(awk '{ print $8 }' <<<"$line")
		[ "${f:-999}" -lt "$bestf" ] && { best=$line; bestf=$f; }
		[ "${f:-999}" -le "$QUIET_PCT" ] && break
		log "$MODE $w: foreign load ${f:-?}% during the run${try:+, try $try}"
	done
	RESULT="$best $try"
}

mode_scale_flows() {
	if mode_has "$MODE" scale_flows; then mode_call "$MODE" scale_flows; else echo "$SCALE_FLOWS"; fi
}

# --- main ----------------------------------------------------------------

CUR_MODE=""
SAMPLER=""
cleanup() {
	[ -n "$SAMPLER" ] && lab_kill "$SAMPLER"
	[ -n "$CUR_MODE" ] && mode_call "$CUR_MODE" down >/dev/null 2>&1
	[ -n "${LAB_LOCK_FD:-}" ] && lab_release
	cg_leave
}

main() {
	local m reason t req=("$@") modes=()
	[ "$(id -u)" = 0 ] || { log "needs root"; exit 1; }
	mkdir -p "$WORK" && : >"$WORK/samples" && : >"$WORK/wrk.log" && : >"$WORK/iperf3.log"
	for m in "$HERE"/modes/*.sh; do . "$m"; done
	[ ${#req[@]} -gt 0 ] || req=(${BENCH_MODES:-${MODES_ALL[@]}})
	for m in "${req[@]}"; do
		[ -n "${MODE_DESC[$m]:-}" ] || { log "unknown mode $m"; exit 2; }
		if reason=$(mode_call "$m" check); then modes+=("$m"); else MODE_SKIP[$m]=$reason; log "skip $m: $reason"; fi
	done
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	cg_enter || log "no cpuacct cgroup: foreign load is not told apart from ours"
	lab_up || { log "lab_up failed"; exit 1; }
	: >"$WORK/hostload"
	hostload_sampler $$ &
	SAMPLER=$!
	lab_servers_up || { log "servers failed"; exit 1; }
	log "modes: ${modes[*]}; workloads: $WORKLOADS; ${REPS}x${D}s"
	warm_up "${modes[@]}"
	T_REPS=$(date +%s)
	for REP in $(seq "$REPS"); do
		t=$(date +%s)
		if [ "$REP" -gt 1 ] && [ $((t - T_START + (t - T_REPS) / (REP - 1))) -gt "$LIMIT" ]; then
			log "time limit: stopping after $((REP - 1)) repetitions"
			break
		fi
		for MODE in "${modes[@]}"; do
			run_mode
		done
	done
	write_meta "${modes[@]}"
	python3 "$HERE/report.py" "$WORK" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
	log "wrote $OUT in $(($(date +%s) - T_START)) s"
}

# run_mode: MODE's workloads for repetition REP, into $WORK/samples
run_mode() {
	local w
	LB_PIDS=""
	CUR_MODE=$MODE
	rm -f "$WORK/fill.$MODE"	# a new balancer, an empty table
	if ! mode_call "$MODE" up; then
		log "$MODE: up failed"
		mode_call "$MODE" down
		CUR_MODE=""
		return
	fi
	for w in $WORKLOADS; do
		case " ${MODE_WL[$MODE]} " in *" $w "*) ;; *) continue ;; esac
		run_workload "$w"
		echo "$REP $MODE $w $RESULT" >>"$WORK/samples"
		log "rep $REP $MODE $w: $RESULT"
	done
	mode_call "$MODE" down
	CUR_MODE=""
}

# warm_up MODE...: one short pass of each mode (caches, neighbours,
# conntrack modules, page pools); not recorded
warm_up() {
	local D=1 REP=0 w
	for MODE in "$@"; do
		LB_PIDS=""
		CUR_MODE=$MODE
		mode_call "$MODE" up || { mode_call "$MODE" down; CUR_MODE=""; continue; }
		for w in udp ka; do
			case " ${MODE_WL[$MODE]} " in *" $w "*) ;; *) continue ;; esac
			case $w in udp) w_udp "$UDP_FLOWS" 1 ;; ka) w_wrk ka ;; esac >/dev/null
		done
		mode_call "$MODE" down
		CUR_MODE=""
	done
}

# write_meta MODE...: what report.py needs besides the samples
write_meta() {
	local m
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "cores=$(nproc)"
		echo "kernel=$(uname -r)"
		echo "mem=$(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"
		echo "tools=wrk $(dpkg-query -W -f='${Version}' wrk 2>/dev/null), iperf3 $(dpkg-query -W -f='${Version}' iperf3 2>/dev/null), nginx $(dpkg-query -W -f='${Version}' nginx 2>/dev/null), haproxy $(dpkg-query -W -f='${Version}' haproxy 2>/dev/null), nftables $(dpkg-query -W -f='${Version}' nftables 2>/dev/null)"
		echo "reps=$REPS"
		echo "seconds=$D"
		echo "conns=$CONNS"
		echo "udp_flows=$UDP_FLOWS"
		echo "udp_rate=$UDP_RATE"
		echo "scale_flows=$SCALE_FLOWS"
		echo "scale_warm=$SCALE_WARM"
		echo "scale_fill=$SCALE_FILL"
		echo "quiet_pct=$QUIET_PCT"
		echo "quiet_wait=$QUIET_WAIT"
		echo "tries=$TRIES"
		echo "waited=$WAITED"
		echo "retried=$RETRIED"
		echo "reps_done=$(awk '{ print $1 }' "$WORK/samples" | sort -u | wc -l)"
		echo "gen_cpu=$LAB_GEN_CPU"
		echo "lb_cpu=$LAB_LB_CPU"
		echo "elapsed=$(($(date +%s) - T_START))"
		echo "cgroup=$([ -d "$CG" ] && echo yes || echo no)"
		for m in "${MODES_ALL[@]}"; do
			printf 'mode.%s=%s\n' "$m" "${MODE_DESC[$m]}"
			printf 'workloads.%s=%s\n' "$m" "${MODE_WL[$m]}"
			[ -n "${MODE_SKIP[$m]:-}" ] && printf 'skip.%s=%s\n' "$m" "${MODE_SKIP[$m]}"
		done
		printf 'ran=%s\n' "$*"
	} >"$WORK/meta"
}

main "$@"
