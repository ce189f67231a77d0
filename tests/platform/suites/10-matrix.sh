#!/usr/bin/env bash
# The CPU feature matrix (`make platforms`): Debian's Linux booted under svmhv
# (scripts/run.sh --batch, -smp 2) on each -cpu line below, two QEMUs at a
# time; a CPU svmhv cannot run on must be refused with its reason and the
# firmware must go on booting. Each line prints what svmhv found (its
# "features:" line) and how many features QEMU's TCG dropped from the model.
#
#   name          QEMU  -cpu                       expect
#   novgif        7.2   max,vgif=off               Linux; no VGIF in svmhv's features
#   no1g          7.2   max,pdpe1gb=off            Linux; svmhv without 1 GiB pages
#   pb36 .. pb52  7.2   max,phys-bits=N            Linux; svmhv's MAXPHYADDR is N
#   naples        7.2   EPYC                       Linux (TCG drops what it lacks)
#   rome, milan   7.2   EPYC-Rome, EPYC-Milan      Linux
#   genoa         10    EPYC-Genoa                 Linux (QEMU 7.2 has no Genoa model)
#   nonpt         7.2   max,npt=off                refused: no nested paging
#
# Logs: build/test-logs/matrix/<name>/linux.{log,txt}, <name>.out.
# MATRIX="name ..." runs only those lines.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/matrix
mkdir -p "$dir"
export RUN_TIMEOUT=${RUN_TIMEOUT:-300}

lines=(
	"novgif  q72 max,vgif=off"
	"no1g    q72 max,pdpe1gb=off"
	"pb36    q72 max,phys-bits=36"
	"pb39    q72 max,phys-bits=39"
	"pb40    q72 max,phys-bits=40"
	"pb46    q72 max,phys-bits=46"
	"pb52    q72 max,phys-bits=52"
	"naples  q72 EPYC"
	"rome    q72 EPYC-Rome"
	"milan   q72 EPYC-Milan"
	"genoa   q10 EPYC-Genoa"
	"nonpt   q72 max,npt=off"
)

build_step "matrix: guest kernel + initramfs (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
build_step "matrix: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi || exit 1
q10=$(scripts/qemu10.sh 2>"$dir/qemu10.err" | tail -1)
[ -x "$q10" ] || { sed 's/^/# /' "$dir/qemu10.err"; q10=; }

# boot NAME QEMU CPU: one batch run, its status in NAME.rc.
boot() {
	local qemu=qemu-system-x86_64
	if [ "$2" = q10 ]; then
		[ -n "$q10" ] || { echo 127 >"$dir/$1.rc"; return; }
		qemu=$q10
	fi
	QEMU=$qemu CPU=$3 RUN_DIR=$dir/$1 scripts/run.sh --batch >"$dir/$1.out" 2>&1
	echo $? >"$dir/$1.rc"
}

# Checks on svmhv's features line ($feat) of the boot being checked.
# shellcheck disable=SC2317 # called through tap_check
feat_has() { [[ "$feat" == *"$1"* ]]; }
# shellcheck disable=SC2317 # called through tap_check
no_vgif() { ! feat_has VGIF && qemu_has -F "L1's GIF emulated"; }

selected=()
for l in "${lines[@]}"; do
	read -r name _ _ <<<"$l"
	[ -z "${MATRIX:-}" ] || [[ " $MATRIX " == *" $name "* ]] || continue
	selected+=("$l")
done

# Two boots at a time (the machine has two cores).
for ((i = 0; i < ${#selected[@]}; i += 2)); do
	for l in "${selected[@]:i:2}"; do
		read -r name q cpu <<<"$l"
		boot "$name" "$q" "$cpu" &
	done
	wait
done

for l in "${selected[@]}"; do
	read -r name q cpu <<<"$l"
	rc=$(cat "$dir/$name.rc")
	if [ "$rc" = 127 ]; then
		tap_fail "matrix: $name ($cpu): QEMU 10 missing" "$(tail -1 "$dir/qemu10.err")"
		continue
	fi
	QEMU_LOGDIR=$dir/$name qemu_load linux
	feat=$(grep -a -m1 -oE 'level 0: SVM revision .*' "$QEMU_TXT")
	dropped=$(grep -c "TCG doesn't support requested feature" "$dir/$name/linux.qemu-stderr")
	echo "# matrix: $name (-cpu $cpu): ${feat:-no features line}; TCG dropped $dropped features"
	before=$TAP_FAILED
	if [ "$name" = nonpt ]; then
		tap_check "matrix: $name: svmhv refuses a CPU without nested paging, with the reason" \
			"$(grep -a -m1 'not virtualizing' "$QEMU_TXT")" \
			qemu_has -F 'svmhv: not virtualizing: this CPU has SVM but no nested paging'
		tap_check "matrix: $name: nothing virtualized, the firmware goes on with the next boot option" \
			"end: $QEMU_END" eval '! qemu_has -F "virtualized cpu0" && qemu_has -F "EFI Internal Shell"'
		continue
	fi
	tap_check "matrix: $name (-cpu $cpu): Linux boots and passes svmhv-info under svmhv" \
		"$(tail -1 "$dir/$name.out")" [ "$rc" = 0 ]
	tap_check "matrix: $name: both CPUs virtualized, no PANIC" \
		"$(grep -a -m1 -E 'CPUs? under svmhv|PANIC' "$QEMU_TXT")" \
		eval 'qemu_has -F "2 CPUs under svmhv" && ! qemu_has -F PANIC'
	case $name in
	novgif)
		tap_check "matrix: $name: svmhv runs without VGIF (L1's GIF emulated)" "$feat" \
			no_vgif ;;
	no1g)
		tap_check "matrix: $name: svmhv maps guest memory with 2 MiB pages (no 1 GiB pages)" \
			"$(grep -a -m1 'guest-physical space' "$QEMU_TXT")" \
			qemu_has -E 'guest-physical space limited to 39 bits .*no 1 GiB pages' ;;
	pb*)
		tap_check "matrix: $name: svmhv reads MAXPHYADDR ${name#pb}" "$feat" \
			feat_has "MAXPHYADDR ${name#pb}," ;;
	*)
		tap_check "matrix: $name: svmhv finds SVM with nested paging on the model" "$feat" \
			feat_has NPT ;;
	esac
	[ "$TAP_FAILED" = "$before" ] || qemu_tail 30
done
exit "$TAP_FAILED"
