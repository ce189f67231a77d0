/* SPDX-License-Identifier: MIT */
/*
 * Fail closed: a CPU svmhv could not take is parked by svmhv (INIT, never a
 * SIPI, hidden in the MADT) once the firmware is done with it, i.e. right
 * after ExitBootServices (boot/ebs_park.asm says why).
 */
#ifndef SVMHV_BOOT_EFI_PARK_H
#define SVMHV_BOOT_EFI_PARK_H

/* Park CPU index @idx after ExitBootServices. 0, or -1 (then it is parked now). */
int efi_park_later(unsigned idx);

#endif
