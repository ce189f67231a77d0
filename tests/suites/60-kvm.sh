#!/usr/bin/env bash
# Linux KVM as a guest hypervisor under svmhv's nested SVM: Debian's Linux booted
# under svmhv with nested=1 (scripts/run.sh --batch), kvm_amd loaded with
# nested=1 and npt=0, or npt=1 for the "npt" boot (svmhv shadows L1's nested page
# tables; busybox modprobe applies the
# kvm_amd.* words of the kernel command line), then /usr/bin/kvmtest
# (tests/guest/kvmtest.c, run by /init for svmhv.run=kvmtest): real-mode and
# long-mode L2 VMs doing port I/O, MMIO, CPUID and HLT through /dev/kvm, >= 1000
# I/O exits each with a running checksum, once more while migrating between CPUs,
# and a triple fault (KVM_EXIT_SHUTDOWN); then L3: an L2 given SVM by KVM runs
# its own tiny hypervisor, which VMRUNs an L3 doing 200 rounds of IN/OUT/VMMCALL
# (each exit checked by L2, results checked by kvmtest), with npt=1 once more
# on L2's own nested page tables. svmhv's exit and TLB-flush counters
# around each loop are printed as "# kvmtest:" diagnostics.
# Each "KVMTEST: ok - NAME" becomes "ok - kvm: NAME". The same boot is repeated
# with force_tlb_flush=1 in svmhv.cfg ("kvm-forceflush: ..." lines).
#
# Environment overrides:
#   KVM_CONFIGS="plain forceflush npt"   which boots (one after the other)
#   KVM_TIMEOUT=300       seconds per boot before QEMU is killed
#   KVM_LOG=info          svmhv log level (debug adds e.g. the VMRUNs svmhv refuses, and why)
#   SMP=2                 vCPUs
#   TCG_THREAD            multi or single (scripts/qemu.sh); default single on QEMU 7.x,
#                         whose multi-threaded TCG can loop Linux on a stale INT3 after
#                         KVM's VM creation patches the kernel's text (docs/platforms.md)
#   KVM_LOGDIR=build/test-logs/kvm   logs: <config>/linux.{log,txt,cfg,img}, <config>.out
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=${KVM_LOGDIR:-build/test-logs/kvm}
configs=${KVM_CONFIGS:-plain forceflush npt}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export SMP=${SMP:-2} GUEST_MODULES="kvm_amd msr"
if [ -z "${TCG_THREAD:-}" ]; then
	case $("${QEMU:-qemu-system-x86_64}" --version | head -1) in
	*"version 7."*) TCG_THREAD=single ;;
	*) TCG_THREAD=multi ;;
	esac
fi
export TCG_THREAD
echo "# kvm: TCG thread=$TCG_THREAD ($("${QEMU:-qemu-system-x86_64}" --version | head -1))"

build_step "kvm: guest kernel + initramfs with kvm_amd and kvmtest (scripts/guest.sh)" \
	"$dir/guest-build.log" scripts/guest.sh || exit 1
build_step "kvm: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi || exit 1

kargs="svmhv.modules=kvm_amd kvm_amd.nested=1 kvm_amd.dump_invalid_vmcb=1 svmhv.run=kvmtest"

