#!/usr/bin/env bash
# make gdb: debug svmhv itself. QEMU (TCG) boots svmhv + Debian's Linux as
# `make run` does, with QEMU's gdbstub on; once svmhv's banner says where its
# image runs ("debug: image at 0x..."), Debian's gdb loads build/svmhv.so's
# symbols at that offset and attaches, so `break hv_handle_exit` works.
#
#   scripts/gdb.sh                  interactive gdb (QEMU keeps running after
#                                   gdb quits only if you detach; quit kills it)
#   scripts/gdb.sh -ex CMD ...      batch: run these gdb commands, then stop
#   GDB_EX='break hv_run_exit; continue; list' make gdb   the same from make
#
# svmhv's console (and the guest's) is a TCP socket, 127.0.0.1:$SERIAL_PORT
# (connect with `nc 127.0.0.1 PORT` or `telnet`), and a log file,
# build/gdb/serial.log.
#
# Environment: GDB_PORT (default 1234) SERIAL_PORT (4555) GDB_TIMEOUT (240,
# seconds to wait for the banner; batch runs are bounded by it too), and
# scripts/run.sh's SMP, MEM, SVMHV_LOG, SVMHV_CFG_EXTRA, GUEST_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

gport=${GDB_PORT:-1234}
sport=${SERIAL_PORT:-4555}
timeout_s=${GDB_TIMEOUT:-240}
dir=build/gdb
log=$dir/serial.log
ex=()
while [ $# -gt 0 ]; do
	case $1 in
	-ex) ex+=(-ex "${2:?-ex needs a command}"); shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "gdb.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
done
IFS=';' read -ra cmds <<<"${GDB_EX:-}"
for c in "${cmds[@]}"; do
	c=${c#"${c%%[![:space:]]*}"}
	[ -z "$c" ] || ex+=(-ex "$c")
done
command -v gdb >/dev/null || { echo "gdb.sh: gdb is not installed (Debian package gdb)" >&2; exit 1; }

mkdir -p "$dir"
image=$(RUN_DIR=$dir scripts/run.sh --image-only | tail -1)
rm -f "$log"
QEMU_EXTRA="${QEMU_EXTRA:-} -gdb tcp:127.0.0.1:$gport \
-chardev socket,id=ser0,host=127.0.0.1,port=$sport,server=on,wait=off,logfile=$log" \
	scripts/qemu.sh --serial chardev:ser0 "$image" </dev/null >"$dir/qemu.out" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true' EXIT INT TERM
echo "gdb.sh: QEMU started (gdbstub 127.0.0.1:$gport; console: nc 127.0.0.1 $sport, log $log)"

base=""
for ((i = 0; i < timeout_s * 5; i++)); do
	base=$(sed -n 's/.*debug: image at \(0x[0-9a-f]*\).*/\1/p' "$log" 2>/dev/null | head -1 || true)
	[ -z "$base" ] || break
	kill -0 "$qpid" 2>/dev/null || { cat "$dir/qemu.out" >&2; echo "gdb.sh: QEMU exited" >&2; exit 1; }
	sleep 0.2
done
[ -n "$base" ] || { echo "gdb.sh: no 'image at' line from svmhv within ${timeout_s}s ($log)" >&2; exit 1; }
echo "gdb.sh: svmhv's image runs at $base: add-symbol-file build/svmhv.so -o $base"

gdb_args=(-q -nx -ex 'set pagination off' -ex 'set confirm off'
	  -ex "add-symbol-file build/svmhv.so -o $base"
	  -ex "target remote 127.0.0.1:$gport")
if [ ${#ex[@]} -gt 0 ]; then
	timeout "$timeout_s" gdb -batch "${gdb_args[@]}" "${ex[@]}" </dev/null
else
	gdb "${gdb_args[@]}"
fi
