#!/usr/bin/env bash
# SMP: Debian's Linux booted under svmhv on several CPUs (QEMU TCG -smp 2, 4
# and 8), every CPU checked from inside Linux, and CPU hotplug (offline/online,
# which makes Linux send INIT/SIPI again, emulated by svmhv). A control run
# boots the same guest without svmhv (-smp 2): the per-CPU svmhv checks must
# fail there, and hotplug must work, so a hotplug failure under svmhv is
# svmhv's.
#
# The guest is scripts/guest.sh's kernel and initramfs, plus an appended cpio
# (build/guest-smp/) with /smp-init (tests/guest/smp-init, run as rdinit),
# /usr/bin/smp-check (tests/guest/smp-check.sh) and /usr/bin/svmhv-smp
# (tests/guest/svmhv-smp.c). smp-check prints "SVMHV-SMP: ok - NAME" lines,
# turned here into "ok - smp: N cpus: NAME".
#
# Environment overrides:
#   SMP_CONFIGS="2 4 8" vCPU counts booted under svmhv (one after the other)
#   SMP_CYCLES=3        offline/online cycles per CPU
#   SMP_TIMEOUT=300     seconds per boot before QEMU is killed
#   SMP_CONTROL=1       0: skip the control boot without svmhv
#   SMP_LOG=debug       svmhv log level (debug shows each emulated INIT/SIPI,
#                       which the "INIT/SIPI emulated" check counts)
#   SMP_LOGDIR=build/test-logs/smp   logs and images (two runs at once need two)
#   SMP_GUEST_ARGS="..."  more kernel command line, e.g. "svmhv.smp.pause=600" (after
#                       the first failed check the guest waits, for QEMU_EXTRA=
#                       "-monitor unix:/tmp/mon.sock,server,nowait" + info registers -a)
# Logs: $SMP_LOGDIR/{smp2,smp4,smp8,smp2-bare}.{log,txt,cfg,img}.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=${SMP_LOGDIR:-build/test-logs/smp}
gdir=build/guest-smp
configs=${SMP_CONFIGS:-2 4 8}
cycles=${SMP_CYCLES:-3}
QEMU_TIMEOUT=${SMP_TIMEOUT:-300}
loglevel=${SMP_LOG:-debug}
end_re='SVMHV-SMP-DONE|PANIC|Kernel panic|not virtualizing'
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)

# --- build: svmhv, the base guest, the SMP additions --------------------------------------
build_step "smp: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
have_svmhv=0
build_step "smp: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi &&
	have_svmhv=1

# build_smp_initrd: build/guest/initrd.img + a second gzip'ed cpio with our files (the
# kernel unpacks concatenated archives in order), so nothing of guest.sh is duplicated.
build_smp_initrd() {
	local tree=$gdir/tree
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I. tests/guest/svmhv-smp.c \
		-o "$gdir/svmhv-smp" || return 1
	strip "$gdir/svmhv-smp"
	rm -rf "$tree"
	mkdir -p "$tree/usr/bin"
	install -m 755 tests/guest/smp-init "$tree/smp-init"
	install -m 755 tests/guest/smp-check.sh "$tree/usr/bin/smp-check"
	install -m 755 "$gdir/svmhv-smp" "$tree/usr/bin/svmhv-smp"
	(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/smp.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/smp.cpio.gz" > "$gdir/initrd.img.tmp" &&
	mv -f "$gdir/initrd.img.tmp" "$gdir/initrd.img"
}
# One build at a time (flock, as scripts/guest.sh), and it is quick: always rebuilt.
if (flock 9 && build_smp_initrd) 9>"$gdir/.lock" >"$dir/smp-build.log" 2>&1; then
	tap_ok "smp: SMP initramfs builds (svmhv-smp, smp-check, smp-init)"
else
	sed 's/^/# /' "$dir/smp-build.log" | tail -30
	tap_fail "smp: SMP initramfs builds (svmhv-smp, smp-check, smp-init)"
	exit 1
fi

# make_image NAME NCPU BARE: build/test-logs/smp/NAME.img booting the SMP guest.
make_image() {
	local name=$1 n=$2 bare=$3 kargs files
	kargs="console=ttyS0,115200 panic=-1 rdinit=/smp-init svmhv.batch=1 svmhv.smp=$n"
	kargs+=" svmhv.smp.cycles=$cycles${SMP_GUEST_ARGS:+ $SMP_GUEST_ARGS}"
	files=(build/guest/vmlinuz:vmlinuz "$gdir/initrd.img:initrd.img")
	if [ "$bare" = 1 ]; then
		printf '%s\r\n' '@echo -off' 'fs0:' "\\vmlinuz initrd=\\initrd.img $kargs" \
			> "$dir/$name.nsh"
		files+=("$dir/$name.nsh:startup.nsh")
	else
		printf '%s\n' "# svmhv.cfg written by tests/suites/45-smp.sh" "serial=0x3f8" \
			"log=$loglevel" "hypercalls=all" 'next=\vmlinuz' \
			"args=initrd=\\initrd.img $kargs" \
			> "$dir/$name.cfg"
		files+=(build/svmhv.efi:EFI/BOOT/BOOTX64.EFI "$dir/$name.cfg:EFI/BOOT/svmhv.cfg")
	fi
	scripts/image.sh "$dir/$name.img" "${files[@]}"
}

# boot NAME NCPU BARE: one QEMU run; results via qemu_load NAME.
boot() {
	local name=$1 n=$2 bare=$3
	if ! make_image "$name" "$n" "$bare" >"$dir/$name.image-log" 2>&1; then
		echo "QEMU_END=error" > "$dir/$name.status"
		return 1
	fi
	SMP=$n qemu_boot "$name" "$dir/$name.img" "$end_re" >/dev/null
}

# The guest's result lines: "ok - NAME" / "not ok - NAME: why" / "# diag".
guest_lines() { grep -ao 'SVMHV-SMP: .*' "$QEMU_TXT" | sed 's/^SVMHV-SMP: //'; }

# guest_result NAME: ok, not ok or missing (first line for that name).
guest_result() {
	guest_lines | awk -v name="$1" '
		$0 == "ok - " name { r = "ok"; exit }
		$0 == "not ok - " name || index($0, "not ok - " name ": ") == 1 { r = "not ok"; exit }
		END { print (r == "" ? "missing" : r) }'
}
guest_detail() {
	guest_lines | awk -v name="$1" 'index($0, "not ok - " name ": ") == 1 {
		print substr($0, length("not ok - " name ": ") + 1); exit }'
}