# check_boot PREFIX NPT: the checks of one boot (kvm_amd.npt=NPT), from $QEMU_TXT.
check_boot() {
	local p=$1 npt=$2 fills line name ok=0 bad=0 done_line kvmlines failed_before=$TAP_FAILED bad_kernel
	local l3 l3np notrun
	TAP_FAILED=0
	tap_check "$p: svmhv offers SVM to Linux (nested=1)" "no 'SVM offered to the guest' line" \
		qemu_has -F 'SVM offered to the guest'
	tap_check "$p: Linux boots to /init under svmhv" "no SVMHV-LINUX-INIT (end: $QEMU_END)" \
		qemu_has -x 'SVMHV-LINUX-INIT'
	tap_check "$p: kvm_amd loads under svmhv" \
		"$(grep -a -m1 'SVMHV-MODULE-FAILED' "$QEMU_TXT" || echo 'no SVMHV-MODULE-LOADED kvm_amd')" \
		qemu_has -x 'SVMHV-MODULE-LOADED kvm_amd'
	if [ "$npt" = 1 ]; then
		tap_check "$p: kvm_amd runs with nested=1 and NPT (svmhv offers L1 nested paging)" \
			"$(grep -a -m1 'kvm_amd parameters' "$QEMU_TXT" || echo 'no parameters line')" \
			qemu_has -E 'KVMTEST: # kvm_amd parameters: nested=1 npt=(Y|1)( |$)'
		tap_check "$p: dmesg says 'Nested Paging enabled'" "$(grep -a -m1 'Nested Paging' "$QEMU_TXT")" \
			qemu_has -F 'Nested Paging enabled'
	else
		tap_check "$p: kvm_amd runs with nested=1 and without NPT" \
			"$(grep -a -m1 'kvm_amd parameters' "$QEMU_TXT" || echo 'no parameters line')" \
			qemu_has -E 'KVMTEST: # kvm_amd parameters: nested=1 npt=(N|0)( |$)'
	fi
	grep -a -E '^\[ *[0-9.]+\] (kvm|SVM|kvm_amd)[:_ ]' "$QEMU_TXT" | sed 's/^/# dmesg: /'

	kvmlines=$(grep -a -o 'KVMTEST: .*' "$QEMU_TXT" | sed 's/^KVMTEST: //')
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "$p: ${line#ok - }"; ok=$((ok + 1)) ;;
		"not ok - "*) tap_fail "$p: ${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# kvmtest: ${line#\# }" ;;
		esac
	done <<<"$kvmlines"
	# L3: the L2 hypervisor scenario ran (its check of L2's #VMEXITs is always
	# printed once L2 exists); on L2's nested paging too with npt=1, and only
	# then (KVM offers NPT to its guests only with npt=1).
	l3=$(grep -c -E '^(not )?ok - L3: every #VMEXIT L2 saw' <<<"$kvmlines")
	l3np=$(grep -c -E "^(not )?ok - L3 on L2's nested paging: every #VMEXIT L2 saw" <<<"$kvmlines")
	tap_check "$p: L3 scenario ran (an L2 hypervisor runs L3)" "$l3 lines" [ "$l3" -eq 1 ]
	if [ "$npt" = 1 ]; then
		tap_check "$p: L3 scenario on L2's nested paging ran" "$l3np lines" [ "$l3np" -eq 1 ]
	else
		notrun=$(grep -c "^# L3 on L2's nested paging: not run" <<<"$kvmlines")
		tap_check "$p: no L3 on L2's nested paging without npt (KVM offers L2 no NPT)" \
			"$l3np lines, $notrun 'not run' lines" [ "$l3np.$notrun" = 0.1 ]
	fi
	done_line=$(grep -E '^done [0-9]+ passed, [0-9]+ failed' <<<"$kvmlines" | head -1)
	if [ -z "$done_line" ]; then
		tap_fail "$p: kvmtest ran to the end" "no 'KVMTEST: done' line (boot ended: $QEMU_END)"
	else
		tap_check "$p: kvmtest ran to the end" \
			"'$done_line' but $ok ok / $bad not ok lines were seen" \
			[ "$done_line" = "done $ok passed, $bad failed" ]
	fi
	name=$(grep -a -m1 -o 'SVMHV-RUN-END kvmtest status=[0-9]*' "$QEMU_TXT")
	tap_check "$p: kvmtest exit status 0" "${name:-no SVMHV-RUN-END line}" \
		[ "$name" = "SVMHV-RUN-END kvmtest status=0" ]
	# L2 ran on svmhv's shadow of KVM's nested page tables (npt=1), and only then.
	fills=$(grep -a -o 'KVMTEST: # long mode: svmhv shadow NPT over the whole run: fills [0-9]*' \
		"$QEMU_TXT" | grep -o '[0-9]*$')
	if [ "$npt" = 1 ]; then
		tap_check "$p: L2 ran on svmhv's shadow of L1's nested page tables (shadow fills)" \
			"fills: '${fills:-no line}'" [ "${fills:-0}" -gt 0 ]
	else
		tap_check "$p: no shadow of nested page tables without NPT" "fills: '${fills:-no line}'" \
			[ "${fills:-x}" = 0 ]
	fi
	tap_check "$p: svmhv did not PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" \
		eval '! qemu_has -F PANIC'
	bad_kernel=$(grep -a -v '^\[svmhv\]' "$QEMU_TXT" | grep -a -m3 -E \
		'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|Call Trace|VMCB Control Area|last attempted VMRUN|KVM: entry failed')
	tap_check "$p: kernel log has no panic/Oops/BUG/WARNING/invalid VMCB" "$bad_kernel" \
		[ -z "$bad_kernel" ]
	tap_check "$p: guest finishes (SVMHV-LINUX-DONE)" "boot ended: $QEMU_END" \
		qemu_has -F "SVMHV-LINUX-DONE status="
	tap_check "$p: guest powers the machine off" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
	grep -a -E '^\[svmhv\] cpu[0-9]+ [EW] ' "$QEMU_TXT" | head -20 | sed 's/^/# svmhv warning: /'
	if [ $TAP_FAILED != 0 ]; then
		QEMU_TXT=$QEMU_TXT qemu_tail 80
	fi
	TAP_FAILED=$((failed_before | TAP_FAILED))
}

for c in $configs; do
	case $c in
	plain) prefix=kvm extra="nested=1" npt=0 ;;
	forceflush) prefix=kvm-forceflush extra="nested=1 force_tlb_flush=1" npt=0 ;;
	npt) prefix=kvm-npt extra="nested=1" npt=1 ;;
	*) tap_fail "kvm: unknown KVM_CONFIGS entry '$c'"; continue ;;
	esac
	mkdir -p "$dir/$c"
	RUN_DIR=$dir/$c RUN_TIMEOUT=${KVM_TIMEOUT:-300} SVMHV_LOG=${KVM_LOG:-info} \
		SVMHV_CFG_EXTRA="$extra" GUEST_ARGS="$kargs kvm_amd.npt=$npt" GUEST_OFFLINE=1 \
		scripts/run.sh --batch >"$dir/$c.out" 2>&1
	QEMU_LOGDIR=$dir/$c qemu_load linux
	check_boot "$prefix" "$npt"
done
exit "$TAP_FAILED"
