#!/usr/bin/env bash
# svmhv's serial debugger through the real path (hv/dbg/, docs/debugging.md):
#
#  1. shared line: Debian's Linux under svmhv (-smp 2) with its console on
#     COM1, which svmhv shares; the serial port is a QEMU socket on
#     127.0.0.1. tests/debug/serial_session.py opens the monitor with the
#     escape sequence, runs and checks every command, leaves it, opens it
#     again for Debian's gdb (batch, through a relay): registers, kernel
#     memory, software and hardware breakpoints on a kernel function the
#     guest calls (tests/guest/dbg-guest.sh), a single step, a watchpoint,
#     detach; then "nmi" must make Linux print a backtrace. The guest's
#     console output and input must come through whole, and its run finish.
#  2. svmhv's own line (debug_serial=0x2f8, COM2 a second socket): gdb
#     connects with no escape, the escape opens the monitor there, and
#     "reset yes" resets the machine (QEMU -no-reboot exits).
#  3. make gdb (batch): QEMU's gdbstub with build/svmhv.so's symbols where
#     svmhv relocated itself: stops in hv_handle_exit by name, prints a
#     source line; then a fault forced in svmhv shows the symbolized panic
#     backtrace.
# Skipped without gdb. Logs: build/test-logs/debug-qemu/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/debug-qemu
gdir=build/guest-dbg
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
if ! command -v gdb >/dev/null; then
	echo "ok - debug: serial debugger # SKIP gdb not installed"
	exit 0
fi
t_start=$(date +%s)

build_step "debug: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
build_step "debug: svmhv.efi builds" "$dir/svmhv-build.log" make -s build/svmhv.efi || exit 1

