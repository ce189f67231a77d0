#!/usr/bin/env bash
# svmhv inside svmhv: the outer svmhv (level 0, nested=1, \EFI\BOOT\BOOTX64.EFI)
# chain-loads a second svmhv.efi (\EFI\inner\svmhv.efi, with its own svmhv.cfg
# beside it), which finds svmhv's CPUID signature and SVM with nested paging
# below it, becomes level 1 (its console lines start "[svmhv.1]"), virtualizes
# every CPU of the firmware again (now the outer svmhv's L1), and chain-loads
# Debian's Linux (scripts/guest.sh) with 2 vCPUs as the outer's L2. svmhv-info
# in Linux must see the INNER svmhv (CPUID 0x40000001 ECX = level 1) and, through
# the inner's BELOW relay hypercall, the outer svmhv's counters of the nested
# VMRUNs it emulated for the inner one.
#
# Environment overrides:
#   SVMHV2_TIMEOUT=600   seconds before QEMU is killed
#   SVMHV2_LOG=info      log level of both svmhvs
#   SMP=2                vCPUs
# Logs: build/test-logs/svmhv2/svmhv2.{log,txt,img}, outer.cfg, inner.cfg.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/svmhv2
mkdir -p "$dir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
QEMU_TIMEOUT=${SVMHV2_TIMEOUT:-600}
export SMP=${SMP:-2}
log=${SVMHV2_LOG:-info}

build_step "svmhv2: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
build_step "svmhv2: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi || exit 1

kargs="console=ttyS0,115200 panic=-1 svmhv.batch=1"
{
	echo "# outer svmhv (level 0): written by tests/suites/65-svmhv2.sh"
	echo "serial=0x3f8"
	echo "log=$log"
	echo "nested=1"
	echo "hypercalls=all"
	printf '%s\n' 'next=\EFI\inner\svmhv.efi'
} > "$dir/outer.cfg"
{
	echo "# inner svmhv (level 1, the outer's L1): written by tests/suites/65-svmhv2.sh"
	echo "serial=0x3f8"
	echo "log=$log"
	echo "hypercalls=all"
	printf '%s\n' 'next=\vmlinuz'
	echo "args=initrd=\\initrd.img $kargs"
} > "$dir/inner.cfg"
build_step "svmhv2: ESP image with both svmhvs (scripts/image.sh)" "$dir/image.log" \
	scripts/image.sh "$dir/svmhv2.img" build/guest/vmlinuz:vmlinuz \
	build/guest/initrd.img:initrd.img build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
	"$dir/outer.cfg:EFI/BOOT/svmhv.cfg" build/svmhv.efi:EFI/inner/svmhv.efi \
	"$dir/inner.cfg:EFI/inner/svmhv.cfg" || exit 1

qemu_boot svmhv2 "$dir/svmhv2.img" 'SVMHV-LINUX-DONE|PANIC|Kernel panic|not virtualizing'
secs=$QEMU_SECS
grep -a -E '^\[svmhv(\.1)?\] cpu[0-9]+ [EWI] (boot|hv|nested): ' "$QEMU_TXT" | head -30 | sed 's/^/# /'
grep -a -E '^svmhv-info: ' "$QEMU_TXT" | sed 's/^/# /'

# The outer svmhv: level 0, nested SVM offered, chain-loads the inner one.
tap_check "svmhv2: outer svmhv banner (level 0)" "no '[svmhv] ... svmhv 0.1.0 level 0' line" \
	qemu_has -E '^\[svmhv\] cpu0 I hv: svmhv [0-9.]+ level 0: '
tap_check "svmhv2: outer offers SVM with nested paging (nested=1)" "no 'SVM offered' line" \
	qemu_has -E '^\[svmhv\] cpu0 I nested: SVM offered to the guest'
tap_check "svmhv2: outer chain-loads the inner svmhv.efi" "no 'starting next: \\EFI\\inner\\svmhv.efi'" \
	qemu_has -F '[svmhv] cpu0 I boot: starting next: \EFI\inner\svmhv.efi'
# The inner svmhv: sees the outer, is level 1, uses nested paging, takes both CPUs.
tap_check "svmhv2: inner svmhv detects svmhv below it (CPUID 0x40000000)" \
	"no 'running under a level 0 svmhv' line" \
	qemu_has -E '^\[svmhv\.1\] cpu0 I boot: running under a level 0 svmhv .*this svmhv is level 1'
tap_check "svmhv2: inner svmhv banner (level 1) with NPT" \
	"$(grep -a -m1 -E '^\[svmhv\.1\] .*hv: svmhv' "$QEMU_TXT" || echo 'no level 1 banner')" \
	qemu_has -E '^\[svmhv\.1\] cpu0 I hv: svmhv [0-9.]+ level 1: .*features: .*\bNPT\b'
