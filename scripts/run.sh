#!/usr/bin/env bash
# Boot svmhv + Debian's Linux in QEMU with OVMF (make run / run-batch / kvm-run).
#
#   scripts/run.sh            interactive: serial console on this terminal (Ctrl-A X quits)
#   scripts/run.sh --batch    non-interactive: the guest powers off after svmhv-info;
#                             exit 0 only if Linux saw svmhv (SVMHV-LINUX-OK and
#                             SVMHV-LINUX-DONE status=0) and nothing panicked
#   scripts/run.sh --kvm      -accel kvm -cpu host, nested under KVM on an AMD host
#                             with kvm_amd nested=1 (combines with --batch)
#   scripts/run.sh --bare     no svmhv: OVMF's shell boots the same Linux directly
#                             (a control run; with --batch it passes when the guest
#                             reports, and says it is NOT under svmhv)
#   scripts/run.sh --image-only   write svmhv.cfg and the disk image, print the
#                             image's path, start nothing (scripts/gdb.sh, test suites)
#
# svmhv's monitor: type Ctrl-\ Ctrl-\ on the console (svmhv.cfg escape=);
# see docs/debugging.md for its commands and for gdb on the same line.
#
# It builds the guest (scripts/guest.sh), writes svmhv.cfg (next=\vmlinuz,
# args=initrd=\initrd.img console=ttyS0 ...), makes a FAT image (scripts/image.sh)
# in $RUN_DIR and starts QEMU (scripts/qemu.sh).
#
# Environment overrides:
#   SMP=2 MEM=1G               vCPUs (every one virtualized by svmhv) and guest memory
#   QEMU_EXTRA="..."           extra QEMU arguments, e.g. "-s" for gdb
#   OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd  OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
#   QEMU=qemu-system-x86_64 CPU=max   binary, and -cpu model under TCG
#   SVMHV_LOG=info             svmhv.cfg log= level
#   SVMHV_CFG_EXTRA="k=v ..."  more svmhv.cfg lines, e.g. "force_tlb_flush=1 heap=64"
#   GUEST_ARGS="..."           more kernel command line (interactive default:
#                              "svmhv.modules=kvm_amd"; set it empty for none)
#   GUEST_MODULES="kvm_amd"    modules put in the initramfs (scripts/guest.sh)
#   RUN_TIMEOUT=300            --batch: seconds before QEMU is killed
#   RUN_DIR=build/run          image, OVMF vars copy and --batch logs (<name>.log raw,
#                              <name>.txt cleaned; name = linux, linux-bare, ...-kvm)
set -euo pipefail
cd "$(dirname "$0")/.."
export SMP=${SMP:-2}

batch=0 kvm=0 bare=0 image_only=0
for a in "$@"; do
	case $a in
	--batch) batch=1 ;;
	--image-only) image_only=1 ;;
	--kvm) kvm=1 ;;
	--bare) bare=1 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $a (try --help)" >&2; exit 2 ;;
	esac
done

if [ $kvm = 1 ]; then
	scripts/qemu.sh --check-kvm || {
		echo "run.sh: --kvm needs /dev/kvm with nested SVM (see above); 'make run' uses TCG instead" >&2
		exit 1
	}
fi
[ $bare = 1 ] || [ -f build/svmhv.efi ] || make -s build/svmhv.efi

scripts/guest.sh

dir=${RUN_DIR:-build/run}
name=linux
if [ $bare = 1 ]; then name+=-bare; fi
if [ $kvm = 1 ]; then name+=-kvm; fi
mkdir -p "$dir"
# Interactive runs load kvm_amd (nested SVM is svmhv's default): the console
# shows "Nested Paging enabled", and /dev/kvm is there to try.
if [ $batch = 0 ] && [ -z "${GUEST_ARGS+set}" ]; then GUEST_ARGS="svmhv.modules=kvm_amd"; fi
kargs="console=ttyS0,115200 panic=-1${GUEST_ARGS:+ $GUEST_ARGS}"
[ $batch = 0 ] || kargs="$kargs svmhv.batch=1"

files=(build/guest/vmlinuz:vmlinuz build/guest/initrd.img:initrd.img)
if [ $bare = 1 ]; then
	printf '%s\r\n' '@echo -off' 'fs0:' "\\vmlinuz initrd=\\initrd.img $kargs" > "$dir/$name.nsh"
	files+=("$dir/$name.nsh:startup.nsh")
else
	{
		echo "# svmhv.cfg written by scripts/run.sh"
		echo "serial=0x3f8"
		echo "log=${SVMHV_LOG:-info}"
		echo "# the guest's tools (svmhv-info, kvmtest) read svmhv's counters from user space"
		echo "hypercalls=all"
		for kv in ${SVMHV_CFG_EXTRA:-}; do echo "$kv"; done
		printf '%s\n' 'next=\vmlinuz' "args=initrd=\\initrd.img $kargs"
	} > "$dir/$name.cfg"
	files+=(build/svmhv.efi:EFI/BOOT/BOOTX64.EFI "$dir/$name.cfg:EFI/BOOT/svmhv.cfg")
fi
scripts/image.sh "$dir/$name.img" "${files[@]}" >&2
if [ $image_only = 1 ]; then
	echo "$dir/$name.img"
	exit 0
fi
qemu_args=()
[ $kvm = 0 ] || qemu_args+=(--kvm)

if [ $batch = 0 ]; then
	echo "run.sh: $([ $bare = 1 ] && echo "Linux without svmhv" || echo "svmhv + Linux")" \
	     "in QEMU $([ $kvm = 1 ] && echo KVM || echo TCG); serial console here." \
	     "Quit: Ctrl-A X (Ctrl-A C: QEMU monitor). In the guest: svmhv-info, poweroff -f."
	[ $bare = 1 ] || echo "run.sh: svmhv's monitor (all CPUs stopped): type Ctrl-\\ Ctrl-\\;" \
	     "'help' lists its commands, 'continue' resumes the guest, 'gdb' hands the line" \
	     "to gdb. See docs/debugging.md."
	exec scripts/qemu.sh "${qemu_args[@]}" "$dir/$name.img"
fi

# --batch: boot with the harness (timeout, end marker), mirror the serial log here.
. tests/qemu/lib.sh
QEMU_LOGDIR=$dir
QEMU_TIMEOUT=${RUN_TIMEOUT:-300}
QEMU_ECHO=1 qemu_boot "$name" "$dir/$name.img" \
	'SVMHV-LINUX-DONE|PANIC|Kernel panic|not virtualizing' "${qemu_args[@]}" >"$dir/$name.harness"
echo
cat "$dir/$name.harness"

why=()
if [ $bare = 1 ]; then
	qemu_has -F 'SVMHV-LINUX-DONE status=' || why+=("no SVMHV-LINUX-DONE line")
else
	qemu_has -x 'SVMHV-LINUX-OK' || why+=("no SVMHV-LINUX-OK line")
	qemu_has -F 'SVMHV-LINUX-DONE status=0' || why+=("no 'SVMHV-LINUX-DONE status=0' line")
	! qemu_has -F 'PANIC' || why+=("svmhv PANIC")
fi
! qemu_has -F 'Kernel panic' || why+=("Linux kernel panic")
[ "$QEMU_END" != timeout ] || why+=("timed out after ${QEMU_TIMEOUT}s")
if [ ${#why[@]} = 0 ]; then
	echo "run.sh: PASS: $name batch boot in ${QEMU_SECS}s (log: $dir/$name.log)"
	exit 0
fi
echo "run.sh: FAIL: $name batch boot: $(IFS=';'; echo "${why[*]}") (log: $dir/$name.log)"
exit 1
