# shellcheck shell=bash
# QEMU test harness, sourced by tests/suites/30-qemu.sh, 40-linux.sh and
# scripts/run.sh --batch. Safe under `set -e`.
#
#   qemu_boot NAME IMAGE END_REGEX [qemu.sh args...]
#       Boot a fresh QEMU (scripts/qemu.sh, OVMF, TCG) on IMAGE with the serial
#       port on a FIFO that is copied to build/test-logs/qemu/NAME.log, and wait
#       until a line matching END_REGEX (extended regex, matched on the log with
#       ANSI escapes and CRs removed) appears, QEMU exits, or QEMU_TIMEOUT
#       seconds pass. After the end marker QEMU gets QEMU_GRACE seconds to power
#       off by itself, then it is killed. Never hangs.
#       When the UEFI shell counts down before startup.nsh, a key is sent on the
#       serial line to skip the 5 s wait. QEMU_ECHO=1 also copies the serial
#       output live to stderr.
#       Afterwards (also readable later with qemu_load NAME):
#         QEMU_TXT   the cleaned log        QEMU_LOG   the raw serial log
#         QEMU_END   marker | exited | timeout | error
#         QEMU_OFF   1 if QEMU exited by itself (power off), else 0
#         QEMU_SECS  wall-clock seconds
#       Independent boots may run in parallel: `qemu_boot a ... & qemu_boot b ... & wait`
#       then qemu_load each.
#   qemu_tail [N]      the last N (60) lines of QEMU_TXT as "# " diagnostics
#   payload_lines RUN  the RUN-th (1-based) test payload run's lines, "PAYLOAD: " cut
#   payload_tap PREFIX RUN   that run's checks as "ok - qemu: PREFIX<name>" lines,
#                            plus a check that it finished and its counts add up
#   payload_result RUN NAME  "ok", "not ok" or "missing" for one check of that run
#   suite_prefixed PREFIX LOG NAME CMD...  a suite's TAP lines again, "PREFIX: " added
#   tap_ok NAME / tap_fail NAME [DETAIL] / tap_check NAME DETAIL CMD...
#       print one TAP line; any failure sets TAP_FAILED=1
#   qemu_start NAME IMAGE [qemu.sh args...]
#       For tests that talk on the serial line: start a fresh QEMU in the
#       background whose serial port is a TCP server on 127.0.0.1:QEMU_SERIAL_PORT
#       (a free port is picked unless set); what it sends is also written to
#       QEMU_LOGDIR/NAME.log. Returns at once with QEMU_PID set.
#   qemu_finish TIMEOUT
#       Wait up to TIMEOUT seconds for that QEMU to exit by itself (power off,
#       reset with -no-reboot), else stop it; then QEMU_LOG, QEMU_TXT,
#       QEMU_OFF and QEMU_SECS as after qemu_boot.
#   free_port      a TCP port nobody listens on, on 127.0.0.1
# Sourcing this file traps INT/TERM: background boots and their QEMUs are
# stopped before the script exits, so an interrupted run leaves no QEMU behind.

QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}
QEMU_GRACE=${QEMU_GRACE:-10}
SVMHV_ROOT=${SVMHV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
QEMU_LOGDIR=${QEMU_LOGDIR:-$SVMHV_ROOT/build/test-logs/qemu}
export TAP_FAILED=0

tap_ok() { echo "ok - $1"; }
tap_fail() { echo "not ok - $1${2:+: $2}"; TAP_FAILED=1; }
# tap_check NAME DETAIL CMD... : ok if CMD succeeds, else not ok with DETAIL.
tap_check() {
	local name=$1 detail=$2
	shift 2
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "$detail"; fi
}

# Serial log -> text: drop ANSI/VT100 escapes (OVMF's terminal emits them) and CRs.
# build_step NAME LOG CMD...: run CMD with its output in LOG, then "ok - NAME",
# or the log's tail and "not ok - NAME". Returns CMD's status.
build_step() {
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		tap_ok "$name"
		return 0
	fi
	sed 's/^/# /' "$log" | tail -30
	tap_fail "$name"
	return 1
}

# suite_prefixed PREFIX LOG NAME CMD...: run CMD (a suite) with its output in LOG and
# repeat its TAP and comment lines with "PREFIX: " after "ok - ", "not ok - " or "# ";
# an exit status without a "not ok" line becomes one. Returns CMD's status.
suite_prefixed() {
	local p=$1 log=$2 name=$3 src
	shift 3
	"$@" >"$log" 2>&1
	src=$?
	grep -E '^(not )?ok( |$)|^# ' "$log" | sed -E "s/^(not ok|ok)( - )?/\\1 - $p: /; s/^# /# $p: /"
	if [ "$src" -ne 0 ] && ! grep -qE '^not ok( |$)' "$log"; then
		echo "not ok - $p: $name exited with status $src"
	fi
	return "$src"
}

qemu_clean() {
	sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\x1b[()][A-Za-z0-9]//g' \
	    -e 's/\x1b[=>c78]//g' -e 's/\r//g' "$1" > "$2"
}

_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Kill a PID we started: TERM, then KILL if it lingers.
_stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.3
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# A signal while QEMU runs: stop it (and the log copier), then leave.
_qemu_abort() {
	_stop_pid "$1"
	kill "$2" 2>/dev/null || true
	exit 143
}

# A signal to a script that sourced this file: stop its background boots first
# (each stops its own QEMU, see _qemu_abort).
_qemu_kill_jobs() {
	local p
	for p in $(jobs -p); do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap '_qemu_kill_jobs; exit 143' INT TERM

qemu_boot() {
	local name=$1 image=$2 end_re=$3
	shift 3
	local dir=$QEMU_LOGDIR fifo qpid cpid t0 deadline now end=timeout off=0 key_sent=0 i
	mkdir -p "$dir"
	fifo=$dir/$name.serial
	QEMU_LOG=$dir/$name.log
	QEMU_TXT=$dir/$name.txt
	rm -f "$fifo.in" "$fifo.out" "$QEMU_LOG" "$QEMU_TXT" "$dir/$name.status"
	mkfifo "$fifo.in" "$fifo.out"
	: > "$QEMU_LOG"
	: > "$QEMU_TXT"
	t0=$(_now_ms)
	"$SVMHV_ROOT/scripts/qemu.sh" --serial "pipe:$fifo" "$image" "$@" \
		</dev/null >"$dir/$name.qemu-stderr" 2>&1 &
	qpid=$!
	if [ "${QEMU_ECHO:-0}" = 1 ]; then
		tee "$QEMU_LOG" < "$fifo.out" >&2 &
	else
		cat < "$fifo.out" > "$QEMU_LOG" &
	fi
	cpid=$!
	# shellcheck disable=SC2064  # expand the PIDs now
	trap "_qemu_abort $qpid $cpid" INT TERM
	exec {keyfd}<>"$fifo.in"
	deadline=$((t0 + QEMU_TIMEOUT * 1000))
	while :; do
		qemu_clean "$QEMU_LOG" "$QEMU_TXT"
		if grep -qE -- "$end_re" "$QEMU_TXT"; then end=marker; break; fi
		if ! kill -0 "$qpid" 2>/dev/null; then end=exited; off=1; break; fi
		if [ $key_sent = 0 ] && grep -q "any other key to continue" "$QEMU_TXT"; then
			printf ' ' >&"$keyfd"
			key_sent=1
		fi
		now=$(_now_ms)
		[ "$now" -lt "$deadline" ] || break
		sleep 0.2
	done
	if [ $end = marker ]; then
		for ((i = 0; i < QEMU_GRACE * 5; i++)); do
			kill -0 "$qpid" 2>/dev/null || { off=1; break; }
			sleep 0.2
		done
	fi
	[ $off = 1 ] || _stop_pid "$qpid"
	wait "$qpid" 2>/dev/null || true
	# cat ends at EOF once QEMU is gone; if QEMU never opened the FIFO, stop it.
	for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$cpid" 2>/dev/null || break; sleep 0.2; done
	kill "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	exec {keyfd}>&-
	trap '_qemu_kill_jobs; exit 143' INT TERM
	rm -f "$fifo.in" "$fifo.out"
	qemu_clean "$QEMU_LOG" "$QEMU_TXT"
	if [ $end = exited ] && [ ! -s "$QEMU_LOG" ]; then end=error; fi
	QEMU_END=$end
	QEMU_OFF=$off
	QEMU_SECS=$(( ($(_now_ms) - t0 + 500) / 1000 ))
	printf 'QEMU_END=%s\nQEMU_OFF=%s\nQEMU_SECS=%s\n' "$QEMU_END" "$QEMU_OFF" "$QEMU_SECS" \
		> "$dir/$name.status"
	echo "# qemu $name: ${QEMU_SECS}s, end: $QEMU_END$([ "$QEMU_OFF" = 1 ] && echo ', powered off')"
	if [ $end = error ] || [ $end = timeout ]; then
		sed 's/^/# qemu stderr: /' "$dir/$name.qemu-stderr"
	fi
}

free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
	done
	return 1
}

qemu_start() {
	local name=$1 image=$2
	shift 2
	mkdir -p "$QEMU_LOGDIR"
	QEMU_NAME=$name
	QEMU_LOG=$QEMU_LOGDIR/$name.log
	QEMU_TXT=$QEMU_LOGDIR/$name.txt
	rm -f "$QEMU_LOG" "$QEMU_TXT"
	QEMU_SERIAL_PORT=${QEMU_SERIAL_PORT:-$(free_port)}
	QEMU_T0=$(_now_ms)
	QEMU_EXTRA="${QEMU_EXTRA:-} -chardev socket,id=ser0,host=127.0.0.1,port=$QEMU_SERIAL_PORT,server=on,wait=off,logfile=$QEMU_LOG" \
		"$SVMHV_ROOT/scripts/qemu.sh" --serial chardev:ser0 "$image" "$@" \
		</dev/null >"$QEMU_LOGDIR/$name.qemu-stderr" 2>&1 &
	QEMU_PID=$!
	# shellcheck disable=SC2064  # expand the PID now
	trap "_stop_pid $QEMU_PID; exit 143" INT TERM
}

qemu_finish() {
	local t=$1 i
	QEMU_OFF=0
	for ((i = 0; i < t * 5; i++)); do
		kill -0 "$QEMU_PID" 2>/dev/null || { QEMU_OFF=1; break; }
		sleep 0.2
	done
	[ $QEMU_OFF = 1 ] || _stop_pid "$QEMU_PID"
	wait "$QEMU_PID" 2>/dev/null || true
	trap '_qemu_kill_jobs; exit 143' INT TERM
	[ -f "$QEMU_LOG" ] || : > "$QEMU_LOG"
	qemu_clean "$QEMU_LOG" "$QEMU_TXT"
	QEMU_SECS=$(( ($(_now_ms) - QEMU_T0 + 500) / 1000 ))
	echo "# qemu $QEMU_NAME: ${QEMU_SECS}s$([ "$QEMU_OFF" = 1 ] && echo ', exited by itself')"
}

# Reload the results of an earlier (maybe background) qemu_boot NAME.
qemu_load() {
	local dir=$QEMU_LOGDIR
	QEMU_LOG=$dir/$1.log
	QEMU_TXT=$dir/$1.txt
	QEMU_END=error QEMU_OFF=0 QEMU_SECS=0
	# shellcheck disable=SC1090
	[ -f "$dir/$1.status" ] && . "$dir/$1.status"
	echo "# qemu $1: ${QEMU_SECS}s, end: $QEMU_END$([ "$QEMU_OFF" = 1 ] && echo ', powered off')"
}

qemu_tail() {
	local n=${1:-60}
	echo "# ---- last $n lines of $QEMU_LOG"
	tail -n "$n" "$QEMU_TXT" | sed 's/^/# | /'
	echo "# ----"
}

# grep the cleaned log (fixed string or -E regex as given).
qemu_has() { grep -q "$@" -- "$QEMU_TXT"; }

payload_lines() {
	grep -ao 'PAYLOAD: .*' "$QEMU_TXT" | sed 's/^PAYLOAD: //' |
		awk -v want="$1" '/^# svmhv test payload/ { run++ } run == want'
}

# The RUN-th payload run as TAP lines named "qemu: PREFIX<check>".
payload_tap() {
	local prefix=$1 run=$2 lines ok=0 bad=0 line done_line
	lines=$(payload_lines "$run")
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "qemu: $prefix${line#ok - }"; ok=$((ok + 1)) ;;
		"not ok - "*) tap_fail "qemu: $prefix${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# payload: ${line#\# }" ;;
		esac
	done <<<"$lines"
	done_line=$(grep -E '^done [0-9]+ passed, [0-9]+ failed' <<<"$lines" | head -1)
	if [ -z "$done_line" ]; then
		tap_fail "qemu: ${prefix}payload ran to the end" \
			"no 'PAYLOAD: done' line (boot ended: $QEMU_END)"
		return 1
	fi
	tap_check "qemu: ${prefix}payload ran to the end" \
		"'$done_line' but $ok ok / $bad not ok lines were seen" \
		[ "$done_line" = "done $ok passed, $bad failed" ]
	[ "$bad" = 0 ]
}

# payload_result RUN NAME: prints "ok", "not ok" or "missing" for one check.
payload_result() {
	payload_lines "$1" | awk -v name="$2" '
		$0 == "ok - " name { r = "ok"; exit }
		$0 == "not ok - " name || index($0, "not ok - " name ": ") == 1 { r = "not ok"; exit }
		END { print (r == "" ? "missing" : r) }'
}
