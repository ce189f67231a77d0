#!/usr/bin/env bash
# QEMU integration: svmhv.efi in QEMU TCG + OVMF with the test payload
# (tests/payload/), four boots run in parallel:
#   svmhv     BOOTX64.EFI = svmhv, svmhv.cfg chain-loads \payload.efi: every
#             payload check becomes "ok - qemu: <check>", plus svmhv's own
#             serial output (banner, "virtualized cpu0", the boot watchdog
#             re-armed for next, no PANIC).
#   badcfg    svmhv.cfg has an unknown key on line 2: svmhv names line 2,
#             says "not virtualizing" and returns to the firmware, whose UEFI
#             shell runs startup.nsh: the payload in bare mode must find no svmhv.
#   nosvm     svmhv on a CPU without SVM (-cpu max,-svm): svmhv says so and
#             returns; the shell's payload in bare mode finds no svmhv.
#   nosvmhv   no svmhv at all (shell + startup.nsh): the payload's svmhv checks
#             must FAIL (they can fail), and its bare mode must pass.
#   smp16, smp80  -smp 16 and 80 (ASIDs are per CPU, so TCG's 16 do not limit
#             the count; the tables hold 256): every CPU virtualized on its own
#             ASIDs 1 and 2, the payload runs. (The 256-processor refusal is
#             host-tested: q35 under TCG gives at most 255 xAPIC CPUs.)
#   serialoff serial=off and dma_protect=required on a machine without an
#             IOMMU: a fatal configuration error with svmhv's UART off must
#             still be shown, on the firmware's console (ConOut, which OVMF
#             mirrors to the serial line here: the "svmhv: ..." form, never
#             svmhv's own "[svmhv] cpu0 E" line).
#   serialbad serial=off and an unknown key: the error names the line on ConOut.
#   pb52      with QEMU_PB52=1 only (make soak): -cpu max,phys-bits=52:
#             svmhv's 4-level tables map 48 bits of guest-physical space, the
#             guest is told 48, the payload runs. OVMF alone takes ~4 min to
#             start on TCG with 52 bits, too long for make test. (SME and
#             5-level firmware are host-tested: TCG has neither.)
#   ucode     a Zen2 (-cpu EPYC-Rome,hypervisor=off: CPUID 0x830f10, no
#             hypervisor bit, -smp 2) with Debian's microcode_amd_fam17h.bin
#             (scripts/microcode.sh) in EFI/BOOT/amd-ucode/: the file is checked,
#             the patch for 0x830f10 found, and each CPU writes PATCH_LOADER and
#             reads the level back (TCG keeps its own: "refused by the CPU"),
#             then tries Zen2's errata fixes (TCG drops the writes: "refused");
#             the payload runs. Skipped when amd64-microcode cannot be fetched.
#   ucodebad  the same with the file truncated: rejected with the offset and
#             reason, nothing written to PATCH_LOADER, errata fixes still tried.
#   nxfw      firmware with a DXE NX policy for EfiReservedMemoryType (EDK2
#             PcdDxeNxMemoryProtectionPolicy bit 0), imitated by nxfw.efi
#             (tests/nxfw/) as BOOTX64.EFI on -smp 2: its AllocatePages hook
#             maps svmhv's pool NX (checked: a jump into a reserved page
#             faults), then it starts \EFI\svmhv\svmhv.efi, which must say
#             the firmware maps its pool NX, take both CPUs without the
#             firmware's #PF dump, and run the payload. (svmhv before
#             the host tables were loaded in takeover.asm took that #PF at
#             hv_entry.)
# Logs: build/test-logs/qemu/<boot>.log (raw serial) and .txt (cleaned).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

IMG=build/qemu
mkdir -p "$IMG" build/test-logs
END_RE='PAYLOAD: done|PAYLOAD: FATAL|PANIC'

# startup.nsh lines (CRLF) for the UEFI shell.
nsh() { printf '%s\r\n' '@echo -off' 'fs0:' "$@"; }

build_step "qemu: payload.efi builds" build/test-logs/qemu-build-payload.log \
	make -s build/payload.efi || exit 1
have_svmhv=0
build_step "qemu: svmhv.efi builds" build/test-logs/qemu-build-svmhv.log \
	make -s build/svmhv.efi build/nxfw.efi && have_svmhv=1

