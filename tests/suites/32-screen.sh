#!/usr/bin/env bash
# The panic screen (hv/fb.h, issue 16 "no UART"): svmhv with serial=off and
# test_panic=on (vCPU 0 panics at its first exit after the takeover) in QEMU
# TCG + OVMF (-smp 1, QEMU's standard VGA, OVMF's GOP mode). QMP screendumps
# are compared pixel-exactly (tests/qemu/screencheck.py) with what the host
# build of the same hv/fb.c draws (build/host/fbrender): the band's first
# row, "svmhv: PANIC: test_panic=on: forced at vCPU 0's first exit", over the
# whole width, and the first cells of the second ("svmhv: PANIC: on cpu0 at
# rip ", the address itself varies). svmhv's UART must stay silent (the
# screen is the only place the panic is shown).
# Logs: build/test-logs/screen/ (serial log, screen.ppm, expected.ppm).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/screen
mkdir -p "$dir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
t_start=$(date +%s)

build_step "screen: svmhv.efi, payload.efi and fbrender build" "$dir/build.log" \
	make -s build/svmhv.efi build/payload.efi build/host/fbrender || exit 1

cat > "$dir/panic.cfg" <<'CFG'
# tests/suites/32-screen.sh: no UART, a panic after the takeover
serial=off
test_panic=on
next=\payload.efi
CFG
scripts/image.sh "$dir/panic.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
	"$dir/panic.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi >"$dir/image.log" 2>&1 ||
	{ tap_fail "screen: image build" "$(tail -3 "$dir/image.log")"; exit 1; }

sock=$QEMU_LOGDIR/qmp.sock
rm -f "$sock" "$dir/screen.ppm" "$dir/expected.ppm"
QEMU_EXTRA="-qmp unix:$sock,server=on,wait=off" qemu_start panic "$dir/panic.img"
python3 tests/qemu/screencheck.py --qmp "$sock" --dir "$dir" --fbrender build/host/fbrender \
	--timeout "${SCREEN_TIMEOUT:-120}" \
	"svmhv: PANIC: test_panic=on: forced at vCPU 0's first exit" \
	"svmhv: PANIC: on cpu0 at rip " > "$dir/screencheck.out" 2>&1
rc=$?
cat "$dir/screencheck.out"
qemu_finish 10
rm -f "$sock"

tap_check "screen: svmhv started (its banner, before serial=off is read)" "no banner" \
	qemu_has -F 'svmhv 0.1.0 starting'
tap_check "screen: a panic without a UART is drawn on the screen (pixel-exact vs hv/fb.c)" \
	"$(tail -1 "$dir/screencheck.out")" [ $rc = 0 ]
tap_check "screen: svmhv's UART stays silent (no PANIC on the serial line)" \
	"$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
[ $TAP_FAILED = 0 ] || qemu_tail 30
echo "# screen suite: $(( $(date +%s) - t_start ))s"
exit $TAP_FAILED
