#!/usr/bin/env bash
# tests/attack: what a hostile guest tries against svmhv, in QEMU TCG. Every
# case must end in its documented guest-visible outcome with svmhv alive
# (IDENTIFY answers) and unchanged (SVMHV_HC_INTEGRITY: code checksum,
# canary pages); no boot may print PANIC.
#
#   attack-max     l1hv run=attack under svmhv (nested=1), -cpu max: MSRs,
#                  addresses, illegal state from L1, then the same from L2
#   attack-nogb    the same with -cpu max,pdpe1gb=off: svmhv maps 39 of the
#                  CPU's 40 bits, so an access above its limit reaches it
#                  (unbacked: all ones, writes dropped; the old code panicked)
#   attack-pb36    -cpu max,phys-bits=36; attack-pb46: pdpe1gb=off,phys-bits=46
#   attack-q10     QEMU 10 (x2APIC offered: the x2APIC case runs), when
#                  scripts/qemu10.sh can provide it
#   fuzz           l1hv run=fuzz: 10^4 random and mutated vmcb12s
#   triple         an L1 triple fault: svmhv resets the machine (shutdown=reset)
#   triple-halt    the same with shutdown=halt: the vCPU halts, no reset
#   badserial      serial=0x2f8 where no UART answers: svmhv says so and refuses
#   linux          Debian's Linux (-smp 2) under svmhv with the default
#                  hypercalls=cpl0: svmhv-attack (tests/attack/linux/) as root
# Boots run two at a time. Logs: build/test-logs/attack/<boot>.{log,txt}.
# Environment: ATTACK_TIMEOUT=300 seconds per boot; ATTACK_Q10=0 skips QEMU 10.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/attack
gdir=build/guest-attack
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
QEMU_TIMEOUT=${ATTACK_TIMEOUT:-300}
END_RE='ATTACK: done|ATTACK: FATAL|PANIC'

build_step "attack: svmhv.efi and l1hv.efi build" "$dir/build.log" \
	make -s build/svmhv.efi build/l1hv.efi || exit 1

# cfg NAME ARGS [EXTRA]: an image booting svmhv (nested=1) then l1hv with ARGS.
cfg() {
	local name=$1 args=$2 extra=${3:-}
	# shellcheck disable=SC2086  # extra: words, one svmhv.cfg line each
	printf '%s\n' "# tests/suites/55-attack.sh" serial=0x3f8 log=info nested=1 $extra \
		'next=\l1hv.efi' "args=expect=svmhv $args" > "$dir/$name.cfg"
	scripts/image.sh "$dir/$name.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/$name.cfg:EFI/BOOT/svmhv.cfg" build/l1hv.efi:l1hv.efi >/dev/null
}

# --- the Linux guest: scripts/guest.sh's initramfs + svmhv-attack -----------------------
# shellcheck disable=SC2317  # called through build_step
linux_image() {
	scripts/guest.sh &&
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I. tests/attack/linux/svmhv-attack.c \
		-o "$gdir/svmhv-attack" && strip "$gdir/svmhv-attack" &&
	rm -rf "$gdir/tree" && mkdir -p "$gdir/tree/usr/bin" &&
	install -m 755 "$gdir/svmhv-attack" "$gdir/tree/usr/bin/svmhv-attack" &&
	(cd "$gdir/tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/attack.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/attack.cpio.gz" > "$gdir/initrd.img" &&
	printf '%s\n' "# tests/suites/55-attack.sh: default hypercalls=cpl0" serial=0x3f8 log=info \
		'next=\vmlinuz' 'args=initrd=\initrd.img console=ttyS0,115200 panic=-1 svmhv.batch=1 svmhv.modules=msr svmhv.run=svmhv-attack' \
		> "$dir/linux.cfg" &&
	scripts/image.sh "$dir/linux.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/linux.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		"$gdir/initrd.img:initrd.img"
}
have_linux=0
build_step "attack: Linux guest with svmhv-attack (scripts/guest.sh + cpio)" "$dir/linux-build.log" \
	linux_image && have_linux=1

q10=""
if [ "${ATTACK_Q10:-1}" = 1 ]; then
	q10=$(scripts/qemu10.sh 2>"$dir/qemu10.log" | tail -1) || q10=""
	[ -x "$q10" ] || q10=""
fi

# One image per boot (QEMU locks the image it runs).
for b in attack-max attack-nogb attack-pb36 attack-pb46 attack-q10; do cfg "$b" "run=attack"; done
cfg fuzz "run=fuzz"
cfg triple "run=triple" shutdown=reset
cfg triple-halt "run=triple" shutdown=halt
printf '%s\n' "# tests/suites/55-attack.sh: no UART at 0x2f8" serial=0x2f8 'next=\l1hv.efi' \
	> "$dir/badserial.cfg"
scripts/image.sh "$dir/badserial.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
	"$dir/badserial.cfg:EFI/BOOT/svmhv.cfg" >/dev/null

# boot NAME CPU END_RE [QEMU]
boot() {
	CPU=$2 QEMU=${4:-qemu-system-x86_64} qemu_boot "$1" "$dir/$1.img" "$3" >/dev/null
}
boot attack-max max "$END_RE" &
boot attack-nogb max,pdpe1gb=off "$END_RE" &
wait
boot attack-pb36 max,phys-bits=36 "$END_RE" &
boot attack-pb46 max,pdpe1gb=off,phys-bits=46 "$END_RE" &
wait
boot fuzz max,pdpe1gb=off "$END_RE" &
boot triple max 'resetting the machine|PANIC' &
wait
boot triple-halt max 'halting this vCPU|PANIC' &
boot badserial max 'not virtualizing|PANIC' &
[ $have_linux = 0 ] || SMP=2 boot linux max 'SVMHV-LINUX-DONE|PANIC|Kernel panic' &
wait
[ -z "$q10" ] || boot attack-q10 max "$END_RE" "$q10"

no_panic() {
	local name=$1 line
	line=$(grep -a -m1 -B2 -A12 'PANIC' "$QEMU_TXT" | sed 's/^/# | /')
	tap_check "$name: svmhv does not panic" "$(grep -a -m1 PANIC "$QEMU_TXT")" [ -z "$line" ]
	[ -z "$line" ] || echo "$line"
}

# attack_tap NAME: the ATTACK lines of the loaded log as TAP lines "NAME: <case>".
attack_tap() {
	local name=$1 lines line ok=0 bad=0 done_line
	lines=$(grep -ao 'ATTACK: .*' "$QEMU_TXT" | sed 's/^ATTACK: //')
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "$name: ${line#ok - }"; ok=$((ok + 1)) ;;
		"not ok - "*) tap_fail "$name: ${line#not ok - }"; bad=$((bad + 1)) ;;
		"# "*) echo "# $name: ${line#\# }" ;;
		esac
	done <<<"$lines"
	done_line=$(grep -E '^done [0-9]+ passed, [0-9]+ failed' <<<"$lines" | head -1)
	tap_check "$name: ran to the end" "'${done_line:-no done line}' (boot ended: $QEMU_END)" \
		[ "$done_line" = "done $ok passed, $bad failed" ]
	no_panic "$name"
}