# --- images --------------------------------------------------------------------
cat > "$IMG/svmhv.cfg" <<'EOF'
# tests/suites/30-qemu.sh: svmhv chain-loads the test payload, which checks
# what a guest sees without nested SVM (nested=0; 50-l1hv and 60-kvm test it on)
serial=0x3f8
log=info
nested=0
next=\payload.efi
args=mode=svmhv
EOF
cat > "$IMG/serialoff.cfg" <<'EOF'
# tests/suites/30-qemu.sh: no UART for svmhv, and a refusal it must still show
serial=off
dma_protect=required
next=\payload.efi
EOF
cat > "$IMG/serialbad.cfg" <<'EOF'
# tests/suites/30-qemu.sh: no UART for svmhv, and line 3 has an unknown key
serial=off
nestd=1
next=\payload.efi
EOF
cat > "$IMG/badcfg.cfg" <<'EOF'
# tests/suites/30-qemu.sh: line 2 has an unknown key
seriall=1
next=\payload.efi
EOF
nsh '\payload.efi bare' > "$IMG/bare.nsh"
nsh '\payload.efi mode=svmhv noreset' '\payload.efi bare' > "$IMG/twice.nsh"

boots=(nosvmhv)
scripts/image.sh "$IMG/nosvmhv.img" build/payload.efi:payload.efi "$IMG/twice.nsh:startup.nsh"
if [ $have_svmhv = 1 ]; then
	boots+=(svmhv badcfg nosvm smp80 smp16 serialoff serialbad nxfw)
	[ "${QEMU_PB52:-0}" != 1 ] || boots+=(pb52)
	scripts/image.sh "$IMG/nxfw.img" build/nxfw.efi:EFI/BOOT/BOOTX64.EFI \
		build/svmhv.efi:EFI/svmhv/svmhv.efi "$IMG/svmhv.cfg:EFI/svmhv/svmhv.cfg" \
		build/payload.efi:payload.efi
	scripts/image.sh "$IMG/svmhv.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/svmhv.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi
	cp "$IMG/svmhv.img" "$IMG/pb52.img"
	scripts/image.sh "$IMG/badcfg.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/badcfg.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi \
		"$IMG/bare.nsh:startup.nsh"
	# A CPU without SVM (-cpu max,-svm): svmhv must refuse and return.
	scripts/image.sh "$IMG/nosvm.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/svmhv.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi \
		"$IMG/bare.nsh:startup.nsh"
	# More CPUs than svmhv takes: refused, the shell's bare payload finds no svmhv.
	for b in smp80 smp16; do
		cp "$IMG/nosvm.img" "$IMG/$b.img"
	done
	for b in serialoff serialbad; do
		scripts/image.sh "$IMG/$b.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
			"$IMG/$b.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi \
			"$IMG/bare.nsh:startup.nsh"
	done
	# Debian's AMD microcode for family 17h, as is and truncated.
	if ucode=$(scripts/microcode.sh 2>build/test-logs/qemu-microcode.log); then
		boots+=(ucode ucodebad)
		cp "$ucode/microcode_amd_fam17h.bin" "$IMG/ucode.bin"
		head -c 10000 "$ucode/microcode_amd_fam17h.bin" > "$IMG/ucodebad.bin"
		for b in ucode ucodebad; do
			scripts/image.sh "$IMG/$b.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
				"$IMG/svmhv.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi \
				"$IMG/$b.bin:EFI/BOOT/amd-ucode/microcode_amd_fam17h.bin" \
				"$IMG/bare.nsh:startup.nsh"
		done
	fi
fi