# The base initramfs plus a second gzip'ed cpio with /usr/bin/svmhv-dbg (the kernel
# unpacks concatenated archives in order; nothing of scripts/guest.sh is repeated).
# shellcheck disable=SC2317  # called through build_step
build_initrd() {
	local tree=$gdir/tree
	rm -rf "$tree"
	mkdir -p "$tree/usr/bin"
	install -m 755 tests/guest/dbg-guest.sh "$tree/usr/bin/svmhv-dbg"
	(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/dbg.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/dbg.cpio.gz" > "$gdir/initrd.img"
}
build_step "debug: initramfs with the guest program" "$dir/initrd.log" build_initrd || exit 1

# make_image NAME CFG_LINE...: an ESP image booting svmhv + the guest.
make_image() {
	local name=$1
	shift
	{
		echo "# svmhv.cfg written by tests/suites/47-debug.sh"
		printf '%s\n' serial=0x3f8 log=info "$@" 'next=\vmlinuz' \
			"args=initrd=\\initrd.img console=ttyS0,115200 panic=-1 svmhv.batch=1 svmhv.run=svmhv-dbg"
	} > "$dir/$name.cfg"
	scripts/image.sh "$dir/$name.img" build/guest/vmlinuz:vmlinuz "$gdir/initrd.img:initrd.img" \
		build/svmhv.efi:EFI/BOOT/BOOTX64.EFI "$dir/$name.cfg:EFI/BOOT/svmhv.cfg" \
		>"$dir/$name.image-log" 2>&1
}

kernel_clean() {   # kernel trouble other than the NMI report the test asks for
	grep -a -E 'Kernel panic|Oops|BUG:|WARNING: CPU|general protection fault|soft lockup|rcu_sched detected stall|rcu: INFO' \
		"$QEMU_TXT" | head -3
}

# --- 1. the shared line ----------------------------------------------------------------
failed=0
make_image shared || failed=1
QEMU_SERIAL_PORT=$(free_port)
SMP=2 qemu_start shared "$dir/shared.img"
python3 tests/debug/serial_session.py shared --port "$QEMU_SERIAL_PORT" --log "$dir/shared" \
	--vcpus 2 || failed=1
qemu_finish 120
TAP_FAILED=0
tap_check "debug: shared: banner says how to open the monitor" "$(grep -a -m1 'debug:' "$QEMU_TXT")" \
	qemu_has -F 'monitor: type ^\^\ on the serial line (UART 0x3f8'
tap_check "debug: shared: the guest powers off after its run" "QEMU did not exit by itself" \
	[ "$QEMU_OFF" = 1 ]
tap_check "debug: shared: no svmhv PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
bad=$(kernel_clean)
tap_check "debug: shared: kernel log has no panic/Oops/BUG/stall" "$bad" [ -z "$bad" ]
if [ $TAP_FAILED != 0 ] || [ $failed != 0 ]; then
	qemu_tail 40
	failed=1
fi
unset QEMU_SERIAL_PORT

# --- 2. svmhv's own line ---------------------------------------------------------------------
make_image own debug_serial=0x2f8 || failed=1
own_port=$(free_port)
QEMU_SERIAL_PORT=$(free_port)
QEMU_EXTRA="-chardev socket,id=ser1,host=127.0.0.1,port=$own_port,server=on,wait=off -serial chardev:ser1" \
	SMP=2 qemu_start own "$dir/own.img"
python3 tests/debug/serial_session.py dedicated --port "$QEMU_SERIAL_PORT" \
	--debug-port "$own_port" --log "$dir/own" --vcpus 2 || failed=1
qemu_finish 60
TAP_FAILED=0
tap_check "debug: own line: banner names svmhv's UART" "$(grep -a -m1 'debug: mon' "$QEMU_TXT")" \
	qemu_has -F "monitor and GDB stub on svmhv's own UART 0x2f8"
tap_check "debug: own line: the reset ended the run (QEMU -no-reboot exits)" \
	"QEMU still ran after 60 s" [ "$QEMU_OFF" = 1 ]
tap_check "debug: own line: before the guest finished" "$(grep -a -m1 SVMHV-LINUX-DONE "$QEMU_TXT")" \
	eval '! qemu_has -F SVMHV-LINUX-DONE'
tap_check "debug: own line: no svmhv PANIC" "$(grep -a -m1 PANIC "$QEMU_TXT")" eval '! qemu_has -F PANIC'
[ $TAP_FAILED = 0 ] || { qemu_tail 40; failed=1; }
unset QEMU_SERIAL_PORT

# --- 3. make gdb: svmhv itself ----------------------------------------------------------------
TAP_FAILED=0
# shellcheck disable=SC2016  # $pc is gdb's
GDB_PORT=$(free_port) SERIAL_PORT=$(free_port) GDB_TIMEOUT=180 \
	GDB_EX='break hv_handle_exit; continue; frame; list; set var $pc = 0x700000000000; detach; shell sleep 8' \
	make -s gdb >"$dir/make-gdb.out" 2>&1
sed 's/^/# /' "$dir/make-gdb.out" | grep -v '^#   CC\|^#   LD\|^#   EFI' | tail -30
tap_check "debug: make gdb loads svmhv's symbols at its run-time address" \
	"no add-symbol-file line" grep -q 'add symbol table from file "build/svmhv.so" with all sections offset by 0x' "$dir/make-gdb.out"
tap_check "debug: make gdb stops in svmhv's hv_handle_exit by name" "no breakpoint hit" \
	grep -qE '^Breakpoint 1, hv_handle_exit \(v=.*\) at hv/exit.c:[0-9]+' "$dir/make-gdb.out"
tap_check "debug: make gdb prints the source line" "no numbered source line" \
	grep -qE '^[0-9]+[[:space:]]+uint64_t code = v->vmcb->control.exit_code;' "$dir/make-gdb.out"
tap_check "debug: a fault in svmhv panics with a symbolized backtrace" \
	"$(grep -a -A12 'PANIC' build/gdb/serial.log | tr -d '\r' | head -14 | tr '\n' '|')" \
	eval "grep -aq 'PANIC: host exception 14' build/gdb/serial.log && grep -aqE '#[0-9]+ [0-9a-f]+ hv_panic_exception\+0x[0-9a-f]+' build/gdb/serial.log && grep -aqE '#[0-9]+ [0-9a-f]+ hv_run\+0x[0-9a-f]+' build/gdb/serial.log"
[ $TAP_FAILED = 0 ] || failed=1

echo "# debug suite: $(( $(date +%s) - t_start ))s"
exit $failed