for b in attack-max attack-nogb attack-pb36 attack-pb46 fuzz ${q10:+attack-q10}; do
	qemu_load "$b"
	before=$TAP_FAILED
	TAP_FAILED=0
	attack_tap "$b"
	case $b in
	attack-nogb|attack-pb46)
		tap_check "$b: above svmhv's limit is unbacked memory (all ones, dropped)" \
			"$(grep -a -m1 'above the limit' "$QEMU_TXT")" \
			qemu_has -F 'above the limit: unbacked, read 0xffffffffffffffff, after the store 0xffffffffffffffff' ;;
	attack-q10)
		tap_check "$b: the x2APIC case ran (not skipped)" "x2APIC case skipped or missing" \
			eval "qemu_has -E 'ATTACK: ok - l1: x2APIC mode, store to the xAPIC page[^#]*$'" ;;
	fuzz)
		tap_check "fuzz: 10000 vmcb12s fired" "$(grep -a -m1 'fuzz:' "$QEMU_TXT")" \
			qemu_has -E 'fuzz: 10000 vmcb12s in' ;;
	esac
	[ $TAP_FAILED = 0 ] || qemu_tail 40
	TAP_FAILED=$((before | TAP_FAILED))
done

qemu_load triple
tap_check "triple: an L1 triple fault resets the machine (shutdown=reset)" \
	"$(grep -a -m1 'guest shutdown' "$QEMU_TXT" || echo 'no shutdown line')" \
	qemu_has -F 'guest shutdown on vCPU 0; resetting the machine'
tap_check "triple: the vCPU's state is on the console" "no register dump" \
	qemu_has -F 'exits by code:'
tap_check "triple: QEMU saw the reset (-no-reboot exits)" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
no_panic triple

qemu_load triple-halt
tap_check "triple-halt: shutdown=halt halts the vCPU, no reset" \
	"$(grep -a -m1 'guest shutdown' "$QEMU_TXT" || echo 'no shutdown line')" \
	eval "qemu_has -F 'halting this vCPU (shutdown=halt)' && [ \"\$QEMU_OFF\" = 0 ]"
no_panic triple-halt

qemu_load badserial
# gnu-efi's Print writes hex in capitals (0x2F8)
tap_check "badserial: serial= with no UART there is refused, clearly" \
	"$(grep -a -m1 'svmhv:' "$QEMU_TXT" || echo 'no message')" \
	eval "qemu_has -iF 'serial=0x2f8: no UART answers at this port' && qemu_has -F 'not virtualizing: bad configuration'"

if [ $have_linux = 1 ]; then
	qemu_load linux
	before=$TAP_FAILED
	TAP_FAILED=0
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "${line#ok - }" ;;
		"not ok - "*) tap_fail "${line#not ok - }" ;;
		esac
	done < <(grep -ao 'SVMHV-ATTACK: .*' "$QEMU_TXT" | sed 's/^SVMHV-ATTACK: //')
	tap_check "linux: svmhv-attack ran to the end (status 0)" \
		"$(grep -a -m1 'SVMHV-RUN-END svmhv-attack' "$QEMU_TXT" || echo "not run (end: $QEMU_END)")" \
		qemu_has -F 'SVMHV-RUN-END svmhv-attack status=0'
	tap_check "linux: the guest powers off" "boot ended: $QEMU_END" [ "$QEMU_OFF" = 1 ]
	no_panic linux
	[ $TAP_FAILED = 0 ] || qemu_tail 40
	TAP_FAILED=$((before | TAP_FAILED))
fi

exit "$TAP_FAILED"