tap_check "svmhv2: inner svmhv virtualizes $SMP CPUs" \
	"$(grep -a -m1 -E '^\[svmhv\.1\] .* CPUs? under svmhv' "$QEMU_TXT" || echo 'no count line')" \
	qemu_has -E "^\[svmhv\.1\] cpu0 I boot: $SMP CPUs under svmhv"
tap_check "svmhv2: inner svmhv chain-loads \\vmlinuz" "no '[svmhv.1] ... starting next: \\vmlinuz'" \
	qemu_has -F '[svmhv.1] cpu0 I boot: starting next: \vmlinuz'
# Linux as L2: it sees the inner svmhv.
tap_check "svmhv2: Linux boots to /init" "no SVMHV-LINUX-INIT (end: $QEMU_END)" \
	qemu_has -x 'SVMHV-LINUX-INIT'
tap_check "svmhv2: Linux sees svmhv's signature" "$(grep -a -m1 'signature:' "$QEMU_TXT")" \
	qemu_has -E '^svmhv-info: signature: svmhv'
tap_check "svmhv2: Linux sees the inner svmhv (CPUID 0x40000001 level 1)" \
	"$(grep -a -m1 'cpuid 0x40000001' "$QEMU_TXT")" \
	qemu_has -E '^svmhv-info: cpuid 0x40000001: .* level 1$'
tap_check "svmhv2: IDENTIFY answered (by the inner svmhv)" "$(grep -a -m1 'IDENTIFY' "$QEMU_TXT")" \
	qemu_has -E '^svmhv-info: IDENTIFY: ok'
tap_check "svmhv2: $SMP vCPUs online in Linux" "$(grep -a -m1 'cpus online' "$QEMU_TXT")" \
	qemu_has -E "^svmhv-info: cpus online: $SMP\$"
tap_check "svmhv2: inner svmhv's exit counters move" "$(grep -a -m1 'counters move' "$QEMU_TXT")" \
	qemu_has -E '^svmhv-info: exit counters move: yes'
# The outer svmhv's counters, read through the inner's BELOW relay hypercall.
below=$(grep -a -m1 -E '^svmhv-info: below: ' "$QEMU_TXT")
vmruns=$(sed -n 's/.* VMRUN exits \([0-9]*\),.*/\1/p' <<<"$below")
fills=$(sed -n 's/.* shadow NPT fills \([0-9]*\)$/\1/p' <<<"$below")
tap_check "svmhv2: the outer svmhv is level 0 (BELOW relay answered)" "${below:-no below line}" \
	grep -q '^svmhv-info: below: level 0 svmhv,' <<<"$below"
tap_check "svmhv2: the outer svmhv emulated the inner's VMRUNs (EXIT_COUNT 0x80 > 0)" \
	"${below:-no below line}" [ "${vmruns:-0}" -gt 0 ]
tap_check "svmhv2: the inner svmhv runs its guest on nested paging (outer's shadow NPT fills > 0)" \
	"${below:-no below line}" [ "${fills:-0}" -gt 0 ]
tap_check "svmhv2: svmhv-info verdict SVMHV-LINUX-OK" "not printed" qemu_has -x 'SVMHV-LINUX-OK'
tap_check "svmhv2: batch run reports SVMHV-LINUX-DONE status=0" \
	"$(grep -a -m1 'SVMHV-LINUX-DONE' "$QEMU_TXT" || echo "no DONE line")" \
	qemu_has -F 'SVMHV-LINUX-DONE status=0'
tap_check "svmhv2: guest powers the machine off" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
tap_check "svmhv2: neither svmhv panicked" "$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
tap_check "svmhv2: neither svmhv refused to start" "$(grep -a -m1 'not virtualizing' "$QEMU_TXT")" \
	eval '! qemu_has -F "not virtualizing"'
bad=$(grep -a -v '^\[svmhv' "$QEMU_TXT" |
	grep -a -m3 -E 'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|Call Trace')
tap_check "svmhv2: kernel log has no panic/Oops/BUG/WARNING" "$bad" [ -z "$bad" ]
grep -a -E '^\[svmhv(\.1)?\] cpu[0-9]+ [EW] ' "$QEMU_TXT" | head -20 | sed 's/^/# svmhv warning: /'
[ "$TAP_FAILED" = 0 ] || qemu_tail 80
echo "# svmhv inside svmhv: boot to power-off ${secs}s (QEMU TCG, -smp $SMP)"
exit "$TAP_FAILED"