# The names smp-check prints for N CPUs, in order.
expected_names() {
	local n=$1 i
	echo "all CPUs online"
	for ((i = 0; i < n; i++)); do echo "cpu $i: svmhv checks pinned (signature, VCPU_INFO, exit counters)"; done
	echo "NMI backtrace: every CPU took its NMI"
	for ((i = 1; i < n; i++)); do
		echo "hotplug: cpu $i offline/online x$cycles"
		echo "hotplug: cpu $i svmhv checks after each online"
	done
	[ "$n" -le 2 ] || echo "hotplug: cpus 1-$((n - 1)) offline together, then online"
	echo "hotplug under load: cpus 1-$((n - 1)) offline/online x$cycles"
	echo "after hotplug: all CPUs online"
	echo "after hotplug: svmhv checks on every CPU"
}

# Where a boot stopped: the first failure's context, the last lines of svmhv and
# of the kernel, then the log tail.
where_it_stopped() {
	local first
	first=$(grep -anE '^SVMHV-SMP: not ok|do_boot_cpu failed|smpboot: .*(failed|[Nn]ot responding)' \
		"$QEMU_TXT" | head -1 | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "# ---- before the first failure (line $first of $QEMU_TXT)"
		sed -n "$((first > 20 ? first - 20 : 1)),${first}p" "$QEMU_TXT" | sed 's/^/# | /'
	fi
	echo "# ---- last svmhv lines"
	grep -a '\[svmhv\]' "$QEMU_TXT" | tail -15 | sed 's/^/# | /'
	echo "# ---- last kernel lines"
	grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$QEMU_TXT" | tail -15 | sed 's/^/# | /'
	qemu_tail 60
}

# --- boots under svmhv --------------------------------------------------------------------
check_svmhv_run() {
	local n=$1 name=smp$1 p="smp: $1 cpus: " i k want got missing bad line r
	qemu_load "$name"
	TAP_FAILED=0
	missing=""
	for ((i = 0; i < n; i++)); do
		qemu_has -F "hv: virtualized cpu$i " || missing+=" cpu$i"
	done
	tap_check "${p}svmhv virtualized every CPU before Linux" "not seen:$missing" [ -z "$missing" ]
	tap_check "${p}Linux brought up $n CPUs" \
		"$(grep -a -m1 -E 'smp: Brought up|smpboot: .*failed|CPU[0-9]+ failed' "$QEMU_TXT" || echo 'no "smp: Brought up" line')" \
		qemu_has -E "smp: Brought up [0-9]+ nodes?, $n CPUs"
	tap_check "${p}boots to /init (rdinit=/smp-init)" "no SVMHV-SMP-INIT line (end: $QEMU_END)" \
		qemu_has -F 'SVMHV-SMP-INIT'
	guest_lines | grep '^# ' | sed 's/^/# guest: /'
	while IFS= read -r want; do
		r=$(guest_result "$want")
		case $r in
		ok) tap_ok "$p$want" ;;
		"not ok") tap_fail "$p$want" "$(guest_detail "$want")" ;;
		*) tap_fail "$p$want" "not reported by the guest (boot ended: $QEMU_END)" ;;
		esac
	done < <(expected_names "$n")
	# Every AP was started by SIPI at boot, and again after each online.
	if [ "$loglevel" = debug ] || [ "$loglevel" = trace ] || [ "$loglevel" = 3 ] || [ "$loglevel" = 4 ]; then
		bad=""
		want=$((1 + 2 * cycles + (n > 2 ? 1 : 0)))
		for ((k = 1; k < n; k++)); do
			got=$(grep -ac "vCPU $k: SIPI, starting at" "$QEMU_TXT")
			[ "$got" -ge "$want" ] || bad+="${bad:+; }vCPU $k: $got SIPIs (expected >= $want)"
		done
		tap_check "${p}svmhv emulated INIT/SIPI for the boot and every online of each AP" \
			"$bad" [ -z "$bad" ]
	fi
	tap_check "${p}guest finished: SVMHV-SMP-DONE status=0" \
		"$(grep -a -m1 'SVMHV-SMP-DONE' "$QEMU_TXT" || echo "no DONE line (end: $QEMU_END)")" \
		qemu_has -F 'SVMHV-SMP-DONE status=0'
	tap_check "${p}guest powers the machine off" "boot ended: $QEMU_END after ${QEMU_SECS}s" \
		[ "$QEMU_OFF" = 1 ]
	line=$(grep -a -m1 -B2 -A8 'PANIC' "$QEMU_TXT" | sed 's/^/# | /')
	tap_check "${p}no svmhv PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" [ -z "$line" ]
	[ -z "$line" ] || echo "$line"
	bad=$(grep -a -m3 -E 'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|Call Trace|soft lockup|hard LOCKUP|rcu_sched detected stall|rcu: INFO' "$QEMU_TXT")
	tap_check "${p}kernel log has no panic/Oops/BUG/WARNING/stall" "$bad" [ -z "$bad" ]
	[ $TAP_FAILED = 0 ] || where_it_stopped
	echo "# smp: $n cpus: ${QEMU_SECS}s boot to power-off (end: $QEMU_END)"
	return $TAP_FAILED
}

