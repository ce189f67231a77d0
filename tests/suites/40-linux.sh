#!/usr/bin/env bash
# End to end: Debian's Linux kernel booted under svmhv (scripts/run.sh --batch),
# and the same guest booted without svmhv as a control (run.sh --bare --batch),
# in parallel. The guest's /init runs svmhv-info (tests/guest/) and powers off.
# Logs: build/test-logs/linux/{linux,linux-bare}.{log,txt,out}.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/linux
mkdir -p "$dir"
export RUN_DIR=$dir RUN_TIMEOUT=${RUN_TIMEOUT:-300}

build_step "linux: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
sed 's/^/# /' "$dir/guest-build.log" | tail -2
have_svmhv=0
build_step "linux: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi &&
	have_svmhv=1

[ $have_svmhv = 0 ] || { scripts/run.sh --batch >"$dir/linux.out" 2>&1; echo $? >"$dir/linux.rc"; } &
{ scripts/run.sh --bare --batch >"$dir/linux-bare.out" 2>&1; echo $? >"$dir/linux-bare.rc"; } &
wait

# --- under svmhv ------------------------------------------------------------------------
if [ $have_svmhv = 1 ]; then
	QEMU_LOGDIR=$dir qemu_load linux
	grep -E '^svmhv-info: ' "$QEMU_TXT" | sed 's/^/# /'
	tap_check "linux: svmhv banner and 'virtualized cpu0'" "missing in the serial log" \
		eval 'qemu_has -F "svmhv 0.1.0" && qemu_has -F "virtualized cpu0"'
	tap_check "linux: svmhv chain-loads \\vmlinuz" "no 'starting next: \\vmlinuz' line" \
		qemu_has -F 'starting next: \vmlinuz'
	tap_check "linux: boots to /init under svmhv" "no SVMHV-LINUX-INIT line (end: $QEMU_END)" \
		qemu_has -x 'SVMHV-LINUX-INIT'
	tap_check "linux: svmhv signature seen from Linux" "$(grep -m1 'signature:' "$QEMU_TXT")" \
		qemu_has -E '^svmhv-info: signature: svmhv'
	tap_check "linux: IDENTIFY hypercall works from user space (CPL 3)" \
		"$(grep -m1 'IDENTIFY' "$QEMU_TXT")" qemu_has -E '^svmhv-info: IDENTIFY: ok'
	tap_check "linux: exit counters move" "$(grep -m1 'counters move' "$QEMU_TXT")" \
		qemu_has -E '^svmhv-info: exit counters move: yes'
	tap_check "linux: svmhv-info verdict SVMHV-LINUX-OK" "not printed" qemu_has -x 'SVMHV-LINUX-OK'
	tap_check "linux: batch run reports SVMHV-LINUX-DONE status=0" \
		"$(grep -m1 'SVMHV-LINUX-DONE' "$QEMU_TXT" || echo "no DONE line")" \
		qemu_has -F 'SVMHV-LINUX-DONE status=0'
	tap_check "linux: guest powers the machine off under svmhv" "boot ended: $QEMU_END" \
		[ "$QEMU_OFF" = 1 ]
	tap_check "linux: no svmhv PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	bad=$(grep -m3 -E 'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|Call Trace' "$QEMU_TXT")
	tap_check "linux: kernel log has no panic/Oops/BUG/WARNING" "$bad" [ -z "$bad" ]
	tap_check "linux: scripts/run.sh --batch passes" "$(tail -1 "$dir/linux.out")" \
		[ "$(cat "$dir/linux.rc" 2>/dev/null)" = 0 ]
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	svmhv_secs=$QEMU_SECS
fi

# --- control: the same guest without svmhv ------------------------------------------------
before=$TAP_FAILED
TAP_FAILED=0
QEMU_LOGDIR=$dir qemu_load linux-bare
tap_check "linux: control boot without svmhv reaches /init" "end: $QEMU_END" \
	qemu_has -x 'SVMHV-LINUX-INIT'
tap_check "linux: without svmhv, svmhv-info finds no svmhv (status=1)" \
	"$(grep -m1 -E 'signature:|SVMHV-LINUX-DONE' "$QEMU_TXT")" \
	eval 'qemu_has -E "^svmhv-info: signature: NONE" && qemu_has -F "SVMHV-LINUX-DONE status=1"'
[ $TAP_FAILED = 0 ] || qemu_tail 40
TAP_FAILED=$((before | TAP_FAILED))
echo "# boot to power-off: ${svmhv_secs:-?}s under svmhv, ${QEMU_SECS}s without (incl. OVMF, UEFI shell)"
exit $TAP_FAILED
