# shellcheck shell=bash
# The checks of tests/suites/70-isolation.sh, one function per boot, sourced after
# tests/qemu/lib.sh; each reads that boot's log (qemu_load) and prints TAP lines.

# The guest's ISOATTACK lines as TAP, named "iso: PREFIX<name>", and their count.
iso_lines() {
	local p=$1 line ok=0 bad=0 done_line lines
	lines=$(grep -ao 'ISOATTACK: .*' "$QEMU_TXT" | sed 's/^ISOATTACK: //')
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "iso: $p${line#ok - }"; ok=$((ok + 1)) ;;
		"not ok - "*) tap_fail "iso: $p${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# isoattack: ${line#\# }" ;;
		esac
	done <<<"$lines"
	done_line=$(grep -E '^done [0-9]+ passed, [0-9]+ failed' <<<"$lines" | head -1)
	tap_check "iso: ${p}isoattack ran to the end" "'${done_line:-no done line}' (end: $QEMU_END)" \
		[ -n "$done_line" ] && [ "$done_line" = "done $ok passed, $bad failed" ]
	tap_check "iso: ${p}isoattack exit status 0" \
		"$(grep -a -m1 'SVMHV-RUN-END isoattack' "$QEMU_TXT" || echo 'no SVMHV-RUN-END')" \
		qemu_has -F 'SVMHV-RUN-END isoattack status=0'
}

# What every Linux boot under svmhv must end with.
linux_end() {
	local p=$1 bad starts
	# An INIT that reset CPU 0 restarts the firmware, hence svmhv, in the same QEMU.
	starts=$(grep -ac 'boot: svmhv 0.1.0 starting' "$QEMU_TXT")
	tap_check "iso: ${p}no CPU was reset: svmhv started once" "it started $starts times" \
		[ "$starts" = 1 ]
	tap_check "iso: ${p}no svmhv PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	bad=$(grep -a -v '^\[svmhv\]' "$QEMU_TXT" | grep -a -m3 -E \
		'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|Call Trace|soft lockup|rcu_sched detected stall|rcu: INFO')
	tap_check "iso: ${p}kernel log has no panic/Oops/BUG/WARNING/stall" "$bad" [ -z "$bad" ]
	# shellcheck disable=SC2016  # expanded by eval, inside tap_check
	tap_check "iso: ${p}Linux finishes and powers off (SVMHV-LINUX-DONE)" \
		"end: $QEMU_END after ${QEMU_SECS}s" \
		eval 'qemu_has -F "SVMHV-LINUX-DONE status=0" && [ "$QEMU_OFF" = 1 ]'
	[ "$TAP_FAILED" = 0 ] || qemu_tail 60
}

check_iommu() {
	local p="iommu: "
	qemu_load iommu
	tap_check "iso: ${p}svmhv hides IVRS and owns the IOMMU at 0xfed80000" \
		"no 'IVRS hidden' / 'owned by svmhv' line" \
		eval 'qemu_has -F "IVRS hidden from the guest" && qemu_has -E "00:02.0 at fed80000 owned by svmhv"'
	tap_check "iso: ${p}Linux finds no IOMMU of its own (no AMD-Vi set-up lines)" \
		"$(grep -a -m1 -E 'AMD-Vi: (Using|Found IOMMU|Interrupt remapping)' "$QEMU_TXT")" \
		eval '! qemu_has -E "AMD-Vi: (Using|Found IOMMU|Interrupt remapping)"'
	iso_lines "$p"
	tap_check "iso: ${p}svmhv logs the refused DMA as an I/O page fault" \
		"no 'iommu: I/O page fault' line" qemu_has -F 'iommu: I/O page fault'
	tap_check "iso: ${p}svmhv logs the refused IOAPIC INIT entry" \
		"no 'INIT refused' line" qemu_has -E 'ioapic: vCPU [0-9]+: IOAPIC fec00000 pin [0-9]+: INIT refused'
	tap_check "iso: ${p}svmhv logs the refused fw_cfg DMA" "no 'fwcfg: DMA refused' line" \
		qemu_has -F 'fwcfg: DMA refused'
	tap_check "iso: ${p}a fixed MSI from the edu reaches CPU 0 through svmhv's remapping" \
		"no 'No irq handler for vector' line for vector 181" \
		qemu_has -E '0\.181 No irq handler for vector'
	linux_end "$p"
}

check_noiommu() {
	local p="no IOMMU: "
	qemu_load noiommu
	tap_check "iso: ${p}svmhv warns loudly that there is no IOMMU" "no 'NO IOMMU' banner" \
		qemu_has -F 'NO IOMMU (no ACPI IVRS)'
	iso_lines "$p"
	linux_end "$p"
}

check_required() {
	local p="dma_protect=required, no IOMMU: "
	qemu_load required
	tap_check "iso: ${p}svmhv refuses with a clear message" \
		"no 'not virtualizing: dma_protect=required' line" \
		qemu_has -F 'not virtualizing: dma_protect=required but this machine has no IOMMU'
	tap_check "iso: ${p}nothing started (no memory reserved, no CPU taken)" \
		"$(grep -a -m1 -E 'reserved [0-9]+ KiB|virtualized cpu0' "$QEMU_TXT")" \
		eval '! qemu_has -E "reserved [0-9]+ KiB|virtualized cpu0"'
	payload_tap "$p" 1 >/dev/null
	tap_check "iso: ${p}the firmware goes on without svmhv (bare payload passes)" \
		"$(payload_lines 1 | grep -m1 -E '^(not ok|done)')" \
		eval 'payload_lines 1 | grep -qE "^done [0-9]+ passed, 0 failed"'
	[ "$TAP_FAILED" = 0 ] || qemu_tail 40
}

check_park() {
	local p="park: "
	qemu_load park
	tap_check "iso: ${p}the takeover of cpu1 fails (test_fail_cpu=1)" "no such line" \
		qemu_has -F 'cpu1: takeover made to fail (test_fail_cpu=1)'
	tap_check "iso: ${p}svmhv parks it and hides it from the OS" \
		"$(grep -a -m1 'parked' "$QEMU_TXT" || echo 'no parked line')" \
		qemu_has -E 'cpu1 \(APIC ID 1\) parked: held in INIT by svmhv.*hidden from the OS'
	tap_check "iso: ${p}svmhv takes the other CPUs" "no 'virtualized cpu2'" \
		eval 'qemu_has -F "virtualized cpu0" && qemu_has -F "virtualized cpu2"'
	tap_check "iso: ${p}Linux boots on the two others" \
		"$(grep -a -m1 -E 'smp: Brought up' "$QEMU_TXT" || echo 'no smp line')" \
		qemu_has -E 'smp: Brought up 1 node, 2 CPUs'
	iso_lines "$p"
	linux_end "$p"
}

# run_suite NAME SCRIPT LOGDIR LOG ENV...: another suite with the IOMMU owned by svmhv.
run_suite() {
	local name=$1 script=$2 logdir=$3 log=$4 out rc
	shift 4
	out=$(env "$@" QEMU_EXTRA="$IOMMU_DEV" "$script" 2>&1)
	rc=$?
	sed -E 's/^(not )?ok - /&iommu: /' <<<"$out"
	grep -qE '^not ok' <<<"$out" && TAP_FAILED=1
	[ $rc = 0 ] || TAP_FAILED=1
	tap_check "iso: iommu: $name: the IOMMU was svmhv's in those boots" \
		"no 'owned by svmhv' line in $logdir/$log.txt" \
		grep -aqE '00:02.0 at fed80000 owned by svmhv' "$logdir/$log.txt"
}