# --- control: the same guest without svmhv --------------------------------------------------
check_bare_run() {
	local n=$1 name=smp$1-bare p="smp: control without svmhv, $1 cpus: " i r nofail=""
	qemu_load "$name"
	TAP_FAILED=0
	tap_check "${p}boots to /init" "no SVMHV-SMP-INIT line (end: $QEMU_END)" \
		qemu_has -F 'SVMHV-SMP-INIT'
	tap_check "${p}all CPUs online" "$(guest_detail 'all CPUs online')" \
		[ "$(guest_result 'all CPUs online')" = ok ]
	for ((i = 0; i < n; i++)); do
		grep -aqE "^SVMHV-SMP: # svmhv-smp: cpu $i: FAIL: no svmhv signature" "$QEMU_TXT" ||
			nofail+=" cpu $i"
	done
	tap_check "${p}svmhv-smp finds no svmhv signature on any CPU (the check can fail)" \
		"no 'no svmhv signature' failure on:$nofail" [ -z "$nofail" ]
	r="NMI backtrace: every CPU took its NMI"
	tap_check "${p}$r" "$(guest_detail "$r")" [ "$(guest_result "$r")" = ok ]
	for ((i = 1; i < n; i++)); do
		r="hotplug: cpu $i offline/online x$cycles"
		tap_check "${p}$r (so hotplug failures under svmhv are svmhv's)" \
			"$(guest_detail "$r")" [ "$(guest_result "$r")" = ok ]
	done
	# shellcheck disable=SC2016  # expanded by eval
	tap_check "${p}guest finished and powered off" "end: $QEMU_END" \
		eval 'qemu_has -F "SVMHV-SMP-DONE status=" && [ "$QEMU_OFF" = 1 ]'
	[ $TAP_FAILED = 0 ] || qemu_tail 40
	echo "# smp: control, $n cpus: ${QEMU_SECS}s boot to power-off (end: $QEMU_END)"
	return $TAP_FAILED
}

failed=0
# The control shares the host with the first svmhv boot (TCG: a thread per vCPU).
if [ "${SMP_CONTROL:-1}" = 1 ]; then
	boot smp2-bare 2 1 &
	bare_pid=$!
fi
if [ $have_svmhv = 1 ]; then
	for n in $configs; do
		boot "smp$n" "$n" 0
		check_svmhv_run "$n" || failed=1
	done
fi
if [ "${SMP_CONTROL:-1}" = 1 ]; then
	wait "$bare_pid"
	check_bare_run 2 || failed=1
fi
[ $have_svmhv = 1 ] || failed=1
exit $failed
