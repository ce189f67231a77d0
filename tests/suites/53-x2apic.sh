#!/usr/bin/env bash
# x2APIC end to end on QEMU 10 (whose TCG has x2APIC; Debian 12's QEMU 7.2 has
# none): apinit (tests/apinit/) in x2APIC mode, -smp 2, issues 15 and 16.
#
#   bare     apinit x2apic without svmhv: the reference.
#   svmhv    svmhv chain-loads apinit x2apic: the guest switches to x2APIC,
#            starts its AP by INIT-SIPI-SIPI through the ICR MSR (physical,
#            logical cluster, all-excluding-self), sends self-IPIs, fixed, NMI,
#            broadcast and logical IPIs, checks the x2APIC IDs against CPUID
#            and the MADT, and that svmhv runs both CPUs and emulated INIT.
#   fw       firmware-like: x2fw.efi switches every CPU to x2APIC (MP
#            services) and then starts svmhv.efi, which takes every CPU from
#            firmware in x2APIC mode and chain-loads apinit (x2APIC already on).
# Lines: "ok - x2apic-MODE: <check>" from each boot's APINIT/X2FW lines, and
# one "every check passed" per boot. Without QEMU 10 (scripts/qemu10.sh cannot
# fetch it) every case is "ok - ... # SKIP". Logs: build/test-logs/qemu/x2apic-*.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

IMG=build/qemu
END_RE='APINIT: done|X2FW: done|PANIC|not virtualizing'
mkdir -p "$IMG" build/test-logs

q10=$(scripts/qemu10.sh 2>build/test-logs/x2apic-qemu10.log | tail -1) || q10=""
if [ ! -x "$q10" ]; then
	sed 's/^/# /' build/test-logs/x2apic-qemu10.log
	for m in bare svmhv fw; do
		tap_ok "x2apic-$m: every check passed # SKIP QEMU 10 unavailable (scripts/qemu10.sh)"
	done
	exit 0
fi

build_step "x2apic: apinit.efi, x2fw.efi and svmhv.efi build" build/test-logs/x2apic-build.log \
	make -s build/apinit.efi build/x2fw.efi build/svmhv.efi || exit 1

printf '%s\r\n' '@echo -off' 'fs0:' '\apinit.efi x2apic' > "$IMG/x2apic-bare.nsh"
scripts/image.sh "$IMG/x2apic-bare.img" build/apinit.efi:apinit.efi \
	"$IMG/x2apic-bare.nsh:startup.nsh"
printf '%s\n' '# tests/suites/53-x2apic.sh: apinit in x2APIC mode under svmhv' serial=0x3f8 \
	log=info nested=1 'next=\apinit.efi' 'args=x2apic' > "$IMG/x2apic-svmhv.cfg"
scripts/image.sh "$IMG/x2apic-svmhv.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
	"$IMG/x2apic-svmhv.cfg:EFI/BOOT/svmhv.cfg" build/apinit.efi:apinit.efi
# x2fw starts \svmhv.efi, which reads \svmhv.cfg beside it.
printf '%s\r\n' '@echo -off' 'fs0:' '\x2fw.efi' > "$IMG/x2apic-fw.nsh"
printf '%s\n' '# tests/suites/53-x2apic.sh: started by x2fw with every CPU in x2APIC mode' \
	serial=0x3f8 log=debug nested=1 'next=\apinit.efi' > "$IMG/x2apic-fw.cfg"
scripts/image.sh "$IMG/x2apic-fw.img" build/x2fw.efi:x2fw.efi "$IMG/x2apic-fw.nsh:startup.nsh" \
	build/svmhv.efi:svmhv.efi "$IMG/x2apic-fw.cfg:svmhv.cfg" build/apinit.efi:apinit.efi

boot() { QEMU=$q10 SMP=2 qemu_boot "x2apic-$1" "$IMG/x2apic-$1.img" "$END_RE" >/dev/null; }
boot bare &
boot svmhv &
wait
boot fw

# lines MODE: the boot's APINIT and X2FW lines as TAP lines "x2apic-MODE: ...".
lines() {
	local line
	grep -aoE '(APINIT|X2FW): .*' "$QEMU_TXT" | sed -E 's/^(APINIT|X2FW): //' |
		while IFS= read -r line; do
			case $line in
			"ok - "*) echo "ok - x2apic-$1: ${line#ok - }" ;;
			"not ok - "*) echo "not ok - x2apic-$1: ${line#not ok - }" ;;
			"# "*) echo "# x2apic-$1: ${line#\# }" ;;
			esac
		done
}

for m in bare svmhv fw; do
	qemu_load "x2apic-$m"
	out=$(lines "$m")
	echo "$out"
	grep -q '^not ok' <<<"$out" && TAP_FAILED=1
	done_line=$(grep -ao 'APINIT: done [0-9]* passed, [0-9]* failed' "$QEMU_TXT" | head -1)
	tap_check "x2apic-$m: every check passed, no SKIP, no panic" "${done_line:-no APINIT: done line} (end: $QEMU_END)" \
		sh -c "grep -q 'APINIT: done [0-9]* passed, 0 failed' '$QEMU_TXT' &&
		       ! grep -q 'SKIP' '$QEMU_TXT' && ! grep -q PANIC '$QEMU_TXT'"
	case $m in
	svmhv|fw)
		tap_check "x2apic-$m: svmhv virtualized cpu0 and cpu1" "$(grep -ac 'I hv: virtualized cpu' "$QEMU_TXT") lines" \
			sh -c "grep -q 'I hv: virtualized cpu0 ' '$QEMU_TXT' && grep -q 'I hv: virtualized cpu1 ' '$QEMU_TXT'"
		;;
	esac
	if [ "$m" = fw ]; then
		tap_check "x2apic-fw: svmhv emulated the guest's INIT and SIPI (3 of each to vCPU 1)" \
			"$(grep -ac 'vCPU 1: INIT, waiting for SIPI' "$QEMU_TXT") INITs" \
			[ "$(grep -ac 'vCPU 1: INIT, waiting for SIPI' "$QEMU_TXT")" -ge 3 ]
	fi
	[ "$TAP_FAILED" = 0 ] || qemu_tail 40
done
exit "$TAP_FAILED"