# --- boot them, four at a time (each is one TCG thread; -smp 80 is slower) ------
n=0
for b in "${boots[@]}"; do
	re=$END_RE
	# Without a startup.nsh, a svmhv that gives up would leave the shell waiting.
	[[ "$b" != svmhv && "$b" != pb52 ]] || re="$re|not virtualizing"
	# The firmware's exception dump, or svmhv returning to nxfw, ends it too.
	[ "$b" != nxfw ] || re="$re|Exception Type|NXFW: # .* returned"
	cpu=max; [ "$b" != nosvm ] || cpu=max,-svm
	[ "$b" != pb52 ] || cpu=max,phys-bits=52
	smp=1; [[ "$b" != smp* ]] || smp=${b#smp}
	[ "$b" != nxfw ] || smp=2
	[[ "$b" != ucode* ]] || { cpu=EPYC-Rome,hypervisor=off; smp=2; }
	CPU=$cpu SMP=$smp QEMU_TIMEOUT=$((QEMU_TIMEOUT > 240 ? QEMU_TIMEOUT : 240)) qemu_boot "$b" "$IMG/$b.img" "$re" \
		>/dev/null &
	n=$((n + 1))
	[ $((n % 4)) != 0 ] || wait
done
wait

# --- svmhv + payload -----------------------------------------------------------
if [ $have_svmhv = 1 ]; then
	qemu_load svmhv
	tap_check "qemu: svmhv banner (svmhv 0.1.0)" "not in the serial log" qemu_has -F 'svmhv 0.1.0'
	tap_check "qemu: svmhv virtualized cpu0" "no 'virtualized cpu0' line" \
		qemu_has -F 'virtualized cpu0'
	tap_check "qemu: svmhv starts the payload" "no 'starting next: \\payload.efi' line" \
		qemu_has -F 'starting next: \payload.efi'
	tap_check "qemu: svmhv re-arms the 5-minute boot watchdog for next" \
		"no 'watchdog: armed for 300 s for next' line" \
		qemu_has -F 'watchdog: armed for 300 s for next'
	tap_check "qemu: svmhv does not panic" "$(grep -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	tap_check "qemu: payload exits cleanly" "$(grep -m1 'PAYLOAD: FATAL' "$QEMU_TXT")" \
		eval '! qemu_has -F "PAYLOAD: FATAL"'
	payload_tap "" 1
	tap_check "qemu: CONSOLE_DUMP prints exit counts on svmhv's console" \
		"no 'stats: vCPU 0: ... exits' line" qemu_has -E 'stats: vCPU 0: [0-9]+ exits'
	tap_check "qemu: CONSOLE_DUMP prints the TLB flush counters" \
		"no 'tlb: vcpu 0 L1 flushes' line" qemu_has -F 'tlb: vcpu 0 L1 flushes'
	tap_check "qemu: svmhv prints its ASID plan and each vCPU's ASIDs" \
		"no 'ASIDs L1 1 L2 2-9' line" qemu_has -F 'ASIDs L1 1 L2 2-9'
	tap_check "qemu: guest powers the machine off under svmhv" "boot ended: $QEMU_END" \
		[ "$QEMU_OFF" = 1 ]
	[ $TAP_FAILED = 0 ] || qemu_tail 60
fi

# --- bad svmhv.cfg --------------------------------------------------------------
if [ $have_svmhv = 1 ]; then
	qemu_load badcfg
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: bad config: svmhv names svmhv.cfg line 2" \
		"no 'svmhv.cfg line 2:' line" qemu_has -F 'svmhv.cfg line 2:'
	tap_check "qemu: bad config: svmhv says it is not virtualizing" \
		"no 'not virtualizing' line" qemu_has -F 'not virtualizing'
	tap_check "qemu: bad config: svmhv does not virtualize" "'virtualized cpu0' seen" \
		eval '! qemu_has -F "virtualized cpu0"'
	tap_check "qemu: bad config: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	payload_tap "bad config: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
fi

# --- a CPU without SVM: svmhv refuses cleanly, the firmware goes on ---------------
if [ $have_svmhv = 1 ]; then
	qemu_load nosvm
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: no SVM: svmhv says the CPU has no SVM" \
		"no 'not virtualizing: this CPU has no AMD SVM' line" \
		qemu_has -F 'not virtualizing: this CPU has no AMD SVM'
	tap_check "qemu: no SVM: svmhv does not virtualize" "'virtualized cpu0' seen" \
		eval '! qemu_has -F "virtualized cpu0"'
	tap_check "qemu: no SVM: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	payload_tap "no SVM: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
fi

# --- many CPUs: every one virtualized on its own ASIDs 1 and 2 ---------------------
all_cpus() {
	local b=$1 n=${1#smp}
	qemu_load "$b"
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: $b: every CPU virtualized" "no '$n CPUs under svmhv' line" \
		qemu_has -F "boot: $n CPUs under svmhv"
	tap_check "qemu: $b: the last AP virtualized on ASIDs 1 and 2" \
		"no 'virtualized cpu$((n - 1)) (... ASIDs L1 1 L2 2)' line" \
		qemu_has -E "virtualized cpu$((n - 1)) \(.*ASIDs L1 1 L2 2[-)]"
	tap_check "qemu: $b: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	payload_tap "$b: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
}
if [ $have_svmhv = 1 ]; then
	all_cpus smp16
	all_cpus smp80
fi

# --- MAXPHYADDR 52: 48 bits of guest-physical space, no panic ----------------------
if [ $have_svmhv = 1 ] && [ "${QEMU_PB52:-0}" = 1 ]; then
	qemu_load pb52
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: phys-bits=52: svmhv sees MAXPHYADDR 52" "no 'MAXPHYADDR 52' banner" \
		qemu_has -F 'MAXPHYADDR 52,'
	tap_check "qemu: phys-bits=52: guest-physical space is 48 bits (4-level nested paging)" \
		"no 'limited to 48 bits (MAXPHYADDR 52, 4-level nested paging)' line" \
		qemu_has -F 'limited to 48 bits (MAXPHYADDR 52, 4-level nested paging)'
	tap_check "qemu: phys-bits=52: svmhv virtualized cpu0" "no 'virtualized cpu0' line" \
		qemu_has -F 'virtualized cpu0'
	tap_check "qemu: phys-bits=52: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	payload_tap "phys-bits=52: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
fi

# --- serial=off: a fatal configuration error is shown on the firmware's console ---
if [ $have_svmhv = 1 ]; then
	qemu_load serialoff
	before=$TAP_FAILED
	TAP_FAILED=0
	msg="not virtualizing: dma_protect=required but this machine has no IOMMU"
	tap_check "qemu: serial=off: the refusal is on the firmware's console" \
		"no 'svmhv: $msg' line" qemu_has -F "svmhv: $msg"
	# shellcheck disable=SC2016 # expanded by eval, inside tap_check
	tap_check "qemu: serial=off: svmhv's own UART stays silent after the options" \
		"$(grep -m1 -F "E boot: $msg" "$QEMU_TXT")" eval '! qemu_has -F "E boot: $msg"'
	tap_check "qemu: serial=off: svmhv does not virtualize" "'virtualized cpu0' seen" \
		eval '! qemu_has -F "virtualized cpu0"'
	payload_tap "serial=off: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
	qemu_load serialbad
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: serial=off, bad key: the line is named on the firmware's console" \
		"no 'svmhv: svmhv.cfg line 3:' line" qemu_has -F "svmhv: svmhv.cfg line 3:"
	tap_check "qemu: serial=off, bad key: 'not virtualizing' on the firmware's console" \
		"no 'svmhv: not virtualizing: bad configuration' line" \
		qemu_has -F "svmhv: not virtualizing: bad configuration"
	payload_tap "serial=off, bad key: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
fi

# --- microcode: Debian's file for a Zen2, as is and truncated --------------------
ucode_boot() {
	local b=$1 name
	qemu_load "$b"
	before=$TAP_FAILED
	TAP_FAILED=0
	tap_check "qemu: $b: both CPUs virtualized" "no '2 CPUs under svmhv' line" \
		qemu_has -F "boot: 2 CPUs under svmhv"
	tap_check "qemu: $b: Zen2 errata fixes tried on every CPU (TCG drops the writes)" \
		"no 'errata: cpu1: zenbleed: MSR 0xc0011029' line" \
		qemu_has -F "errata: cpu1: zenbleed: MSR 0xc0011029"
	tap_check "qemu: $b: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	payload_tap "$b: " 1
}
if [[ " ${boots[*]} " == *" ucode "* ]]; then
	ucode_boot ucode
	name='EFI\BOOT\amd-ucode\microcode_amd_fam17h.bin'
	tap_check "qemu: ucode: Debian's fam17h file read and checked, the patch for 0x830f10 found" \
		"no '$name: 1 container, 7 patches; for CPUID 0x830f10: patch 0x830107c' line" \
		qemu_has -F "$name: 1 container, 7 patches; for CPUID 0x830f10: patch 0x830107c"
	tap_check "qemu: ucode: each CPU loads it and reads the level back (TCG keeps its own)" \
		"no 'cpu1: patch 0x830107c refused by the CPU' line" \
		qemu_has -F "microcode: cpu1: patch 0x830107c refused by the CPU"
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
	ucode_boot ucodebad
	tap_check "qemu: ucodebad: the truncated file is rejected with the offset and reason" \
		"no 'microcode_amd_fam17h.bin rejected at offset 0x...: truncated' line" \
		qemu_has -E "microcode_amd_fam17h.bin rejected at offset 0x[0-9a-f]+: truncated"
	tap_check "qemu: ucodebad: nothing written to PATCH_LOADER" \
		"$(grep -m1 -E 'refused by the CPU|PATCH_LOADER' "$QEMU_TXT")" \
		eval '! qemu_has -E "refused by the CPU|PATCH_LOADER"'
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
elif [ $have_svmhv = 1 ]; then
	echo "ok - qemu: microcode boots # SKIP amd64-microcode not fetched (build/test-logs/qemu-microcode.log)"
fi

# --- firmware with an NX policy for EfiReservedMemoryType --------------------------
nxfw_tap() {
	local line ok=0 bad=0 done_line want
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "qemu: nxfw: ${line#ok - }"; ok=$((ok + 1)) ;;
		"not ok - "*) tap_fail "qemu: nxfw: ${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# nxfw: ${line#\# }" ;;
		esac
	done < <(grep -ao 'NXFW: .*' "$QEMU_TXT" | sed 's/^NXFW: //')
	done_line=$(grep -aoE 'NXFW: done [0-9]+ passed, [0-9]+ failed' "$QEMU_TXT" | head -1)
	want="NXFW: done $ok passed, $bad failed"
	[ "$ok" -gt 0 ] || want="at least one NXFW check"
	tap_check "qemu: nxfw: the NX policy's checks ran" \
		"'${done_line:-no NXFW: done line}', $ok ok / $bad not ok lines" \
		[ "$done_line" = "$want" ]
}
if [ $have_svmhv = 1 ]; then
	qemu_load nxfw
	before=$TAP_FAILED
	TAP_FAILED=0
	nxfw_tap
	tap_check "qemu: nxfw: svmhv sees its pool NX in the firmware's page tables" \
		"no 'map svmhv's pool: non-executable' line" \
		qemu_has -F "map svmhv's pool: non-executable (NX"
	tap_check "qemu: nxfw: no #PF in the firmware (svmhv's code never runs on its tables)" \
		"$(grep -m1 -A2 'Exception Type' "$QEMU_TXT" | tr '\n' ' ')" \
		eval '! qemu_has -F "Exception Type"'
	tap_check "qemu: nxfw: both CPUs virtualized" "no '2 CPUs under svmhv' line" \
		qemu_has -F "boot: 2 CPUs under svmhv"
	tap_check "qemu: nxfw: no PANIC" "$(grep -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
	payload_tap "nxfw: " 1
	[ $TAP_FAILED = 0 ] || qemu_tail 60
	TAP_FAILED=$((before | TAP_FAILED))
fi

# --- the payload without svmhv: its checks can fail -------------------------------
qemu_load nosvmhv
before=$TAP_FAILED
TAP_FAILED=0
# These need svmhv; without it every one must report "not ok".
must_fail=(
	"cpuid: 0x40000000 signature and max leaf"
	"cpuid: 0x40000001 version and ABI"
	"cpuid: 8000_000A reads all zero"
	"hypercall: IDENTIFY"
	"hypercall: VCPU_INFO"
	"hypercall: EXIT_COUNT answers"
	"hypercall: EXIT_TOTAL rises"
	"hypercall: unknown function 0x1000 gives ENOSYS"
	"hypercall: MEMINFO"
	"memory: every page of svmhv's range reads 0xFF"
)
counts=$(payload_lines 1 | grep -E '^done ' | head -1)
echo "# payload without svmhv (mode=svmhv): ${counts:-no done line}"
# shellcheck disable=SC2016 # expanded by eval, inside tap_check
tap_check "qemu: without svmhv: payload (mode=svmhv) runs to the end and reports failures" \
	"got '${counts:-nothing}'" eval '[[ "$counts" =~ ^done\ [0-9]+\ passed,\ [1-9][0-9]*\ failed$ ]]'
for c in "${must_fail[@]}"; do
	r=$(payload_result 1 "$c")
	tap_check "qemu: without svmhv: check '$c' fails" "it reported: $r" [ "$r" = "not ok" ]
done
payload_tap "without svmhv: " 2
tap_check "qemu: without svmhv: bare payload powers off" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
[ $TAP_FAILED = 0 ] || qemu_tail 60
TAP_FAILED=$((before | TAP_FAILED))

exit $TAP_FAILED
