#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lay out svmhv's files for an EFI system partition (make esp DEST=dir):
#
#   DEST/EFI/svmhv/svmhv.efi      the hypervisor (build/svmhv.efi)
#   DEST/EFI/svmhv/svmhv.cfg      every option, commented out (= the defaults); an
#                                 existing svmhv.cfg is kept and the template is
#                                 written as svmhv.cfg.new beside it
#   DEST/EFI/svmhv/INSTALL.txt    how to add the boot entry (efibootmgr)
#
# DEST may be the mounted ESP itself (/boot/efi on Debian) or any folder to copy
# from. Nothing outside DEST/EFI/svmhv is written; no boot entry is created.
#
#   scripts/esp.sh DEST [SVMHV_EFI]     SVMHV_EFI defaults to build/svmhv.efi
set -euo pipefail

usage() { echo "usage: make esp DEST=<folder, e.g. /boot/efi>   (scripts/esp.sh DEST [svmhv.efi])" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then usage; fi
dest=$1
efi=${2:-$(dirname "$0")/../build/svmhv.efi}
[ -f "$efi" ] || { echo "esp: $efi is missing: run 'make' first" >&2; exit 1; }
[ -d "$dest" ] || { echo "esp: $dest is not a folder" >&2; exit 1; }

dir=$dest/EFI/svmhv
mkdir -p "$dir"

# The options of README.md "Configuration", one commented example each.
cfg_template() {
	cat <<'EOF'
# svmhv.cfg: options of svmhv.efi, read from the folder svmhv.efi was loaded from.
# One key=value per line; a line starting with '#' is a comment; the value is
# the rest of the line. The boot entry's load options override this file.
# Every option below is commented out, so its default applies; remove the '#'
# to set one. A bad line makes svmhv refuse to start (it says which line) and
# return to the firmware, which then boots the next entry.

# EFI image to chain-load after virtualizing, on this volume ('\' or '/').
# Default: none: return to the firmware, which goes on with its boot order
# (now as svmhv's guest). For Debian's shim/GRUB:
#next=\EFI\debian\shimx64.efi

# Load options passed to next, e.g. a kernel command line for the EFI stub
# (with next=\EFI\debian\vmlinuz). Default: empty.
#args=initrd=\EFI\debian\initrd.img root=/dev/sda2 ro console=ttyS0,115200

# I/O port of the 16550 UART for svmhv's console (115200 8N1), decimal or 0x
# hex, or off. Default: 0x3f8 (COM1).
#serial=0x3f8

# Console log level: error, warn, info, debug, trace (or 0-4). Default: info.
#log=info

# Flush both TLB contexts on every nested transition, to compare against the
# precise flushes (0/1, yes/no, on/off, true/false). Default: off.
#force_tlb_flush=off

# MiB of reserved memory for svmhv's heap (page tables, VMCBs, stacks),
# 4-1024. Default: 16.
#heap=16

# Offer SVM (with nested paging) to the guest, so a guest hypervisor (Linux
# KVM's kvm_amd) can run its own VMs (booleans as above). Default: on.
#nested=on

# Where the CPU has VGIF, the guest hypervisor's STGI/CLGI run without exits
# to svmhv (its GIF in the CPU's VGIF); off emulates them, both intercepted
# (booleans as above). Default: on.
#vgif=on

# Pages per vCPU for the shadows of L1's nested page tables, 16-65536 (4 KiB
# each, from the heap; a short pool evicts, it never fails). Default: 512.
#shadow_pages=512

# The keys typed on the serial line that open svmhv's monitor (all CPUs
# stopped; inspect, or hand the line to gdb): caret notation, ^\^\ is
# Ctrl-\ twice; off leaves the guest's UART alone. See docs/debugging.md.
# Default: ^\^\.
#escape=^\^\

# A second UART that is svmhv's alone (monitor and GDB stub there, hidden
# from the guest), e.g. 0x2f8 for COM2; off. Default: off.
#debug_serial=off

# When the guest shuts down (triple fault): reset the machine as the
# platform would, or halt that CPU in svmhv with its state on the console
# (for debugging). Default: reset.
#shutdown=reset

# Who may call svmhv's information hypercalls (exit counters, its memory
# range, ...): cpl0 (the guest kernel) or all (also programs in the OS, as
# the test tools use). Default: cpl0.
#hypercalls=cpl0
# Guard svmhv's memory from devices with the AMD IOMMU: required (refuse to
# start without an IOMMU), auto (own it when there is one, warn when not) or
# off (leave the IOMMU to the OS). Default: auto.
#dma_protect=auto

# AMD microcode: before taking each CPU, load its patch from
# amd-ucode\microcode_amd*.bin in this folder (copy /lib/firmware/amd-ucode/
# of Debian's amd64-microcode there), when the file is there and its patch is
# newer than the running one: auto, or off. Default: auto.
#microcode=auto

# Testing only: make the takeover of this CPU index (an AP) fail, to see it
# parked. Default: 0 (none).
#test_fail_cpu=0

# Testing only: panic at the boot CPU's first exit after the takeover, to see
# the panic on the serial line or the screen. Default: off.
#test_panic=off
EOF
}

install_text() {
	cat <<'EOF'
svmhv on an EFI system partition
================================

Needs: an AMD CPU with SVM and nested paging, SVM ("SVM mode", "AMD-V")
enabled in the firmware setup, UEFI boot. With Secure Boot on, svmhv.efi must
be signed with a key the firmware (db) or shim (MOK) trusts: see README.md,
"Secure Boot".

1. These files go to EFI/svmhv/ on the ESP (mounted at /boot/efi on Debian):

       /boot/efi/EFI/svmhv/svmhv.efi
       /boot/efi/EFI/svmhv/svmhv.cfg

   Edit svmhv.cfg: at least next= (the loader to start after svmhv, e.g.
   next=\EFI\debian\shimx64.efi), or nothing, and the firmware goes on with
   its boot order.

2. Add a boot entry (as root; find the ESP's disk and partition number with
   `lsblk -o NAME,PARTTYPENAME,MOUNTPOINT` or `findmnt /boot/efi`):

       efibootmgr --create --disk /dev/sda --part 1 --label svmhv \
                  --loader '\EFI\svmhv\svmhv.efi'

   efibootmgr puts the new entry first in BootOrder. Keep the old entry after
   it: if svmhv refuses to start (no SVM, bad svmhv.cfg) it returns to the
   firmware, which boots the next entry. Check with `efibootmgr -v`; change
   the order with `efibootmgr -o XXXX,YYYY`; remove with `efibootmgr -b XXXX -B`.

3. Options may also be given in the entry itself instead of svmhv.cfg:

       efibootmgr --create --disk /dev/sda --part 1 --label svmhv \
                  --loader '\EFI\svmhv\svmhv.efi' \
                  --unicode 'next=\EFI\debian\vmlinuz -- initrd=\EFI\debian\initrd.img root=/dev/sda2 ro'

4. Microcode (optional, recommended): Linux loads no microcode under a
   hypervisor, so svmhv does, from amd-ucode/ beside svmhv.efi:

       mkdir -p /boot/efi/EFI/svmhv/amd-ucode
       cp /lib/firmware/amd-ucode/microcode_amd*.bin /boot/efi/EFI/svmhv/amd-ucode/

   (Debian package amd64-microcode). Its console says
   `microcode: cpuN: patch level X -> Y` for each CPU it updates.

5. svmhv's console is the serial port (serial=, COM1 by default): connect
   one to see its banner, `virtualized cpuN` lines, or why it refused.
EOF
}

cp -f "$efi" "$dir/svmhv.efi"
if [ -e "$dir/svmhv.cfg" ]; then
	cfg_template > "$dir/svmhv.cfg.new"
	echo "esp: kept the existing $dir/svmhv.cfg; the template is $dir/svmhv.cfg.new"
else
	cfg_template > "$dir/svmhv.cfg"
fi
install_text > "$dir/INSTALL.txt"
echo "esp: $dir: svmhv.efi, svmhv.cfg, INSTALL.txt"
echo "esp: boot entry: efibootmgr --create --disk /dev/sdX --part N --label svmhv --loader '\\EFI\\svmhv\\svmhv.efi' (see INSTALL.txt)"
