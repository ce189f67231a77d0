#!/usr/bin/env bash
# gdb expressions ($pc, $rax...) are meant literally: no shell expansion.
# shellcheck disable=SC2016
# Real-gdb check of svmhv's GDB stub core: Debian's gdb connects to
# build/host/gdbstub-host (the stub + a fake target on 127.0.0.1), reads
# registers and memory, sets a breakpoint, continues, steps, uses a watchpoint
# and detaches. Prints TAP lines; the gdb transcript is in build/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
command -v gdb >/dev/null || { echo "ok - gdb-check # SKIP gdb not installed"; exit 0; }
make -s build/host/gdbstub-host || { echo "not ok - gdbstub-host build"; exit 1; }
logs=build/test-logs/debug
mkdir -p "$logs"
port=$((20000 + RANDOM % 20000))
build/host/gdbstub-host "$port" "$logs/rsp.log" 2>"$logs/host.err" &
host=$!
trap 'kill "$host" 2>/dev/null; wait "$host" 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening "$logs/host.err" && break; sleep 0.1; done
timeout 60 gdb -batch -nx \
	-ex 'set architecture i386:x86-64' \
	-ex "target remote 127.0.0.1:$port" \
	-ex 'info registers rip rsp eflags cs' \
	-ex 'info registers cr0 cr3 cr4 efer fs_base gs_base k_gs_base' \
	-ex 'x/4xg 0xffffffff81000000' \
	-ex 'set {unsigned char}0xffffffff81000400 = 0x5a' \
	-ex 'x/1xb 0xffffffff81000400' \
	-ex 'info threads' \
	-ex 'break *0xffffffff81000120' \
	-ex 'continue' \
	-ex 'p/x $pc' \
	-ex 'stepi' \
	-ex 'p/x $pc' \
	-ex 'delete' \
	-ex 'thread 2' \
	-ex 'p/x $rax' \
	-ex 'hbreak *0xffffffff81000200' \
	-ex 'continue' \
	-ex 'delete' \
	-ex 'watch *(int *)0xffffffff81001000' \
	-ex 'continue' \
	-ex 'delete' \
	-ex 'set $rbx = 0x1234' \
	-ex 'p/x $rbx' \
	-ex 'detach' >"$logs/gdb.out" 2>&1
st=$?
wait "$host"
hst=$?
trap - EXIT
sed "s/^/# /" "$logs/gdb.out"
fails=0
check() {
	if grep -qE -- "$2" "$logs/gdb.out"; then
		echo "ok - gdb-check: $1"
	else
		echo "not ok - gdb-check: $1"
		fails=$((fails + 1))
	fi
}
check "target description accepted" 'rip +0xffffffff81000100'
check "system registers" 'cr3 +0x1000000'
check "memory read" '0xffffffff81000000:[[:space:]]+0x9090909090909090'
check "memory write" '0xffffffff81000400:[[:space:]]+0x5a'
check "threads" 'Thread 2'
check "breakpoint hit" 'Breakpoint 1, 0xffffffff81000120'
check "stepi" '\$2 = 0xffffffff81000121'
check "thread switch" '\$3 = 0x2222222222222222'
check "register write" '\$4 = 0x1234'
check "hardware breakpoint" 'hit Breakpoint 2, 0xffffffff81000200'
check "watchpoint" 'New value = -1869573999'
check "detach" 'Inferior 1 \(Remote target\) detached'
# gdb warns once that it has no executable file: expected, nothing else.
if grep -iE 'warning|error' "$logs/gdb.out" | grep -qv 'No executable has been specified'; then
	echo "not ok - gdb-check: no gdb warnings"; grep -iE 'warning|error' "$logs/gdb.out"
	fails=$((fails + 1))
else
	echo "ok - gdb-check: no gdb warnings"
fi
if [ $st -eq 0 ]; then echo "ok - gdb-check: gdb exit status"; else echo "not ok - gdb-check: gdb exit status $st"; fails=$((fails + 1)); fi
if [ $hst -eq 0 ]; then echo "ok - gdb-check: stub saw the detach"; else echo "not ok - gdb-check: stub exit $hst"; fails=$((fails + 1)); fi
sed "s/^/# /" "$logs/host.err"
[ $fails -eq 0 ]
